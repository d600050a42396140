// What `stats` loads only when it reads the state itself (no running daemon answered): one module,
// so that the linked quick program (scripts/bundle.ts) loads it as one chunk, and an answer from the
// daemon loads none of it.
export { IngestSession } from '../ingest/session.js';
export { syncWithProgress } from './progress.js';
export { buildReport } from '../stats/report.js';
export { inputSummary } from '../stats/input-summary.js';
export { emptyReportHint } from '../stats/empty-range-hint.js';
