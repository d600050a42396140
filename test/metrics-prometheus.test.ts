// The local Prometheus endpoint: ledger-derived series under exactly the names the collector's
// prometheusexporter would give them, with correct values, histogram buckets and HELP/TYPE lines.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { Ledger } from '../src/state/ledger.js';
import { Pricer } from '../src/pricing/cost.js';
import { EMBEDDED_PRICES } from '../src/pricing/price-table.js';
import type { EventContext, ModelEvent, Usage } from '../src/model/events.js';
import { Fold } from '../src/fold/fold.js';
import { createMetricsPipeline, type MetricsPipeline } from '../src/export/metrics/metrics-pipeline.js';
import { probablyFreePort } from './support/temp.js';
import { traceIdFor } from '../src/export/traces/ids.js';

const usage = (p: Partial<Usage>): Usage => ({ input: 0, output: 0, cacheCreation: 0, cacheCreation1h: 0, cacheSplit: false, cacheRead: 0, fast: false, ...p });
const T0 = Date.parse('2025-06-10T10:00:00Z');
const NOW = T0 + 3600_000;
const c: EventContext = { sessionId: 's1', cwd: '/work/my "quoted" proj' };
const MODEL = 'claude-haiku-4-5-20251001';

const EVENTS: ModelEvent[] = [
  { kind: 'prompt', ctx: c, ts: T0, uuid: 'p1', chars: 3 },
  { kind: 'model_call', ctx: c, ts: T0 + 1000, key: 'm1', messageId: 'm1', model: MODEL, usage: usage({ input: 100, output: 200_000 }), apiError: false },
  { kind: 'tool_use', ctx: c, ts: T0 + 2000, id: 't1', name: 'Bash', callKey: 'm1', input: {} },
  { kind: 'tool_result', ctx: c, ts: T0 + 3500, toolUseId: 't1', isError: true, resultChars: 1 },
  { kind: 'tool_use', ctx: c, ts: T0 + 4000, id: 't2', name: 'Bash', callKey: 'm1', input: {} },
];


interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** A strict-enough parser of the text exposition format (label values with escaped quotes). */
function parse(text: string): { samples: Sample[]; types: Record<string, string>; help: Record<string, string> } {
  const samples: Sample[] = [];
  const types: Record<string, string> = {};
  const help: Record<string, string> = {};
  for (const line of text.split('\n')) {
    if (line === '') continue;
    let m = /^# TYPE (\S+) (\S+)$/.exec(line);
    if (m) {
      types[m[1]!] = m[2]!;
      continue;
    }
    m = /^# HELP (\S+) (.*)$/.exec(line);
    if (m) {
      help[m[1]!] = m[2]!;
      continue;
    }
    if (line.startsWith('#')) continue;
    m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) throw new Error(`bad line: ${line}`);
    const labels: Record<string, string> = {};
    const re = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)",?/gy;
    const body = m[2] ?? '';
    let l: RegExpExecArray | null;
    let consumed = 0;
    while ((l = re.exec(body))) {
      labels[l[1]!] = l[2]!.replace(/\\(.)/g, (_, ch: string) => (ch === 'n' ? '\n' : ch));
      consumed = re.lastIndex;
    }
    if (consumed !== body.length) throw new Error(`bad labels: ${line}`);
    samples.push({ name: m[1]!, labels, value: m[3] === '+Inf' ? Infinity : Number(m[3]) });
  }
  return { samples, types, help };
}

