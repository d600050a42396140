// The running daemon's query socket: a Unix socket in the state directory (mode 0700 and the user's
// own, see state/dir-trust.ts, so only this user can connect), one JSON line each way. `ccotel run`
// answers read-only questions from what it holds in memory and keeps current: `ccotel sessions`
// (sessions/query.ts) and `ccotel stats` (stats/query.ts). This layer knows the envelope only;
// each question is checked by the code that answers it.
import { join } from 'node:path';

export const QUERY_SOCKET = 'query.sock';
export const QUERY_VERSION = 3;
/** Questions are a few hundred bytes, a `rows` question a path per session shown: anything longer is not a question. */
export const MAX_REQUEST_BYTES = 4 << 20;

export const querySocketPath = (stateDir: string): string => join(stateDir, QUERY_SOCKET);

/** A range end on the wire: JSON has no ±Infinity, so an open end is null. */
export const toWireMs = (t: number): number | null => (Number.isFinite(t) ? t : null);
export const isWireMs = (x: unknown): x is number | null => x === null || (typeof x === 'number' && Number.isFinite(x));

/** One question: `q` is the command's own (an object with an `op`). */
export interface QueryRequest {
  v: number;
  q: { op: string } & Record<string, unknown>;
  /** The asking process's transcript folders: the daemon answers only for the same ones. */
  roots: string[];
  /** Its working directory (resume lines skip the `cd` there). */
  here: string;
}

/** An answer is the command's own (an object with an `op`). */
export type QueryResponse = { v: number; ok: true; pid: number; answer: { op: string } } | { v: number; ok: false; userError?: string; error?: string };

/** The request in a line's JSON, or undefined when it is not a well-formed one. */
export function requestOf(v: unknown): QueryRequest | undefined {
  if (typeof v !== 'object' || v === null) return undefined;
  const req = v as QueryRequest;
  if (req.v !== QUERY_VERSION || typeof req.here !== 'string' || !Array.isArray(req.roots) || !req.roots.every((r) => typeof r === 'string')) return undefined;
  if (typeof req.q !== 'object' || req.q === null || typeof req.q.op !== 'string') return undefined;
  return req;
}

/**
 * The daemon does not answer this one (its message says why: not a well-formed question, other
 * prices, a range it cannot take from its aggregates); the command answers it itself.
 */
export class Declined extends Error {}

export const NOT_A_QUESTION = 'not a question this daemon understands';
