// Builds one trace per session from the event stream (the tree is documented in docs/traces.md):
//   invoke_agent claude-code (session) → turn → chat <model>
//                                             → execute_tool <Tool> (linked to its chat) → invoke_agent <subagent> → …
// A span is emitted once it is complete (its end is known); what is still open lives in a small,
// serializable state that is checkpointed with the byte offsets, so a restart resumes it exactly.
//
// Model calls: the ledger is the one place that merges the copies of a streamed response (largest
// usage wins). The builder only decides WHEN a call is complete, then reads the call's usage from the
// ledger, and remembers every call key it sent so a late copy never makes a second span.
import type { HookEvent, ModelEvent, ToolUseEvent, Usage } from '../../model/events.js';
import type { Pricer } from '../../pricing/cost.js';
import type { UsageRecord } from '../../state/ledger.js';
import { summarizeToolTarget } from '../../model/tool-target.js';
import { redactSecrets } from '../../detection/redact.js';
import { isAgentTool } from '../../model/agent-type.js';
import { agentSpanId, callDigest, chatSpanId, promptDigest, sessionSpanId, toolSpanId, traceIdFor, turnSpanId } from './ids.js';
import type { AttrValue, SpanData, SpanEvent } from './span-data.js';
import { toolAttributes, GENAI_PROVIDER, usageAttributes } from './attributes.js';
import { applySubagentHook, isSubagentHook, subagentSpan, type AgentState } from './hook-spans.js';

export interface TraceBuilderOptions {
  /** A session with no event for this long (event time vs now) is closed and its root span sent. */
  sessionIdleMs: number;
  /** A turn with no event for this long, and nothing open in it, is closed. */
  turnIdleMs: number;
  /**
   * A model call whose last copy is this old (event time vs now) and that nothing else completed
   * is complete. Copies of one response are written up to ~65 s apart in real transcripts (a large
   * Write input streams slowly), so this must exceed that; see docs/traces.md.
   */
  callQuietMs: number;
}

export const DEFAULT_TRACE_OPTIONS: TraceBuilderOptions = { sessionIdleMs: 30 * 60_000, turnIdleMs: 5 * 60_000, callQuietMs: 120_000 };

/** A sensitive-action rule hit as the ledger recorded it (redacted value). */
export interface ToolHit {
  rule: string;
  severity: string;
  field: string;
  value: string;
}
/** The ledger's record of a tool call: its redacted target and rule hits (computed once, at ingest). */
export type ToolLookup = (toolUseId: string) => { target?: string; hits: readonly ToolHit[] } | undefined;

/** The ledger's merged record of a model call (all copies applied before the builder sees one). */
export type UsageLookup = (callKey: string) => UsageRecord | undefined;
/** The canonical repository url of a working directory (git-remote.ts), if it has a remote. */
export type RepoLookup = (cwd: string) => string | undefined;

interface PendingCall {
  key: string;
  messageId: string;
  parent: string;
  model: string;
  start: number;
  end: number;
  /** Usage of the last copy: used only if the ledger has no record of the key. */
  usage: Usage;
  stopReason?: string;
  apiError: boolean;
  errorText?: string;
  /** Wall time the last copy was handed over; 0 after a restore until its stream is read again. */
  seenAt: number;
}
interface OpenTool {
  parent: string;
  start: number;
  name: string;
  attrs: Record<string, AttrValue>;
  /** '' until the transcript's tool_use names the call that asked for it. */
  callKey: string;
  agentId?: string;
  /** The transcript's tool_use was seen (parent, link and attributes are the transcript's). */
  fromTranscript?: boolean;
  /** Hook-measured start and end (PreToolUse, PostToolUse/Failure): they win over transcript times. */
  hookStart?: number;
  hookEnd?: number;
  /** The transcript's tool_result time, and what it said. */
  resultEnd?: number;
  resultChars?: number;
  resultAgentId?: string;
  isError?: boolean;
  errorText?: string;
  /** A hook said the session's transcript is on disk: its tool_result is worth waiting for. */
  expectTranscript?: boolean;
  /** Wall time an end was first known (the other source gets TOOL_MERGE_WAIT_MS to arrive). */
  endSeenAt?: number;
  /** `ccotel.sensitive` events: one per rule hit on the call. */
  events?: SpanEvent[];
}
interface TurnState {
  spanId: string;
  start: number;
  last: number;
  index: number;
  chars: number;
  emitted: boolean;
  /** Time range of the children sent so far: the turn is stretched to contain them. */
  childStart?: number;
  childEnd?: number;
  /** The git branch of the turn's first line that names one (it may change within a session). */
  branch?: string;
  /** Hook events of the turn (Stop). */
  events?: SpanEvent[];
}
interface SessionState {
  cwd: string;
  branch?: string;
  version?: string;
  start: number;
  last: number;
  /** Range of every span sent for the session: the root is stretched to contain them. */
  spanStart?: number;
  spanEnd?: number;
  /** Wall time of the last event handed over (the reader may be in the middle of its files). */
  seenAt?: number;
  turns: number;
  rootEmitted: boolean;
  turn?: TurnState;
  /** Per stream ('' = main, else agent id): the call being streamed and the last event time. */
  streams: Record<string, { pending?: PendingCall; lastTs?: number }>;
  tools: Record<string, OpenTool>;
  agents: Record<string, AgentState>;
  /** Keys of the model calls sent (root totals are the ledger's numbers for exactly these). */
  calls: Record<string, 1>;
  /** Digests of calls sent before the session was last closed (it was reopened). */
  callsBefore?: string;
  /**
   * Digests of the prompts that opened a turn (before a close too): a resumed session's file starts
   * with copies of the earlier lines, old session id included, and a copy must not open a turn again.
   */
  prompts?: string;
  /** Times of the compactions counted (the copies of a resumed session's file have the same). */
  compactedAt?: number[];
  totals: { toolCalls: number; toolErrors: number; compactions: number };
  /** Hook events arrive for this session: tool spans wait for the hook's timings. */
  hooked?: boolean;
  /** Ids of tool spans sent (a late event from the other source must not open a second one). */
  toolsSent?: Record<string, 1>;
  /** Hook events (notifications, session start, ...) to attach to the root span as span events. */
  events?: SpanEvent[];
}

