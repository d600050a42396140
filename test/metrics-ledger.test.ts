// Ledger-derived metrics: exact values from hand-made events, the same totals as `ccotel stats
// --range all`, budget periods by event time in a non-UTC zone across a DST change, monotonic
// counters, idempotent re-application, and the Prometheus-side names.
import { describe, expect, it } from 'vitest';
import { Ledger } from '../src/state/ledger.js';
import { Pricer } from '../src/pricing/cost.js';
import { EMBEDDED_PRICES } from '../src/pricing/price-table.js';
import { buildReport } from '../src/stats/report.js';
import { Fold } from '../src/fold/fold.js';
import { namedRange } from '../src/calendar/time-range.js';
import type { EventContext, ModelEvent, Usage } from '../src/model/events.js';
import { computeMetricData, METRIC, type LedgerMetric, type NumberMetric, type HistogramMetric } from '../src/export/metrics/ledger-metrics.js';
import { prometheusName } from '../src/export/metrics/prometheus-names.js';
import { LedgerMetricProducer, CUMULATIVE_START_MS } from '../src/export/metrics/ledger-producer.js';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { DataPointType } from '@opentelemetry/sdk-metrics';

const pricer = new Pricer(EMBEDDED_PRICES);
const USER = 'alice';
const A = '/home/alice/proj-a';
const B = '/home/alice/proj-b';

const usage = (p: Partial<Usage>): Usage => ({ input: 0, output: 0, cacheCreation: 0, cacheCreation1h: 0, cacheSplit: false, cacheRead: 0, fast: false, ...p });
const ctx = (sessionId: string, cwd: string, agentId?: string): EventContext => (agentId ? { sessionId, cwd, agentId } : { sessionId, cwd });
const iso = (s: string): number => Date.parse(s);

function call(c: EventContext, key: string, ts: number, model: string, u: Partial<Usage>, apiError = false): ModelEvent {
  return { kind: 'model_call', ctx: c, ts, key, messageId: key, model, usage: usage(u), apiError };
}
function toolUse(c: EventContext, id: string, ts: number, name: string): ModelEvent {
  return { kind: 'tool_use', ctx: c, ts, id, name, callKey: 'k', input: {} };
}
function toolResult(c: EventContext, id: string, ts: number, isError: boolean): ModelEvent {
  return { kind: 'tool_result', ctx: c, ts, toolUseId: id, isError, resultChars: 1 };
}
function prompt(c: EventContext, uuid: string, ts: number): ModelEvent {
  return { kind: 'prompt', ctx: c, ts, uuid, chars: 5 };
}

const s1 = ctx('s1', A);
const s1agent = ctx('s1', A, 'agent-1');
const s2 = ctx('s2', B);
const T0 = iso('2025-06-10T10:00:00Z');

/** A small but complete history: two projects, two models, a subagent, tools with every outcome. */
const EVENTS: ModelEvent[] = [
  prompt(s1, 'p1', T0),
  call(s1, 'm1', T0 + 1000, 'claude-sonnet-4-5-20250929', { input: 100, output: 50, cacheRead: 1000, cacheCreation: 200 }),
  // A second, larger streaming copy of m1: the ledger keeps this one only.
  call(s1, 'm1', T0 + 1500, 'claude-sonnet-4-5-20250929', { input: 100, output: 300, cacheRead: 1000, cacheCreation: 200 }),
  toolUse(s1, 't1', T0 + 2000, 'Bash'),
  toolResult(s1, 't1', T0 + 2300, false), // 0.3 s
  toolUse(s1, 't2', T0 + 3000, 'Bash'),
  toolResult(s1, 't2', T0 + 9000, true), // 6 s, error
  toolUse(s1, 't3', T0 + 4000, 'Read'),
  toolResult(s1, 't3', T0 + 4050, false), // 0.05 s: on the bucket boundary (inclusive)
  toolUse(s1, 't4', T0 + 5000, 'Task'), // pending: no result
  prompt(s1agent, 'p-agent', T0 + 5100), // subagent input: not a user prompt
  call(s1agent, 'm2', T0 + 6000, 'claude-haiku-4-5-20251001', { input: 10, output: 20 }),
  toolUse(s1agent, 't5', T0 + 6500, 'Read'),
  toolResult(s1agent, 't5', T0 + 7000, false), // 0.5 s
  prompt(s2, 'p2', T0 + 60_000),
  call(s2, 'm3', T0 + 61_000, 'claude-opus-4-5-20251101', { input: 5, output: 7, cacheCreation: 1000, cacheCreation1h: 400, cacheSplit: true }),
  call(s2, 'm4', T0 + 62_000, '<synthetic>', {}, true),
  { kind: 'compaction', ctx: s2, ts: T0 + 63_000, trigger: 'auto' },
  { kind: 'turn_end', ctx: s2, ts: T0 + 64_000 },
];

