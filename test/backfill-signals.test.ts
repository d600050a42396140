// `ccotel backfill` interrupted by SIGTERM or SIGINT while the collector is down (so it is stuck
// retrying): it exits with one clear line (no "internal error", no stack), leaves a usable state
// directory, and the next backfill delivers every span and metric exactly once.
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireBuiltCli } from './support/ccotel-cli.js';
import { runCli, startCli } from './support/cli-process.js';
import { startCollector, latestPoints, type Collector } from './support/collector.js';
import { writeSessions, type HandCall } from './support/hand-transcripts.js';
import { waitFor } from './support/wait.js';

const SESSIONS = 40;
const T = Date.parse('2025-08-01T09:00:00Z');
const CALLS: HandCall[] = Array.from({ length: SESSIONS }, (_, i) => ({
  sessionId: `sig-${String(i).padStart(3, '0')}`,
  cwd: `/home/dev/proj-${i % 4}`,
  ts: T + i * 60_000,
  model: 'claude-haiku-4-5',
  input: 10 + i,
  output: 100 + i,
}));
// claude-haiku-4-5: 1 input, 5 output USD per million.
const COST = CALLS.reduce((a, c) => a + (c.input * 1 + c.output * 5) / 1e6, 0);
// Each session closes (idle) into a root span, one turn and one chat span.
const SPANS_PER_SESSION = ['invoke_agent claude-code', 'turn', 'chat claude-haiku-4-5'];

describe('backfill interrupted by a signal', () => {
  let dir: string;
  let root: string;
  let state: string;
  let collector: Collector;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    requireBuiltCli();
    dir = mkdtempSync(join(tmpdir(), 'ccotel-signals-'));
    root = join(dir, 'claude');
    state = join(dir, 'state');
    writeSessions(root, CALLS);
    collector = await startCollector({ dir: join(dir, 'collector') });
    // Down from the start: the backfill can only retry.
    await collector.stop();
    // A short exporter timeout keeps each failed attempt (and the shutdown's last try) brief.
    env = { OTEL_EXPORTER_OTLP_ENDPOINT: collector.endpoint, OTEL_EXPORTER_OTLP_TIMEOUT: '1000' };
  }, 900_000);
  afterAll(async () => {
    await collector?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const backfillArgs = () => ['backfill', '--claude-dir', root, '--state-dir', state, '--timezone', 'UTC', '--session-idle', '1s'];

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`${signal} while retrying: one line, no stack, exit ${signal === 'SIGINT' ? 130 : 143}`, async () => {
      const run = startCli(backfillArgs(), env);
      // Interrupt only once it is observably stuck retrying.
      await waitFor(() => (/span export failed; retrying/.test(run.stderr) ? true : undefined), { timeoutMs: 60_000, what: 'backfill retrying against the stopped collector' });
      run.child.kill(signal);
      const r = await Promise.race([run.done, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`backfill did not exit within 60 s of ${signal}:\n${run.stderr}`)), 60_000))]);
      expect(r.signal, r.stderr).toBeNull();
      expect(r.stderr).not.toMatch(/internal error/);
      expect(r.stderr).not.toMatch(/\n\s+at \S/);
      const errorLines = r.stderr.split('\n').filter((l) => l.startsWith('ccotel: '));
      expect(errorLines, r.stderr).toEqual([expect.stringMatching(new RegExp(`^ccotel: backfill interrupted by ${signal}: .*run backfill again`))]);
      expect(r.code).toBe(signal === 'SIGINT' ? 130 : 143);
      expect(r.stdout).toBe('');
      // The collector got nothing.
      expect(await collector.readSpans()).toEqual([]);
      // The state directory is usable as is (no --reset-state needed). Checked on a copy: stats
      // on the real one would checkpoint the transcripts without sending their spans (issue 12).
      const copy = join(dir, `state-copy-${signal}`);
      cpSync(state, copy, { recursive: true });
      const s = await runCli(['stats', '--json', '--range', 'all', '--timezone', 'UTC', '--claude-dir', root, '--state-dir', copy]);
      expect(s.code, s.stderr).toBe(0);
      expect(s.stderr).toBe('');
      expect(JSON.parse(s.stdout).requests).toBe(SESSIONS);
    });
  }

  // The SIGINT run above also shows the SIGTERM run released the state lock.
  it('the next backfill delivers every span and metric exactly once', async () => {
    await collector.restart();
    const r = await runCli([...backfillArgs(), '--json'], env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toMatch(/internal error|\n\s+at \S/);
    const summary = JSON.parse(r.stdout);
    expect(summary).toMatchObject({ sessions: SESSIONS, openSessions: 0, spans: SESSIONS * SPANS_PER_SESSION.length });

    const spans = await waitFor(async () => {
      const x = await collector.readSpans();
      return x.length >= SESSIONS * SPANS_PER_SESSION.length ? x : undefined;
    }, { what: `${SESSIONS * SPANS_PER_SESSION.length} spans at the collector`, timeoutMs: 30_000 });
    expect(spans).toHaveLength(SESSIONS * SPANS_PER_SESSION.length);
    // No span twice, and each session has exactly its three spans in one trace.
    expect(new Set(spans.map((s) => `${s.traceId}/${s.spanId}`)).size).toBe(spans.length);
    const bySession = new Map<string, string[]>();
    for (const s of spans) {
      const sid = String(s.attributes['gen_ai.conversation.id']);
      bySession.set(sid, [...(bySession.get(sid) ?? []), s.name].sort());
    }
    expect(bySession.size).toBe(SESSIONS);
    for (const c of CALLS) expect(bySession.get(c.sessionId), c.sessionId).toEqual([...SPANS_PER_SESSION].sort());
    expect(new Set(spans.map((s) => s.traceId)).size).toBe(SESSIONS);

    // Metrics are cumulative from the ledger: requests and tokens equal the hand totals.
    const requests = await waitFor(async () => {
      const pts = await collector.latestMetric('ccotel.model.requests');
      const sum = pts.reduce((a, p) => a + Number(p.value), 0);
      return sum === SESSIONS ? pts : undefined;
    }, { what: `ccotel.model.requests = ${SESSIONS} at the collector`, timeoutMs: 30_000 });
    expect(requests.length).toBe(4); // one series per project
    const points = await collector.readMetrics();
    const output = latestPoints(points, 'ccotel.token.usage', { type: 'output' }).reduce((a, p) => a + Number(p.value), 0);
    expect(output).toBe(CALLS.reduce((a, c) => a + c.output, 0));
    const cost = latestPoints(points, 'ccotel.cost.usage').reduce((a, p) => a + Number(p.value), 0);
    expect(cost).toBeCloseTo(COST, 12);

    // A further backfill has nothing left to send.
    const again = await runCli([...backfillArgs(), '--json'], env);
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout).spans).toBe(0);
    expect(await collector.readSpans()).toHaveLength(SESSIONS * SPANS_PER_SESSION.length);
  });
});
