// Deterministic generator of realistic Claude Code histories, with independently computed expected
// totals. Nothing here imports src/: the counting rules are re-derived from
// ../shared/claude-code-format.md (and facts checked against ccusage 20.0.24), so a test that compares
// ccotel's output to `Expected` checks src against a second implementation, not against itself.
//
// Layout written under <root>/projects/<encoded-cwd>/:
//   <sessionId>.jsonl                                  main transcript
//   <sessionId>/subagents/agent-<agentId>.jsonl        Task subagents and compaction agents
//   <sessionId>/subagents/agent-<agentId>.meta.json    newer-version metadata (not a transcript)
//
// What the lines contain (modelled on fixtures/real/): file-history-snapshot, hook_progress,
// bash_progress, agent_progress (copies of subagent messages, usage included: a usage source under the
// same key and max rule, so they add nothing while the subagent file holds the key, and count alone
// when `dropSubagentFiles` leaves a subagent's file out),
// waiting_for_task, queue-operation, system turn_duration / stop_hook_summary / compact_boundary,
// one assistant line per content block (streaming copies: same message.id + requestId, growing
// output_tokens; the largest copy must win), some responses without requestId (dedup by message.id),
// tool_result user lines with toolUseResult (Task results carry a `usage` that must NOT count),
// `<synthetic>` API error lines, models opus-4-6 (some speed "fast"), sonnet-4-5 (some entries with
// more than 200k cache-read tokens), haiku-4-5 and an unknown model, cache_creation 5m/1h split
// present or absent, failing Bash commands repeated, files read 3+ times, edits.
//
// With `faults: true` some files also get CRLF line endings, blank lines, garbage lines (non-JSON,
// half a JSON object, invalid UTF-8 bytes) and a torn final line (no newline, cut mid-object). A torn
// line is not counted anywhere in Expected, neither its tokens nor as a line: it is still being
// written. `appendMore()` completes torn lines first, then appends; Expected is cumulative.
//
// Expected follows the ledger semantics documented in src (ingest/manager.ts / state/ledger.ts): records
// once counted stay counted when a file is later truncated or replaced; re-read bytes never count
// twice. `truncateFile()` and `replaceSession()` keep Expected in line with that.
import { closeSync, mkdirSync, openSync, readFileSync, readdirSync, renameSync, statSync, truncateSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';

export interface GenerateOptions {
  /** Main sessions to write. */
  sessions: number;
  seed: number;
  /** Distinct project directories (cwd) the sessions are spread over. Default 3. */
  projects?: number;
  /** First day (UTC, YYYY-MM-DD). Default 2026-01-05. */
  startDate?: string;
  /** Days the sessions are spread over. Default 30. */
  days?: number;
  /** Approximate total bytes to write (sessions get more turns). Default: a few turns per session. */
  targetBytes?: number;
  /** CRLF files, blank/garbage lines and torn final lines. Default false. */
  faults?: boolean;
  /**
   * Share of API responses written without requestId (older Claude Code versions). Their streamed
   * copies are deduplicated by message.id alone (the rule in claude-code-format.md). Default 0.06.
   * Note: ccusage 20.0.24 does not deduplicate such copies when their timestamps differ, so the
   * ccusage cross-check sets this to 0.
   */
  missingRequestId?: number;
  /**
   * Share of successful Bash results that are long outputs (a build log, a test run: 20–200 kB of
   * text), as in histories where most bytes are tool output rather than model calls. Default 0.
   */
  longToolOutputs?: number;
  /**
   * Share of Task subagents whose own transcript is not written (deleted, never copied): their
   * calls are then recorded only by the agent_progress copies in the parent. Default 0.
   */
  dropSubagentFiles?: number;
  /**
   * 'heavy': the shape of a long-used real history — long thinking blocks, long tool_result
   * contents, many progress lines and many small subagent files. Default 'bench' (unchanged).
   */
  shape?: 'bench' | 'heavy';
}

export interface TokenTotals {
  input: number;
  output: number;
  cacheCreation: number;
  cacheRead: number;
  total: number;
}

export interface Expected {
  tokens: TokenTotals;
  costUSD: number;
  sessions: number;
  subagents: number;
  prompts: number;
  /** tool_use blocks (distinct ids). */
  operations: number;
  /** Distinct non-error API responses. */
  requests: number;
  apiErrors: number;
  compactions: number;
  tools: Record<string, { calls: number; errors: number }>;
  /** Tool calls without a tool_result yet, by tool name (included in tools[name].calls). */
  pendingTools: Record<string, number>;
  models: Record<string, TokenTotals & { costUSD: number; requests: number }>;
  projects: Record<string, { sessions: number; operations: number; costUSD: number; tokens: number }>;
  quality: {
    repeatedReads: Array<{ sessionId: string; file: string; reads: number }>;
    failingCommands: Array<{ command: string; failures: number }>;
    mostEdited: Array<{ file: string; edits: number }>;
  };
  input: { files: number; lines: number; malformedLines: number; oversizedLines: number; unpricedModels: string[] };
  /** Same as input.malformedLines / input.files, for convenience. */
  malformedLines: number;
  files: number;
  /** Bytes on disk under projects/ (transcripts only). */
  bytes: number;
  /** Torn (unterminated) final lines currently on disk; they count nowhere. */
  tornLines: number;
  /**
   * By the `agent` label: `main`, `compact` (compaction agents), the sanitized subagent type
   * (SUBAGENT_TYPES; told by the generator, not derived from the lines).
   */
  agents: Record<string, TokenTotals & { costUSD: number; cacheSavingsUSD: number }>;
  /** Cache writes by time to live (writes without a 5m/1h split count as 5m). */
  cacheWrites: { '5m': number; '1h': number };
  /** Σ cache-read tokens × (input price − cache-read price), per entry with the 200k tier and fast multiplier. */
  cacheSavingsUSD: number;
  /** Per session id (subagents included in their session): the truth of the recent-session gauges. */
  bySession: Record<string, SessionExpected>;
}

export interface SessionExpected {
  cwd: string;
  costUSD: number;
  /** All four token types. */
  tokens: number;
  /** tool_use blocks (pending ones included). */
  toolCalls: number;
  toolErrors: number;
  subagents: number;
  prompts: number;
  /** Newest timestamp of any of the session's lines (ms). */
  lastTs: number;
}

/**
 * Subagent types the Task calls name, with the `agent` label each must get (lowercase,
 * [a-z0-9_-], other runs as `_`). Chosen from the Task call's id, so no randomness is consumed.
 */
export const SUBAGENT_TYPES: ReadonlyArray<readonly [string, string]> = [
  ['Explore', 'explore'],
  ['general-purpose', 'general-purpose'],
  ['Plan', 'plan'],
  ['Code Reviewer: strict v2', 'code_reviewer_strict_v2'],
];
const idHash = (id: string): number => {
  let h = 0;
  for (let i = 0; i < id.length; i++) h = (h * 31 + id.charCodeAt(i)) >>> 0;
  return h;
};
const subagentTypeOf = (toolUseId: string): readonly [string, string] => SUBAGENT_TYPES[idHash(toolUseId) % SUBAGENT_TYPES.length]!;
/** Older versions write no meta file: a third of the subagents have none (their type comes from the parent). */
const writesMeta = (toolUseId: string): boolean => (idHash(toolUseId) >>> 4) % 3 !== 0;

// ---------------------------------------------------------------------------------------------
// Prices (USD per million tokens) from ../shared/claude-code-format.md.
interface Price {
  in: number;
  out: number;
  write: number;
  read: number;
  hi?: { in: number; out: number; write: number; read: number };
  fast?: number;
}
const SONNET_HI = { in: 6, out: 22.5, write: 7.5, read: 0.6 };
const PRICES: Record<string, Price> = {
  'claude-opus-4-5': { in: 5, out: 25, write: 6.25, read: 0.5 },
  'claude-opus-4-6': { in: 5, out: 25, write: 6.25, read: 0.5, fast: 6 },
  'claude-opus-4-7': { in: 5, out: 25, write: 6.25, read: 0.5, fast: 6 },
  'claude-opus-4': { in: 15, out: 75, write: 18.75, read: 1.5 },
  'claude-opus-4-1': { in: 15, out: 75, write: 18.75, read: 1.5 },
  'claude-sonnet-4-6': { in: 3, out: 15, write: 3.75, read: 0.3 },
  'claude-sonnet-4-5': { in: 3, out: 15, write: 3.75, read: 0.3, hi: SONNET_HI },
  'claude-sonnet-4': { in: 3, out: 15, write: 3.75, read: 0.3, hi: SONNET_HI },
  'claude-haiku-4-5': { in: 1, out: 5, write: 1.25, read: 0.1 },
  'claude-3-5-haiku': { in: 0.8, out: 4, write: 1, read: 0.08 },
  'claude-3-7-sonnet': { in: 3, out: 15, write: 3.75, read: 0.3 },
};

function priceFor(model: string): Price | undefined {
  let best: string | undefined;
  for (const k of Object.keys(PRICES)) if (model.startsWith(k) && (!best || k.length > best.length)) best = k;
  return best ? PRICES[best] : undefined;
}

interface Use {
  model: string;
  input: number;
  output: number;
  /** Cache writes as ccusage counts them: 5m + 1h when the split object is present. */
  cc: number;
  cc1h: number;
  cr: number;
  fast: boolean;
  apiError: boolean;
  sessionId: string;
  agentId?: string;
  cwd: string;
}

const useTotal = (u: Use) => u.input + u.output + u.cc + u.cr;

/** USD for one deduplicated entry; undefined price = unknown model (0, "unpriced"). */
export function entryCost(u: Pick<Use, 'model' | 'input' | 'output' | 'cc' | 'cc1h' | 'cr' | 'fast' | 'apiError'>): { usd: number; priced: boolean } {
  if (u.apiError || u.model === '<synthetic>') return { usd: 0, priced: true };
  const p = priceFor(u.model);
  if (!p) return { usd: 0, priced: false };
  const T = 200_000;
  const tier = (n: number, base: number, hi: number | undefined) => (hi !== undefined && n > T ? T * base + (n - T) * hi : n * base);
  let usd =
    tier(u.input, p.in, p.hi?.in) +
    tier(u.output, p.out, p.hi?.out) +
    tier(u.cc - u.cc1h, p.write, p.hi?.write) +
    tier(u.cr, p.read, p.hi?.read) +
    tier(u.cc1h, 2 * p.in, p.hi ? 2 * p.hi.in : undefined);
  if (u.fast && p.fast) usd *= p.fast;
  return { usd: usd / 1e6, priced: true };
}

/** USD that cache reads saved on one entry against the input price (0 for errors and unknown models). */
export function entrySavings(u: Pick<Use, 'model' | 'cr' | 'fast' | 'apiError'>): number {
  if (u.apiError || u.model === '<synthetic>') return 0;
  const p = priceFor(u.model);
  if (!p) return 0;
  const T = 200_000;
  const tier = (n: number, base: number, hi: number | undefined) => (hi !== undefined && n > T ? T * base + (n - T) * hi : n * base);
  let usd = tier(u.cr, p.in, p.hi?.in) - tier(u.cr, p.read, p.hi?.read);
  if (u.fast && p.fast) usd *= p.fast;
  return usd / 1e6;
}

// ---------------------------------------------------------------------------------------------
// The independent tally: applies the counting rules to every complete line written.
type J = Record<string, any>;
const FILE_TOOLS = new Set(['Read', 'Edit', 'Write', 'MultiEdit', 'NotebookEdit', 'NotebookRead']);
const EDIT_TOOLS = new Set(['Edit', 'Write', 'MultiEdit', 'NotebookEdit']);

class Tally {
  usage = new Map<string, Use>();
  tools = new Map<string, { name: string; sessionId: string; agentId?: string; cwd: string; target?: string; isError?: boolean }>();
  orphanResults = new Map<string, boolean>();
  prompts = new Map<string, { sessionId: string; cwd: string }>();
  compactions = new Set<string>();
  lastTs = new Map<string, number>();
  /** Label of each subagent, as the generator chose it (`session/agentId`). */
  agentLabels = new Map<string, string>();

  addLine(o: J): void {
    if (!o || typeof o !== 'object' || Array.isArray(o)) return;
    const type = o.type;
    if (type === 'progress') return this.addProgress(o);
    if (type === 'file-history-snapshot' || type === 'queue-operation' || type === 'summary') return;
    const ts = typeof o.timestamp === 'string' ? Date.parse(o.timestamp) : NaN;
    if (!Number.isFinite(ts) || typeof o.sessionId !== 'string') return;
    const sessionId: string = o.sessionId;
    if (ts > (this.lastTs.get(sessionId) ?? -Infinity)) this.lastTs.set(sessionId, ts);
    const cwd: string = o.cwd ?? '';
    const agentId: string | undefined = o.isSidechain === true ? o.agentId : undefined;
    if (type === 'system') {
      if (o.subtype === 'compact_boundary') this.compactions.add(`${sessionId}@${ts}`);
      return;
    }
    const m = o.message;
    if (!m || typeof m !== 'object') return;
    if (m.usage && typeof m.usage === 'object') {
      if (typeof m.id !== 'string') throw new Error('generator wrote usage without message.id');
      this.addUsage(m, o.requestId, o.isApiErrorMessage === true, sessionId, agentId, cwd);
      if (Array.isArray(m.content)) {
        for (const b of m.content) {
          if (b?.type !== 'tool_use' || this.tools.has(b.id)) continue;
          const input = b.input ?? {};
          let target: unknown;
          if (FILE_TOOLS.has(b.name)) target = input.file_path ?? input.notebook_path ?? input.path;
          else if (b.name === 'Bash') target = input.command;
          const isError = this.orphanResults.get(b.id);
          this.orphanResults.delete(b.id);
          this.tools.set(b.id, { name: b.name, sessionId, agentId, cwd, target: typeof target === 'string' ? target : undefined, isError });
        }
      }
      return;
    }
    if (type !== 'user') return;
    if (Array.isArray(m.content) && m.content.some((b: J) => b?.type === 'tool_result')) {
      for (const b of m.content) {
        if (b?.type !== 'tool_result') continue;
        const t = this.tools.get(b.tool_use_id);
        if (t) t.isError = b.is_error === true;
        else this.orphanResults.set(b.tool_use_id, b.is_error === true);
      }
      return;
    }
    if (o.isMeta === true || o.isCompactSummary === true || agentId) return;
    const text = typeof m.content === 'string' ? m.content : Array.isArray(m.content) ? m.content.map((b: J) => (typeof b?.text === 'string' ? b.text : '')).join('') : '';
    if (text.length > 0 && !this.prompts.has(o.uuid)) this.prompts.set(o.uuid, { sessionId, cwd });
  }

  private addUsage(m: J, requestId: unknown, isApiError: boolean, sessionId: string, agentId: string | undefined, cwd: string): void {
    const key = requestId ? `${m.id}:${requestId}` : m.id;
    const u = m.usage;
    const split = u.cache_creation && typeof u.cache_creation === 'object' ? u.cache_creation : undefined;
    const rec: Use = {
      model: m.model,
      input: u.input_tokens ?? 0,
      output: u.output_tokens ?? 0,
      cc: split ? (split.ephemeral_5m_input_tokens ?? 0) + (split.ephemeral_1h_input_tokens ?? 0) : (u.cache_creation_input_tokens ?? 0),
      cc1h: split ? (split.ephemeral_1h_input_tokens ?? 0) : 0,
      cr: u.cache_read_input_tokens ?? 0,
      fast: u.speed === 'fast',
      apiError: isApiError || m.model === '<synthetic>',
      sessionId,
      agentId,
      cwd,
    };
    const prev = this.usage.get(key);
    if (!prev || useTotal(rec) > useTotal(prev)) this.usage.set(key, rec);
  }

  /**
   * agent_progress: data.message is a copy of a subagent line (its message, requestId, timestamp).
   * Its usage counts under the same key and max rule as the subagent file's own copy, for that
   * subagent (data.agentId); nothing else in it counts (tool calls come from the subagent's file).
   */
  private addProgress(o: J): void {
    const d = o.data;
    if (!d || d.type !== 'agent_progress' || typeof o.sessionId !== 'string' || typeof d.agentId !== 'string') return;
    const c = d.message;
    const m = c?.message;
    if (!m || typeof m !== 'object' || !m.usage || typeof m.usage !== 'object' || typeof m.id !== 'string') return;
    if (!Number.isFinite(Date.parse(c.timestamp ?? o.timestamp))) return;
    this.addUsage(m, c.requestId, c.isApiErrorMessage === true, o.sessionId, d.agentId, o.cwd ?? '');
  }

  result(input: { files: number; lines: number; malformed: number; bytes: number; torn: number }): Expected {
    const empty = (): TokenTotals => ({ input: 0, output: 0, cacheCreation: 0, cacheRead: 0, total: 0 });
    const add = (t: TokenTotals, u: Use) => {
      t.input += u.input;
      t.output += u.output;
      t.cacheCreation += u.cc;
      t.cacheRead += u.cr;
      t.total += useTotal(u);
    };
    const tokens = empty();
    const models: Expected['models'] = {};
    const projects: Expected['projects'] = {};
    const projectSessions = new Map<string, Set<string>>();
    const sessions = new Set<string>();
    const agents = new Set<string>();
    const unpriced = new Set<string>();
    const project = (cwd: string) => (projects[cwd] ??= { sessions: 0, operations: 0, costUSD: 0, tokens: 0 });
    const seen = (s: string, a: string | undefined, cwd: string) => {
      sessions.add(s);
      if (a) agents.add(`${s}/${a}`);
      let set = projectSessions.get(cwd);
      if (!set) projectSessions.set(cwd, (set = new Set()));
      set.add(s);
    };
    let costUSD = 0;
    let requests = 0;
    let apiErrors = 0;
    const byAgent: Expected['agents'] = {};
    const cacheWrites = { '5m': 0, '1h': 0 };
    let cacheSavingsUSD = 0;
    for (const u of this.usage.values()) {
      seen(u.sessionId, u.agentId, u.cwd);
      const { usd, priced } = entryCost(u);
      const label = !u.agentId ? 'main' : u.agentId.startsWith('acompact-') ? 'compact' : (this.agentLabels.get(`${u.sessionId}/${u.agentId}`) ?? 'unknown');
      const a = (byAgent[label] ??= { ...empty(), costUSD: 0, cacheSavingsUSD: 0 });
      add(a, u);
      a.costUSD += usd;
      const saved = entrySavings(u);
      a.cacheSavingsUSD += saved;
      cacheSavingsUSD += saved;
      cacheWrites['5m'] += u.cc - u.cc1h;
      cacheWrites['1h'] += u.cc1h;
      if (!priced) unpriced.add(u.model);
      if (u.apiError) apiErrors++;
      else requests++;
      add(tokens, u);
      costUSD += usd;
      const m = (models[u.model] ??= { ...empty(), costUSD: 0, requests: 0 });
      add(m, u);
      m.costUSD += usd;
      m.requests++;
      const p = project(u.cwd);
      p.costUSD += usd;
      p.tokens += useTotal(u);
    }
    const tools: Expected['tools'] = {};
    const pendingTools: Expected['pendingTools'] = {};
    const reads = new Map<string, { sessionId: string; file: string; reads: number }>();
    const failing = new Map<string, number>();
    const edits = new Map<string, number>();
    for (const t of this.tools.values()) {
      seen(t.sessionId, t.agentId, t.cwd);
      const e = (tools[t.name] ??= { calls: 0, errors: 0 });
      e.calls++;
      if (t.isError) e.errors++;
      if (t.isError === undefined) pendingTools[t.name] = (pendingTools[t.name] ?? 0) + 1;
      project(t.cwd).operations++;
      if (t.target === undefined) continue;
      if (t.name === 'Read') {
        const k = `${t.sessionId}\0${t.target}`;
        const r = reads.get(k) ?? { sessionId: t.sessionId, file: t.target, reads: 0 };
        r.reads++;
        reads.set(k, r);
      } else if (t.name === 'Bash' && t.isError) failing.set(t.target, (failing.get(t.target) ?? 0) + 1);
      else if (EDIT_TOOLS.has(t.name)) edits.set(t.target, (edits.get(t.target) ?? 0) + 1);
    }
    for (const p of this.prompts.values()) seen(p.sessionId, undefined, p.cwd);
    for (const [cwd, s] of projectSessions) project(cwd).sessions = s.size;
    const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
    const sortKeys = <T>(o: Record<string, T>) => Object.fromEntries(Object.entries(o).sort(([a], [b]) => cmp(a, b)));
    const unpricedModels = [...unpriced].sort();
    const bySession: Record<string, SessionExpected> = {};
    const one = (id: string, cwd: string): SessionExpected => (bySession[id] ??= { cwd, costUSD: 0, tokens: 0, toolCalls: 0, toolErrors: 0, subagents: 0, prompts: 0, lastTs: this.lastTs.get(id) ?? NaN });
    for (const u of this.usage.values()) {
      const x = one(u.sessionId, u.cwd);
      x.costUSD += entryCost(u).usd;
      x.tokens += useTotal(u);
    }
    for (const t of this.tools.values()) {
      const x = one(t.sessionId, t.cwd);
      x.toolCalls++;
      if (t.isError) x.toolErrors++;
    }
    for (const p of this.prompts.values()) one(p.sessionId, p.cwd).prompts++;
    for (const a of agents) one(a.slice(0, a.indexOf('/')), '').subagents++;
    return {
      bySession: Object.fromEntries(Object.entries(bySession).sort(([a], [b]) => cmp(a, b))),
      tokens,
      costUSD,
      sessions: sessions.size,
      subagents: agents.size,
      prompts: this.prompts.size,
      operations: this.tools.size,
      requests,
      apiErrors,
      compactions: this.compactions.size,
      tools: sortKeys(tools),
      pendingTools: sortKeys(pendingTools),
      models: sortKeys(models),
      projects: sortKeys(projects),
      quality: {
        repeatedReads: [...reads.values()].filter((r) => r.reads >= 3).sort((a, b) => b.reads - a.reads || cmp(a.sessionId + a.file, b.sessionId + b.file)).slice(0, 10),
        failingCommands: [...failing].map(([command, failures]) => ({ command, failures })).sort((a, b) => b.failures - a.failures || cmp(a.command, b.command)).slice(0, 10),
        mostEdited: [...edits].map(([file, n]) => ({ file, edits: n })).sort((a, b) => b.edits - a.edits || cmp(a.file, b.file)).slice(0, 10),
      },
      input: { files: input.files, lines: input.lines, malformedLines: input.malformed, oversizedLines: 0, unpricedModels },
      malformedLines: input.malformed,
      files: input.files,
      bytes: input.bytes,
      tornLines: input.torn,
      agents: sortKeys(byAgent),
      cacheWrites,
      cacheSavingsUSD,
    };
  }
}

// ---------------------------------------------------------------------------------------------
// Line/malformed counting straight from bytes (used after truncation/replacement, and by tests).

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** Complete lines (newline-terminated, blank ones included) and malformed lines in a transcript. */
export function scanTranscript(buf: Buffer): { lines: number; malformed: number; tornBytes: number } {
  let lines = 0;
  let malformed = 0;
  let start = 0;
  for (;;) {
    const nl = buf.indexOf(0x0a, start);
    if (nl === -1) break;
    lines++;
    let end = nl;
    if (end > start && buf[end - 1] === 0x0d) end--;
    let blank = true;
    for (let k = start; k < end; k++) {
      const c = buf[k];
      if (c !== 0x20 && c !== 0x09 && c !== 0x0d) {
        blank = false;
        break;
      }
    }
    if (!blank) {
      try {
        JSON.parse(strictUtf8.decode(buf.subarray(start, end)));
      } catch {
        malformed++;
      }
    }
    start = nl + 1;
  }
  return { lines, malformed, tornBytes: buf.length - start };
}

/** Every transcript (*.jsonl) under root/projects, sorted. */
export function listJsonl(root: string): string[] {
  const dir = join(root, 'projects');
  return (readdirSync(dir, { recursive: true }) as string[])
    .filter((p) => p.endsWith('.jsonl'))
    .map((p) => join(dir, p))
    .sort();
}

// ---------------------------------------------------------------------------------------------
// Deterministic randomness and ids.

class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0 || 0x9e3779b9;
  }
  next(): number {
    // mulberry32
    let t = (this.s = (this.s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(a: readonly T[]): T {
    return a[Math.floor(this.next() * a.length)]!;
  }
  chars(n: number, alphabet: string): string {
    let s = '';
    for (let i = 0; i < n; i++) s += alphabet[Math.floor(this.next() * alphabet.length)];
    return s;
  }
}

const B62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const HEX = '0123456789abcdef';

// ---------------------------------------------------------------------------------------------
// Bulky text, built once per process and reused (keeps generation fast).

interface Block {
  raw: string;
  numbered: string;
  lines: number;
}
let POOL: Block[] | undefined;
function pool(): Block[] {
  if (POOL) return POOL;
  const r = new Rng(12345);
  const words = ['socket', 'assigns', 'session', 'transcript', 'render', 'params', 'state', 'event', 'message', 'query', 'result', 'payload', 'cache', 'worker'];
  POOL = [];
  for (let b = 0; b < 40; b++) {
    const n = b < 8 ? r.int(5, 30) : b < 30 ? r.int(40, 400) : r.int(600, 1500);
    const lines: string[] = [];
    for (let i = 0; i < n; i++) {
      const indent = '  '.repeat(r.int(0, 3));
      const w1 = r.pick(words);
      const w2 = r.pick(words);
      switch (r.int(0, 5)) {
        case 0:
          lines.push(`${indent}def handle_${w1}_${i}(${w2}, opts) do`);
          break;
        case 1:
          lines.push(`${indent}${w1} = Map.get(${w2}, :${w1}, "default \\"value\\" ${i}")`);
          break;
        case 2:
          lines.push(`${indent}# ${w1} then ${w2}: keep\ttabs and "quotes" in sync`);
          break;
        case 3:
          lines.push(`${indent}{:ok, ${w1}} <- fetch_${w2}(id: ${i})`);
          break;
        case 4:
          lines.push('');
          break;
        default:
          lines.push(`${indent}end`);
      }
    }
    const raw = lines.join('\n');
    const numbered = lines.map((l, i) => `${String(i + 1).padStart(6)}\u2192${l}`).join('\n');
    POOL.push({ raw, numbered, lines: n });
  }
  return POOL;
}

// ---------------------------------------------------------------------------------------------
// Output files.

class Out {
  private parts: string[] = [];
  private len = 0;
  private fd: number;
  lines = 0;
  malformed = 0;
  bytes = 0;
  /** Written, then deleted on close: a transcript that is missing from the history. */
  dropped = false;
  constructor(
    readonly path: string,
    readonly crlf: boolean,
    append = false,
  ) {
    mkdirSync(dirname(path), { recursive: true });
    this.fd = openSync(path, append ? 'a' : 'w');
  }
  get eol(): string {
    return this.crlf ? '\r\n' : '\n';
  }
  /** Raw text (no newline added). Counts bytes approximately (string length) until flushed. */
  raw(s: string): void {
    this.parts.push(s);
    this.len += s.length;
    if (this.len > 4 << 20) this.flush();
  }
  rawBytes(b: Buffer): void {
    this.flush();
    writeSync(this.fd, b);
    this.bytes += b.length;
  }
  /** Approximate bytes written so far (exact after flush/close). */
  get size(): number {
    return this.bytes + this.len;
  }
  flush(): void {
    if (this.parts.length === 0) return;
    const s = this.parts.join('');
    this.parts = [];
    this.len = 0;
    this.bytes += writeSync(this.fd, s);
  }
  close(): void {
    this.flush();
    closeSync(this.fd);
    if (this.dropped) unlinkSync(this.path);
  }
}

// ---------------------------------------------------------------------------------------------
// Sessions.

interface ModelProfile {
  model: string;
  /** Share of responses sent with speed "fast". */
  fast: number;
  /** Share of responses whose cache read exceeds 200k tokens. */
  over200k: number;
  subagentModel: string;
}

const MODEL_PROFILES: ModelProfile[] = [
  { model: 'claude-opus-4-6', fast: 0, over200k: 0, subagentModel: 'claude-sonnet-4-5-20250929' },
  { model: 'claude-sonnet-4-5-20250929', fast: 0, over200k: 0.25, subagentModel: 'claude-haiku-4-5-20251001' },
  { model: 'claude-haiku-4-5-20251001', fast: 0, over200k: 0, subagentModel: 'claude-haiku-4-5-20251001' },
  { model: 'claude-opus-4-6', fast: 0.5, over200k: 0, subagentModel: 'claude-haiku-4-5-20251001' },
  { model: 'claude-experimental-x', fast: 0, over200k: 0, subagentModel: 'claude-sonnet-4-5-20250929' },
];

const OK_COMMANDS = ['git status', 'git diff --stat', 'ls -la lib/', 'mix compile', 'npm run lint', 'cat mix.exs', 'git log --oneline -5', 'mix format --check-formatted'];
const FAILING_COMMANDS = ['mix test test/app_web/live/session_live_test.exs', 'npm test', 'cargo build --release', 'mix credo --strict'];
const SOURCE_FILES = ['lib/app/session.ex', 'lib/app_web/live/session_live.ex', 'lib/app/transcripts/message.ex', 'test/app/session_test.exs', 'assets/js/app.js', 'lib/app/services/renderer.ex', 'config/config.exs', 'README.md'];

interface Session {
  index: number;
  id: string;
  cwd: string;
  projectDir: string;
  profile: ModelProfile;
  version: string;
  gitBranch: string;
  slug: string;
  t: number;
  lastUuid: string | null;
  ctx: number;
  files: string[];
  crlf: boolean;
  faults: boolean;
  /** Rest of a torn final line and the object it encodes. */
  torn?: { rest: string; obj: J };
  path: string;
}

export class HistoryGenerator {
  private readonly rng: Rng;
  private readonly tally = new Tally();
  private readonly sessions: Session[] = [];
  /** Per transcript path: complete lines and malformed lines. */
  private readonly fileCounts = new Map<string, { lines: number; malformed: number; bytes: number }>();
  private counter = 0;
  private readonly opts: Required<Omit<GenerateOptions, 'targetBytes'>> & { targetBytes?: number };
  private garbageKinds = 0;
  /** While a subagent runs (heavy shape): writes an agent_progress copy of its line into the parent. */
  private progressCopy?: (msg: J) => void;

  constructor(
    readonly root: string,
    opts: GenerateOptions,
  ) {
    this.opts = {
      sessions: opts.sessions,
      seed: opts.seed,
      projects: opts.projects ?? 3,
      startDate: opts.startDate ?? '2026-01-05',
      days: opts.days ?? 30,
      faults: opts.faults ?? false,
      missingRequestId: opts.missingRequestId ?? 0.06,
      longToolOutputs: opts.longToolOutputs ?? 0,
      dropSubagentFiles: opts.dropSubagentFiles ?? 0,
      shape: opts.shape ?? 'bench',
      targetBytes: opts.targetBytes,
    };
    this.rng = new Rng(opts.seed);
  }

  /** Writes the history and returns what ccotel must report for it. */
  generate(): Expected {
    const { sessions, targetBytes } = this.opts;
    const perSession = targetBytes ? targetBytes / sessions : undefined;
    for (let i = 0; i < sessions; i++) {
      const s = this.newSession(i);
      const out = new Out(s.path, s.crlf);
      this.sessionStart(s, out);
      const turns = perSession ? Infinity : this.rng.int(3, 10);
      let written = 0;
      for (let k = 0; k < turns; k++) {
        written += this.turn(s, out);
        if (perSession && written + out.size >= perSession) break;
      }
      this.finishFile(s, out, this.opts.faults && (i % 3 === 1 || this.rng.chance(0.15)));
    }
    return this.expected();
  }

  /**
   * Completes every torn line, then appends `turns` turns to the first `sessions` sessions (default
   * all) and writes `newSessions` new sessions. Returns the cumulative Expected.
   */
  appendMore(o: { sessions?: number; turns?: number; newSessions?: number } = {}): Expected {
    for (const s of this.sessions) {
      if (!s.torn) continue;
      const out = new Out(s.path, s.crlf, true);
      out.raw(s.torn.rest + out.eol);
      this.tally.addLine(s.torn.obj);
      s.torn = undefined;
      out.close();
      this.recount(s.path);
    }
    const n = Math.min(o.sessions ?? this.sessions.length, this.sessions.length);
    for (let i = 0; i < n; i++) {
      const s = this.sessions[i]!;
      const out = new Out(s.path, s.crlf, true);
      for (let k = 0; k < (o.turns ?? 2); k++) this.turn(s, out);
      out.close();
      this.recount(s.path);
    }
    const first = this.sessions.length;
    for (let i = first; i < first + (o.newSessions ?? 0); i++) {
      const s = this.newSession(i);
      const out = new Out(s.path, s.crlf);
      this.sessionStart(s, out);
      for (let k = 0; k < 3; k++) this.turn(s, out);
      this.finishFile(s, out, false);
    }
    return this.expected();
  }

  /**
   * Truncates a session's main transcript at a line boundary near `fraction` of its size. Records
   * already counted stay counted (ledger semantics), so only the input counters change.
   */
  truncateSession(index: number, fraction = 0.5): Expected {
    const s = this.sessions[index]!;
    const buf = readFileSync(s.path);
    const cut = buf.indexOf(0x0a, Math.floor(buf.length * fraction));
    truncateSync(s.path, cut === -1 ? 0 : cut + 1);
    s.torn = undefined;
    this.recount(s.path);
    return this.expected();
  }

  /**
   * Replaces a session's main transcript by a new file (new inode): its first half of complete lines,
   * then `turns` new turns. Old records stay counted; the kept lines must not count twice.
   */
  replaceSession(index: number, turns = 3): Expected {
    const s = this.sessions[index]!;
    const buf = readFileSync(s.path);
    const cut = buf.indexOf(0x0a, Math.floor(buf.length / 2));
    const keep = buf.subarray(0, cut === -1 ? 0 : cut + 1);
    const tmp = `${s.path}.new`;
    const out = new Out(tmp, s.crlf);
    out.rawBytes(Buffer.from(keep));
    s.torn = undefined;
    for (let k = 0; k < turns; k++) this.turn(s, out);
    out.close();
    renameSync(tmp, s.path);
    this.recount(s.path);
    return this.expected();
  }

  /** Paths of the main transcripts, in generation order. */
  sessionPaths(): string[] {
    return this.sessions.map((s) => s.path);
  }

  expected(): Expected {
    let lines = 0;
    let malformed = 0;
    let bytes = 0;
    for (const c of this.fileCounts.values()) {
      lines += c.lines;
      malformed += c.malformed;
      bytes += c.bytes;
    }
    const torn = this.sessions.filter((s) => s.torn).length;
    return this.tally.result({ files: this.fileCounts.size, lines, malformed, bytes, torn });
  }

  private get heavy(): boolean {
    return this.opts.shape === 'heavy';
  }

  /** Text of about lo..hi characters from the pool (line-numbered like Read output when asked). */
  private longText(lo: number, hi: number, numbered = false): string {
    const want = this.rng.int(lo, hi);
    const P = pool();
    let t = '';
    while (t.length < want) t += (numbered ? P[this.rng.int(8, P.length - 1)]!.numbered : P[this.rng.int(8, P.length - 1)]!.raw) + '\n';
    return t.slice(0, want);
  }

  private taskCall(): J {
    const id = this.id('toolu_01', 24);
    const input = { description: 'Explore transcript rendering', prompt: 'Very thorough exploration of how transcripts render. Provide the FULL content of each file.', subagent_type: subagentTypeOf(id)[0] };
    return { type: 'tool_use', id, name: 'Task', input, caller: { type: 'direct' } };
  }

  // -------------------------------------------------------------------------------------------

  private id(prefix: string, n: number, alphabet = B62): string {
    const c = (this.counter++).toString(36).padStart(6, '0');
    return prefix + this.rng.chars(n - c.length, alphabet) + c;
  }
  private uuid(): string {
    const h = this.rng.chars(20, HEX) + (this.counter++).toString(16).padStart(12, '0');
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
  }
  private ts(s: Session, minMs = 20, maxMs = 4000): string {
    s.t += this.rng.int(minMs, maxMs);
    return new Date(s.t).toISOString();
  }

  private newSession(i: number): Session {
    const r = this.rng;
    const p = i % this.opts.projects;
    const cwd = `/home/dev/projects/app-${p}${p % 2 ? '-worktrees/feature.x' : ''}`;
    const encoded = cwd.replace(/[^A-Za-z0-9]/g, '-');
    const id = this.uuid();
    const projectDir = join(this.root, 'projects', encoded);
    const start = Date.parse(`${this.opts.startDate}T00:00:00.000Z`) + Math.floor(r.next() * this.opts.days * 86_400_000);
    // The first sessions cover every profile; later ones are random.
    const profile = i < MODEL_PROFILES.length ? MODEL_PROFILES[i]! : r.pick(MODEL_PROFILES.slice(0, 4).concat(MODEL_PROFILES[0]!, MODEL_PROFILES[1]!));
    const faults = this.opts.faults;
    const s: Session = {
      index: i,
      id,
      cwd,
      projectDir,
      profile,
      version: r.pick(['2.1.38', '2.1.39', '2.1.42']),
      gitBranch: r.pick(['main', 'master', 'feature-x']),
      slug: `${r.pick(['radiant', 'quiet', 'brisk'])}-${r.pick(['floating', 'running', 'sleeping'])}-${r.pick(['music', 'river', 'cloud'])}`,
      t: start,
      lastUuid: null,
      ctx: 12_000,
      files: SOURCE_FILES.slice(0, r.int(3, 6)).map((f) => `${cwd}/${f}`),
      crlf: faults && (i % 4 === 2 || r.chance(0.1)),
      faults,
      path: join(projectDir, `${id}.jsonl`),
    };
    this.sessions.push(s);
    return s;
  }

  private base(s: Session, agentId?: string, sidechain = false): J {
    const o: J = { parentUuid: s.lastUuid, isSidechain: sidechain, userType: 'external', cwd: s.cwd, sessionId: s.id, version: s.version, gitBranch: s.gitBranch };
    if (agentId) o.agentId = agentId;
    o.slug = s.slug;
    return o;
  }

  /** Writes one complete line (with, under faults, an occasional blank or garbage line before it). */
  private line(out: Out, s: Session, o: J, faults = s.faults): void {
    if (faults && this.rng.chance(0.004)) this.garbage(out, s);
    out.raw(JSON.stringify(o) + out.eol);
    out.lines++;
    if (!out.dropped) this.tally.addLine(o);
    if (typeof o.uuid === 'string' && o.type !== 'progress') s.lastUuid = o.uuid;
  }

  private garbage(out: Out, s: Session): void {
    const kind = this.garbageKinds < 7 ? this.garbageKinds++ : this.rng.int(0, 6);
    const eol = out.eol;
    out.lines++;
    switch (kind) {
      case 0:
        out.raw(eol); // empty line
        return;
      case 1:
        out.raw(`   \t${eol}`); // whitespace only
        return;
      case 2:
        out.malformed++;
        out.raw(`this is not json ${this.rng.int(0, 1e6)}${eol}`);
        return;
      case 3:
        out.malformed++;
        out.raw(`{"type":"assistant","message":{"id":"msg_cut","usage":{"input_tokens":5${eol}`);
        return;
      case 4:
        out.malformed++;
        out.rawBytes(Buffer.concat([Buffer.from([0xff, 0xfe, 0x80]), Buffer.from(`garbage${eol}`)]));
        return;
      case 5: {
        // Valid JSON shape, but invalid UTF-8 inside a string: unreadable as a whole.
        out.malformed++;
        const head = `{"parentUuid":null,"type":"progress","data":{"type":"bash_progress","output":"bad `;
        const tail = `"},"sessionId":"${s.id}","timestamp":"${new Date(s.t).toISOString()}","uuid":"${this.uuid()}"}${eol}`;
        out.rawBytes(Buffer.concat([Buffer.from(head), Buffer.from([0xc3, 0x28, 0xa0]), Buffer.from(tail)]));
        return;
      }
      default:
        out.malformed++;
        out.raw(`}{"type":"user"}${eol}`);
        return;
    }
  }

  private sessionStart(s: Session, out: Out): void {
    const mid = this.uuid();
    this.line(out, s, { type: 'file-history-snapshot', messageId: mid, snapshot: { messageId: mid, trackedFileBackups: {}, timestamp: this.ts(s) }, isSnapshotUpdate: false });
    for (const cmd of ['/home/dev/.claude/hooks/tmux-waiting.sh clear', 'bd prime']) {
      const tu = this.uuid();
      this.line(out, s, { ...this.base(s), type: 'progress', data: { type: 'hook_progress', hookEvent: 'SessionStart', hookName: 'SessionStart:startup', command: cmd }, parentToolUseID: tu, toolUseID: tu, timestamp: this.ts(s), uuid: this.uuid() });
    }
  }

  private finishFile(s: Session, out: Out, torn: boolean): void {
    if (torn) {
      // One more streamed response whose last line is only half written.
      const objs = this.responseLines(s, s.profile.model, undefined, [{ type: 'thinking', thinking: 'Let me summarize what changed.', signature: '[REDACTED_SIGNATURE]' }, { type: 'text', text: 'Summary: the renderer now shares one pipeline between both views.' }], false);
      for (let k = 0; k < objs.length - 1; k++) this.line(out, s, objs[k]!, false);
      const last = objs[objs.length - 1]!;
      const text = JSON.stringify(last);
      const cut = this.rng.int(10, text.length - 5);
      out.raw(text.slice(0, cut));
      s.torn = { rest: text.slice(cut), obj: last };
    }
    out.close();
    this.fileCounts.set(s.path, { lines: out.lines, malformed: out.malformed, bytes: out.bytes });
  }

  private recount(path: string): void {
    const buf = readFileSync(path);
    const c = scanTranscript(buf);
    this.fileCounts.set(path, { lines: c.lines, malformed: c.malformed, bytes: statSync(path).size });
  }

  /**
   * The assistant lines of one API response: one line per content block, same message.id (and
   * requestId unless omitted), output_tokens growing to the final count on the last line.
   */
  private responseLines(s: Session, model: string, agentId: string | undefined, blocks: J[], toolStop: boolean, over200k = false): J[] {
    const r = this.rng;
    const msgId = this.id('msg_01', 24);
    const requestId = r.chance(this.opts.missingRequestId) ? undefined : this.id('req_011C', 24);
    s.ctx += r.int(500, 6000);
    if (s.ctx > 180_000 && !over200k) s.ctx = r.int(15_000, 60_000); // compaction-like reset
    const cacheRead = over200k ? r.int(200_001, 420_000) : s.ctx;
    const cacheWrite = r.chance(0.1) ? 0 : r.int(50, 25_000);
    const finalOut = r.int(5, 2500);
    const input = r.chance(0.85) ? r.int(1, 10) : r.int(100, 4000);
    const splitKind = r.next();
    const profile = s.profile;
    const fast = model === profile.model && profile.fast > 0 && r.chance(profile.fast);
    const objs: J[] = [];
    let partial = 0;
    for (let k = 0; k < blocks.length; k++) {
      const lastLine = k === blocks.length - 1;
      partial = lastLine ? finalOut : Math.min(finalOut, partial + r.int(1, 30));
      const usage: J = { input_tokens: input, cache_creation_input_tokens: cacheWrite, cache_read_input_tokens: cacheRead };
      if (splitKind < 0.55) usage.cache_creation = { ephemeral_5m_input_tokens: cacheWrite, ephemeral_1h_input_tokens: 0 };
      else if (splitKind < 0.75) usage.cache_creation = { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: cacheWrite };
      else if (splitKind < 0.85) {
        const h = Math.floor(cacheWrite / 3);
        usage.cache_creation = { ephemeral_5m_input_tokens: cacheWrite - h, ephemeral_1h_input_tokens: h };
      } // else: no split object (older versions)
      usage.output_tokens = partial;
      usage.service_tier = 'standard';
      if (fast) usage.speed = 'fast';
      else if (model === profile.model && profile.fast > 0) usage.speed = 'standard';
      usage.inference_geo = 'not_available';
      const o: J = this.base(s, agentId, agentId !== undefined);
      delete o.slug;
      o.message = { model, id: msgId, type: 'message', role: 'assistant', content: [blocks[k]], stop_reason: lastLine ? (toolStop ? 'tool_use' : 'end_turn') : null, stop_sequence: null, usage };
      if (requestId) o.requestId = requestId;
      o.type = 'assistant';
      o.uuid = this.uuid();
      o.timestamp = this.ts(s, 200, 3000);
      objs.push(o);
      s.lastUuid = o.uuid;
    }
    return objs;
  }

  /** One user turn with its API responses, tool calls and bookkeeping lines. Returns bytes written elsewhere (subagent files). */
  private turn(s: Session, out: Out): number {
    const r = this.rng;
    let extra = 0;
    if (r.chance(0.2)) {
      const mid = this.uuid();
      this.line(out, s, { type: 'file-history-snapshot', messageId: mid, snapshot: { messageId: mid, trackedFileBackups: {}, timestamp: new Date(s.t).toISOString() }, isSnapshotUpdate: false });
    }
    const prompt = r.pick(['Fix the failing session tests', 'Refactor the renderer so both views share it', 'Why is the cache key different here?', 'start phoenix in background', 'Add a test for the empty transcript case']);
    const content = r.chance(0.1) ? [{ type: 'text', text: prompt }] : prompt;
    this.line(out, s, { ...this.base(s), type: 'user', message: { role: 'user', content }, uuid: this.uuid(), timestamp: this.ts(s), thinkingMetadata: { maxThinkingTokens: 31999 }, todos: [], permissionMode: 'bypassPermissions' });
    if (r.chance(0.3)) this.hook(out, s, 'UserPromptSubmit', 'UserPromptSubmit', this.uuid());
    if (r.chance(0.03)) this.line(out, s, { type: 'queue-operation', operation: 'enqueue', timestamp: this.ts(s), sessionId: s.id, content: '/mcp' });

    const steps = r.int(1, 6);
    for (let step = 0; step < steps; step++) {
      const last = step === steps - 1;
      const blocks: J[] = [];
      if (this.heavy) {
        // Long thinking, as written by extended-thinking models (kilobytes of text per block).
        if (r.chance(0.6)) blocks.push({ type: 'thinking', thinking: this.longText(1_000, 12_000), signature: 'Eu8BCkYIBxgCKkA' + r.chars(300, B62) });
      } else if (r.chance(0.3)) blocks.push({ type: 'thinking', thinking: 'Let me look at the relevant files first.', signature: '[REDACTED_SIGNATURE]' });
      if (r.chance(0.6) || last) blocks.push({ type: 'text', text: last ? 'Done. The tests pass now and the renderer is shared.' : 'Let me check the current implementation.' });
      const calls: J[] = [];
      if (!last) {
        const n = r.int(1, 3);
        for (let k = 0; k < n; k++) calls.push(this.toolCall(s, false));
        // Many small subagents (Explore, Plan...): each one a file, and progress copies in the parent.
        if (this.heavy && r.chance(0.12)) calls.push(this.taskCall());
      }
      for (const c of calls) blocks.push(c);
      const over = s.profile.over200k > 0 && r.chance(s.profile.over200k);
      for (const o of this.responseLines(s, s.profile.model, undefined, blocks, calls.length > 0, over)) this.line(out, s, o);
      for (const c of calls) extra += this.toolRun(s, out, c);
      if (r.chance(0.03)) this.apiError(s, out);
    }
    if (r.chance(0.3)) {
      this.line(out, s, { ...this.base(s), type: 'system', subtype: 'stop_hook_summary', hookCount: 2, hookInfos: [{ command: '/home/dev/.claude/hooks/tmux-waiting.sh mark' }, { command: '${CLAUDE_PLUGIN_ROOT}/hooks/stop-hook.sh' }], hookErrors: [], preventedContinuation: false, stopReason: '', hasOutput: true, level: 'suggestion', timestamp: this.ts(s), uuid: this.uuid(), toolUseID: this.uuid() });
    }
    if (r.chance(0.6)) this.line(out, s, { ...this.base(s), type: 'system', subtype: 'turn_duration', durationMs: r.int(2000, 400_000), timestamp: this.ts(s), uuid: this.uuid(), isMeta: false });
    if (r.chance(0.05)) extra += this.compaction(s, out);
    return extra;
  }

  private hook(out: Out, s: Session, event: string, name: string, toolUseId: string): void {
    this.line(out, s, { ...this.base(s), type: 'progress', data: { type: 'hook_progress', hookEvent: event, hookName: name, command: '${CLAUDE_PLUGIN_ROOT}/scripts/pre-commit.sh' }, parentToolUseID: toolUseId, toolUseID: toolUseId, timestamp: this.ts(s, 1, 5), uuid: this.uuid() });
  }

  private toolCall(s: Session, inSubagent: boolean): J {
    const r = this.rng;
    const id = this.id('toolu_01', 24);
    const x = r.next();
    const file = r.pick(s.files);
    let name: string;
    let input: J;
    if (inSubagent) {
      name = x < 0.6 ? 'Read' : x < 0.8 ? 'Grep' : 'Glob';
    } else {
      name = x < 0.3 ? 'Read' : x < 0.45 ? 'Edit' : x < 0.7 ? 'Bash' : x < 0.76 ? 'Grep' : x < 0.8 ? 'Glob' : x < 0.85 ? 'Write' : x < 0.89 ? 'TodoWrite' : x < 0.91 ? 'WebFetch' : x < 0.97 ? 'Task' : 'mcp__github__get_issue';
    }
    switch (name) {
      case 'Read':
        input = { file_path: file };
        break;
      case 'Edit':
        input = { replace_all: false, file_path: file, old_string: 'use AshComputer', new_string: 'use AshComputer\n  @moduledoc false' };
        break;
      case 'Write':
        input = { file_path: `${s.cwd}/lib/app/generated_${r.int(1, 3)}.ex`, content: pool()[r.int(0, 10)]!.raw };
        break;
      case 'Bash': {
        const fail = r.chance(0.25);
        input = { command: fail ? r.pick(FAILING_COMMANDS) : r.pick(OK_COMMANDS), description: 'Run a command' };
        break;
      }
      case 'Grep':
        input = { pattern: 'TranscriptRenderer', path: `${s.cwd}/lib`, output_mode: 'content', '-n': true };
        break;
      case 'Glob':
        input = { pattern: '**/*_live.ex' };
        break;
      case 'TodoWrite':
        input = { todos: [{ content: 'Extract renderer', status: 'in_progress', activeForm: 'Extracting renderer' }] };
        break;
      case 'WebFetch':
        input = { url: 'https://hexdocs.pm/phoenix_live_view/Phoenix.LiveView.html', prompt: 'What does phx-update do?' };
        break;
      case 'Task':
        input = { description: 'Explore transcript rendering', prompt: 'Very thorough exploration of how transcripts render. Provide the FULL content of each file.', subagent_type: subagentTypeOf(id)[0] };
        break;
      default:
        input = { owner: 'dev', repo: 'app', issue_number: r.int(1, 400) };
    }
    return { type: 'tool_use', id, name, input, caller: { type: 'direct' } };
  }

  /** Hook lines, progress, and the tool_result line of one call. */
  private toolRun(s: Session, out: Out, call: J, agentId?: string): number {
    const r = this.rng;
    const sidechain = agentId !== undefined;
    const pre = this.heavy ? r.int(1, 4) : r.int(0, 2);
    if (!sidechain) for (let k = 0; k < pre; k++) this.hook(out, s, 'PreToolUse', `PreToolUse:${call.name}`, call.id);
    const P = pool();
    let content: unknown;
    let isError = false;
    let tur: unknown;
    let extra = 0;
    switch (call.name) {
      case 'Read': {
        if (r.chance(0.06)) {
          isError = true;
          content = '<tool_use_error>File does not exist.</tool_use_error>';
          tur = 'Error: File does not exist.';
        } else {
          const b = P[r.int(0, P.length - 1)]!;
          content = this.heavy ? this.longText(4_000, 40_000, true) : b.numbered;
          tur = { type: 'text', file: { filePath: call.input.file_path, content: b.raw, numLines: b.lines, startLine: 1, totalLines: b.lines } };
        }
        break;
      }
      case 'Edit':
        if (r.chance(0.08)) {
          isError = true;
          content = '<tool_use_error>String to replace not found in file.\nString: use AshComputer</tool_use_error>';
          tur = 'Error: String to replace not found in file.';
        } else {
          content = `The file ${call.input.file_path} has been updated successfully.`;
          tur = { filePath: call.input.file_path, oldString: call.input.old_string, newString: call.input.new_string, originalFile: P[r.int(0, 20)]!.raw, structuredPatch: [{ oldStart: 1, oldLines: 1, newStart: 1, newLines: 2, lines: [' use AshComputer', '+  @moduledoc false'] }], userModified: false, replaceAll: false };
        }
        break;
      case 'Write':
        content = `File created successfully at: ${call.input.file_path}`;
        tur = { type: 'create', filePath: call.input.file_path, content: call.input.content, structuredPatch: [], originalFile: null };
        break;
      case 'Bash': {
        const failing = FAILING_COMMANDS.includes(call.input.command);
        const b = P[r.int(0, 25)]!;
        const n = this.heavy ? r.int(2, 8) : r.int(0, 3);
        let full = '';
        for (let k = 0; k < n; k++) {
          full = b.raw.slice(0, Math.floor((b.raw.length * (k + 1)) / (n + 1)));
          this.line(out, s, { ...this.base(s), type: 'progress', data: { type: 'bash_progress', output: full.slice(-200), fullOutput: full, elapsedTimeSeconds: k + 2, totalLines: full.split('\n').length, timeoutMs: 120000 }, toolUseID: `bash-progress-${k}`, parentToolUseID: call.id, uuid: this.uuid(), timestamp: this.ts(s, 500, 1500) });
        }
        if (failing) {
          isError = true;
          content = `Exit code 1\n${b.raw.slice(0, 400)}\n** (CompileError) test failed`;
          tur = `Error: Exit code 1\n${b.raw.slice(0, 400)}`;
        } else {
          let text = this.heavy ? this.longText(1_000, 20_000) : b.raw;
          if (this.opts.longToolOutputs > 0 && r.chance(this.opts.longToolOutputs)) {
            const want = r.int(20_000, 200_000);
            while (text.length < want) text += '\n' + P[r.int(0, P.length - 1)]!.raw;
          }
          content = text;
          tur = { stdout: text, stderr: '', interrupted: false, isImage: false, noOutputExpected: false };
        }
        break;
      }
      case 'Grep':
        content = `lib/app_web/live/session_live.ex:9:    TranscriptRenderer,\nlib/app/services/renderer.ex:1:defmodule App.Services.TranscriptRenderer do`;
        tur = { mode: 'content', numFiles: 0, filenames: [], content, numLines: 2 };
        break;
      case 'Glob':
        content = `${s.cwd}/lib/app_web/live/session_live.ex\n${s.cwd}/lib/app_web/live/subagent_live.ex`;
        tur = { filenames: String(content).split('\n'), durationMs: r.int(5, 90), numFiles: 2, truncated: false };
        break;
      case 'TodoWrite':
        content = 'Todos have been modified successfully.';
        tur = { oldTodos: [], newTodos: call.input.todos };
        break;
      case 'WebFetch':
        isError = r.chance(0.3);
        content = isError ? 'Request failed with status code 403' : P[r.int(0, 15)]!.raw;
        tur = isError ? 'Error: Request failed with status code 403' : { bytes: 5120, code: 200, codeText: 'OK', result: content, durationMs: 812, url: call.input.url };
        break;
      case 'Task': {
        const sub = this.subagent(s, out, call);
        extra += sub.bytes;
        content = [{ type: 'text', text: sub.finalText }];
        tur = { status: 'completed', prompt: call.input.prompt, agentId: sub.agentId, content, totalDurationMs: r.int(20_000, 200_000), totalTokens: sub.totalTokens, totalToolUseCount: sub.toolUses, usage: { input_tokens: 0, cache_creation_input_tokens: 475, cache_read_input_tokens: 70782, output_tokens: 5108, server_tool_use: { web_search_requests: 0, web_fetch_requests: 0 }, service_tier: 'standard', cache_creation: { ephemeral_1h_input_tokens: 0, ephemeral_5m_input_tokens: 475 }, inference_geo: '', iterations: [] } };
        break;
      }
      default:
        content = [{ type: 'text', text: '{"number": 12, "title": "Transcript view duplicates rows"}' }];
        tur = content;
    }
    const block: J = { tool_use_id: call.id, type: 'tool_result', content };
    if (isError || r.chance(0.5)) block.is_error = isError;
    const o: J = { ...this.base(s, agentId, sidechain), type: 'user', message: { role: 'user', content: [block] }, uuid: this.uuid(), timestamp: this.ts(s, 100, 20_000) };
    if (!sidechain || r.chance(0.3)) o.toolUseResult = tur;
    o.sourceToolAssistantUUID = s.lastUuid;
    this.line(out, s, o);
    // Claude Code also copies a subagent's tool results into the parent (no usage in them).
    if (sidechain && this.heavy) this.progressCopy?.({ type: 'user', message: o.message, uuid: o.uuid, timestamp: o.timestamp });
    if (!sidechain && r.chance(0.5)) this.hook(out, s, 'PostToolUse', `PostToolUse:${call.name}`, call.id);
    return extra;
  }

  private apiError(s: Session, out: Out): void {
    const text = this.rng.chance(0.5) ? 'API Error: 529 {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}' : `Claude AI usage limit reached|${Math.floor(s.t / 1000) + 3600}`;
    this.line(out, s, {
      ...this.base(s),
      type: 'assistant',
      uuid: this.uuid(),
      timestamp: this.ts(s),
      message: { id: this.uuid(), container: null, model: '<synthetic>', role: 'assistant', stop_reason: 'stop_sequence', stop_sequence: '', type: 'message', usage: { input_tokens: 0, output_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, server_tool_use: { web_search_requests: 0 }, service_tier: null }, content: [{ type: 'text', text }] },
      isApiErrorMessage: true,
    });
  }

  /** A Task subagent: its own transcript file, agent_progress copies in the parent, a meta file. */
  private subagent(s: Session, parent: Out, call: J): { agentId: string; finalText: string; totalTokens: number; toolUses: number; bytes: number } {
    const r = this.rng;
    const agentId = 'a' + this.id('', 6, HEX);
    const dir = join(s.projectDir, s.id, 'subagents');
    const path = join(dir, `agent-${agentId}.jsonl`);
    const sub = new Out(path, s.faults && r.chance(0.2));
    // Only consumes randomness when asked, so histories without drops stay byte for byte the same.
    if (this.opts.dropSubagentFiles > 0 && r.chance(this.opts.dropSubagentFiles)) sub.dropped = true;
    const [type, label] = subagentTypeOf(call.id);
    this.tally.agentLabels.set(`${s.id}/${agentId}`, label);
    if (writesMeta(call.id)) writeFileSync(join(dir, `agent-${agentId}.meta.json`), JSON.stringify({ agentType: type, description: call.input.description, toolUseId: call.id }));
    const parentLast = s.lastUuid;
    s.lastUuid = null;
    const progress = (msg: J) => {
      const saved = s.lastUuid;
      s.lastUuid = parentLast;
      this.line(parent, s, { ...this.base(s), type: 'progress', data: { message: msg, normalizedMessages: [], type: 'agent_progress', prompt: call.input.prompt, agentId }, toolUseID: `agent_${msg.message?.id ?? 'msg'}`, parentToolUseID: call.id, uuid: this.uuid(), timestamp: new Date(s.t).toISOString() });
      s.lastUuid = saved;
    };
    const first: J = { ...this.base(s, agentId, true), type: 'user', message: { role: 'user', content: call.input.prompt }, uuid: this.uuid(), timestamp: this.ts(s) };
    delete first.slug;
    this.line(sub, s, first);
    progress({ type: 'user', message: first.message, uuid: first.uuid, timestamp: first.timestamp });
    let totalTokens = 0;
    let toolUses = 0;
    const steps = r.int(1, 4);
    let finalText = '';
    for (let step = 0; step <= steps; step++) {
      const last = step === steps;
      const calls: J[] = last ? [] : Array.from({ length: r.int(1, 2) }, () => this.toolCall(s, true));
      toolUses += calls.length;
      finalText = last ? `## Report\n\n${pool()[r.int(0, 12)]!.raw.slice(0, 3000)}` : '';
      const blocks: J[] = last ? [{ type: 'text', text: finalText }] : calls;
      const lines = this.responseLines(s, s.profile.subagentModel, agentId, blocks, !last);
      for (const o of lines) {
        this.line(sub, s, o);
        progress({ type: 'assistant', timestamp: o.timestamp, message: o.message, requestId: o.requestId, uuid: o.uuid });
      }
      const u = lines[lines.length - 1]!.message.usage;
      totalTokens += u.input_tokens + u.output_tokens + u.cache_read_input_tokens + u.cache_creation_input_tokens;
      this.progressCopy = progress;
      for (const c of calls) this.toolRun(s, sub, c, agentId);
      this.progressCopy = undefined;
    }
    if (r.chance(0.3)) this.line(parent, s, { ...this.base(s), type: 'progress', data: { type: 'waiting_for_task', taskDescription: call.input.description, taskType: 'local_agent' }, toolUseID: `task-output-waiting-${s.t}`, parentToolUseID: call.id, uuid: this.uuid(), timestamp: this.ts(s) });
    sub.close();
    if (!sub.dropped) this.fileCounts.set(path, { lines: sub.lines, malformed: sub.malformed, bytes: sub.bytes });
    s.lastUuid = parentLast;
    return { agentId, finalText, totalTokens, toolUses, bytes: sub.dropped ? 0 : sub.bytes };
  }

  /** compact_boundary + summary line in the parent, and the compaction agent's transcript. */
  private compaction(s: Session, out: Out): number {
    const r = this.rng;
    const agentId = 'acompact-' + this.id('', 6, HEX);
    const path = join(s.projectDir, s.id, 'subagents', `agent-${agentId}.jsonl`);
    const sub = new Out(path, false);
    const first = { ...this.base(s, agentId, true), type: 'user', message: { role: 'user', content: 'Your task is to create a detailed summary of the conversation so far.' }, isMeta: false, uuid: this.uuid(), timestamp: this.ts(s) };
    this.line(sub, s, first);
    for (const o of this.responseLines(s, s.profile.model, agentId, [{ type: 'text', text: '<summary>Work so far: renderer extracted, tests fixed.</summary>' }], false)) this.line(sub, s, o);
    sub.close();
    this.fileCounts.set(path, { lines: sub.lines, malformed: sub.malformed, bytes: sub.bytes });
    const pre = s.ctx;
    s.lastUuid = null;
    this.line(out, s, { ...this.base(s), logicalParentUuid: this.uuid(), type: 'system', subtype: 'compact_boundary', content: 'Conversation compacted', isMeta: false, timestamp: this.ts(s), uuid: this.uuid(), level: 'info', compactMetadata: { trigger: r.pick(['auto', 'manual']), preTokens: pre } });
    this.line(out, s, { ...this.base(s), type: 'user', message: { role: 'user', content: 'This session is being continued from a previous conversation that ran out of context. Summary: renderer extracted.' }, isVisibleInTranscriptOnly: true, isCompactSummary: true, uuid: this.uuid(), timestamp: this.ts(s) });
    s.ctx = r.int(15_000, 40_000);
    return sub.bytes;
  }
}

/** Writes a history under rootDir and returns its expected totals. */
export function generateHistory(rootDir: string, opts: GenerateOptions): Expected {
  return new HistoryGenerator(rootDir, opts).generate();
}
