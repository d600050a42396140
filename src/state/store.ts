// The state directory: per-file checkpoints (state.json, replaced atomically) and the ledger
// (ledger.ndjson, append-only). state.json records how many ledger bytes it covers; bytes past that
// were written by a run that died before its checkpoint and are cut off on open, then re-derived
// from the transcripts. Together with the ledger's keyed records this gives exactly-once totals.
import { closeSync, mkdirSync, openSync, readSync } from 'node:fs';
import { open, readFile, stat, truncate } from 'node:fs/promises';
import { join } from 'node:path';
import { Ledger, type ChangeListener } from './ledger.js';
import { StateLock } from './lock.js';
import { writeFileAtomic } from './atomic-file.js';
import { UserError } from '../errors.js';
import type { FileCheckpoint } from '../sources/checkpoint.js';

export const STATE_FORMAT = 'ccotel-state';
export const STATE_VERSION = 1;


interface StateFile {
  format: string;
  version: number;
  files: Record<string, FileCheckpoint>;
  ledgerBytes: number;
  orphans?: Record<string, { endTs: number; isError: boolean }>;
  /** Opaque state of the sinks (open spans awaiting their end, ...), by sink name. */
  sinks?: Record<string, unknown>;
}

/**
 * Called by commit() synchronously, right after it takes the ledger's pending changes, with the
 * ledger length those changes bring it to; it snapshots what it must save and returns the write,
 * which commit() runs once the ledger bytes are durable and before state.json is replaced.
 */
export type CommitHook = (ledgerBytes: number) => (() => Promise<void>) | undefined;

export class StateStore {
  files: Record<string, FileCheckpoint> = {};
  sinks: Record<string, unknown> = {};
  /** True when this open created the state (no state.json yet) or reset it (--reset-state). */
  created = false;
  private readonly records = new Ledger();
  private ledgerLoaded = false;
  private ledgerBytes = 0;
  private lastSaved = '';
  private lock: StateLock | undefined;
  private readonly commitHooks: CommitHook[] = [];

  private constructor(
    readonly dir: string,
    /** Read-only: another process owns the directory; nothing is written. */
    readonly readOnly: boolean,
  ) {}

  get statePath(): string {
    return join(this.dir, 'state.json');
  }
  get ledgerPath(): string {
    return join(this.dir, 'ledger.ndjson');
  }

  /**
   * The ledger, parsed from disk on first use: a command with nothing new to apply (a warm `stats`
   * answered from the saved fold) never pays for reading it.
   */
  get ledger(): Ledger {
    if (!this.ledgerLoaded) this.loadLedgerRows();
    return this.records;
  }

  /** Whether the ledger's rows have been parsed (a warm `stats` should not need them). */
  get ledgerParsed(): boolean {
    return this.ledgerLoaded;
  }

  /** Ledger bytes covered by the last commit (what a saved fold must cover to be current). */
  get committedLedgerBytes(): number {
    return this.ledgerBytes;
  }

  /** Listens to ledger changes without loading the ledger (changes only happen after it loads). */
  onLedgerChange(fn: ChangeListener): () => void {
    return this.records.onChange(fn);
  }

  /** Adds a step to every commit (the fold's save), run after the ledger append. */
  addCommitHook(fn: CommitHook): void {
    this.commitHooks.push(fn);
  }

  /**
   * Opens (creating) the state directory. When another live process holds it, opens read-only if
   * allowed (stats beside a running daemon), else fails with a clear message.
   */
  static async open(dir: string, opts: { allowReadOnly: boolean; reset?: boolean }): Promise<StateStore> {
    try {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
    } catch (err) {
      throw new UserError(`cannot create state directory ${dir}: ${(err as Error).message}`);
    }
    const lock = StateLock.acquire(dir);
    let store: StateStore;
    if ('heldBy' in lock) {
      if (!opts.allowReadOnly || opts.reset) throw new UserError(`state directory ${dir} is in use by another ccotel process (pid ${lock.heldBy}); stop it first or use --state-dir`);
      store = new StateStore(dir, true);
    } else {
      store = new StateStore(dir, false);
      store.lock = lock;
    }
    try {
      if (opts.reset) await store.reset();
      else await store.load();
    } catch (err) {
      store.close();
      throw err;
    }
    return store;
  }

  private async reset(): Promise<void> {
    await writeFileAtomic(this.ledgerPath, '');
    this.files = {};
    this.sinks = {};
    this.ledgerBytes = 0;
    this.ledgerLoaded = true;
    this.created = true;
    await this.saveState();
  }

