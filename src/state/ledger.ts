// The ledger: every fact the sinks need, one keyed record per model call, tool call, prompt,
// subagent and compaction. Applying the same event twice changes nothing (model calls keep the
// largest usage copy), so re-reading bytes after a crash, a truncation or --reset-state can never
// count twice. Every change is reported to listeners (the fold in src/fold, which stats and metrics
// read), with the version it replaced.
import type { HookEvent, ModelEvent, Usage } from '../model/events.js';
import { usageTotal } from '../model/normalize.js';
import { summarizeToolTarget } from '../model/tool-target.js';
import { hookEstimate } from '../model/hook-payload.js';
import { createDetector, type Detector, type Severity } from '../detection/engine.js';
import { Tombstones } from './tombstones.js';
import { AGENT_COMPACT, AGENT_MAIN, AGENT_UNKNOWN, agentTypeLabel, isAgentTool, isCompactionAgent } from '../model/agent-type.js';

export interface UsageRecord {
  key: string;
  ts: number;
  sessionId: string;
  agentId?: string;
  cwd: string;
  model: string;
  usage: Usage;
  apiError: boolean;
  /**
   * The `agent` label (src/model/agent-type.ts), resolved when the key is first stored and kept by
   * every larger copy: a call never moves between series. Absent in records written before it
   * existed (they count as `main` without agentId, else `unknown`).
   */
  agentType?: string;
}

export interface ToolRecord {
  id: string;
  ts: number;
  sessionId: string;
  agentId?: string;
  cwd: string;
  name: string;
  /** File path, (redacted) command or URL the call acted on. */
  target?: string;
  endTs?: number;
  isError?: boolean;
  /** Which times came from hooks (HOOK_START | HOOK_END): those win over the transcript's. */
  hook?: number;
}

export const HOOK_START = 1;
export const HOOK_END = 2;

/** Whether a record is an estimate from hooks (1), or one that exact transcript numbers replaced (2). */
export type EstimateState = 1 | 2;

export interface PromptRecord {
  uuid: string;
  ts: number;
  sessionId: string;
  agentId?: string;
  cwd: string;
  /** Set for a prompt seen only by a hook (its session has no transcript here). */
  est?: EstimateState;
}

/** Estimated tokens of one hook event of a session with no transcript here (docs/hooks.md). */
export interface EstimateRecord {
  /** The hook event's spool id. */
  key: string;
  ts: number;
  sessionId: string;
  agentId?: string;
  cwd: string;
  input: number;
  output: number;
  est: EstimateState;
}

/** A notification or permission request reported by a hook. */
export interface HookRecord {
  key: string;
  ts: number;
  sessionId: string;
  cwd: string;
  what: 'notification' | 'permission';
  /** Notification type, or the tool asking for permission. */
  a: string;
  /** The permission's outcome when known, else 'unknown'. */
  b?: string;
}

export interface SessionRecord {
  sessionId: string;
  cwd: string;
  gitBranch?: string;
  version?: string;
}

export interface CompactionRecord {
  key: string;
  ts: number;
  sessionId: string;
  cwd: string;
}

/** A sensitive-action rule hit on one tool call (one per rule per call). The value is redacted. */
export interface HitRecord {
  /** `<tool id>/<rule>`. */
  key: string;
  toolId: string;
  ts: number;
  sessionId: string;
  agentId?: string;
  cwd: string;
  tool: string;
  rule: string;
  severity: Severity;
  field: string;
  value: string;
}

let builtinDetector: Detector | undefined;

// Compact on-disk forms (one JSON array per line); index 0 names the record type. Unknown types
// (such as the compaction header 'H') are skipped when loading.
export type Row = (string | number | null)[];

export interface PendingChanges {
  text: string;
  rows: number;
  /** The batch is durable: forget it (records changed since stay pending). */
  ack(): void;
}