/**
 * A session got through TraceBuilder.edit(), which drops its cached JSON: the only kind the methods
 * that change a session accept. Elsewhere a session is read as Frozen, so a change that would leave
 * the saved state stale does not compile.
 */
declare const editing: unique symbol;
type Editing = SessionState & { readonly [editing]: true };
type Frozen<T> = T extends ReadonlyArray<infer U> ? ReadonlyArray<Frozen<U>> : T extends object ? { readonly [K in keyof T]: Frozen<T[K]> } : T;

export interface TraceBuilderState {
  sessions: Record<string, SessionState>;
  /**
   * Sessions whose root span was sent (wall-clock time of closing, subagent spans sent, digests of
   * the model calls sent): more lines for them (a resumed session, subagent files read after the
   * main one, a late copy of a response) add spans under the same root, never a second root, a
   * second span for the same subagent or a second span for the same model call.
   */
  closed: Record<string, { at: number; agents: string[]; calls?: string; prompts?: string; turns?: number }>;
}

const CLOSED_RETENTION_MS = 60 * 86_400_000;
// Old history is "idle" the moment it is read; a session whose lines were handed over this recently
// may have more lines (the rest of a big file, its subagent files) coming in the same pass.
const READING_GRACE_MS = 2000;
const DIGEST_CHARS = 12;
/** How long a tool span with an end from one source waits for the other (hook or transcript). */
export const TOOL_MERGE_WAIT_MS = 10_000;
const MAX_SESSION_EVENTS = 500;

export class TraceBuilder {
  private state: TraceBuilderState = { sessions: {}, closed: {} };
  private outbox: SpanData[] = [];
  /**
   * `state.closed` as JSON, kept until it changes: it holds 60 days of sessions (~270 bytes each)
   * and most commits while following do not touch it (see snapshotJson).
   */
  private closedJson: string | undefined;
  /**
   * Each closed session as `"id":{...}`, kept until it is closed again or forgotten (setClosed,
   * the sweep): a backfill closes a few sessions a commit, and closedJson is put together again
   * from these instead of stringifying every closed session each time.
   */
  private closedEntryJson = new Map<string, string>();
  /**
   * Each open session as `"id":{...}`, kept until the session changes (edit() drops it): a backfill
   * holds ~50 sessions open (read in the last seconds) and a commit changes a few of them.
   */
  private sessionJson = new Map<string, string>();
  /** digestsOf(): the sets of the reopened sessions seen last, by their `callsBefore` string. */
  private digestSets = new Map<string, ReadonlySet<string>>();
  /** callSet(): each session's `calls` as a Set. */
  private callSets = new WeakMap<object, Set<string>>();
  /** Wall-clock time of the last sweep of closed sessions past their retention. */
  private sweptAt = -Infinity;

  constructor(
    private readonly pricer: Pricer,
    private readonly opts: TraceBuilderOptions,
    private readonly usageOf: UsageLookup,
    private readonly wallClock: () => number = Date.now,
    private readonly toolOf?: ToolLookup,
    private readonly repoOf?: RepoLookup,
  ) {}

  snapshot(): TraceBuilderState {
    return structuredClone(this.state);
  }
  /**
   * The state as JSON (what snapshot() gives, serialized), without cloning it: each open session and
   * the closed ones are serialized again only after they changed. So a commit costs the sessions it
   * touched, not every open one, nor all of the last 60 days.
   */
  snapshotJson(): string {
    this.closedJson ??= this.joinedClosed();
    // Object.keys: the order JSON.stringify gives the object's members. The pieces are concatenated,
    // not joined: the store copies the whole state into its buffer once anyway (a join copied ~1 MB
    // more a commit in a backfill).
    let open = '';
    for (const sid of Object.keys(this.state.sessions)) {
      let j = this.sessionJson.get(sid);
      if (j === undefined) this.sessionJson.set(sid, (j = `${JSON.stringify(sid)}:${JSON.stringify(this.state.sessions[sid])}`));
      open = open === '' ? j : `${open},${j}`;
    }
    return `{"sessions":{${open}},"closed":${this.closedJson}}`;
  }

