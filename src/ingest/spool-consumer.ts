// Consumes the hook spool (src/sources/spool-dir.ts) with the transcripts' guarantee: every event
// reaches the ledger and every sink exactly once. A batch is applied, then committed (the names of
// its files are saved with the commit, as the `spool` entry of the state's sink states), and only
// then are its files removed. A crash after the commit leaves files whose names the state lists:
// they are removed unread. A crash before it leaves files the state does not list: read again, and
// nothing of them was durable. A failed commit (collector down) keeps the batch in flight: its
// events are already in the ledger and the sinks' queues, so the next attempt only commits.
import type { Logger } from '../log.js';
import type { StateStore } from '../state/store.js';
import type { HookEvent } from '../model/events.js';
import type { IngestManager } from './manager.js';
import { listSpool, readSpoolFile, rejectSpoolFile, removeSpoolFile } from '../sources/spool-dir.js';

const STATE_KEY = 'spool';
const BATCH_FILES = 2000;
const BATCH_BYTES = 32 << 20;

interface SpoolState {
  /** Files whose events are committed; removed (or being removed) from spool/new. */
  done: string[];
}

export interface SpoolCounters {
  events: number;
  rejected: number;
}

export class SpoolConsumer {
  readonly counters: SpoolCounters = { events: 0, rejected: 0 };
  private readonly done: Set<string>;
  /** Applied to the ledger and sinks, not yet committed. */
  private inFlight: string[] = [];
  private warnedUnreadable = false;
  /** Files in new/ this process cannot read (warned once each); they wait there, the others go on. */
  private readonly unreadable = new Set<string>();

  constructor(
    private readonly store: StateStore,
    private readonly manager: IngestManager,
    private readonly dir: string,
    private readonly log: Logger,
    private readonly transcriptExists?: (path: string) => boolean,
  ) {
    const saved = store.sinks[STATE_KEY] as Partial<SpoolState> | undefined;
    this.done = new Set(Array.isArray(saved?.done) ? saved.done : []);
  }

  /** Reads everything waiting in the spool, committing batch by batch. Returns the events applied. */
  async sync(): Promise<number> {
    if (this.inFlight.length > 0) await this.commitBatch();
    let list;
    try {
      list = await listSpool(this.dir);
    } catch (err) {
      if (!this.warnedUnreadable) this.log.warn(`cannot read the hook spool ${this.dir}: ${(err as Error).message}`);
      this.warnedUnreadable = true;
      return 0;
    }
    this.warnedUnreadable = false;
    const present = new Set(list.map((e) => e.name));
    for (const name of this.unreadable) if (!present.has(name)) this.unreadable.delete(name);
    // Committed before a crash or a failed removal: remove, never read again.
    if (this.done.size > 0) {
      for (const name of [...this.done]) {
        if (present.has(name)) await this.remove(name);
        else this.done.delete(name);
      }
      this.saveState();
    }
    let applied = 0;
    const todo = list.filter((e) => !this.done.has(e.name));
    for (let i = 0; i < todo.length; ) {
      const events: HookEvent[] = [];
      let bytes = 0;
      const names: string[] = [];
      for (; i < todo.length && names.length < BATCH_FILES && bytes < BATCH_BYTES; i++) {
        const entry = todo[i]!;
        let r;
        try {
          r = await readSpoolFile(this.dir, entry, this.transcriptExists);
        } catch (err) {
          // E.g. a hook run as another user (sudo) left a file only that user can read: one such file
          // must not stop every other event (nor the daemon's start). It stays, and is tried again.
          if (!this.unreadable.has(entry.name)) this.log.warn(`cannot read hook spool file ${entry.name}: ${(err as Error).message} (left in ${this.dir}/new; the other events go on)`);
          this.unreadable.add(entry.name);
          continue;
        }
        if (!r) continue;
        bytes += r.bytes;
        if (!r.ok) {
          this.counters.rejected++;
          this.log.warn(`hook spool file ${entry.name} is not a hook event (${r.reason}); moved to ${this.dir}/rejected`);
          await rejectSpoolFile(this.dir, entry.name);
          continue;
        }
        events.push(r.event);
        names.push(entry.name);
      }
      this.manager.applyEvents(events);
      this.inFlight.push(...names);
      applied += events.length;
      this.counters.events += events.length;
      await this.commitBatch();
    }
    return applied;
  }

  private async commitBatch(): Promise<void> {
    const names = this.inFlight;
    this.store.setSinkState(STATE_KEY, { done: [...this.done, ...names] } satisfies SpoolState);
    await this.manager.commit(); // throws: the batch stays in flight
    this.inFlight = [];
    for (const n of names) this.done.add(n);
    for (const n of names) await this.remove(n);
    if (names.length > 0) this.saveState();
  }

  private async remove(name: string): Promise<void> {
    try {
      await removeSpoolFile(this.dir, name);
      this.done.delete(name);
    } catch (err) {
      this.log.warn(`cannot remove committed hook spool file ${name}: ${(err as Error).message} (it will not be counted again)`);
    }
  }

  private saveState(): void {
    this.store.setSinkState(STATE_KEY, { done: [...this.done, ...this.inFlight] } satisfies SpoolState);
  }
}
