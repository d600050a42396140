// OTLP mode against a stub receiver: cumulative, monotonic sums with the fixed start time, the same
// values after a "restart" (a new pipeline over the same ledger), and a forceFlush that resolves
// only once the receiver accepted the export and rejects when it refused it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import { createServer as createTcpServer, type Server as TcpServer } from 'node:net';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { Ledger } from '../src/state/ledger.js';
import { Pricer } from '../src/pricing/cost.js';
import { EMBEDDED_PRICES } from '../src/pricing/price-table.js';
import type { ModelEvent } from '../src/model/events.js';
import { Fold } from '../src/fold/fold.js';
import { createMetricsPipeline } from '../src/export/metrics/metrics-pipeline.js';
import { CUMULATIVE_START_MS } from '../src/export/metrics/ledger-producer.js';

const T0 = Date.parse('2025-06-10T10:00:00Z');
const ctx = { sessionId: 's1', cwd: '/p' };
const EVENT: ModelEvent = {
  kind: 'model_call', ctx, ts: T0, key: 'm1', messageId: 'm1', model: 'claude-haiku-4-5-20251001',
  usage: { input: 10, output: 20, cacheCreation: 0, cacheCreation1h: 0, cacheSplit: false, cacheRead: 0, fast: false }, apiError: false,
};

interface JsonMetric {
  name: string;
  sum?: { aggregationTemporality: number; isMonotonic: boolean; dataPoints: Array<{ startTimeUnixNano: string | number; asInt?: string | number; asDouble?: number; attributes: Array<{ key: string; value: { stringValue?: string } }> }> };
}

describe('otlp mode', () => {
  let server: Server;
  let url: string;
  let status = 200;
  const bodies: Array<{ resourceMetrics: Array<{ resource: { attributes: unknown[] }; scopeMetrics: Array<{ scope: { name: string }; metrics: JsonMetric[] }> }> }> = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        if (status === 200) bodies.push(JSON.parse(body));
        res.statusCode = status;
        res.setHeader('content-type', 'application/json');
        res.end('{}');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}/v1/metrics`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  const pipelineFor = (ledger: Ledger) =>
    createMetricsPipeline({
      fold: Fold.of(ledger, { pricer: new Pricer(EMBEDDED_PRICES) }),
      user: 'alice',
      timezone: 'UTC',
      resource: resourceFromAttributes({ 'service.name': 'claude-code' }),
      mode: { kind: 'otlp', target: { configured: true, urls: { metrics: url }, protocol: 'http/json', timeoutMillis: 5000 } },
      exportIntervalMs: 60_000,
    });

  it('pushes cumulative monotonic sums, identical across a restart', async () => {
    const ledger = new Ledger();
    ledger.apply(EVENT);
    for (let run = 0; run < 2; run++) {
      const p = pipelineFor(ledger); // a new process over the same (reloaded) ledger
      await p.forceFlush();
      await p.shutdown();
    }
    const tokenPoints = bodies.map((b) => {
      const m = b.resourceMetrics[0]!.scopeMetrics[0]!.metrics.find((x) => x.name === 'ccotel.token.usage')!;
      expect(m.sum!.aggregationTemporality).toBe(2); // CUMULATIVE
      expect(m.sum!.isMonotonic).toBe(true);
      return m.sum!.dataPoints.map((d) => [d.attributes.find((a) => a.key === 'type')!.value.stringValue, Number(d.asInt), BigInt(d.startTimeUnixNano)]);
    });
    // Two runs, each exporting twice: on forceFlush and the final collection at shutdown.
    expect(tokenPoints.length).toBe(4);
    for (const pts of tokenPoints) {
      expect(pts).toContainEqual(['input', 10, BigInt(CUMULATIVE_START_MS) * 1_000_000n]);
      expect(pts).toEqual(tokenPoints[0]);
    }
  });

  it('rejects forceFlush when the receiver refuses the export', async () => {
    const ledger = new Ledger();
    ledger.apply(EVENT);
    const p = pipelineFor(ledger);
    status = 400;
    try {
      await expect(p.forceFlush()).rejects.toThrow(/metrics export .* failed/);
      status = 200;
      await expect(p.forceFlush()).resolves.toBeUndefined();
    } finally {
      status = 200;
      await p.shutdown();
    }
  });

  it('rejects forceFlush when the receiver drops the connection', async () => {
    // A port this test holds: every connection is reset at once, so no other process can answer.
    const dead: TcpServer = createTcpServer((socket) => socket.resetAndDestroy());
    await new Promise<void>((r) => dead.listen(0, '127.0.0.1', r));
    const deadUrl = `http://127.0.0.1:${(dead.address() as { port: number }).port}/v1/metrics`;
    const ledger = new Ledger();
    ledger.apply(EVENT);
    const p = createMetricsPipeline({
      fold: Fold.of(ledger, { pricer: new Pricer(EMBEDDED_PRICES) }),
      user: 'alice',
      timezone: 'UTC',
      resource: resourceFromAttributes({}),
      mode: { kind: 'otlp', target: { configured: true, urls: { metrics: deadUrl }, protocol: 'http/protobuf', timeoutMillis: 2000 } },
    });
    try {
      await expect(p.forceFlush()).rejects.toThrow(`metrics export to ${deadUrl} failed`);
    } finally {
      await p.shutdown();
      await new Promise<void>((r) => dead.close(() => r()));
    }
  });

  it('resolves forceFlush with nothing to send for an empty ledger', async () => {
    const before = bodies.length;
    const p = pipelineFor(new Ledger());
    await p.forceFlush();
    await p.shutdown();
    expect(bodies.length).toBe(before);
  });
});
