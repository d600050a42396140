// One chat span per model call, with the call's final usage, however its streamed copies arrive:
// block by block with the gaps of real transcripts, with tool results between them, late after the
// span was sent, or across a restart. The builder is fed as the ingest does it: every event is
// applied to the ledger first, then handed to the builder; time is a fake clock ticked like `run`.
import { describe, expect, it } from 'vitest';
import { TraceBuilder, DEFAULT_TRACE_OPTIONS, type TraceBuilderOptions } from '../src/export/traces/trace-builder.js';
import { Ledger } from '../src/state/ledger.js';
import { Pricer } from '../src/pricing/cost.js';
import { EMBEDDED_PRICES } from '../src/pricing/price-table.js';
import type { EventContext, ModelEvent, Usage } from '../src/model/events.js';
import type { SpanData } from '../src/export/traces/span-data.js';

const SID = 'sess-1';
const ctx: EventContext = { sessionId: SID, cwd: '/p' };
const MODEL = 'claude-sonnet-4-5-20250929';
const T0 = Date.parse('2026-02-01T10:00:00Z');
// Gaps between copies of one response measured in test/fixtures/real: median ~0.8 s, p90 ~5.7 s,
// max 65 s (a large Write input streaming).
const REAL_GAPS = [838, 5668, 22_338, 65_008];

const usage = (input: number, output: number, cacheRead = 0, cacheCreation = 0): Usage => ({ input, output, cacheRead, cacheCreation, cacheCreation1h: 0, cacheSplit: false, fast: false });

class Harness {
  now = T0;
  readonly ledger = new Ledger();
  readonly spans: SpanData[] = [];
  builder: TraceBuilder;
  constructor(readonly opts: TraceBuilderOptions = DEFAULT_TRACE_OPTIONS) {
    this.builder = this.newBuilder();
  }
  newBuilder(): TraceBuilder {
    return new TraceBuilder(new Pricer(EMBEDDED_PRICES), this.opts, (k) => this.ledger.usage.get(k), () => this.now);
  }
  /** Lines are written at event time and read 50 ms later; `run` ticks every 250 ms meanwhile. */
  feed(e: ModelEvent): void {
    this.advanceTo(e.ts + 50);
    this.ledger.apply(e);
    this.builder.accept([e]);
    this.tick();
  }
  advanceTo(t: number): void {
    while (this.now + 250 <= t) {
      this.now += 250;
      this.tick();
    }
    this.now = Math.max(this.now, t);
  }
  tick(final = false): void {
    this.builder.tick(this.now, final);
    this.spans.push(...this.builder.drain());
  }
  chats(): SpanData[] {
    return this.spans.filter((s) => s.name.startsWith('chat '));
  }
  root(): SpanData | undefined {
    return this.spans.find((s) => !s.parentSpanId);
  }
}

const prompt = (ts: number, uuid: string): ModelEvent => ({ kind: 'prompt', ctx, ts, uuid, chars: 10 });
const copy = (ts: number, id: string, u: Usage): ModelEvent => ({ kind: 'model_call', ctx, ts, key: `${id}:req_${id}`, messageId: id, requestId: `req_${id}`, model: MODEL, usage: u, apiError: false });
const toolUse = (ts: number, id: string, callId: string): ModelEvent => ({ kind: 'tool_use', ctx, ts, id, name: 'Bash', callKey: `${callId}:req_${callId}`, input: { command: 'ls' } });
const toolResult = (ts: number, id: string): ModelEvent => ({ kind: 'tool_result', ctx, ts, toolUseId: id, isError: false, resultChars: 3 });

/** One response written block by block: thinking, text, then a tool_use whose result arrives between copies. */
function streamedResponse(h: Harness, start: number, id: string, gaps: number[], finalOut: number): number {
  let t = start;
  const outs = gaps.map((_, i) => Math.max(1, Math.round((finalOut * (i + 1)) / (gaps.length + 1))));
  h.feed(copy(t, id, usage(3, outs[0]!, 20_000, 500)));
  h.feed(toolUse(t, `tu_${id}_1`, id));
  // The first tool runs while the rest of the response is still streaming.
  h.feed(toolResult(t + 300, `tu_${id}_1`));
  for (let i = 0; i < gaps.length; i++) {
    t += gaps[i]!;
    const out = i === gaps.length - 1 ? finalOut : outs[i + 1]!;
    h.feed(copy(t, id, usage(3, out, 20_000, 500)));
  }
  h.feed(toolUse(t, `tu_${id}_2`, id));
  h.feed(toolResult(t + 400, `tu_${id}_2`));
  return t + 400;
}

