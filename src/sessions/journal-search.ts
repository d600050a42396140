// A search over the raw text journals (text-scan.ts): which candidate transcripts hold every term,
// and the matching items of the first few. Run by whoever holds the candidates' order: the
// daemon for small searches, or the asking command for large ones (sessions/query.ts), which the
// daemon hands the candidates and the rows it has not yet written.
import type { TextRow } from './index-file.js';
import { indexFiles } from './index-file.js';
import { matchItems, parseQuery, type Match, type Query } from './search.js';
import { indexJournal, itemsOf, pathsHoldingAll, readJournalBytes, surelyMissing } from './text-scan.js';
import { UserError } from '../errors.js';
import { SESSIONS_SCHEMA } from './schema.js';
import type { SessionRow, SessionsList } from './report.js';

export interface Found {
  /** How many candidates hold every term. */
  total: number;
  /** The first `limit` of them, in the candidates' order. */
  shown: string[];
  matches: Map<string, Match[]>;
}

/** The query's terms; a query without any is the user's mistake. */
export function searchTerms(query: string): Query {
  const q = parseQuery(query);
  if (q.terms.length === 0) throw new UserError('the search query is empty; give one or more words, e.g. ccotel sessions "flaky test"');
  return q;
}

/**
 * Which of `kept` (transcript paths in listing order) hold every term; only the shown ones are
 * decoded whole. `read`: the journals' bytes already read (journal-read.ts), text then tool output.
 */
export function searchJournals(stateDir: string, q: Query, kept: readonly string[], limit: number, allText: boolean, pendingText?: readonly TextRow[], read?: readonly string[]): Found {
  const files = indexFiles(stateDir);
  const raw = read?.length === (allText ? 2 : 1) ? read : (allText ? [files.text, files.out] : [files.text]).map(readJournalBytes);
  // A term found nowhere (a raw miss in every journal): no session matches, no run pass needed.
  if (surelyMissing(raw, q, allText, pendingText)) return { total: 0, shown: [], matches: new Map() };
  const journal = raw.map(indexJournal);
  const holding = pathsHoldingAll(journal, q, new Set(kept), allText, pendingText);
  const hits = kept.filter((p) => holding.has(p));
  const shown = hits.slice(0, limit);
  const texts = itemsOf(journal, new Set(shown), pendingText, q);
  return { total: hits.length, shown, matches: new Map(shown.map((p) => [p, matchItems(texts.get(p) ?? [], q, allText) ?? []])) };
}

/** A search's list: the found sessions' rows with their matching items. */
export function foundList(query: string, q: Query, found: Found, shown: SessionRow[]): SessionsList {
  for (const r of shown) r.matches = found.matches.get(r.path) ?? [];
  return { schema: SESSIONS_SCHEMA, query, terms: q.terms, total: found.total, sessions: shown };
}

/**
 * A large search beside the daemon, which answered with its candidates in listing order and the
 * text rows it has not written (`scan`): the journals are searched here, then `rowsOf` asks it for
 * the found sessions' rows. Undefined when that second answer does not come.
 */
export async function searchCandidatesHere(stateDir: string, query: string, limit: number, allText: boolean, scan: { kept: readonly string[]; pendingText: readonly TextRow[] }, rowsOf: (paths: string[]) => Promise<SessionRow[] | undefined>): Promise<SessionsList | undefined> {
  const terms = searchTerms(query);
  const found = searchJournals(stateDir, terms, scan.kept, limit, allText, scan.pendingText);
  const rows = found.shown.length === 0 ? [] : await rowsOf(found.shown);
  return rows && foundList(query, terms, found, rows);
}
