// Crash safety: `ccotel stats` is SIGKILLed at seeded random moments while it ingests a large history,
// then run to completion; the totals must still equal the independently computed Expected exactly
// (nothing lost, nothing counted twice). Size: KILL_TEST_MB (default 120).
import { spawn } from 'node:child_process';
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

function run(root: string, state: string, killAfterMs?: number): Promise<Run> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, statsArgs(root, state), { stdio: ['ignore', 'pipe', 'pipe'], env: cliEnv() });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = killAfterMs === undefined ? undefined : setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ ms: performance.now() - started, killed: signal === 'SIGKILL', code, stdout, stderr });
    });
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
  const stats = { kills: 0, killsAfterStartup: 0, killsWithProgress: 0, completions: 0 };

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
    // Reference: an uninterrupted cold run (also gives the timing the kills are spread over).
    const refState = join(dir, 'ref-state');
    const cold = await run(root, refState);
    expect(cold.code, cold.stderr).toBe(0);
    expect(reportDiffs(JSON.parse(cold.stdout), exp)).toEqual([]);
    // Time before any transcript byte is read: the same command on an empty Claude directory.
    const empty = await run(join(dir, 'empty-claude'), join(dir, 'empty-state'));
    expect(empty.code, empty.stderr).toBe(0);
    const startupMs = empty.ms;
    const workMs = Math.max(50, cold.ms - startupMs);

    const state = join(dir, 'state');
    let seed = 0x5eed;
    const rnd = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32);
    const log: string[] = [];
    for (let attempt = 0; attempt < KILLS * 3 && stats.kills < KILLS; attempt++) {
      const before = progress(state);
      const remaining = Math.max(0.05, 1 - before.offsets / completeBytes);
      // Spread over the whole run: late startup .. just past the expected end of the remaining work.
      const delay = startupMs * (0.7 + 0.3 * rnd()) + rnd() * workMs * remaining * 1.2;
      const r = await run(root, state, delay);
      const after = progress(state);
      log.push(`kill at ${delay.toFixed(0)} ms: ${r.killed ? 'killed' : `exit ${r.code}`}, checkpointed ${(before.offsets / 1e6).toFixed(1)} -> ${(after.offsets / 1e6).toFixed(1)} of ${(completeBytes / 1e6).toFixed(1)} MB`);
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
      if (delay > startupMs) stats.killsAfterStartup++;
      if (after.offsets !== before.offsets || after.ledgerBytes !== before.ledgerBytes) stats.killsWithProgress++;
    }
    console.log(`cold ${cold.ms.toFixed(0)} ms, startup ${startupMs.toFixed(0)} ms\n${log.join('\n')}`);
    expect(stats.kills).toBeGreaterThanOrEqual(20);
    // That kills landed mid-run (not only during start-up) is asserted by the progress test below,
    // which does not depend on wall-clock timing on a loaded machine.

    const final = await run(root, state);
    expect(final.code, final.stderr).toBe(0);
    expect(reportDiffs(JSON.parse(final.stdout), exp)).toEqual([]);
    expect(progress(state).offsets).toBe(completeBytes);
    // And once more, warm: nothing new, same answer.
    const again = await run(root, state);
    expect(again.code).toBe(0);
    expect(reportDiffs(JSON.parse(again.stdout), exp)).toEqual([]);
  });

  // history-reader.ts promises a commit after each file ("so a kill loses little work"); with
  // per-file commits, kills landing mid-run leave the checkpoints further along each time.
  it('kills mid-run keep the work done so far (checkpoints advance between kills)', () => {
    expect(stats.kills).toBeGreaterThan(0);
    // How many kills land after a checkpoint depends on machine load; before the periodic commits
    // in syncAll this was 0 (a killed run kept nothing), which is what this guards.
    expect(stats.killsWithProgress).toBeGreaterThanOrEqual(1);
  });
});