const sessionRow = (r: SessionRecord): Row => ['S', r.sessionId, r.cwd, r.gitBranch ?? null, r.version ?? null];
const usageRow = (r: UsageRecord): Row => {
  const u = r.usage;
  const row: Row = ['U', r.key, r.ts, r.sessionId, r.agentId ?? null, r.cwd, r.model, u.input, u.output, u.cacheCreation, u.cacheCreation1h, u.cacheSplit ? 1 : 0, u.cacheRead, u.fast ? 1 : 0, r.apiError ? 1 : 0];
  if (r.agentType !== undefined) row.push(r.agentType);
  return row;
};
const toolRow = (r: ToolRecord): Row => {
  const row: Row = ['T', r.id, r.ts, r.sessionId, r.agentId ?? null, r.cwd, r.name, r.target ?? null, r.endTs ?? null, r.isError === undefined ? null : r.isError ? 1 : 0];
  if (r.hook) row.push(r.hook);
  return row;
};
const promptRow = (r: PromptRecord): Row => (r.est ? ['P', r.uuid, r.ts, r.sessionId, r.agentId ?? null, r.cwd, r.est] : ['P', r.uuid, r.ts, r.sessionId, r.agentId ?? null, r.cwd]);
const estimateRow = (r: EstimateRecord): Row => ['E', r.key, r.ts, r.sessionId, r.agentId ?? null, r.cwd, r.input, r.output, r.est];
const hookRow = (r: HookRecord): Row => ['K', r.key, r.ts, r.sessionId, r.cwd, r.what, r.a, r.b ?? null];
const compactionRow = (r: CompactionRecord): Row => ['C', r.key, r.ts, r.sessionId, r.cwd];
const hitRow = (r: HitRecord): Row => ['R', r.key, r.toolId, r.ts, r.sessionId, r.agentId ?? null, r.cwd, r.tool, r.rule, r.severity, r.field, r.value];
type Letter = 'S' | 'U' | 'T' | 'P' | 'C' | 'E' | 'K' | 'R';
/** Each record type's row, in the order rows are written: sessions first, so a reader meets them early. */
const ROWS: ReadonlyArray<readonly [Letter, (r: any) => Row]> = [
  ['S', sessionRow],
  ['U', usageRow],
  ['T', toolRow],
  ['P', promptRow],
  ['C', compactionRow],
  ['E', estimateRow],
  ['K', hookRow],
  ['R', hitRow],
];

/**
 * One record added or replaced by apply(), with the version it replaced: a usage record is replaced
 * by a larger streaming copy, a tool record gains its result later. The fold (src/fold) subtracts
 * `prev` and adds `next`, so its aggregates always equal a fold of the records as they are now.
 */
export type LedgerChange =
  | { type: 'usage'; prev?: UsageRecord; next: UsageRecord }
  | { type: 'tool'; prev?: ToolRecord; next: ToolRecord }
  | { type: 'prompt'; prev?: PromptRecord; next: PromptRecord }
  | { type: 'compaction'; prev?: undefined; next: CompactionRecord }
  | { type: 'estimate'; prev?: EstimateRecord; next: EstimateRecord }
  | { type: 'hook'; prev?: undefined; next: HookRecord }
  | { type: 'hit'; prev?: undefined; next: HitRecord };
export type ChangeListener = (c: LedgerChange) => void;

/** What `ccotel prune` has dropped so far: records with event time before `ms` (see pruneOlder). */
export interface PruneHorizon {
  ms: number;
  /** Records dropped by every prune so far. */
  records: number;
  atMs: number;
}

/** A prune re-checks keys up to a day past its horizon: streamed copies of one call differ in time. */
const PRUNE_MARGIN_MS = 86_400_000;

export class Ledger {
  readonly usage = new Map<string, UsageRecord>();
  readonly tools = new Map<string, ToolRecord>();
  readonly prompts = new Map<string, PromptRecord>();
  readonly sessions = new Map<string, SessionRecord>();
  readonly compactions = new Map<string, CompactionRecord>();
  readonly estimates = new Map<string, EstimateRecord>();
  readonly hookRecords = new Map<string, HookRecord>();
  /** Sessions with exact usage (a transcript): hook estimates of theirs no longer count. */
  private readonly exactSessions = new Set<string>();
  /** Estimate and hook-prompt keys by session, to replace them once exact numbers arrive. */
  private readonly estimatedBy = new Map<string, string[]>();
  readonly hits = new Map<string, HitRecord>();
  private hitsByTool = new Map<string, HitRecord[]>();
  /** Sensitive-action rules, run once per new tool call (commands set the configured ones). */
  detect: Detector = (builtinDetector ??= createDetector());
  /**
   * Records changed since the last acknowledged batch, by record key, one map per row type: keys
   * are the records' own (hashed once), and rows are built only when written.
   */
  private readonly dirty = {
    S: new Map<string, SessionRecord>(),
    U: new Map<string, UsageRecord>(),
    T: new Map<string, ToolRecord>(),
    P: new Map<string, PromptRecord>(),
    C: new Map<string, CompactionRecord>(),
    E: new Map<string, EstimateRecord>(),
    K: new Map<string, HookRecord>(),
    R: new Map<string, HitRecord>(),
  };
  /** Tool results seen before their tool_use (a subagent's file can be read before its parent's). */
  private orphanResults = new Map<string, { endTs: number; isError: boolean }>();
  /** Agent label by `session/agentId`, from meta files, hooks, Task calls and stored records. */
  private readonly agentTypes = new Map<string, string>();
  private readonly listeners: ChangeListener[] = [];
  /**
   * Rows kept for the fold, verbatim: rollups ('A' rows) holding what pruned records contributed
   * (src/fold/rollup.ts reads them). Replaced whole by a prune.
   */
  rollups: Row[] = [];
  /** Keys of pruned records, so a transcript re-read from 0 does not bring them back. */
  private readonly pruned = new Tombstones();
  horizon: PruneHorizon | undefined;

