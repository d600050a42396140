// The trace sink: events → TraceBuilder → spans → exporter. flush() returns only when every span
// derived before it was called was accepted (the exporter retries; see ../retry.ts); until then no
// checkpoint moves past their lines, so nothing is lost. What flush() sends and what the snapshot()
// after it saves are taken when it is called: the ingest manager may read on meanwhile (a commit of
// history overlaps reading), and those events belong to the next commit. A full batch goes out as
// soon as it is derived, while the reader goes on (like the SDK's batch span processor), one send at
// a time. Spans sent but not yet checkpointed when the process dies are sent again by the next
// start, under the same ids (ids.ts).
import type { ModelEvent } from '../../model/events.js';
import type { EventSink } from '../../model/sink.js';
import type { Resource } from '@opentelemetry/resources';
import { TraceBuilder, type TraceBuilderState } from './trace-builder.js';
import type { BatchExporter } from '../retry.js';
import { toReadableSpan, type ReadableSpan } from './readable-span.js';
import type { SpanData } from './span-data.js';
import { SerializedState } from '../../state/serialized-state.js';

const BATCH = 512;

interface Taken {
  builder: string | undefined;
  /** The builder's state moved since the last take. */
  moved: boolean;
  upTo: number;
}

interface SavedState {
  builder: TraceBuilderState | undefined;
  unsent: SpanData[];
}

export class TraceSink implements EventSink {
  readonly name = 'traces';
  /** flush() takes what it sends, and what snapshot() saves, when it is called (ingest/manager.ts). */
  readonly takesAtFlush = true;
  spansSent = 0;
  /** Spans derived and not yet accepted, oldest first: the queue's head is span number `accepted`. */
  private queue: SpanData[] = [];
  private accepted = 0;
  /** The builder's state moved since the last snapshot (saves a clone per idle tick). */
  private changed = false;
  /** The sender: one batch at a time from the queue's head, full batches only unless a flush asks. */
  private sending: Promise<void> | undefined;
  /** Partial batches go out too until this many spans (from the first) are accepted (flush()). */
  private sendTo = 0;
  /**
   * Why a send failed. Nothing is sent until a flush() has thrown it and the next flush() comes: a
   * commit whose flush failed may have let reading go on (ingest/manager.ts), and what is read after
   * its checkpoints must not reach the collector before they move past it.
   */
  private failed: { err: unknown; thrown: boolean } | undefined;
  /** What the last flush() took: the builder's state then and how many spans it must see accepted. */
  private taken: Taken | undefined;
  /** How many unsent spans the last snapshot named. */
  private savedUnsent = 0;

  constructor(
    readonly builder: TraceBuilder,
    private readonly exporter: BatchExporter<ReadableSpan>,
    private readonly resource: Resource,
  ) {}

  accept(events: readonly ModelEvent[]): void {
    this.builder.accept(events);
    this.changed = true;
    this.take();
    if (this.queue.length >= BATCH) this.pump();
  }

  /**
   * The builder's open state and the spans derived but not yet accepted: saved together with the
   * checkpoints, so an interrupted flush resends exactly what the collector did not take. After a
   * flush(), the builder's state when flush() was called and those of the spans it took that are
   * not accepted (reading may have gone on meanwhile: that belongs to the next commit).
   */
  snapshot(): unknown {
    const t = this.taken ?? this.takeState();
    this.taken = undefined;
    const unsent = this.queue.slice(0, Math.max(0, t.upTo - this.accepted));
    // Without the builder's JSON, nothing moved and nothing is or was unsent (see takeState).
    if (t.builder === undefined || (!t.moved && unsent.length === 0 && this.savedUnsent === 0)) return undefined;
    this.savedUnsent = unsent.length;
    return new SerializedState(`{"builder":${t.builder},"unsent":${JSON.stringify(unsent satisfies SavedState['unsent'])}}`);
  }

  /**
   * The builder's state now, as JSON, and how many spans are derived so far. The JSON only when a
   * snapshot may save it (the builder moved, or there are or were unsent spans): an idle tick takes
   * none.
   */
  private takeState(): Taken {
    const moved = this.changed;
    // As JSON at once (no clone): the builder re-serializes its closed sessions only when they changed.
    const builder = moved || this.queue.length > 0 || this.savedUnsent > 0 ? this.builder.snapshotJson() : undefined;
    this.changed = false;
    return { builder, moved, upTo: this.accepted + this.queue.length };
  }

  restore(state: unknown): void {
    // State saved before unsent spans were kept is the builder's state itself.
    const s = state as Partial<SavedState> | undefined;
    const saved = s && 'builder' in s ? s : { builder: state as TraceBuilderState | undefined, unsent: [] };
    this.builder.restore(saved.builder);
    this.queue = [...(saved.unsent ?? [])];
    this.accepted = 0;
    this.sendTo = 0;
    this.savedUnsent = this.queue.length;
  }

  /**
   * Sends what time has completed (quiet calls, idle turns and sessions) and every span derived so
   * far; resolves once they are accepted. What it sends and what the next snapshot() saves are taken
   * now: events accepted meanwhile are the next flush's (their full batches still go out meanwhile).
   */
  async flush(): Promise<void> {
    this.builder.tick();
    this.take();
    this.taken = this.takeState();
    const upTo = this.taken.upTo;
    // A failure the last flush threw: this one tries again. One since: thrown now, its spans unsent.
    if (this.failed?.thrown) this.failed = undefined;
    this.sendTo = Math.max(this.sendTo, upTo);
    for (;;) {
      const f = this.failed;
      if (f) {
        f.thrown = true;
        throw f.err;
      }
      if (this.accepted >= upTo) return;
      this.pump();
      await this.sending;
    }
  }

  /**
   * One-shot end (backfill): every call whose lines are on disk is complete now, but for a response
   * whose last copy is recent (it may be streaming still: the next copy torn or not yet written).
   * The spans this completes go out with the next flush (the ingest manager's commit), so an
   * interrupted send saves what is left with the checkpoints.
   */
  finish(): void {
    this.builder.tick(Date.now(), true, true);
    this.take();
  }

  private take(): void {
    const spans = this.builder.drain();
    if (spans.length > 0) this.changed = true;
    for (const s of spans) this.queue.push(s);
  }

  /** Starts the sender unless it runs, failed, or has nothing to send. */
  private pump(): void {
    if (this.sending || this.failed) return;
    if (this.queue.length < BATCH && this.accepted >= this.sendTo) return;
    this.sending = this.sendWhileDue().finally(() => (this.sending = undefined));
  }

  private async sendWhileDue(): Promise<void> {
    try {
      while (this.queue.length >= BATCH || (this.queue.length > 0 && this.accepted < this.sendTo)) await this.sendBatch();
    } catch (err) {
      this.failed = { err, thrown: false };
    }
  }

  /** The batch at the queue's head; it leaves the queue (and the saved unsent spans) once accepted. */
  private async sendBatch(): Promise<void> {
    const batch = this.queue.slice(0, BATCH);
    await this.exporter.export(batch.map((s) => toReadableSpan(s, this.resource)));
    this.queue.splice(0, batch.length);
    this.accepted += batch.length;
    this.spansSent += batch.length;
  }

  async shutdown(): Promise<void> {
    await this.sending;
    await this.exporter.shutdown();
  }
}
