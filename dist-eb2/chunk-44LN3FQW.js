import { createRequire as __cr } from 'module'; const require = __cr(import.meta.url);
import {
  displayUrl
} from "./chunk-CUIUVQIK.js";

// src/export/retry.ts
var DEFAULT_RETRY = { initialMs: 500, maxMs: 3e4, refused: "retry", refusedRetryMs: 6e4 };
var RETRYABLE_STATUSES = /* @__PURE__ */ new Set([429, 502, 503, 504]);
function httpStatusOf(err) {
  const e = err;
  const code = e?.code;
  if (typeof code === "number" && code >= 100 && code <= 599) return code;
  return e?.cause !== void 0 && e.cause !== err ? httpStatusOf(e.cause) : void 0;
}
function isRetryable(err) {
  const status = httpStatusOf(err);
  return status === void 0 || RETRYABLE_STATUSES.has(status);
}
function refusalHint(status) {
  if (status === 401 || status === 403) return 'missing or wrong credentials? set OTEL_EXPORTER_OTLP_HEADERS (e.g. "Authorization=Bearer <token>") or otlp.headers';
  if (status === 404 || status === 405) return "wrong path? OTEL_EXPORTER_OTLP_ENDPOINT is a base URL (/v1/traces is appended); OTEL_EXPORTER_OTLP_TRACES_ENDPOINT is used as given";
  if (status === 400 || status === 415) return "wrong protocol? set OTEL_EXPORTER_OTLP_PROTOCOL to what the collector accepts (http/protobuf or http/json)";
  if (status === 413) return "batch too large for the collector: raise its max_request_body_size";
  return "see the collector's log";
}
var ExportRefusedError = class extends Error {
  constructor(status, destination, detail, what) {
    super(`collector refused ${what} export: HTTP ${status}${detail ? ` ${detail}` : ""} from ${displayUrl(destination)}; ${refusalHint(status)}`);
    this.status = status;
    this.destination = destination;
    this.name = "ExportRefusedError";
  }
  status;
  destination;
};
var ExportTimeoutError = class extends Error {
  constructor(destination, waitedMs, lastError, what) {
    super(`gave up after ${formatMs(waitedMs)}: ${displayUrl(destination)} did not accept ${what}s (last error: ${lastError}); is the collector running? (--timeout sets how long to wait)`);
    this.destination = destination;
    this.waitedMs = waitedMs;
    this.name = "ExportTimeoutError";
  }
  destination;
  waitedMs;
};
var ShutdownError = class extends Error {
  constructor() {
    super("shutting down before the collector accepted pending data; it will be sent on the next start");
    this.name = "ShutdownError";
  }
};
var formatMs = (ms) => ms < 1e3 ? `${Math.round(ms)} ms` : ms < 12e4 ? `${+(ms / 1e3).toFixed(1)} s` : `${+(ms / 6e4).toFixed(1)} min`;
var errorText = (err) => {
  const e = err;
  const msg = e?.message || String(err);
  const code = typeof e?.code === "string" ? e.code : e?.cause?.code;
  return code && !msg.includes(code) ? `${msg} (${code})` : msg;
};
var RetryingExporter = class {
  constructor(inner, log, what, destination, policy = {}) {
    this.inner = inner;
    this.log = log;
    this.what = what;
    this.destination = destination;
    this.policy = { ...DEFAULT_RETRY, ...policy };
  }
  inner;
  log;
  what;
  destination;
  stopping = false;
  wake;
  policy;
  async export(items) {
    const p = this.policy;
    let backoff = p.initialMs;
    let attempt = 0;
    let firstFailure = 0;
    for (; ; ) {
      if (this.stopping) throw new ShutdownError();
      attempt++;
      try {
        await this.inner.export(items);
        if (attempt > 1) this.log.info(`collector accepted ${this.what}s again; delivery resumed`, { failedAttempts: attempt - 1 });
        return;
      } catch (err) {
        if (this.stopping) throw new ShutdownError();
        const now = Date.now();
        if (attempt === 1) firstFailure = now;
        const status = httpStatusOf(err);
        let delay;
        if (!isRetryable(err)) {
          const refused = new ExportRefusedError(status, this.destination, err.message ?? "", this.what);
          if (p.refused === "fail") throw refused;
          delay = p.refusedRetryMs;
          this.log.error(`${refused.message}; retrying every ${formatMs(delay)} (nothing is dropped; reading waits)`, { attempt, nextRetryInMs: delay });
        } else {
          delay = backoff;
          backoff = Math.min(p.maxMs, backoff * 2);
          if (p.giveUpAfterMs !== void 0) {
            const left = firstFailure + p.giveUpAfterMs - now;
            if (left <= 0) throw new ExportTimeoutError(this.destination, now - firstFailure, errorText(err), this.what);
            delay = Math.min(delay, left);
          }
          this.log.warn(`${this.what} export failed; retrying in ${formatMs(delay)} (attempt ${attempt}; nothing is dropped, reading waits): ${errorText(err)}`, { attempt, nextRetryInMs: delay, destination: displayUrl(this.destination) });
        }
        await new Promise((r) => {
          const t = setTimeout(r, delay);
          this.wake = () => {
            clearTimeout(t);
            r();
          };
        });
        this.wake = void 0;
      }
    }
  }
  /** Makes a pending or future retry loop give up. */
  stop() {
    this.stopping = true;
    this.wake?.();
  }
  shutdown() {
    return this.inner.shutdown();
  }
  describe() {
    return this.inner.describe();
  }
};

export {
  httpStatusOf,
  isRetryable,
  refusalHint,
  ExportRefusedError,
  ExportTimeoutError,
  ShutdownError,
  RetryingExporter
};
