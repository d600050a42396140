// `ccotel audit`: the monitoring guide's audit queries answered from the ledger alone (rule hits and
// tool records, all redacted at ingest), never from the transcripts. The JSON shape is an interface
// (docs/security.md): fields are added, never renamed or removed, within one `schema`.
import type { Ledger } from '../state/ledger.js';
import type { TimeRange } from '../calendar/time-range.js';
import type { Severity } from '../detection/engine.js';

export const AUDIT_SCHEMA = 'ccotel.audit/v1';

export interface AuditFilter {
  range: TimeRange;
  /** A session id, or the start of one (at least 4 characters). */
  session?: string;
  /** Keep only projects whose cwd contains this substring. */
  project?: string;
  /** Rule hits only: these rules / this severity and above. */
  rules?: string[];
  severity?: Severity;
}

export interface AuditHit {
  time: string;
  sessionId: string;
  agentId: string | null;
  project: string;
  tool: string;
  toolUseId: string;
  rule: string;
  severity: Severity;
  field: string;
  value: string;
}

export interface AuditReport {
  schema: typeof AUDIT_SCHEMA;
  range: { label: string; start: string | null; end: string | null };
  filters: { session: string | null; project: string | null; rules: string[] | null; severity: Severity | null };
  hits: AuditHit[];
  summary: { hits: number; byRule: Record<string, number>; bySeverity: Record<Severity, number> };
  filesRead: Array<{ path: string; reads: number; first: string; last: string }>;
  commands: Array<{ time: string; sessionId: string; command: string; isError: boolean | null }>;
  urlsFetched: Array<{ url: string; fetches: number }>;
  writesOutsideProject: Array<{ time: string; sessionId: string; path: string }>;
  toolCounts: Record<string, number>;
}

const RANK: Record<Severity, number> = { critical: 0, warning: 1, info: 2 };
const iso = (ms: number): string => new Date(ms).toISOString();
const isoOrNull = (ms: number): string | null => (Number.isFinite(ms) ? iso(ms) : null);
const READERS = new Set(['Read', 'NotebookRead']);

export function buildAudit(ledger: Ledger, f: AuditFilter): AuditReport {
  const keep = (ts: number, sessionId: string, cwd: string): boolean =>
    ts >= f.range.startMs && ts < f.range.endMs && (f.session === undefined || sessionId.startsWith(f.session)) && (f.project === undefined || cwd.includes(f.project));
  const projectOf = (sessionId: string, cwd: string): string => ledger.sessions.get(sessionId)?.cwd || cwd;

  const hits: AuditHit[] = [];
  const byRule: Record<string, number> = {};
  const bySeverity: Record<Severity, number> = { critical: 0, warning: 0, info: 0 };
  for (const h of ledger.hits.values()) {
    const project = projectOf(h.sessionId, h.cwd);
    if (!keep(h.ts, h.sessionId, project)) continue;
    if (f.rules && !f.rules.includes(h.rule)) continue;
    if (f.severity && RANK[h.severity] > RANK[f.severity]) continue;
    hits.push({ time: iso(h.ts), sessionId: h.sessionId, agentId: h.agentId ?? null, project, tool: h.tool, toolUseId: h.toolId, rule: h.rule, severity: h.severity, field: h.field, value: h.value });
    byRule[h.rule] = (byRule[h.rule] ?? 0) + 1;
    bySeverity[h.severity]++;
  }
  hits.sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : a.toolUseId < b.toolUseId ? -1 : a.toolUseId > b.toolUseId ? 1 : a.rule < b.rule ? -1 : 1));

  const files = new Map<string, { reads: number; first: number; last: number }>();
  const commands: Array<{ ts: number; sessionId: string; command: string; isError: boolean | null; id: string }> = [];
  const urls = new Map<string, number>();
  const toolCounts: Record<string, number> = {};
  for (const t of ledger.tools.values()) {
    if (!keep(t.ts, t.sessionId, projectOf(t.sessionId, t.cwd))) continue;
    toolCounts[t.name] = (toolCounts[t.name] ?? 0) + 1;
    if (t.target === undefined) continue;
    if (READERS.has(t.name)) {
      const e = files.get(t.target);
      if (e) {
        e.reads++;
        e.first = Math.min(e.first, t.ts);
        e.last = Math.max(e.last, t.ts);
      } else files.set(t.target, { reads: 1, first: t.ts, last: t.ts });
    } else if (t.name === 'Bash') commands.push({ ts: t.ts, sessionId: t.sessionId, command: t.target, isError: t.isError ?? null, id: t.id });
    else if (t.name === 'WebFetch') urls.set(t.target, (urls.get(t.target) ?? 0) + 1);
  }
  commands.sort((a, b) => a.ts - b.ts || (a.id < b.id ? -1 : 1));

  return {
    schema: AUDIT_SCHEMA,
    range: { label: f.range.label, start: isoOrNull(f.range.startMs), end: isoOrNull(f.range.endMs) },
    filters: { session: f.session ?? null, project: f.project ?? null, rules: f.rules ?? null, severity: f.severity ?? null },
    hits,
    summary: { hits: hits.length, byRule: sortKeys(byRule), bySeverity },
    filesRead: [...files].map(([path, v]) => ({ path, reads: v.reads, first: iso(v.first), last: iso(v.last) })).sort((a, b) => b.reads - a.reads || (a.path < b.path ? -1 : 1)),
    commands: commands.map((c) => ({ time: iso(c.ts), sessionId: c.sessionId, command: c.command, isError: c.isError })),
    urlsFetched: [...urls].map(([url, fetches]) => ({ url, fetches })).sort((a, b) => b.fetches - a.fetches || (a.url < b.url ? -1 : 1)),
    writesOutsideProject: hits.filter((h) => h.rule === 'write_outside_project').map((h) => ({ time: h.time, sessionId: h.sessionId, path: h.value })),
    toolCounts: sortKeys(toolCounts),
  };
}

function sortKeys<T>(o: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : 1)));
}