  /** JSON.stringify(state.closed), from each closed session's cached JSON. */
  private joinedClosed(): string {
    let out = '';
    for (const sid of Object.keys(this.state.closed)) {
      let j = this.closedEntryJson.get(sid);
      if (j === undefined) this.closedEntryJson.set(sid, (j = `${JSON.stringify(sid)}:${JSON.stringify(this.state.closed[sid])}`));
      out = out === '' ? j : `${out},${j}`;
    }
    return `{${out}}`;
  }
  restore(s: TraceBuilderState | undefined): void {
    this.closedJson = undefined;
    this.closedEntryJson.clear();
    this.sessionJson.clear();
    this.state = s && typeof s === 'object' && s.sessions ? structuredClone(s) : { sessions: {}, closed: {} };
    this.state.closed ??= {};
    for (const session of Object.values(this.state.sessions)) {
      session.calls ??= {};
      session.seenAt = undefined;
      for (const t of Object.values(session.tools ?? {})) t.endSeenAt = undefined;
      // The rest of a response may be on disk, not read yet: only its stream's lines (or the end of
      // the turn, session or backfill) may complete it now, never the quiet rule alone.
      for (const stream of Object.values(session.streams)) if (stream.pending) stream.pending.seenAt = 0;
    }
  }

  /** Spans completed since the last call. */
  drain(): SpanData[] {
    const out = this.outbox;
    this.outbox = [];
    return out;
  }
  get openSessions(): number {
    return Object.keys(this.state.sessions).length;
  }

  /** Events in transcript order; the ledger has already applied each of them. */
  accept(events: readonly ModelEvent[]): void {
    for (const e of events) this.apply(e);
  }

  /** The open session `sid`, to change: its cached JSON goes (the one way to a writable session). */
  private edit(sid: string): Editing {
    this.sessionJson.delete(sid);
    return this.state.sessions[sid] as Editing;
  }

  /** The open session `sid`, read only. */
  private view(sid: string): Frozen<SessionState> {
    return this.state.sessions[sid]!;
  }

  private session(e: ModelEvent): Editing {
    const id = e.ctx.sessionId;
    if (!this.state.sessions[id]) {
      const closed = this.state.closed[id];
      this.state.sessions[id] = {
        cwd: e.ctx.cwd,
        start: e.ts,
        last: e.ts,
        // A reopened session's turns go on numbering from where they were.
        turns: closed?.turns ?? 0,
        rootEmitted: closed !== undefined,
        streams: {},
        tools: {},
        agents: Object.fromEntries((closed?.agents ?? []).map((a) => [a, { first: Infinity, last: -Infinity, linked: true }])),
        calls: {},
        callsBefore: closed?.calls,
        prompts: closed?.prompts,
        totals: { toolCalls: 0, toolErrors: 0, compactions: 0 },
      };
    }
    const s = this.edit(id);
    if (e.ctx.cwd && !e.ctx.agentId) s.cwd = e.ctx.cwd;
    if (e.ctx.gitBranch) s.branch = e.ctx.gitBranch;
    if (e.ctx.version) s.version = e.ctx.version;
    return s;
  }

