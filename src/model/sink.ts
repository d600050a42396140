// What consumes the event stream. Sources push events in transcript order (per file); before a
// checkpoint covering them is written, every sink's flush() must resolve: that is the moment the
// sink's output is safe (durable on disk, accepted by the collector).
import type { ModelEvent } from './events.js';

export interface EventSink {
  readonly name: string;
  /** The sink reads prompt and answer text (redacted): the reader then keeps it on events. */
  readonly wantsText?: boolean;
  /** Events in transcript order; `path` is the transcript they came from (absent for hook events). */
  accept(events: readonly ModelEvent[], path?: string): void;
  /** The transcript at `path` was replaced or truncated: it is read again from its start. */
  restart?(path: string): void;
  flush(): Promise<void>;
  /**
   * flush() takes, when it is called, what it makes safe and what the snapshot() after it saves:
   * events accepted while it runs belong to the next flush (a commit of history may then overlap
   * reading: ingest/manager.ts, CCOTEL_COMMIT_OVERLAP).
   */
  readonly takesAtFlush?: boolean;
  /**
   * State to checkpoint together with the byte offsets (what is still open, and what flush() could
   * not deliver), and its restore. undefined: unchanged since the last snapshot.
   */
  snapshot?(): unknown;
  restore?(state: unknown): void;
}