  /** Calls `fn` for every record apply() adds or replaces (not for loadRow: that is history already folded). */
  onChange(fn: ChangeListener): () => void {
    this.listeners.push(fn);
    return () => {
      const i = this.listeners.indexOf(fn);
      if (i >= 0) this.listeners.splice(i, 1);
    };
  }

  /** Every record as it is now, as additions (rebuilding a fold from scratch). */
  *records(): Iterable<LedgerChange> {
    for (const next of this.usage.values()) yield { type: 'usage', next };
    for (const next of this.tools.values()) yield { type: 'tool', next };
    for (const next of this.prompts.values()) yield { type: 'prompt', next };
    for (const next of this.compactions.values()) yield { type: 'compaction', next };
    for (const next of this.estimates.values()) yield { type: 'estimate', next };
    for (const next of this.hookRecords.values()) yield { type: 'hook', next };
    for (const next of this.hits.values()) yield { type: 'hit', next };
  }

  /** Changes held back by batch(), one per record: by record key, a map per change type. */
  private held: Record<LedgerChange['type'], Map<string, LedgerChange>> | undefined;

  private emit(c: LedgerChange, id: string): void {
    if (this.held !== undefined) {
      const held = this.held[c.type];
      const first = held.get(id);
      // From the version before the batch straight to the current one: the intermediate versions
      // (streamed copies, a tool call before its result) cancel out in the fold anyway.
      if (first === undefined) held.set(id, c);
      else first.next = c.next as never;
      return;
    }
    for (const fn of this.listeners) fn(c);
  }

  /**
   * Runs `fn` (applying events) and reports its changes once per record at the end: a record
   * replaced several times in the batch is reported as one change from its version before the batch
   * to its last. What listeners fold is the same; most of the work of folding a cold read (each
   * streamed copy and each tool result subtracting and re-adding its record) is saved. Nothing may
   * read the listeners' aggregates during `fn` (the ingest manager's apply loop is synchronous).
   */
  batch(fn: () => void): void {
    if (this.held !== undefined || this.listeners.length === 0) return fn();
    const held = (this.held = { usage: new Map(), tool: new Map(), prompt: new Map(), compaction: new Map(), estimate: new Map(), hook: new Map(), hit: new Map() });
    try {
      fn();
    } finally {
      this.held = undefined;
      for (const m of Object.values(held)) for (const c of m.values()) for (const l of this.listeners) l(c);
    }
  }

