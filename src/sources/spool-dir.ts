// The hook spool (written by hooks/ccotel-hook.sh): <stateDir>/spool/{tmp,new}, maildir-style. A file
// appears in new/ complete (renamed from tmp/); its name is "<epoch ns>.<pid>", the time the hook
// ran and the event's stable id. This module lists and reads it; moving on (removing a committed
// file) is the ingest side's decision (src/ingest/spool-consumer.ts).
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { parseHookPayload } from '../model/hook-payload.js';
import type { HookEvent } from '../model/events.js';

export const spoolDir = (stateDir: string): string => join(stateDir, 'spool');
/** Where payloads that are not hook events are moved (kept for inspection, never read again). */
export const REJECTED = 'rejected';
const NAME = /^(\d{10,20})\.(\d+)$/;

export interface SpoolEntry {
  name: string;
  /** When the hook ran, epoch ms (fractional: the name has nanoseconds). */
  ts: number;
}

/** The hook's time from a spool file name; undefined for a name the hook does not write. */
export function spoolTime(name: string): number | undefined {
  const m = NAME.exec(name);
  if (!m) return undefined;
  const digits = m[1]!;
  // Whole nanoseconds (19 digits today) lose precision as a double: split seconds and fraction.
  const sec = Number(digits.slice(0, -9));
  const ns = Number(digits.slice(-9));
  return sec * 1000 + ns / 1e6;
}

/** Files waiting in new/, oldest first (ties: pid, then name). Missing spool: none. */
export async function listSpool(dir: string): Promise<SpoolEntry[]> {
  let names: string[];
  try {
    names = await readdir(join(dir, 'new'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const out: SpoolEntry[] = [];
  for (const name of names) {
    const ts = spoolTime(name);
    if (ts !== undefined) out.push({ name, ts });
  }
  return out.sort((a, b) => a.ts - b.ts || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

export type SpoolRead = { ok: true; event: HookEvent; bytes: number } | { ok: false; reason: string; bytes: number };

export async function readSpoolFile(dir: string, e: SpoolEntry, transcriptExists: (p: string) => boolean = existsSync): Promise<SpoolRead | undefined> {
  let text: string;
  try {
    text = await readFile(join(dir, 'new', e.name), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined; // removed meanwhile
    throw err;
  }
  const r = parseHookPayload(e.name, Math.round(e.ts * 1000) / 1000, text, transcriptExists);
  return r.ok ? { ok: true, event: r.event, bytes: text.length } : { ok: false, reason: r.reason, bytes: text.length };
}

/** Removes a consumed file; an already-removed one is fine. */
export async function removeSpoolFile(dir: string, name: string): Promise<void> {
  await unlink(join(dir, 'new', name)).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'ENOENT') throw err;
  });
}

/** Moves a payload that is not a hook event out of the way (spool/rejected/), keeping it for a look. */
export async function rejectSpoolFile(dir: string, name: string): Promise<void> {
  await mkdir(join(dir, REJECTED), { recursive: true, mode: 0o700 });
  await rename(join(dir, 'new', name), join(dir, REJECTED, name)).catch(() => unlink(join(dir, 'new', name)).catch(() => {}));
}

/** Age in ms of the oldest waiting file, for `hooks status` (undefined: none waiting). */
export async function spoolBacklog(dir: string, now = Date.now()): Promise<{ waiting: number; oldestMs?: number }> {
  const list = await listSpool(dir);
  if (list.length === 0) return { waiting: 0 };
  return { waiting: list.length, oldestMs: now - list[0]!.ts };
}

export async function spoolExists(dir: string): Promise<boolean> {
  return stat(join(dir, 'new')).then(
    () => true,
    () => false,
  );
}
