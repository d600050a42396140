// An OpenTelemetry MetricProducer whose every collect() reads all metrics from the fold (src/fold).
// There are no SDK instruments: the exported cumulative values are a function of the durable ledger
// alone (the fold follows it and is restored with it), so a restart sees the same numbers.
import { ValueType } from '@opentelemetry/api';
import type { Resource } from '@opentelemetry/resources';
import {
  AggregationTemporality,
  DataPointType,
  type CollectionResult,
  type MetricData,
  type MetricProducer,
} from '@opentelemetry/sdk-metrics';
import type { Fold } from '../../fold/fold.js';
import { LEGACY_START_MS } from '../../fold/fold.js';
import { metricData, type LedgerMetric } from './ledger-metrics.js';
import { prometheusName } from './prometheus-names.js';
import type { RecentSessionOptions } from './session-gauges.js';
import { SCOPE, hrTime } from '../scope.js';

/**
 * Default start time of every cumulative point (2025-01-01T00:00:00Z, before any Claude Code
 * record). It is not derived from the data: the earliest event moves when an older transcript is
 * backfilled, and a moving start time reads as a counter reset. A state directory created or reset
 * (or a change of prices) records its own start time in the fold; see docs/metrics.md.
 */
export const CUMULATIVE_START_MS = LEGACY_START_MS;


export interface LedgerProducerOptions {
  user: string;
  timezone: string;
  /** `prometheus`: descriptor names are already the collector's Prometheus names (local endpoint). */
  names?: 'otel' | 'prometheus';
  /** Clock for the budget periods and the end time of points (tests). */
  now?: () => number;
  /** Export the daemon heartbeat (`ccotel run` only). */
  heartbeat?: boolean;
  /** Which sessions the ccotel.session.* gauges report (session-gauges.ts). */
  recentSessions?: RecentSessionOptions;
}


export function toMetricData(metrics: LedgerMetric[], nowMs: number, names: 'otel' | 'prometheus' = 'otel', startMs = CUMULATIVE_START_MS): MetricData[] {
  const startTime = hrTime(startMs);
  const endTime = hrTime(nowMs);
  const out: MetricData[] = [];
  for (const m of metrics) {
    if (m.points.length === 0) continue;
    const descriptor = {
      name: names === 'prometheus' ? prometheusName(m.name, m.unit, m.kind) : m.name,
      description: m.description,
      unit: m.unit,
      valueType: m.integer ? ValueType.INT : ValueType.DOUBLE,
    };
    if (m.kind === 'histogram') {
      out.push({
        descriptor,
        aggregationTemporality: AggregationTemporality.CUMULATIVE,
        dataPointType: DataPointType.HISTOGRAM,
        dataPoints: m.points.map((p) => ({
          startTime,
          endTime,
          attributes: p.attributes,
          value: { buckets: { boundaries: [...p.histogram.boundaries], counts: [...p.histogram.counts] }, sum: p.histogram.sum, count: p.histogram.count, min: p.histogram.min, max: p.histogram.max },
        })),
      });
    } else if (m.kind === 'counter') {
      out.push({
        descriptor,
        aggregationTemporality: AggregationTemporality.CUMULATIVE,
        dataPointType: DataPointType.SUM,
        isMonotonic: true,
        dataPoints: m.points.map((p) => ({ startTime, endTime, attributes: p.attributes, value: p.value })),
      });
    } else {
      out.push({
        descriptor,
        aggregationTemporality: AggregationTemporality.CUMULATIVE,
        dataPointType: DataPointType.GAUGE,
        // A gauge point's start time is meaningless; the collection time keeps backends happy.
        dataPoints: m.points.map((p) => ({ startTime: endTime, endTime, attributes: p.attributes, value: p.value })),
      });
    }
  }
  return out;
}

/** A copy of the cumulative metrics (counters, histograms) of the fold as one commit took it. */
interface Taken {
  changes: number;
  /** Calls still outside the per-request histogram (they enter it with time, not with a change). */
  unsettled: number;
  metrics: LedgerMetric[];
  durable: () => boolean;
}

// At most this many commits awaiting durability are remembered (a store that keeps failing): the
// older are dropped, which only publishes later.
const MAX_PENDING = 16;

export class LedgerMetricProducer implements MetricProducer {
  /**
   * The fold changes as records are read, before the commit that makes them durable: exported at
   * once, a value a kill then takes back (the restarted daemon exports the committed state, lower)
   * reads as a counter reset, and increase() counts the whole series again. So when the fold follows
   * a state directory, counters and histograms are exported as the last durable commit left them;
   * gauges (which may go down) stay current.
   */
  private published: Taken | undefined;
  private readonly pending: Taken[] = [];

  constructor(
    private readonly fold: Fold,
    private readonly resource: Resource,
    private readonly opts: LedgerProducerOptions,
  ) {
    if (!fold.tracksCommits) return;
    // Created before anything is read: the fold is what the state directory holds.
    this.published = this.take(() => true);
    fold.onCommit((durable) => {
      const last = this.pending.at(-1) ?? this.published!;
      // Nothing applied or settled since the last copy: the same values (the daemon commits on every tick).
      const same = last.changes === fold.changes && last.unsettled === fold.series.unsettled.size;
      this.pending.push(same ? { ...last, durable } : this.take(durable));
      if (this.pending.length > MAX_PENDING) this.pending.shift();
    });
  }

  private metricOptions(nowMs: number): Parameters<typeof metricData>[1] {
    return { user: this.opts.user, timezone: this.opts.timezone, nowMs, heartbeat: this.opts.heartbeat, recentSessions: this.opts.recentSessions };
  }

  private take(durable: () => boolean): Taken {
    const metrics = metricData(this.fold, this.metricOptions((this.opts.now ?? Date.now)())).filter((m) => m.kind !== 'gauge');
    return { changes: this.fold.changes, unsettled: this.fold.series.unsettled.size, metrics, durable };
  }

  /** The newest copy whose commit is durable becomes the one exported. */
  private cumulative(): LedgerMetric[] | undefined {
    if (!this.published) return undefined;
    for (let i = this.pending.length - 1; i >= 0; i--) {
      if (!this.pending[i]!.durable()) continue;
      this.published = this.pending[i]!;
      this.pending.splice(0, i + 1);
      break;
    }
    return this.published.metrics;
  }

  async collect(): Promise<CollectionResult> {
    const nowMs = (this.opts.now ?? Date.now)();
    try {
      let data = metricData(this.fold, this.metricOptions(nowMs));
      const cumulative = this.cumulative();
      if (cumulative) {
        const byName = new Map(cumulative.map((m) => [m.name, m]));
        data = data.map((m) => (m.kind === 'gauge' ? m : (byName.get(m.name) ?? m)));
      }
      const metrics = toMetricData(data, nowMs, this.opts.names, this.fold.startMs);
      return { resourceMetrics: { resource: this.resource, scopeMetrics: metrics.length ? [{ scope: SCOPE, metrics }] : [] }, errors: [] };
    } catch (err) {
      return { resourceMetrics: { resource: this.resource, scopeMetrics: [] }, errors: [err] };
    }
  }
}
