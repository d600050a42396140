// A finished span as plain data: what the trace builder produces and the exporters consume.
export type AttrValue = string | number | boolean | string[];

export interface SpanData {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: 'internal' | 'client';
  startMs: number;
  endMs: number;
  attributes: Record<string, AttrValue>;
  /** Set when the operation failed; the text is a short, redacted description. */
  error?: string;
}