  private apply(e: ModelEvent): void {
    const sid = e.ctx.sessionId;
    const s = this.session(e);
    const wall = this.wallClock();
    s.seenAt = wall;
    s.start = Math.min(s.start, e.ts);
    s.last = Math.max(s.last, e.ts);
    if (s.turn && !s.turn.emitted) {
      s.turn.last = Math.max(s.turn.last, e.ts);
      // (A prompt's branch is the next turn's.)
      if (e.kind !== 'prompt') s.turn.branch ??= e.ctx.gitBranch;
    }
    const agentId = e.ctx.agentId;
    // SubagentStart/SubagentStop keep their own account of the agent (hook-spans.ts).
    if (agentId && !(e.kind === 'hook' && isSubagentHook(e))) {
      const a = (s.agents[agentId] ??= { first: e.ts, last: e.ts, linked: false });
      a.first = Math.min(a.first, e.ts);
      a.last = Math.max(a.last, e.ts);
      if (e.kind === 'model_call' && e.parentToolUseId) a.task ??= e.parentToolUseId;
    }
    const streamKey = agentId ?? '';
    const stream = (s.streams[streamKey] ??= {});
    // A new model call or prompt in the same stream, or the turn's end, completes the call being
    // streamed. Tool results do not: copies of a response with several tool calls keep arriving
    // after the first tool's result.
    if (stream.pending && ((e.kind === 'model_call' && e.key !== stream.pending.key) || e.kind === 'prompt' || e.kind === 'turn_end')) this.emitCall(sid, s, streamKey);
    if (stream.pending && stream.pending.seenAt === 0) stream.pending.seenAt = wall;
    switch (e.kind) {
      case 'model_call': {
        if (this.sent(s, e.key)) break; // a late copy: the ledger took it, the span is out
        const p = stream.pending;
        if (p) {
          p.end = Math.max(p.end, e.ts);
          p.seenAt = wall;
          p.usage = e.usage;
          p.stopReason = e.stopReason ?? p.stopReason;
        } else {
          const parent = agentId ? agentSpanId(sid, agentId) : this.openTurnOrRoot(sid, s);
          stream.pending = { key: e.key, messageId: e.messageId, parent, model: e.model, start: Math.min(stream.lastTs ?? e.ts, e.ts), end: e.ts, usage: e.usage, stopReason: e.stopReason, apiError: e.apiError, errorText: e.errorText, seenAt: wall };
        }
        break;
      }
      case 'tool_use':
        this.openTool(sid, s, e);
        break;
      case 'tool_result': {
        const t = s.tools[e.toolUseId];
        if (!t) break;
        t.resultEnd = e.ts;
        t.resultChars = e.resultChars;
        t.resultAgentId = e.agentId;
        if (e.isError) t.isError = true;
        t.endSeenAt ??= wall;
        this.maybeEmitTool(sid, s, e.toolUseId, false);
        break;
      }
      case 'hook':
        this.applyHook(sid, s, e, wall);
        break;
      case 'prompt':
        if (!agentId && this.firstPrompt(s, e.uuid)) {
          this.closeTurn(sid, s, s.turn?.last ?? e.ts);
          s.turns++;
          s.turn = { spanId: turnSpanId(sid, e.uuid), start: e.ts, last: e.ts, index: s.turns, chars: e.chars, emitted: false, branch: e.ctx.gitBranch };
        }
        break;
      case 'turn_end':
        // (An older one is a copy of an earlier turn's end: it does not end this turn.)
        if (!agentId && s.turn && e.ts >= s.turn.start) this.closeTurn(sid, s, e.ts);
        break;
      case 'compaction':
        if (s.compactedAt?.includes(e.ts)) break;
        (s.compactedAt ??= []).push(e.ts);
        s.totals.compactions++;
        break;
    }
    stream.lastTs = Math.max(stream.lastTs ?? e.ts, e.ts);
  }

  /** Main-stream spans hang off the open turn; with none (before the first prompt, after an idle close), off the root. */
  private openTurnOrRoot(sid: string, s: Frozen<SessionState>): string {
    return s.turn && !s.turn.emitted ? s.turn.spanId : sessionSpanId(sid);
  }

  /** Records a main-stream prompt; false for a copy of one seen before (a resumed session's file). */
  private firstPrompt(s: Editing, uuid: string): boolean {
    const d = promptDigest(uuid);
    const seen = s.prompts ?? '';
    for (let i = 0; i + DIGEST_CHARS <= seen.length; i += DIGEST_CHARS) if (seen.startsWith(d, i)) return false;
    s.prompts = seen + d;
    return true;
  }

  private sent(s: Frozen<SessionState>, key: string): boolean {
    if (this.callSet(s.calls).has(key)) return true;
    if (!s.callsBefore) return false;
    return this.digestsOf(s.callsBefore).has(callDigest(key));
  }

  /**
   * A session's `calls` keys as a Set, made from the object on first use: looking a fresh key string
   * up in an object of thousands of keys costs several times a Set's lookup, once per copy of every
   * call. Keyed by the object, so a restored or new session gets its own; markSent() adds to both.
   */
  private callSet(calls: Frozen<Record<string, 1>>): Set<string> {
    let set = this.callSets.get(calls);
    if (!set) this.callSets.set(calls, (set = new Set(Object.keys(calls))));
    return set;
  }

  /** The one way a call is recorded as sent (the saved `calls` and its Set together). */
  private markSent(s: Editing, key: string): void {
    s.calls[key] = 1;
    this.callSet(s.calls).add(key);
  }

  /**
   * The digests in a reopened session's `callsBefore`, as a set: every copy of every call of the
   * session asks, and a long session's list has thousands. Kept for the string it was made from.
   */
  private digestsOf(callsBefore: string): ReadonlySet<string> {
    let set = this.digestSets.get(callsBefore);
    if (!set) {
      const digests = new Set<string>();
      for (let i = 0; i + DIGEST_CHARS <= callsBefore.length; i += DIGEST_CHARS) digests.add(callsBefore.slice(i, i + DIGEST_CHARS));
      if (this.digestSets.size >= 64) this.digestSets.clear();
      this.digestSets.set(callsBefore, (set = digests));
    }
    return set;
  }

