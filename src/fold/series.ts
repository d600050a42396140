// The all-time side of the fold: one entry per metric series (label set), so a collection costs
// O(series). Keys join label values with SEP; the metrics sink turns them into attributes.
import { bump, entry, type Counts } from './counts.js';
import { activityOf, projectOf, SEP, type Activity, type CallFact, type Fact } from './facts.js';
import { newHist, observe, TOKEN_BOUNDARIES, TOOL_DURATION_BOUNDARIES, type Hist } from './histogram.js';
import { addModel, newModelTotals, type ModelTotals } from './cell.js';

export const TOKEN_TYPES = ['input', 'output', 'cache_read', 'cache_creation'] as const;
export type TokenType = (typeof TOKEN_TYPES)[number];

export const tokenOf = (f: CallFact, type: TokenType): number => (type === 'input' ? f.input : type === 'output' ? f.output : type === 'cache_read' ? f.cacheRead : f.cacheCreation);

/** A call waiting for the settle window before it enters the per-request histogram. */
export interface Unsettled {
  ts: number;
  model: string;
  tokens: number[];
}

export interface Series {
  /** By model + SEP + project + SEP + agent label. */
  calls: Map<string, ModelTotals>;
  /** By project. */
  apiErrors: Counts;
  /** By tool + SEP + outcome + SEP + project (completed calls). */
  toolCalls: Counts;
  /** By tool + SEP + project. */
  pending: Counts;
  prompts: Counts;
  compactions: Counts;
  /** Sensitive-action rule hits by rule + SEP + severity + SEP + tool + SEP + project. */
  sensitive: Counts;
  /** Project → distinct sessions / `session/agent`. */
  sessions: Map<string, Counts>;
  subagents: Map<string, Counts>;
  /** By tool; sums in milliseconds. */
  toolDuration: Map<string, Hist>;
  /** By model + SEP + token type; calls enter once settled. */
  perRequest: Map<string, Hist>;
  /** Calls not yet settled, by ledger key. */
  unsettled: Map<string, Unsettled>;
  /** Calls at or before this event time are settled (moves forward only). */
  settledUpTo: number;
  /** Models without a price, by call count (all time). */
  unpriced: Counts;
  /** Newest event time seen (never moves back). */
  lastEventMs: number;
  /**
   * Hook estimates of sessions still without a transcript (gauges: they drop when it arrives):
   * tokens by type + SEP + project, cost (nano-USD) and hook prompts by project. A project keeps
   * its entries at 0 once it had any, so the gauges fall to 0 rather than go stale.
   */
  estTokens: Counts;
  estCost: Counts;
  estPrompts: Counts;
  /** Hook notifications by type + SEP + project; permission requests by tool + SEP + outcome + SEP + project. */
  notifications: Counts;
  permissions: Counts;
}

export const newSeries = (): Series => ({
  calls: new Map(),
  apiErrors: new Map(),
  toolCalls: new Map(),
  pending: new Map(),
  prompts: new Map(),
  compactions: new Map(),
  sensitive: new Map(),
  sessions: new Map(),
  subagents: new Map(),
  toolDuration: new Map(),
  perRequest: new Map(),
  unsettled: new Map(),
  settledUpTo: -Infinity,
  unpriced: new Map(),
  lastEventMs: -Infinity,
  estTokens: new Map(),
  estCost: new Map(),
  estPrompts: new Map(),
  notifications: new Map(),
  permissions: new Map(),
});

