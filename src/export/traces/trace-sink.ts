// The trace sink: events → TraceBuilder → spans → exporter. flush() returns only when every span
// derived so far was accepted (the exporter retries; see ../retry.ts); until then the ingest manager
// waits (a bounded buffer) and no checkpoint moves, so nothing is lost.
import type { ModelEvent } from '../../model/events.js';
import type { EventSink } from '../../model/sink.js';
import type { Resource } from '@opentelemetry/resources';
import { TraceBuilder, type TraceBuilderState } from './trace-builder.js';
import type { BatchExporter } from '../retry.js';
import { toReadableSpan, type ReadableSpan } from './readable-span.js';
import type { SpanData } from './span-data.js';

const BATCH = 512;

export class TraceSink implements EventSink {
  readonly name = 'traces';
  spansSent = 0;
  private queue: SpanData[] = [];
  /** The builder's state moved since the last snapshot (saves a clone per idle tick). */
  private changed = false;

  constructor(
    readonly builder: TraceBuilder,
    private readonly exporter: BatchExporter<ReadableSpan>,
    private readonly resource: Resource,
  ) {}

  accept(events: readonly ModelEvent[]): void {
    this.builder.accept(events);
    this.changed = true;
  }

  snapshot(): unknown {
    if (!this.changed) return undefined;
    this.changed = false;
    return this.builder.snapshot();
  }
  restore(state: unknown): void {
    this.builder.restore(state as TraceBuilderState | undefined);
  }

  /** Sends what time has completed (quiet calls, idle turns and sessions). */
  async flush(): Promise<void> {
    this.builder.tick();
    await this.send();
  }

  /** One-shot end (backfill): every call whose lines are on disk is complete now. */
  async finish(): Promise<void> {
    this.builder.tick(Date.now(), true);
    await this.send();
  }

  private async send(): Promise<void> {
    const spans = this.builder.drain();
    if (spans.length > 0) this.changed = true;
    this.queue.push(...spans);
    while (this.queue.length > 0) {
      const batch = this.queue.slice(0, BATCH);
      await this.exporter.export(batch.map((s) => toReadableSpan(s, this.resource)));
      this.queue.splice(0, batch.length);
      this.spansSent += batch.length;
    }
  }

  async shutdown(): Promise<void> {
    await this.exporter.shutdown();
  }
}