function ledgerTotals(l: Ledger): { output: number; input: number } {
  let output = 0;
  let input = 0;
  for (const r of l.usage.values()) {
    output += r.usage.output;
    input += r.usage.input + r.usage.cacheRead + r.usage.cacheCreation;
  }
  return { output, input };
}

describe('one chat span per model call', () => {
  it('a response streamed block by block with real gaps and tool results between copies is one span with its final usage', () => {
    const h = new Harness();
    h.feed(prompt(T0, 'p1'));
    let t = streamedResponse(h, T0 + 1000, 'msg_a', REAL_GAPS, 900);
    t = streamedResponse(h, t + 2000, 'msg_b', [400, 1200, 3000], 250);
    // The last response of the turn: nothing follows until the user is back; quiet completes it.
    t += 1500;
    h.feed(copy(t, 'msg_c', usage(2, 10, 21_000, 0)));
    h.feed(copy(t + 900, 'msg_c', usage(2, 77, 21_000, 0)));
    h.advanceTo(t + 900 + DEFAULT_TRACE_OPTIONS.callQuietMs + 3000);

    const chats = h.chats();
    expect(chats.map((s) => s.attributes['gen_ai.response.id'])).toEqual(['msg_a', 'msg_b', 'msg_c']);
    expect(chats.map((s) => s.attributes['gen_ai.usage.output_tokens'])).toEqual([900, 250, 77]);
    expect(new Set(chats.map((s) => s.spanId)).size).toBe(3);

    // Session close: the root carries the ledger's final totals.
    h.advanceTo(t + DEFAULT_TRACE_OPTIONS.sessionIdleMs + 5000);
    const root = h.root()!;
    expect(root).toBeDefined();
    const want = ledgerTotals(h.ledger);
    expect(root.attributes['gen_ai.usage.output_tokens']).toBe(want.output);
    expect(root.attributes['gen_ai.usage.input_tokens']).toBe(want.input);
    expect(want.output).toBe(900 + 250 + 77);
  });

  it('two copies with a tool result between them, more than a tick apart, give one span (the ledger and root agree)', () => {
    const h = new Harness();
    h.feed(prompt(T0, 'p1'));
    h.feed(copy(T0 + 1000, 'msg_x', usage(3, 5)));
    h.feed(toolUse(T0 + 1000, 'tu1', 'msg_x'));
    h.feed(toolResult(T0 + 2500, 'tu1'));
    h.feed(copy(T0 + 4000, 'msg_x', usage(3, 50)));
    h.feed(toolUse(T0 + 4000, 'tu2', 'msg_x'));
    h.feed(toolResult(T0 + 4500, 'tu2'));
    h.feed(copy(T0 + 6000, 'msg_y', usage(3, 7)));
    h.advanceTo(T0 + 6000 + DEFAULT_TRACE_OPTIONS.sessionIdleMs + 5000);
    const chats = h.chats();
    expect(chats.map((s) => [s.attributes['gen_ai.response.id'], s.attributes['gen_ai.usage.output_tokens']])).toEqual([['msg_x', 50], ['msg_y', 7]]);
    expect(h.root()!.attributes['gen_ai.usage.output_tokens']).toBe(57);
  });

  it('a copy arriving after its span was sent makes no second span; the root takes the ledger final numbers', () => {
    const h = new Harness();
    h.feed(prompt(T0, 'p1'));
    h.feed(copy(T0 + 1000, 'msg_x', usage(3, 5)));
    h.feed(copy(T0 + 2000, 'msg_y', usage(3, 7))); // completes msg_x
    h.feed(copy(T0 + 2500, 'msg_x', usage(3, 40))); // late copy, e.g. from another file
    h.feed(prompt(T0 + 3000, 'p2')); // completes msg_y
    h.advanceTo(T0 + 3000 + DEFAULT_TRACE_OPTIONS.sessionIdleMs + 5000);
    expect(h.chats().map((s) => s.attributes['gen_ai.response.id'])).toEqual(['msg_x', 'msg_y']);
    expect(h.root()!.attributes['gen_ai.usage.output_tokens']).toBe(47);
    // Even after the session closed: a copy reopens it without a second span or root.
    h.feed(copy(T0 + 2600, 'msg_y', usage(3, 70)));
    h.tick(true);
    h.advanceTo(h.now + DEFAULT_TRACE_OPTIONS.sessionIdleMs);
    expect(h.chats()).toHaveLength(2);
    expect(h.spans.filter((s) => !s.parentSpanId)).toHaveLength(1);
  });

  it('a restart in the middle of a streamed response still gives one span with the final usage', () => {
    const h = new Harness();
    h.feed(prompt(T0, 'p1'));
    h.feed(copy(T0 + 1000, 'msg_a', usage(3, 5, 100, 10)));
    h.feed(toolUse(T0 + 1000, 'tu1', 'msg_a'));
    h.feed(toolResult(T0 + 1500, 'tu1'));
    const saved = JSON.parse(JSON.stringify(h.builder.snapshot())) as unknown;
    // Down for ten minutes: the rest of the response was written meanwhile and is read after the restart.
    h.now += 10 * 60_000;
    h.builder = h.newBuilder();
    h.builder.restore(saved as never);
    h.tick(); // the first commit after a restart ticks before the file is read again
    expect(h.chats()).toHaveLength(0);
    h.ledger.apply(copy(T0 + 6000, 'msg_a', usage(3, 60, 100, 10)));
    h.builder.accept([copy(T0 + 6000, 'msg_a', usage(3, 60, 100, 10))]);
    h.tick();
    h.now += 3000;
    h.tick();
    h.ledger.apply(copy(T0 + 8000, 'msg_b', usage(3, 9)));
    h.builder.accept([copy(T0 + 8000, 'msg_b', usage(3, 9))]);
    h.tick(true);
    expect(h.chats().map((s) => [s.attributes['gen_ai.response.id'], s.attributes['gen_ai.usage.output_tokens']])).toEqual([['msg_a', 60], ['msg_b', 9]]);
  });

  it('usage attributes follow the GenAI conventions: input_tokens includes cached input', () => {
    const h = new Harness();
    h.feed(prompt(T0, 'p1'));
    h.feed(copy(T0 + 1000, 'msg_a', usage(3, 5, 20_000, 700)));
    h.tick(true);
    const a = h.chats()[0]!.attributes;
    expect(a['gen_ai.usage.input_tokens']).toBe(3 + 20_000 + 700);
    expect(a['gen_ai.usage.cache_read.input_tokens']).toBe(20_000);
    expect(a['gen_ai.usage.cache_creation.input_tokens']).toBe(700);
  });

  it('API error text in span status is redacted', () => {
    const h = new Harness();
    h.feed(prompt(T0, 'p1'));
    const e = { ...(copy(T0 + 1000, 'msg_err', usage(0, 0)) as Extract<ModelEvent, { kind: 'model_call' }>), model: '<synthetic>', apiError: true, errorText: 'API Error: 401 {"error":"bad key sk-ant-api03-abcdefghijklmnopqrstuvwxyz"}' };
    h.feed(e);
    h.tick(true);
    const err = h.chats()[0]!.error!;
    expect(err).toContain('API Error: 401');
    expect(err).toContain('[REDACTED');
    expect(err).not.toContain('abcdefghijklmnop');
  });

  it('tools are siblings of the chat span that asked for them, linked to it, and inside their turn', () => {
    const h = new Harness();
    h.feed(prompt(T0, 'p1'));
    h.feed(copy(T0 + 1000, 'msg_a', usage(3, 5)));
    h.feed(toolUse(T0 + 1000, 'tu1', 'msg_a'));
    // A second prompt interrupts the tool: the turn still contains it.
    h.feed(prompt(T0 + 9000, 'p2'));
    h.tick(true);
    const chat = h.chats()[0]!;
    const tool = h.spans.find((s) => s.name === 'execute_tool Bash')!;
    const turn = h.spans.find((s) => s.name === 'turn')!;
    expect(tool.parentSpanId).toBe(turn.spanId);
    expect(chat.parentSpanId).toBe(turn.spanId);
    expect(tool.links?.map((l) => l.spanId)).toEqual([chat.spanId]);
    expect(tool.startMs).toBeGreaterThanOrEqual(turn.startMs);
    expect(tool.endMs).toBeLessThanOrEqual(turn.endMs);
  });
});