  apply(e: ModelEvent): void {
    const { ctx } = e;
    const s = this.sessions.get(ctx.sessionId);
    if (!s || (ctx.cwd && s.cwd !== ctx.cwd) || (ctx.gitBranch && s.gitBranch !== ctx.gitBranch) || (ctx.version && s.version !== ctx.version)) {
      const rec: SessionRecord = { sessionId: ctx.sessionId, cwd: ctx.cwd || s?.cwd || '', gitBranch: ctx.gitBranch ?? s?.gitBranch, version: ctx.version ?? s?.version };
      this.sessions.set(ctx.sessionId, rec);
      this.dirty.S.set(ctx.sessionId, rec);
    }
    switch (e.kind) {
      case 'model_call': {
        const prev = this.usage.get(e.key);
        if (prev && usageTotal(prev.usage) >= usageTotal(e.usage)) return;
        if (!prev && this.wasPruned('U', e.key, e.ts)) return;
        // The first-stored label stays: a counted call must never move to another series.
        const agentType = prev ? prev.agentType : this.agentTypeOf(ctx.sessionId, ctx.agentId, e.parentToolUseId);
        // A larger copy keeps the first copy's agent: an older progress copy names its agent by the
        // Task call (`task-<id>`), the subagent file by its id, and moving the call between the two
        // would lower the distinct-subagents counter.
        this.putUsage({ key: e.key, ts: prev ? Math.min(prev.ts, e.ts) : e.ts, sessionId: ctx.sessionId, agentId: prev ? prev.agentId : ctx.agentId, cwd: ctx.cwd, model: e.model, usage: e.usage, apiError: e.apiError, agentType });
        return;
      }
      case 'tool_use': {
        // Known from a hook: kept as it is (a completed call is counted; see applyHook).
        if (this.tools.has(e.id)) return;
        if (this.wasPruned('T', e.id, e.ts)) return;
        const orphan = this.orphanResults.get(e.id);
        this.orphanResults.delete(e.id);
        this.putTool({ id: e.id, ts: e.ts, sessionId: ctx.sessionId, agentId: ctx.agentId, cwd: ctx.cwd, name: e.name, target: summarizeToolTarget(e.name, e.input), endTs: orphan?.endTs, isError: orphan?.isError });
        this.detectHits(e.id, e.ts, ctx, e.name, e.input);
        return;
      }
      case 'tool_result': {
        const t = this.tools.get(e.toolUseId);
        // A Task result names the subagent it ran: its calls are of the Task's subagent_type.
        if (e.agentId && t?.target && isAgentTool(t.name)) this.noteAgentType(ctx.sessionId, e.agentId, t.target, false);
        if (!t) {
          if (this.wasPruned('T', e.toolUseId)) return; // its call was pruned: nothing to end
          this.orphanResults.set(e.toolUseId, { endTs: e.ts, isError: e.isError });
          return;
        }
        if (t.endTs === e.ts && t.isError === e.isError) return;
        if (t.hook! & HOOK_END) return; // the hook measured the end
        this.putTool({ ...t, endTs: e.ts, isError: e.isError });
        return;
      }
      case 'prompt': {
        if (this.prompts.has(e.uuid) || this.wasPruned('P', e.uuid, e.ts)) return;
        this.putPrompt({ uuid: e.uuid, ts: e.ts, sessionId: ctx.sessionId, agentId: ctx.agentId, cwd: ctx.cwd });
        return;
      }
      case 'compaction': {
        const key = `${ctx.sessionId}@${e.ts}`;
        if (this.compactions.has(key) || this.wasPruned('C', key, e.ts)) return;
        this.putCompaction({ key, ts: e.ts, sessionId: ctx.sessionId, cwd: ctx.cwd });
        return;
      }
      case 'turn_end':
        return;
      case 'hook':
        this.applyHook(e);
        return;
    }
  }

  /** Sensitive-action rules, once per new tool call (hits are keyed by call and rule). */
  private detectHits(id: string, ts: number, ctx: ModelEvent['ctx'], name: string, input: Record<string, unknown>): void {
    // A subagent works in its session's directory: rules judge paths against the session's cwd.
    const cwd = this.sessions.get(ctx.sessionId)?.cwd || ctx.cwd;
    for (const h of this.detect({ name, input, cwd })) {
      this.putHit({ key: `${id}/${h.rule}`, toolId: id, ts, sessionId: ctx.sessionId, agentId: ctx.agentId, cwd: ctx.cwd, tool: name, rule: h.rule, severity: h.severity, field: h.field, value: h.value });
    }
  }

