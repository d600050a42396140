// ccotel's OTLP trace encoder (src/export/traces/otlp-encoder.ts) against the SDK's own protobuf
// serializer: for generated batches of spans of every shape the builder makes and more (Unicode and
// lone surrogates, strings around the 127/16383-byte length steps, ints past 32 bits and negative,
// doubles, arrays, byte and map values, events, links, trace state, several resources and scopes),
// the bytes must be identical. The collector tests check what a real collector makes of them.
// toReadableSpan's spans (encoded straight from their SpanData) are held to the SDK's bytes for the
// plain ReadableSpan objects it used to build (`plainSpan` below, kept here as the reference).
import { describe, expect, it } from 'vitest';
import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes, type Resource } from '@opentelemetry/resources';
import { TraceFlags, SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { encodeTraceRequest } from '../src/export/traces/otlp-encoder.js';
import { toReadableSpan, type ReadableSpan } from '../src/export/traces/readable-span.js';
import { SCOPE, hrTime } from '../src/export/scope.js';
import type { AttrValue, SpanData, SpanEvent } from '../src/export/traces/span-data.js';
import { prng, type Rng } from './support/prng.js';

const hex = (r: Rng, n: number): string => Array.from({ length: n }, () => '0123456789abcdef'[r.int(0, 15)]).join('');

function text(r: Rng): string {
  const len = r.chance(0.03) ? r.pick([5000, 16383, 16384, 20000]) : r.pick([0, 1, 5, 42, 126, 127, 128, 129, 300]);
  const alphabet = r.pick(['ascii', 'mixed', 'cjk', 'surrogates']);
  let s = '';
  while (s.length < len) {
    if (alphabet === 'ascii') s += String.fromCharCode(r.int(32, 126));
    else if (alphabet === 'mixed') s += r.pick(['a', 'é', ' ', '\n', '"', 'ß', '€', '\u007f', '\u0080', '\u07ff', '\u0800']);
    else if (alphabet === 'cjk') s += r.pick(['日', '本', '語', '😀', 'x']);
    else s += r.pick(['\uD83D', '\uDE00', 'a', '\uDFFF', '\uD800x']);
  }
  return s.slice(0, len);
}

function value(r: Rng): AttrValue {
  switch (r.int(0, 6)) {
    case 0:
      return text(r);
    case 1:
      return r.chance(0.5);
    case 2:
      return r.pick([0, 1, 127, 128, 16384, 2 ** 31, 2 ** 32 - 1, 2 ** 32, 2 ** 40 + 3, Number.MAX_SAFE_INTEGER, -1, -300, -(2 ** 33)]);
    case 3:
      return r.pick([0.5, 1e-9, 123.456, -2.25, 1e300, 2 ** 64, -(2 ** 63) - 4096]);
    case 4:
      return Array.from({ length: r.int(0, 4) }, () => text(r).slice(0, 40));
    default:
      return `k${r.int(0, 20)}`;
  }
}

function attrs(r: Rng, n: number): Record<string, AttrValue> {
  const a: Record<string, AttrValue> = {};
  for (let i = 0; i < n; i++) a[r.pick(['gen_ai.operation.name', 'ccotel.cost.usd', 'gen_ai.usage.input_tokens', 'ccotel.tool.result.chars', 'vcs.ref.head.name', `x.${text(r).slice(0, r.int(1, 150))}`])] = value(r);
  return a;
}

/** The plain ReadableSpan toReadableSpan built for a SpanData before it read its fields lazily (the reference). */
function plainSpan(s: SpanData, resource: Resource): ReadableSpan {
  const ctx = { traceId: s.traceId, spanId: s.spanId, traceFlags: TraceFlags.SAMPLED };
  const end = Math.max(s.startMs, s.endMs);
  return {
    name: s.name,
    kind: s.kind === 'client' ? SpanKind.CLIENT : SpanKind.INTERNAL,
    spanContext: () => ctx,
    parentSpanContext: s.parentSpanId ? { traceId: s.traceId, spanId: s.parentSpanId, traceFlags: TraceFlags.SAMPLED } : undefined,
    startTime: hrTime(s.startMs),
    endTime: hrTime(end),
    duration: hrTime(end - s.startMs),
    status: s.error ? { code: SpanStatusCode.ERROR, message: s.error } : { code: SpanStatusCode.UNSET },
    attributes: s.error ? { ...s.attributes, 'error.type': s.name.startsWith('execute_tool') ? 'tool_error' : 'api_error' } : s.attributes,
    links: (s.links ?? []).map((l) => ({ context: { traceId: l.traceId, spanId: l.spanId, traceFlags: TraceFlags.SAMPLED }, attributes: l.attributes ?? {} })),
    events: (s.events ?? []).map((e) => ({ name: e.name, time: hrTime(e.timeMs), attributes: e.attributes ?? {} })),
    ended: true,
    resource,
    instrumentationScope: SCOPE,
    droppedAttributesCount: 0,
    droppedEventsCount: 0,
    droppedLinksCount: 0,
  } as ReadableSpan;
}

function spanData(r: Rng): SpanData {
  const start = r.pick([0, 1_750_000_000_123.5, Date.parse('2026-01-05T10:00:00Z') + r.int(0, 1e9), 4_102_444_800_000]);
  return {
    traceId: hex(r, 32),
    spanId: hex(r, 16),
    parentSpanId: r.chance(0.8) ? hex(r, 16) : undefined,
    name: r.chance(0.7) ? r.pick(['chat claude-sonnet-4-5', 'execute_tool Bash', 'turn', 'invoke_agent claude-code']) : text(r),
    kind: r.pick(['internal', 'client']),
    startMs: start,
    endMs: start + r.pick([0, 1, 999.999, 120_000]),
    attributes: attrs(r, r.int(0, 16)),
    links: r.chance(0.3) ? Array.from({ length: r.int(1, 2) }, () => ({ traceId: hex(r, 32), spanId: hex(r, 16), attributes: r.chance(0.5) ? attrs(r, 2) : undefined })) : undefined,
    events: r.chance(0.3) ? Array.from({ length: r.int(1, 3) }, () => ({ name: text(r).slice(0, 60) || 'e', timeMs: start + r.int(0, 1000), attributes: attrs(r, r.int(0, 5)) })) : undefined,
    error: r.chance(0.2) ? text(r) : r.chance(0.02) ? '' : undefined,
  };
}

/** spanData() with the rarer shapes: an own `error.type`, events and links with no attributes, an end before the start, sub-millisecond times, no attributes at all. */
function edgeSpanData(r: Rng): SpanData {
  const d = spanData(r);
  if (r.chance(0.3)) d.attributes = { ...d.attributes, 'error.type': 'own', after: 1 };
  if (r.chance(0.3)) d.events = [{ name: 'bare', timeMs: d.startMs } as SpanEvent];
  if (r.chance(0.3)) d.links = [{ traceId: hex(r, 32), spanId: hex(r, 16) }];
  if (r.chance(0.2)) d.endMs = d.startMs - r.int(1, 5000);
  if (r.chance(0.3)) {
    // Sub-millisecond times: nanoseconds are rounded, not cut.
    d.startMs += 0.1234567;
    d.endMs += 0.7654321;
  }
  if (r.chance(0.2)) d.name = r.pick(['execute_tool Read', 'chat x']);
  // Saved unsent spans are read back from JSON: one with no attributes must still be sent as before.
  if (r.chance(0.03)) delete (d as Partial<SpanData>).attributes;
  return d;
}

/** Spans in shapes toReadableSpan never makes: byte and map values, trace state, remote parents, unset kind. */
function exotic(r: Rng, base: ReadableSpan): ReadableSpan {
  const state = { serialize: () => 'vendor=a,other=b' };
  const ctx = { ...base.spanContext(), traceState: r.chance(0.5) ? (state as never) : undefined, traceFlags: r.pick([TraceFlags.NONE, TraceFlags.SAMPLED]) };
  return {
    ...base,
    spanContext: () => ctx,
    kind: r.pick([SpanKind.SERVER, SpanKind.PRODUCER, SpanKind.CONSUMER, undefined as unknown as SpanKind]),
    parentSpanContext: base.parentSpanContext ? { ...base.parentSpanContext, isRemote: r.chance(0.5) } : undefined,
    attributes: { ...base.attributes, bytes: new Uint8Array([0, 1, 255]) as never, map: { a: 1, b: 'x', nested: { c: true } } as never, mixed: [1, 'two', false] as never },
    links: base.links.map((l) => ({ ...l, context: { ...l.context, traceState: state as never, isRemote: true } })),
    events: base.events.map((e) => ({ ...e, droppedAttributesCount: 2 })),
    droppedAttributesCount: r.int(0, 3),
  } as ReadableSpan;
}

const same = (spans: ReadableSpan[]): void => {
  const want = Buffer.from(ProtobufTraceSerializer.serializeRequest(spans)!);
  const got = Buffer.from(encodeTraceRequest(spans));
  if (!got.equals(want)) {
    let i = 0;
    while (i < got.length && got[i] === want[i]) i++;
    expect.fail(`bytes differ at ${i} of ${want.length} (got ${got.length}): ${spans.length} spans, first ${JSON.stringify(spans[0]?.name).slice(0, 80)}`);
  }
};

describe('OTLP trace encoder', () => {
  it('writes exactly the SDK serializer bytes for generated batches', () => {
    const resources = [resourceFromAttributes({ 'service.name': 'ccotel', 'host.name': 'dev-box', 'service.version': '0.1.0' }), resourceFromAttributes({ 'service.name': 'other', 'x.long': 'y'.repeat(200) })];
    const scopes = [{ name: 'ccotel', version: '0.1.0' }, { name: 'ccotel', version: '0.1.0', schemaUrl: 'https://opentelemetry.io/schemas/1.30.0' }, { name: 'other' }];
    let spans = 0;
    for (let seed = 1; seed <= 60; seed++) {
      const r = prng(seed);
      const batch: ReadableSpan[] = [];
      for (let i = r.pick([0, 1, 2, 50, 512]); i > 0; i--) {
        const s = plainSpan(spanData(r), r.chance(0.9) ? resources[0]! : resources[1]!);
        const withScope = r.chance(0.9) ? s : ({ ...s, instrumentationScope: r.pick(scopes) } as ReadableSpan);
        batch.push(r.chance(0.1) ? exotic(r, withScope) : withScope);
      }
      same(batch);
      spans += batch.length;
    }
    expect(spans).toBeGreaterThan(3000);
  });

  it('writes a span past 16 KB and a resource past 2 MB of spans the same way', () => {
    const r = prng(99);
    const res = resourceFromAttributes({ 'service.name': 'ccotel' });
    const data = { ...spanData(r), attributes: { 'ccotel.big': 'z'.repeat(70_000), 'ccotel.utf8': '日'.repeat(30_000) } };
    const big = plainSpan(data, res);
    same([big]);
    same(Array.from({ length: 40 }, () => big));
    // The same from its SpanData.
    const want = Buffer.from(ProtobufTraceSerializer.serializeRequest(Array.from({ length: 40 }, () => big))!);
    expect(Buffer.from(encodeTraceRequest(Array.from({ length: 40 }, () => toReadableSpan(data, res)))).equals(want)).toBe(true);
  });

  it("encodes toReadableSpan's spans from their SpanData as the SDK encodes the plain spans, mixed with plain ones", () => {
    const resources = [resourceFromAttributes({ 'service.name': 'ccotel' }), resourceFromAttributes({ 'service.name': 'other' })];
    let fast = 0;
    for (let seed = 100; seed <= 160; seed++) {
      const r = prng(seed);
      const data: SpanData[] = [];
      for (let i = r.pick([1, 2, 50, 512]); i > 0; i--) data.push(edgeSpanData(r));
      const res = data.map(() => (r.chance(0.9) ? resources[0]! : resources[1]!));
      const plain = data.map((d, i) => plainSpan(d, res[i]!));
      // Some spans of a batch plain, the rest ours: grouping by resource and scope must not care.
      const ours = data.map((d, i) => (r.chance(0.2) ? plain[i]! : toReadableSpan(d, res[i]!)));
      const want = Buffer.from(ProtobufTraceSerializer.serializeRequest(plain)!);
      const got = Buffer.from(encodeTraceRequest(ours));
      if (!got.equals(want)) {
        let i = 0;
        while (i < got.length && got[i] === want[i]) i++;
        expect.fail(`seed ${seed}: bytes differ at ${i} of ${want.length} (got ${got.length})`);
      }
      // The SDK's own serializers (http/json, the local files) read the same fields from ours.
      expect(Buffer.from(ProtobufTraceSerializer.serializeRequest(ours)!).equals(want)).toBe(true);
      // (The SDK's JSON serializer throws on a span with no attributes; the protobuf one skips them.)
      const json = (spans: ReadableSpan[]): Buffer => Buffer.from(JsonTraceSerializer.serializeRequest(spans.filter((_, i) => data[i]!.attributes))!);
      expect(json(ours).equals(json(plain))).toBe(true);
      fast += data.length;
    }
    expect(fast).toBeGreaterThan(5000);
  });
});
