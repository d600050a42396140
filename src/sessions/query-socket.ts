// The running daemon's query socket: a Unix socket in the state directory (mode 0700 and the user's
// own, see state/dir-trust.ts, so only this user can connect), one JSON line each way. It answers
// only the read-only questions of query.ts, from the index and totals the daemon keeps in memory.
import { join } from 'node:path';
import type { SessionsAnswer, SessionsQuery } from './query.js';

export const QUERY_SOCKET = 'query.sock';
export const QUERY_VERSION = 2;
/** Questions are a few hundred bytes, a `rows` question a path per session shown: anything longer is not a question. */
export const MAX_REQUEST_BYTES = 4 << 20;

export const querySocketPath = (stateDir: string): string => join(stateDir, QUERY_SOCKET);

/** On the wire, open ends of a day range (±Infinity, which JSON lacks) are null. */
export type WireQuery = SessionsQuery extends infer Q ? (Q extends { startMs: number } ? Omit<Q, 'startMs' | 'endMs'> & { startMs: number | null; endMs: number | null } : Q) : never;

export interface QueryRequest {
  v: number;
  q: WireQuery;
  /** The asking process's transcript folders: the daemon answers only for the same ones. */
  roots: string[];
  /** Its working directory (resume lines skip the `cd` there) and Jaeger UI, from its settings. */
  here: string;
  jaegerUrl?: string;
}

export type QueryResponse = { v: number; ok: true; pid: number; answer: SessionsAnswer } | { v: number; ok: false; userError?: string; error?: string };

export function toWire(q: SessionsQuery): WireQuery {
  if (q.op !== 'list') return q;
  return { ...q, startMs: Number.isFinite(q.startMs) ? q.startMs : null, endMs: Number.isFinite(q.endMs) ? q.endMs : null };
}

/** The question in a request line, or undefined when it is not a well-formed one. */
export function fromWire(v: unknown): { q: SessionsQuery; req: QueryRequest } | undefined {
  if (typeof v !== 'object' || v === null) return undefined;
  const req = v as QueryRequest;
  if (req.v !== QUERY_VERSION || typeof req.here !== 'string' || !Array.isArray(req.roots) || !req.roots.every((r) => typeof r === 'string')) return undefined;
  if (req.jaegerUrl !== undefined && typeof req.jaegerUrl !== 'string') return undefined;
  const q = req.q as Record<string, unknown> | null;
  if (typeof q !== 'object' || q === null) return undefined;
  if (q.op === 'show') return typeof q.id === 'string' && q.id.length <= 200 ? { q: { op: 'show', id: q.id }, req } : undefined;
  if (q.op === 'rows') return Array.isArray(q.paths) && q.paths.every((p) => typeof p === 'string') ? { q: { op: 'rows', paths: q.paths as string[] }, req } : undefined;
  if (q.op !== 'list') return undefined;
  const ms = (x: unknown): x is number | null => x === null || (typeof x === 'number' && Number.isFinite(x));
  const text = (x: unknown): x is string | undefined => x === undefined || typeof x === 'string';
  if (!Number.isInteger(q.limit) || (q.limit as number) < 1 || !ms(q.startMs) || !ms(q.endMs) || !text(q.project) || !text(q.query) || typeof q.allText !== 'boolean') return undefined;
  return { q: { op: 'list', limit: q.limit as number, project: q.project, query: q.query, allText: q.allText, startMs: q.startMs ?? -Infinity, endMs: q.endMs ?? Infinity }, req };
}
