// A finished span as plain data: what the trace builder produces and the exporters consume.
export type AttrValue = string | number | boolean | string[];

/** A pointer to a related span that is not the parent (a tool call's requesting chat span). */
export interface SpanLink {
  traceId: string;
  spanId: string;
  attributes?: Record<string, AttrValue>;
}

/** Something that happened during a span (a sensitive-action rule hit on a tool call). */
export interface SpanEvent {
  name: string;
  timeMs: number;
  attributes: Record<string, AttrValue>;
}

export interface SpanData {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: 'internal' | 'client';
  startMs: number;
  endMs: number;
  attributes: Record<string, AttrValue>;
  links?: SpanLink[];
  events?: SpanEvent[];
  /** Set when the operation failed; the text is a short, redacted description. */
  error?: string;
}
