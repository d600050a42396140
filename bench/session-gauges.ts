// What one collection of the recent-session gauges costs with many sessions in the fold:
// `node --import tsx bench/session-gauges.ts [sessions=50000]`. N sessions spread evenly over a
// year (each a prompt and a model call), 24 h window, max 50: the time-bucket lookup the gauges use
// (src/export/metrics/session-gauges.ts) beside a full scan + sort of every session summary, and a
// whole collection (metricData) for scale. Printed as figures; no target is asserted.
import { Ledger } from '../src/state/ledger.js';
import { Pricer } from '../src/pricing/cost.js';
import { EMBEDDED_PRICES } from '../src/pricing/price-table.js';
import { Fold } from '../src/fold/fold.js';
import { recentSessionTotals } from '../src/export/metrics/session-gauges.js';
import { recentSessions } from '../src/fold/session-summary.js';
import { metricData } from '../src/export/metrics/ledger-metrics.js';
const N = Number(process.argv[2] ?? 50000);
const NOW = Date.parse('2026-11-25T12:00:00Z');
const YEAR = 365 * 86400000;
const ledger = new Ledger();
for (let i = 0; i < N; i++) {
  const ts = NOW - YEAR + Math.floor((i / N) * YEAR);
  const ctx = { sessionId: `s${i}`, cwd: `/p/${i % 20}` };
  ledger.apply({ kind: 'prompt', ctx, ts, uuid: `p${i}`, chars: 3 } as never);
  ledger.apply({ kind: 'model_call', ctx, ts: ts + 1000, key: `m${i}`, messageId: `m${i}`, model: 'claude-sonnet-4-5-20250929', usage: { input: 10, output: 20, cacheCreation: 0, cacheCreation1h: 0, cacheSplit: false, cacheRead: 0, fast: false }, apiError: false } as never);
}
const fold = Fold.of(ledger, { pricer: new Pricer(EMBEDDED_PRICES), clock: () => NOW });
const o = { windowMs: 86400000, max: 50 };
/** Median of n runs, ms (the machine may be busy: the median is steadier than the mean). */
const time = (f: () => unknown, n = 51): number => {
  f();
  const t: number[] = [];
  for (let i = 0; i < n; i++) {
    const s = performance.now();
    f();
    t.push(performance.now() - s);
  }
  return t.sort((a, b) => a - b)[n >> 1]!;
};
console.log(`sessions ${fold.sessions.size}; recent in 24h: ${recentSessionTotals(fold, NOW, o).length}`);
console.log(`bucket lookup: ${time(() => recentSessionTotals(fold, NOW, o)).toFixed(3)} ms`);
console.log(`full scan + sort (recentSessions): ${time(() => recentSessions(fold.sessions, 50)).toFixed(3)} ms`);
console.log(`whole collection (metricData): ${time(() => metricData(fold, { user: 'u', timezone: 'UTC', nowMs: NOW, recentSessions: o }), 11).toFixed(3)} ms`);
