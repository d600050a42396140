// The reading engine: for each transcript, read only bytes not yet checkpointed, turn complete lines
// into events, hand them to the sinks, and checkpoint once the sinks have made them safe.
import { statSync } from 'node:fs';
import type { ModelEvent } from '../model/events.js';
import { normalizeLine } from '../model/normalize.js';
import type { EventSink } from '../model/sink.js';
import type { Logger } from '../log.js';
import type { StateStore } from '../state/store.js';
import type { FileCheckpoint } from './checkpoint.js';
import { classify, fingerprint, FINGERPRINT_BYTES } from './file-identity.js';
import { readLines } from './line-reader.js';
import type { TranscriptFile } from './transcript-files.js';

export interface ReaderOptions {
  maxLineBytes: number;
  /** Checkpoint at least this often inside a large file, so a kill loses little work. */
  sliceBytes: number;
  /** Hand sinks only events at or after this time (backfill --since); the ledger still gets all. */
  sinceMs?: number;
}

// How much work a kill may lose at most while reading history (a commit costs a few ms).
const COMMIT_EVERY_BYTES = 8 << 20;
const COMMIT_EVERY_MS = 500;

export const DEFAULT_READER_OPTIONS: ReaderOptions = { maxLineBytes: 64 << 20, sliceBytes: 32 << 20 };

export interface ReadCounters {
  files: number;
  filesRead: number;
  bytesRead: number;
  lines: number;
  malformed: number;
}

export type ProgressFn = (done: number, total: number) => void;

export class HistoryReader {
  readonly counters: ReadCounters = { files: 0, filesRead: 0, bytesRead: 0, lines: 0, malformed: 0 };

  constructor(
    private readonly store: StateStore,
    private readonly sinks: readonly EventSink[],
    private readonly log: Logger,
    private readonly opts: ReaderOptions = DEFAULT_READER_OPTIONS,
  ) {
    for (const s of sinks) s.restore?.(store.sinks[s.name]);
  }

  /** Brings every file up to date, committing every few MB or half second along the way. */
  async syncAll(files: readonly TranscriptFile[], progress?: ProgressFn): Promise<void> {
    const plan: Array<{ file: TranscriptFile; size: number }> = [];
    let total = 0;
    for (const f of files) {
      const size = await this.sizeOf(f.path);
      if (size === undefined) continue;
      const pending = Math.max(0, size - (this.store.files[f.path]?.offset ?? 0));
      plan.push({ file: f, size: pending });
      total += pending;
    }
    this.counters.files = plan.length;
    let done = 0;
    let committedAt = { bytes: 0, time: Date.now() };
    progress?.(0, total);
    for (const { file, size } of plan) {
      await this.syncFile(file, (n) => progress?.(done + Math.min(n, size), total));
      done += size;
      progress?.(done, total);
      // Checkpoint every few MB or half second, so a killed run keeps its progress
      // (per file would rewrite state.json once per file: quadratic on large histories).
      if (done - committedAt.bytes >= COMMIT_EVERY_BYTES || Date.now() - committedAt.time >= COMMIT_EVERY_MS) {
        await this.commit();
        committedAt = { bytes: done, time: Date.now() };
      }
    }
    await this.commit();
  }

  private async sizeOf(path: string): Promise<number | undefined> {
    try {
      return statSync(path).size;
    } catch (err) {
      this.log.warn(`cannot stat ${path}: ${(err as Error).message}`);
      return undefined;
    }
  }

  /** Reads what is new in one file. Never throws for bad input: it is logged and skipped. */
  async syncFile(file: TranscriptFile, onBytes?: (n: number) => void): Promise<void> {
    const { path } = file;
    try {
      await this.readNew(file, onBytes);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return; // deleted meanwhile; its records stay counted
      this.log.warn(`cannot read ${path}: ${(err as Error).message}`);
    }
  }

  private async readNew(file: TranscriptFile, onBytes?: (n: number) => void): Promise<void> {
    const { path } = file;
    const st = statSync(path);
    const cp = this.store.files[path];
    const change = await classify(path, st, cp);
    if (change.kind === 'unchanged') return;
    let next: FileCheckpoint;
    if (change.kind === 'restart') {
      if (change.reason !== 'new') this.log.warn(`${path} was ${change.reason}; reading it again from the start (records already counted are not counted twice)`);
      const fp = await fingerprint(path, FINGERPRINT_BYTES);
      next = { dev: st.dev, ino: st.ino, size: st.size, mtimeMs: st.mtimeMs, offset: 0, lines: 0, malformed: 0, oversized: 0, ...fp };
    } else {
      next = { ...cp!, size: st.size, mtimeMs: st.mtimeMs };
      if (next.fpLen < FINGERPRINT_BYTES && st.size > next.fpLen) Object.assign(next, await fingerprint(path, FINGERPRINT_BYTES));
    }
    this.counters.filesRead++;
    const startOffset = next.offset;
    let warned = next.malformed > 0;
    const batch: ModelEvent[] = [];
    for (;;) {
      const firstLine = next.lines;
      const res = await readLines(
        path,
        next.offset,
        (text, start, index) => {
          let obj: unknown;
          try {
            if (text === null) throw new Error('invalid UTF-8');
            obj = JSON.parse(text);
          } catch (err) {
            next.malformed++;
            this.counters.malformed++;
            if (!warned) {
              warned = true;
              this.log.warn(`${path}:${firstLine + index + 1}: skipping malformed line (${(err as Error).message.slice(0, 80)}); further bad lines in this file are only counted`);
            }
            return;
          }
          if (!normalizeLine(obj, file.hints, `${file.hints.sessionId}@${start}`, batch)) {
            next.malformed++;
            this.counters.malformed++;
            if (!warned) {
              warned = true;
              this.log.warn(`${path}:${firstLine + index + 1}: skipping a line that is not a transcript record (nested too deep); further bad lines in this file are only counted`);
            }
          }
        },
        { maxLineBytes: this.opts.maxLineBytes, maxBytes: this.opts.sliceBytes },
      );
      next.lines += res.lines;
      this.counters.lines += res.lines;
      this.counters.bytesRead += res.bytesRead;
      for (const at of res.oversized) {
        next.oversized++;
        this.log.warn(`${path}: skipping a line over ${this.opts.maxLineBytes} bytes at byte ${at}`);
      }
      next.offset = res.endOffset;
      this.deliver(batch);
      batch.length = 0;
      this.store.files[path] = { ...next };
      onBytes?.(next.offset - startOffset);
      const more = res.endOffset < st.size && res.pendingBytes === 0 && res.lines > 0;
      if (!more) break;
      await this.commit();
    }
    this.store.files[path] = next;
  }

  private deliver(events: ModelEvent[]): void {
    if (events.length === 0) return;
    // The ledger sees all history (counters stay complete); --since limits only what sinks export.
    for (const e of events) this.store.ledger.apply(e);
    const since = this.opts.sinceMs;
    const kept = since === undefined ? events : events.filter((e) => e.ts >= since);
    for (const s of this.sinks) s.accept(kept);
  }

  /** Sinks first (their output must be safe), then ledger + checkpoints in one durable step. */
  async commit(): Promise<void> {
    for (const s of this.sinks) {
      await s.flush();
      if (s.snapshot) this.store.sinks[s.name] = s.snapshot();
    }
    await this.store.commit();
  }
}