  private openTool(sid: string, s: Editing, e: ToolUseEvent): void {
    const known = s.tools[e.id];
    if ((known && known.fromTranscript) || s.toolsSent?.[e.id]) return;
    // A copy of a main-stream tool call of a closed session (a resumed session's file): its call was
    // sent, so was it. Not a subagent's: its calls may have been sent from the copies in the parent,
    // and its own file, read after the session closed, is the only record of its tool calls.
    if (!e.ctx.agentId && s.callsBefore && this.digestsOf(s.callsBefore).has(callDigest(e.callKey))) return;
    const { attrs, events } = this.toolDescription(sid, e.id, e.name, e.input, e.ts);
    // Siblings of the chat span that asked for them (a child would start after its parent ended).
    const parent = e.ctx.agentId ? agentSpanId(sid, e.ctx.agentId) : this.openTurnOrRoot(sid, s);
    // A hook opened it first: the transcript gives the tree (parent, requesting call), the hook the times.
    if (known) Object.assign(known, { parent, attrs, callKey: e.callKey, agentId: e.ctx.agentId, fromTranscript: true, start: e.ts, events: known.events ?? events });
    else s.tools[e.id] = { parent, start: e.ts, name: e.name, attrs, callKey: e.callKey, agentId: e.ctx.agentId, fromTranscript: true, events };
  }

  /** A tool span's attributes and sensitive-rule events. The ledger applied the call first: its target and rule hits are read, not computed again. */
  private toolDescription(sid: string, id: string, name: string, input: Record<string, unknown>, ts: number): { attrs: Record<string, AttrValue>; events?: SpanEvent[] } {
    const rec = this.toolOf?.(id);
    const attrs = toolAttributes(name, id, sid, rec ? rec.target : summarizeToolTarget(name, input), input);
    let events: SpanEvent[] | undefined;
    if (rec && rec.hits.length > 0) {
      attrs['ccotel.sensitive.rules'] = rec.hits.map((h) => h.rule);
      events = rec.hits.map((h) => ({ name: 'ccotel.sensitive', timeMs: ts, attributes: { 'ccotel.sensitive.rule': h.rule, 'ccotel.sensitive.severity': h.severity, 'ccotel.sensitive.field': h.field, 'ccotel.sensitive.value': h.value } }));
    }
    return { attrs, events };
  }

  /**
   * A hook event. Tool events open or end the same tool as the transcript's tool_use_id (one span,
   * hook timings); a prompt of a session with no transcript here opens a turn; the rest become span
   * events of the root span (docs/hooks.md).
   */
  private applyHook(sid: string, s: Editing, e: HookEvent, wall: number): void {
    s.hooked = true;
    const tool = e.tool;
    const agentId = e.ctx.agentId;
    if (tool) {
      if (s.toolsSent?.[tool.id]) return;
      let t = s.tools[tool.id];
      if (!t) {
        const parent = agentId ? agentSpanId(sid, agentId) : this.openTurnOrRoot(sid, s);
        const { attrs, events } = this.toolDescription(sid, tool.id, tool.name, tool.input, e.ts);
        t = s.tools[tool.id] = { parent, start: e.ts, name: tool.name, attrs, callKey: '', agentId, events };
      }
      if (e.transcript) t.expectTranscript = true;
      if (tool.phase === 'pre') t.hookStart = e.ts;
      else {
        t.hookEnd = e.ts;
        if (tool.phase === 'failure') {
          t.isError = true;
          t.errorText = tool.errorText;
        }
        t.resultChars ??= tool.resultChars;
        t.endSeenAt ??= wall;
        this.maybeEmitTool(sid, s, tool.id, false);
      }
      return;
    }
    if (e.event === 'UserPromptSubmit' && !e.transcript && !agentId) {
      this.closeTurn(sid, s, s.turn?.last ?? e.ts);
      s.turns++;
      s.turn = { spanId: turnSpanId(sid, `hook:${e.id}`), start: e.ts, last: e.ts, index: s.turns, chars: e.promptChars ?? 0, emitted: false };
      return;
    }
    if (isSubagentHook(e)) {
      const step = applySubagentHook(s.agents, e);
      if (step === 'emit') {
        // A session with no transcript here: nothing will name the Task call, the pair is the span.
        const a = s.agents[agentId!]!;
        a.linked = true;
        this.push(s, subagentSpan(sid, agentId!, a, sessionSpanId(sid), a.type ?? 'subagent', [a.first, a.last]));
      }
      if (step !== 'event') return;
    }
    // Every other event (unknown ones too) is a span event: Stop on the turn it ends, the rest on the root.
    const attributes: Record<string, AttrValue> = {};
    for (const [k, v] of Object.entries(e.detail)) attributes[`ccotel.hook.${k}`] = v;
    if (agentId) attributes['gen_ai.agent.id'] = agentId;
    const ev: SpanEvent = { name: e.event, timeMs: e.ts, attributes };
    if (e.event === 'Stop' && s.turn && !s.turn.emitted) {
      const list = (s.turn.events ??= []);
      if (list.length < MAX_SESSION_EVENTS) list.push(ev);
      // With no transcript, Stop (Claude finished answering) is the only end the turn gets.
      if (!e.transcript) this.closeTurn(sid, s, e.ts);
      return;
    }
    if (!s.rootEmitted) {
      const list = (s.events ??= []);
      if (list.length < MAX_SESSION_EVENTS) list.push(ev);
      return;
    }
    // The root was sent already (a session resumed after going idle): the event gets a span of its own.
    this.push(s, { traceId: traceIdFor(sid), spanId: toolSpanId(sid, `hook:${e.id}`), parentSpanId: sessionSpanId(sid), name: `hook ${e.event}`, kind: 'internal', startMs: e.ts, endMs: e.ts, attributes: { 'gen_ai.conversation.id': sid, ...attributes }, events: [ev] });
  }