  private async load(): Promise<void> {
    let raw: string;
    try {
      raw = await readFile(this.statePath, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
        // Fresh state: nothing to parse.
        this.created = true;
        this.ledgerLoaded = true;
        return;
      }
      throw new UserError(`cannot read state file ${this.statePath}: ${(err as Error).message}`);
    }
    let parsed: StateFile;
    try {
      parsed = JSON.parse(raw) as StateFile;
    } catch {
      throw corrupt(this.statePath, 'not valid JSON');
    }
    if (parsed?.format !== STATE_FORMAT) throw corrupt(this.statePath, 'not a ccotel state file');
    if (parsed.version !== STATE_VERSION) throw corrupt(this.statePath, `state version ${parsed.version} is not supported by this ccotel (expects ${STATE_VERSION})`);
    if (typeof parsed.files !== 'object' || typeof parsed.ledgerBytes !== 'number') throw corrupt(this.statePath, 'missing fields');
    this.files = parsed.files;
    this.sinks = parsed.sinks ?? {};
    this.ledgerBytes = parsed.ledgerBytes;
    // A run that changes nothing (a warm `stats`) then rewrites nothing.
    this.lastSaved = raw;
    this.records.importOrphans(parsed.orphans);
    await this.checkLedger();
  }

  /** Checks the ledger's length against the checkpoint and cuts an uncommitted tail (rows parse lazily). */
  private async checkLedger(): Promise<void> {
    let size = 0;
    try {
      size = (await stat(this.ledgerPath)).size;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    if (size < this.ledgerBytes) throw corrupt(this.ledgerPath, `ledger is shorter (${size} bytes) than its checkpoint (${this.ledgerBytes})`);
    // Bytes past the checkpoint belong to a run that died before committing: drop them.
    if (size > this.ledgerBytes && !this.readOnly) await truncate(this.ledgerPath, this.ledgerBytes);
  }

  private loadLedgerRows(): void {
    this.ledgerLoaded = true;
    if (this.ledgerBytes === 0) return;
    const buf = Buffer.allocUnsafe(this.ledgerBytes);
    const fd = openSync(this.ledgerPath, 'r');
    try {
      let at = 0;
      while (at < this.ledgerBytes) {
        const n = readSync(fd, buf, at, this.ledgerBytes - at, at);
        if (n === 0) break;
        at += n;
      }
    } finally {
      closeSync(fd);
    }
    const text = buf.toString('utf8');
    let start = 0;
    let lineNo = 0;
    while (start < text.length) {
      const nl = text.indexOf('\n', start);
      const end = nl === -1 ? text.length : nl;
      lineNo++;
      if (end > start) {
        try {
          this.records.loadRow(JSON.parse(text.slice(start, end)));
        } catch {
          throw corrupt(this.ledgerPath, `line ${lineNo} is not a ledger record`);
        }
      }
      start = end + 1;
    }
  }

  /**
   * Makes everything applied so far durable: ledger changes are appended and synced first, then
   * state.json (checkpoints) is replaced. A crash between the two only leaves ledger bytes that the
   * next open cuts off. In read-only mode nothing is written.
   */
  async commit(): Promise<void> {
    if (this.readOnly) return;
    const changes = this.ledgerLoaded ? this.records.takeChanges() : '';
    const data = Buffer.from(changes, 'utf8');
    const writes = this.commitHooks.map((hook) => hook(this.ledgerBytes + data.length));
    if (data.length > 0) {
      const fh = await open(this.ledgerPath, 'a', 0o600);
      try {
        await fh.write(data);
        await fh.sync();
        this.ledgerBytes += data.length;
      } finally {
        await fh.close();
      }
    }
    for (const write of writes) await write?.();
    await this.saveState();
  }

  private async saveState(): Promise<void> {
    const state: StateFile = {
      format: STATE_FORMAT,
      version: STATE_VERSION,
      files: this.files,
      ledgerBytes: this.ledgerBytes,
      orphans: this.records.exportOrphans(),
      sinks: this.sinks,
    };
    const text = JSON.stringify(state);
    // The daemon commits on every tick; rewrite (and fsync) only when something moved.
    if (text === this.lastSaved) return;
    await writeFileAtomic(this.statePath, text);
    this.lastSaved = text;
  }

  close(): void {
    this.lock?.release();
    this.lock = undefined;
  }
}

function corrupt(path: string, why: string): UserError {
  return new UserError(`state file ${path} is unusable (${why}). Run again with --reset-state to rebuild it from the transcripts (nothing is counted twice).`);
}
