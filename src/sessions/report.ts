// `ccotel sessions` answers (list, search, --show) as plain data. The JSON shape is an interface
// (docs/sessions.md): fields are added, never renamed or removed, within one `schema`.
import type { SessionTotals } from '../fold/session-summary.js';
import { loadCatalog, loadSession, type CatalogCache, type Pending, type SessionEntry } from './catalog.js';
import { resumeDirs, resumeLine } from './resume.js';
import { usdOf } from './summary.js';
import type { Match } from './search.js';
import { foundList, searchJournals, searchTerms } from './journal-search.js';
import { SESSIONS_SCHEMA } from './schema.js';
import type { TextRow } from './index-file.js';
import { isTypedPrompt, oneLine } from './prompt-kind.js';
import { traceIdFor } from '../export/traces/ids.js';
import { UserError } from '../errors.js';

export interface SessionsContext {
  stateDir: string;
  /** The fold's per-session totals (cost, tools, subagents, hits), by session id. */
  totals: { get(sessionId: string): SessionTotals | undefined };
  /** Transcripts that exist now (files gone since are not listed). */
  present: { has(path: string): boolean };
  pending?: Pending;
  /** The directory the command runs in (resume lines skip the cd when it is the session's). */
  here: string;
  jaegerUrl?: string;
  /** The daemon's: the listing journal folded once per version, not per question. */
  catalog?: CatalogCache;
  /** The text journals a search reads, already read (text, then tool output with --all-text). */
  journals?: readonly string[];
}

export interface Filter {
  limit: number;
  project?: string;
  startMs: number;
  endMs: number;
}

export interface SessionRow {
  sessionId: string;
  path: string;
  project: string;
  start: string;
  end: string;
  durationMs: number;
  firstPrompt: string | null;
  costUsd: number;
  toolCalls: number;
  subagents: number;
  resume: string;
  matches?: Match[];
}

export interface SessionsList {
  schema: typeof SESSIONS_SCHEMA;
  query: string | null;
  terms: string[];
  total: number;
  sessions: SessionRow[];
}

const iso = (ms: number): string => new Date(ms).toISOString();

function candidates(ctx: SessionsContext, f: Filter): { all: SessionEntry[]; kept: SessionEntry[] } {
  const all = loadCatalog(ctx.stateDir, ctx.pending, ctx.present, true, ctx.catalog);
  const kept = all.filter((e) => e.lastTs >= f.startMs && e.firstTs < f.endMs && (f.project === undefined || e.cwd.toLowerCase().includes(f.project.toLowerCase()) || e.folder.toLowerCase().includes(f.project.toLowerCase())));
  return { all, kept };
}

function rows(ctx: SessionsContext, all: readonly SessionEntry[], picked: readonly SessionEntry[]): SessionRow[] {
  const dirs = resumeDirs(all, picked);
  return picked.map((e) => {
    const s = ctx.totals.get(e.sessionId);
    return {
      sessionId: e.sessionId,
      path: e.path,
      project: dirs.get(e.path) ?? e.cwd,
      start: iso(e.firstTs),
      end: iso(e.lastTs),
      durationMs: e.lastTs - e.firstTs,
      firstPrompt: e.firstPrompt?.short ?? null,
      costUsd: usdOf(s?.nanoUsd ?? 0),
      toolCalls: s?.toolCalls ?? 0,
      subagents: s?.subagents.size ?? 0,
      resume: resumeLine(e, dirs.get(e.path), ctx.here),
    };
  });
}

/** The most recent sessions, or those matching `query` (every term), most recent first. */
export function listSessions(ctx: SessionsContext, f: Filter, query?: string, allText = false): SessionsList {
  const { all, kept } = candidates(ctx, f);
  if (query === undefined) return { schema: SESSIONS_SCHEMA, query: null, terms: [], total: kept.length, sessions: rows(ctx, all, kept.slice(0, f.limit)) };
  const q = searchTerms(query);
  const found = searchJournals(ctx.stateDir, q, kept.map((e) => e.path), f.limit, allText, ctx.pending?.text, ctx.journals);
  const byPath = new Map(kept.map((e) => [e.path, e]));
  return foundList(query, q, found, rows(ctx, all, found.shown.map((p) => byPath.get(p)!)));
}

/**
 * What a command needs to run a large search itself (answerWire in query.ts): the candidate transcripts in
 * listing order and the text rows not yet on disk.
 */
