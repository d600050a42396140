// Worker threads that read and normalize the next files while the main thread applies the current
// one (a cold read of a large history: parsing is about half the work; CCOTEL_WORKERS=1, see
// ingest/manager.ts for why it is not the default).
// Only reading moves off the main thread: the ledger, the sinks and every commit stay there, in
// file order, so results are the same as a single-threaded read.
// A job the worker has not started when its turn comes is taken back and read on the main thread
// (a flag in shared memory decides who has it): on a busy machine, where the worker gets little
// CPU, the main thread never waits for it.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { FileCheckpoint } from './checkpoint.js';
import type { ReaderOptions, Slice } from './file-reader.js';
import type { TranscriptFile } from './transcript-files.js';
import { unpackLines, type PackedLines } from './event-codec.js';

export interface SliceJob {
  id: number;
  /** Index of this job's flag in the shared claims array. */
  slot: number;
  file: TranscriptFile;
  cp: FileCheckpoint;
  from: number;
}

export type SliceReply = { id: number; warnings: string[] } & ({ slice: Omit<Slice, 'lines'>; packed: PackedLines } | { error: { message: string; code?: string } } | { skipped: true });

/** Claims flags: who reads a job. */
export const CLAIM = { open: 0, worker: 1, caller: 2 } as const;

export interface PooledSlice {
  slice: Slice;
  /** The reader's warnings (malformed lines...), for the caller to log when it uses the slice. */
  warnings: string[];
}

/** A worker's reply with a slice in it. */
type Reply = Extract<SliceReply, { packed: PackedLines }>;

// Unpacked when taken, not when it arrives: a reply waits for its turn behind up to a window of
// files, and events made on arrival lived long enough to be promoted, then collected by the old
// generation's GC (~90 ms more GC on the main thread over a 417 MB history).
const unpack = (r: Reply): PooledSlice => ({ slice: { ...r.slice, lines: unpackLines(r.packed) }, warnings: r.warnings });

const WORKER = new URL('./read-worker.js', import.meta.url);
const YOUNG_MB = 8;
// More slots than jobs ever in flight (the caller keeps a few files ahead).
const SLOTS = 1024;

/** A job handed to the pool: take() before using it. */
export interface PooledJob {
  /** The worker's result, or undefined when the worker had not started it (read it yourself). */
  take(): Promise<PooledSlice> | undefined;
  /** The worker has started it (take() will give its result). */
  started(): boolean;
}

export class ReadPool {
  private readonly workers: Worker[] = [];
  private readonly waiting = new Map<number, { resolve: (r: Reply | undefined) => void; reject: (e: Error) => void }>();
  private readonly claims = new Int32Array(new SharedArrayBuffer(SLOTS * 4));
  private nextId = 0;
  private turn = 0;

  private constructor(opts: ReaderOptions, size: number) {
    for (let i = 0; i < size; i++) {
      // A small young generation: the worker's objects are short-lived (sent, then dropped), and
      // its heap counts in the process's RSS.
      const w = new Worker(WORKER, { workerData: { opts, claims: this.claims }, resourceLimits: { maxYoungGenerationSizeMb: YOUNG_MB } });
      w.unref();
      w.on('message', (r: SliceReply) => this.settle(r));
      // A worker that fails or exits fails what it holds (the caller then reads those itself);
      // what it never started stays open and is taken back.
      w.on('error', (err) => this.failAll(err));
      w.on('exit', () => this.failAll(new Error('read worker exited')));
      this.workers.push(w);
    }
  }

  /**
   * A pool of `size` workers, or undefined where there is no built worker script (running from
   * TypeScript sources): the caller then reads on its own thread.
   */
  static start(opts: ReaderOptions, size: number): ReadPool | undefined {
    if (size <= 0 || !existsSync(fileURLToPath(WORKER))) return undefined;
    return new ReadPool(opts, size);
  }

  /** Queues one slice for a worker: what FileReader.readSlice(file, cp, from) returns there. */
  read(file: TranscriptFile, cp: FileCheckpoint, from: number): PooledJob {
    const id = this.nextId++;
    const slot = id % SLOTS;
    const w = this.workers[this.turn++ % this.workers.length]!;
    const job: SliceJob = { id, slot, file: { path: file.path, hints: file.hints }, cp, from };
    const result = new Promise<Reply | undefined>((resolve, reject) => this.waiting.set(id, { resolve, reject }));
    result.catch(() => {}); // surfaces through take(), or nowhere when taken back
    Atomics.store(this.claims, slot, CLAIM.open);
    w.postMessage(job);
    return {
      take: () => (Atomics.compareExchange(this.claims, slot, CLAIM.open, CLAIM.caller) === CLAIM.open ? undefined : (result as Promise<Reply>).then(unpack)),
      started: () => Atomics.load(this.claims, slot) === CLAIM.worker,
    };
  }

  async close(): Promise<void> {
    this.failAll(new Error('read pool closed'));
    await Promise.all(this.workers.map((w) => w.terminate()));
  }

  private settle(r: SliceReply): void {
    const p = this.waiting.get(r.id);
    if (!p) return;
    this.waiting.delete(r.id);
    if ('slice' in r) p.resolve(r);
    else if ('skipped' in r) p.resolve(undefined);
    else p.reject(Object.assign(new Error(r.error.message), { code: r.error.code }));
  }

  private failAll(err: Error): void {
    for (const p of this.waiting.values()) p.reject(err);
    this.waiting.clear();
  }
}
