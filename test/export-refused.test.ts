// Export failures a user hits, against the real collector where it can produce them (404 for a
// wrong path, unreachable when stopped) and a small local HTTP server (test/support/fake-otlp.ts)
// for 401, which the real collector only answers with an auth extension it is not built with:
// - a refused export (not 429/502/503/504) stops `backfill` at once with one clear line (status,
//   endpoint without credentials, hint) and exit 3; what was accepted stays checkpointed, so the
//   rerun sends exactly the rest;
// - an unreachable collector: every retry is logged with its attempt and next delay, and
//   `backfill --timeout` gives up with exit 4, checkpoints kept;
// - `run` keeps going on a refusal, logs it as an error, retries slowly, and delivers everything
//   once the collector accepts again.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireBuiltCli } from './support/ccotel-cli.js';
import { runCli, startCli, type CliResult } from './support/cli-process.js';
import { startCollector, type Collector } from './support/collector.js';
import { startFakeOtlp, type FakeOtlp } from './support/fake-otlp.js';
import { writeSessions, type HandCall } from './support/hand-transcripts.js';
import { waitFor } from './support/wait.js';

const T = Date.parse('2025-08-01T09:00:00Z');
const calls = (prefix: string, n: number): HandCall[] =>
  Array.from({ length: n }, (_, i) => ({ sessionId: `${prefix}-${String(i).padStart(3, '0')}`, cwd: `/home/dev/p${i % 3}`, ts: T + i * 60_000, model: 'claude-haiku-4-5', input: 10 + i, output: 100 + i }));
// Each closed session is one trace: root span, one turn, one chat span.
const SPANS_PER_SESSION = 3;

/** The `ccotel: ` lines, and a check that nothing looks like a crash. */
function errorLines(r: CliResult): string[] {
  expect(r.stderr).not.toMatch(/internal error|\n\s+at \S/);
  return r.stderr.split('\n').filter((l) => l.startsWith('ccotel: '));
}

function uniqueSpans(spans: ReadonlyArray<{ traceId: string; spanId: string }>): number {
  return new Set(spans.map((s) => `${s.traceId}/${s.spanId}`)).size;
}

