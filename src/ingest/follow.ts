// The live loop behind `ccotel run`: one serial worker reads files the watcher reports, and a
// ticker lets time-completed spans (quiet model calls, idle turns and sessions) out. Everything runs
// through the worker, so reads and checkpoints never interleave. A failed commit (collector gone,
// disk full) leaves the checkpoints where they were; the worker backs off and tries again.
import { parentsFirst, type IngestManager } from './manager.js';
import type { TranscriptFile } from '../sources/transcript-files.js';
import type { Root } from '../sources/roots.js';
import { watchTranscripts, type TranscriptWatcher } from '../sources/watcher.js';
import type { Logger } from '../log.js';
import type { SpoolConsumer } from './spool-consumer.js';

export interface FollowOptions {
  tickMs: number;
  rescanMs: number;
  /** Longest pause between two attempts after a failure. */
  maxBackoffMs?: number;
}

export class Follower {
  private dirty = new Map<string, TranscriptFile>();
  private running: Promise<void> | undefined;
  private watcher: TranscriptWatcher | undefined;
  private ticker: NodeJS.Timeout | undefined;
  private stopped = false;
  private ticking = false;
  private failures = 0;
  private retryAt = 0;

  constructor(
    private readonly manager: IngestManager,
    private readonly roots: readonly Root[],
    private readonly log: Logger,
    private readonly opts: FollowOptions,
    /** The hook spool, polled on every tick (a readdir: cheaper than a second watcher). */
    private readonly spool?: SpoolConsumer,
  ) {}

  /** Starts watching; resolves once the watcher's first walk and the reads it queued are done. */
  start(): Promise<void> {
    const watcher = watchTranscripts(this.roots, this.log, (f) => this.enqueue(f), { rescanMs: this.opts.rescanMs });
    this.watcher = watcher;
    this.ticker = setInterval(() => this.kick(true), this.opts.tickMs);
    return watcher.ready.then(() => this.running);
  }

  /** Whether a transcript exists, as the watcher knows it (false before start()). */
  has(path: string): boolean {
    return this.watcher?.has(path) ?? false;
  }

  enqueue(f: TranscriptFile): void {
    if (this.stopped) return;
    this.dirty.set(f.path, f);
    this.kick(false);
  }

  private kick(tick: boolean): void {
    if (tick) this.ticking = true;
    if (this.running || this.stopped || Date.now() < this.retryAt) return;
    this.running = this.drain().finally(() => {
      this.running = undefined;
      if ((this.dirty.size > 0 || this.ticking) && !this.stopped) this.kick(false);
    });
  }

  private async drain(): Promise<void> {
    const files = [...this.dirty.values()];
    try {
      while (this.dirty.size > 0 && !this.stopped) {
        // Parents first: a subagent's calls may take their agent label from the parent's Task call.
        const batch = parentsFirst([...this.dirty.values()]);
        this.dirty.clear();
        for (const f of batch) await this.manager.syncFile(f);
        await this.manager.commit();
      }
      if (this.ticking && !this.stopped) {
        this.ticking = false;
        await this.spool?.sync();
        await this.manager.commit();
      }
      if (this.failures > 0) this.log.info('delivery resumed', { failedAttempts: this.failures });
      this.failures = 0;
      this.retryAt = 0;
    } catch (err) {
      if (this.stopped) return;
      // Nothing read since the last commit is lost: the checkpoints did not move, so the files are
      // read again on the next attempt (the ledger ignores what it already has).
      for (const f of files) this.dirty.set(f.path, f);
      this.failures++;
      const wait = Math.min(this.opts.maxBackoffMs ?? 30_000, this.opts.tickMs * 2 ** Math.min(this.failures, 10));
      this.retryAt = Date.now() + wait;
      if (this.failures === 1 || this.failures % 10 === 0) this.log.warn(`delivery interrupted; retrying in ${Math.round(wait / 1000)} s (nothing lost)`, { error: (err as Error).message, attempt: this.failures });
    }
  }

  /** Stops watching and waits for the worker; the last commit happens there or not at all. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.ticker) clearInterval(this.ticker);
    await this.watcher?.close();
    await this.running;
  }
}
