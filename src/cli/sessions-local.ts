// What `sessions` loads only when it reads the index itself (no running daemon answered): one module,
// so that the linked quick program (scripts/bundle.ts) loads it as one chunk, and an answer from the
// daemon loads none of it.
export { IngestSession } from '../ingest/session.js';
export { syncWithProgress } from './progress.js';
export { SessionsSink } from '../sessions/sessions-sink.js';
export { resetIndex } from '../sessions/rebuild.js';
export { answer } from '../sessions/query.js';
export { JournalRead } from '../sessions/journal-read.js';
