// Metric values computed from the ledger (the durable, idempotent record store), never from "what
// this process has seen since it started". A restarted daemon loads the same ledger and therefore
// reports the same cumulative values, so counters stay monotonic across restarts and equal
// `ccotel stats --range all --json` (same definitions as src/stats/report.ts).
//
// Pure: the same ledger, pricer and options always give the same data, in a stable order.
import type { Ledger, UsageRecord } from '../../state/ledger.js';
import type { Pricer } from '../../pricing/cost.js';
import { namedRange } from '../../calendar/time-range.js';

export type MetricKind = 'counter' | 'gauge' | 'histogram';
export type Attributes = Record<string, string>;

export interface HistogramValue {
  /** Finite inclusive upper bounds, ascending. */
  boundaries: number[];
  /** Per-bucket (not cumulative) counts; boundaries.length + 1 entries, the last is (max bound, +Inf). */
  counts: number[];
  sum: number;
  count: number;
  min?: number;
  max?: number;
}

export interface NumberPoint {
  attributes: Attributes;
  value: number;
}
export interface HistogramPoint {
  attributes: Attributes;
  histogram: HistogramValue;
}

interface MetricBase {
  name: string;
  description: string;
  unit: string;
  /** Whole numbers (counts, tokens) or not (USD, seconds). */
  integer: boolean;
}
export interface NumberMetric extends MetricBase {
  kind: 'counter' | 'gauge';
  points: NumberPoint[];
}
export interface HistogramMetric extends MetricBase {
  kind: 'histogram';
  points: HistogramPoint[];
}
export type LedgerMetric = NumberMetric | HistogramMetric;

export interface MetricOptions {
  /** OS user name: the `user` label on every per-user series. */
  user: string;
  /** IANA time zone of the budget periods (calendar day, Monday week, month). */
  timezone: string;
  /** "Now" for the budget periods and the histogram settle window (epoch ms). */
  nowMs: number;
  /**
   * A model call enters `ccotel.token.usage.per_request` only once its event time is this far
   * in the past (default 5 min): streaming writes several copies of a response with growing usage,
   * and moving an observation to a higher bucket would lower a cumulative bucket count (a counter
   * reset in Prometheus). The token and cost counters include every call at once (they only grow).
   */
  histogramSettleMs?: number;
}

/** Every metric name, in export order. */
export const METRIC = {
  tokenUsage: 'ccotel.token.usage',
  costUsage: 'ccotel.cost.usage',
  toolCalls: 'ccotel.tool.calls',
  toolCallsPending: 'ccotel.tool.calls.pending',
  modelRequests: 'ccotel.model.requests',
  apiErrors: 'ccotel.api.errors',
  sessions: 'ccotel.sessions',
  subagents: 'ccotel.subagents',
  prompts: 'ccotel.prompts',
  compactions: 'ccotel.compactions',
  toolDuration: 'ccotel.tool.duration',
  tokensPerRequest: 'ccotel.token.usage.per_request',
  budgetCost: 'ccotel.budget.cost',
  budgetCostTotal: 'ccotel.budget.cost.total',
  lastEventTimestamp: 'ccotel.exporter.last_event_timestamp',
} as const;

export const TOOL_DURATION_BOUNDARIES = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600];
/** OpenTelemetry GenAI semantic conventions: bucket advice for gen_ai.client.token.usage. */
export const TOKEN_BOUNDARIES = [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864];
export const DEFAULT_HISTOGRAM_SETTLE_MS = 5 * 60_000;
/** Label value for records without a cwd. */
export const UNKNOWN_PROJECT = 'unknown';
export const TOKEN_TYPES = ['input', 'output', 'cache_read', 'cache_creation'] as const;
export const BUDGET_PERIODS = ['today', 'week', 'month'] as const;

const projectOf = (cwd: string): string => cwd || UNKNOWN_PROJECT;

/** Sums keyed by a label set; keeps the label objects for output. */
class Series {
  private readonly m = new Map<string, { attributes: Attributes; value: number }>();
  add(attributes: Attributes, v: number): void {
    const k = keyOf(attributes);
    const e = this.m.get(k);
    if (e) e.value += v;
    else this.m.set(k, { attributes, value: v });
  }
  points(): NumberPoint[] {
    return [...this.m.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, p]) => p);
  }
}