  /** Hook events: tool timings, prompts and estimates of hook-only sessions, notifications, permissions. */
  private applyHook(e: HookEvent): void {
    const { ctx } = e;
    if (ctx.agentId && e.detail.agent_type) this.noteAgentType(ctx.sessionId, ctx.agentId, e.detail.agent_type);
    // A call whose record was pruned (`ccotel prune`) is not brought back by a late hook event.
    const t = e.tool && (this.tools.has(e.tool.id) || !this.wasPruned('T', e.tool.id, e.tool.phase === 'pre' ? e.ts : undefined)) ? e.tool : undefined;
    const known = t && this.tools.get(t.id);
    // A call already counted as complete keeps its times and outcome: moving its duration to
    // another bucket or flipping its outcome would lower a counter. (The trace takes the hook times.)
    const counted = known !== undefined && known.endTs !== undefined && known.isError !== undefined;
    if (t && !counted) {
      if (t.phase === 'pre') {
        if (known?.hook! & HOOK_START) return;
        if (known) this.putTool({ ...known, ts: e.ts, hook: (known.hook ?? 0) | HOOK_START });
        else {
          const orphan = this.orphanResults.get(t.id);
          this.orphanResults.delete(t.id);
          this.putTool({ id: t.id, ts: e.ts, sessionId: ctx.sessionId, agentId: ctx.agentId, cwd: ctx.cwd, name: t.name, target: summarizeToolTarget(t.name, t.input), endTs: orphan?.endTs, isError: orphan?.isError, hook: HOOK_START });
          // PreToolUse: the rules see the action before it runs.
          this.detectHits(t.id, e.ts, ctx, t.name, t.input);
        }
      } else {
        const isError = t.phase === 'failure';
        if (known?.hook! & HOOK_END) return;
        if (known) this.putTool({ ...known, endTs: e.ts, isError, hook: (known.hook ?? 0) | HOOK_END });
        else {
          this.putTool({ id: t.id, ts: e.ts, sessionId: ctx.sessionId, agentId: ctx.agentId, cwd: ctx.cwd, name: t.name, target: summarizeToolTarget(t.name, t.input), endTs: e.ts, isError, hook: HOOK_END });
          this.detectHits(t.id, e.ts, ctx, t.name, t.input);
        }
      }
    }
    const exact = this.exactSessions.has(ctx.sessionId) ? 2 : 1;
    if (e.promptChars !== undefined && !e.transcript) {
      const uuid = `hook:${e.id}`;
      if (!this.prompts.has(uuid) && !this.wasPruned('P', uuid, e.ts)) {
        this.putPrompt({ uuid, ts: e.ts, sessionId: ctx.sessionId, agentId: ctx.agentId, cwd: ctx.cwd, est: exact });
        this.indexEstimate(ctx.sessionId, uuid);
      }
    }
    const est = hookEstimate(e);
    if (est && (est.input > 0 || est.output > 0) && !this.estimates.has(e.id) && !this.wasPruned('E', e.id, e.ts)) {
      this.putEstimate({ key: e.id, ts: e.ts, sessionId: ctx.sessionId, agentId: ctx.agentId, cwd: ctx.cwd, input: est.input, output: est.output, est: exact });
      this.indexEstimate(ctx.sessionId, e.id);
    }
    if ((e.event === 'Notification' || e.event === 'PermissionRequest') && !this.hookRecords.has(e.id) && !this.wasPruned('K', e.id, e.ts)) {
      const r: HookRecord =
        e.event === 'Notification'
          ? { key: e.id, ts: e.ts, sessionId: ctx.sessionId, cwd: ctx.cwd, what: 'notification', a: e.detail.notification_type ?? 'unknown' }
          : { key: e.id, ts: e.ts, sessionId: ctx.sessionId, cwd: ctx.cwd, what: 'permission', a: e.detail.tool_name ?? 'unknown', b: e.detail.decision ?? 'unknown' };
      this.hookRecords.set(r.key, r);
      this.emit({ type: 'hook', next: r }, r.key);
      this.dirty.K.set(r.key, r);
    }
  }

  /**
   * An estimate from outside the spool (`ccotel import-activity`): kept once per key, and replaced
   * like a hook's once the session has exact numbers. Returns false when the key is already known.
   */
  importEstimate(r: Omit<EstimateRecord, 'est'>): boolean {
    if (this.estimates.has(r.key) || this.wasPruned('E', r.key, r.ts)) return false;
    this.putEstimate({ ...r, est: this.exactSessions.has(r.sessionId) ? 2 : 1 });
    this.indexEstimate(r.sessionId, r.key);
    return true;
  }

  private indexEstimate(sessionId: string, key: string): void {
    const keys = this.estimatedBy.get(sessionId);
    if (keys) keys.push(key);
    else this.estimatedBy.set(sessionId, [key]);
  }

  /** The session's transcript arrived: its hook estimates and hook prompts stop counting. */
  private markExact(sessionId: string): void {
    if (this.exactSessions.has(sessionId)) return;
    this.exactSessions.add(sessionId);
    for (const key of this.estimatedBy.get(sessionId) ?? []) {
      const est = this.estimates.get(key);
      if (est && est.est === 1) this.putEstimate({ ...est, est: 2 });
      const p = this.prompts.get(key);
      if (p && p.est === 1) this.putPrompt({ ...p, est: 2 });
    }
    this.estimatedBy.delete(sessionId);
  }

  /**
   * The type of a subagent (from its meta file, a hook or its Task call), for its calls stored from
   * now on. `override` false: only when nothing named it yet.
   */
  noteAgentType(sessionId: string, agentId: string, type: string, override = true): void {
    const k = sessionId + '/' + agentId;
    if (override || !this.agentTypes.has(k)) this.agentTypes.set(k, agentTypeLabel(type));
  }