describe('export errors', () => {
  let dir: string;
  let fake: FakeOtlp;
  let collector: Collector;

  beforeAll(async () => {
    requireBuiltCli();
    dir = mkdtempSync(join(tmpdir(), 'ccotel-refused-'));
    fake = await startFakeOtlp();
    collector = await startCollector({ dir: join(dir, 'collector') });
  }, 900_000);
  afterAll(async () => {
    await fake?.close();
    await collector?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('backfill: HTTP 401 stops at once with status, endpoint (no credentials) and hint; the rerun sends only the rest', async () => {
    // 200 sessions = 600 spans = two batches (512 per request): the first is accepted, the second refused.
    const root = join(dir, 'c401');
    const state = join(dir, 's401');
    const sessions = calls('auth', 200);
    writeSessions(root, sessions);
    fake.acceptTraces(1);
    fake.refuseWith(401);
    const endpoint = fake.endpoint.replace('http://', 'http://ccuser:s3cret-token@');
    const env = { OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' };
    const args = ['backfill', '--claude-dir', root, '--state-dir', state, '--timezone', 'UTC', '--session-idle', '1s'];
    const r = await runCli(args, env);
    expect(r.code, r.stderr).toBe(3);
    const lines = errorLines(r);
    expect(lines, r.stderr).toHaveLength(1);
    expect(lines[0]).toMatch(/HTTP 401/);
    expect(lines[0]).toContain(`${fake.endpoint}/v1/traces`);
    expect(lines[0]).toMatch(/OTEL_EXPORTER_OTLP_HEADERS/);
    expect(r.stderr + r.stdout).not.toContain('s3cret-token');
    // Refused is not retried: one accepted request, one refused.
    expect(fake.traceRequests).toEqual({ accepted: 1, refused: 1 });
    const firstRun = fake.spans.length;
    expect(firstRun).toBe(512);

    // Fixed: the rerun sends exactly what was not accepted.
    fake.acceptTraces(Infinity);
    const again = await runCli([...args, '--json'], env);
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout).spans).toBe(sessions.length * SPANS_PER_SESSION - firstRun);
    expect(fake.spans).toHaveLength(sessions.length * SPANS_PER_SESSION);
    expect(uniqueSpans(fake.spans)).toBe(sessions.length * SPANS_PER_SESSION);

    // Metrics refused at the end of a backfill: exit 3 with the hint, spans kept as delivered.
    fake.answerMetricsWith(403);
    writeSessions(root, calls('auth-more', 2));
    const m = await runCli(args, env);
    expect(m.code, m.stderr).toBe(3);
    expect(errorLines(m)).toEqual([expect.stringMatching(/collector refused metrics: HTTP 403 .*OTEL_EXPORTER_OTLP_HEADERS/)]);
    expect(m.stderr + m.stdout).not.toContain('s3cret-token');
    fake.answerMetricsWith(200);
  });

  it('backfill: a wrong path (the real collector answers 404) is refused with the path hint, exit 3', async () => {
    const root = join(dir, 'c404');
    writeSessions(root, calls('path', 3));
    const r = await runCli(['backfill', '--claude-dir', root, '--state-dir', join(dir, 's404'), '--timezone', 'UTC', '--session-idle', '1s'], {
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${collector.endpoint}/v1/trace`,
      OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: `${collector.endpoint}/v1/metrics`,
    });
    expect(r.code, r.stderr).toBe(3);
    const lines = errorLines(r);
    expect(lines, r.stderr).toEqual([expect.stringMatching(/HTTP 404.*\/v1\/trace\b.*wrong path/)]);
    expect(await collector.readSpans()).toEqual([]);
  });

  it('backfill: an unreachable collector logs every retry and gives up after --timeout (exit 4); the rerun delivers everything once', async () => {
    const root = join(dir, 'cdown');
    const state = join(dir, 'sdown');
    const sessions = calls('down', 20);
    writeSessions(root, sessions);
    await collector.stop();
    const env = { OTEL_EXPORTER_OTLP_ENDPOINT: collector.endpoint, OTEL_EXPORTER_OTLP_TIMEOUT: '500' };
    const args = ['backfill', '--claude-dir', root, '--state-dir', state, '--timezone', 'UTC', '--session-idle', '1s'];
    const r = await runCli([...args, '--timeout', '3s'], env);
    expect(r.code, r.stderr).toBe(4);
    const lines = errorLines(r);
    expect(lines, r.stderr).toEqual([expect.stringMatching(/gave up after .*127\.0\.0\.1.*--timeout/)]);
    // Each retry on its own line, numbered, with the next delay.
    const retries = r.stderr.split('\n').filter((l) => /span export failed; retrying in \d/.test(l));
    expect(retries.length, r.stderr).toBeGreaterThanOrEqual(2);
    retries.forEach((l, i) => expect(l).toContain(`attempt ${i + 1}`));

    await collector.restart();
    const again = await runCli([...args, '--json'], env);
    expect(again.code, again.stderr).toBe(0);
    const spans = await waitFor(async () => {
      const s = (await collector.readSpans()).filter((x) => String(x.attributes['gen_ai.conversation.id']).startsWith('down-'));
      return s.length >= sessions.length * SPANS_PER_SESSION ? s : undefined;
    }, { what: 'every span of the down- sessions at the collector', timeoutMs: 30_000 });
    expect(spans).toHaveLength(sessions.length * SPANS_PER_SESSION);
    expect(uniqueSpans(spans)).toBe(spans.length);
  });

  it('run: a refusal is logged as an error and retried slowly; once accepted, everything arrives once', async () => {
    const root = join(dir, 'crun');
    const sessions = calls('live', 10);
    writeSessions(root, sessions);
    const before = fake.spans.length;
    fake.acceptTraces(0);
    fake.refuseWith(403);
    fake.answerMetricsWith(401);
    const run = startCli(['run', '--claude-dir', root, '--state-dir', join(dir, 'srun'), '--timezone', 'UTC', '--session-idle', '1s', '--refused-retry', '1s', '--metrics-interval', '500ms'], {
      OTEL_EXPORTER_OTLP_ENDPOINT: fake.endpoint,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
    });
    try {
      const refusals = await waitFor(() => {
        const l = run.stderr.split('\n').filter((x) => x.includes('HTTP 403')).map((x) => JSON.parse(x));
        return l.length >= 2 ? l : undefined;
      }, { what: 'two logged refusals', timeoutMs: 30_000 });
      expect(refusals[0]).toMatchObject({ level: 'error', attempt: 1, nextRetryInMs: 1000 });
      expect(refusals[1]).toMatchObject({ level: 'error', attempt: 2 });
      expect(refusals[0].msg).toMatch(/OTEL_EXPORTER_OTLP_HEADERS/);
      // Metrics refused too: said once (not every interval), as an error with the hint.
      const metricRefusals = await waitFor(() => {
        const l = run.stderr.split('\n').filter((x) => x.includes('collector refused metrics')).map((x) => JSON.parse(x));
        return l.length > 0 && fake.metricRequests.refused >= 3 ? l : undefined;
      }, { what: 'metrics refused three times, logged', timeoutMs: 30_000 });
      expect(metricRefusals).toEqual([expect.objectContaining({ level: 'error', msg: expect.stringMatching(/HTTP 401 .*OTEL_EXPORTER_OTLP_HEADERS/) })]);
      expect(run.child.exitCode).toBeNull();
      fake.answerMetricsWith(200);
      fake.acceptTraces(Infinity);
      await waitFor(() => (fake.spans.length - before >= sessions.length * SPANS_PER_SESSION ? true : undefined), { what: 'every span after the refusal ends', timeoutMs: 30_000 });
      const mine = fake.spans.slice(before);
      expect(mine).toHaveLength(sessions.length * SPANS_PER_SESSION);
      expect(uniqueSpans(mine)).toBe(mine.length);
      expect(run.stderr).toMatch(/delivery resumed/);
      await waitFor(() => (/metrics delivered again/.test(run.stderr) ? true : undefined), { what: 'metrics delivered again', timeoutMs: 30_000 });
    } finally {
      run.child.kill('SIGTERM');
      const r = await run.done;
      expect(r.code, r.stderr).toBe(0);
    }
  });
});
