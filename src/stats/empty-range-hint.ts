// What `ccotel stats` says when the range it was asked for has no activity: when the last activity
// was, and the smallest range that holds it (a first run on a quiet day otherwise shows $0.00 and
// nothing to go on).
import { localDay, localMinute, namedRange, type RangeName, type TimeRange } from '../calendar/time-range.js';
import type { SessionSummaries } from '../fold/session-summary.js';
import type { StatsReport } from './report.js';

/** The hint for a report whose range shows no activity (no call, error, tool call or prompt); else undefined. */
export function emptyReportHint(report: Pick<StatsReport, 'requests' | 'apiErrors' | 'operations' | 'prompts'>, sessions: SessionSummaries, range: TimeRange, nowMs: number, tz: string, project?: string): string | undefined {
  const empty = report.requests + report.apiErrors + report.operations + report.prompts === 0;
  return empty ? emptyRangeHint(sessions, range, nowMs, tz, project) : undefined;
}

/**
 * From the fold's per-session totals (a session's latest event and cwd), so an empty range costs
 * no more than a full one: reading the ledger for this took a warm `stats` 200 ms on 145k records.
 */
function emptyRangeHint(sessions: SessionSummaries, range: TimeRange, nowMs: number, tz: string, project?: string): string | undefined {
  let last = -Infinity;
  let inRange = false;
  for (const s of sessions.values()) {
    if (project !== undefined && !s.cwd.includes(project)) continue;
    if (s.lastTs >= range.startMs && s.lastTs < range.endMs) inRange = true;
    if (s.lastTs > last) last = s.lastTs;
  }
  // Nothing at all (or no such project): the report says so; there is no better range to offer.
  if (inRange || last === -Infinity) return undefined;
  const scope = project !== undefined ? ` in projects matching "${project}"` : '';
  const when = localMinute(last, tz);
  const suggestion = (['week', 'month'] as RangeName[]).find((n) => {
    const r = namedRange(n, nowMs, tz);
    return last >= r.startMs && last < r.endMs && !(r.startMs === range.startMs && r.endMs === range.endMs);
  });
  const hint = suggestion ? `--range ${suggestion}` : `--range all (or --since ${localDay(last, tz)})`;
  return `no activity ${range.label}${scope}; the last was on ${when} (${tz}): try ${hint}`;
}
