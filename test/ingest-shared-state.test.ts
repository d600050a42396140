// One state directory, several commands: whatever reads transcripts first, every byte still reaches
// every sink exactly once. `stats` may move the ledger ahead of the trace export; the next backfill
// exports those bytes anyway, and `stats` beside a running daemon reads without disturbing it.
// Expected counts come from the history generator (independent of ccotel).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { onCleanup, tempDir, useCleanups } from './support/temp.js';
import { ensureCollectorBinary, startCollector, type Collector, type FlatSpan } from './support/collector.js';
import { reportDiffs, requireBuiltCli, runStats } from './support/ccotel-cli.js';
import { killCli, runCli, startCli, type CliRun } from './support/cli-process.js';
import { generateHistory, type Expected } from './support/history-generator.js';
import { waitFor } from './support/wait.js';

useCleanups();

function spawnCli(args: string[], col: Collector): CliRun {
  const run = startCli(args, { OTEL_EXPORTER_OTLP_ENDPOINT: col.endpoint });
  onCleanup(() => killCli(run));
  return run;
}

const output = (r: CliRun): string => r.stderr + r.stdout;

/** Span counts a complete export of the history must have, from the generator's Expected. */
function expectedSpans(exp: Expected): { chat: number; execute_tool: number; invoke_agent: number; traces: number } {
  return { chat: exp.requests + exp.apiErrors, execute_tool: exp.operations, invoke_agent: exp.sessions + exp.subagents, traces: exp.sessions };
}

function spanCounts(spans: FlatSpan[]): ReturnType<typeof expectedSpans> {
  const kind = (s: FlatSpan): string => s.name.split(' ')[0]!;
  return {
    chat: spans.filter((s) => kind(s) === 'chat').length,
    execute_tool: spans.filter((s) => kind(s) === 'execute_tool').length,
    invoke_agent: spans.filter((s) => kind(s) === 'invoke_agent').length,
    traces: new Set(spans.map((s) => s.traceId)).size,
  };
}

describe('one state directory shared by stats, backfill and run', () => {
  beforeAll(async () => {
    requireBuiltCli();
    await ensureCollectorBinary();
  });

  it('stats first, then backfill: every span is exported, once', async () => {
    const root = await tempDir('root');
    const exp = generateHistory(root, { sessions: 12, seed: 71, faults: true });
    const state = await tempDir('state');
    const { report } = await runStats(root, state);
    expect(reportDiffs(report, exp)).toEqual([]);

    const col = await startCollector();
    onCleanup(() => col.stop());
    const bf = spawnCli(['backfill', '--claude-dir', root, '--state-dir', state, '--timezone', 'UTC', '--session-idle', '1s'], col);
    expect((await bf.done).code, output(bf)).toBe(0);
    const want = expectedSpans(exp);
    const spans = await waitFor(async () => {
      const s = await col.readSpans();
      return spanCounts(s).invoke_agent >= want.invoke_agent ? s : undefined;
    }, { timeoutMs: 30_000, what: 'every invoke_agent span' });
    expect(spanCounts(spans)).toEqual(want);
    expect(new Set(spans.map((s) => s.spanId)).size, 'no span sent twice').toBe(spans.length);

    // A second backfill has nothing left to send, and stats still agrees with the generator.
    const again = spawnCli(['backfill', '--claude-dir', root, '--state-dir', state, '--timezone', 'UTC', '--json'], col);
    expect((await again.done).code, output(again)).toBe(0);
    expect(JSON.parse(again.stdout).spans).toBe(0);
    expect(reportDiffs((await runStats(root, state)).report, exp)).toEqual([]);
  }, 120_000);

  it('stats beside a running daemon reads a consistent view and leaves the daemon running', async () => {
    const root = await tempDir('root');
    const exp = generateHistory(root, { sessions: 8, seed: 73, faults: false });
    const state = await tempDir('state');
    const col = await startCollector();
    onCleanup(() => col.stop());
    const d = spawnCli(['run', '--claude-dir', root, '--state-dir', state, '--timezone', 'UTC', '--log-format', 'text', '--session-idle', '1s'], col);
    await waitFor(async () => (output(d).includes('following live sessions') ? true : undefined), { timeoutMs: 60_000, what: 'daemon following' });

    // The daemon answers from the fold it keeps current: the generator's totals, no state read here.
    const { report, stderr } = await runStats(root, state, ['--log-level', 'debug']);
    expect(stderr).toContain(`answered by the running ccotel (pid ${d.child.pid})`);
    expect(stderr).not.toContain('in use by a running ccotel');
    expect(reportDiffs(report, exp)).toEqual([]);
    // What its aggregates cannot answer exactly, the command reads itself (read-only beside it):
    // another price table (tokens are the same, costs are the config's) ...
    const config = join(await tempDir('config'), 'ccotel.yaml');
    writeFileSync(config, 'pricing:\n  claude-sonnet-4-5:\n    input: 1\n    output: 1\n    cacheWrite: 1\n    cacheRead: 1\n');
    const repriced = await runStats(root, state, ['--log-level', 'debug', '--config', config]);
    expect(repriced.stderr).toContain('not asking the running ccotel (the daemon prices calls with another table)');
    expect(repriced.stderr).toContain('in use by a running ccotel');
    expect(repriced.report.tokens).toEqual(report.tokens);
    expect(repriced.report.costUSD).not.toBe(report.costUSD);
    // ... and a range off its 15-minute grid (a zone whose old offset was -0:44:30).
    const offGrid = await runStats(root, state, ['--log-level', 'debug', '--since', '1960-01-01', '--timezone', 'Africa/Monrovia']);
    expect(offGrid.stderr).toContain("not asking the running ccotel (the range is off the daemon's 15-minute aggregates)");
    expect(reportDiffs(offGrid.report, exp)).toEqual([]);
    expect(d.child.exitCode, output(d)).toBeNull();

    // The daemon still owns the state and exports everything.
    const want = expectedSpans(exp);
    await waitFor(async () => (spanCounts(await col.readSpans()).invoke_agent >= want.invoke_agent ? true : undefined), { timeoutMs: 30_000, what: 'every invoke_agent span' });
    expect(spanCounts(await col.readSpans())).toEqual(want);
    d.child.kill('SIGTERM');
    expect((await d.done).code, output(d)).toBe(0);
  }, 120_000);

  it('a writer waits for a short-lived holder of the state (stats) and refuses a long-lived one clearly', async () => {
    const root = await tempDir('root');
    generateHistory(root, { sessions: 2, seed: 79, faults: false });
    const state = await tempDir('state');
    mkdirSync(state, { recursive: true });
    const holder = (seconds: number): ChildProcess => {
      const c = spawn('sleep', [String(seconds)], { stdio: 'ignore' });
      onCleanup(async () => void c.kill('SIGKILL'));
      writeFileSync(join(state, 'lock'), String(c.pid));
      return c;
    };
    const backfill = async (): Promise<{ code: number | null; out: string }> => {
      const r = await runCli(['backfill', '--claude-dir', root, '--state-dir', state, '--timezone', 'UTC']);
      return { code: r.code, out: r.stderr + r.stdout };
    };

    const brief = holder(2);
    const waited = await backfill();
    expect(waited.out).toContain(`waiting for pid ${brief.pid}`);
    expect(waited.code, waited.out).toBe(0);

    const daemon = holder(60);
    const refused = await backfill();
    expect(refused.code, refused.out).toBe(2);
    expect(refused.out).toContain(`in use by another ccotel process (pid ${daemon.pid})`);
    expect(refused.out).not.toMatch(/internal error|\n\s+at /);
  }, 60_000);
});
