// The counting rules, written once. Each ledger record becomes one fact; the fold's time buckets
// (for `stats`) and its all-time series (for metrics) both consume facts, never raw records, so a
// rule changed here changes both.
import type { LedgerChange } from '../state/ledger.js';
import type { Pricer } from '../pricing/cost.js';
import { usageTotal } from '../model/normalize.js';
import { isFileEdit } from '../model/tool-target.js';
import { AGENT_MAIN, AGENT_UNKNOWN } from '../model/agent-type.js';
import type { UsageRecord } from '../state/ledger.js';

/**
 * Cost is kept in whole nano-dollars: embedded prices are multiples of $0.01 per million tokens
 * ($1e-8 a token), so every call's cost is exact, sums do not depend on order, and subtracting a
 * replaced copy can never leave a counter a rounding error below where it was.
 */
export const NANOS_PER_USD = 1e9;

/** Label value for records without a cwd. */
export const UNKNOWN_PROJECT = 'unknown';
/** The metrics' `project` label of a cwd. */
export const projectOf = (cwd: string): string => cwd || UNKNOWN_PROJECT;

interface Base {
  ts: number;
  cwd: string;
  sessionId: string;
}

/** A deduplicated model call (the largest copy of a response). */
export interface CallFact extends Base {
  kind: 'call';
  agentId?: string;
  key: string;
  model: string;
  input: number;
  output: number;
  cacheCreation: number;
  /** The part of cacheCreation written to the 1-hour cache. */
  cacheCreation1h: number;
  cacheRead: number;
  total: number;
  nanoUsd: number;
  /** What its cache reads saved against the input price (nano-USD, Pricer.cacheSavings). */
  savedNanoUsd: number;
  /** The `agent` label (src/model/agent-type.ts). */
  agent: string;
  /** API errors are not requests (but still calls of their model in `stats`). */
  apiError: boolean;
  /** False: the price table has no price for the model (counted as $0). */
  priced: boolean;
}

export interface ToolFact extends Base {
  kind: 'tool';
  agentId?: string;
  name: string;
  /** Pending until both the result time and its error flag are known. */
  outcome: 'pending' | 'success' | 'error';
  isError: boolean;
  endTs?: number;
  /** tool_use to tool_result in whole milliseconds, for completed calls. */
  durationMs?: number;
  /** The quality signal the call feeds, if any. */
  quality?: { kind: 'read' | 'failing' | 'edit'; key: string };
}

/** `user: false` for a subagent's input prompt (the parent's Task input, not something a user typed). */
export interface PromptFact extends Base {
  kind: 'prompt';
  user: boolean;
}

export interface CompactionFact extends Base {
  kind: 'compaction';
}

/**
 * What hooks alone say about a session with no transcript here: estimated tokens and cost, and its
 * hook prompts. A superseded record (the transcript arrived) gives all zeros, so the estimate gauges
 * keep a 0 point for its project instead of a stale last value (series.ts).
 */
export interface EstimateFact extends Base {
  kind: 'estimate';
  input: number;
  output: number;
  nanoUsd: number;
  prompts: number;
}

/** A notification or permission request reported by a hook. */
export interface HookFact extends Base {
  kind: 'hook';
  what: 'notification' | 'permission';
  a: string;
  b: string;
}


/**
 * Estimates are priced as this model (the monitoring guide's Sonnet rates; CLAUDE_RATE_INPUT and
 * CLAUDE_RATE_OUTPUT replace them like every price): hooks do not say which model ran.
 */
export const ESTIMATE_PRICE_MODEL = 'claude-sonnet-4-5';
/** A sensitive-action rule hit (one per rule per tool call). */
export interface HitFact extends Base {
  kind: 'hit';
  rule: string;
  severity: string;
  tool: string;
}

export type Fact = CallFact | ToolFact | PromptFact | CompactionFact | HitFact | EstimateFact | HookFact;

/** Separator inside composite keys (never in a path, session id or model name). */
export const SEP = '\0';

/** A usage record's `agent` label; records stored before labels existed: main, or unknown for a subagent. */
export const agentLabelOf = (r: UsageRecord): string => r.agentType ?? (r.agentId ? AGENT_UNKNOWN : AGENT_MAIN);