describe('prometheus mode', () => {
  let pipeline: MetricsPipeline;
  let port: number;
  let text: string;

  beforeAll(async () => {
    const ledger = new Ledger();
    for (const e of EVENTS) ledger.apply(e);
    // The pipeline cannot bind port 0 and say which port it got: take a free port, and choose
    // again if another process (test files run in parallel) bound it in between.
    for (let attempt = 1; ; attempt++) {
      port = await probablyFreePort();
      pipeline = createMetricsPipeline({
        fold: Fold.of(ledger, { pricer: new Pricer(EMBEDDED_PRICES) }),
        user: 'alice',
        timezone: 'Europe/Berlin',
        resource: resourceFromAttributes({ 'service.name': 'claude-code', 'user.name': 'alice' }),
        mode: { kind: 'prometheus', host: '127.0.0.1', port },
        now: () => NOW,
      });
      try {
        await pipeline.ready;
        break;
      } catch (err) {
        await pipeline.shutdown();
        if (attempt >= 5 || !/EADDRINUSE/.test(String(err))) throw err;
      }
    }
    const res = await fetch(`http://127.0.0.1:${port}/metrics`);
    expect(res.status).toBe(200);
    text = await res.text();
  });
  afterAll(async () => {
    await pipeline?.shutdown();
  });

  it('describes itself and 404s elsewhere', async () => {
    expect(pipeline.describe()).toContain(`http://127.0.0.1:${port}/metrics`);
    expect((await fetch(`http://127.0.0.1:${port}/other`)).status).toBe(404);
    await pipeline.forceFlush(); // nothing to push: resolves
  });

  it('warm() (run calls it after the backfill) changes nothing a scrape serves', async () => {
    await pipeline.warm();
    await pipeline.warm();
    expect(await (await fetch(`http://127.0.0.1:${port}/metrics`)).text()).toBe(text);
  });

  it('serves exactly the documented metric families with their types', () => {
    const { types, help } = parse(text);
    expect(types).toEqual({
      target_info: 'gauge',
      ccotel_token_usage_total: 'counter',
      ccotel_cost_cache_savings_USD_total: 'counter',
      ccotel_cost_usage_USD_total: 'counter',
      ccotel_tool_calls_total: 'counter',
      ccotel_tool_calls_pending: 'gauge',
      ccotel_model_requests_total: 'counter',
      ccotel_sessions_total: 'counter',
      ccotel_prompts_total: 'counter',
      ccotel_tool_duration_seconds: 'histogram',
      ccotel_token_usage_per_request: 'histogram',
      ccotel_budget_cost_USD: 'gauge',
      ccotel_budget_cost_total_USD: 'gauge',
      ccotel_exporter_last_event_timestamp_seconds: 'gauge',
      ccotel_session_cost_USD: 'gauge',
      ccotel_session_tokens: 'gauge',
      ccotel_session_tool_calls: 'gauge',
      ccotel_session_tool_errors: 'gauge',
      ccotel_session_subagents: 'gauge',
      ccotel_session_prompts: 'gauge',
    });
    for (const name of Object.keys(types)) expect(help[name], name).toBeTruthy();
  });

  it('serves the ledger values', () => {
    const { samples } = parse(text);
    const find = (name: string, labels: Record<string, string>): number[] =>
      samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v)).map((s) => s.value);
    const project = c.cwd; // quotes survive the escaping round trip
    const base = { project, user: 'alice', otel_scope_name: 'ccotel' };
    expect(find('ccotel_token_usage_total', { ...base, model: MODEL, type: 'input' })).toEqual([100]);
    expect(find('ccotel_token_usage_total', { ...base, model: MODEL, type: 'output' })).toEqual([200_000]);
    expect(find('ccotel_token_usage_total', { ...base, model: MODEL, type: 'cache_read' })).toEqual([0]);
    const cost = find('ccotel_cost_usage_USD_total', { ...base, model: MODEL });
    expect(cost).toHaveLength(1);
    expect(cost[0]).toBeCloseTo(1.0001, 12);
    expect(find('ccotel_tool_calls_total', { ...base, tool: 'Bash', outcome: 'error' })).toEqual([1]);
    expect(find('ccotel_tool_calls_total', { tool: 'Bash', outcome: 'success' })).toEqual([]);
    expect(find('ccotel_tool_calls_pending', { ...base, tool: 'Bash' })).toEqual([1]);
    expect(find('ccotel_model_requests_total', { ...base, model: MODEL })).toEqual([1]);
    expect(find('ccotel_sessions_total', base)).toEqual([1]);
    expect(find('ccotel_prompts_total', base)).toEqual([1]);
    expect(find('ccotel_exporter_last_event_timestamp_seconds', { user: 'alice' })).toEqual([(T0 + 4000) / 1000]);
    // NOW is 2025-06-10 13:00 in Berlin: the call is today's, this week's and this month's.
    for (const period of ['today', 'week', 'month']) {
      expect(find('ccotel_budget_cost_USD', { ...base, period })[0]).toBeCloseTo(1.0001, 12);
      expect(find('ccotel_budget_cost_total_USD', { user: 'alice', period })[0]).toBeCloseTo(1.0001, 12);
    }
    expect(find('target_info', { service_name: 'claude-code', user_name: 'alice' })).toEqual([1]);
    // the session (last event 1 h before NOW, inside the default 24 h window) on the recent-session gauges
    const one = { ...base, session_id: 's1', trace_id: traceIdFor('s1') };
    expect(find('ccotel_session_cost_USD', one)[0]).toBeCloseTo(1.0001, 12);
    expect(find('ccotel_session_tokens', one)).toEqual([200_100]);
    expect(find('ccotel_session_tool_calls', one)).toEqual([2]);
    expect(find('ccotel_session_tool_errors', one)).toEqual([1]);
    expect(find('ccotel_session_prompts', one)).toEqual([1]);
    expect(find('ccotel_session_subagents', one)).toEqual([0]);
  });

  it('serves histograms as cumulative _bucket series with le, plus _sum and _count', () => {
    const { samples } = parse(text);
    const buckets = samples.filter((s) => s.name === 'ccotel_tool_duration_seconds_bucket' && s.labels.tool === 'Bash');
    expect(buckets.map((b) => [b.labels.le, b.value])).toEqual([
      ['0.05', 0], ['0.1', 0], ['0.25', 0], ['0.5', 0], ['1', 0], ['2.5', 1], ['5', 1], ['10', 1], ['30', 1], ['60', 1], ['120', 1], ['300', 1], ['600', 1], ['+Inf', 1],
    ]);
    expect(samples.find((s) => s.name === 'ccotel_tool_duration_seconds_sum')!.value).toBe(1.5);
    expect(samples.find((s) => s.name === 'ccotel_tool_duration_seconds_count')!.value).toBe(1);
    const out = samples.filter((s) => s.name === 'ccotel_token_usage_per_request_bucket' && s.labels.type === 'output' && s.labels.model === MODEL);
    expect(out.find((b) => b.labels.le === '65536')!.value).toBe(0);
    expect(out.find((b) => b.labels.le === '262144')!.value).toBe(1);
    expect(out.find((b) => b.labels.le === '+Inf')!.value).toBe(1);
    expect(samples.find((s) => s.name === 'ccotel_token_usage_per_request_count' && s.labels.type === 'output')!.value).toBe(1);
  });

  it('reports a busy port through ready', async () => {
    const second = createMetricsPipeline({
      fold: Fold.of(new Ledger(), { pricer: new Pricer(EMBEDDED_PRICES) }),
      user: 'alice',
      timezone: 'UTC',
      resource: resourceFromAttributes({}),
      mode: { kind: 'prometheus', host: '127.0.0.1', port },
    });
    await expect(second.ready).rejects.toThrow(/EADDRINUSE/);
    await second.shutdown();
  });
});
