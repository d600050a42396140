import { createRequire as __cr } from 'module'; const require = __cr(import.meta.url);
import {
  UserError
} from "./chunk-EM5NTX2M.js";

// src/export/otlp-settings.ts
var signalUrl = (base, signal) => `${base.replace(/\/+$/, "")}/v1/${signal}`;
function resolveExportTarget(cfg, env = process.env) {
  const c = cfg ?? {};
  const protoRaw = env.OTEL_EXPORTER_OTLP_PROTOCOL ?? c.protocol ?? "http/protobuf";
  if (protoRaw === "grpc") throw new UserError(`OTLP protocol "grpc" is not supported; use http/protobuf (default) or http/json against the collector's 4318 port`);
  if (protoRaw !== "http/protobuf" && protoRaw !== "http/json") throw new UserError(`unknown OTLP protocol "${protoRaw}" (use http/protobuf or http/json)`);
  const envBase = env.OTEL_EXPORTER_OTLP_ENDPOINT;
  const envTraces = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
  const envMetrics = env.OTEL_EXPORTER_OTLP_METRICS_ENDPOINT;
  const tracesUrl = envTraces ?? (envBase ? signalUrl(envBase, "traces") : c.tracesEndpoint ?? (c.endpoint ? signalUrl(c.endpoint, "traces") : void 0));
  const metricsUrl = envMetrics ?? (envBase ? signalUrl(envBase, "metrics") : c.metricsEndpoint ?? (c.endpoint ? signalUrl(c.endpoint, "metrics") : void 0));
  for (const u of [tracesUrl, metricsUrl]) {
    if (u === void 0) continue;
    try {
      const parsed = new URL(u);
      if (parsed.protocol !== "http:" && parsed.protocol !== "https:") throw new Error();
    } catch {
      throw new UserError(`OTLP endpoint "${u}" is not an http(s) URL`);
    }
  }
  const urls = {};
  if (tracesUrl !== void 0) urls.traces = tracesUrl;
  if (metricsUrl !== void 0) urls.metrics = metricsUrl;
  const target = { configured: tracesUrl !== void 0 || metricsUrl !== void 0, protocol: protoRaw, urls };
  if (c.headers && !env.OTEL_EXPORTER_OTLP_HEADERS) target.headers = c.headers;
  if (c.timeoutMs !== void 0 && !env.OTEL_EXPORTER_OTLP_TIMEOUT) target.timeoutMillis = c.timeoutMs;
  if (c.compression !== void 0 && !env.OTEL_EXPORTER_OTLP_COMPRESSION) target.compression = c.compression;
  return target;
}
function exporterConfig(t, signal) {
  const url = t.urls[signal];
  if (!url) throw new Error(`no OTLP endpoint for ${signal}`);
  const c = t.compression;
  return { url, headers: t.headers, timeoutMillis: t.timeoutMillis, compression: c };
}
function isLoopbackHost(host) {
  const h = host.replace(/^\[|\]$/g, "").toLowerCase();
  return h === "localhost" || h.endsWith(".localhost") || h === "::1" || /^127\.\d+\.\d+\.\d+$/.test(h);
}
function credentialWarnings(t, env = process.env) {
  const out = [];
  for (const [signal, u] of Object.entries(t.urls)) {
    const url = new URL(u);
    if (url.protocol !== "http:" || isLoopbackHost(url.hostname)) continue;
    const sig = signal.toUpperCase();
    const headers = !!(t.headers && Object.keys(t.headers).length) || !!env.OTEL_EXPORTER_OTLP_HEADERS || !!env[`OTEL_EXPORTER_OTLP_${sig}_HEADERS`];
    const userInfo = url.username !== "" || url.password !== "";
    if (headers || userInfo) out.push(`${signal}: ${userInfo ? "credentials in the endpoint URL" : "OTLP headers (credentials?)"} go in clear text over http:// to ${url.host}; use https://`);
  }
  return out;
}

export {
  resolveExportTarget,
  exporterConfig,
  isLoopbackHost,
  credentialWarnings
};
