// `ccotel prune --older-than 90d` drops the ledger's per-call records older than the cutoff and
// keeps rollups and key tombstones in their place. What must not change, checked against the
// history generator's Expected (all-time totals) and against the same state before the prune (every
// day's report, the metrics, the sessions list and a session's detail): a fresh `stats`, a fold
// rebuilt after fold.json is deleted, a prune killed at each of its steps (then run again), and an
// old transcript read again from 0 (replaced by a copy, or truncated and rewritten).
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { cpSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HistoryGenerator, listJsonl, type Expected } from './support/history-generator.js';
import { CLI, cliEnv, reportDiffs, reportVsReport, requireBuiltCli, runStats } from './support/ccotel-cli.js';
import { runCli, type CliResult } from './support/cli-process.js';
import { StateStore } from '../src/state/store.js';
import { StateLock } from '../src/state/lock.js';
import { attachFold } from '../src/fold/fold-file.js';
import { Fold } from '../src/fold/fold.js';
import { Pricer } from '../src/pricing/cost.js';
import { EMBEDDED_PRICES } from '../src/pricing/price-table.js';
import { buildReport } from '../src/stats/report.js';
import { metricData } from '../src/export/metrics/ledger-metrics.js';

const execFileAsync = promisify(execFile);
const DAY = 86_400_000;
const pricer = new Pricer(EMBEDDED_PRICES);

/** The CLI with no activity-log directory of the user's (prune would otherwise list it). */
const cli = (args: string[], env: Record<string, string> = {}): Promise<CliResult> => runCli(args, { CLAUDE_LOG_DIR: join(tmpdir(), 'ccotel-prune-no-logs'), ...env });

