// Metric values read from the fold (src/fold), which is kept up to date as ledger records are
// applied and restored from the state directory at start: a collection costs O(series), never a
// walk of history. The fold, like the ledger it follows, is durable and idempotent, so a restarted
// daemon reports the same cumulative values, and they equal `ccotel stats --range all --json`
// (the counting rules are written once, in src/fold/facts.ts).
//
// Pure: the same fold state and options always give the same data, in a stable order.
import type { Ledger } from '../../state/ledger.js';
import type { Pricer } from '../../pricing/cost.js';
import { namedRange } from '../../calendar/time-range.js';
import { Fold, DEFAULT_HISTOGRAM_SETTLE_MS } from '../../fold/fold.js';
import { NANOS_PER_USD, SEP, UNKNOWN_PROJECT } from '../../fold/facts.js';
import { TOKEN_BOUNDARIES, TOOL_DURATION_BOUNDARIES, type Hist } from '../../fold/histogram.js';
import { TOKEN_TYPES } from '../../fold/series.js';
import { DEFAULT_RECENT_SESSIONS, sessionGaugePoints, type RecentSessionOptions } from './session-gauges.js';

export { DEFAULT_HISTOGRAM_SETTLE_MS, TOKEN_BOUNDARIES, TOOL_DURATION_BOUNDARIES, TOKEN_TYPES, UNKNOWN_PROJECT };

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
   * The daemon's heartbeat: export the collection time as ccotel.exporter.last_export_timestamp.
   * Only `ccotel run` sets it, so a one-shot backfill never passes for a live daemon.
   */
  heartbeat?: boolean;
  /** Which sessions the ccotel.session.* gauges report (default: last event within 24 h, at most 50). */
  recentSessions?: RecentSessionOptions;
}

/** Every metric name, in export order. */
export const METRIC = {
  tokenUsage: 'ccotel.token.usage',
  costUsage: 'ccotel.cost.usage',
  cacheSavings: 'ccotel.cost.cache_savings',
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
  lastExportTimestamp: 'ccotel.exporter.last_export_timestamp',
  permissionRequests: 'ccotel.permission.requests',
  notifications: 'ccotel.notifications',
  tokenEstimate: 'ccotel.token.estimate',
  costEstimate: 'ccotel.cost.estimate',
  promptsEstimate: 'ccotel.prompts.estimate',
  sensitiveHits: 'ccotel.sensitive.hits',
  // Recent-session gauges (session-gauges.ts): the only series with a session_id label. Bounded
  // cardinality: only sessions whose last event is within recentSessions.windowHours of the
  // collection time, at most recentSessions.max of them (the newest); trace_id is 1:1 with session.
  sessionCost: 'ccotel.session.cost',
  sessionTokens: 'ccotel.session.tokens',
  sessionToolCalls: 'ccotel.session.tool_calls',
  sessionToolErrors: 'ccotel.session.tool_errors',
  sessionSubagents: 'ccotel.session.subagents',
  sessionPrompts: 'ccotel.session.prompts',
} as const;

export const BUDGET_PERIODS = ['today', 'week', 'month'] as const;

function keyOf(a: Attributes): string {
  return JSON.stringify(Object.keys(a).sort().map((k) => [k, a[k]]));
}

/** Points sorted by their label set (a stable export order). */
function sorted<P extends { attributes: Attributes }>(points: P[]): P[] {
  return points.map((p) => [keyOf(p.attributes), p] as const).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, p]) => p);
}

const split = (key: string): string[] => key.split(SEP);

function histPoint(attributes: Attributes, h: Hist, boundaries: number[], scale: number): HistogramPoint {
  return { attributes, histogram: { boundaries: [...boundaries], counts: [...h.counts], sum: h.sum / scale, count: h.count, min: h.min, max: h.max } };
}

/**
 * Every metric from a ledger, folded from scratch (tests and one-off use; the daemon keeps its fold
 * up to date instead). The settle window is measured from `opts.nowMs`.
 */
export function computeMetricData(ledger: Ledger, pricer: Pricer, opts: MetricOptions & { histogramSettleMs?: number }): LedgerMetric[] {
  return metricData(Fold.of(ledger, { pricer, histogramSettleMs: opts.histogramSettleMs, clock: () => opts.nowMs }), opts);
}

