// Assembles the export side for `run` and `backfill`: the resource, the trace sink (OTLP or local
// files) and the metrics pipeline (OTLP push or local Prometheus endpoint), from the settings.
import { join } from 'node:path';
import type { Settings } from '../config/settings.js';
import type { Logger } from '../log.js';
import type { Fold } from '../fold/fold.js';
import { resolveExportTarget } from './otlp-settings.js';
import { buildResource, osUserName } from './resource.js';
import { TraceBuilder, DEFAULT_TRACE_OPTIONS, type TraceBuilderOptions } from './traces/trace-builder.js';
import { TraceSink } from './traces/trace-sink.js';
import { createFileSpanExporter, createOtlpSpanExporter } from './traces/span-exporters.js';
import { createMetricsPipeline } from './metrics/metrics-pipeline.js';

export interface ExportPipeline {
  traces: TraceSink;
  metrics: { forceFlush(): Promise<void>; shutdown(): Promise<void>; describe(): string; ready: Promise<void> };
  describe(): string[];
  shutdown(): Promise<void>;
}

export interface PipelineOptions {
  metricsIntervalMs?: number;
  trace?: Partial<TraceBuilderOptions>;
  /** Local Prometheus endpoint for the embedded default. */
  prometheus?: { host: string; port: number };
  /** False: no local Prometheus endpoint when no collector is configured (one-shot commands). */
  serveLocalMetrics?: boolean;
}

const noMetrics = { ready: Promise.resolve(), forceFlush: async () => {}, shutdown: async () => {}, describe: () => 'not exported (no OTLP endpoint; `ccotel run` serves them locally)' };

export function createExportPipeline(settings: Settings, fold: Fold, stateDir: string, log: Logger, o: PipelineOptions = {}): ExportPipeline {
  const target = resolveExportTarget(settings.config.otlp);
  const resource = buildResource(settings.config.serviceName);
  const spanExporter = target.tracesUrl ? createOtlpSpanExporter(target) : createFileSpanExporter(join(stateDir, 'traces'));
  const traces = new TraceSink(new TraceBuilder(settings.pricer, { ...DEFAULT_TRACE_OPTIONS, ...o.trace }), spanExporter, resource, log);
  const prom = o.prometheus ?? { host: settings.config.prometheus?.host ?? '127.0.0.1', port: settings.config.prometheus?.port ?? 9464 };
  const metricsUrl = target.metricsUrl;
  const metrics = !metricsUrl && o.serveLocalMetrics === false ? noMetrics : createMetricsPipeline({
    fold,
    user: osUserName(),
    timezone: settings.timezone,
    resource,
    mode: metricsUrl
      ? { kind: 'otlp', url: metricsUrl, protocol: target.protocol, headers: target.headers, timeoutMillis: target.timeoutMillis, compression: target.compression }
      : { kind: 'prometheus', host: prom.host, port: prom.port },
    exportIntervalMs: o.metricsIntervalMs,
  });
  return {
    traces,
    metrics,
    describe: () => [`traces: ${spanExporter.describe()}`, `metrics: ${metrics.describe()}`, ...(target.configured ? [] : ['no OTLP endpoint configured: using the embedded default (set OTEL_EXPORTER_OTLP_ENDPOINT to send to a collector)'])],
    async shutdown() {
      await traces.shutdown();
      await metrics.shutdown();
    },
  };
}