  /** The agent label of a new call: main, compact, the known subagent type, else unknown. */
  private agentTypeOf(sessionId: string, agentId: string | undefined, taskId: string | undefined): string {
    if (!agentId) return AGENT_MAIN;
    if (isCompactionAgent(agentId)) return AGENT_COMPACT;
    const known = this.agentTypes.get(sessionId + '/' + agentId);
    if (known) return known;
    // An agent_progress copy names the Task call that started the subagent.
    const task = taskId ? this.tools.get(taskId) : undefined;
    if (task?.target && isAgentTool(task.name)) {
      this.noteAgentType(sessionId, agentId, task.target);
      return this.agentTypes.get(sessionId + '/' + agentId)!;
    }
    return AGENT_UNKNOWN;
  }

  /** A stored call of a known subagent type names the type for that subagent's later calls. */
  private learnAgentType(r: UsageRecord): void {
    if (r.agentId && r.agentType && r.agentType !== AGENT_UNKNOWN) this.noteAgentType(r.sessionId, r.agentId, r.agentType, false);
  }

  private putUsage(r: UsageRecord): void {
    this.learnAgentType(r);
    const prev = this.usage.get(r.key);
    this.usage.set(r.key, r);
    this.emit({ type: 'usage', prev, next: r }, r.key);
    this.dirty.U.set(r.key, r);
    this.markExact(r.sessionId);
  }
  private putEstimate(r: EstimateRecord): void {
    const prev = this.estimates.get(r.key);
    this.estimates.set(r.key, r);
    this.emit({ type: 'estimate', prev, next: r }, r.key);
    this.dirty.E.set(r.key, r);
  }
  private putTool(r: ToolRecord): void {
    const prev = this.tools.get(r.id);
    this.tools.set(r.id, r);
    this.emit({ type: 'tool', prev, next: r }, r.id);
    this.dirty.T.set(r.id, r);
  }
  private putPrompt(r: PromptRecord): void {
    const prev = this.prompts.get(r.uuid);
    this.prompts.set(r.uuid, r);
    this.emit({ type: 'prompt', prev, next: r }, r.uuid);
    this.dirty.P.set(r.uuid, r);
  }
  private putCompaction(r: CompactionRecord): void {
    this.compactions.set(r.key, r);
    this.emit({ type: 'compaction', next: r }, r.key);
    this.dirty.C.set(r.key, r);
  }
  private putHit(r: HitRecord): void {
    this.setHit(r);
    this.emit({ type: 'hit', next: r }, r.key);
    this.dirty.R.set(r.key, r);
  }
  private setHit(r: HitRecord): void {
    if (!this.hits.has(r.key)) {
      const list = this.hitsByTool.get(r.toolId);
      if (list) list.push(r);
      else this.hitsByTool.set(r.toolId, [r]);
    }
    this.hits.set(r.key, r);
  }
  /**
   * Whether a record of this key was pruned. Only keys at most a day past the horizon are looked up
   * (no event time: always), so ingesting new history costs nothing extra.
   */
  private wasPruned(type: string, key: string, ts?: number): boolean {
    if (!this.horizon || (ts !== undefined && ts >= this.horizon.ms + PRUNE_MARGIN_MS)) return false;
    return this.pruned.has(type + key);
  }

  /**
   * The per-call records `pruneOlder(cutoffMs)` would drop, as additions (what they contribute to
   * the fold), and the bytes their rows take. Kept whatever their age: sessions (small, one per
   * session), rule hits (few; `audit` lists them) and hook estimates not yet replaced by exact
   * numbers (a transcript arriving later must still be able to replace them).
   */
  prunable(cutoffMs: number): { changes: LedgerChange[]; bytes: number } {
    const changes: LedgerChange[] = [];
    let bytes = 0;
    const take = <R extends { ts: number }>(map: Map<string, R>, type: LedgerChange['type'], row: (r: R) => Row, skip?: (r: R) => boolean) => {
      for (const r of map.values()) {
        if (r.ts >= cutoffMs || skip?.(r)) continue;
        changes.push({ type, next: r } as unknown as LedgerChange);
        bytes += JSON.stringify(row(r)).length + 1;
      }
    };
    take(this.usage, 'usage', usageRow);
    take(this.tools, 'tool', toolRow);
    take(this.prompts, 'prompt', promptRow, (r) => r.est === 1);
    take(this.compactions, 'compaction', compactionRow);
    take(this.estimates, 'estimate', estimateRow, (r) => r.est === 1);
    take(this.hookRecords, 'hook', hookRow);
    return { changes, bytes };
  }

