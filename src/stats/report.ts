// `ccotel stats`: totals over a time range, read from the fold (src/fold), which holds the counting
// rules; this file only shapes them into the documented report. A warm run reads no transcript and,
// with the fold saved in the state directory, not even the ledger.
import type { Ledger } from '../state/ledger.js';
import { Fold } from '../fold/fold.js';
import { NANOS_PER_USD, SEP } from '../fold/facts.js';
import { onSlotGrid } from '../fold/slot.js';
import type { ModelTotals } from '../fold/cell.js';
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
  /** Sensitive-action rule hits in the range, by rule id (docs/security.md). */
  sensitive: Record<string, number>;
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

const toTokens = (m: ModelTotals): TokenTotals => ({ input: m.input, output: m.output, cacheCreation: m.cacheCreation, cacheRead: m.cacheRead, total: m.input + m.output + m.cacheCreation + m.cacheRead });
const usd = (nanos: number): number => nanos / NANOS_PER_USD;

/**
 * The report for one range. A range on the fold's 15-minute grid (every day boundary of every zone
 * in use) is read from the fold's buckets; any other is folded afresh from the ledger's records.
 */
export function buildReport(fold: Fold, f: ReportFilter, input: StatsReport['input'], ledger?: () => Ledger): StatsReport {
  const { startMs, endMs } = f.range;
  let a;
  if (onSlotGrid(startMs, endMs)) a = fold.range(startMs, endMs, f.project);
  else {
    if (!ledger) throw new Error('a range off the 15-minute grid needs the ledger');
    a = Fold.of(ledger(), { pricer: fold.pricer }, (ts) => ts >= startMs && ts < endMs).range(-Infinity, Infinity, f.project);
  }
  const tokens = emptyTokens();
  const models: StatsReport['models'] = {};
  const unpriced = new Set<string>();
  let nanos = 0;
  let calls = 0;
  let apiErrors = 0;
  for (const [name, m] of a.models) {
    const t = toTokens(m);
    for (const k of ['input', 'output', 'cacheCreation', 'cacheRead', 'total'] as const) tokens[k] += t[k];
    nanos += m.nanoUsd;
    calls += m.n;
    apiErrors += m.apiErrors;
    if (m.unpriced > 0) unpriced.add(name);
    models[name] = { ...t, costUSD: usd(m.nanoUsd), requests: m.n };
  }
  const tools: StatsReport['tools'] = {};
  for (const [name, t] of a.tools) tools[name] = { calls: t.calls, errors: t.errors };
  const projects: StatsReport['projects'] = {};
  for (const [cwd, p] of a.projects) projects[cwd] = { sessions: p.sessions.size, operations: p.operations, costUSD: usd(p.nanoUsd), tokens: p.tokens };

  return {
    range: {
      label: f.range.label,
      start: Number.isFinite(f.range.startMs) ? new Date(f.range.startMs).toISOString() : null,
      end: Number.isFinite(f.range.endMs) ? new Date(f.range.endMs).toISOString() : null,
      timezone: f.timezone,
    },
    sessions: a.sessions.size,
    subagents: a.agents.size,
    prompts: a.prompts,
    operations: a.operations,
    requests: calls - apiErrors,
    apiErrors,
    compactions: a.compactions,
    tokens,
    costUSD: usd(nanos),
    models: sortByKey(models),
    tools: sortByKey(tools),
    projects: sortByKey(projects),
    quality: qualitySignals(a.reads, a.failing, a.edits),
    sensitive: sortByKey(Object.fromEntries(a.sensitive)),
    input: { ...input, unpricedModels: [...new Set([...input.unpricedModels, ...unpriced])].sort() },
  };
}

/** The guide's quality signals: repeated reads per session, failing commands, most-edited files. */
function qualitySignals(readCounts: Map<string, number>, failing: Map<string, number>, edits: Map<string, number>): StatsReport['quality'] {
  const byDesc = <T>(key: (x: T) => number, tie: (x: T) => string) => (a: T, b: T) => key(b) - key(a) || (tie(a) < tie(b) ? -1 : 1);
  const reads: Array<{ sessionId: string; file: string; reads: number }> = [];
  for (const [k, n] of readCounts) {
    if (n < REPEATED_READS) continue;
    const i = k.indexOf(SEP);
    reads.push({ sessionId: k.slice(0, i), file: k.slice(i + 1), reads: n });
  }
  return {
    repeatedReads: reads.sort(byDesc((r) => r.reads, (r) => r.sessionId + r.file)).slice(0, TOP),
    failingCommands: [...failing].map(([command, failures]) => ({ command, failures })).sort(byDesc((r) => r.failures, (r) => r.command)).slice(0, TOP),
    mostEdited: [...edits].map(([file, n]) => ({ file, edits: n })).sort(byDesc((r) => r.edits, (r) => r.file)).slice(0, TOP),
  };
}

function sortByKey<T>(o: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