export function metricData(fold: Fold, opts: MetricOptions): LedgerMetric[] {
  const { user, timezone, nowMs } = opts;
  fold.settle(nowMs);
  const s = fold.series;

  const tokens: NumberPoint[] = [];
  const cost: NumberPoint[] = [];
  const savings: NumberPoint[] = [];
  const requestsBy = new Map<string, number>();
  const costProjects = new Set<string>();
  for (const [key, m] of s.calls) {
    const [model, project, agent] = split(key) as [string, string, string];
    costProjects.add(project);
    const t = { input: m.input, output: m.output, cache_read: m.cacheRead };
    for (const type of ['input', 'output', 'cache_read'] as const) tokens.push({ attributes: { type, model, project, user, agent }, value: t[type] });
    // Cache writes by time to live: the two series of type cache_creation sum to all cache writes
    // (writes without a 5m/1h split are priced, and counted, as 5-minute writes).
    tokens.push({ attributes: { type: 'cache_creation', cache_ttl: '5m', model, project, user, agent }, value: m.cacheCreation - m.cacheCreation1h });
    tokens.push({ attributes: { type: 'cache_creation', cache_ttl: '1h', model, project, user, agent }, value: m.cacheCreation1h });
    cost.push({ attributes: { model, project, user, agent }, value: m.nanoUsd / NANOS_PER_USD });
    savings.push({ attributes: { model, project, user, agent }, value: m.savedNanoUsd / NANOS_PER_USD });
    if (m.n > m.apiErrors) {
      const k = model + SEP + project;
      requestsBy.set(k, (requestsBy.get(k) ?? 0) + m.n - m.apiErrors);
    }
  }
  const requests: NumberPoint[] = [...requestsBy].map(([k, value]) => {
    const [model, project] = split(k) as [string, string];
    return { attributes: { model, project, user }, value };
  });
  // Hook estimates (sessions with no transcript here) are gauges, never counter points: once the
  // transcript arrives the estimate is gone and the exact numbers count, and a counter that gave the
  // estimate back would read as a reset (rate() and increase() would count everything again). So
  // the counters carry exact numbers only, and summing a gauge with a counter takes intent.
  const estimated = { user, estimated: 'true' };
  const estTokens = [...s.estTokens].map(([key, value]) => {
    const [type, project] = split(key) as [string, string];
    return { attributes: { type, project, ...estimated }, value };
  });
  const estCost = [...s.estCost].map(([project, nanos]) => ({ attributes: { project, ...estimated }, value: nanos / NANOS_PER_USD }));
  const estPrompts = [...s.estPrompts].map(([project, value]) => ({ attributes: { project, ...estimated }, value }));
  const notifications = [...s.notifications].map(([k, value]) => {
    const [type, project] = split(k) as [string, string];
    return { attributes: { type, project, user }, value };
  });
  const permissions = [...s.permissions].map(([k, value]) => {
    const [tool, outcome, project] = split(k) as [string, string, string];
    return { attributes: { tool, outcome, project, user }, value };
  });
  const byProject = (c: Map<string, number>): NumberPoint[] => [...c].map(([project, value]) => ({ attributes: { project, user }, value }));
  const toolCalls = [...s.toolCalls].map(([k, value]) => {
    const [tool, outcome, project] = split(k) as [string, string, string];
    return { attributes: { tool, outcome, project, user }, value };
  });
  const pending = [...s.pending].map(([k, value]) => {
    const [tool, project] = split(k) as [string, string];
    return { attributes: { tool, project, user }, value };
  });
  const sensitive = [...s.sensitive].map(([k, value]) => {
    const [rule, severity, tool, project] = split(k) as [string, string, string, string];
    return { attributes: { rule, severity, tool, project, user }, value };
  });
  const distinct = (m: Map<string, Map<string, number>>): NumberPoint[] => [...m].map(([project, members]) => ({ attributes: { project, user }, value: members.size }));
  const toolDuration = [...s.toolDuration].map(([tool, h]) => histPoint({ tool }, h, TOOL_DURATION_BOUNDARIES, 1000));
  const perRequest = [...s.perRequest].map(([k, h]) => {
    const [model, type] = split(k) as [string, string];
    return histPoint({ model, type }, h, TOKEN_BOUNDARIES, 1);
  });

  // Every period gets a point even with no cost in it, so "today" drops to 0 at local midnight
  // instead of a stale series keeping yesterday's value.
  const periods = BUDGET_PERIODS.map((p) => namedRange(p, nowMs, timezone));
  const spent = fold.budget(periods.map((r) => [r.startMs, r.endMs]));
  const budget: NumberPoint[] = [];
  const budgetTotal: NumberPoint[] = [];
  BUDGET_PERIODS.forEach((period, i) => {
    let total = 0;
    for (const project of costProjects) {
      const nanos = spent.get(project)?.[i] ?? 0;
      total += nanos;
      budget.push({ attributes: { period, project, user }, value: nanos / NANOS_PER_USD });
    }
    if (costProjects.size > 0) budgetTotal.push({ attributes: { period, user }, value: total / NANOS_PER_USD });
  });

  const recent = sessionGaugePoints(fold, nowMs, user, opts.recentSessions ?? DEFAULT_RECENT_SESSIONS);

  const counter = (name: string, unit: string, description: string, points: NumberPoint[], integer = true): NumberMetric => ({ name, description, unit, integer, kind: 'counter', points: sorted(points) });
  const gauge = (name: string, unit: string, description: string, points: NumberPoint[], integer = false): NumberMetric => ({ name, description, unit, integer, kind: 'gauge', points: sorted(points) });
  const histogram = (name: string, unit: string, description: string, points: HistogramPoint[], integer: boolean): HistogramMetric => ({ name, description, unit, integer, kind: 'histogram', points: sorted(points) });

  return [
    counter(METRIC.tokenUsage, '{token}', 'Tokens used by Claude Code model calls, by token type (input, output, cache_read, cache_creation; cache writes split by cache_ttl 5m/1h) and agent (main, or the subagent type).', tokens),
    counter(METRIC.costUsage, 'USD', 'Cost of Claude Code model calls in US dollars, computed from the price table (as ccotel stats), by agent (main, or the subagent type).', cost, false),
    counter(METRIC.cacheSavings, 'USD', 'What prompt caching saved in US dollars: cache-read tokens at the input price minus their cache-read price.', savings, false),
    counter(METRIC.toolCalls, '{call}', 'Completed tool calls by outcome (success or error).', toolCalls),
    gauge(METRIC.toolCallsPending, '{call}', 'Tool calls without a result yet (running, or interrupted).', pending, true),
    counter(METRIC.modelRequests, '{request}', 'Model API requests (deduplicated responses), excluding API errors.', requests),
    counter(METRIC.apiErrors, '{error}', 'Model API errors recorded in the transcripts.', byProject(s.apiErrors)),
    counter(METRIC.sessions, '{session}', 'Distinct Claude Code sessions with activity in the project.', distinct(s.sessions)),
    counter(METRIC.subagents, '{agent}', 'Distinct subagents (Task) run in the project.', distinct(s.subagents)),
    counter(METRIC.prompts, '{prompt}', 'User prompts (subagent inputs excluded).', byProject(s.prompts)),
    counter(METRIC.compactions, '{compaction}', 'Context compactions.', byProject(s.compactions)),
    counter(METRIC.sensitiveHits, '{hit}', 'Sensitive-action rule hits (one per rule per tool call), by rule and severity (docs/security.md).', sensitive),
    histogram(METRIC.toolDuration, 's', 'Duration of completed tool calls (tool_use to tool_result, event time).', toolDuration, false),
    histogram(METRIC.tokensPerRequest, '{token}', 'Tokens per model request and token type (GenAI gen_ai.client.token.usage buckets).', perRequest, true),
    gauge(METRIC.budgetCost, 'USD', 'Cost so far in the current calendar period (today, week from Monday, month) in the configured time zone, by event time.', budget),
    gauge(METRIC.budgetCostTotal, 'USD', 'Cost so far in the current calendar period in the configured time zone, all projects.', budgetTotal),
    counter(METRIC.permissionRequests, '{request}', 'Permission requests reported by the PermissionRequest hook, by tool and outcome (unknown when the hook does not say).', permissions),
    counter(METRIC.notifications, '{notification}', 'Notifications reported by the Notification hook, by notification type.', notifications),
    gauge(METRIC.tokenEstimate, '{token}', 'Tokens estimated from hook payloads (~4 characters a token) of sessions with no transcript here yet; drops when the transcript arrives.', estTokens, true),
    gauge(METRIC.costEstimate, 'USD', 'Cost of the estimated tokens (Sonnet prices) of sessions with no transcript here yet; drops when the transcript arrives.', estCost),
    gauge(METRIC.promptsEstimate, '{prompt}', 'Prompts seen only by the UserPromptSubmit hook (sessions with no transcript here yet); drops when the transcript arrives.', estPrompts, true),
    gauge(METRIC.lastEventTimestamp, 's', 'Newest event time in the ledger, seconds since the Unix epoch.', Number.isFinite(s.lastEventMs) ? [{ attributes: { user }, value: s.lastEventMs / 1000 }] : []),
    gauge(METRIC.lastExportTimestamp, 's', 'Wall-clock time of this export by a running ccotel daemon (its heartbeat), seconds since the Unix epoch.', opts.heartbeat ? [{ attributes: { user }, value: nowMs / 1000 }] : []),
    gauge(METRIC.sessionCost, 'USD', 'Cost of each recent session (last event within the configured window, the newest N), exact transcript costs.', recent.cost),
    gauge(METRIC.sessionTokens, '{token}', 'Tokens of each recent session, all four types (input, output, cache_read, cache_creation).', recent.tokens, true),
    gauge(METRIC.sessionToolCalls, '{call}', 'Tool calls of each recent session (subagents included, pending calls included).', recent.toolCalls, true),
    gauge(METRIC.sessionToolErrors, '{error}', 'Tool calls of each recent session whose result was an error.', recent.toolErrors, true),
    gauge(METRIC.sessionSubagents, '{agent}', 'Distinct subagents run by each recent session.', recent.subagents, true),
    gauge(METRIC.sessionPrompts, '{prompt}', 'User prompts of each recent session (subagent inputs excluded).', recent.prompts, true),
  ];
}
