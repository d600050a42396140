// Builds one trace per session from the event stream:
//   invoke_agent (session) → turn → chat <model> → execute_tool <Tool> → invoke_agent (subagent) → …
// A span is emitted once it is complete (its end is known); what is still open lives in a small,
// serializable state that is checkpointed with the byte offsets, so a restart resumes it exactly.
import type { ModelEvent, ToolUseEvent, Usage } from '../../model/events.js';
import type { Pricer } from '../../pricing/cost.js';
import { summarizeToolTarget } from '../../model/tool-target.js';
import { usageTotal } from '../../model/normalize.js';
import { agentSpanId, chatSpanId, sessionSpanId, toolSpanId, traceIdFor, turnSpanId } from './ids.js';
import type { AttrValue, SpanData } from './span-data.js';
import { toolAttributes, GENAI_PROVIDER } from './attributes.js';

export interface TraceBuilderOptions {
  /** A session with no event for this long (event time vs now) is closed and its root span sent. */
  sessionIdleMs: number;
  /** A turn with no event for this long is closed (later events still parent to it). */
  turnIdleMs: number;
  /** A model call whose lines stopped arriving this long ago (wall clock) is complete. */
  callQuietMs: number;
}

export const DEFAULT_TRACE_OPTIONS: TraceBuilderOptions = { sessionIdleMs: 30 * 60_000, turnIdleMs: 5 * 60_000, callQuietMs: 400 };

interface PendingCall {
  key: string;
  messageId: string;
  parent: string;
  model: string;
  start: number;
  end: number;
  usage: Usage;
  stopReason?: string;
  apiError: boolean;
  errorText?: string;
  seenAt: number;
}
interface OpenTool {
  parent: string;
  start: number;
  name: string;
  attrs: Record<string, AttrValue>;
}
interface TurnState {
  spanId: string;
  start: number;
  last: number;
  index: number;
  chars: number;
  emitted: boolean;
}
interface SessionState {
  cwd: string;
  branch?: string;
  version?: string;
  start: number;
  last: number;
  turns: number;
  rootEmitted: boolean;
  turn?: TurnState;
  /** Per stream ('' = main, else agent id): the call being streamed and the last event time. */
  streams: Record<string, { pending?: PendingCall; lastTs?: number }>;
  tools: Record<string, OpenTool>;
  agents: Record<string, { first: number; last: number; linked: boolean }>;
  totals: { input: number; output: number; cacheRead: number; cacheCreation: number; costUSD: number; toolCalls: number; toolErrors: number; compactions: number };
}

export interface TraceBuilderState {
  sessions: Record<string, SessionState>;
  /**
   * Sessions whose root span was sent (wall-clock time of closing, subagent spans sent): more lines
   * for them (a resumed session, or subagent files read after the main one) add spans under the
   * same root, never a second root or a second span for the same subagent.
   */
  closed: Record<string, { at: number; agents: string[] }>;
}

const CLOSED_RETENTION_MS = 60 * 86_400_000;
// Old history is "idle" the moment it is read; a session whose lines were handed over this recently
// may have more lines (the rest of a big file, its subagent files) coming in the same pass.
const READING_GRACE_MS = 2000;

export class TraceBuilder {
  private state: TraceBuilderState = { sessions: {}, closed: {} };
  private outbox: SpanData[] = [];
  /** The session the reader is in the middle of: not closed by a tick, however old its events. */
  private lastAccepted = { sessionId: '', wall: 0 };

  constructor(
    private readonly pricer: Pricer,
    private readonly opts: TraceBuilderOptions = DEFAULT_TRACE_OPTIONS,
    private readonly wallClock: () => number = Date.now,
  ) {}

