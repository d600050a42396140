// One `ccotel sessions` question and its answer, the same whether this process reads the index
// itself or asks the running daemon (query-server.ts), which has it in memory and up to date.
import { listSessions, rowsOf, searchCandidates, showSession, type SessionDetail, type SessionRow, type SessionsContext, type SessionsList } from './report.js';
import { searchTerms } from './journal-search.js';
import type { TextRow } from './index-file.js';

export type SessionsQuery =
  | { op: 'list'; limit: number; project?: string; startMs: number; endMs: number; query?: string; allText: boolean }
  | { op: 'show'; id: string }
  /** The listing rows of transcripts a command's own search found (after a `scan` answer). */
  | { op: 'rows'; paths: string[] };

export type SessionsAnswer =
  | { op: 'list'; list: SessionsList }
  | { op: 'show'; detail: SessionDetail }
  | { op: 'rows'; rows: SessionRow[] }
  /** A search too large for the daemon's loop: the candidates in order, for the asker to search. */
  | { op: 'scan'; kept: string[]; pendingText: TextRow[] };

/**
 * Answers from the index (throws a UserError for a user's mistake, e.g. an unknown id). A search
 * that is `large` is answered with its candidates for the asker to run (query-server.ts).
 */
export function answer(ctx: SessionsContext, q: SessionsQuery, large = false): SessionsAnswer {
  if (q.op === 'show') return { op: 'show', detail: showSession(ctx, q.id) };
  if (q.op === 'rows') return { op: 'rows', rows: rowsOf(ctx, q.paths) };
  const f = { limit: q.limit, project: q.project, startMs: q.startMs, endMs: q.endMs };
  if (large && q.query !== undefined) {
    searchTerms(q.query); // an empty query is the same mistake whoever searches
    return { op: 'scan', ...searchCandidates(ctx, f) };
  }
  return { op: 'list', list: listSessions(ctx, f, q.query, q.allText) };
}
