// `ccotel prune --older-than 30d`: the guide's log rotation. What goes: activity logs whose day is
// older than the cutoff, and spool files that can no longer matter — committed ones (their names are
// in state.json's spool entry: a crash or a failed removal left them), rejected payloads and
// abandoned partial writes in tmp/. A spool file waiting to be ingested is never removed, however old.
import { readdir, readFile, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { localDay } from '../calendar/time-range.js';
import { REJECTED, spoolDir, spoolTime } from '../sources/spool-dir.js';
import { ACTIVITY_FILE } from './activity-log.js';

export interface PruneItem {
  path: string;
  bytes: number;
  why: string;
}

export interface PruneOptions {
  activityDir: string;
  stateDir: string;
  olderThanMs: number;
  timezone: string;
  nowMs: number;
}

async function entries(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).sort();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}

async function sizeAndTime(path: string): Promise<{ bytes: number; mtimeMs: number } | undefined> {
  try {
    const s = await stat(path);
    return s.isFile() ? { bytes: s.size, mtimeMs: s.mtimeMs } : undefined;
  } catch {
    return undefined;
  }
}

/** Names the state lists as committed (spool-consumer's `done`); none when there is no state. */
async function committedSpool(stateDir: string): Promise<Set<string>> {
  try {
    const st = JSON.parse(await readFile(join(stateDir, 'state.json'), 'utf8')) as { sinks?: { spool?: { done?: unknown } } };
    const done = st.sinks?.spool?.done;
    return new Set(Array.isArray(done) ? done.filter((n): n is string => typeof n === 'string') : []);
  } catch {
    return new Set();
  }
}

export async function planPrune(o: PruneOptions): Promise<PruneItem[]> {
  const cutoff = o.nowMs - o.olderThanMs;
  const cutoffDay = localDay(cutoff, o.timezone);
  const out: PruneItem[] = [];
  for (const name of await entries(o.activityDir)) {
    const day = ACTIVITY_FILE.exec(name)?.[1];
    if (!day || day >= cutoffDay) continue; // the cutoff's own day still has entries inside the window
    const p = join(o.activityDir, name);
    const s = await sizeAndTime(p);
    if (s) out.push({ path: p, bytes: s.bytes, why: `activity log of ${day}` });
  }
  const spool = spoolDir(o.stateDir);
  const committed = await committedSpool(o.stateDir);
  for (const name of await entries(join(spool, 'new'))) {
    const t = spoolTime(name);
    if (!committed.has(name) || t === undefined || t >= cutoff) continue;
    const p = join(spool, 'new', name);
    const s = await sizeAndTime(p);
    if (s) out.push({ path: p, bytes: s.bytes, why: 'hook event already committed' });
  }
  for (const [sub, why] of [[REJECTED, 'rejected hook payload'], ['tmp', 'abandoned partial hook write']] as const) {
    for (const name of await entries(join(spool, sub))) {
      const p = join(spool, sub, name);
      const s = await sizeAndTime(p);
      if (s && s.mtimeMs < cutoff) out.push({ path: p, bytes: s.bytes, why });
    }
  }
  return out;
}

/** Removes the planned files; returns those that could not be removed, with the reason. */
export async function prune(items: readonly PruneItem[]): Promise<Array<{ path: string; error: string }>> {
  const failed: Array<{ path: string; error: string }> = [];
  for (const it of items) {
    try {
      await unlink(it.path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') failed.push({ path: it.path, error: (err as Error).message });
    }
  }
  return failed;
}
