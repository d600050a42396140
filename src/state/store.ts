// The state directory: per-file checkpoints (state.json, replaced atomically) and the ledger
// (ledger.ndjson, append-only). state.json records how many ledger bytes it covers; bytes past that
// were written by a run that died before its checkpoint and are cut off on open, then re-derived
// from the transcripts. Together with the ledger's keyed records this gives exactly-once totals.
import { mkdirSync } from 'node:fs';
import { open, readFile, stat, truncate } from 'node:fs/promises';
import { join } from 'node:path';
import { Ledger } from './ledger.js';
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

export class StateStore {
  readonly ledger = new Ledger();
  files: Record<string, FileCheckpoint> = {};
  sinks: Record<string, unknown> = {};
  private ledgerBytes = 0;
  /** state.json is rewritten only when a checkpoint or a sink's state moved since the last save. */
  private dirty = false;
  private lock: StateLock | undefined;

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
      if (!opts.allowReadOnly || opts.reset) throw new StateInUseError(dir, lock.heldBy);
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
    await this.saveState();
  }

  private async load(): Promise<void> {
    let raw: string;
    try {
      raw = await readFile(this.statePath, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return; // fresh state
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
    const filesOk = typeof parsed.files === 'object' && parsed.files !== null && !Array.isArray(parsed.files);
    if (!filesOk || !Number.isSafeInteger(parsed.ledgerBytes) || parsed.ledgerBytes < 0) throw corrupt(this.statePath, 'missing fields');
    this.files = parsed.files;
    this.sinks = parsed.sinks ?? {};
    this.ledgerBytes = parsed.ledgerBytes;
    this.ledger.importOrphans(parsed.orphans);
    await this.loadLedger();
  }

  private async loadLedger(): Promise<void> {
    let size = 0;
    try {
      size = (await stat(this.ledgerPath)).size;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    if (size < this.ledgerBytes) throw corrupt(this.ledgerPath, `ledger is shorter (${size} bytes) than its checkpoint (${this.ledgerBytes})`);
    // Bytes past the checkpoint belong to a run that died before committing: drop them.
    if (size > this.ledgerBytes && !this.readOnly) await truncate(this.ledgerPath, this.ledgerBytes);
    if (this.ledgerBytes === 0) return;
    const fh = await open(this.ledgerPath, 'r');
    const buf = Buffer.allocUnsafe(this.ledgerBytes);
    try {
      await fh.read(buf, 0, this.ledgerBytes, 0);
    } finally {
      await fh.close();
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
          this.ledger.loadRow(JSON.parse(text.slice(start, end)));
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
    const changes = this.ledger.takeChanges();
    if (changes.length > 0) {
      const fh = await open(this.ledgerPath, 'a', 0o600);
      try {
        const data = Buffer.from(changes, 'utf8');
        await fh.write(data);
        await fh.sync();
        this.ledgerBytes += data.length;
      } finally {
        await fh.close();
      }
      this.dirty = true;
    }
    // The daemon commits on every tick; rewrite (and fsync) only when something moved.
    if (this.dirty) await this.saveState();
  }

  private async saveState(): Promise<void> {
    const state: StateFile = {
      format: STATE_FORMAT,
      version: STATE_VERSION,
      files: this.files,
      ledgerBytes: this.ledgerBytes,
      orphans: this.ledger.exportOrphans(),
      sinks: this.sinks,
    };
    await writeFileAtomic(this.statePath, JSON.stringify(state));
    this.dirty = false;
  }

  /** Records where a file's reading stands; durable at the next commit. */
  setCheckpoint(path: string, cp: FileCheckpoint): void {
    this.files[path] = cp;
    this.dirty = true;
  }

  /** A sink's open state (spans awaiting their end), saved with the checkpoints it matches. */
  setSinkState(name: string, state: unknown): void {
    if (state === undefined) return;
    this.sinks[name] = state;
    this.dirty = true;
  }

  close(): void {
    this.lock?.release();
    this.lock = undefined;
  }
}

/** Another live process holds the state directory's lock. */
export class StateInUseError extends UserError {
  constructor(
    readonly dir: string,
    readonly pid: number,
  ) {
    super(`state directory ${dir} is in use by another ccotel process (pid ${pid}); stop it first or use --state-dir`);
  }
}

function corrupt(path: string, why: string): UserError {
  return new UserError(`state file ${path} is unusable (${why}). Run again with --reset-state to rebuild it from the transcripts (nothing is counted twice).`);
}