export function factOf(c: LedgerChange, which: 'prev' | 'next', pricer: Pricer): Fact | undefined {
  switch (c.type) {
    case 'usage': {
      const r = c[which];
      if (!r) return undefined;
      const u = r.usage;
      const { usd, priced } = pricer.cost(r.model, u, r.apiError);
      const savedNanoUsd = Math.round(pricer.cacheSavings(r.model, u, r.apiError) * NANOS_PER_USD);
      return { kind: 'call', ts: r.ts, cwd: r.cwd, sessionId: r.sessionId, agentId: r.agentId, key: r.key, model: r.model, input: u.input, output: u.output, cacheCreation: u.cacheCreation, cacheCreation1h: u.cacheCreation1h, cacheRead: u.cacheRead, total: usageTotal(u), nanoUsd: Math.round(usd * NANOS_PER_USD), savedNanoUsd, agent: agentLabelOf(r), apiError: r.apiError, priced };
    }
    case 'tool': {
      const t = c[which];
      if (!t) return undefined;
      const done = t.endTs !== undefined && t.isError !== undefined;
      const isError = t.isError === true;
      let quality: ToolFact['quality'];
      if (t.target) {
        if (t.name === 'Read') quality = { kind: 'read', key: t.sessionId + SEP + t.target };
        else if (t.name === 'Bash' && isError) quality = { kind: 'failing', key: t.target };
        else if (isFileEdit(t.name)) quality = { kind: 'edit', key: t.target };
      }
      return { kind: 'tool', ts: t.ts, cwd: t.cwd, sessionId: t.sessionId, agentId: t.agentId, name: t.name, outcome: done ? (isError ? 'error' : 'success') : 'pending', isError, endTs: t.endTs, durationMs: done ? Math.max(0, t.endTs! - t.ts) : undefined, quality };
    }
    case 'prompt': {
      const p = c[which];
      if (!p) return undefined;
      // A hook's prompt is an estimate (the prompts gauge, not the counter): the transcript's own
      // prompt counts instead once it arrives, and a counter must never give one back.
      if (p.est) return { kind: 'estimate', ts: p.ts, cwd: p.cwd, sessionId: p.sessionId, input: 0, output: 0, nanoUsd: 0, prompts: p.est === 1 && !p.agentId ? 1 : 0 };
      return { kind: 'prompt', ts: p.ts, cwd: p.cwd, sessionId: p.sessionId, user: !p.agentId };
    }
    case 'estimate': {
      const r = c[which];
      if (!r) return undefined;
      if (r.est === 2) return { kind: 'estimate', ts: r.ts, cwd: r.cwd, sessionId: r.sessionId, input: 0, output: 0, nanoUsd: 0, prompts: 0 };
      const u = { input: r.input, output: r.output, cacheCreation: 0, cacheCreation1h: 0, cacheSplit: false, cacheRead: 0, fast: false };
      return { kind: 'estimate', ts: r.ts, cwd: r.cwd, sessionId: r.sessionId, input: r.input, output: r.output, nanoUsd: Math.round(pricer.cost(ESTIMATE_PRICE_MODEL, u, false).usd * NANOS_PER_USD), prompts: 0 };
    }
    case 'hook': {
      const r = c.next;
      if (which === 'prev') return undefined;
      return { kind: 'hook', ts: r.ts, cwd: r.cwd, sessionId: r.sessionId, what: r.what, a: r.a, b: r.b ?? 'unknown' };
    }
    case 'compaction': {
      const r = c.next;
      if (which === 'prev') return undefined;
      return { kind: 'compaction', ts: r.ts, cwd: r.cwd, sessionId: r.sessionId };
    }
    case 'hit': {
      const h = c.next;
      if (which === 'prev') return undefined;
      return { kind: 'hit', ts: h.ts, cwd: h.cwd, sessionId: h.sessionId, rule: h.rule, severity: h.severity, tool: h.tool };
    }
  }
}

/**
 * The session (and subagent, as `session/agent`) a fact shows active: model calls, tool calls and
 * user prompts do; compactions and subagent input prompts do not.
 */
export interface Activity {
  session: string;
  agent?: string;
}

export function activityOf(f: Fact): Activity | undefined {
  if (f.kind === 'call' || f.kind === 'tool') return { session: f.sessionId, agent: f.agentId ? `${f.sessionId}/${f.agentId}` : undefined };
  if (f.kind === 'prompt' && f.user) return { session: f.sessionId };
  return undefined;
}

/** Latest event time a fact carries (a tool's result time counts). */
export const latestTs = (f: Fact): number => (f.kind === 'tool' && f.endTs !== undefined ? Math.max(f.ts, f.endTs) : f.ts);
