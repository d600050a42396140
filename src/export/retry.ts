// Retry as a wrapper around an exporter (as opentelemetry-js wraps its transports): export()
// resolves only once the destination accepted the batch, backing off while it is unreachable, so
// the caller's checkpoints never move past data that is not safe. stop() makes a pending retry give
// up (shutdown while the collector is down); the data is then sent again by the next start.
import type { Logger } from '../log.js';

export interface BatchExporter<T> {
  /** Resolves once the destination accepted every item; rejects otherwise (nothing is assumed sent). */
  export(items: T[]): Promise<void>;
  shutdown(): Promise<void>;
  describe(): string;
}

export interface RetryOptions {
  initialMs: number;
  maxMs: number;
}

export const DEFAULT_RETRY: RetryOptions = { initialMs: 500, maxMs: 30_000 };

export class ShutdownError extends Error {
  constructor() {
    super('shutting down before the collector accepted pending data; it will be sent on the next start');
  }
}

export class RetryingExporter<T> implements BatchExporter<T> {
  private stopping = false;
  private wake: (() => void) | undefined;

  constructor(
    private readonly inner: BatchExporter<T>,
    private readonly log: Logger,
    private readonly what: string,
    private readonly opts: RetryOptions = DEFAULT_RETRY,
  ) {}

  async export(items: T[]): Promise<void> {
    let delay = this.opts.initialMs;
    let failures = 0;
    for (;;) {
      if (this.stopping) throw new ShutdownError();
      try {
        await this.inner.export(items);
        if (failures > 0) this.log.info('collector reachable again; delivery resumed', { failedAttempts: failures });
        return;
      } catch (err) {
        failures++;
        // First failure and then every 10th: a down collector should not flood the log.
        if (failures === 1 || failures % 10 === 0) this.log.warn(`${this.what} export failed; retrying (reading paused, nothing dropped)`, { error: (err as Error).message, attempt: failures, destination: this.inner.describe() });
        await new Promise<void>((r) => {
          const t = setTimeout(r, delay);
          this.wake = () => {
            clearTimeout(t);
            r();
          };
        });
        delay = Math.min(this.opts.maxMs, delay * 2);
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
