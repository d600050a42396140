// The trace sink: events → TraceBuilder → spans → exporter. flush() returns only when every span
// derived so far was accepted, retrying with backoff while the collector is unreachable; until then
// the reader waits (a bounded buffer) and no checkpoint moves, so nothing is lost.
import type { ModelEvent } from '../../model/events.js';
import type { EventSink } from '../../model/sink.js';
import type { Logger } from '../../log.js';
import type { Resource } from '@opentelemetry/resources';
import { TraceBuilder, type TraceBuilderState } from './trace-builder.js';
import type { SpanBatchExporter } from './span-exporters.js';
import { toReadableSpan } from './readable-span.js';
import type { SpanData } from './span-data.js';

const BATCH = 512;

export class ShutdownError extends Error {
  constructor() {
    super('shutting down before the collector accepted pending spans; they will be sent on the next start');
  }
}

export class TraceSink implements EventSink {
  readonly name = 'traces';
  spansSent = 0;
  private queue: SpanData[] = [];
  private stopping = false;
  private wake: (() => void) | undefined;

  constructor(
    readonly builder: TraceBuilder,
    private readonly exporter: SpanBatchExporter,
    private readonly resource: Resource,
    private readonly log: Logger,
    private readonly retry = { initialMs: 500, maxMs: 30_000 },
  ) {}

  accept(events: readonly ModelEvent[]): void {
    this.builder.accept(events);
  }

  snapshot(): unknown {
    return this.builder.snapshot();
  }
  restore(state: unknown): void {
    this.builder.restore(state as TraceBuilderState | undefined);
  }

  async flush(): Promise<void> {
    this.builder.tick();
    this.queue.push(...this.builder.drain());
    while (this.queue.length > 0) {
      const batch = this.queue.slice(0, BATCH);
      await this.send(batch);
      this.queue.splice(0, batch.length);
      this.spansSent += batch.length;
    }
  }

  private async send(batch: SpanData[]): Promise<void> {
    const spans = batch.map((s) => toReadableSpan(s, this.resource));
    let delay = this.retry.initialMs;
    let failures = 0;
    for (;;) {
      if (this.stopping) throw new ShutdownError();
      try {
        await this.exporter.export(spans);
        if (failures > 0) this.log.info('collector reachable again; delivery resumed', { failedAttempts: failures });
        return;
      } catch (err) {
        failures++;
        // First failure and then every 10th: a down collector should not flood the log.
        if (failures === 1 || failures % 10 === 0) this.log.warn(`span export failed; retrying (reading paused, nothing dropped)`, { error: (err as Error).message, attempt: failures, destination: this.exporter.describe() });
        await new Promise<void>((r) => {
          const t = setTimeout(r, delay);
          this.wake = () => {
            clearTimeout(t);
            r();
          };
        });
        delay = Math.min(this.retry.maxMs, delay * 2);
      }
    }
  }

  /** Makes a retry loop give up (SIGTERM while the collector is down). */
  stop(): void {
    this.stopping = true;
    this.wake?.();
  }

  async shutdown(): Promise<void> {
    await this.exporter.shutdown();
  }
}
