// Explicit-bucket histograms that can also take an observation back (a replaced record). Sums are
// kept in whole units (milliseconds, tokens) so adding and removing is exact.

/** Finite inclusive upper bounds (seconds) of ccotel.tool.duration. */
export const TOOL_DURATION_BOUNDARIES = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600];
/** OpenTelemetry GenAI semantic conventions: bucket advice for gen_ai.client.token.usage. */
export const TOKEN_BOUNDARIES = [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864];

export interface Hist {
  /** Per-bucket (not cumulative) counts; boundaries.length + 1 entries. */
  counts: number[];
  /** Sum in whole units (divide by the scale for output). */
  sum: number;
  count: number;
  /**
   * Smallest and largest value ever observed in the series. Like the OpenTelemetry SDK's cumulative
   * min/max they are not taken back when an observation is (that would need every value kept).
   */
  min?: number;
  max?: number;
}

export const newHist = (boundaries: readonly number[]): Hist => ({ counts: new Array<number>(boundaries.length + 1).fill(0), sum: 0, count: 0 });

/** Records `units` (value = units / scale) with `sign` 1, or takes it back with -1. */
export function observe(h: Hist, boundaries: readonly number[], units: number, scale: number, sign: 1 | -1): void {
  const v = units / scale;
  // Upper bounds are inclusive (OTLP explicit-bucket and Prometheus `le` semantics).
  let i = 0;
  while (i < boundaries.length && v > boundaries[i]!) i++;
  h.counts[i]! += sign;
  h.sum += sign * units;
  h.count += sign;
  if (sign > 0) {
    h.min = h.min === undefined ? v : Math.min(h.min, v);
    h.max = h.max === undefined ? v : Math.max(h.max, v);
  }
}
