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
import { PrometheusExporter, PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
import { exporterConfig, type ExportTarget } from '../otlp-settings.js';
import type { Fold } from '../../fold/fold.js';
import { LedgerMetricProducer } from './ledger-producer.js';
import type { RecentSessionOptions } from './session-gauges.js';
import { createServer, type IncomingMessage } from 'node:http';
import { hostname, networkInterfaces } from 'node:os';
import { displayUrl } from '../../log.js';

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
  /** Export the daemon heartbeat gauge (`ccotel run` only). */
  heartbeat?: boolean;
  /** Which sessions the ccotel.session.* gauges report (default: 24 h, at most 50). */
  recentSessions?: RecentSessionOptions;
  /** Told when a periodic OTLP export fails after succeeding (or at first), and when it recovers. */
  onExportResult?: (error: Error | undefined) => void;
}

export interface MetricsPipeline {
  /** OTLP: collects and exports now; resolves once the collector accepted it, rejects otherwise. Prometheus: no-op. */
  forceFlush(): Promise<void>;
  shutdown(): Promise<void>;
  describe(): string;
  /** Resolves when the pipeline can serve (Prometheus: the port is listening); rejects e.g. on EADDRINUSE. */
  ready: Promise<void>;
  /**
   * Prometheus: one collection and serialization whose result is dropped, so that the first real
   * scrape does not pay for compiling that code (445 MB bench shape: the first scrape took ~60 ms,
   * the later ones 5-10; with this 13-34 ms on a loaded machine). Call it once the backfill is
   * done: over an empty fold the loops would not run and stay cold. OTLP: nothing (its first export
   * is in the background anyway).
   */
  warm(): Promise<void>;
}

export const DEFAULT_EXPORT_INTERVAL_MS = 10_000;

/** Wraps the OTLP exporter to remember each export's outcome (the periodic reader only logs failures). */
class RecordingExporter implements PushMetricExporter {
  started = 0;
  last: { seq: number; state: 'pending' | 'ok' | 'failed'; error?: Error } | undefined;

  private failing = false;

  constructor(
    private readonly inner: PushMetricExporter,
    private readonly onResult?: (error: Error | undefined) => void,
  ) {}

  export(metrics: ResourceMetrics, resultCallback: (result: ExportResult) => void): void {
    const rec: NonNullable<RecordingExporter['last']> = { seq: ++this.started, state: 'pending' };
    this.last = rec;
    this.inner.export(metrics, (r) => {
      if (r.code === ExportResultCode.SUCCESS) rec.state = 'ok';
      else {
        rec.state = 'failed';
        rec.error = r.error ?? new Error('metrics export failed');
      }
      // Once per change: a collector refusing every 10 s must not flood the log.
      if ((rec.state === 'failed') !== this.failing) {
        this.failing = rec.state === 'failed';
        this.onResult?.(rec.error);
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
  const producerOpts = { user: o.user, timezone: o.timezone, now: o.now, heartbeat: o.heartbeat, recentSessions: o.recentSessions };
  if (o.mode.kind === 'prometheus') {
    const { host, port } = o.mode;
    // Names are pre-translated to what the collector's prometheusexporter exposes, so the local
    // endpoint and the collector path give dashboards the very same series names.
    const producer = new LedgerMetricProducer(o.fold, o.resource, { ...producerOpts, names: 'prometheus' });
    const exporter = new PrometheusExporter({ host, port, endpoint: '/metrics', metricProducers: [producer], preventServerStart: true });
    const provider = new MeterProvider({ resource: o.resource, readers: [exporter] });
    // Our own server in front of the exporter's handler: it refuses a Host header that is not this
    // machine, so a web page cannot read the metrics through DNS rebinding.
    const allowed = allowedHosts(host);
    const server = createServer((req, res) => {
      if (!hostAllowed(req, allowed)) {
        res.writeHead(403, { 'content-type': 'text/plain' }).end(`Host "${req.headers.host}" refused: scrape http://${hostPort(host, port)}/metrics (or set prometheus.host)\n`);
        return;
      }
      let path: string;
      try {
        path = new URL(req.url ?? '/', 'http://localhost').pathname;
      } catch {
        res.writeHead(400).end('Bad Request');
        return;
      }
      if (path !== '/metrics') {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found: the metrics are at /metrics\n');
        return;
      }
      exporter.getMetricsRequestHandler(req, res);
    }).unref();
    const ready = new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host, port }, () => resolve());
    });
    ready.catch(() => {}); // reported to whoever awaits `ready`; never an unhandled rejection
    return {
      ready,
      forceFlush: async () => {},
      warm: async () => {
        const { resourceMetrics } = await exporter.collect();
        new PrometheusSerializer().serialize(resourceMetrics);
      },
      shutdown: async () => {
        await provider.shutdown();
        server.closeAllConnections();
        await new Promise<void>((r) => server.close(() => r()));
      },
      describe: () => `Prometheus endpoint http://${hostPort(host, port)}/metrics (ledger-derived, cumulative)`,
    };
  }

  const { target } = o.mode;
  const { protocol, timeoutMillis } = target;
  const config = { ...exporterConfig(target, 'metrics'), temporalityPreference: AggregationTemporalityPreference.CUMULATIVE };
  const { url } = config;
  const exporter = new RecordingExporter(protocol === 'http/json' ? new JsonMetricExporter(config) : new ProtoMetricExporter(config), o.onExportResult);
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
    warm: async () => {},
    async forceFlush() {
      if (shutDown) throw new Error('metrics pipeline is shut down');
      const before = exporter.started;
      await reader.forceFlush();
      const last = exporter.last;
      // Nothing exported: the ledger has no records yet, so there was nothing to accept.
      if (exporter.started === before || !last) return;
      if (last.state === 'failed') throw new Error(`metrics export to ${displayUrl(url)} failed: ${last.error?.message ?? 'unknown error'}`, { cause: last.error });
      if (last.state === 'pending') throw new Error(`metrics export to ${displayUrl(url)} timed out`);
    },
    async shutdown() {
      if (shutDown) return;
      shutDown = true;
      await provider.shutdown();
    },
    describe: () => `OTLP ${protocol} → ${displayUrl(url)} every ${interval / 1000}s (ledger-derived, cumulative)`,
  };
}

const hostPort = (host: string, port: number): string => `${host.includes(':') ? `[${host}]` : host}:${port}`;

/** Loopback names, as a Host header carries them (lower case, IPv6 in brackets). */
const LOOPBACK_HOSTS = ['localhost', '127.0.0.1', '[::1]'];

/** Host header names (without port) that reach this endpoint legitimately. */
function allowedHosts(bound: string): Set<string> {
  const names = new Set(LOOPBACK_HOSTS);
  const add = (h: string): void => void names.add(h.includes(':') ? `[${h.toLowerCase()}]` : h.toLowerCase());
  add(bound);
  if (bound === '0.0.0.0' || bound === '::') {
    // Every interface: this machine's addresses and names.
    for (const list of Object.values(networkInterfaces())) for (const a of list ?? []) add(a.address);
    add(hostname());
  }
  return names;
}

function hostAllowed(req: IncomingMessage, allowed: Set<string>): boolean {
  const header = req.headers.host;
  if (!header) return true; // not a browser (HTTP/1.0 clients)
  const name = header.toLowerCase().replace(/:\d+$/, '');
  if (allowed.has(name)) return true;
  // A fully qualified name of this host (myhost.lan when hostname() is myhost).
  return [...allowed].some((a) => /^[a-z]/.test(a) && a !== 'localhost' && name.startsWith(`${a}.`));
}
