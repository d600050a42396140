// The trace sink: events → TraceBuilder → spans → exporter. flush() returns only when every span
// derived so far was accepted (the exporter retries; see ../retry.ts); until then the ingest manager
// waits (a bounded buffer) and no checkpoint moves, so nothing is lost. A full batch goes out as
// soon as it is derived, while the reader goes on (like the SDK's batch span processor): a backfill
// no longer stops reading for every round trip to the collector, and the commit's flush() waits only
// for what is still on its way. Spans sent but not yet checkpointed when the process dies are sent
// again by the next start, under the same ids (ids.ts).
import type { ModelEvent } from '../../model/events.js';
import type { EventSink } from '../../model/sink.js';
import type { Resource } from '@opentelemetry/resources';
import { TraceBuilder, type TraceBuilderState } from './trace-builder.js';
import type { BatchExporter } from '../retry.js';
import { toReadableSpan, type ReadableSpan } from './readable-span.js';
import type { SpanData } from './span-data.js';
import { SerializedState } from '../../state/serialized-state.js';

const BATCH = 512;

interface SavedState {
  builder: TraceBuilderState | undefined;
  unsent: SpanData[];
}

export class TraceSink implements EventSink {
  readonly name = 'traces';
  spansSent = 0;
  private queue: SpanData[] = [];
  /** The builder's state moved since the last snapshot (saves a clone per idle tick). */
  private changed = false;
  /** Full batches on their way between commits (one at a time, from the queue's head). */
  private sending: Promise<void> | undefined;
  /** Why a send between commits failed: the next flush() throws it. */
  private failed: { err: unknown } | undefined;

  constructor(
    readonly builder: TraceBuilder,
    private readonly exporter: BatchExporter<ReadableSpan>,
    private readonly resource: Resource,
  ) {}

  accept(events: readonly ModelEvent[]): void {
    this.builder.accept(events);
    this.changed = true;
    this.take();
    if (this.queue.length >= BATCH && !this.sending && !this.failed) {
      this.sending = this.sendFullBatches().finally(() => (this.sending = undefined));
    }
  }

  /**
   * The builder's open state and the spans derived but not yet accepted: saved together with the
   * checkpoints, so an interrupted flush resends exactly what the collector did not take.
   */
  snapshot(): unknown {
    if (!this.changed) return undefined;
    this.changed = false;
    // As JSON at once (no clone): the builder re-serializes its closed sessions only when they changed.
    return new SerializedState(`{"builder":${this.builder.snapshotJson()},"unsent":${JSON.stringify(this.queue satisfies SavedState['unsent'])}}`);
  }
  restore(state: unknown): void {
    // State saved before unsent spans were kept is the builder's state itself.
    const s = state as Partial<SavedState> | undefined;
    const saved = s && 'builder' in s ? s : { builder: state as TraceBuilderState | undefined, unsent: [] };
    this.builder.restore(saved.builder);
    this.queue = [...(saved.unsent ?? [])];
  }

  /** Sends what time has completed (quiet calls, idle turns and sessions). */
  async flush(): Promise<void> {
    this.builder.tick();
    await this.send();
  }

  /**
   * One-shot end (backfill): every call whose lines are on disk is complete now. The spans this
   * completes go out with the next flush (the ingest manager's commit), so an interrupted send
   * saves what is left with the checkpoints.
   */
  finish(): void {
    this.builder.tick(Date.now(), true);
    this.take();
  }

  private take(): void {
    const spans = this.builder.drain();
    if (spans.length > 0) this.changed = true;
    this.queue.push(...spans);
  }

  private async send(): Promise<void> {
    // Into the queue first, failure or not: the queue is what snapshot() keeps as unsent.
    this.take();
    await this.sending;
    if (this.failed) {
      const { err } = this.failed;
      this.failed = undefined;
      throw err;
    }
    while (this.queue.length > 0) await this.sendBatch();
  }

  /** Between commits: only whole batches, and a failure waits for the next flush() to be thrown. */
  private async sendFullBatches(): Promise<void> {
    try {
      while (this.queue.length >= BATCH) await this.sendBatch();
    } catch (err) {
      this.failed = { err };
    }
  }

  /** The batch at the queue's head; it leaves the queue (and the saved unsent spans) once accepted. */
  private async sendBatch(): Promise<void> {
    const batch = this.queue.slice(0, BATCH);
    await this.exporter.export(batch.map((s) => toReadableSpan(s, this.resource)));
    this.queue.splice(0, batch.length);
    this.spansSent += batch.length;
    this.changed = true;
  }

  async shutdown(): Promise<void> {
    await this.sending;
    await this.exporter.shutdown();
  }
}