export function searchCandidates(ctx: SessionsContext, f: Filter): { kept: string[]; pendingText: TextRow[] } {
  return { kept: candidates(ctx, f).kept.map((e) => e.path), pendingText: [...(ctx.pending?.text ?? [])] };
}

/** The rows of these transcripts, in this order; one no longer listed is left out. */
export function rowsOf(ctx: SessionsContext, paths: readonly string[]): SessionRow[] {
  const all = loadCatalog(ctx.stateDir, ctx.pending, ctx.present, true, ctx.catalog);
  const byPath = new Map(all.map((e) => [e.path, e]));
  return rows(ctx, all, paths.flatMap((p) => byPath.get(p) ?? []));
}

export interface SessionDetail {
  schema: typeof SESSIONS_SCHEMA;
  sessionId: string;
  copies: Array<{ path: string; project: string; resume: string }>;
  start: string;
  end: string;
  durationMs: number;
  prompts: Array<{ time: string; text: string }>;
  tools: Array<{ name: string; calls: number; errors: number }>;
  files: Array<{ path: string; tools: string[] }>;
  costUsd: number;
  models: Array<{ model: string; calls: number; tokens: number; costUsd: number }>;
  subagents: Array<{ agentId: string; modelCalls: number; toolCalls: number }>;
  sensitive: Array<{ time: string; rule: string; severity: string; tool: string; value: string }>;
  traceId: string;
  jaegerUrl: string | null;
}

/** One session by id or unique id prefix. */
export function showSession(ctx: SessionsContext, id: string): SessionDetail {
  const all = loadCatalog(ctx.stateDir, ctx.pending, ctx.present, true, ctx.catalog);
  const ids = [...new Set(all.filter((e) => e.sessionId.startsWith(id)).map((e) => e.sessionId))];
  if (ids.length === 0) throw new UserError(`no session id starts with "${id}"; \`ccotel sessions\` lists them`);
  if (ids.length > 1) throw new UserError(`"${id}" is the start of ${ids.length} session ids (${ids.slice(0, 5).join(', ')}${ids.length > 5 ? ', …' : ''}); give more of it`);
  const sid = ids[0]!;
  const copies = all.filter((e) => e.sessionId === sid).sort((a, b) => (a.path < b.path ? -1 : 1));
  const dirs = resumeDirs(all, copies);
  const first = copies[0]!;
  const { items: texts, files } = loadSession(ctx.stateDir, first.path, ctx.pending);
  const s = ctx.totals.get(sid);
  const firstTs = Math.min(...copies.map((c) => c.firstTs));
  const lastTs = Math.max(...copies.map((c) => c.lastTs));
  const traceId = traceIdFor(sid);
  return {
    schema: SESSIONS_SCHEMA,
    sessionId: sid,
    copies: copies.map((e) => ({ path: e.path, project: dirs.get(e.path) ?? e.cwd, resume: resumeLine(e, dirs.get(e.path), ctx.here) })),
    start: iso(firstTs),
    end: iso(lastTs),
    durationMs: lastTs - firstTs,
    prompts: texts.filter((t) => t.k === 'p' && isTypedPrompt(t.text)).map((t) => ({ time: iso(t.ts), text: oneLine(t.text, 500) })),
    tools: [...(s?.tools ?? [])].map(([name, c]) => ({ name, ...c })).sort((a, b) => b.calls - a.calls || (a.name < b.name ? -1 : 1)),
    files: [...files].map(([path, t]) => ({ path, tools: [...t].sort() })).sort((a, b) => (a.path < b.path ? -1 : 1)),
    costUsd: usdOf(s?.nanoUsd ?? 0),
    models: [...(s?.models ?? [])].map(([model, m]) => ({ model, calls: m.calls, tokens: m.tokens, costUsd: usdOf(m.nanoUsd) })).sort((a, b) => b.costUsd - a.costUsd || (a.model < b.model ? -1 : 1)),
    subagents: [...(s?.subagents ?? [])].map(([agentId, a]) => ({ agentId, modelCalls: a.calls, toolCalls: a.tools })).sort((a, b) => (a.agentId < b.agentId ? -1 : 1)),
    sensitive: [...(s?.hits ?? [])].sort((a, b) => a.ts - b.ts || (a.key < b.key ? -1 : 1)).map((h) => ({ time: iso(h.ts), rule: h.rule, severity: h.severity, tool: h.tool, value: h.value })),
    traceId,
    jaegerUrl: ctx.jaegerUrl ? `${ctx.jaegerUrl.replace(/\/+$/, '')}/trace/${traceId}` : null,
  };
}
