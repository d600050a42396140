// `ccotel stats`: totals over a time range, computed from the ledger (so a warm run reads no
// transcript bytes). Every number here is defined once, and the metrics sink uses the same rules.
import type { Ledger, ToolRecord, UsageRecord } from '../state/ledger.js';
import type { Pricer } from '../pricing/cost.js';
import { isFileEdit } from '../model/tool-target.js';
import type { TimeRange } from '../calendar/time-range.js';

export interface TokenTotals {
  input: number;
  output: number;
  cacheCreation: number;
  cacheRead: number;
  total: number;
}

export interface StatsReport {
  range: { label: string; start: string | null; end: string | null; timezone: string };
  sessions: number;
  subagents: number;
  prompts: number;
  operations: number;
  requests: number;
  apiErrors: number;
  compactions: number;
  tokens: TokenTotals;
  costUSD: number;
  models: Record<string, TokenTotals & { costUSD: number; requests: number }>;
  tools: Record<string, { calls: number; errors: number }>;
  projects: Record<string, { sessions: number; operations: number; costUSD: number; tokens: number }>;
  quality: {
    repeatedReads: Array<{ sessionId: string; file: string; reads: number }>;
    failingCommands: Array<{ command: string; failures: number }>;
    mostEdited: Array<{ file: string; edits: number }>;
  };
  input: { files: number; lines: number; malformedLines: number; oversizedLines: number; unpricedModels: string[] };
}

export interface ReportFilter {
  range: TimeRange;
  timezone: string;
  /** Keep only projects whose cwd contains this substring. */
  project?: string;
}

const TOP = 10;
const REPEATED_READS = 3;

export const emptyTokens = (): TokenTotals => ({ input: 0, output: 0, cacheCreation: 0, cacheRead: 0, total: 0 });

export function addUsage(t: TokenTotals, r: UsageRecord): void {
  const u = r.usage;
  t.input += u.input;
  t.output += u.output;
  t.cacheCreation += u.cacheCreation;
  t.cacheRead += u.cacheRead;
  t.total += u.input + u.output + u.cacheCreation + u.cacheRead;
}

export function buildReport(ledger: Ledger, pricer: Pricer, f: ReportFilter, input: StatsReport['input']): StatsReport {
  const inRange = (ts: number, cwd: string): boolean => ts >= f.range.startMs && ts < f.range.endMs && (f.project === undefined || cwd.includes(f.project));
  const sessions = new Set<string>();
  const agents = new Set<string>();
  const projectSessions = new Map<string, Set<string>>();
  const tokens = emptyTokens();
  const models: StatsReport['models'] = {};
  const projects: StatsReport['projects'] = {};
  const unpriced = new Set<string>();
  let costUSD = 0;
  let requests = 0;
  let apiErrors = 0;

  const project = (cwd: string) => (projects[cwd] ??= { sessions: 0, operations: 0, costUSD: 0, tokens: 0 });
  const seen = (sessionId: string, agentId: string | undefined, cwd: string): void => {
    sessions.add(sessionId);
    if (agentId) agents.add(`${sessionId}/${agentId}`);
    let s = projectSessions.get(cwd);
    if (!s) projectSessions.set(cwd, (s = new Set()));
    s.add(sessionId);
  };

  for (const r of ledger.usage.values()) {
    if (!inRange(r.ts, r.cwd)) continue;
    seen(r.sessionId, r.agentId, r.cwd);
    const { usd, priced } = pricer.cost(r.model, r.usage, r.apiError);
    if (!priced) unpriced.add(r.model);
    if (r.apiError) apiErrors++;
    else requests++;
    addUsage(tokens, r);
    costUSD += usd;
    const m = (models[r.model] ??= { ...emptyTokens(), costUSD: 0, requests: 0 });
    addUsage(m, r);
    m.costUSD += usd;
    m.requests++;
    const p = project(r.cwd);
    p.costUSD += usd;
    p.tokens += r.usage.input + r.usage.output + r.usage.cacheCreation + r.usage.cacheRead;
  }

  const tools: StatsReport['tools'] = {};
  const toolsInRange: ToolRecord[] = [];
  for (const t of ledger.tools.values()) {
    if (!inRange(t.ts, t.cwd)) continue;
    toolsInRange.push(t);
    seen(t.sessionId, t.agentId, t.cwd);
    const e = (tools[t.name] ??= { calls: 0, errors: 0 });
    e.calls++;
    if (t.isError) e.errors++;
    project(t.cwd).operations++;
  }
  let prompts = 0;
  for (const p of ledger.prompts.values()) {
    if (!inRange(p.ts, p.cwd) || p.agentId) continue;
    prompts++;
    seen(p.sessionId, undefined, p.cwd);
  }
  let compactions = 0;
  for (const c of ledger.compactions.values()) if (inRange(c.ts, c.cwd)) compactions++;
  for (const [cwd, s] of projectSessions) project(cwd).sessions = s.size;

  return {
    range: {
      label: f.range.label,
      start: Number.isFinite(f.range.startMs) ? new Date(f.range.startMs).toISOString() : null,
      end: Number.isFinite(f.range.endMs) ? new Date(f.range.endMs).toISOString() : null,
      timezone: f.timezone,
    },
    sessions: sessions.size,
    subagents: agents.size,
    prompts,
    operations: toolsInRange.length,
    requests,
    apiErrors,
    compactions,
    tokens,
    costUSD,
    models: sortByKey(models),
    tools: sortByKey(tools),
    projects: sortByKey(projects),
    quality: qualitySignals(toolsInRange),
    input: { ...input, unpricedModels: [...new Set([...input.unpricedModels, ...unpriced])].sort() },
  };
}

/** The guide's quality signals: repeated reads per session, failing commands, most-edited files. */
export function qualitySignals(tools: readonly ToolRecord[]): StatsReport['quality'] {
  const reads = new Map<string, { sessionId: string; file: string; reads: number }>();
  const failing = new Map<string, number>();
  const edits = new Map<string, number>();
  for (const t of tools) {
    if (!t.target) continue;
    if (t.name === 'Read') {
      const k = `${t.sessionId}\0${t.target}`;
      const r = reads.get(k) ?? { sessionId: t.sessionId, file: t.target, reads: 0 };
      r.reads++;
      reads.set(k, r);
    } else if (t.name === 'Bash' && t.isError) {
      failing.set(t.target, (failing.get(t.target) ?? 0) + 1);
    } else if (isFileEdit(t.name)) {
      edits.set(t.target, (edits.get(t.target) ?? 0) + 1);
    }
  }
  const byDesc = <T>(key: (x: T) => number, tie: (x: T) => string) => (a: T, b: T) => key(b) - key(a) || (tie(a) < tie(b) ? -1 : 1);
  return {
    repeatedReads: [...reads.values()].filter((r) => r.reads >= REPEATED_READS).sort(byDesc((r) => r.reads, (r) => r.sessionId + r.file)).slice(0, TOP),
    failingCommands: [...failing].map(([command, failures]) => ({ command, failures })).sort(byDesc((r) => r.failures, (r) => r.command)).slice(0, TOP),
    mostEdited: [...edits].map(([file, n]) => ({ file, edits: n })).sort(byDesc((r) => r.edits, (r) => r.file)).slice(0, TOP),
  };
}

function sortByKey<T>(o: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
