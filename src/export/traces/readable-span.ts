// SpanData -> the SDK's ReadableSpan shape the OTLP exporters serialize. We build spans ourselves
// (not through a Tracer) because their ids, times and parents come from the transcript.
import { SpanKind, SpanStatusCode, TraceFlags, type SpanContext } from '@opentelemetry/api';
import type { Resource } from '@opentelemetry/resources';
import type { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import type { AttrValue, SpanData } from './span-data.js';
import { SCOPE, hrTime } from '../scope.js';

export type ReadableSpan = Parameters<OTLPTraceExporter['export']>[0][number];
type Link = ReadableSpan['links'][number];
type TimedEvent = ReadableSpan['events'][number];

/** What a failed span says it is: the `error.type` attribute added to its own. */
export const errorType = (s: SpanData): string => (s.name.startsWith('execute_tool') ? 'tool_error' : 'api_error');

/**
 * A ReadableSpan over a SpanData, its fields computed when read. Our protobuf encoder
 * (otlp-encoder.ts) writes one straight from its SpanData, so a backfill's 50,000 spans no longer
 * each make a dozen objects (contexts, a closure, three HrTimes, status, mapped links and events)
 * only to be read once and dropped; the SDK's JSON serializer and tests read the fields as before.
 */
export class ExportSpan implements ReadableSpan {
  constructor(
    readonly data: SpanData,
    readonly resource: Resource,
  ) {}
  get name(): string {
    return this.data.name;
  }
  get kind(): SpanKind {
    return this.data.kind === 'client' ? SpanKind.CLIENT : SpanKind.INTERNAL;
  }
  spanContext(): SpanContext {
    return { traceId: this.data.traceId, spanId: this.data.spanId, traceFlags: TraceFlags.SAMPLED };
  }
  get parentSpanContext(): SpanContext | undefined {
    const s = this.data;
    return s.parentSpanId ? { traceId: s.traceId, spanId: s.parentSpanId, traceFlags: TraceFlags.SAMPLED } : undefined;
  }
  get startTime(): ReadableSpan['startTime'] {
    return hrTime(this.data.startMs);
  }
  get endTime(): ReadableSpan['endTime'] {
    return hrTime(Math.max(this.data.startMs, this.data.endMs));
  }
  get duration(): ReadableSpan['duration'] {
    return hrTime(Math.max(this.data.startMs, this.data.endMs) - this.data.startMs);
  }
  get status(): ReadableSpan['status'] {
    const s = this.data;
    return s.error ? { code: SpanStatusCode.ERROR, message: s.error } : { code: SpanStatusCode.UNSET };
  }
  get attributes(): Record<string, AttrValue> {
    const s = this.data;
    return s.error ? { ...s.attributes, 'error.type': errorType(s) } : s.attributes;
  }
  get links(): Link[] {
    return (this.data.links ?? []).map((l) => ({ context: { traceId: l.traceId, spanId: l.spanId, traceFlags: TraceFlags.SAMPLED }, attributes: l.attributes ?? {} }));
  }
  get events(): TimedEvent[] {
    return (this.data.events ?? []).map((e) => ({ name: e.name, time: hrTime(e.timeMs), attributes: e.attributes ?? {} }));
  }
  get ended(): boolean {
    return true;
  }
  get instrumentationScope(): ReadableSpan['instrumentationScope'] {
    return SCOPE;
  }
  get droppedAttributesCount(): number {
    return 0;
  }
  get droppedEventsCount(): number {
    return 0;
  }
  get droppedLinksCount(): number {
    return 0;
  }
}

export function toReadableSpan(s: SpanData, resource: Resource): ReadableSpan {
  return new ExportSpan(s, resource);
}
