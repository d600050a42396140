// The real-collector harness itself: OTLP/JSON in over HTTP, read back flattened from the
// fileexporter's JSON lines, and "collector down, then back on the same port and files".
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureCollectorBinary, startCollector, type Collector } from './support/collector.js';
import { waitFor } from './support/wait.js';

const hex = (bytes: number): string => randomBytes(bytes).toString('hex');
const nowNs = (): bigint => BigInt(Date.now()) * 1_000_000n;

function traceRequest(p: { traceId: string; spanId: string; parentSpanId?: string; name: string; start: bigint }): object {
  return {
    resourceSpans: [
      {
        resource: {
          attributes: [
            { key: 'service.name', value: { stringValue: 'ccotel-harness' } },
            { key: 'team', value: { stringValue: 'platform' } },
          ],
        },
        scopeSpans: [
          {
            scope: { name: 'harness', version: '1.2.3' },
            spans: [
              {
                traceId: p.traceId,
                spanId: p.spanId,
                ...(p.parentSpanId ? { parentSpanId: p.parentSpanId } : {}),
                name: p.name,
                kind: 1,
                startTimeUnixNano: String(p.start),
                endTimeUnixNano: String(p.start + 1_500_000n),
                attributes: [
                  { key: 'gen_ai.request.model', value: { stringValue: 'claude-opus-4' } },
                  { key: 'tokens.input', value: { intValue: '1234' } },
                  { key: 'cost.usd', value: { doubleValue: 0.0125 } },
                  { key: 'cached', value: { boolValue: true } },
                  { key: 'tools', value: { arrayValue: { values: [{ stringValue: 'Bash' }, { stringValue: 'Read' }] } } },
                ],
                status: { code: 2, message: 'tool failed' },
              },
            ],
          },
        ],
      },
    ],
  };
}

function metricRequest(p: { value: number; time: bigint; start: bigint }): object {
  return {
    resourceMetrics: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'ccotel-harness' } }] },
        scopeMetrics: [
          {
            scope: { name: 'harness' },
            metrics: [
              {
                name: 'ccotel.cost.usage',
                unit: 'USD',
                sum: {
                  aggregationTemporality: 2,
                  isMonotonic: true,
                  dataPoints: [
                    {
                      attributes: [{ key: 'model', value: { stringValue: 'claude-opus-4' } }],
                      startTimeUnixNano: String(p.start),
                      timeUnixNano: String(p.time),
                      asDouble: p.value,
                    },
                  ],
                },
              },
              {
                name: 'ccotel.session.count',
                sum: {
                  aggregationTemporality: 2,
                  isMonotonic: true,
                  dataPoints: [{ startTimeUnixNano: String(p.start), timeUnixNano: String(p.time), asInt: '3' }],
                },
              },
              {
                name: 'ccotel.turn.duration',
                unit: 's',
                histogram: {
                  aggregationTemporality: 2,
                  dataPoints: [
                    {
                      startTimeUnixNano: String(p.start),
                      timeUnixNano: String(p.time),
                      count: '3',
                      sum: 7.5,
                      bucketCounts: ['1', '2', '0'],
                      explicitBounds: [1, 5],
                    },
                  ],
                },
              },
            ],
          },
        ],
      },
    ],
  };
}

