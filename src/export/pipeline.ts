// Assembles the export side for `run` and `backfill`: the resource, the trace sink (OTLP or local
// files) and the metrics pipeline (OTLP push or local Prometheus endpoint), from the settings.
import { join } from 'node:path';
import type { Settings } from '../config/settings.js';
import { DEFAULT_PROMETHEUS_HOST, DEFAULT_PROMETHEUS_PORT } from '../config/defaults.js';
import type { Logger } from '../log.js';
import type { ToolLookup, UsageLookup } from './traces/trace-builder.js';
import { RepoUrls } from './traces/git-remote.js';
import type { Fold } from '../fold/fold.js';
import { credentialWarnings, isLoopbackHost, resolveExportTarget } from './otlp-settings.js';
import { buildResource, osUserName } from './resource.js';
import { TraceBuilder, DEFAULT_TRACE_OPTIONS, type TraceBuilderOptions } from './traces/trace-builder.js';
import { TraceSink } from './traces/trace-sink.js';
import { createFileSpanExporter, createOtlpSpanExporter } from './traces/span-exporters.js';
import { RetryingExporter, httpStatusOf, isRetryable, refusalHint, type RetryPolicy } from './retry.js';
import { displayUrl } from '../log.js';
import { createMetricsPipeline } from './metrics/metrics-pipeline.js';
import { recentSessionOptions } from './metrics/session-gauges.js';

export interface ExportPipeline {
  traces: TraceSink;
  /** Makes pending span retries give up (shutdown while the collector is down). */
  stopRetrying(): void;
  metrics: { forceFlush(): Promise<void>; shutdown(): Promise<void>; describe(): string; ready: Promise<void>; warm(): Promise<void> };
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
  /** Export the daemon heartbeat gauge (`run`: alerts tell a silent daemon from a quiet user). */
  heartbeat?: boolean;
  /** A tool call's redacted target and rule hits, as the ledger recorded them (span events). */
  toolOf?: ToolLookup;
  /** How span delivery retries: backfill fails on a refusal and gives up after --timeout; run retries slowly. */
  retry?: Partial<RetryPolicy>;
  /** Log periodic metric export failures (run); one-shot commands report them from forceFlush(). */
  logMetricFailures?: boolean;
}

const noMetrics = { ready: Promise.resolve(), warm: async () => {}, forceFlush: async () => {}, shutdown: async () => {}, describe: () => 'not exported (no OTLP endpoint; `ccotel run` serves them locally)' };

/** `usageOf` gives a call's final usage (the ledger's record); `fold` the metric values. */
export function createExportPipeline(settings: Settings, fold: Fold, usageOf: UsageLookup, stateDir: string, log: Logger, o: PipelineOptions = {}): ExportPipeline {
  const target = resolveExportTarget(settings.config.otlp);
  for (const w of credentialWarnings(target)) log.warn(w);
  const resource = buildResource(settings.config.serviceName);
  const spanExporter = target.urls.traces ? createOtlpSpanExporter(target) : createFileSpanExporter(join(stateDir, 'traces'));
  const retrying = new RetryingExporter(spanExporter, log, 'span', target.urls.traces ?? join(stateDir, 'traces'), o.retry);
  const repoUrls = new RepoUrls();
  const traces = new TraceSink(new TraceBuilder(settings.pricer, { ...DEFAULT_TRACE_OPTIONS, ...o.trace }, usageOf, undefined, o.toolOf, (cwd) => repoUrls.of(cwd)), retrying, resource);
  const prom = o.prometheus ?? { host: settings.config.prometheus?.host ?? DEFAULT_PROMETHEUS_HOST, port: settings.config.prometheus?.port ?? DEFAULT_PROMETHEUS_PORT };
  const serveLocal = !target.urls.metrics && o.serveLocalMetrics !== false;
  if (serveLocal && !isLoopbackHost(prom.host)) log.warn(`the metrics endpoint listens on ${prom.host}: other machines can read it (no authentication); prometheus.host: 127.0.0.1 keeps it local`);
  const metrics = !target.urls.metrics && o.serveLocalMetrics === false ? noMetrics : createMetricsPipeline({
    fold,
    user: osUserName(),
    timezone: settings.timezone,
    resource,
    mode: target.urls.metrics ? { kind: 'otlp', target } : { kind: 'prometheus', host: prom.host, port: prom.port },
    exportIntervalMs: o.metricsIntervalMs,
    heartbeat: o.heartbeat,
    recentSessions: recentSessionOptions(settings.config),
    onExportResult: !o.logMetricFailures ? undefined : (err) => {
      if (!err) return log.info('metrics delivered again');
      const status = httpStatusOf(err);
      const url = displayUrl(target.urls.metrics ?? '');
      // Metrics are cumulative from the ledger: the next accepted export carries everything.
      if (status !== undefined && !isRetryable(err)) log.error(`collector refused metrics: HTTP ${status} from ${url}; ${refusalHint(status)}; retrying every export interval (nothing is lost)`);
      else log.warn(`metrics export to ${url} failed: ${err.message}; retrying every export interval (nothing is lost)`);
    },
  });
  return {
    traces,
    stopRetrying: () => retrying.stop(),
    metrics,
    describe: () => [`traces: ${spanExporter.describe()}`, `metrics: ${metrics.describe()}`, ...(target.configured ? [] : ['no OTLP endpoint configured: using the embedded default (set OTEL_EXPORTER_OTLP_ENDPOINT to send to a collector)'])],
    async shutdown() {
      await traces.shutdown();
      await metrics.shutdown();
    },
  };
}