  /**
   * Sends a tool's span once its end is known and the other source (hook or transcript) has had its
   * chance to add what it knows; `force` sends with what is known now.
   */
  private maybeEmitTool(sid: string, s: Editing, id: string, force: boolean): void {
    const t = s.tools[id];
    if (!t) return;
    const end = t.hookEnd ?? t.resultEnd;
    if (end === undefined) return;
    if (!force) {
      const needHook = s.hooked === true && t.hookEnd === undefined;
      const needTranscript = t.resultEnd === undefined && (t.expectTranscript === true || t.fromTranscript === true);
      if (needHook || needTranscript) return;
    }
    delete s.tools[id];
    (s.toolsSent ??= {})[id] = 1;
    const spanId = toolSpanId(sid, id);
    s.totals.toolCalls++;
    if (t.isError) s.totals.toolErrors++;
    const hookTimed = t.hookStart !== undefined || t.hookEnd !== undefined;
    let start = t.hookStart ?? t.start;
    let end2 = Math.max(start, end);
    let agentSpan: SpanData | undefined;
    // A Task cut short (interrupted, or a sibling call failed) has a result that names no subagent:
    // the one whose copies in the parent name this call ran for it.
    const agent = t.resultAgentId ?? (isAgentTool(t.name) ? this.agentOfTask(s, id) : undefined);
    if (agent && !(s.agents[agent]?.linked)) {
      const a = (s.agents[agent] ??= { first: start, last: end2, linked: false });
      a.linked = true;
      // The Task call spans its whole subagent.
      start = Math.min(start, a.first);
      end2 = Math.max(end2, a.last);
      const name = String(t.attrs['gen_ai.agent.name'] ?? a.type ?? 'subagent');
      agentSpan = { ...subagentSpan(sid, agent, a, spanId, name, [start, end2]), error: t.isError ? 'subagent failed' : undefined };
    }
    // The tool left the state above: its attributes become the span's without a copy (same order
    // as a spread: an existing key keeps its place, a new one goes last).
    const attributes = t.attrs;
    attributes['ccotel.tool.result.chars'] = t.resultChars ?? 0;
    if (hookTimed) attributes['ccotel.tool.timing'] = 'hook';
    const error = t.isError ? (t.errorText ? redactSecrets(t.errorText) : 'tool returned an error') : undefined;
    this.push(s, { traceId: traceIdFor(sid), spanId, parentSpanId: t.parent, name: `execute_tool ${t.name}`, kind: 'internal', startMs: start, endMs: end2, attributes, links: t.callKey ? this.requestedBy(sid, t) : undefined, events: t.events, error });
    if (agentSpan) this.push(s, agentSpan);
  }

  /** The unlinked subagent that the agent_progress copies tie to Task call `toolId`. */
  private agentOfTask(s: Frozen<SessionState>, toolId: string): string | undefined {
    for (const [agentId, a] of Object.entries(s.agents)) if (a.task === toolId && !a.linked) return agentId;
    return undefined;
  }

  private requestedBy(sid: string, t: OpenTool): SpanData['links'] {
    return [{ traceId: traceIdFor(sid), spanId: chatSpanId(sid, t.callKey), attributes: { 'ccotel.link.type': 'requested_by' } }];
  }

  private emitCall(sid: string, s: Editing, streamKey: string): void {
    const stream = s.streams[streamKey]!;
    const p = stream.pending!;
    stream.pending = undefined;
    if (this.sent(s, p.key)) return;
    this.markSent(s, p.key);
    const rec = this.usageOf(p.key);
    const u = rec?.usage ?? p.usage;
    const model = rec?.model ?? p.model;
    const apiError = rec?.apiError ?? p.apiError;
    const { usd } = this.pricer.cost(model, u, apiError);
    const attributes: Record<string, AttrValue> = {
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': GENAI_PROVIDER,
      'gen_ai.conversation.id': sid,
      'gen_ai.request.model': model,
      'gen_ai.response.model': model,
      'gen_ai.response.id': p.messageId,
    };
    usageAttributes(u, attributes);
    attributes['ccotel.cost.usd'] = usd;
    if (p.stopReason) attributes['gen_ai.response.finish_reasons'] = [p.stopReason];
    if (u.fast) attributes['ccotel.request.speed'] = 'fast';
    const error = apiError ? redactSecrets(p.errorText ?? 'API error') : undefined;
    this.push(s, { traceId: traceIdFor(sid), spanId: chatSpanId(sid, p.key), parentSpanId: p.parent, name: `chat ${model}`, kind: 'client', startMs: p.start, endMs: p.end, attributes, error });
  }