function ledgerOf(events: readonly ModelEvent[]): Ledger {
  const l = new Ledger();
  for (const e of events) l.apply(e);
  return l;
}

const NOW = T0 + 3600_000;
const opts = { user: USER, timezone: 'UTC', nowMs: NOW };

function metric(ms: LedgerMetric[], name: string): LedgerMetric {
  const m = ms.find((x) => x.name === name);
  if (!m) throw new Error(`no metric ${name}`);
  return m;
}
function values(ms: LedgerMetric[], name: string): Record<string, number> {
  const m = metric(ms, name) as NumberMetric;
  return Object.fromEntries(m.points.map((p) => [labelKey(p.attributes), p.value]));
}
const labelKey = (a: Record<string, string>): string =>
  Object.keys(a)
    .sort()
    .map((k) => `${k}=${a[k]}`)
    .join(',');
const sum = (o: Record<string, number>): number => Object.values(o).reduce((a, b) => a + b, 0);

describe('computeMetricData', () => {
  const ms = computeMetricData(ledgerOf(EVENTS), pricer, opts);

  it('sums tokens per type, model, project and agent (largest streaming copy only); cache writes by TTL', () => {
    expect(values(ms, METRIC.tokenUsage)).toEqual({
      [`agent=main,model=claude-sonnet-4-5-20250929,project=${A},type=input,user=alice`]: 100,
      [`agent=main,model=claude-sonnet-4-5-20250929,project=${A},type=output,user=alice`]: 300,
      [`agent=main,model=claude-sonnet-4-5-20250929,project=${A},type=cache_read,user=alice`]: 1000,
      [`agent=main,cache_ttl=5m,model=claude-sonnet-4-5-20250929,project=${A},type=cache_creation,user=alice`]: 200,
      [`agent=main,cache_ttl=1h,model=claude-sonnet-4-5-20250929,project=${A},type=cache_creation,user=alice`]: 0,
      [`agent=unknown,model=claude-haiku-4-5-20251001,project=${A},type=input,user=alice`]: 10,
      [`agent=unknown,model=claude-haiku-4-5-20251001,project=${A},type=output,user=alice`]: 20,
      [`agent=unknown,model=claude-haiku-4-5-20251001,project=${A},type=cache_read,user=alice`]: 0,
      [`agent=unknown,cache_ttl=5m,model=claude-haiku-4-5-20251001,project=${A},type=cache_creation,user=alice`]: 0,
      [`agent=unknown,cache_ttl=1h,model=claude-haiku-4-5-20251001,project=${A},type=cache_creation,user=alice`]: 0,
      [`agent=main,model=claude-opus-4-5-20251101,project=${B},type=input,user=alice`]: 5,
      [`agent=main,model=claude-opus-4-5-20251101,project=${B},type=output,user=alice`]: 7,
      [`agent=main,model=claude-opus-4-5-20251101,project=${B},type=cache_read,user=alice`]: 0,
      [`agent=main,cache_ttl=5m,model=claude-opus-4-5-20251101,project=${B},type=cache_creation,user=alice`]: 600,
      [`agent=main,cache_ttl=1h,model=claude-opus-4-5-20251101,project=${B},type=cache_creation,user=alice`]: 400,
      [`agent=main,model=<synthetic>,project=${B},type=input,user=alice`]: 0,
      [`agent=main,model=<synthetic>,project=${B},type=output,user=alice`]: 0,
      [`agent=main,model=<synthetic>,project=${B},type=cache_read,user=alice`]: 0,
      [`agent=main,cache_ttl=5m,model=<synthetic>,project=${B},type=cache_creation,user=alice`]: 0,
      [`agent=main,cache_ttl=1h,model=<synthetic>,project=${B},type=cache_creation,user=alice`]: 0,
    });
  });

  it('prices every call as the pricer does', () => {
    const sonnet = (100 * 3 + 300 * 15 + 200 * 3.75 + 1000 * 0.3) / 1e6;
    const haiku = (10 * 1 + 20 * 5) / 1e6;
    const opus = (5 * 5 + 7 * 25 + 600 * 6.25 + 400 * 10) / 1e6; // 5m writes at cacheWrite, 1h at 2x input
    const cost = values(ms, METRIC.costUsage);
    expect(cost[`agent=main,model=claude-sonnet-4-5-20250929,project=${A},user=alice`]).toBeCloseTo(sonnet, 12);
    // A subagent nothing names the type of (no meta file, no Task call seen): agent="unknown".
    expect(cost[`agent=unknown,model=claude-haiku-4-5-20251001,project=${A},user=alice`]).toBeCloseTo(haiku, 12);
    expect(cost[`agent=main,model=claude-opus-4-5-20251101,project=${B},user=alice`]).toBeCloseTo(opus, 12);
    expect(cost[`agent=main,model=<synthetic>,project=${B},user=alice`]).toBe(0);
    // Cache savings: cache-read tokens at the input price minus the cache-read price (sonnet: 1000 x (3 - 0.3)).
    const saved = values(ms, METRIC.cacheSavings);
    expect(saved[`agent=main,model=claude-sonnet-4-5-20250929,project=${A},user=alice`]).toBeCloseTo((1000 * (3 - 0.3)) / 1e6, 12);
    expect(sum(saved)).toBeCloseTo((1000 * (3 - 0.3)) / 1e6, 12);
  });

  it('counts tool outcomes, pending calls, requests, errors, sessions, subagents, prompts, compactions', () => {
    expect(values(ms, METRIC.toolCalls)).toEqual({
      [`outcome=success,project=${A},tool=Bash,user=alice`]: 1,
      [`outcome=error,project=${A},tool=Bash,user=alice`]: 1,
      [`outcome=success,project=${A},tool=Read,user=alice`]: 2,
    });
    expect(values(ms, METRIC.toolCallsPending)).toEqual({ [`project=${A},tool=Task,user=alice`]: 1 });
    expect(values(ms, METRIC.modelRequests)).toEqual({
      [`model=claude-sonnet-4-5-20250929,project=${A},user=alice`]: 1,
      [`model=claude-haiku-4-5-20251001,project=${A},user=alice`]: 1,
      [`model=claude-opus-4-5-20251101,project=${B},user=alice`]: 1,
    });
    expect(values(ms, METRIC.apiErrors)).toEqual({ [`project=${B},user=alice`]: 1 });
    expect(values(ms, METRIC.sessions)).toEqual({ [`project=${A},user=alice`]: 1, [`project=${B},user=alice`]: 1 });
    expect(values(ms, METRIC.subagents)).toEqual({ [`project=${A},user=alice`]: 1 });
    expect(values(ms, METRIC.prompts)).toEqual({ [`project=${A},user=alice`]: 1, [`project=${B},user=alice`]: 1 });
    expect(values(ms, METRIC.compactions)).toEqual({ [`project=${B},user=alice`]: 1 });
    expect(values(ms, METRIC.lastEventTimestamp)).toEqual({ 'user=alice': (T0 + 63_000) / 1000 });
    // The heartbeat belongs to a running daemon only (a backfill must not look like one).
    expect(metric(ms, METRIC.lastExportTimestamp).points).toEqual([]);
  });

  it('exports the daemon heartbeat as the collection time when asked', () => {
    const beat = computeMetricData(ledgerOf(EVENTS), pricer, { ...opts, nowMs: NOW + 1234, heartbeat: true });
    expect(values(beat, METRIC.lastExportTimestamp)).toEqual({ 'user=alice': (NOW + 1234) / 1000 });
    expect(prometheusName(METRIC.lastExportTimestamp, 's', 'gauge')).toBe('ccotel_exporter_last_export_timestamp_seconds');
  });

  it('fills the tool duration histogram with inclusive upper bounds', () => {
    const h = metric(ms, METRIC.toolDuration) as HistogramMetric;
    const read = h.points.find((p) => p.attributes.tool === 'Read')!.histogram;
    const bash = h.points.find((p) => p.attributes.tool === 'Bash')!.histogram;
    expect(h.points.map((p) => p.attributes)).toEqual([{ tool: 'Bash' }, { tool: 'Read' }]);
    // boundaries [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, ...]
    expect(read.counts).toEqual([1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(read.count).toBe(2);
    expect(read.sum).toBeCloseTo(0.55, 12);
    expect(bash.counts).toEqual([0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0]);
    expect([bash.min, bash.max]).toEqual([0.3, 6]);
  });

  it('fills the per-request token histogram per model and type, once a call has settled', () => {
    const h = metric(ms, METRIC.tokensPerRequest) as HistogramMetric;
    const p = (model: string, type: string) => h.points.find((x) => x.attributes.model === model && x.attributes.type === type)!.histogram;
    // TOKEN_BOUNDARIES [1, 4, 16, 64, 256, 1024, 4096, ...]
    expect(p('claude-sonnet-4-5-20250929', 'output').counts.slice(0, 7)).toEqual([0, 0, 0, 0, 0, 1, 0]); // 300
    expect(p('claude-sonnet-4-5-20250929', 'cache_read').counts.slice(0, 7)).toEqual([0, 0, 0, 0, 0, 1, 0]); // 1000 <= 1024
    expect(p('claude-haiku-4-5-20251001', 'cache_read').counts.slice(0, 2)).toEqual([1, 0]); // 0 <= 1
    expect(h.points.some((x) => x.attributes.model === '<synthetic>')).toBe(false); // API errors are not requests
    expect(h.points).toHaveLength(12);
    // A call younger than the settle window is counted by the counters but not yet by the histogram.
    const fresh = computeMetricData(ledgerOf(EVENTS), pricer, { ...opts, nowMs: T0 + 62_000 + 60_000 });
    const hf = metric(fresh, METRIC.tokensPerRequest) as HistogramMetric;
    expect(hf.points.some((x) => x.attributes.model === 'claude-opus-4-5-20251101')).toBe(false);
    expect(sum(values(fresh, METRIC.modelRequests))).toBe(3);
  });

  it('gives the hand-computed totals of EVENTS, as `ccotel stats --range all` does', () => {
    // Worked out by hand from EVENTS (not from either implementation): m1 counts its larger copy.
    const sonnet = (100 * 3 + 300 * 15 + 200 * 3.75 + 1000 * 0.3) / 1e6;
    const haiku = (10 * 1 + 20 * 5) / 1e6;
    const opus = (5 * 5 + 7 * 25 + 600 * 6.25 + 400 * 10) / 1e6;
    const want = {
      tokens: { input: 115, output: 327, cacheRead: 1000, cacheCreation: 1200 },
      costUSD: sonnet + haiku + opus,
      requests: 3,
      apiErrors: 1,
      prompts: 2,
      compactions: 1,
      sessions: 2,
      subagents: 1,
      operations: 5,
      tools: { Bash: { calls: 2, errors: 1 }, Read: { calls: 2, errors: 0 }, Task: { calls: 1, errors: 0 } } as Record<string, { calls: number; errors: number }>,
      projects: { [A]: { sessions: 1, costUSD: sonnet + haiku }, [B]: { sessions: 1, costUSD: opus } } as Record<string, { sessions: number; costUSD: number }>,
    };
    const ledger = ledgerOf(EVENTS);
    const m = computeMetricData(ledger, pricer, opts);
    const tok = values(m, METRIC.tokenUsage);
    const byType = (t: string) => sum(Object.fromEntries(Object.entries(tok).filter(([k]) => k.includes(`type=${t},`))));
    expect({ input: byType('input'), output: byType('output'), cacheRead: byType('cache_read'), cacheCreation: byType('cache_creation') }).toEqual(want.tokens);
    expect(sum(values(m, METRIC.costUsage))).toBeCloseTo(want.costUSD, 12);
    expect(sum(values(m, METRIC.modelRequests))).toBe(want.requests);
    expect(sum(values(m, METRIC.apiErrors))).toBe(want.apiErrors);
    expect(sum(values(m, METRIC.prompts))).toBe(want.prompts);
    expect(sum(values(m, METRIC.compactions))).toBe(want.compactions);
    expect(sum(values(m, METRIC.sessions))).toBe(want.sessions);
    expect(sum(values(m, METRIC.subagents))).toBe(want.subagents);
    expect(sum(values(m, METRIC.toolCalls)) + sum(values(m, METRIC.toolCallsPending))).toBe(want.operations);
    for (const [tool, t] of Object.entries(want.tools)) {
      const calls = values(m, METRIC.toolCalls);
      const pending = values(m, METRIC.toolCallsPending);
      const of = (o: Record<string, number>, extra = '') => sum(Object.fromEntries(Object.entries(o).filter(([k]) => k.includes(`tool=${tool},`) && k.includes(extra))));
      expect(of(calls) + of(pending), tool).toBe(t.calls);
      expect(of(calls, 'outcome=error'), tool).toBe(t.errors);
    }
    for (const [cwd, p] of Object.entries(want.projects)) {
      expect(values(m, METRIC.sessions)[`project=${cwd},user=alice`]).toBe(p.sessions);
      expect(sum(Object.fromEntries(Object.entries(values(m, METRIC.costUsage)).filter(([k]) => k.includes(`project=${cwd},`))))).toBeCloseTo(p.costUSD, 12);
    }

    // The stats report over the same ledger gives the same hand-computed numbers.
    const r = buildReport(Fold.of(ledger, { pricer }), { range: namedRange('all', NOW, 'UTC'), timezone: 'UTC' }, { files: 0, lines: 0, malformedLines: 0, oversizedLines: 0, unpricedModels: [] });
    expect({ input: r.tokens.input, output: r.tokens.output, cacheRead: r.tokens.cacheRead, cacheCreation: r.tokens.cacheCreation }).toEqual(want.tokens);
    expect(r.costUSD).toBeCloseTo(want.costUSD, 12);
    expect([r.requests, r.apiErrors, r.prompts, r.compactions, r.sessions, r.subagents, r.operations]).toEqual([want.requests, want.apiErrors, want.prompts, want.compactions, want.sessions, want.subagents, want.operations]);
    expect(Object.fromEntries(Object.entries(r.tools).map(([k, v]) => [k, { calls: v.calls, errors: v.errors }]))).toEqual(want.tools);
    for (const [cwd, p] of Object.entries(want.projects)) {
      expect(r.projects[cwd]!.sessions).toBe(p.sessions);
      expect(r.projects[cwd]!.costUSD).toBeCloseTo(p.costUSD, 12);
    }
  });
});

describe('budget gauges', () => {
  // America/New_York switched to EDT (UTC-4) on Sunday 2025-03-09. "Now" is Monday 2025-03-10 12:00 EDT.
  const tz = 'America/New_York';
  const now = iso('2025-03-10T16:00:00Z');
  const p = ctx('sb', A);
  const q = ctx('sb2', B);
  const m = 'claude-haiku-4-5-20251001';
  const million = { output: 200_000 }; // $1.00 at $5/M output
  const events: ModelEvent[] = [
    call(p, 'today', iso('2025-03-10T04:30:00Z'), m, million), // 00:30 EDT Monday: today
    call(q, 'today-b', iso('2025-03-10T15:59:00Z'), m, { output: 400_000 }), // $2, project B, today
    call(p, 'sunday', iso('2025-03-10T03:30:00Z'), m, million), // 23:30 EDT Sunday: a UTC clock would call it today
    call(p, 'last-week', iso('2025-03-03T15:00:00Z'), m, million), // Monday 10:00 EST of the week before
    call(p, 'month-start', iso('2025-03-01T05:00:00Z'), m, million), // 00:00 EST March 1st
    call(p, 'february', iso('2025-03-01T04:59:59Z'), m, million), // 23:59:59 EST Feb 28th
  ];
  const ms = computeMetricData(ledgerOf(events), pricer, { user: USER, timezone: tz, nowMs: now });

  it('sums cost by event time in the calendar periods of the zone, per project and in total', () => {
    const b = values(ms, METRIC.budgetCost);
    expect(b[`period=today,project=${A},user=alice`]).toBeCloseTo(1, 12);
    expect(b[`period=week,project=${A},user=alice`]).toBeCloseTo(1, 12);
    expect(b[`period=month,project=${A},user=alice`]).toBeCloseTo(4, 12);
    expect(b[`period=today,project=${B},user=alice`]).toBeCloseTo(2, 12);
    expect(b[`period=month,project=${B},user=alice`]).toBeCloseTo(2, 12);
    const t = values(ms, METRIC.budgetCostTotal);
    expect(Object.keys(t).sort()).toEqual(['period=month,user=alice', 'period=today,user=alice', 'period=week,user=alice']);
    expect(t['period=today,user=alice']).toBeCloseTo(3, 12);
    expect(t['period=week,user=alice']).toBeCloseTo(3, 12);
    expect(t['period=month,user=alice']).toBeCloseTo(6, 12);
  });

  it('drops to 0 at local midnight instead of keeping a stale value', () => {
    const tomorrow = computeMetricData(ledgerOf(events), pricer, { user: USER, timezone: tz, nowMs: iso('2025-03-11T04:00:00Z') }); // 00:00 EDT Tuesday
    expect(values(tomorrow, METRIC.budgetCostTotal)['period=today,user=alice']).toBe(0);
    expect(values(tomorrow, METRIC.budgetCostTotal)['period=week,user=alice']).toBeCloseTo(3, 12);
    expect(values(tomorrow, METRIC.budgetCost)[`period=today,project=${A},user=alice`]).toBe(0);
  });

  it('uses the zone, not UTC', () => {
    const utc = computeMetricData(ledgerOf(events), pricer, { user: USER, timezone: 'UTC', nowMs: now });
    expect(values(utc, METRIC.budgetCostTotal)['period=today,user=alice']).toBeCloseTo(4, 12); // the Sunday-evening call moves into "today"
  });
});

describe('monotonic and idempotent', () => {
  const COUNTERS = [METRIC.tokenUsage, METRIC.costUsage, METRIC.toolCalls, METRIC.modelRequests, METRIC.apiErrors, METRIC.sessions, METRIC.subagents, METRIC.prompts, METRIC.compactions];
  // Histograms are cumulative too: every bucket count, the sum and the count must never drop.
  const histogramCounters = (ms: LedgerMetric[]): Record<string, number> => {
    const out: Record<string, number> = {};
    for (const m of ms) {
      if (m.kind !== 'histogram') continue;
      for (const p of m.points) {
        let cum = 0;
        p.histogram.counts.forEach((c, i) => (out[`${m.name}|${labelKey(p.attributes)}|le${i}`] = cum += c));
        out[`${m.name}|${labelKey(p.attributes)}|count`] = p.histogram.count;
        out[`${m.name}|${labelKey(p.attributes)}|sum`] = p.histogram.sum;
      }
    }
    return out;
  };
  const snapshot = (l: Ledger, nowMs = NOW): Record<string, number> => {
    const ms = computeMetricData(l, pricer, { ...opts, nowMs });
    const out: Record<string, number> = histogramCounters(ms);
    for (const name of COUNTERS) for (const [k, v] of Object.entries(values(ms, name))) out[`${name}|${k}`] = v;
    return out;
  };

  it('never decreases a counter or drops a series as events arrive, live or backfilled out of order', () => {
    // Live: each event is read a second after it was written (so "now" moves with the events).
    // Backfill: a finished history read newest-first, long after the fact.
    for (const [order, live] of [[EVENTS, true], [[...EVENTS].reverse(), false]] as const) {
      const l = new Ledger();
      let prev = snapshot(l);
      for (const e of order) {
        l.apply(e);
        const cur = snapshot(l, live ? e.ts + 1000 : NOW);
        for (const [k, v] of Object.entries(prev)) {
          expect(cur[k], k).toBeDefined();
          expect(cur[k]!, k).toBeGreaterThanOrEqual(v - 1e-12);
        }
        prev = cur;
      }
    }
  });

  it('changes nothing when the same events are applied again', () => {
    const l = ledgerOf(EVENTS);
    const once = computeMetricData(l, pricer, opts);
    for (const e of EVENTS) l.apply(e);
    expect(computeMetricData(l, pricer, opts)).toEqual(once);
  });

  it('gives a restarted process (ledger reloaded from disk) the same values', () => {
    const l = ledgerOf(EVENTS);
    const restarted = new Ledger();
    for (const line of l.takeChanges().trim().split('\n')) restarted.loadRow(JSON.parse(line));
    expect(computeMetricData(restarted, pricer, opts)).toEqual(computeMetricData(l, pricer, opts));
  });
});

describe('producer', () => {
  it('exports cumulative points with a fixed start time and OTel or Prometheus names', async () => {
    const resource = resourceFromAttributes({ 'service.name': 'claude-code' });
    const prod = new LedgerMetricProducer(Fold.of(ledgerOf(EVENTS), { pricer }), resource, { user: USER, timezone: 'UTC', now: () => NOW });
    const { resourceMetrics, errors } = await prod.collect();
    expect(errors).toEqual([]);
    const metrics = resourceMetrics.scopeMetrics[0]!.metrics;
    const tokens = metrics.find((m) => m.descriptor.name === 'ccotel.token.usage')!;
    expect(tokens.dataPointType).toBe(DataPointType.SUM);
    expect(tokens.dataPoints[0]!.startTime).toEqual([CUMULATIVE_START_MS / 1000, 0]);
    expect(tokens.dataPoints[0]!.endTime).toEqual([NOW / 1000, 0]);
    const prom = new LedgerMetricProducer(Fold.of(ledgerOf(EVENTS), { pricer }), resource, { user: USER, timezone: 'UTC', now: () => NOW, names: 'prometheus' });
    const names = (await prom.collect()).resourceMetrics.scopeMetrics[0]!.metrics.map((m) => m.descriptor.name);
    expect(names).toContain('ccotel_cost_usage_USD_total');
    // An empty ledger exports nothing at all (no empty metric families).
    const empty = await new LedgerMetricProducer(Fold.of(new Ledger(), { pricer }), resource, { user: USER, timezone: 'UTC', now: () => NOW }).collect();
    expect(empty.resourceMetrics.scopeMetrics).toEqual([]);
  });
});

describe('Prometheus names (collector prometheusexporter, add_metric_suffixes: true)', () => {
  it('translates every metric as otlptranslator does', () => {
    const ms = computeMetricData(ledgerOf(EVENTS), pricer, opts);
    expect(Object.fromEntries(ms.map((m) => [m.name, prometheusName(m.name, m.unit, m.kind)]))).toEqual({
      'ccotel.token.usage': 'ccotel_token_usage_total',
      'ccotel.cost.usage': 'ccotel_cost_usage_USD_total',
      'ccotel.cost.cache_savings': 'ccotel_cost_cache_savings_USD_total',
      'ccotel.tool.calls': 'ccotel_tool_calls_total',
      'ccotel.tool.calls.pending': 'ccotel_tool_calls_pending',
      'ccotel.model.requests': 'ccotel_model_requests_total',
      'ccotel.api.errors': 'ccotel_api_errors_total',
      'ccotel.sessions': 'ccotel_sessions_total',
      'ccotel.subagents': 'ccotel_subagents_total',
      'ccotel.prompts': 'ccotel_prompts_total',
      'ccotel.compactions': 'ccotel_compactions_total',
      'ccotel.sensitive.hits': 'ccotel_sensitive_hits_total',
      'ccotel.tool.duration': 'ccotel_tool_duration_seconds',
      'ccotel.token.usage.per_request': 'ccotel_token_usage_per_request',
      'ccotel.budget.cost': 'ccotel_budget_cost_USD',
      'ccotel.budget.cost.total': 'ccotel_budget_cost_total_USD',
      'ccotel.exporter.last_event_timestamp': 'ccotel_exporter_last_event_timestamp_seconds',
      'ccotel.exporter.last_export_timestamp': 'ccotel_exporter_last_export_timestamp_seconds',
      'ccotel.permission.requests': 'ccotel_permission_requests_total',
      'ccotel.notifications': 'ccotel_notifications_total',
      'ccotel.token.estimate': 'ccotel_token_estimate',
      'ccotel.cost.estimate': 'ccotel_cost_estimate_USD',
      'ccotel.prompts.estimate': 'ccotel_prompts_estimate',
      'ccotel.session.cost': 'ccotel_session_cost_USD',
      'ccotel.session.tokens': 'ccotel_session_tokens',
      'ccotel.session.tool_calls': 'ccotel_session_tool_calls',
      'ccotel.session.tool_errors': 'ccotel_session_tool_errors',
      'ccotel.session.subagents': 'ccotel_session_subagents',
      'ccotel.session.prompts': 'ccotel_session_prompts',
    });
  });

  it('follows the translator rules for other units', () => {
    expect(prometheusName('http.server.request.duration', 'ms', 'histogram')).toBe('http_server_request_duration_milliseconds');
    expect(prometheusName('x.bytes', 'By', 'counter')).toBe('x_bytes_total');
    expect(prometheusName('x.rate', 'By/s', 'gauge')).toBe('x_rate_bytes_per_second');
    expect(prometheusName('x.util', '1', 'gauge')).toBe('x_util_ratio');
    expect(prometheusName('x.total.count', '1', 'counter')).toBe('x_count_total');
    expect(prometheusName('x..y__z', '{thing}', 'gauge')).toBe('x_y_z');
  });
});
