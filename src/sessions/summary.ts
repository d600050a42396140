// What the ledger knows of a session, read from the fold's per-session totals (fold/session-summary.ts),
// so neither the listing nor --show parses the ledger. The totals use the same fact function as
// `stats`, so the two never disagree. A forked session's copies share their records (the ledger's
// keys dedupe them), so both show the same numbers.
import { NANOS_PER_USD } from '../fold/facts.js';

export type { SessionTotals } from '../fold/session-summary.js';

export const usdOf = (nanoUsd: number): number => nanoUsd / NANOS_PER_USD;

/** File tools whose targets --show lists as files touched. */
export const FILE_TOOLS: ReadonlySet<string> = new Set(['Read', 'Write', 'Edit', 'MultiEdit', 'NotebookEdit', 'NotebookRead']);