async function post(url: string, body: object): Promise<Response> {
  return await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

describe('real collector harness', () => {
  let col: Collector;

  beforeAll(async () => {
    await ensureCollectorBinary(); // builds otelcol-ccotel on first use: minutes
    col = await startCollector();
  }, 900_000);

  afterAll(async () => {
    await col?.stop();
  });

  it('receives OTLP/JSON, survives a stop and a restart on the same port and files', async () => {
    const traceId = hex(16);
    const rootId = hex(8);
    const start = nowNs();

    const r1 = await post(`${col.endpoint}/v1/traces`, traceRequest({ traceId, spanId: rootId, name: 'session', start }));
    expect(r1.status).toBe(200);
    const m1 = await post(`${col.endpoint}/v1/metrics`, metricRequest({ value: 1.25, time: start, start }));
    expect(m1.status).toBe(200);

    const spans = await waitFor(async () => {
      const s = await col.readSpans();
      return s.length >= 1 ? s : undefined;
    }, { timeoutMs: 10_000, what: 'first span in traces.jsonl' });
    expect(spans).toHaveLength(1);
    expect(spans[0]).toMatchObject({
      traceId,
      spanId: rootId,
      parentSpanId: undefined,
      name: 'session',
      kind: 1,
      startTimeUnixNano: String(start),
      endTimeUnixNano: String(start + 1_500_000n),
      attributes: {
        'gen_ai.request.model': 'claude-opus-4',
        'tokens.input': 1234,
        'cost.usd': 0.0125,
        cached: true,
        tools: ['Bash', 'Read'],
      },
      status: { code: 2, message: 'tool failed' },
      scope: { name: 'harness', version: '1.2.3' },
      resource: { 'service.name': 'ccotel-harness', team: 'platform' },
    });

    const points = await waitFor(async () => {
      const p = await col.readMetrics();
      return p.length >= 3 ? p : undefined;
    }, { timeoutMs: 10_000, what: 'metrics in metrics.jsonl' });
    expect(points).toHaveLength(3);
    const byName = new Map(points.map((p) => [p.name, p]));
    expect(byName.get('ccotel.cost.usage')).toMatchObject({
      type: 'sum',
      unit: 'USD',
      isMonotonic: true,
      temporality: 'cumulative',
      attributes: { model: 'claude-opus-4' },
      value: 1.25,
      timeUnixNano: String(start),
      resource: { 'service.name': 'ccotel-harness' },
    });
    expect(byName.get('ccotel.session.count')).toMatchObject({ type: 'sum', value: 3, attributes: {} });
    expect(byName.get('ccotel.turn.duration')).toMatchObject({
      type: 'histogram',
      temporality: 'cumulative',
      count: 3,
      sum: 7.5,
      value: 7.5,
      bucketCounts: [1, 2, 0],
      explicitBounds: [1, 5],
    });

    // The Prometheus exporter serves the same counter, resource attributes as labels.
    // The file and Prometheus exporters are fed by the same batch, not at the same instant.
    const series = /ccotel_cost_usage_USD_total\{[^}]*model="claude-opus-4"[^}]*service_name="ccotel-harness"[^}]*\} 1\.25/;
    const scrape = await waitFor(async () => {
      const t = await (await fetch(col.prometheusUrl)).text();
      return series.test(t) ? t : undefined;
    }, { timeoutMs: 10_000, what: 'the cost series on the Prometheus endpoint' });
    expect(scrape).toMatch(series);

    // Collector down: the port refuses connections.
    await col.stop();
    expect(col.running).toBe(false);
    const refused = await post(`${col.endpoint}/v1/traces`, traceRequest({ traceId, spanId: hex(8), name: 'lost', start })).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(refused).toBeInstanceOf(Error);
    expect(String((refused as Error & { cause?: unknown }).cause)).toMatch(/ECONNREFUSED/);

    // Back on the same port; earlier output is kept, new data is appended.
    await col.restart();
    expect(col.running).toBe(true);
    const childId = hex(8);
    const r2 = await post(
      `${col.endpoint}/v1/traces`,
      traceRequest({ traceId, spanId: childId, parentSpanId: rootId, name: 'turn', start: start + 1_000n }),
    );
    expect(r2.status).toBe(200);
    const m2 = await post(`${col.endpoint}/v1/metrics`, metricRequest({ value: 2.5, time: start + 1_000_000_000n, start }));
    expect(m2.status).toBe(200);

    const after = await waitFor(async () => {
      const s = await col.readSpans();
      return s.length >= 2 ? s : undefined;
    }, { timeoutMs: 10_000, what: 'second span after restart' });
    expect(after.map((s) => [s.name, s.spanId, s.parentSpanId])).toEqual([
      ['session', rootId, undefined],
      ['turn', childId, rootId],
    ]);

    const latest = await waitFor(async () => {
      const l = await col.latestMetric('ccotel.cost.usage', { model: 'claude-opus-4' });
      return l.length === 1 && l[0]!.value === 2.5 ? l : undefined;
    }, { timeoutMs: 10_000, what: 'latest cost point after restart' });
    expect(latest[0]!.timeUnixNano).toBe(String(start + 1_000_000_000n));
    expect((await col.readMetrics()).filter((p) => p.name === 'ccotel.cost.usage').map((p) => p.value)).toEqual([1.25, 2.5]);
    expect(await col.latestMetric('ccotel.cost.usage', { model: 'other' })).toEqual([]);
  });

  it('two collectors run side by side (no fixed ports such as :8888)', async () => {
    const other = await startCollector();
    try {
      expect(other.endpoint).not.toBe(col.endpoint);
      expect((await post(`${other.endpoint}/v1/traces`, traceRequest({ traceId: hex(16), spanId: hex(8), name: 'x', start: nowNs() }))).status).toBe(200);
      await waitFor(async () => ((await other.readSpans()).length === 1 ? true : undefined), { what: 'span in second collector' });
    } finally {
      await other.stop();
    }
  });
});