  private emitIncompleteTool(sid: string, s: Editing, id: string, end: number): void {
    const t = s.tools[id]!;
    // Ended, but waiting for the other source: it goes out complete with what is known.
    if (t.hookEnd !== undefined || t.resultEnd !== undefined) return this.maybeEmitTool(sid, s, id, true);
    delete s.tools[id];
    (s.toolsSent ??= {})[id] = 1;
    // A call with no result is still one of the session's calls (as in the session gauge, docs/metrics.md).
    s.totals.toolCalls++;
    const start = t.hookStart ?? t.start;
    // (Its attributes are the span's, as in maybeEmitTool.)
    t.attrs['ccotel.tool.incomplete'] = true;
    this.push(s, { traceId: traceIdFor(sid), spanId: toolSpanId(sid, id), parentSpanId: t.parent, name: `execute_tool ${t.name}`, kind: 'internal', startMs: start, endMs: Math.max(start, end), attributes: t.attrs, links: t.callKey ? this.requestedBy(sid, t) : undefined, events: t.events });
  }

  private closeTurn(sid: string, s: Editing, end: number): void {
    const t = s.turn;
    if (!t || t.emitted) return;
    const main = s.streams[''];
    if (main?.pending?.parent === t.spanId) this.emitCall(sid, s, '');
    // A tool of this turn with no result was interrupted: it ends with the turn. Not a tool a hook
    // opened whose transcript lines are yet to be read: hooks and transcripts are read on their own
    // schedules, so a PreToolUse can come before the prompt that starts its turn; its tool_use line
    // names its turn, and its result and failure hook its end.
    for (const [id, tool] of Object.entries(s.tools)) if (tool.parent === t.spanId && !(tool.expectTranscript && !tool.fromTranscript)) this.emitIncompleteTool(sid, s, id, Math.max(end, t.last));
    t.emitted = true;
    const attributes: Record<string, AttrValue> = { 'gen_ai.conversation.id': sid, 'ccotel.turn.index': t.index, 'ccotel.prompt.chars': t.chars, ...this.vcsAttributes(s.cwd, t.branch) };
    this.push(s, { traceId: traceIdFor(sid), spanId: t.spanId, parentSpanId: sessionSpanId(sid), name: 'turn', kind: 'internal', startMs: Math.min(t.start, t.childStart ?? t.start), endMs: Math.max(t.start, end, t.childEnd ?? end), attributes, events: t.events });
  }

  /** vcs.ref.head.name (the branch, never a metric label) and the cwd's repository url. */
  private vcsAttributes(cwd: string, branch: string | undefined): Record<string, AttrValue> {
    const a: Record<string, AttrValue> = {};
    if (branch) {
      a['vcs.ref.head.name'] = redactSecrets(branch);
      a['vcs.ref.type'] = 'branch';
    }
    const repo = cwd ? this.repoOf?.(cwd) : undefined;
    if (repo) a['vcs.repository.url.full'] = repo;
    return a;
  }

  /** Nothing in the turn is still running (a tool, a subagent, a call being streamed). */
  private turnQuiet(s: Frozen<SessionState>): boolean {
    const id = s.turn?.spanId;
    if (s.streams['']?.pending?.parent === id) return false;
    return !Object.values(s.tools).some((t) => t.parent === id);
  }

  /**
   * Completes what time has completed: quiet model calls, idle turns and idle sessions (event time
   * vs now). `final` completes every pending call (end of a one-shot backfill: all of it is on disk),
   * but with `keepRecent` not one whose last copy is younger than the quiet period: it may still be
   * streaming (its next copy torn, or not written yet), and its session stays open for the rest.
   */
  tick(nowMs: number = this.wallClock(), final = false, keepRecent = false): void {
    const wall = this.wallClock();
    // Read through view(); a step that changes a session takes it from edit() (its saved JSON goes).
    for (const sid of Object.keys(this.state.sessions)) {
      const s = this.view(sid);
      const reading = !final && s.seenAt !== undefined && wall - s.seenAt < READING_GRACE_MS;
      for (const [id, t] of Object.entries(s.tools)) {
        if (t.hookEnd === undefined && t.resultEnd === undefined) continue;
        const endSeenAt = t.endSeenAt ?? wall;
        if (t.endSeenAt === undefined) this.edit(sid).tools[id]!.endSeenAt = wall;
        if (final || (!reading && wall - endSeenAt >= TOOL_MERGE_WAIT_MS)) this.maybeEmitTool(sid, this.edit(sid), id, true);
      }
      for (const [key, stream] of Object.entries(s.streams)) {
        const p = stream.pending;
        if (!p) continue;
        const old = nowMs - p.end >= this.opts.callQuietMs;
        const quiet = p.seenAt > 0 && wall - p.seenAt >= READING_GRACE_MS && old;
        if ((final && (old || !keepRecent)) || quiet) this.emitCall(sid, this.edit(sid), key);
      }
      if (s.turn && !s.turn.emitted && !reading && nowMs - s.turn.last >= this.opts.turnIdleMs && this.turnQuiet(s)) this.closeTurn(sid, this.edit(sid), s.turn.last);
      if (nowMs - s.last >= this.opts.sessionIdleMs && !reading) this.closeSession(sid, this.edit(sid));
    }
    // Forget closed sessions by wall-clock age (event time would drop old history at once); once a
    // minute is plenty for a 60-day retention, and keeps a tick from walking all of them.
    if (wall - this.sweptAt >= 60_000) {
      this.sweptAt = wall;
      for (const [sid, c] of Object.entries(this.state.closed)) {
        if (wall - c.at <= CLOSED_RETENTION_MS) continue;
        delete this.state.closed[sid];
        this.closedEntryJson.delete(sid);
        this.closedJson = undefined;
      }
    }
  }

