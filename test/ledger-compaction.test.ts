// Ledger compaction is online and crash-safe: `ccotel stats` compacts at commit time (thresholds
// lowered through the environment), and a SIGKILL at each step of the compaction (an injected fault
// point) loses and doubles nothing: the next run reports the generator's exact totals.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HistoryGenerator, listJsonl, type Expected } from './support/history-generator.js';
import { CLI, cliEnv, reportDiffs, requireBuiltCli, statsArgs } from './support/ccotel-cli.js';
import { StateLock } from '../src/state/lock.js';
import { runCli, type CliResult } from './support/cli-process.js';

const execFileAsync = promisify(execFile);
const COMPACT_ALWAYS = { CCOTEL_COMPACT_MIN_BYTES: '0', CCOTEL_COMPACT_MIN_RATIO: '0' };

const stats = (root: string, state: string, env: Record<string, string> = {}): Promise<CliResult> => runCli(statsArgs(root, state).slice(1), env);

function ledgerRows(state: string): unknown[][] {
  return readFileSync(join(state, 'ledger.ndjson'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
}

describe('ledger compaction', () => {
  let dir: string;
  let root: string;
  let exp: Expected;
  /** State after reading the first half of every transcript. */
  let half: string;

  beforeAll(async () => {
    requireBuiltCli();
    dir = mkdtempSync(join(tmpdir(), 'ccotel-compact-'));
    root = join(dir, 'claude');
    exp = new HistoryGenerator(root, { sessions: 8, seed: 515, faults: true, targetBytes: 4e6 }).generate();
    // Read the first half of each file, then the rest: tool calls whose result is in the second
    // half get their ledger row rewritten, so the ledger has superseded rows to compact away.
    const full = new Map<string, Buffer>();
    for (const f of listJsonl(root)) {
      const buf = readFileSync(f);
      full.set(f, buf);
      const cut = buf.indexOf(0x0a, Math.floor(buf.length / 2));
      if (cut !== -1) truncateSync(f, cut + 1);
    }
    half = join(dir, 'half-state');
    const r = await stats(root, half);
    expect(r.code, r.stderr).toBe(0);
    for (const [f, buf] of full) writeFileSync(f, buf); // same file, grown: read on from the checkpoint
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('rewrites the ledger with one row per record and keeps exact totals', async () => {
    const state = join(dir, 'plain');
    cpSync(half, state, { recursive: true });
    const rowsBefore = ledgerRows(state).length;
    const r = await stats(root, state, COMPACT_ALWAYS);
    expect(r.code, r.stderr).toBe(0);
    expect(reportDiffs(JSON.parse(r.stdout), exp)).toEqual([]);
    const s = JSON.parse(readFileSync(join(state, 'state.json'), 'utf8'));
    expect(s.lastCompactionMs).toEqual(expect.any(Number));
    const rows = ledgerRows(state);
    expect(rows[0]![0]).toBe('H');
    expect(rows[0]![1]).toBe(s.ledgerId);
    const keys = rows.slice(1).map((row) => `${row[0]}${row[1]}`);
    expect(new Set(keys).size).toBe(keys.length); // no superseded row left
    expect(s.ledgerRows).toBe(keys.length);
    expect(rowsBefore).toBeGreaterThan(0);
    // Warm run on the compacted ledger: same totals.
    const warm = await stats(root, state);
    expect(warm.code, warm.stderr).toBe(0);
    expect(reportDiffs(JSON.parse(warm.stdout), exp)).toEqual([]);

    // doctor reports the size, the share of superseded rows and when it was compacted, and asks the
    // lock who holds the directory.
    const lock = StateLock.acquire(state) as StateLock;
    try {
      const { stdout } = await execFileAsync(process.execPath, [CLI, 'doctor', '--json', '--claude-dir', root, '--state-dir', state], { env: cliEnv() }).catch((e) => e);
      const line = JSON.parse(stdout).checks.find((c: { what: string }) => c.what === 'state');
      expect(line.verdict).toBe('ok');
      expect(line.detail).toContain(`in use by pid ${process.pid}`);
      expect(line.detail).toMatch(/ on disk \(ledger [\d.]+ KiB, 0% superseded rows\)/);
      expect(line.detail).toContain(`last compacted ${new Date(s.lastCompactionMs).toISOString()}`);
    } finally {
      lock.release();
    }
  });

  for (const point of ['compact.begin', 'compact.chunk', 'compact.written', 'compact.synced', 'compact.renamed', 'compact.saved']) {
    it(`loses and doubles nothing when killed at ${point}`, async () => {
      const state = join(dir, point);
      cpSync(half, state, { recursive: true });
      const killed = await stats(root, state, { ...COMPACT_ALWAYS, CCOTEL_TEST_FAULT: point });
      expect(killed.signal, `run should die at ${point}: ${killed.stderr}`).toBe('SIGKILL');
      const r = await stats(root, state);
      expect(r.code, r.stderr).toBe(0);
      expect(reportDiffs(JSON.parse(r.stdout), exp)).toEqual([]);
      expect(readdirSync(state).filter((n) => n.endsWith('.compact') || n.endsWith('.tmp'))).toEqual([]);
      // Compacting again after the recovery is still exact.
      const again = await stats(root, state, COMPACT_ALWAYS);
      expect(again.code, again.stderr).toBe(0);
      expect(reportDiffs(JSON.parse(again.stdout), exp)).toEqual([]);
    });
  }
});
