// Retry as a wrapper around an exporter (as opentelemetry-js wraps its transports): export()
// resolves only once the destination accepted the batch, so the caller's checkpoints never move
// past data that is not safe.
//
// The policy follows the OTLP/HTTP spec (and otlp-exporter-base's isExportHTTPErrorRetryable):
// 429, 502, 503, 504 and network errors are worth retrying with backoff; any other status (400,
// 401, 403, 404, …) is the destination refusing, which no retry fixes by itself. Then `backfill`
// stops (refused: 'fail'), and `run` retries at a slow pace (refused: 'retry') so fixing the token
// or the path resumes delivery with nothing lost. Every failed attempt is logged with its number
// and the next delay. stop() makes a pending retry give up (shutdown while the collector is
// down); the data is then sent again by the next start.
import { displayUrl, type Logger } from '../log.js';

export interface BatchExporter<T> {
  /** Resolves once the destination accepted every item; rejects otherwise (nothing is assumed sent). */
  export(items: T[]): Promise<void>;
  shutdown(): Promise<void>;
  describe(): string;
}

export interface RetryPolicy {
  /** Backoff for retryable failures: first delay, doubled up to maxMs. */
  initialMs: number;
  maxMs: number;
  /** A refused export (non-retryable status): 'fail' ends export() with ExportRefusedError; 'retry' tries again every refusedRetryMs. */
  refused: 'fail' | 'retry';
  refusedRetryMs: number;
  /** Give up (ExportTimeoutError) once a batch has not been accepted for this long; undefined: never. */
  giveUpAfterMs?: number;
}

export const DEFAULT_RETRY: RetryPolicy = { initialMs: 500, maxMs: 30_000, refused: 'retry', refusedRetryMs: 60_000 };

/** The statuses the OTLP/HTTP spec calls retryable. */
export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([429, 502, 503, 504]);

/**
 * The HTTP status of a failed export, if the destination answered: otlp-exporter-base's
 * OTLPExporterError carries it as a numeric `code` (network errors have a string code, ECONNREFUSED).
 */
export function httpStatusOf(err: unknown): number | undefined {
  const e = err as { code?: unknown; cause?: unknown } | null;
  const code = e?.code;
  if (typeof code === 'number' && code >= 100 && code <= 599) return code;
  return e?.cause !== undefined && e.cause !== err ? httpStatusOf(e.cause) : undefined;
}

/** Retryable: the spec's statuses, and every failure without a status (network, timeout). Looks through `cause`. */
export function isRetryable(err: unknown): boolean {
  const status = httpStatusOf(err);
  return status === undefined || RETRYABLE_STATUSES.has(status);
}

/** What a user should check for a refused export. */
export function refusalHint(status: number): string {
  if (status === 401 || status === 403) return 'missing or wrong credentials? set OTEL_EXPORTER_OTLP_HEADERS (e.g. "Authorization=Bearer <token>") or otlp.headers';
  if (status === 404 || status === 405) return 'wrong path? OTEL_EXPORTER_OTLP_ENDPOINT is a base URL (/v1/traces is appended); OTEL_EXPORTER_OTLP_TRACES_ENDPOINT is used as given';
  if (status === 400 || status === 415) return 'wrong protocol? set OTEL_EXPORTER_OTLP_PROTOCOL to what the collector accepts (http/protobuf or http/json)';
  if (status === 413) return 'batch too large for the collector: raise its max_request_body_size';
  return "see the collector's log";
}

// Errors carry `status`, not `code`: the ingest manager takes an error with a `code` for an I/O
// error of the file being read.
export class ExportRefusedError extends Error {
  constructor(
    readonly status: number,
    readonly destination: string,
    detail: string,
    what: string,
  ) {
    super(`collector refused ${what} export: HTTP ${status}${detail ? ` ${detail}` : ''} from ${displayUrl(destination)}; ${refusalHint(status)}`);
    this.name = 'ExportRefusedError';
  }
}

export class ExportTimeoutError extends Error {
  constructor(
    readonly destination: string,
    readonly waitedMs: number,
    lastError: string,
    what: string,
  ) {
    super(`gave up after ${formatMs(waitedMs)}: ${displayUrl(destination)} did not accept ${what}s (last error: ${lastError}); is the collector running? (--timeout sets how long to wait)`);
    this.name = 'ExportTimeoutError';
  }
}

export class ShutdownError extends Error {
  constructor() {
    super('shutting down before the collector accepted pending data; it will be sent on the next start');
    this.name = 'ShutdownError';
  }
}

export const formatMs = (ms: number): string => (ms < 1000 ? `${Math.round(ms)} ms` : ms < 120_000 ? `${+(ms / 1000).toFixed(1)} s` : `${+(ms / 60_000).toFixed(1)} min`);

const errorText = (err: unknown): string => {
  const e = err as { message?: string; code?: unknown; cause?: { code?: string } } | null;
  const msg = e?.message || String(err);
  const code = typeof e?.code === 'string' ? e.code : e?.cause?.code;
  return code && !msg.includes(code) ? `${msg} (${code})` : msg;
};

export class RetryingExporter<T> implements BatchExporter<T> {
  private stopping = false;
  private wake: (() => void) | undefined;
  private readonly policy: RetryPolicy;

  constructor(
    private readonly inner: BatchExporter<T>,
    private readonly log: Logger,
    private readonly what: string,
    private readonly destination: string,
    policy: Partial<RetryPolicy> = {},
  ) {
    this.policy = { ...DEFAULT_RETRY, ...policy };
  }

  async export(items: T[]): Promise<void> {
    const p = this.policy;
    let backoff = p.initialMs;
    let attempt = 0;
    let firstFailure = 0;
    for (;;) {
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
        let delay: number;
        if (!isRetryable(err)) {
          const refused = new ExportRefusedError(status!, this.destination, (err as Error).message ?? '', this.what);
          if (p.refused === 'fail') throw refused;
          delay = p.refusedRetryMs;
          // Prominent: nothing reaches the collector until someone fixes this.
          this.log.error(`${refused.message}; retrying every ${formatMs(delay)} (nothing is dropped; reading waits)`, { attempt, nextRetryInMs: delay });
        } else {
          delay = backoff;
          backoff = Math.min(p.maxMs, backoff * 2);
          if (p.giveUpAfterMs !== undefined) {
            const left = firstFailure + p.giveUpAfterMs - now;
            if (left <= 0) throw new ExportTimeoutError(this.destination, now - firstFailure, errorText(err), this.what);
            delay = Math.min(delay, left);
          }
          this.log.warn(`${this.what} export failed; retrying in ${formatMs(delay)} (attempt ${attempt}; nothing is dropped, reading waits): ${errorText(err)}`, { attempt, nextRetryInMs: delay, destination: displayUrl(this.destination) });
        }
        await new Promise<void>((r) => {
          const t = setTimeout(r, delay);
          this.wake = () => {
            clearTimeout(t);
            r();
          };
        });
        this.wake = undefined;
      }
    }
  }

  /** Makes a pending or future retry loop give up. */
  stop(): void {
    this.stopping = true;
    this.wake?.();
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }

  describe(): string {
    return this.inner.describe();
  }
}