  private closeSession(sid: string, s: Editing): void {
    for (const key of Object.keys(s.streams)) if (s.streams[key]!.pending) this.emitCall(sid, s, key);
    this.closeTurn(sid, s, s.last);
    for (const [id, t] of Object.entries(s.tools)) {
      // No result ever came (interrupted, or the session ended): end the span with what ran it.
      const a = t.agentId ? s.agents[t.agentId] : undefined;
      this.emitIncompleteTool(sid, s, id, a && Number.isFinite(a.last) ? a.last : s.last);
    }
    for (const [agentId, a] of Object.entries(s.agents)) {
      if (a.linked) continue;
      // Subagents with no Task call (compaction agents) hang off the session root.
      // A SubagentStart with no stop ends with the session, like any open span.
      this.push(s, subagentSpan(sid, agentId, a, sessionSpanId(sid), a.type ?? (agentId.startsWith('acompact') ? 'compact' : 'subagent'), [a.first, a.last], s.last));
    }
    if (!s.rootEmitted) this.emitRoot(sid, s);
    const digests = (s.callsBefore ?? '') + Object.keys(s.calls).map(callDigest).join('');
    this.state.closed[sid] = { at: this.wallClock(), agents: Object.keys(s.agents), calls: digests || undefined, prompts: s.prompts, turns: s.turns || undefined };
    this.closedEntryJson.delete(sid);
    this.closedJson = undefined;
    delete this.state.sessions[sid];
    this.sessionJson.delete(sid);
  }

  private emitRoot(sid: string, s: Editing): void {
    // The ledger's final numbers for exactly the calls this trace holds (late copies included).
    const sum: Usage = { input: 0, output: 0, cacheRead: 0, cacheCreation: 0, cacheCreation1h: 0, cacheSplit: false, fast: false };
    let costUSD = 0;
    for (const key of Object.keys(s.calls)) {
      const r = this.usageOf(key);
      if (!r) continue;
      sum.input += r.usage.input;
      sum.output += r.usage.output;
      sum.cacheRead += r.usage.cacheRead;
      sum.cacheCreation += r.usage.cacheCreation;
      costUSD += this.pricer.cost(r.model, r.usage, r.apiError).usd;
    }
    const attributes: Record<string, AttrValue> = {
      'gen_ai.operation.name': 'invoke_agent',
      'gen_ai.provider.name': GENAI_PROVIDER,
      'gen_ai.agent.name': 'claude-code',
      'gen_ai.conversation.id': sid,
      ...usageAttributes(sum),
      'ccotel.cost.usd': costUSD,
      'ccotel.project.path': s.cwd,
      'ccotel.session.turns': s.turns,
      'ccotel.session.model_calls': Object.keys(s.calls).length,
      'ccotel.session.tool_calls': s.totals.toolCalls,
      'ccotel.session.tool_errors': s.totals.toolErrors,
      'ccotel.session.compactions': s.totals.compactions,
    };
    // The session's latest branch (each turn span has its own).
    Object.assign(attributes, this.vcsAttributes(s.cwd, s.branch));
    if (s.version) attributes['ccotel.claude_code.version'] = s.version;
    this.outbox.push({ traceId: traceIdFor(sid), spanId: sessionSpanId(sid), name: 'invoke_agent claude-code', kind: 'internal', startMs: Math.min(s.start, s.spanStart ?? s.start), endMs: Math.max(s.last, s.spanEnd ?? s.last), attributes, events: s.events });
  }

  /** Sends a span and stretches its open ancestors (turn, root) to contain it. */
  private push(s: Editing, span: SpanData): void {
    const t = s.turn;
    if (t && !t.emitted && span.parentSpanId === t.spanId) {
      t.childStart = Math.min(t.childStart ?? span.startMs, span.startMs);
      t.childEnd = Math.max(t.childEnd ?? span.endMs, span.endMs);
    }
    s.spanStart = Math.min(s.spanStart ?? span.startMs, span.startMs);
    s.spanEnd = Math.max(s.spanEnd ?? span.endMs, span.endMs);
    this.outbox.push(span);
  }
}
