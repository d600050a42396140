// What `ccotel stats` says when the range it was asked for has no activity: when the last activity
// was, and the smallest range that holds it (a first run on a quiet day otherwise shows $0.00 and
// nothing to go on).
import { localDay, namedRange, type RangeName, type TimeRange } from '../calendar/time-range.js';
import type { Ledger } from '../state/ledger.js';

export function emptyRangeHint(ledger: Ledger, range: TimeRange, nowMs: number, tz: string, project?: string): string | undefined {
  let last = -Infinity;
  let inRange = false;
  for (const r of ledger.usage.values()) {
    if (project !== undefined && !r.cwd.includes(project)) continue;
    if (r.ts >= range.startMs && r.ts < range.endMs) inRange = true;
    if (r.ts > last) last = r.ts;
  }
  // Nothing at all (or no such project): the report says so; there is no better range to offer.
  if (inRange || last === -Infinity) return undefined;
  const scope = project !== undefined ? ` in projects matching "${project}"` : '';
  const when = `${localDay(last, tz)} ${new Date(last).toLocaleTimeString('en-GB', { timeZone: tz, hour: '2-digit', minute: '2-digit' })}`;
  const suggestion = (['week', 'month'] as RangeName[]).find((n) => {
    const r = namedRange(n, nowMs, tz);
    return last >= r.startMs && last < r.endMs && !(r.startMs === range.startMs && r.endMs === range.endMs);
  });
  const hint = suggestion ? `--range ${suggestion}` : `--range all (or --since ${localDay(last, tz)})`;
  return `no activity ${range.label}${scope}; the last was on ${when} (${tz}): try ${hint}`;
}
