// Recent-session gauges: cost, tokens, tool calls, tool errors, subagents and prompts of each of the
// sessions whose last event is within a window of the collection time, at most `max` of them (the
// newest). Per-session labels would be unbounded on a counter; here the label set is bounded by
// `max` (default 50) at any moment, and a session that leaves the window simply stops being
// reported (a gauge: Prometheus marks it stale). `trace_id` is the session's deterministic trace id
// (src/export/traces/ids.ts), 1:1 with `session_id`, so it adds no series, and a dashboard can link
// the numbers to the session's trace.
//
// Cost of a collection: O(recent sessions), not O(all sessions). Candidates come from the fold's
// 15-minute time buckets (cells), which already record which sessions had activity (model call,
// tool call or user prompt) in each bucket: the buckets overlapping the window (plus LOOKBACK_MS
// before it, for a tool call started earlier whose result lands in the window) are looked up by
// slot number, at most min(slots in the range, non-empty slots) lookups. Each candidate is then
// kept when its summary's lastTs (src/fold/session-summary.ts) is in the window. A full scan of
// the summaries would cost one pass over every session ever seen at every collection (10 s): fine
// for hundreds, not for a 50k-session history, and it is not needed (bench/session-gauges.ts,
// 50k sessions over a year: ~0.02 ms for the bucket lookup, ~3 ms for a scan and sort of all).
import type { Fold } from '../../fold/fold.js';
import { NANOS_PER_USD, projectOf } from '../../fold/facts.js';
import { slotOf } from '../../fold/slot.js';
import type { SessionTotals } from '../../fold/session-summary.js';
import { traceIdFor } from '../traces/ids.js';
import type { FileConfig } from '../../config/schema.js';

export interface RecentSessionOptions {
  /** A session is reported while its last event is at most this old (ms before the collection time). */
  windowMs: number;
  /** At most this many sessions (the newest by last event); 0 turns the gauges off. */
  max: number;
}

export const DEFAULT_RECENT_SESSIONS: RecentSessionOptions = { windowMs: 24 * 3_600_000, max: 50 };

/** The options from the config file's `recentSessions` (docs/config.md). */
export const recentSessionOptions = (config: FileConfig): RecentSessionOptions => ({ windowMs: config.recentSessions.windowHours * 3_600_000, max: config.recentSessions.max });

/**
 * A session whose last activity started this long before the window and whose last event (a tool
 * result) lies inside it is still found. Longer tool calls ending a session are left out.
 */
export const LOOKBACK_MS = 3_600_000;

/** The sessions to report at `nowMs`, newest last event first (ties by session id). */
export function recentSessionTotals(fold: Fold, nowMs: number, o: RecentSessionOptions): SessionTotals[] {
  if (o.max <= 0 || fold.sessions.size === 0) return [];
  const startMs = nowMs - o.windowMs;
  const from = slotOf(startMs - LOOKBACK_MS);
  // Events stamped after the collection time (another machine's clock) are recent too.
  const newest = fold.series.lastEventMs;
  const to = slotOf(Number.isFinite(newest) ? Math.max(nowMs, newest) : nowMs);
  const ids = new Set<string>();
  const take = (slot: number): void => {
    const bySlot = fold.cells.get(slot);
    if (bySlot) for (const cell of bySlot.values()) for (const id of cell.sessions.keys()) ids.add(id);
  };
  if (to - from + 1 <= fold.cells.size) for (let slot = from; slot <= to; slot++) take(slot);
  else for (const slot of fold.cells.keys()) if (slot >= from && slot <= to) take(slot);
  const out: SessionTotals[] = [];
  for (const id of ids) {
    const s = fold.sessions.get(id);
    if (s && s.lastTs >= startMs) out.push(s);
  }
  return out.sort((a, b) => b.lastTs - a.lastTs || (a.sessionId < b.sessionId ? -1 : a.sessionId > b.sessionId ? 1 : 0)).slice(0, o.max);
}

export interface SessionGaugePoints {
  cost: Point[];
  tokens: Point[];
  toolCalls: Point[];
  toolErrors: Point[];
  subagents: Point[];
  prompts: Point[];
}
interface Point {
  attributes: Record<string, string>;
  value: number;
}

/** The points of every recent-session gauge; labels session_id, project, user, trace_id. */
export function sessionGaugePoints(fold: Fold, nowMs: number, user: string, o: RecentSessionOptions): SessionGaugePoints {
  const out: SessionGaugePoints = { cost: [], tokens: [], toolCalls: [], toolErrors: [], subagents: [], prompts: [] };
  for (const s of recentSessionTotals(fold, nowMs, o)) {
    const attributes = { session_id: s.sessionId, project: projectOf(s.cwd), user, trace_id: traceIdFor(s.sessionId) };
    out.cost.push({ attributes, value: s.nanoUsd / NANOS_PER_USD });
    out.tokens.push({ attributes, value: s.tokens });
    out.toolCalls.push({ attributes, value: s.toolCalls });
    out.toolErrors.push({ attributes, value: s.toolErrors });
    out.subagents.push({ attributes, value: s.subagents.size });
    out.prompts.push({ attributes, value: s.prompts });
  }
  return out;
}