/** `a`: the fact's activityOf, when the caller has it already. */
export function addToSeries(s: Series, f: Fact, sign: 1 | -1, a: Activity | undefined = activityOf(f)): void {
  const project = projectOf(f.cwd);
  if (sign > 0) s.lastEventMs = Math.max(s.lastEventMs, f.kind === 'tool' && f.endTs !== undefined ? Math.max(f.ts, f.endTs) : f.ts);
  if (a) {
    countIn(s.sessions, project, a.session, sign);
    if (a.agent) countIn(s.subagents, project, a.agent, sign);
  }
  switch (f.kind) {
    case 'call': {
      const k = f.model + SEP + project + SEP + f.agent;
      const m = entry(s.calls, k, newModelTotals);
      addModel(m, f, sign);
      if (m.n === 0) s.calls.delete(k);
      if (!f.priced) bump(s.unpriced, f.model, sign);
      if (f.apiError) bump(s.apiErrors, project, sign);
      else perRequest(s, f, sign);
      return;
    }
    case 'tool':
      if (f.outcome === 'pending') {
        bump(s.pending, f.name + SEP + project, sign);
        return;
      }
      bump(s.toolCalls, f.name + SEP + f.outcome + SEP + project, sign);
      histogram(s.toolDuration, f.name, TOOL_DURATION_BOUNDARIES, f.durationMs!, 1000, sign);
      return;
    case 'prompt':
      if (f.user) bump(s.prompts, project, sign);
      return;
    case 'compaction':
      bump(s.compactions, project, sign);
      return;
    case 'estimate':
      level(s.estTokens, 'input' + SEP + project, sign * f.input);
      level(s.estTokens, 'output' + SEP + project, sign * f.output);
      level(s.estCost, project, sign * f.nanoUsd);
      level(s.estPrompts, project, sign * f.prompts);
      return;
    case 'hook':
      if (f.what === 'notification') bump(s.notifications, f.a + SEP + project, sign);
      else bump(s.permissions, f.a + SEP + f.b + SEP + project, sign);
      return;
    case 'hit':
      bump(s.sensitive, f.rule + SEP + f.severity + SEP + f.tool + SEP + project, sign);
      return;
  }
}

/** Like bump(), but an entry stays at 0 (a gauge's last point must read 0, not vanish). */
function level(m: Counts, key: string, by: number): void {
  m.set(key, (m.get(key) ?? 0) + by);
}

function countIn(m: Map<string, Counts>, project: string, member: string, sign: number): void {
  let c = m.get(project);
  if (c === undefined) m.set(project, (c = new Map()));
  bump(c, member, sign);
  if (c.size === 0) m.delete(project);
}

function histogram(m: Map<string, Hist>, key: string, bounds: readonly number[], units: number, scale: number, sign: 1 | -1): void {
  let h = m.get(key);
  if (h === undefined) m.set(key, (h = newHist(bounds)));
  observe(h, bounds, units, scale, sign);
  if (h.count === 0) m.delete(key);
}

// The per-request histogram keys of a model (model + SEP + token type), built once per model name.
const requestKeys = new Map<string, string[]>();
function requestKeysOf(model: string): string[] {
  let k = requestKeys.get(model);
  if (k === undefined) {
    if (requestKeys.size > 10_000) requestKeys.clear();
    requestKeys.set(model, (k = TOKEN_TYPES.map((t) => model + SEP + t)));
  }
  return k;
}

/**
 * Streaming writes several copies of a response with growing usage; moving a call to a higher
 * bucket after it was counted would lower a cumulative bucket. So a call enters the per-request
 * histogram only once its event time is settled (see settle()).
 */
function perRequest(s: Series, f: CallFact, sign: 1 | -1): void {
  if (sign < 0 && s.unsettled.delete(f.key)) return;
  if (sign > 0 && f.ts > s.settledUpTo) {
    s.unsettled.set(f.key, { ts: f.ts, model: f.model, tokens: TOKEN_TYPES.map((t) => tokenOf(f, t)) });
    return;
  }
  const keys = requestKeysOf(f.model);
  for (let i = 0; i < TOKEN_TYPES.length; i++) histogram(s.perRequest, keys[i]!, TOKEN_BOUNDARIES, tokenOf(f, TOKEN_TYPES[i]!), 1, sign);
}

/** Moves the settle line to `upTo` (never back) and lets the calls behind it into the histogram. */
export function settle(s: Series, upTo: number): void {
  if (!(upTo > s.settledUpTo)) return;
  s.settledUpTo = upTo;
  for (const [key, u] of s.unsettled) {
    if (u.ts > upTo) continue;
    s.unsettled.delete(key);
    const keys = requestKeysOf(u.model);
    for (let i = 0; i < TOKEN_TYPES.length; i++) histogram(s.perRequest, keys[i]!, TOKEN_BOUNDARIES, u.tokens[i]!, 1, 1);
  }
}
