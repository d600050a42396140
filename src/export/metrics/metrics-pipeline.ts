// The metrics side of the export: the fold-backed producer behind either an OTLP push reader
// (cumulative temporality, every exportIntervalMs) or a local Prometheus scrape endpoint. The
// MeterProvider has no instruments of its own; it only carries the resource and binds the reader.
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import type { Resource } from '@opentelemetry/resources';
import {
  AggregationTemporality,
  MeterProvider,
  PeriodicExportingMetricReader,
  type PushMetricExporter,
  type ResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import { OTLPMetricExporter as ProtoMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { OTLPMetricExporter as JsonMetricExporter, AggregationTemporalityPreference } from '@opentelemetry/exporter-metrics-otlp-http';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { exporterConfig, type ExportTarget } from '../otlp-settings.js';
import type { Fold } from '../../fold/fold.js';
import { LedgerMetricProducer } from './ledger-producer.js';

export type MetricsMode = { kind: 'otlp'; target: ExportTarget } | { kind: 'prometheus'; host: string; port: number };

export interface MetricsPipelineOptions {
  /** The fold the metrics are read from (kept up to date by whoever applies ledger records). */
  fold: Fold;
  /** OS user name, the `user` label. */
  user: string;
  timezone: string;
  resource: Resource;
  mode: MetricsMode;
  /** OTLP push interval (default 10 s). */
  exportIntervalMs?: number;
  /** Clock (tests). */
  now?: () => number;
}

export interface MetricsPipeline {
  /** OTLP: collects and exports now; resolves once the collector accepted it, rejects otherwise. Prometheus: no-op. */
  forceFlush(): Promise<void>;
  shutdown(): Promise<void>;
  describe(): string;
  /** Resolves when the pipeline can serve (Prometheus: the port is listening); rejects e.g. on EADDRINUSE. */
  ready: Promise<void>;
}

export const DEFAULT_EXPORT_INTERVAL_MS = 10_000;

/** Wraps the OTLP exporter to remember each export's outcome (the periodic reader only logs failures). */
class RecordingExporter implements PushMetricExporter {
  started = 0;
  last: { seq: number; state: 'pending' | 'ok' | 'failed'; error?: Error } | undefined;

  constructor(private readonly inner: PushMetricExporter) {}

  export(metrics: ResourceMetrics, resultCallback: (result: ExportResult) => void): void {
    const rec: NonNullable<RecordingExporter['last']> = { seq: ++this.started, state: 'pending' };
    this.last = rec;
    this.inner.export(metrics, (r) => {
      if (r.code === ExportResultCode.SUCCESS) rec.state = 'ok';
      else {
        rec.state = 'failed';
        rec.error = r.error ?? new Error('metrics export failed');
      }
      resultCallback(r);
    });
  }
  forceFlush(): Promise<void> {
    return this.inner.forceFlush();
  }
  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }
  selectAggregationTemporality(): AggregationTemporality {
    return AggregationTemporality.CUMULATIVE;
  }
}

export function createMetricsPipeline(o: MetricsPipelineOptions): MetricsPipeline {
  const producerOpts = { user: o.user, timezone: o.timezone, now: o.now };
  if (o.mode.kind === 'prometheus') {
    const { host, port } = o.mode;
    // Names are pre-translated to what the collector's prometheusexporter exposes, so the local
    // endpoint and the collector path give dashboards the very same series names.
    const producer = new LedgerMetricProducer(o.fold, o.resource, { ...producerOpts, names: 'prometheus' });
    const exporter = new PrometheusExporter({ host, port, endpoint: '/metrics', metricProducers: [producer], preventServerStart: true });
    const provider = new MeterProvider({ resource: o.resource, readers: [exporter] });
    const ready = exporter.startServer();
    ready.catch(() => {}); // reported to whoever awaits `ready`; never an unhandled rejection
    return {
      ready,
      forceFlush: async () => {},
      shutdown: () => provider.shutdown(),
      describe: () => `Prometheus endpoint http://${host.includes(':') ? `[${host}]` : host}:${port}/metrics (ledger-derived, cumulative)`,
    };
  }

  const { target } = o.mode;
  const { protocol, timeoutMillis } = target;
  const config = { ...exporterConfig(target, 'metrics'), temporalityPreference: AggregationTemporalityPreference.CUMULATIVE };
  const { url } = config;
  const exporter = new RecordingExporter(protocol === 'http/json' ? new JsonMetricExporter(config) : new ProtoMetricExporter(config));
  const interval = o.exportIntervalMs ?? DEFAULT_EXPORT_INTERVAL_MS;
  const producer = new LedgerMetricProducer(o.fold, o.resource, producerOpts);
  const reader = new PeriodicExportingMetricReader({
    exporter,
    exportIntervalMillis: interval,
    exportTimeoutMillis: Math.min(interval, Math.max(timeoutMillis ?? 30_000, 1)),
    metricProducers: [producer],
  });
  const provider = new MeterProvider({ resource: o.resource, readers: [reader] });
  let shutDown = false;
  return {
    ready: Promise.resolve(),
    async forceFlush() {
      if (shutDown) throw new Error('metrics pipeline is shut down');
      const before = exporter.started;
      await reader.forceFlush();
      const last = exporter.last;
      // Nothing exported: the ledger has no records yet, so there was nothing to accept.
      if (exporter.started === before || !last) return;
      if (last.state === 'failed') throw new Error(`metrics export to ${url} failed: ${last.error?.message ?? 'unknown error'}`, { cause: last.error });
      if (last.state === 'pending') throw new Error(`metrics export to ${url} timed out`);
    },
    async shutdown() {
      if (shutDown) return;
      shutDown = true;
      await provider.shutdown();
    },
    describe: () => `OTLP ${protocol} → ${url} every ${interval / 1000}s (ledger-derived, cumulative)`,
  };
}
