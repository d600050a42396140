// `ccotel run` following transcripts written in torn pieces, as a busy writer (or a slow disk) leaves
// them: every file's appended bytes arrive in pieces of 1 to 300 bytes, interleaved across files, and
// a few prompt lines with multi-byte UTF-8 (2, 3 and 4 bytes) and CRLF endings arrive one byte at a
// time, so the daemon sees a line cut inside a character and right after its '\r'. A burst is also
// cut short by SIGKILL, the rest written while the daemon is down. Truth: the history generator's
// Expected, plus the hand-written prompts (each adds one prompt and one line, nothing else).
import { closeSync, cpSync, existsSync, mkdirSync, openSync, readFileSync, appendFileSync, writeFileSync, writeSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import { HistoryGenerator, listJsonl, type Expected } from './support/history-generator.js';
import { reportDiffs, requireBuiltCli, runStats } from './support/ccotel-cli.js';
import { startFollowing } from './support/cli-process.js';
import { tempDir, useCleanups } from './support/temp.js';
import { waitFor } from './support/wait.js';

useCleanups();

let seed = 0x70a2;
const rnd = (): number => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32);

/**
 * Brings `live` up to `shadow`, whose files only grew or are new: the missing bytes in pieces,
 * interleaved across files; `byteByByte` files one byte a write.
 */
async function mirrorTorn(shadow: string, live: string, byteByByte: string): Promise<void> {
  const jobs: Array<{ path: string; bytes: Buffer; step: number }> = [];
  for (const f of listJsonl(shadow)) {
    const to = join(live, relative(shadow, f));
    const want = readFileSync(f);
    const have = existsSync(to) ? readFileSync(to) : Buffer.alloc(0);
    if (!have.equals(want.subarray(0, have.length))) throw new Error(`${to} is not a prefix of ${f}`);
    if (have.length === want.length) continue;
    mkdirSync(dirname(to), { recursive: true });
    jobs.push({ path: to, bytes: want.subarray(have.length), step: f === byteByByte ? 1 : 300 });
  }
  while (jobs.length > 0) {
    const i = Math.floor(rnd() * jobs.length);
    const j = jobs[i]!;
    const n = Math.min(j.bytes.length, 1 + Math.floor(rnd() * j.step));
    const fd = openSync(j.path, 'a');
    writeSync(fd, j.bytes.subarray(0, n));
    closeSync(fd);
    j.bytes = j.bytes.subarray(n);
    if (j.bytes.length === 0) jobs.splice(i, 1);
    if (rnd() < 0.2) await sleep(1 + rnd() * 3);
  }
}

const TEXTS = ['café crème, s\'il vous plaît', '中文字符的提示', 'emoji 🦀🚀 and more ✓', 'ünïcödé\ttab'];
let handCount = 0;

/** Appends prompt lines (multi-byte text, CRLF endings) to a shadow transcript; returns how many. */
function handPrompts(file: string): number {
  // The session's id and folder, from its first line that names both (its first may be a summary).
  const first = readFileSync(file, 'utf8').split('\n').flatMap((l) => {
    try {
      const o = JSON.parse(l) as { sessionId?: string; cwd?: string };
      return o.sessionId && o.cwd ? [{ sessionId: o.sessionId, cwd: o.cwd }] : [];
    } catch {
      return [];
    }
  })[0]!;
  let text = '';
  for (const t of TEXTS) {
    const n = handCount++;
    const o = { parentUuid: null, isSidechain: false, userType: 'external', cwd: first.cwd, sessionId: first.sessionId, version: '2.1.42', type: 'user', message: { role: 'user', content: `${t} #${n}` }, uuid: `hand-0000-4000-8000-${String(n).padStart(12, '0')}`, timestamp: '2026-02-01T10:00:00.000Z' };
    text += JSON.stringify(o) + '\r\n';
  }
  appendFileSync(file, text);
  return TEXTS.length;
}

/** Expected with `extra` hand prompts (one line each) in a file the generator no longer recounts. */
function plus(exp: Expected, extra: number): Expected {
  return { ...exp, prompts: exp.prompts + extra, input: { ...exp.input, lines: exp.input.lines + extra } };
}

