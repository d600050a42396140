// SpanData -> the SDK's ReadableSpan shape the OTLP exporters serialize. We build spans ourselves
// (not through a Tracer) because their ids, times and parents come from the transcript.
import { SpanKind, SpanStatusCode, TraceFlags } from '@opentelemetry/api';
import type { Resource } from '@opentelemetry/resources';
import type { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import type { SpanData } from './span-data.js';
import { SCOPE, hrTime } from '../scope.js';

export type ReadableSpan = Parameters<OTLPTraceExporter['export']>[0][number];


export function toReadableSpan(s: SpanData, resource: Resource): ReadableSpan {
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
