// Crash safety: `ccotel stats` is SIGKILLed while it ingests a large history, then run to completion;
// the totals must still equal the independently computed Expected exactly (nothing lost, nothing
// counted twice). Kill points are observed from outside, not timed: each run is killed once its
// checkpoints in state.json have passed a seeded random share of the remaining bytes (plus a few ms),
// so every kill lands mid-run after real progress, however loaded the machine. Size: KILL_TEST_MB
// (default 120).
import { spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HistoryGenerator, listJsonl, scanTranscript, type Expected } from './support/history-generator.js';
import { cliEnv, reportDiffs, requireBuiltCli, statsArgs } from './support/ccotel-cli.js';

const MB = Number(process.env.KILL_TEST_MB ?? 120);
const KILLS = 24;

interface Run {
  ms: number;
  killed: boolean;
  code: number | null;
  stdout: string;
  stderr: string;
}

interface KillAt {
  /** Kill once the checkpointed offsets reach this many bytes (and differ from the start). */
  offsets: number;
  /** Then wait this long before SIGKILL, so kills also land between two checkpoints. */
  delayMs: number;
}

function run(root: string, state: string, killAt?: KillAt): Promise<Run> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const start = progress(state);
    // 8 MB between commits (stats alone takes 32): the small histories appended after a run that
    // finished are then still committed mid-run, where the kills land (ingest/manager.ts).
    const child = spawn(process.execPath, statsArgs(root, state), { stdio: ['ignore', 'pipe', 'pipe'], env: { ...cliEnv(), CCOTEL_COMMIT_MB: '8' } });
    let stdout = '';
    let stderr = '';
    let exited = false;
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      exited = true;
      resolve({ ms: performance.now() - started, killed: signal === 'SIGKILL', code, stdout, stderr });
    });
    if (!killAt) return;
    void (async () => {
      for (;;) {
        if (exited) return;
        const p = progress(state);
        if (p.offsets >= killAt.offsets && (p.offsets !== start.offsets || p.ledgerBytes !== start.ledgerBytes)) break;
        await sleep(3);
      }
      if (killAt.delayMs) await sleep(killAt.delayMs);
      if (!exited) child.kill('SIGKILL');
    })();
  });
}

/** Bytes of transcripts checkpointed, and ledger bytes committed (0/0 before the first commit). */
function progress(state: string): { offsets: number; ledgerBytes: number } {
  try {
    const s = JSON.parse(readFileSync(join(state, 'state.json'), 'utf8'));
    let offsets = 0;
    for (const cp of Object.values<any>(s.files)) offsets += cp.offset;
    return { offsets, ledgerBytes: s.ledgerBytes };
  } catch {
    return { offsets: 0, ledgerBytes: 0 };
  }
}

describe('SIGKILL at random points, then resume', () => {
  let dir: string;
  let root: string;
  let gen: HistoryGenerator;
  let exp: Expected;
  let completeBytes: number;
  const stats = { kills: 0, killsWithProgress: 0, killsBeforeEnd: 0, completions: 0 };

  beforeAll(() => {
    requireBuiltCli();
    dir = mkdtempSync(join(tmpdir(), 'ccotel-kill-'));
    root = join(dir, 'claude');
    gen = new HistoryGenerator(root, { sessions: Math.max(8, Math.round(MB / 2.5)), seed: 4242, faults: true, targetBytes: MB * 1e6 });
    exp = gen.generate();
    completeBytes = 0;
    for (const f of listJsonl(root)) {
      const buf = readFileSync(f);
      completeBytes += buf.length - scanTranscript(buf).tornBytes;
    }
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it(`survives ${KILLS} kills and ends with exact totals`, async () => {
    // Reference: an uninterrupted cold run.
    const refState = join(dir, 'ref-state');
    const cold = await run(root, refState);
    expect(cold.code, cold.stderr).toBe(0);
    expect(reportDiffs(JSON.parse(cold.stdout), exp)).toEqual([]);

    const state = join(dir, 'state');
    let seed = 0x5eed;
    const rnd = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32);
    const log: string[] = [];
    for (let attempt = 0; attempt < KILLS * 3 && stats.kills < KILLS; attempt++) {
      const before = progress(state);
      // Somewhere in the middle of what is left: 10..80 % of the remaining bytes, then 0..20 ms.
      const killAt = { offsets: before.offsets + Math.floor((0.1 + 0.7 * rnd()) * (completeBytes - before.offsets)), delayMs: Math.floor(20 * rnd()) };
      const r = await run(root, state, killAt);
      const after = progress(state);
      log.push(`kill at ${(killAt.offsets / 1e6).toFixed(1)} MB + ${killAt.delayMs} ms: ${r.killed ? 'killed' : `exit ${r.code}`}, checkpointed ${(before.offsets / 1e6).toFixed(1)} -> ${(after.offsets / 1e6).toFixed(1)} of ${(completeBytes / 1e6).toFixed(1)} MB`);
      if (!r.killed) {
        // Finished before the kill: it must be exact; then give the next runs new work to be killed in.
        expect(r.code, r.stderr).toBe(0);
        expect(reportDiffs(JSON.parse(r.stdout), exp)).toEqual([]);
        stats.completions++;
        exp = gen.appendMore({ sessions: 12, turns: 6, newSessions: 6 });
        completeBytes = exp.bytes; // appendMore completes every torn line
        continue;
      }
      stats.kills++;
      if (after.offsets !== before.offsets || after.ledgerBytes !== before.ledgerBytes) stats.killsWithProgress++;
      if (after.offsets < completeBytes) stats.killsBeforeEnd++;
    }
    console.log(`cold ${cold.ms.toFixed(0)} ms\n${log.join('\n')}\n${JSON.stringify(stats)}`);
    expect(stats.kills).toBe(KILLS);

    const final = await run(root, state);
    expect(final.code, final.stderr).toBe(0);
    expect(reportDiffs(JSON.parse(final.stdout), exp)).toEqual([]);
    expect(progress(state).offsets).toBe(completeBytes);
    // And once more, warm: nothing new, same answer.
    const again = await run(root, state);
    expect(again.code).toBe(0);
    expect(reportDiffs(JSON.parse(again.stdout), exp)).toEqual([]);
  });

  // ingest/manager.ts commits every few MB or half second ("so a kill loses little work"): a run
  // killed after its checkpoints moved keeps that progress for the next run.
  it('kills mid-run keep the work done so far (checkpoints advance between kills)', () => {
    expect(stats.kills).toBe(KILLS);
    expect(stats.killsWithProgress).toBe(stats.kills);
    // Checkpoints move in steps of up to 8 MB here (CCOTEL_COMMIT_MB), so after the small appends a kill often lands past
    // the last checkpoint (still before the run's exit). The first kill aims at most at 80 % of the
    // cold history, one step short of its end: at least that one stops with bytes left to read.
    expect(stats.killsBeforeEnd).toBeGreaterThanOrEqual(1);
  });
});