async function differences(root: string, state: string, exp: Expected): Promise<string[]> {
  let diffs: string[] = [];
  await waitFor(async () => {
    diffs = reportDiffs((await runStats(root, state)).report, exp);
    return diffs.length === 0 ? true : undefined;
  }, { timeoutMs: 20_000, intervalMs: 500, what: 'stats equal to Expected' }).catch(() => {});
  // On failure, also name the files the daemon's committed checkpoints stop short of (complete lines unread).
  if (diffs.length > 0) {
    const files = JSON.parse(readFileSync(join(state, 'state.json'), 'utf8')).files as Record<string, { offset: number }>;
    for (const f of listJsonl(root)) {
      const buf = readFileSync(f);
      const complete = buf.lastIndexOf(0x0a) + 1;
      if ((files[f]?.offset ?? 0) < complete) diffs.push(`${f}: read to ${files[f]?.offset ?? 0} of ${complete} bytes of complete lines`);
    }
  }
  return diffs;
}

describe('torn writes while ccotel run follows', () => {
  beforeAll(() => requireBuiltCli());

  it('every line counts once, torn at any byte, across a SIGKILL in the middle of a burst', async () => {
    const shadow = await tempDir('shadow');
    const root = await tempDir('live');
    const state = await tempDir('state');
    const gen = new HistoryGenerator(shadow, { sessions: 8, seed: 31, faults: true });
    let exp = gen.generate();
    cpSync(shadow, root, { recursive: true });
    // The hand prompts go to the last session's file, which appendMore({ sessions: 4 }) leaves alone
    // (once its torn line, if any, is completed by the first appendMore).
    const hand = gen.sessionPaths()[7]!;
    let d = await startFollowing(root, state);
    expect(await differences(root, state, exp), 'backfill').toEqual([]);

    exp = gen.appendMore({ sessions: 4, turns: 3, newSessions: 2 });
    let extra = handPrompts(hand);
    await mirrorTorn(shadow, root, hand);
    expect(await differences(root, state, plus(exp, extra)), 'torn appends while followed').toEqual([]);

    exp = gen.appendMore({ sessions: 4, turns: 3, newSessions: 2 });
    extra += handPrompts(hand);
    const burst = mirrorTorn(shadow, root, hand);
    await sleep(300);
    d.child.kill('SIGKILL');
    await d.done;
    await burst;
    d = await startFollowing(root, state);
    expect(await differences(root, state, plus(exp, extra)), 'after a SIGKILL mid-burst').toEqual([]);
    d.child.kill('SIGTERM');
    expect((await d.done).code, d.stderr).toBe(0);
    expect(reportDiffs((await runStats(root, state)).report, plus(exp, extra)), 'from the state alone').toEqual([]);
  }, 240_000);

  // chokidar reports a file's change, then drops its changes for 50 ms: Claude Code writes a tool's
  // result or the turn's end a few ms after the line before (a fast tool, the last block). The
  // second line must not wait for the next rescan (30 s).
  it('a line written a few ms after the one before is read within seconds, not at the next rescan', async () => {
    const root = await tempDir('live');
    const state = await tempDir('state');
    const dir = join(root, 'projects', '-home-dev-quick');
    mkdirSync(dir, { recursive: true });
    const prompt = (sid: string, n: number): string =>
      JSON.stringify({ parentUuid: null, isSidechain: false, userType: 'external', cwd: '/home/dev/quick', sessionId: sid, version: '2.1.42', type: 'user', message: { role: 'user', content: `prompt ${n}` }, uuid: `${sid.slice(0, 8)}-0000-4000-8000-${String(n).padStart(12, '0')}`, timestamp: new Date(Date.now() - 3600_000 + n * 1000).toISOString() }) + '\n';
    // Ten sessions, so ten last lines each written just after the line before (a later write to the
    // same file would have its event read the earlier line too).
    const sids = Array.from({ length: 10 }, (_, i) => `dddddd${String(i).padStart(2, '0')}-1111-4222-8333-444444444444`);
    for (const sid of sids) writeFileSync(join(dir, `${sid}.jsonl`), prompt(sid, 0));
    const d = await startFollowing(root, state);
    const prompts = async (): Promise<number> => (await runStats(root, state)).report.prompts as number;
    expect(await prompts()).toBe(sids.length);
    for (const [i, sid] of sids.entries()) {
      appendFileSync(join(dir, `${sid}.jsonl`), prompt(sid, 1));
      await sleep(10 + (i % 4) * 10);
      appendFileSync(join(dir, `${sid}.jsonl`), prompt(sid, 2));
      await sleep(150);
    }
    // Well under the 30 s rescan that would otherwise find them.
    const want = 3 * sids.length;
    const got = await waitFor(async () => ((await prompts()) === want ? want : undefined), { timeoutMs: 4000, intervalMs: 250 }).catch(async () => await prompts());
    expect(got, 'prompts counted a few seconds after the last write').toBe(want);
    d.child.kill('SIGTERM');
    expect((await d.done).code, d.stderr).toBe(0);
  }, 120_000);
});
