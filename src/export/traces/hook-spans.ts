// Subagent spans, whichever source knows of the subagent: its transcript (a subagent file, the Task
// call's result naming it) or the SubagentStart/SubagentStop hooks. Both key the one span by
// session + agent id (agentSpanId), and the builder's `linked` flag (checkpointed, and kept for a
// closed session) says it was sent, so a late event from the other source never makes a second one.
// Hook times, when known, are the span's: they are measured, the transcript's are inferred.
import type { HookEvent } from '../../model/events.js';
import { agentSpanId, traceIdFor } from './ids.js';
import type { AttrValue, SpanData } from './span-data.js';
import { GENAI_PROVIDER } from './attributes.js';

/** What the builder keeps of one subagent while its session is open. */
export interface AgentState {
  /** Event-time range of everything the subagent did (both sources). */
  first: number;
  last: number;
  /** Its span was sent (under the Task call, under the root, or before a restart). */
  linked: boolean;
  /** `agent_type` from the hooks (Explore, general-purpose, ...). */
  type?: string;
  /** The Task call that started it, as its agent_progress copies in the parent name it (parentToolUseID). */
  task?: string;
  /** SubagentStart and SubagentStop times. */
  hookStart?: number;
  hookEnd?: number;
}

export const isSubagentHook = (e: HookEvent): boolean => e.event === 'SubagentStart' || e.event === 'SubagentStop';

/**
 * Applies a SubagentStart/SubagentStop to the session's subagents. `emit`: the pair is complete in a
 * session with no transcript here (nothing will link it to a Task call), send its span now under the
 * root. `kept`: the times are recorded (or the span is out already). `event`: a stop with no start
 * and nothing else known of the agent becomes a span event.
 */
export function applySubagentHook(agents: Record<string, AgentState>, e: HookEvent): 'emit' | 'kept' | 'event' {
  const id = e.ctx.agentId;
  if (!id) return 'event';
  const type = e.detail.agent_type;
  if (e.event === 'SubagentStart') {
    const a = (agents[id] ??= { first: e.ts, last: e.ts, linked: false });
    if (a.linked) return 'kept';
    a.hookStart = Math.min(a.hookStart ?? e.ts, e.ts);
    a.first = Math.min(a.first, e.ts);
    a.last = Math.max(a.last, e.ts);
    a.type ??= type;
    return 'kept';
  }
  const a = agents[id];
  if (!a) return 'event';
  if (a.linked) return 'kept';
  a.hookEnd = Math.max(a.hookEnd ?? e.ts, e.ts);
  a.first = Math.min(a.first, e.ts);
  a.last = Math.max(a.last, e.ts);
  a.type ??= type;
  return e.transcript ? 'kept' : 'emit';
}

/**
 * The subagent's span. `range` is where it runs when nothing better is known (the Task call's
 * times, or the agent's own event range); hook times replace either end. A start with no stop and
 * no Task result ends at `openEnd` and is marked incomplete.
 */
export function subagentSpan(sid: string, agentId: string, a: AgentState, parentSpanId: string, name: string, range: [number, number], openEnd?: number): SpanData {
  const incomplete = openEnd !== undefined && a.hookStart !== undefined && a.hookEnd === undefined;
  const start = a.hookStart ?? range[0];
  const end = incomplete ? Math.max(openEnd, range[1]) : (a.hookEnd ?? range[1]);
  const attributes: Record<string, AttrValue> = { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.provider.name': GENAI_PROVIDER, 'gen_ai.agent.id': agentId, 'gen_ai.agent.name': name, 'gen_ai.conversation.id': sid };
  if (a.hookStart !== undefined || a.hookEnd !== undefined) attributes['ccotel.agent.timing'] = 'hook';
  if (incomplete) attributes['ccotel.agent.incomplete'] = true;
  return { traceId: traceIdFor(sid), spanId: agentSpanId(sid, agentId), parentSpanId, name: `invoke_agent ${name}`, kind: 'internal', startMs: start, endMs: Math.max(start, end), attributes };
}
