// One `ccotel sessions` question and its answer, the same whether this process reads the index
// itself or asks the running daemon (query/server.ts), which has it in memory and up to date.
import { statSync } from 'node:fs';
import { listSessions, rowsOf, searchCandidates, showSession, type SessionDetail, type SessionRow, type SessionsContext, type SessionsList } from './report.js';
import { searchTerms } from './journal-search.js';
import { indexFiles, type TextRow } from './index-file.js';
import { fromWire } from './query-wire.js';
import { Declined, NOT_A_QUESTION } from '../query/wire.js';

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
 * that is `large` is answered with its candidates for the asker to run (answerWire).
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

/** The text journal a search may scan in the daemon: ~16 MB is ~50 ms (7 MB took ~20-30 ms). */
const MAX_SEARCH_BYTES = 16 << 20;

const sizeOf = (path: string): number => statSync(path, { throwIfNoEntry: false })?.size ?? 0;

/**
 * A question from the query socket, answered by the daemon. A search scans the text journal there
 * only while that is a few tens of ms of work (never the tool output of --all-text), so the loop
 * that follows sessions and answers scrapes is held no longer than that; a larger one is answered
 * with its candidates, and the asker searches.
 */
export function answerWire(raw: Record<string, unknown>, ctxFor: (jaegerUrl: string | undefined) => SessionsContext): SessionsAnswer {
  const parsed = fromWire(raw);
  if (!parsed) throw new Declined(NOT_A_QUESTION);
  const ctx = ctxFor(parsed.jaegerUrl);
  const q = parsed.q;
  const large = q.op === 'list' && q.query !== undefined && (q.allText || sizeOf(indexFiles(ctx.stateDir).text) > MAX_SEARCH_BYTES);
  return answer(ctx, q, large);
}
