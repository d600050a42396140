// The `ccotel stats` question on the daemon's query socket and its answer (stats/query.ts answers
// it). Light: the asking command loads only this.
import type { TimeRange } from '../calendar/time-range.js';
import type { StatsReport } from './report.js';
import { toWireMs } from '../query/wire.js';

/** On the wire, open ends of a range (±Infinity, which JSON lacks) are null. */
export interface StatsQuestion {
  op: 'stats';
  startMs: number | null;
  endMs: number | null;
  label: string;
  timezone: string;
  project?: string;
  /** The asker's price table (Pricer.fingerprint): the daemon answers only with the same. */
  prices: string;
  nowMs: number;
}

export interface StatsAnswer {
  op: 'stats';
  report: StatsReport;
  /** Why the range is empty, when it is (stats/empty-range-hint.ts). */
  hint?: string;
}

export function statsQuestion(range: TimeRange, timezone: string, project: string | undefined, prices: string, nowMs: number): StatsQuestion {
  return { op: 'stats', startMs: toWireMs(range.startMs), endMs: toWireMs(range.endMs), label: range.label, timezone, project, prices, nowMs };
}
