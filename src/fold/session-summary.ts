// Per-session totals, kept by the fold change by change like every other aggregate (a replaced
// record is subtracted, its successor added), so `ccotel sessions` lists cost, tokens and tool calls
// without reading the ledger, and a bounded "recent sessions" view can be exported from it. Only
// transcript facts count: hook estimates belong to sessions with no transcript here, which are not
// sessions `ccotel sessions` can resume.
import { bump, type Counts } from './counts.js';
import { latestTs, type Fact } from './facts.js';

export interface SessionModelTotals {
  /** Model calls (API errors included). */
  calls: number;
  tokens: number;
  nanoUsd: number;
}

/** A sensitive-action rule hit, as `--show` prints it (the value is already redacted). */
export interface SessionHit {
  key: string;
  ts: number;
  rule: string;
  severity: string;
  tool: string;
  value: string;
}

export interface SessionTotals {
  sessionId: string;
  /** The cwd of the session's latest fact that names one (`''` when none does). */
  cwd: string;
  /**
   * Earliest and latest event time of the session's facts. These only widen: a record replaced by
   * one with a later start (or an earlier result time) leaves them where they were, like the
   * series' newest event time; every other field equals a fold of the records as they are now.
   */
  firstTs: number;
  lastTs: number;
  /** Facts counted: the entry is dropped when this reaches 0. */
  n: number;
  nanoUsd: number;
  tokens: number;
  /** Model calls (API errors included), subagents' too. */
  calls: number;
  apiErrors: number;
  toolCalls: number;
  toolErrors: number;
  /** Prompts a user typed (not subagent inputs). */
  prompts: number;
  compactions: number;
  models: Map<string, SessionModelTotals>;
  tools: Map<string, { calls: number; errors: number }>;
  /** Subagent id → its model calls and tool calls. */
  subagents: Map<string, { calls: number; tools: number }>;
  /** Rule hits by rule (every hit counted). */
  sensitive: Counts;
  /** The first MAX_SESSION_HITS hits in arrival order (hits are never replaced). */
  hits: SessionHit[];
}

/** Hits kept per session for display; `sensitive` counts them all. */
export const MAX_SESSION_HITS = 200;

export type SessionSummaries = Map<string, SessionTotals>;

export const newSessionTotals = (sessionId: string): SessionTotals => ({
  sessionId,
  cwd: '',
  firstTs: Infinity,
  lastTs: -Infinity,
  n: 0,
  nanoUsd: 0,
  tokens: 0,
  calls: 0,
  apiErrors: 0,
  toolCalls: 0,
  toolErrors: 0,
  prompts: 0,
  compactions: 0,
  models: new Map(),
  tools: new Map(),
  subagents: new Map(),
  sensitive: new Map(),
  hits: [],
});

/**
 * Adds (sign 1) or subtracts (sign -1) one fact. `hit` is the ledger's hit record for a hit fact
 * (its key and value are not part of the fact).
 */
export function addToSessions(all: SessionSummaries, f: Fact, sign: 1 | -1, hit?: { key: string; value: string }): void {
  if (f.kind === 'estimate' || f.kind === 'hook' || !f.sessionId) return;
  let s = all.get(f.sessionId);
  if (s === undefined) all.set(f.sessionId, (s = newSessionTotals(f.sessionId)));
  s.n += sign;
  if (sign > 0) {
    const last = latestTs(f);
    if (f.ts < s.firstTs) s.firstTs = f.ts;
    if (last >= s.lastTs) {
      s.lastTs = last;
      if (f.cwd) s.cwd = f.cwd;
    } else if (!s.cwd && f.cwd) s.cwd = f.cwd;
  }
  switch (f.kind) {
    case 'call': {
      s.calls += sign;
      if (f.apiError) s.apiErrors += sign;
      s.tokens += sign * f.total;
      s.nanoUsd += sign * f.nanoUsd;
      let m = s.models.get(f.model);
      if (m === undefined) s.models.set(f.model, (m = { calls: 0, tokens: 0, nanoUsd: 0 }));
      m.calls += sign;
      m.tokens += sign * f.total;
      m.nanoUsd += sign * f.nanoUsd;
      if (m.calls === 0) s.models.delete(f.model);
      if (f.agentId) agentOf(s, f.agentId).calls += sign;
      break;
    }
    case 'tool': {
      s.toolCalls += sign;
      if (f.isError) s.toolErrors += sign;
      let t = s.tools.get(f.name);
      if (t === undefined) s.tools.set(f.name, (t = { calls: 0, errors: 0 }));
      t.calls += sign;
      if (f.isError) t.errors += sign;
      if (t.calls === 0) s.tools.delete(f.name);
      if (f.agentId) agentOf(s, f.agentId).tools += sign;
      break;
    }
    case 'prompt':
      if (f.user) s.prompts += sign;
      break;
    case 'compaction':
      s.compactions += sign;
      break;
    case 'hit':
      bump(s.sensitive, f.rule, sign);
      if (sign > 0 && hit && s.hits.length < MAX_SESSION_HITS) s.hits.push({ key: hit.key, ts: f.ts, rule: f.rule, severity: f.severity, tool: f.tool, value: hit.value });
      else if (sign < 0 && hit) s.hits = s.hits.filter((h) => h.key !== hit.key);
      break;
  }
  if ((f.kind === 'call' || f.kind === 'tool') && f.agentId) {
    const a = s.subagents.get(f.agentId)!;
    if (a.calls === 0 && a.tools === 0) s.subagents.delete(f.agentId);
  }
  if (s.n === 0) all.delete(f.sessionId);
}

