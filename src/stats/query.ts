// `ccotel stats` answered by the running daemon (query/server.ts) from the fold it keeps current:
// the report a local read would give, without walking the transcripts or loading the state. The
// daemon declines (and the command reads the state itself) when it prices calls with another table
// or the range is off its aggregates' 15-minute grid (only the ledger answers that exactly).
import { Declined, isWireMs, NOT_A_QUESTION } from '../query/wire.js';
import { onSlotGrid } from '../fold/slot.js';
import type { Fold } from '../fold/fold.js';
import type { FileCheckpoint } from '../sources/checkpoint.js';
import type { TimeRange } from '../calendar/time-range.js';
import { buildReport } from './report.js';
import { inputSummary } from './input-summary.js';
import { emptyReportHint } from './empty-range-hint.js';
import type { StatsAnswer, StatsQuestion } from './question.js';

export interface DaemonView {
  fold: Fold;
  checkpoints: Readonly<Record<string, FileCheckpoint>>;
  /** The transcripts that exist now (the watcher's view). */
  present: { has(path: string): boolean };
}

export function answerStats(raw: Record<string, unknown>, d: DaemonView): StatsAnswer {
  const q = raw as Partial<StatsQuestion>;
  const text = (x: unknown): x is string => typeof x === 'string' && x.length <= 200;
  if (!isWireMs(q.startMs) || !isWireMs(q.endMs) || !text(q.label) || !text(q.timezone) || !text(q.prices) || !(q.project === undefined || text(q.project)) || typeof q.nowMs !== 'number' || !Number.isFinite(q.nowMs)) throw new Declined(NOT_A_QUESTION);
  if (q.prices !== d.fold.pricer.fingerprint) throw new Declined('the daemon prices calls with another table');
  const range: TimeRange = { startMs: q.startMs ?? -Infinity, endMs: q.endMs ?? Infinity, label: q.label };
  if (!onSlotGrid(range.startMs, range.endMs)) throw new Declined("the range is off the daemon's 15-minute aggregates");
  const present = Object.keys(d.checkpoints).filter((p) => d.present.has(p));
  const report = buildReport(d.fold, { range, timezone: q.timezone, project: q.project }, inputSummary(present, d.checkpoints, d.fold));
  return { op: 'stats', report, hint: emptyReportHint(report, d.fold.sessions, range, q.nowMs, q.timezone, q.project) };
}