/** Distinct members per label set. */
class DistinctSeries {
  private readonly m = new Map<string, { attributes: Attributes; members: Set<string> }>();
  add(attributes: Attributes, member: string): void {
    const k = keyOf(attributes);
    let e = this.m.get(k);
    if (!e) this.m.set(k, (e = { attributes, members: new Set() }));
    e.members.add(member);
  }
  points(): NumberPoint[] {
    return [...this.m.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, e]) => ({ attributes: e.attributes, value: e.members.size }));
  }
}

class HistogramSeries {
  private readonly m = new Map<string, HistogramPoint>();
  constructor(private readonly boundaries: number[]) {}
  record(attributes: Attributes, v: number): void {
    const k = keyOf(attributes);
    let p = this.m.get(k);
    if (!p) {
      p = { attributes, histogram: { boundaries: [...this.boundaries], counts: new Array<number>(this.boundaries.length + 1).fill(0), sum: 0, count: 0 } };
      this.m.set(k, p);
    }
    const h = p.histogram;
    // Upper bounds are inclusive (OTLP explicit-bucket and Prometheus `le` semantics).
    let i = 0;
    while (i < h.boundaries.length && v > h.boundaries[i]!) i++;
    h.counts[i]!++;
    h.sum += v;
    h.count++;
    h.min = h.min === undefined ? v : Math.min(h.min, v);
    h.max = h.max === undefined ? v : Math.max(h.max, v);
  }
  points(): HistogramPoint[] {
    return [...this.m.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, p]) => p);
  }
}

function keyOf(a: Attributes): string {
  return JSON.stringify(Object.keys(a).sort().map((k) => [k, a[k]]));
}

const tokensOf = (r: UsageRecord): Record<(typeof TOKEN_TYPES)[number], number> => ({
  input: r.usage.input,
  output: r.usage.output,
  cache_read: r.usage.cacheRead,
  cache_creation: r.usage.cacheCreation,
});