  snapshot(): TraceBuilderState {
    return structuredClone(this.state);
  }
  restore(s: TraceBuilderState | undefined): void {
    this.state = s && typeof s === 'object' && s.sessions ? structuredClone(s) : { sessions: {}, closed: {} };
    this.state.closed ??= {};
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

  accept(events: readonly ModelEvent[]): void {
    for (const e of events) this.apply(e);
    const last = events[events.length - 1];
    if (last) this.lastAccepted = { sessionId: last.ctx.sessionId, wall: this.wallClock() };
  }

  private session(e: ModelEvent): SessionState {
    const id = e.ctx.sessionId;
    let s = this.state.sessions[id];
    if (!s) {
      s = {
        cwd: e.ctx.cwd,
        start: e.ts,
        last: e.ts,
        turns: 0,
        rootEmitted: id in this.state.closed,
        streams: {},
        tools: {},
        agents: Object.fromEntries((this.state.closed[id]?.agents ?? []).map((a) => [a, { first: Infinity, last: -Infinity, linked: true }])),
        totals: { input: 0, output: 0, cacheRead: 0, cacheCreation: 0, costUSD: 0, toolCalls: 0, toolErrors: 0, compactions: 0 },
      };
      this.state.sessions[id] = s;
    }
    if (e.ctx.cwd && !e.ctx.agentId) s.cwd = e.ctx.cwd;
    if (e.ctx.gitBranch) s.branch = e.ctx.gitBranch;
    if (e.ctx.version) s.version = e.ctx.version;
    return s;
  }

  private apply(e: ModelEvent): void {
    const sid = e.ctx.sessionId;
    const s = this.session(e);
    s.start = Math.min(s.start, e.ts);
    s.last = Math.max(s.last, e.ts);
    if (s.turn) s.turn.last = Math.max(s.turn.last, e.ts);
    const agentId = e.ctx.agentId;
    if (agentId) {
      const a = (s.agents[agentId] ??= { first: e.ts, last: e.ts, linked: false });
      a.first = Math.min(a.first, e.ts);
      a.last = Math.max(a.last, e.ts);
    }
    const streamKey = agentId ?? '';
    const stream = (s.streams[streamKey] ??= {});
    // A new model call or prompt in the same stream completes the call being streamed. Tool results
    // do not: with parallel tool calls they arrive between the copies of one response.
    if (stream.pending && ((e.kind === 'model_call' && e.key !== stream.pending.key) || e.kind === 'prompt' || e.kind === 'turn_end')) {
      this.emitCall(sid, s, stream.pending);
      stream.pending = undefined;
    }
    switch (e.kind) {
      case 'model_call': {
        const p = stream.pending;
        if (p) {
          p.end = Math.max(p.end, e.ts);
          p.seenAt = this.wallClock();
          if (usageTotal(e.usage) > usageTotal(p.usage)) {
            p.usage = e.usage;
            p.stopReason = e.stopReason ?? p.stopReason;
          }
        } else {
          const parent = agentId ? agentSpanId(sid, agentId) : (s.turn?.spanId ?? sessionSpanId(sid));
          stream.pending = { key: e.key, messageId: e.messageId, parent, model: e.model, start: Math.min(stream.lastTs ?? e.ts, e.ts), end: e.ts, usage: e.usage, stopReason: e.stopReason, apiError: e.apiError, errorText: e.errorText, seenAt: this.wallClock() };
        }
        break;
      }
      case 'tool_use':
        this.openTool(sid, s, e);
        break;
      case 'tool_result': {
        const t = s.tools[e.toolUseId];
        if (!t) break;
        delete s.tools[e.toolUseId];
        const spanId = toolSpanId(sid, e.toolUseId);
        s.totals.toolCalls++;
        if (e.isError) s.totals.toolErrors++;
        this.push({ traceId: traceIdFor(sid), spanId, parentSpanId: t.parent, name: `execute_tool ${t.name}`, kind: 'internal', startMs: t.start, endMs: Math.max(t.start, e.ts), attributes: { ...t.attrs, 'ccotel.tool.result.chars': e.resultChars }, error: e.isError ? 'tool returned an error' : undefined });
        if (e.agentId && !(s.agents[e.agentId]?.linked)) {
          const a = (s.agents[e.agentId] ??= { first: t.start, last: e.ts, linked: false });
          a.linked = true;
          this.push({
            traceId: traceIdFor(sid),
            spanId: agentSpanId(sid, e.agentId),
            parentSpanId: spanId,
            name: `invoke_agent ${String(t.attrs['gen_ai.agent.name'] ?? 'subagent')}`,
            kind: 'internal',
            startMs: Math.min(t.start, a.first),
            endMs: Math.max(e.ts, a.last),
            attributes: { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.provider.name': GENAI_PROVIDER, 'gen_ai.agent.id': e.agentId, 'gen_ai.agent.name': String(t.attrs['gen_ai.agent.name'] ?? 'subagent'), 'gen_ai.conversation.id': sid },
            error: e.isError ? 'subagent failed' : undefined,
          });
        }
        break;
      }
      case 'prompt':
        if (!agentId) {
          this.closeTurn(sid, s, s.turn?.last ?? e.ts);
          s.turns++;
          s.turn = { spanId: turnSpanId(sid, e.uuid), start: e.ts, last: e.ts, index: s.turns, chars: e.chars, emitted: false };
        }
        break;
      case 'turn_end':
        if (!agentId && s.turn) this.closeTurn(sid, s, e.ts);
        break;
      case 'compaction':
        s.totals.compactions++;
        break;
    }
    stream.lastTs = Math.max(stream.lastTs ?? e.ts, e.ts);
  }

  private openTool(sid: string, s: SessionState, e: ToolUseEvent): void {
    if (s.tools[e.id]) return;
    const attrs = toolAttributes(e.name, e.id, sid, summarizeToolTarget(e.name, e.input), e.input);
    s.tools[e.id] = { parent: chatSpanId(sid, e.callKey), start: e.ts, name: e.name, attrs };
  }

  private emitCall(sid: string, s: SessionState, p: PendingCall): void {
    const u = p.usage;
    const { usd } = this.pricer.cost(p.model, u, p.apiError);
    s.totals.input += u.input;
    s.totals.output += u.output;
    s.totals.cacheRead += u.cacheRead;
    s.totals.cacheCreation += u.cacheCreation;
    s.totals.costUSD += usd;
    const attributes: Record<string, AttrValue> = {
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': GENAI_PROVIDER,
      'gen_ai.conversation.id': sid,
      'gen_ai.request.model': p.model,
      'gen_ai.response.model': p.model,
      'gen_ai.response.id': p.messageId,
      'gen_ai.usage.input_tokens': u.input,
      'gen_ai.usage.output_tokens': u.output,
      'gen_ai.usage.cache_read.input_tokens': u.cacheRead,
      'gen_ai.usage.cache_creation.input_tokens': u.cacheCreation,
      'ccotel.cost.usd': usd,
    };
    if (p.stopReason) attributes['gen_ai.response.finish_reasons'] = [p.stopReason];
    if (u.fast) attributes['ccotel.request.speed'] = 'fast';
    this.push({ traceId: traceIdFor(sid), spanId: chatSpanId(sid, p.key), parentSpanId: p.parent, name: `chat ${p.model}`, kind: 'client', startMs: p.start, endMs: p.end, attributes, error: p.apiError ? (p.errorText ?? 'API error') : undefined });
  }

  private closeTurn(sid: string, s: SessionState, end: number): void {
    const t = s.turn;
    if (!t || t.emitted) return;
    t.emitted = true;
    this.push({ traceId: traceIdFor(sid), spanId: t.spanId, parentSpanId: sessionSpanId(sid), name: 'turn', kind: 'internal', startMs: t.start, endMs: Math.max(t.start, end), attributes: { 'gen_ai.conversation.id': sid, 'ccotel.turn.index': t.index, 'ccotel.prompt.chars': t.chars } });
  }

  /**
   * Completes what time has completed: quiet model calls (wall clock), idle turns and idle sessions
   * (event time vs now). `final` completes every pending call (end of a one-shot backfill).
   */
  tick(nowMs: number = this.wallClock(), final = false): void {
    const wall = this.wallClock();
    for (const [sid, s] of Object.entries(this.state.sessions)) {
      for (const stream of Object.values(s.streams)) {
        if (stream.pending && (final || wall - stream.pending.seenAt >= this.opts.callQuietMs)) {
          this.emitCall(sid, s, stream.pending);
          stream.pending = undefined;
        }
      }
      if (s.turn && !s.turn.emitted && nowMs - s.turn.last >= this.opts.turnIdleMs) this.closeTurn(sid, s, s.turn.last);
      const reading = !final && sid === this.lastAccepted.sessionId && wall - this.lastAccepted.wall < READING_GRACE_MS;
      if (nowMs - s.last >= this.opts.sessionIdleMs && !reading) this.closeSession(sid, s);
    }
    // Forget closed sessions by wall-clock age (event time would drop old history at once).
    for (const [sid, c] of Object.entries(this.state.closed)) if (wall - c.at > CLOSED_RETENTION_MS) delete this.state.closed[sid];
  }

  private closeSession(sid: string, s: SessionState): void {
    for (const stream of Object.values(s.streams)) if (stream.pending) this.emitCall(sid, s, stream.pending);
    for (const [id, t] of Object.entries(s.tools)) {
      // No result ever came (interrupted, or the session ended): end the span at the session's end.
      this.push({ traceId: traceIdFor(sid), spanId: toolSpanId(sid, id), parentSpanId: t.parent, name: `execute_tool ${t.name}`, kind: 'internal', startMs: t.start, endMs: Math.max(t.start, s.last), attributes: { ...t.attrs, 'ccotel.tool.incomplete': true } });
    }
    this.closeTurn(sid, s, s.last);
    for (const [agentId, a] of Object.entries(s.agents)) {
      if (a.linked) continue;
      // Subagents with no Task call (compaction agents) hang off the session root.
      this.push({ traceId: traceIdFor(sid), spanId: agentSpanId(sid, agentId), parentSpanId: sessionSpanId(sid), name: `invoke_agent ${agentId.startsWith('acompact') ? 'compact' : 'subagent'}`, kind: 'internal', startMs: a.first, endMs: a.last, attributes: { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.provider.name': GENAI_PROVIDER, 'gen_ai.agent.id': agentId, 'gen_ai.conversation.id': sid } });
    }
    if (!s.rootEmitted) {
      const attributes: Record<string, AttrValue> = {
        'gen_ai.operation.name': 'invoke_agent',
        'gen_ai.provider.name': GENAI_PROVIDER,
        'gen_ai.agent.name': 'claude-code',
        'gen_ai.conversation.id': sid,
        'gen_ai.usage.input_tokens': s.totals.input,
        'gen_ai.usage.output_tokens': s.totals.output,
        'gen_ai.usage.cache_read.input_tokens': s.totals.cacheRead,
        'gen_ai.usage.cache_creation.input_tokens': s.totals.cacheCreation,
        'ccotel.cost.usd': s.totals.costUSD,
        'ccotel.project.path': s.cwd,
        'ccotel.session.turns': s.turns,
        'ccotel.session.tool_calls': s.totals.toolCalls,
        'ccotel.session.tool_errors': s.totals.toolErrors,
        'ccotel.session.compactions': s.totals.compactions,
      };
      if (s.branch) attributes['ccotel.git.branch'] = s.branch;
      if (s.version) attributes['ccotel.claude_code.version'] = s.version;
      this.push({ traceId: traceIdFor(sid), spanId: sessionSpanId(sid), name: 'invoke_agent claude-code', kind: 'internal', startMs: s.start, endMs: s.last, attributes });
    }
    this.state.closed[sid] = { at: this.wallClock(), agents: Object.keys(s.agents) };
    delete this.state.sessions[sid];
  }

  private push(span: SpanData): void {
    this.outbox.push(span);
  }
}

