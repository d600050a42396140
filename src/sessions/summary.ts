// What the ledger knows of a session: cost (priced by the same fact function the fold uses, so
// `sessions` and `stats` never disagree), tool calls, subagents, files and rule hits. A forked
// session's copies share their records (the ledger's keys dedupe them), so both show the same numbers.
import type { Ledger, HitRecord, LedgerChange, Row, ToolRecord, UsageRecord } from '../state/ledger.js';
import type { Pricer } from '../pricing/cost.js';
import { factOf, NANOS_PER_USD } from '../fold/facts.js';

export interface SessionSummary {
  nanoUsd: number;
  /** Model calls and cost by model (subagents' included). */
  models: Map<string, { calls: number; tokens: number; nanoUsd: number }>;
  toolCalls: number;
  tools: Map<string, { calls: number; errors: number }>;
  /** Subagent id → its tool calls and model calls. */
  subagents: Map<string, { calls: number; tools: number }>;
  /** File path → the tools that touched it. */
  files: Map<string, Set<string>>;
  hits: HitRecord[];
}

const FILE_TOOLS = new Set(['Read', 'Write', 'Edit', 'MultiEdit', 'NotebookEdit', 'NotebookRead']);

export const usdOf = (nanoUsd: number): number => nanoUsd / NANOS_PER_USD;

const newSummary = (): SessionSummary => ({ nanoUsd: 0, models: new Map(), toolCalls: 0, tools: new Map(), subagents: new Map(), files: new Map(), hits: [] });

/** Summaries of the given sessions (detail: files and hits too), in one pass over the ledger. */
export function summarize(ledger: Ledger, pricer: Pricer, ids: ReadonlySet<string>, detail = false): Map<string, SessionSummary> {
  const out = new Map<string, SessionSummary>();
  const of = (id: string): SessionSummary | undefined => {
    if (!ids.has(id)) return undefined;
    let s = out.get(id);
    if (!s) out.set(id, (s = newSummary()));
    return s;
  };
  addRecords(of, ledger.usage.values(), ledger.tools.values(), pricer, detail);
  // What records `ccotel prune` dropped contributed (at the prices of prune time).
  for (const row of ledger.rollups) {
    if (row[0] !== 'A' || row[1] !== SESSION_ROLLUP) continue;
    const s = of(row[2] as string);
    if (s) addRollup(s, JSON.parse(row[3] as string) as RollupForm, detail);
  }
  if (detail) {
    for (const h of ledger.hits.values()) of(h.sessionId)?.hits.push(h);
    for (const s of out.values()) s.hits.sort((a, b) => a.ts - b.ts || (a.key < b.key ? -1 : 1));
  }
  return out;
}

function addRecords(of: (id: string) => SessionSummary | undefined, usage: Iterable<UsageRecord>, tools: Iterable<ToolRecord>, pricer: Pricer, detail: boolean): void {
  const agent = (s: SessionSummary, id: string): { calls: number; tools: number } => {
    let a = s.subagents.get(id);
    if (!a) s.subagents.set(id, (a = { calls: 0, tools: 0 }));
    return a;
  };
  for (const r of usage) {
    const s = of(r.sessionId);
    if (!s) continue;
    const f = factOf({ type: 'usage', next: r }, 'next', pricer);
    if (f?.kind !== 'call') continue;
    s.nanoUsd += f.nanoUsd;
    const m = s.models.get(r.model) ?? { calls: 0, tokens: 0, nanoUsd: 0 };
    m.calls++;
    m.tokens += f.total;
    m.nanoUsd += f.nanoUsd;
    s.models.set(r.model, m);
    if (r.agentId) agent(s, r.agentId).calls++;
  }
  for (const t of tools) {
    const s = of(t.sessionId);
    if (!s) continue;
    s.toolCalls++;
    if (t.agentId) agent(s, t.agentId).tools++;
    if (!detail) continue;
    const c = s.tools.get(t.name) ?? { calls: 0, errors: 0 };
    c.calls++;
    if (t.isError) c.errors++;
    s.tools.set(t.name, c);
    if (FILE_TOOLS.has(t.name) && t.target) {
      const ops = s.files.get(t.target) ?? new Set<string>();
      ops.add(t.name);
      s.files.set(t.target, ops);
    }
  }
}

const SESSION_ROLLUP = 's';
/** One session's summary in a rollup row: cost, models, tool calls, tools, subagents, files. */
type RollupForm = [number, [string, number, number, number][], number, [string, number, number][], [string, number, number][], [string, string[]][]];

function addRollup(s: SessionSummary, r: RollupForm, detail: boolean): void {
  const [nanoUsd, models, toolCalls, tools, subagents, files] = r;
  s.nanoUsd += nanoUsd;
  for (const [name, calls, tokens, nanos] of models) {
    const m = s.models.get(name) ?? { calls: 0, tokens: 0, nanoUsd: 0 };
    m.calls += calls;
    m.tokens += tokens;
    m.nanoUsd += nanos;
    s.models.set(name, m);
  }
  s.toolCalls += toolCalls;
  for (const [id, calls, n] of subagents) {
    const a = s.subagents.get(id) ?? { calls: 0, tools: 0 };
    a.calls += calls;
    a.tools += n;
    s.subagents.set(id, a);
  }
  if (!detail) return;
  for (const [name, calls, errors] of tools) {
    const t = s.tools.get(name) ?? { calls: 0, errors: 0 };
    t.calls += calls;
    t.errors += errors;
    s.tools.set(name, t);
  }
  for (const [path, names] of files) {
    const ops = s.files.get(path) ?? new Set<string>();
    for (const n of names) ops.add(n);
    s.files.set(path, ops);
  }
}

/**
 * The sessions' rollup rows once `changes` leave the ledger (`ccotel prune`): each session's earlier
 * rollup plus what its pruned usage and tool records add, so `ccotel sessions` shows the same cost,
 * tools, subagents and files afterwards.
 */
export function sessionRollupAfterPrune(ledger: Ledger, changes: readonly LedgerChange[], pricer: Pricer): Row[] {
  const out = new Map<string, SessionSummary>();
  const of = (id: string): SessionSummary => {
    let s = out.get(id);
    if (!s) out.set(id, (s = newSummary()));
    return s;
  };
  for (const row of ledger.rollups) if (row[0] === 'A' && row[1] === SESSION_ROLLUP) addRollup(of(row[2] as string), JSON.parse(row[3] as string) as RollupForm, true);
  const usage: UsageRecord[] = [];
  const tools: ToolRecord[] = [];
  for (const c of changes) {
    if (c.type === 'usage') usage.push(c.next);
    else if (c.type === 'tool') tools.push(c.next);
  }
  addRecords(of, usage, tools, pricer, true);
  const rows: Row[] = [];
  for (const [id, s] of out) {
    const form: RollupForm = [
      s.nanoUsd,
      [...s.models].map(([n, m]) => [n, m.calls, m.tokens, m.nanoUsd]),
      s.toolCalls,
      [...s.tools].map(([n, t]) => [n, t.calls, t.errors]),
      [...s.subagents].map(([a, x]) => [a, x.calls, x.tools]),
      [...s.files].map(([p, ops]) => [p, [...ops].sort()]),
    ];
    rows.push(['A', SESSION_ROLLUP, id, JSON.stringify(form)]);
  }
  return rows;
}
