// One `ccotel sessions` question and its answer, the same whether this process reads the index
// itself or asks the running daemon (query-server.ts), which has it in memory and up to date.
import { listSessions, showSession, type SessionDetail, type SessionsContext, type SessionsList } from './report.js';

export type SessionsQuery =
  | { op: 'list'; limit: number; project?: string; startMs: number; endMs: number; query?: string; allText: boolean }
  | { op: 'show'; id: string };

export type SessionsAnswer = { op: 'list'; list: SessionsList } | { op: 'show'; detail: SessionDetail };

/** Answers from the index (throws a UserError for a user's mistake, e.g. an unknown id). */
export function answer(ctx: SessionsContext, q: SessionsQuery): SessionsAnswer {
  if (q.op === 'show') return { op: 'show', detail: showSession(ctx, q.id) };
  return { op: 'list', list: listSessions(ctx, { limit: q.limit, project: q.project, startMs: q.startMs, endMs: q.endMs }, q.query, q.allText) };
}
