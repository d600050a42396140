// Where and how to send OTLP. The standard OTEL_EXPORTER_OTLP_* variables are read by the
// OpenTelemetry exporters themselves (endpoint, per-signal endpoints, headers, timeout, compression,
// certificates); the config file's `otlp:` block fills in what the environment leaves unset.
import type { OtlpCompression, OtlpProtocol, OtlpSettings } from '../config/config.js';
import type { CompressionAlgorithm } from '@opentelemetry/otlp-exporter-base';
import { UserError } from '../errors.js';

export type Signal = 'traces' | 'metrics';

/** One target for both signals (like otlp-exporter-base's shared delegate configuration). */
export interface ExportTarget {
  /** False: no endpoint anywhere, so the embedded default (local Prometheus + trace files) is used. */
  configured: boolean;
  protocol: OtlpProtocol;
  urls: Partial<Record<Signal, string>>;
  /** Options for the exporters, only for what the environment does not set itself. */
  headers?: Record<string, string>;
  timeoutMillis?: number;
  compression?: OtlpCompression;
}

const signalUrl = (base: string, signal: Signal): string => `${base.replace(/\/+$/, '')}/v1/${signal}`;

export function resolveExportTarget(cfg: OtlpSettings | undefined, env: NodeJS.ProcessEnv = process.env): ExportTarget {
  const c = cfg ?? {};
  const protoRaw = env.OTEL_EXPORTER_OTLP_PROTOCOL ?? c.protocol ?? 'http/protobuf';
  if (protoRaw === 'grpc') throw new UserError('OTLP protocol "grpc" is not supported; use http/protobuf (default) or http/json against the collector\'s 4318 port');
  if (protoRaw !== 'http/protobuf' && protoRaw !== 'http/json') throw new UserError(`unknown OTLP protocol "${protoRaw}" (use http/protobuf or http/json)`);
  const envBase = env.OTEL_EXPORTER_OTLP_ENDPOINT;
  const envTraces = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
  const envMetrics = env.OTEL_EXPORTER_OTLP_METRICS_ENDPOINT;
  // Per-signal endpoints are used as given; a base endpoint gets /v1/<signal> appended (OTLP spec).
  const tracesUrl = envTraces ?? (envBase ? signalUrl(envBase, 'traces') : (c.tracesEndpoint ?? (c.endpoint ? signalUrl(c.endpoint, 'traces') : undefined)));
  const metricsUrl = envMetrics ?? (envBase ? signalUrl(envBase, 'metrics') : (c.metricsEndpoint ?? (c.endpoint ? signalUrl(c.endpoint, 'metrics') : undefined)));
  for (const u of [tracesUrl, metricsUrl]) {
    if (u === undefined) continue;
    try {
      const parsed = new URL(u);
      if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error();
    } catch {
      throw new UserError(`OTLP endpoint "${u}" is not an http(s) URL`);
    }
  }
  const urls: ExportTarget['urls'] = {};
  if (tracesUrl !== undefined) urls.traces = tracesUrl;
  if (metricsUrl !== undefined) urls.metrics = metricsUrl;
  const target: ExportTarget = { configured: tracesUrl !== undefined || metricsUrl !== undefined, protocol: protoRaw, urls };
  if (c.headers && !env.OTEL_EXPORTER_OTLP_HEADERS) target.headers = c.headers;
  if (c.timeoutMs !== undefined && !env.OTEL_EXPORTER_OTLP_TIMEOUT) target.timeoutMillis = c.timeoutMs;
  if (c.compression !== undefined && !env.OTEL_EXPORTER_OTLP_COMPRESSION) target.compression = c.compression;
  return target;
}

/**
 * The configuration every OTLP exporter of one signal gets (trace and metric exporters alike); what
 * is left undefined, the exporters read from the OTEL_EXPORTER_OTLP_* variables themselves.
 */
export function exporterConfig(t: ExportTarget, signal: Signal): { url: string; headers?: Record<string, string>; timeoutMillis?: number; compression?: CompressionAlgorithm } {
  const url = t.urls[signal];
  if (!url) throw new Error(`no OTLP endpoint for ${signal}`);
  const c = t.compression;
  // The enum's values are the config strings themselves ('gzip', 'none'); importing it would load the SDK.
  return { url, headers: t.headers, timeoutMillis: t.timeoutMillis, compression: c as CompressionAlgorithm | undefined };
}

/** Loopback: 127.0.0.0/8, ::1 and localhost. */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h.endsWith('.localhost') || h === '::1' || /^127\.\d+\.\d+\.\d+$/.test(h);
}

/**
 * Warnings a user is owed before anything is sent: credentials (headers or user-info) going over
 * plain http:// to another machine can be read on the way.
 */
export function credentialWarnings(t: ExportTarget, env: NodeJS.ProcessEnv = process.env): string[] {
  const out: string[] = [];
  for (const [signal, u] of Object.entries(t.urls) as Array<[Signal, string]>) {
    const url = new URL(u);
    if (url.protocol !== 'http:' || isLoopbackHost(url.hostname)) continue;
    const sig = signal.toUpperCase();
    const headers = !!(t.headers && Object.keys(t.headers).length) || !!env.OTEL_EXPORTER_OTLP_HEADERS || !!env[`OTEL_EXPORTER_OTLP_${sig}_HEADERS`];
    const userInfo = url.username !== '' || url.password !== '';
    if (headers || userInfo) out.push(`${signal}: ${userInfo ? 'credentials in the endpoint URL' : 'OTLP headers (credentials?)'} go in clear text over http:// to ${url.host}; use https://`);
  }
  return out;
}