function agentOf(s: SessionTotals, id: string): { calls: number; tools: number } {
  let a = s.subagents.get(id);
  if (a === undefined) s.subagents.set(id, (a = { calls: 0, tools: 0 }));
  return a;
}

// Saved in the fold's session parts (see fold-file.ts) as arrays, one per session: the names cost more than the numbers.
type Plain = unknown;

export function sessionsToPlain(all: SessionSummaries): Plain[] {
  const out: Plain[] = [];
  for (const s of all.values()) {
    const models: Plain[] = [];
    for (const [k, m] of s.models) models.push(k, m.calls, m.tokens, m.nanoUsd);
    const tools: Plain[] = [];
    for (const [k, t] of s.tools) tools.push(k, t.calls, t.errors);
    const agents: Plain[] = [];
    for (const [k, a] of s.subagents) agents.push(k, a.calls, a.tools);
    const sensitive: Plain[] = [];
    for (const [k, n] of s.sensitive) sensitive.push(k, n);
    const hits = s.hits.map((h) => [h.key, h.ts, h.rule, h.severity, h.tool, h.value]);
    out.push([s.sessionId, s.cwd, s.firstTs, s.lastTs, s.n, s.nanoUsd, s.tokens, s.calls, s.apiErrors, s.toolCalls, s.toolErrors, s.prompts, s.compactions, models, tools, agents, sensitive, hits]);
  }
  return out;
}

/** The summaries from their saved form; undefined when it is not one (the fold is then rebuilt). */
export function sessionsFromPlain(v: Plain): SessionSummaries | undefined {
  if (!Array.isArray(v)) return undefined;
  const all: SessionSummaries = new Map();
  for (const row of v as Plain[][]) {
    if (!Array.isArray(row) || row.length < 18) return undefined;
    const [sessionId, cwd, firstTs, lastTs, n, nanoUsd, tokens, calls, apiErrors, toolCalls, toolErrors, prompts, compactions] = row as [string, string, ...number[]];
    const s: SessionTotals = { ...newSessionTotals(sessionId), cwd, firstTs: firstTs!, lastTs: lastTs!, n: n!, nanoUsd: nanoUsd!, tokens: tokens!, calls: calls!, apiErrors: apiErrors!, toolCalls: toolCalls!, toolErrors: toolErrors!, prompts: prompts!, compactions: compactions! };
    const [models, tools, agents, sensitive, hits] = row.slice(13) as Plain[][];
    for (let i = 0; i < models!.length; i += 4) s.models.set(models![i] as string, { calls: models![i + 1] as number, tokens: models![i + 2] as number, nanoUsd: models![i + 3] as number });
    for (let i = 0; i < tools!.length; i += 3) s.tools.set(tools![i] as string, { calls: tools![i + 1] as number, errors: tools![i + 2] as number });
    for (let i = 0; i < agents!.length; i += 3) s.subagents.set(agents![i] as string, { calls: agents![i + 1] as number, tools: agents![i + 2] as number });
    for (let i = 0; i < sensitive!.length; i += 2) s.sensitive.set(sensitive![i] as string, sensitive![i + 1] as number);
    s.hits = (hits as Plain[][]).map(([key, ts, rule, severity, tool, value]) => ({ key: key as string, ts: ts as number, rule: rule as string, severity: severity as string, tool: tool as string, value: value as string }));
    all.set(sessionId, s);
  }
  return all;
}

/** The `limit` sessions with the most recent activity (for a bounded export), newest first. */
export function recentSessions(all: SessionSummaries, limit: number): SessionTotals[] {
  return [...all.values()].sort((a, b) => b.lastTs - a.lastTs || (a.sessionId < b.sessionId ? -1 : 1)).slice(0, limit);
}
