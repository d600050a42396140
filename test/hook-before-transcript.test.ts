// A tool's PreToolUse hook can be read before the transcript lines of its turn (the spool and the
// transcript are two sources, read on their own schedules). The hook opens the tool under the turn
// open then, the previous one; the transcript's new prompt then closes that turn. The tool must not
// be closed with it as an interrupted call: its turn is the one the transcript names, and its end
// and error come later from the transcript's result and the failure hook. One span, with the
// failure hook's error and the transcript's parent, whichever source is read first.
import { describe, expect, it } from 'vitest';
import { Pricer } from '../src/pricing/cost.js';
import { EMBEDDED_PRICES } from '../src/pricing/price-table.js';
import { TraceBuilder, DEFAULT_TRACE_OPTIONS } from '../src/export/traces/trace-builder.js';
import type { EventContext, ModelEvent } from '../src/model/events.js';
import type { SpanData } from '../src/export/traces/span-data.js';
import { turnSpanId } from '../src/export/traces/ids.js';

const SID = 'sess-hook-first';
const ctx: EventContext = { sessionId: SID, cwd: '/w/app' };
const T0 = 1_760_000_000_000;
const usage = { input: 10, output: 5, cacheCreation: 0, cacheCreation1h: 0, cacheSplit: false, cacheRead: 0, fast: false };

const prompt = (uuid: string, ts: number): ModelEvent => ({ kind: 'prompt', ctx, ts, uuid, chars: 5 });
const call = (id: string, ts: number): ModelEvent => ({ kind: 'model_call', ctx, ts, key: `${id}:r`, messageId: id, requestId: 'r', model: 'claude-sonnet-4-5', usage, stopReason: 'tool_use', apiError: false, errorText: undefined });
const toolUse = (id: string, callId: string, ts: number): ModelEvent => ({ kind: 'tool_use', ctx, ts, id, name: 'Read', callKey: `${callId}:r`, input: { file_path: '/w/app/.env' } });
const toolResult = (id: string, ts: number, isError: boolean): ModelEvent => ({ kind: 'tool_result', ctx, ts, toolUseId: id, isError, resultChars: 6, agentId: undefined, errorText: undefined, text: undefined });
const hook = (id: string, phase: 'pre' | 'post' | 'failure', ts: number): ModelEvent => ({
  kind: 'hook',
  ctx,
  ts,
  id: `hook-${id}-${phase}`,
  event: phase === 'pre' ? 'PreToolUse' : phase === 'post' ? 'PostToolUse' : 'PostToolUseFailure',
  transcript: true,
  tool: { phase, id, name: 'Read', input: { file_path: '/w/app/.env' }, inputChars: 20, errorText: phase === 'failure' ? 'EACCES: permission denied' : undefined },
  detail: {},
});

function run(order: 'hook first' | 'transcript first'): SpanData[] {
  const now = T0 + 60_000;
  const b = new TraceBuilder(new Pricer(EMBEDDED_PRICES), DEFAULT_TRACE_OPTIONS, () => undefined, () => now);
  // Turn 1, with a tool that completed, its hooks seen (the session has hooks: its tools wait for them).
  b.accept([prompt('u1', T0), hook('t1', 'pre', T0 + 15), call('m1', T0 + 10), toolUse('t1', 'm1', T0 + 20), toolResult('t1', T0 + 30, false), hook('t1', 'post', T0 + 28)]);
  const turn2 = [prompt('u2', T0 + 1000), call('m2', T0 + 1010), toolUse('t2', 'm2', T0 + 1020), toolResult('t2', T0 + 1100, true)];
  if (order === 'hook first') b.accept([hook('t2', 'pre', T0 + 1015), ...turn2]);
  else b.accept([...turn2, hook('t2', 'pre', T0 + 1015)]);
  b.accept([hook('t2', 'failure', T0 + 1090)]);
  b.tick(now, true);
  return b.drain();
}

describe('a PreToolUse hook read before its turn\'s transcript lines', () => {
  for (const order of ['hook first', 'transcript first'] as const) {
    it(`gives one span for the tool, in the transcript's turn, with the failure hook's error (${order})`, () => {
      const spans = run(order);
      const t2 = spans.filter((s) => s.attributes['gen_ai.tool.call.id'] === 't2');
      expect(t2).toHaveLength(1);
      expect(t2[0]!.error).toBe('EACCES: permission denied');
      expect(t2[0]!.attributes['ccotel.tool.incomplete']).toBeUndefined();
      expect(t2[0]!.parentSpanId).toBe(turnSpanId(SID, 'u2'));
      // Hook times: from PreToolUse to the failure.
      expect([t2[0]!.startMs, t2[0]!.endMs]).toEqual([T0 + 1015, T0 + 1090]);
      // Turn 1's own tool is untouched.
      expect(spans.filter((s) => s.attributes['gen_ai.tool.call.id'] === 't1')).toHaveLength(1);
    });
  }
});
