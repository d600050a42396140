// backfill interrupted after the collector accepted part of the spans lets the next backfill send
// only the rest: the trace sink saves the spans it could not deliver with the checkpoints (before,
// the 512 spans of the accepted batch were derived and sent again). Counted at a stand-in receiver
// that accepts exactly one request, then refuses (503): the real collector cannot be told to.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { requireBuiltCli } from './support/ccotel-cli.js';
import { runCli, startCli } from './support/cli-process.js';
import { startFakeOtlp, type FakeOtlp } from './support/fake-otlp.js';
import { writeSessions, type HandCall } from './support/hand-transcripts.js';
import { waitFor } from './support/wait.js';

const SESSIONS = 200; // 3 spans each: 600 spans, more than one 512-span batch
const T = Date.parse('2025-08-01T09:00:00Z');
const CALLS: HandCall[] = Array.from({ length: SESSIONS }, (_, i) => ({ sessionId: `part-${String(i).padStart(3, '0')}`, cwd: '/home/dev/p', ts: T + i * 60_000, model: 'claude-haiku-4-5', input: 1 + i, output: 2 + i }));

let dir: string;
let otlp: FakeOtlp;
beforeAll(async () => {
  requireBuiltCli();
  dir = mkdtempSync(join(tmpdir(), 'ccotel-partial-'));
  writeSessions(join(dir, 'claude'), CALLS);
  otlp = await startFakeOtlp();
});
afterAll(async () => {
  await otlp?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

it('SIGTERM after one accepted batch: the next backfill sends every remaining span once, none twice', async () => {
  const env = { OTEL_EXPORTER_OTLP_ENDPOINT: otlp.endpoint, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_EXPORTER_OTLP_TIMEOUT: '1000' };
  const args = ['backfill', '--claude-dir', join(dir, 'claude'), '--state-dir', join(dir, 'state'), '--timezone', 'UTC', '--session-idle', '1s'];
  otlp.acceptTraces(1);
  const run = startCli(args, env);
  await waitFor(() => (otlp.traceRequests.refused > 0 && /span export failed; retrying/.test(run.stderr) ? true : undefined), { timeoutMs: 60_000, what: 'one accepted batch, then retries' });
  const firstRun = otlp.spans.length;
  expect(firstRun).toBeGreaterThan(0);
  expect(firstRun).toBeLessThan(3 * SESSIONS);
  run.child.kill('SIGTERM');
  const r = await run.done;
  expect(r.stderr).not.toMatch(/internal error|\n\s+at \S/);

  otlp.acceptTraces(Infinity);
  const again = await runCli([...args, '--json'], env);
  expect(again.code, again.stderr).toBe(0);
  const ids = otlp.spans.map((s) => `${s.traceId}/${s.spanId}`);
  const distinct = new Set(ids);
  expect(distinct.size).toBe(3 * SESSIONS);
  expect(ids.length - distinct.size).toBe(0); // spans delivered twice
});