  /**
   * Drops the given records (from prunable()), remembers their keys, and replaces the rollup rows
   * with `rollups`, which must hold what every pruned record so far contributed. Nothing is
   * emitted: the aggregates do not change. Made durable by the store's compaction (StateStore.prune).
   */
  pruneOlder(cutoffMs: number, changes: readonly LedgerChange[], rollups: Row[]): void {
    for (const c of changes) {
      const [letter, key, map] = this.locate(c);
      map.delete(key);
      this.dirty[letter].delete(key);
      this.pruned.add(letter + key);
    }
    this.rollups = rollups;
    const h = this.horizon;
    this.horizon = { ms: Math.max(h?.ms ?? -Infinity, cutoffMs), records: (h?.records ?? 0) + changes.length, atMs: Date.now() };
  }

  private locate(c: LedgerChange): [Letter, string, Map<string, unknown>] {
    switch (c.type) {
      case 'usage':
        return ['U', c.next.key, this.usage];
      case 'tool':
        return ['T', c.next.id, this.tools];
      case 'prompt':
        return ['P', c.next.uuid, this.prompts];
      case 'compaction':
        return ['C', c.next.key, this.compactions];
      case 'estimate':
        return ['E', c.next.key, this.estimates];
      case 'hook':
        return ['K', c.next.key, this.hookRecords];
      case 'hit':
        return ['R', c.next.key, this.hits];
    }
  }

  /** The rule hits of one tool call (the trace builder attaches them as span events). */
  hitsOf(toolId: string): readonly HitRecord[] {
    return this.hitsByTool.get(toolId) ?? [];
  }

  /**
   * Serialized records changed since the last acknowledged batch (newline-terminated). They stay
   * pending until `ack()`: a failed write loses nothing and the next commit writes them again. A
   * record changed again after this call stays pending (ack only clears what this batch wrote).
   */
  pendingChanges(): PendingChanges {
    // Each map is copied: what this batch wrote.
    const batch: Array<[Map<string, unknown>, Map<string, unknown>]> = [];
    let text = '';
    let rows = 0;
    for (const [letter, toRow] of ROWS) {
      const live: Map<string, unknown> = this.dirty[letter];
      if (live.size === 0) continue;
      const copy = new Map(live);
      batch.push([live, copy]);
      rows += copy.size;
      for (const r of copy.values()) text += JSON.stringify(toRow(r)) + '\n';
    }
    return {
      text,
      rows,
      ack: () => {
        for (const [live, copy] of batch) for (const [k, r] of copy) if (live.get(k) === r) live.delete(k);
      },
    };
  }

  /** Serialized pending records, forgotten at once (for tests and tools; commit uses pendingChanges). */
  takeChanges(): string {
    const b = this.pendingChanges();
    b.ack();
    return b.text;
  }

  /** Records held now (the current version of each key): what a compacted ledger contains. */
  get recordCount(): number {
    const prune = (this.horizon ? 1 : 0) + this.pruned.rowCount + this.rollups.length;
    return prune + this.sessions.size + this.usage.size + this.tools.size + this.prompts.size + this.compactions.size + this.estimates.size + this.hookRecords.size + this.hits.size;
  }

  /**
   * Every current record, serialized in chunks of about `chunkChars` (newline-terminated), for
   * rewriting the ledger without superseded rows. Sessions first so a reader meets them early.
   */
  *serializeAll(chunkChars = 1 << 20): Generator<string> {
    let out = '';
    // What a prune left: its horizon, the pruned keys, the rollups (see pruneOlder).
    if (this.horizon) out += JSON.stringify(['Z', this.horizon.ms, this.horizon.records, this.horizon.atMs]) + '\n';
    for (const b64 of this.pruned.serialize()) out += JSON.stringify(['X', b64]) + '\n';
    for (const row of this.rollups) out += JSON.stringify(row) + '\n';
    const records: Record<Letter, Map<string, unknown>> = { S: this.sessions, U: this.usage, T: this.tools, P: this.prompts, C: this.compactions, E: this.estimates, K: this.hookRecords, R: this.hits };
    for (const [letter, toRow] of ROWS) {
      for (const r of records[letter].values()) {
        out += JSON.stringify(toRow(r)) + '\n';
        if (out.length >= chunkChars) {
          yield out;
          out = '';
        }
      }
    }
    if (out) yield out;
  }