export function computeMetricData(ledger: Ledger, pricer: Pricer, opts: MetricOptions): LedgerMetric[] {
  const { user, timezone, nowMs } = opts;
  const settleMs = opts.histogramSettleMs ?? DEFAULT_HISTOGRAM_SETTLE_MS;

  const tokens = new Series();
  const cost = new Series();
  const requests = new Series();
  const apiErrors = new Series();
  const toolCalls = new Series();
  const toolPending = new Series();
  const prompts = new Series();
  const compactions = new Series();
  const sessions = new DistinctSeries();
  const subagents = new DistinctSeries();
  const toolDuration = new HistogramSeries(TOOL_DURATION_BOUNDARIES);
  const perRequest = new HistogramSeries(TOKEN_BOUNDARIES);

  const periods = BUDGET_PERIODS.map((p) => ({ period: p, range: namedRange(p, nowMs, timezone) }));
  const budget = new Series();
  const budgetTotal = new Series();
  const costProjects = new Set<string>();
  let lastEventMs = -Infinity;

  // Sessions and subagents count exactly as stats does (usage, tool and top-level prompt records).
  const seen = (sessionId: string, agentId: string | undefined, project: string): void => {
    sessions.add({ project, user }, sessionId);
    if (agentId) subagents.add({ project, user }, `${sessionId}/${agentId}`);
  };

  for (const r of ledger.usage.values()) {
    const project = projectOf(r.cwd);
    seen(r.sessionId, r.agentId, project);
    lastEventMs = Math.max(lastEventMs, r.ts);
    const t = tokensOf(r);
    for (const type of TOKEN_TYPES) tokens.add({ type, model: r.model, project, user }, t[type]);
    const { usd } = pricer.cost(r.model, r.usage, r.apiError);
    cost.add({ model: r.model, project, user }, usd);
    costProjects.add(project);
    for (const { period, range } of periods) {
      const inPeriod = r.ts >= range.startMs && r.ts < range.endMs ? usd : 0;
      budget.add({ period, project, user }, inPeriod);
      budgetTotal.add({ period, user }, inPeriod);
    }
    if (r.apiError) {
      apiErrors.add({ project, user }, 1);
    } else {
      requests.add({ model: r.model, project, user }, 1);
      if (r.ts <= nowMs - settleMs) for (const type of TOKEN_TYPES) perRequest.record({ model: r.model, type }, t[type]);
    }
  }

  for (const t of ledger.tools.values()) {
    const project = projectOf(t.cwd);
    seen(t.sessionId, t.agentId, project);
    lastEventMs = Math.max(lastEventMs, t.ts, t.endTs ?? -Infinity);
    if (t.endTs === undefined || t.isError === undefined) {
      toolPending.add({ tool: t.name, project, user }, 1);
      continue;
    }
    toolCalls.add({ tool: t.name, outcome: t.isError ? 'error' : 'success', project, user }, 1);
    toolDuration.record({ tool: t.name }, Math.max(0, t.endTs - t.ts) / 1000);
  }

  for (const p of ledger.prompts.values()) {
    lastEventMs = Math.max(lastEventMs, p.ts);
    if (p.agentId) continue; // subagent "prompts" are the parent's Task input, not user prompts
    const project = projectOf(p.cwd);
    seen(p.sessionId, undefined, project);
    prompts.add({ project, user }, 1);
  }

  for (const c of ledger.compactions.values()) {
    lastEventMs = Math.max(lastEventMs, c.ts);
    compactions.add({ project: projectOf(c.cwd), user }, 1);
  }

  // Every period gets a point even with no cost in it, so "today" drops to 0 at local midnight
  // instead of a stale series keeping yesterday's value.
  for (const { period } of periods) {
    if (costProjects.size > 0) budgetTotal.add({ period, user }, 0);
    for (const project of costProjects) budget.add({ period, project, user }, 0);
  }

  const counter = (name: string, unit: string, description: string, points: NumberPoint[], integer = true): NumberMetric => ({ name, description, unit, integer, kind: 'counter', points });
  const gauge = (name: string, unit: string, description: string, points: NumberPoint[], integer = false): NumberMetric => ({ name, description, unit, integer, kind: 'gauge', points });
  const histogram = (name: string, unit: string, description: string, points: HistogramPoint[], integer: boolean): HistogramMetric => ({ name, description, unit, integer, kind: 'histogram', points });

  return [
    counter(METRIC.tokenUsage, '{token}', 'Tokens used by Claude Code model calls, by token type (input, output, cache_read, cache_creation).', tokens.points()),
    counter(METRIC.costUsage, 'USD', 'Cost of Claude Code model calls in US dollars, computed from the price table (as ccotel stats).', cost.points(), false),
    counter(METRIC.toolCalls, '{call}', 'Completed tool calls by outcome (success or error).', toolCalls.points()),
    gauge(METRIC.toolCallsPending, '{call}', 'Tool calls without a result yet (running, or interrupted).', toolPending.points(), true),
    counter(METRIC.modelRequests, '{request}', 'Model API requests (deduplicated responses), excluding API errors.', requests.points()),
    counter(METRIC.apiErrors, '{error}', 'Model API errors recorded in the transcripts.', apiErrors.points()),
    counter(METRIC.sessions, '{session}', 'Distinct Claude Code sessions with activity in the project.', sessions.points()),
    counter(METRIC.subagents, '{agent}', 'Distinct subagents (Task) run in the project.', subagents.points()),
    counter(METRIC.prompts, '{prompt}', 'User prompts (subagent inputs excluded).', prompts.points()),
    counter(METRIC.compactions, '{compaction}', 'Context compactions.', compactions.points()),
    histogram(METRIC.toolDuration, 's', 'Duration of completed tool calls (tool_use to tool_result, event time).', toolDuration.points(), false),
    histogram(METRIC.tokensPerRequest, '{token}', 'Tokens per model request and token type (GenAI gen_ai.client.token.usage buckets).', perRequest.points(), true),
    gauge(METRIC.budgetCost, 'USD', 'Cost so far in the current calendar period (today, week from Monday, month) in the configured time zone, by event time.', budget.points()),
    gauge(METRIC.budgetCostTotal, 'USD', 'Cost so far in the current calendar period in the configured time zone, all projects.', budgetTotal.points()),
    gauge(METRIC.lastEventTimestamp, 's', 'Event time of the newest record in the ledger, seconds since the Unix epoch.', Number.isFinite(lastEventMs) ? [{ attributes: { user }, value: lastEventMs / 1000 }] : []),
  ];
}
