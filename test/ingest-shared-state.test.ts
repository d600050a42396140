// One state directory, several commands: whatever reads transcripts first, every byte still reaches
// every sink exactly once. `stats` may move the ledger ahead of the trace export; the next backfill
// exports those bytes anyway, and `stats` beside a running daemon reads without disturbing it.
// Expected counts come from the history generator (independent of ccotel).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ensureCollectorBinary, startCollector, type Collector, type FlatSpan } from './support/collector.js';
import { CLI, cliEnv, reportDiffs, requireBuiltCli, runStats } from './support/ccotel-cli.js';
import { generateHistory, type Expected } from './support/history-generator.js';
import { waitFor } from './support/wait.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!().catch(() => {});
});

async function tempDir(prefix: string): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), `ccotel-shared-${prefix}-`));
  cleanups.push(() => rm(d, { recursive: true, force: true }));
  return d;
}

function spawnCli(args: string[], col: Collector): { child: ChildProcess; exit: Promise<number | null>; output: () => string } {
  const child = spawn(process.execPath, [CLI, ...args], { env: { ...cliEnv(), OTEL_EXPORTER_OTLP_ENDPOINT: col.endpoint }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (out += d));
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  cleanups.push(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exit;
  });
  return { child, exit, output: () => out };
}

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
    cleanups.push(() => col.stop());
    const bf = spawnCli(['backfill', '--claude-dir', root, '--state-dir', state, '--timezone', 'UTC', '--session-idle', '1s'], col);
    expect(await bf.exit, bf.output()).toBe(0);
    const want = expectedSpans(exp);
    const spans = await waitFor(async () => {
      const s = await col.readSpans();
      return spanCounts(s).invoke_agent >= want.invoke_agent ? s : undefined;
    }, { timeoutMs: 30_000, what: 'every invoke_agent span' });
    expect(spanCounts(spans)).toEqual(want);
    expect(new Set(spans.map((s) => s.spanId)).size, 'no span sent twice').toBe(spans.length);

    // A second backfill has nothing left to send, and stats still agrees with the generator.
    const again = spawnCli(['backfill', '--claude-dir', root, '--state-dir', state, '--timezone', 'UTC', '--json'], col);
    expect(await again.exit, again.output()).toBe(0);
    expect(JSON.parse(again.output().trim().split('\n').pop()!).spans).toBe(0);
    expect(reportDiffs((await runStats(root, state)).report, exp)).toEqual([]);
  }, 120_000);

  it('stats beside a running daemon reads a consistent view and leaves the daemon running', async () => {
    const root = await tempDir('root');
    const exp = generateHistory(root, { sessions: 8, seed: 73, faults: false });
    const state = await tempDir('state');
    const col = await startCollector();
    cleanups.push(() => col.stop());
    const d = spawnCli(['run', '--claude-dir', root, '--state-dir', state, '--timezone', 'UTC', '--log-format', 'text', '--session-idle', '1s'], col);
    await waitFor(async () => (d.output().includes('following live sessions') ? true : undefined), { timeoutMs: 60_000, what: 'daemon following' });

    const { report, stderr } = await runStats(root, state);
    expect(stderr).toContain('in use by a running ccotel');
    expect(reportDiffs(report, exp)).toEqual([]);
    expect(d.child.exitCode, d.output()).toBeNull();

    // The daemon still owns the state and exports everything.
    const want = expectedSpans(exp);
    await waitFor(async () => (spanCounts(await col.readSpans()).invoke_agent >= want.invoke_agent ? true : undefined), { timeoutMs: 30_000, what: 'every invoke_agent span' });
    expect(spanCounts(await col.readSpans())).toEqual(want);
    d.child.kill('SIGTERM');
    expect(await d.exit, d.output()).toBe(0);
  }, 120_000);

  it('a writer waits for a short-lived holder of the state (stats) and refuses a long-lived one clearly', async () => {
    const root = await tempDir('root');
    generateHistory(root, { sessions: 2, seed: 79, faults: false });
    const state = await tempDir('state');
    mkdirSync(state, { recursive: true });
    const holder = (seconds: number): ChildProcess => {
      const c = spawn('sleep', [String(seconds)], { stdio: 'ignore' });
      cleanups.push(async () => void c.kill('SIGKILL'));
      writeFileSync(join(state, 'lock'), String(c.pid));
      return c;
    };
    const backfill = (): Promise<{ code: number | null; out: string }> =>
      new Promise((resolve) => {
        const c = spawn(process.execPath, [CLI, 'backfill', '--claude-dir', root, '--state-dir', state, '--timezone', 'UTC'], { env: cliEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
        let out = '';
        c.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
        c.stderr!.setEncoding('utf8').on('data', (d: string) => (out += d));
        c.once('exit', (code) => resolve({ code, out }));
      });

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