  // While loading: one copy of each repeated value (session id, cwd, model, tool name, target).
  // JSON.parse makes a new string per row, so after a restart every record held its own copies.
  private loadStrings = new Map<string, string>();

  /** The loading is over: the table of loaded values is not needed any more. */
  loadDone(): void {
    this.loadStrings = new Map();
  }

  /** Rebuilds from the on-disk form; later rows of the same key merge exactly as apply() does. */
  loadRow(row: Row): void {
    const seen = this.loadStrings;
    const s = (i: number): string | undefined => {
      const v = row[i];
      if (typeof v !== 'string') return undefined;
      const kept = seen.get(v);
      if (kept !== undefined) return kept;
      seen.set(v, v);
      return v;
    };
    const n = (i: number) => row[i] as number;
    switch (row[0]) {
      case 'U': {
        const usage: Usage = { input: n(7), output: n(8), cacheCreation: n(9), cacheCreation1h: n(10), cacheSplit: n(11) === 1, cacheRead: n(12), fast: n(13) === 1 };
        const prev = this.usage.get(row[1] as string);
        if (prev && usageTotal(prev.usage) >= usageTotal(usage)) return;
        const r: UsageRecord = { key: row[1] as string, ts: n(2), sessionId: s(3)!, agentId: s(4), cwd: s(5) ?? '', model: s(6)!, usage, apiError: n(14) === 1 };
        if (typeof row[15] === 'string') r.agentType = s(15);
        this.usage.set(r.key, r);
        this.learnAgentType(r);
        this.exactSessions.add(s(3)!);
        return;
      }
      case 'T':
        this.tools.set(row[1] as string, { id: row[1] as string, ts: n(2), sessionId: s(3)!, agentId: s(4), cwd: s(5) ?? '', name: s(6)!, target: s(7), endTs: row[8] === null ? undefined : n(8), isError: row[9] === null ? undefined : n(9) === 1, hook: typeof row[10] === 'number' ? row[10] : undefined });
        return;
      case 'P': {
        const est = row[6] === 1 || row[6] === 2 ? row[6] : undefined;
        this.prompts.set(row[1] as string, { uuid: row[1] as string, ts: n(2), sessionId: s(3)!, agentId: s(4), cwd: s(5) ?? '', est });
        if (est === 1) this.indexEstimate(s(3)!, row[1] as string);
        return;
      }
      case 'E': {
        const r: EstimateRecord = { key: row[1] as string, ts: n(2), sessionId: s(3)!, agentId: s(4), cwd: s(5) ?? '', input: n(6), output: n(7), est: n(8) === 2 ? 2 : 1 };
        this.estimates.set(r.key, r);
        if (r.est === 1) this.indexEstimate(r.sessionId, r.key);
        return;
      }
      case 'K':
        this.hookRecords.set(row[1] as string, { key: row[1] as string, ts: n(2), sessionId: s(3)!, cwd: s(4) ?? '', what: row[5] === 'permission' ? 'permission' : 'notification', a: s(6) ?? 'unknown', b: s(7) });
        return;
      case 'S':
        this.sessions.set(row[1] as string, { sessionId: row[1] as string, cwd: s(2) ?? '', gitBranch: s(3), version: s(4) });
        return;
      case 'C':
        this.compactions.set(row[1] as string, { key: row[1] as string, ts: n(2), sessionId: s(3)!, cwd: s(4) ?? '' });
        return;
      case 'A':
        this.rollups.push(row);
        return;
      case 'X':
        this.pruned.load(row[1] as string);
        return;
      case 'Z':
        this.horizon = { ms: n(1), records: n(2), atMs: n(3) };
        return;
      case 'R':
        this.setHit({ key: s(1)!, toolId: s(2)!, ts: n(3), sessionId: s(4)!, agentId: s(5), cwd: s(6) ?? '', tool: s(7)!, rule: s(8)!, severity: s(9) as Severity, field: s(10)!, value: s(11) ?? '' });
        return;
    }
  }

  /** Orphan results survive restarts through the state file (they are rare and small). */
  exportOrphans(): Record<string, { endTs: number; isError: boolean }> {
    return Object.fromEntries(this.orphanResults);
  }
  importOrphans(o: Record<string, { endTs: number; isError: boolean }> | undefined): void {
    for (const [k, v] of Object.entries(o ?? {})) this.orphanResults.set(k, v);
  }
}
