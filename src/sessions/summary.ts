// What the ledger knows of a session: cost (priced by the same fact function the fold uses, so
// `sessions` and `stats` never disagree), tool calls, subagents, files and rule hits. A forked
// session's copies share their records (the ledger's keys dedupe them), so both show the same numbers.
import type { Ledger, HitRecord } from '../state/ledger.js';
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

/** Summaries of the given sessions (detail: files and hits too), in one pass over the ledger. */
export function summarize(ledger: Ledger, pricer: Pricer, ids: ReadonlySet<string>, detail = false): Map<string, SessionSummary> {
  const out = new Map<string, SessionSummary>();
  const of = (id: string): SessionSummary | undefined => {
    if (!ids.has(id)) return undefined;
    let s = out.get(id);
    if (!s) out.set(id, (s = { nanoUsd: 0, models: new Map(), toolCalls: 0, tools: new Map(), subagents: new Map(), files: new Map(), hits: [] }));
    return s;
  };
  const agent = (s: SessionSummary, id: string): { calls: number; tools: number } => {
    let a = s.subagents.get(id);
    if (!a) s.subagents.set(id, (a = { calls: 0, tools: 0 }));
    return a;
  };
  for (const r of ledger.usage.values()) {
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
  for (const t of ledger.tools.values()) {
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
  if (detail) {
    for (const h of ledger.hits.values()) of(h.sessionId)?.hits.push(h);
    for (const s of out.values()) s.hits.sort((a, b) => a.ts - b.ts || (a.key < b.key ? -1 : 1));
  }
  return out;
}
