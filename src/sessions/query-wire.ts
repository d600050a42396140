// `ccotel sessions` questions on the daemon's query socket (query/wire.ts is the envelope): what
// the command sends and what the daemon accepts. Light: the asking command loads only this.
import type { SessionsQuery } from './query.js';
import { isWireMs, toWireMs } from '../query/wire.js';

/** On the wire, open ends of a day range (±Infinity, which JSON lacks) are null; the Jaeger UI rides along. */
export type WireQuery = (SessionsQuery extends infer Q ? (Q extends { startMs: number } ? Omit<Q, 'startMs' | 'endMs'> & { startMs: number | null; endMs: number | null } : Q) : never) & { jaegerUrl?: string };

export function toWire(q: SessionsQuery, jaegerUrl: string | undefined): WireQuery {
  if (q.op !== 'list') return { ...q, jaegerUrl };
  return { ...q, startMs: toWireMs(q.startMs), endMs: toWireMs(q.endMs), jaegerUrl };
}

/** The question on the wire, or undefined when it is not a well-formed one. */
export function fromWire(q: Record<string, unknown>): { q: SessionsQuery; jaegerUrl?: string } | undefined {
  if (q.jaegerUrl !== undefined && typeof q.jaegerUrl !== 'string') return undefined;
  const jaegerUrl = q.jaegerUrl as string | undefined;
  if (q.op === 'show') return typeof q.id === 'string' && q.id.length <= 200 ? { q: { op: 'show', id: q.id }, jaegerUrl } : undefined;
  if (q.op === 'rows') return Array.isArray(q.paths) && q.paths.every((p) => typeof p === 'string') ? { q: { op: 'rows', paths: q.paths as string[] }, jaegerUrl } : undefined;
  if (q.op !== 'list') return undefined;
  const text = (x: unknown): x is string | undefined => x === undefined || typeof x === 'string';
  if (!Number.isInteger(q.limit) || (q.limit as number) < 1 || !isWireMs(q.startMs) || !isWireMs(q.endMs) || !text(q.project) || !text(q.query) || typeof q.allText !== 'boolean') return undefined;
  return { q: { op: 'list', limit: q.limit as number, project: q.project, query: q.query, allText: q.allText, startMs: q.startMs ?? -Infinity, endMs: q.endMs ?? Infinity }, jaegerUrl };
}