const ledgerRows = (state: string): unknown[][] => readFileSync(join(state, 'ledger.ndjson'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as unknown[]);

/** Every day's report, the metrics and Fold.of's all-time report, read in-process from a state directory. */
async function snapshot(state: string, days: number[], nowMs: number) {
  const store = await StateStore.open(state, { allowReadOnly: true });
  try {
    const { fold } = await attachFold(store, { pricer });
    const input = { files: 0, lines: 0, malformedLines: 0, oversizedLines: 0, unpricedModels: [] };
    const report = (f: Fold, startMs: number, endMs: number) => buildReport(f, { range: { label: 'x', startMs, endMs }, timezone: 'UTC' }, input, () => store.ledger);
    const rebuilt = Fold.of(store.ledger, { pricer });
    return {
      days: days.map((d) => report(fold, d, d + DAY)),
      rebuiltDays: days.map((d) => report(rebuilt, d, d + DAY)),
      metrics: metricData(fold, { user: 'u', timezone: 'UTC', nowMs }),
      rebuiltMetrics: metricData(rebuilt, { user: 'u', timezone: 'UTC', nowMs }),
    };
  } finally {
    store.close();
  }
}

const noMinMax = (ms: ReturnType<typeof metricData>) =>
  ms.map((m) => (m.kind === 'histogram' ? { ...m, points: m.points.map((p) => ({ ...p, histogram: { ...p.histogram, min: undefined, max: undefined } })) } : m));

describe('ccotel prune: ledger detail', () => {
  let dir: string;
  let root: string;
  let exp: Expected;
  let base: string;
  let days: number[];
  let before: Awaited<ReturnType<typeof snapshot>>;
  let sessionsBefore: unknown;
  let showBefore: unknown;
  let oldSession: string;
  const nowMs = Date.now();
  const start = Date.UTC(new Date(nowMs - 104 * DAY).getUTCFullYear(), new Date(nowMs - 104 * DAY).getUTCMonth(), new Date(nowMs - 104 * DAY).getUTCDate());

  const statsOk = async (state: string, what: string) => {
    const r = await runStats(root, state);
    expect(reportDiffs(r.report, exp), what).toEqual([]);
  };

  beforeAll(async () => {
    requireBuiltCli();
    dir = mkdtempSync(join(tmpdir(), 'ccotel-prune-'));
    root = join(dir, 'claude');
    // 28 days ending 76 days ago: the 90-day cutoff falls in the middle.
    exp = new HistoryGenerator(root, { sessions: 10, seed: 9090, faults: true, targetBytes: 3e6, startDate: new Date(start).toISOString().slice(0, 10), days: 28 }).generate();
    days = Array.from({ length: 30 }, (_, i) => start + i * DAY);
    base = join(dir, 'base');
    await statsOk(base, 'before any prune');
    before = await snapshot(base, days, nowMs);
    const list = await cli(['sessions', '--json', '-n', '1000', '--claude-dir', root, '--state-dir', base]);
    expect(list.code, list.stderr).toBe(0);
    sessionsBefore = JSON.parse(list.stdout);
    const rows = (sessionsBefore as { sessions: Array<{ sessionId: string; start: string }> }).sessions;
    oldSession = rows.filter((s) => Date.parse(s.start) < nowMs - 92 * DAY).sort((a, b) => (a.start < b.start ? -1 : 1))[0]!.sessionId;
    const show = await cli(['sessions', '--show', oldSession, '--json', '--claude-dir', root, '--state-dir', base]);
    expect(show.code, show.stderr).toBe(0);
    showBefore = JSON.parse(show.stdout);
  }, 180_000);
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** Everything a user or a backend reads is as before the prune. */
  async function expectUnchanged(state: string, what: string) {
    await statsOk(state, what);
    const after = await snapshot(state, days, nowMs);
    after.days.forEach((r, i) => expect(reportVsReport(before.days[i], r), `${what}: day ${new Date(days[i]!).toISOString()}`).toEqual([]));
    after.rebuiltDays.forEach((r, i) => expect(reportVsReport(before.days[i], r), `${what}: rebuilt fold, day ${new Date(days[i]!).toISOString()}`).toEqual([]));
    // The fold in use may be the saved one or one rebuilt (fold.json lost, a kill): histogram min and
    // max are not taken back when a streamed copy replaces a call, so only a rebuilt fold's are exact.
    expect(noMinMax(after.metrics), `${what}: metrics`).toEqual(noMinMax(before.metrics));
    expect(after.rebuiltMetrics, `${what}: metrics of a rebuilt fold`).toEqual(before.rebuiltMetrics);
  }

  it('drops old per-call records, keeps every total, day, metric and session; --dry-run drops nothing; doctor shows the horizon', async () => {
    const state = join(dir, 'plain');
    cpSync(base, state, { recursive: true });
    const size = statSync(join(state, 'ledger.ndjson')).size;
    const dry = await cli(['prune', '--older-than', '90d', '--dry-run', '--state-dir', state]);
    expect(dry.code, dry.stderr).toBe(0);
    const would = /ledger: would drop (\d+) per-call ledger records older than (\S+), (\d+) bytes of detail/.exec(dry.stdout);
    expect(would, dry.stdout).not.toBeNull();
    expect(Number(would![1])).toBeGreaterThan(100);
    expect(statSync(join(state, 'ledger.ndjson')).size).toBe(size);

    // The prune takes "now" from its own clock: the bounds below use the clock around that run, not
    // the test's start (a 15-minute boundary passed meanwhile moved the cutoff past it).
    const ranFrom = Date.now();
    const real = await cli(['prune', '--older-than', '90d', '--state-dir', state]);
    const ranTo = Date.now();
    expect(real.code, real.stderr).toBe(0);
    const done = /ledger: dropped (\d+) per-call ledger records older than (\S+), \d+ bytes of detail; ledger (\d+) -> (\d+) bytes, (\d+) bytes removed/.exec(real.stdout);
    expect(done, real.stdout).not.toBeNull();
    expect(done![1]).toBe(would![1]);
    const cutoff = Date.parse(done![2]!);
    expect(cutoff).toBeLessThanOrEqual(ranTo - 90 * DAY);
    expect(cutoff).toBeGreaterThan(ranFrom - 91 * DAY);
    expect(statSync(join(state, 'ledger.ndjson')).size).toBe(Number(done![4]));
    expect(Number(done![4])).toBeLessThan(size);
    // No per-call row before the cutoff is left; the horizon, tombstones and rollups are there.
    const rows = ledgerRows(state);
    const old = rows.filter((r) => ['U', 'T', 'C', 'K'].includes(r[0] as string) && (r[2] as number) < cutoff);
    expect(old).toEqual([]);
    expect(rows.find((r) => r[0] === 'Z')?.slice(1, 3)).toEqual([cutoff, Number(done![1])]);
    expect(rows.some((r) => r[0] === 'X')).toBe(true);
    expect(rows.filter((r) => r[0] === 'A').length).toBeGreaterThan(0);

    await expectUnchanged(state, 'after prune');
    const list = await cli(['sessions', '--json', '-n', '1000', '--claude-dir', root, '--state-dir', state]);
    expect(JSON.parse(list.stdout)).toEqual(sessionsBefore);
    const show = await cli(['sessions', '--show', oldSession, '--json', '--claude-dir', root, '--state-dir', state]);
    expect(JSON.parse(show.stdout)).toEqual(showBefore);

    const doc = await execFileAsync(process.execPath, [CLI, 'doctor', '--json', '--claude-dir', root, '--state-dir', state], { env: cliEnv() }).catch((e) => e);
    const line = JSON.parse(doc.stdout).checks.find((c: { what: string }) => c.what === 'state');
    expect(line.detail).toContain(`per-call detail pruned before ${new Date(cutoff).toISOString()} (${done![1]} records`);

    // fold.json lost: rebuilt from the pruned ledger and its rollups, same numbers.
    rmSync(join(state, 'fold.json'));
    rmSync(join(state, 'fold.journal'), { force: true });
    await expectUnchanged(state, 'fold.json deleted after prune');
    const list2 = await cli(['sessions', '--json', '-n', '1000', '--claude-dir', root, '--state-dir', state]);
    expect(JSON.parse(list2.stdout), 'sessions from a rebuilt fold').toEqual(sessionsBefore);
    const show2 = await cli(['sessions', '--show', oldSession, '--json', '--claude-dir', root, '--state-dir', state]);
    expect(JSON.parse(show2.stdout), 'an old session from a rebuilt fold').toEqual(showBefore);

    // A second prune with a later cutoff merges into the same rollups.
    const again = await cli(['prune', '--older-than', '77d', '--state-dir', state]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/ledger: dropped [1-9]\d* per-call/);
    await expectUnchanged(state, 'second prune');
    rmSync(join(state, 'fold.json'));
    await expectUnchanged(state, 'second prune, fold rebuilt');
  }, 240_000);

  it('a running ccotel holding the state: the ledger is left alone, one clear line, exit 1', async () => {
    const state = join(dir, 'held');
    cpSync(base, state, { recursive: true });
    const bytes = readFileSync(join(state, 'ledger.ndjson'));
    const lock = StateLock.acquire(state) as StateLock;
    try {
      const r = await cli(['prune', '--older-than', '90d', '--state-dir', state]);
      expect(r.code).toBe(1);
      expect(r.stderr.trim()).toBe(`ccotel: ledger detail not pruned: ${state} is in use by ccotel pid ${process.pid}; stop it (ccotel run) and prune again`);
      const dry = await cli(['prune', '--older-than', '90d', '--dry-run', '--state-dir', state]);
      expect(dry.code, dry.stderr).toBe(0);
      expect(dry.stdout).toMatch(/ledger: would drop [1-9]\d* per-call/);
    } finally {
      lock.release();
    }
    expect(readFileSync(join(state, 'ledger.ndjson')).equals(bytes)).toBe(true);
  });

  it('an old transcript read again from 0 (replaced, or truncated and rewritten) is not counted twice', async () => {
    const state = join(dir, 'reread');
    cpSync(base, state, { recursive: true });
    // The prune takes "now" from its own clock: the bounds below use the clock around that run, not
    // the test's start (a 15-minute boundary passed meanwhile moved the cutoff past it).
    const ranFrom = Date.now();
    const real = await cli(['prune', '--older-than', '90d', '--state-dir', state]);
    const ranTo = Date.now();
    expect(real.code, real.stderr).toBe(0);
    const files = listJsonl(root).filter((f) => !f.includes('subagents')).sort();
    const saved = new Map(files.map((f) => [f, readFileSync(f)]));
    // Oldest first: both changes hit transcripts whose records were pruned.
    const byAge = files.map((f) => [f, statSync(f).size] as const).filter(([, n]) => n > 0);
    const [replaced, truncated] = [byAge[0]![0], byAge[1]![0]];
    try {
      writeFileSync(replaced + '.new', saved.get(replaced)!);
      renameSync(replaced + '.new', replaced); // another inode: read from 0
      truncateSync(truncated, 0);
      // Truncated to nothing: its lines leave the input summary, every count stays.
      const cut = await runStats(root, state);
      expect(reportDiffs(cut.report, exp).filter((d) => !d.startsWith('report.input.lines'))).toEqual([]);
      writeFileSync(truncated, saved.get(truncated)!);
      await expectUnchanged(state, 're-read after prune');
      rmSync(join(state, 'fold.json'));
      await expectUnchanged(state, 're-read after prune, fold rebuilt');
    } finally {
      for (const [f, buf] of saved) writeFileSync(f, buf);
    }
  }, 240_000);

  for (const point of ['prune.begin', 'compact.begin', 'compact.chunk', 'compact.written', 'compact.synced', 'compact.renamed', 'compact.saved']) {
    it(`a prune killed at ${point} loses and doubles nothing, and can run again`, async () => {
      const state = join(dir, point);
      cpSync(base, state, { recursive: true });
      const killed = await cli(['prune', '--older-than', '90d', '--state-dir', state], { CCOTEL_TEST_FAULT: point });
      expect(killed.signal, `prune should die at ${point}: ${killed.stderr}`).toBe('SIGKILL');
      await expectUnchanged(state, `killed at ${point}`);
      expect(readdirSync(state).filter((n) => n.endsWith('.compact') || n.endsWith('.tmp'))).toEqual([]);
      const again = await cli(['prune', '--older-than', '90d', '--state-dir', state]);
      expect(again.code, again.stderr).toBe(0);
      await expectUnchanged(state, `pruned again after a kill at ${point}`);
    }, 240_000);
  }
});
