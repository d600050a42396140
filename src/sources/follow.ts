// The live loop behind `ccotel run`: one serial worker reads files the watcher reports, and a
// ticker lets time-completed spans (quiet model calls, idle turns and sessions) out. Everything runs
// through the worker, so reads and checkpoints never interleave.
import type { HistoryReader } from './history-reader.js';
import type { TranscriptFile } from './transcript-files.js';
import type { Root } from './roots.js';
import { watchTranscripts, type TranscriptWatcher } from './watcher.js';
import type { Logger } from '../log.js';

export interface FollowOptions {
  tickMs: number;
  rescanMs: number;
}

export class Follower {
  private dirty = new Map<string, TranscriptFile>();
  private running: Promise<void> | undefined;
  private watcher: TranscriptWatcher | undefined;
  private ticker: NodeJS.Timeout | undefined;
  private stopped = false;
  private ticking = false;

  constructor(
    private readonly reader: HistoryReader,
    private readonly roots: readonly Root[],
    private readonly log: Logger,
    private readonly opts: FollowOptions,
  ) {}

  start(): void {
    this.watcher = watchTranscripts(this.roots, this.log, (f) => this.enqueue(f), { rescanMs: this.opts.rescanMs });
    this.ticker = setInterval(() => this.kick(true), this.opts.tickMs);
  }

  enqueue(f: TranscriptFile): void {
    if (this.stopped) return;
    this.dirty.set(f.path, f);
    this.kick(false);
  }

  private kick(tick: boolean): void {
    if (tick) this.ticking = true;
    if (this.running || this.stopped) return;
    this.running = this.drain().finally(() => {
      this.running = undefined;
      if ((this.dirty.size > 0 || this.ticking) && !this.stopped) this.kick(false);
    });
  }

  private async drain(): Promise<void> {
    try {
      while (this.dirty.size > 0 && !this.stopped) {
        const files = [...this.dirty.values()];
        this.dirty.clear();
        for (const f of files) await this.reader.syncFile(f);
        await this.reader.commit();
      }
      if (this.ticking && !this.stopped) {
        this.ticking = false;
        await this.reader.commit();
      }
    } catch (err) {
      if (!this.stopped) this.log.warn(`delivery interrupted: ${(err as Error).message}`);
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
