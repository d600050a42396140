// ReadableSpans → an OTLP ExportTraceServiceRequest in protobuf, byte for byte what the SDK's
// ProtobufTraceSerializer (@opentelemetry/otlp-transformer) writes, in one pass instead of its two
// (a size estimate, then the write) and with the attribute keys (a few dozen, on every span) encoded
// once. Serializing was ~6% of a backfill; test/otlp-encoder.test.ts compares the bytes with the
// SDK's on generated spans of every shape.
//
// A message's length is written in front of it: room for the usual size is left, and the bytes are
// moved when the length needs fewer or more (varints are minimal, as the SDK's).
import { ExportSpan, errorType, type ReadableSpan } from './readable-span.js';
import type { SpanData } from './span-data.js';

type Span = ReadableSpan;
type Attributes = Span['attributes'];
type Resource = Span['resource'];
type Scope = Span['instrumentationScope'];

const varintSize = (v: number): number => (v < 0x80 ? 1 : v < 0x4000 ? 2 : v < 0x200000 ? 3 : v < 0x10000000 ? 4 : 5);

class Writer {
  buf: Buffer;
  pos = 0;
  constructor(size: number) {
    this.buf = Buffer.allocUnsafe(size);
  }
  ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }
  byte(b: number): void {
    this.ensure(1);
    this.buf[this.pos++] = b;
  }
  /** A varint, as the SDK's writer: unsigned 32-bit fast, else 64-bit two's complement. */
  varint(value: number): void {
    this.ensure(10);
    const buf = this.buf;
    if (value >= 0 && value <= 0xffffffff) {
      let v = value >>> 0;
      while (v > 0x7f) {
        buf[this.pos++] = (v & 0x7f) | 0x80;
        v >>>= 7;
      }
      buf[this.pos++] = v;
      return;
    }
    let low: number;
    let high: number;
    if (value >= 0) {
      low = value >>> 0;
      high = (value / 0x100000000) >>> 0;
    } else {
      const abs = Math.abs(value);
      low = ~(abs >>> 0) >>> 0;
      high = ~((abs / 0x100000000) >>> 0) >>> 0;
      low = (low + 1) >>> 0;
      if (low === 0) high = (high + 1) >>> 0;
    }
    while (high > 0 || low > 0x7f) {
      buf[this.pos++] = (low & 0x7f) | 0x80;
      low = ((low >>> 7) | (high << 25)) >>> 0;
      high >>>= 7;
    }
    buf[this.pos++] = low & 0x7f;
  }
  fixed32(v: number): void {
    this.ensure(4);
    this.buf.writeUInt32LE(v >>> 0, this.pos);
    this.pos += 4;
  }
  fixed64(low: number, high: number): void {
    this.ensure(8);
    this.buf.writeUInt32LE(low >>> 0, this.pos);
    this.buf.writeUInt32LE(high >>> 0, this.pos + 4);
    this.pos += 8;
  }
  double(v: number): void {
    this.ensure(8);
    this.buf.writeDoubleLE(v, this.pos);
    this.pos += 8;
  }
  bytes(b: Uint8Array): void {
    this.varint(b.length);
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }
  string(s: string): void {
    const n = s.length;
    this.ensure(5 + n * 3);
    const buf = this.buf;
    if (n < 0x80) {
      // Short ASCII (most keys and values): copied directly behind a one-byte length.
      let p = this.pos + 1;
      let i = 0;
      for (; i < n; i++) {
        const c = s.charCodeAt(i);
        if (c > 0x7f) break;
        buf[p++] = c;
      }
      if (i === n) {
        buf[this.pos] = n;
        this.pos = p;
        return;
      }
    }
    // UTF-8 (lone surrogates become U+FFFD, as with TextEncoder) behind room for the longest length.
    const room = varintSize(n * 3);
    const len = buf.write(s, this.pos + room, 'utf8');
    this.settle(this.pos, room, len);
  }
  /** Starts a length-delimited message, leaving `room` bytes for its length. */
  begin(room: number): number {
    this.ensure(room);
    const at = this.pos;
    this.pos += room;
    return at;
  }
  /** Ends the message begun at `at`: writes its length there, moving the body if the room was wrong. */
  end(at: number, room: number): void {
    this.settle(at, room, this.pos - at - room);
  }
  private settle(at: number, room: number, len: number): void {
    const size = varintSize(len);
    if (size !== room) {
      this.ensure(size - room);
      this.buf.copyWithin(at + size, at + room, at + room + len);
    }
    let v = len;
    let p = at;
    while (v > 0x7f) {
      this.buf[p++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    this.buf[p] = v;
    this.pos = at + size + len;
  }
}

// Field tags (field number << 3 | wire type), as single bytes (every field number here is < 16).
const LEN = 2;
const VARINT = 0;
const I64 = 1;
const I32 = 5;
const tag = (field: number, wire: number): number => (field << 3) | wire;

/** What the SDK's hexToBinary gives for one hex digit (its result for other characters included). */
const hexValue = (c: number): number => (c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : c - 55);

function hexBytes(w: Writer, hex: string): void {
  const n = hex.length >> 1;
  w.varint(n);
  w.ensure(n);
  for (let i = 0; i < n; i++) w.buf[w.pos++] = ((hexValue(hex.charCodeAt(2 * i)) << 4) | hexValue(hex.charCodeAt(2 * i + 1))) & 0xff;
}

/** Nanoseconds since the epoch of an HrTime as fixed64, computed as the SDK does (exact below 2^64). */
function hrTime64(w: Writer, t: readonly [number, number]): void {
  nanos64(w, t[0], t[1]);
}

/** Epoch milliseconds as hrTime64 writes the HrTime scope.ts's hrTime() makes of them (no array). */
const msTime64 = (w: Writer, ms: number): void => nanos64(w, Math.floor(ms / 1000), Math.round((ms % 1000) * 1e6));

function nanos64(w: Writer, seconds: number, nanos: number): void {
  const lowPart = (seconds & 0xffff) * 1e9;
  const highPart = ((seconds / 0x10000) >>> 0) * 1e9;
  const low = (lowPart >>> 0) + ((((highPart & 0xffff) * 0x10000) >>> 0) + nanos);
  const high = Math.floor(lowPart / 0x100000000) + ((highPart / 0x10000) >>> 0) + Math.floor(low / 0x100000000);
  w.fixed64(low >>> 0, high >>> 0);
}

// `key` field of a KeyValue (tag, length, UTF-8), encoded once per distinct key.
const keyBytes = new Map<string, Buffer>();
function key(w: Writer, k: string): void {
  let b = keyBytes.get(k);
  if (!b) {
    const kw = new Writer(16 + k.length * 3);
    kw.byte(tag(1, LEN));
    kw.string(k);
    b = Buffer.from(kw.buf.subarray(0, kw.pos));
    if (keyBytes.size >= 4096) keyBytes.clear();
    keyBytes.set(k, b);
  }
  w.ensure(b.length);
  b.copy(w.buf, w.pos);
  w.pos += b.length;
}

const MIN_INT64 = -(2 ** 63);
const MAX_INT64 = 2 ** 63;

function anyValue(w: Writer, value: unknown): void {
  const t = typeof value;
  if (t === 'string') {
    w.byte(tag(1, LEN));
    w.string(value as string);
  } else if (t === 'boolean') {
    w.byte(tag(2, VARINT));
    w.byte(value ? 1 : 0);
  } else if (t === 'number') {
    const n = value as number;
    if (Number.isInteger(n) && n >= MIN_INT64 && n < MAX_INT64) {
      w.byte(tag(3, VARINT));
      w.varint(n);
    } else {
      w.byte(tag(4, I64));
      w.double(n);
    }
  } else if (value instanceof Uint8Array) {
    w.byte(tag(7, LEN));
    w.bytes(value);
  } else if (Array.isArray(value)) {
    w.byte(tag(5, LEN));
    const at = w.begin(1);
    for (const item of value) {
      w.byte(tag(1, LEN));
      const it = w.begin(1);
      anyValue(w, item);
      w.end(it, 1);
    }
    w.end(at, 1);
  } else if (t === 'object' && value != null) {
    w.byte(tag(6, LEN));
    const at = w.begin(1);
    // A KeyValueList: its `values` (field 1) are key-value pairs, as a span's attributes are.
    attributes(w, value as Attributes, 1);
    w.end(at, 1);
  }
}

function attributes(w: Writer, attrs: Attributes, field: number): void {
  const t = tag(field, LEN);
  for (const k in attrs) {
    if (!Object.prototype.hasOwnProperty.call(attrs, k)) continue;
    w.byte(t);
    const kv = w.begin(1);
    key(w, k);
    w.byte(tag(2, LEN));
    const v = w.begin(1);
    anyValue(w, attrs[k]);
    w.end(v, 1);
    w.end(kv, 1);
  }
}

const spanFlags = (traceFlags: number, isRemote: boolean | undefined): number => (traceFlags & 0xff) | 0x100 | (isRemote ? 0x200 : 0);

// Span flags of every span and link toReadableSpan makes: sampled, parent not remote.
const LOCAL_SAMPLED = spanFlags(1, undefined);

/**
 * The bytes span() writes for toReadableSpan(d), read from the SpanData itself (readable-span.ts):
 * kind internal or client, sampled, no trace state, nothing dropped, `error.type` added last to a
 * failed span's attributes and its text as the status message.
 */
function spanData(w: Writer, d: SpanData): void {
  const at = w.begin(2);
  w.byte(tag(1, LEN));
  hexBytes(w, d.traceId);
  w.byte(tag(2, LEN));
  hexBytes(w, d.spanId);
  if (d.parentSpanId) {
    w.byte(tag(4, LEN));
    hexBytes(w, d.parentSpanId);
  }
  w.byte(tag(5, LEN));
  w.string(d.name);
  w.byte(tag(6, VARINT));
  w.byte(d.kind === 'client' ? 3 : 1);
  w.byte(tag(7, I64));
  msTime64(w, d.startMs);
  w.byte(tag(8, I64));
  msTime64(w, Math.max(d.startMs, d.endMs));
  if (d.attributes) attributes(w, d.attributes, 9);
  if (d.error) {
    w.byte(tag(9, LEN));
    const kv = w.begin(1);
    key(w, 'error.type');
    w.byte(tag(2, LEN));
    const v = w.begin(1);
    anyValue(w, errorType(d));
    w.end(v, 1);
    w.end(kv, 1);
  }
  w.byte(tag(10, VARINT));
  w.byte(0);
  if (d.events) {
    for (const e of d.events) {
      w.byte(tag(11, LEN));
      const ev = w.begin(2);
      w.byte(tag(1, I64));
      msTime64(w, e.timeMs);
      w.byte(tag(2, LEN));
      w.string(e.name);
      if (e.attributes) attributes(w, e.attributes, 3);
      w.byte(tag(4, VARINT));
      w.byte(0);
      w.end(ev, 2);
    }
  }
  w.byte(tag(12, VARINT));
  w.byte(0);
  if (d.links) {
    for (const l of d.links) {
      w.byte(tag(13, LEN));
      const lk = w.begin(1);
      w.byte(tag(1, LEN));
      hexBytes(w, l.traceId);
      w.byte(tag(2, LEN));
      hexBytes(w, l.spanId);
      if (l.attributes) attributes(w, l.attributes, 4);
      w.byte(tag(5, VARINT));
      w.byte(0);
      w.byte(tag(6, I32));
      w.fixed32(LOCAL_SAMPLED);
      w.end(lk, 1);
    }
  }
  w.byte(tag(14, VARINT));
  w.byte(0);
  w.byte(tag(15, LEN));
  const st = w.begin(1);
  if (d.error) {
    w.byte(tag(2, LEN));
    w.string(d.error);
  }
  w.byte(tag(3, VARINT));
  w.byte(d.error ? 2 : 0);
  w.end(st, 1);
  w.varint((16 << 3) | I32);
  w.fixed32(LOCAL_SAMPLED);
  w.end(at, 2);
}

/** A failed span whose own attributes name `error.type`: the spread in toReadableSpan keeps its place, spanData() would not. */
const ownErrorType = (d: SpanData): boolean => !!d.error && d.attributes != null && Object.prototype.hasOwnProperty.call(d.attributes, 'error.type');

function span(w: Writer, s: Span): void {
  if (s instanceof ExportSpan && !ownErrorType(s.data)) return spanData(w, s.data);
  const at = w.begin(2);
  const ctx = s.spanContext();
  w.byte(tag(1, LEN));
  hexBytes(w, ctx.traceId);
  w.byte(tag(2, LEN));
  hexBytes(w, ctx.spanId);
  const state = ctx.traceState?.serialize();
  if (state) {
    w.byte(tag(3, LEN));
    w.string(state);
  }
  if (s.parentSpanContext?.spanId) {
    w.byte(tag(4, LEN));
    hexBytes(w, s.parentSpanContext.spanId);
  }
  w.byte(tag(5, LEN));
  w.string(s.name);
  const kind = s.kind == null ? 0 : s.kind + 1;
  if (kind !== 0) {
    w.byte(tag(6, VARINT));
    w.varint(kind);
  }
  w.byte(tag(7, I64));
  hrTime64(w, s.startTime);
  w.byte(tag(8, I64));
  hrTime64(w, s.endTime);
  if (s.attributes) attributes(w, s.attributes, 9);
  w.byte(tag(10, VARINT));
  w.varint(s.droppedAttributesCount);
  for (const e of s.events) {
    w.byte(tag(11, LEN));
    const ev = w.begin(2);
    w.byte(tag(1, I64));
    hrTime64(w, e.time);
    w.byte(tag(2, LEN));
    w.string(e.name);
    if (e.attributes) attributes(w, e.attributes, 3);
    w.byte(tag(4, VARINT));
    w.varint(e.droppedAttributesCount || 0);
    w.end(ev, 2);
  }
  w.byte(tag(12, VARINT));
  w.varint(s.droppedEventsCount);
  for (const l of s.links) {
    w.byte(tag(13, LEN));
    const lk = w.begin(1);
    w.byte(tag(1, LEN));
    hexBytes(w, l.context.traceId);
    w.byte(tag(2, LEN));
    hexBytes(w, l.context.spanId);
    const ls = l.context.traceState?.serialize();
    if (ls) {
      w.byte(tag(3, LEN));
      w.string(ls);
    }
    if (l.attributes) attributes(w, l.attributes, 4);
    w.byte(tag(5, VARINT));
    w.varint(l.droppedAttributesCount || 0);
    w.byte(tag(6, I32));
    w.fixed32(spanFlags(l.context.traceFlags, l.context.isRemote));
    w.end(lk, 1);
  }
  w.byte(tag(14, VARINT));
  w.varint(s.droppedLinksCount);
  w.byte(tag(15, LEN));
  const st = w.begin(1);
  if (s.status.message) {
    w.byte(tag(2, LEN));
    w.string(s.status.message);
  }
  w.byte(tag(3, VARINT));
  w.varint(s.status.code);
  w.end(st, 1);
  // Field 16 needs a two-byte tag.
  w.varint((16 << 3) | I32);
  w.fixed32(spanFlags(ctx.traceFlags, s.parentSpanContext?.isRemote));
  w.end(at, 2);
}

function resource(w: Writer, r: Resource): void {
  w.byte(tag(1, LEN));
  const at = w.begin(2);
  if (r.attributes) attributes(w, r.attributes, 1);
  w.byte(tag(2, VARINT));
  w.byte(0);
  w.end(at, 2);
}

function scope(w: Writer, s: Scope): void {
  w.byte(tag(1, LEN));
  const at = w.begin(1);
  w.byte(tag(1, LEN));
  w.string(s.name);
  if (s.version) {
    w.byte(tag(2, LEN));
    w.string(s.version);
  }
  const extra = s as Scope & { attributes?: Attributes; droppedAttributesCount?: number };
  if (extra.attributes) attributes(w, extra.attributes, 3);
  if (extra.droppedAttributesCount) {
    w.byte(tag(4, VARINT));
    w.varint(extra.droppedAttributesCount);
  }
  w.end(at, 1);
}

/** Bytes of the last request: the next one starts with room for as much (up to 8 MB). */
let lastSize = 1 << 16;

/** The request the SDK's ProtobufTraceSerializer.serializeRequest would send for these spans. */
export function encodeTraceRequest(spans: readonly Span[]): Uint8Array {
  // Grouped by resource, then scope, by identity and in order of first appearance, as the SDK does.
  const byResource = new Map<Resource, Map<Scope, Span[]>>();
  for (const s of spans) {
    let scopes = byResource.get(s.resource);
    if (!scopes) byResource.set(s.resource, (scopes = new Map()));
    let list = scopes.get(s.instrumentationScope);
    if (!list) scopes.set(s.instrumentationScope, (list = []));
    list.push(s);
  }
  const w = new Writer(Math.min(lastSize, 8 << 20) + 1024);
  for (const [res, scopes] of byResource) {
    w.byte(tag(1, LEN));
    const rs = w.begin(3);
    resource(w, res);
    for (const list of scopes.values()) {
      w.byte(tag(2, LEN));
      const ss = w.begin(3);
      const sc = list[0]!.instrumentationScope;
      scope(w, sc);
      for (const s of list) {
        w.byte(tag(2, LEN));
        span(w, s);
      }
      if (sc.schemaUrl) {
        w.byte(tag(3, LEN));
        w.string(sc.schemaUrl);
      }
      w.end(ss, 3);
    }
    if (res.schemaUrl) {
      w.byte(tag(3, LEN));
      w.string(res.schemaUrl);
    }
    w.end(rs, 3);
  }
  lastSize = w.pos;
  return w.buf.subarray(0, w.pos);
}
