// The state directory: per-file checkpoints (state.json, replaced atomically) and the ledger
// (ledger.ndjson, appended). state.json records how many ledger bytes it covers; bytes past that
// were written by a run that died (or failed) before its checkpoint and are cut off on open, then
// re-derived from the transcripts. Together with the ledger's keyed records this gives exactly-once
// totals. A commit is all or nothing: on any write failure the files are as before, the changes
// stay pending in memory and a StateWriteError says so; calling commit() again is safe.
//
// Compaction rewrites the ledger with only the current record per key. The new file starts with a
// header row naming its id, and state.json names the id it covers: a kill between switching the
// ledger and saving state.json leaves a ledger whose id state.json does not know, which is then
// adopted whole (it holds every committed record; re-reading from the old checkpoints is idempotent).
import { closeSync, constants, openSync, readSync } from 'node:fs';
import { open, readdir, readFile, rename, stat, truncate, unlink, type FileHandle } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Ledger, type ChangeListener, type LedgerChange, type PendingChanges, type PruneHorizon, type Row } from './ledger.js';
import { StateLock } from './lock.js';
import { CREATE_EXCLUSIVE, READ_NOFOLLOW, syncDir, writeFileAtomic } from './atomic-file.js';
import { ensureTrustedDir } from './dir-trust.js';
import { faultPoint } from './fault-points.js';
import { stateWriteError } from './state-errors.js';
import { SerializedState } from './serialized-state.js';
import { UserError } from '../errors.js';
import type { FileCheckpoint } from '../sources/checkpoint.js';

export const STATE_FORMAT = 'ccotel-state';
export const STATE_VERSION = 1;

const NO_CHANGES = { text: '', rows: 0, ack: () => {} };
const WRITE_NOFOLLOW = constants.O_WRONLY | constants.O_CREAT | constants.O_NOFOLLOW;

interface StateFile {
  format: string;
  version: number;
  files: Record<string, FileCheckpoint>;
  ledgerBytes: number;
  /** Rows in ledger.ndjson up to ledgerBytes (to tell how many are superseded). */
  ledgerRows?: number;
  /** Id in the ledger's header row; absent for a ledger never compacted. */
  ledgerId?: string;
  lastCompactionMs?: number;
  orphans?: Record<string, { endTs: number; isError: boolean }>;
  /** Opaque state of the sinks (open spans awaiting their end, ...), by sink name. */
  sinks?: Record<string, unknown>;
}

/** When commit() rewrites the ledger: enough bytes, and enough of its rows superseded. */
export interface CompactionPolicy {
  minBytes: number;
  minSupersededRatio: number;
}

export const DEFAULT_COMPACTION: CompactionPolicy = {
  minBytes: envNumber('CCOTEL_COMPACT_MIN_BYTES') ?? 1 << 20,
  minSupersededRatio: envNumber('CCOTEL_COMPACT_MIN_RATIO') ?? 0.5,
};

export interface OpenOptions {
  allowReadOnly: boolean;
  reset?: boolean;
  compaction?: CompactionPolicy;
  /** Repairs and skipped compactions (default: a "warn:" line on stderr). */
  warn?: (msg: string) => void;
}

/**
 * Called by commit() synchronously, right after it takes the ledger's pending changes, with the
 * ledger position (length and id) those changes bring it to; it snapshots what it must save and
 * returns the write, which commit() runs once the ledger bytes are durable and before state.json is
 * replaced. Compaction calls it again with the new position and no changes.
 */
/**
 * Called at each commit with the ledger length and id it makes durable. `bulk`: an intermediate
 * commit of a long catch-up (more follow at once); a hook may leave its own save to a later commit.
 */
export type CommitHook = (ledgerBytes: number, ledgerId: string | undefined, bulk: boolean) => (() => Promise<void>) | undefined;

/** What a commit makes durable, taken when it starts (StateStore.capture). */
interface Captured {
  batch: PendingChanges;
  data: Buffer;
  writes: Array<(() => Promise<void>) | undefined>;
  /** Checkpoint moves this commit covers. */
  cpMoves: number;
  /** The checkpoints' JSON (undefined: none moved, nor any ledger row; taken at save time if needed). */
  files: string | undefined;
  orphans: StateFile['orphans'];
}

export interface StateInfo {
  /** Bytes of all files in the state directory. */
  dirBytes: number;
  ledgerBytes: number;
  ledgerRows: number;
  records: number;
  lastCompactionMs?: number;
  /** What `ccotel prune` has dropped so far (undefined: never pruned). */
  prune?: PruneHorizon;
}

export class StateStore {
  /** True when this open created the state (no state.json yet) or reset it (--reset-state). */
  created = false;
  private readonly records = new Ledger();
  private ledgerLoaded = false;
  private readonly loadHooks: Array<() => void> = [];
  private readonly commitHooks: CommitHook[] = [];
  private checkpoints: Record<string, FileCheckpoint> = {};
  /** Each checkpoint's JSON, kept until it moves: a commit re-serializes only what changed. */
  private checkpointJson = new Map<string, { cp: FileCheckpoint; json: string }>();
  /** The sinks' states as loaded at open (what they restore from); later states are kept as JSON. */
  sinks: Record<string, unknown> = {};
  private sinkJson = new Map<string, string>();
  private ledgerBytes = 0;
  private ledgerRows = 0;
  private ledgerId: string | undefined;
  private lastCompactionMs: number | undefined;
  /** Do not try compacting again before the ledger has this many rows (after a failed attempt). */
  private compactRetryRows = 0;
  /** Open repaired or adopted the ledger: state.json must record it. */
  private repaired = false;
  /**
   * state.json is rewritten only when a checkpoint or a sink's state moved since the last save. Moves
   * are counted, and a save records the counts it covers: reading may move checkpoints while an
   * overlapped commit writes (those stay unsaved), and a sink may hand over its state while the
   * previous commit writes state.json.
   */
  private cpMoves = 0;
  private savedCpMoves = 0;
  private sinkMoves = 0;
  private savedSinkMoves = 0;
  private lock: StateLock | undefined;
  private queue: Promise<void> = Promise.resolve();
  /** Commits called and not yet settled (0: a commit called now captures at once). */
  private running = 0;
  private compaction: CompactionPolicy = DEFAULT_COMPACTION;
  private warn: (msg: string) => void = (msg) => process.stderr.write(`warn: ${msg}\n`);

  private constructor(
    readonly dir: string,
    /** Read-only: another process owns the directory; nothing is written. */
    readonly readOnly: boolean,
  ) {}

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

  /** The committed ledger's id (a compaction or reset gives it a new one). */
  get committedLedgerId(): string | undefined {
    return this.ledgerId;
  }

  /** The sensitive-action rules the ledger runs on new tool calls (set without parsing the ledger). */
  setDetector(detect: Ledger['detect']): void {
    this.records.detect = detect;
  }

  /** Listens to ledger changes without loading the ledger (changes only happen after it loads). */
  onLedgerChange(fn: ChangeListener): () => void {
    return this.records.onChange(fn);
  }

  /** Adds a step to every commit (the fold's save), run after the ledger write. */
  addCommitHook(fn: CommitHook): void {
    this.commitHooks.push(fn);
  }

  get statePath(): string {
    return join(this.dir, 'state.json');
  }
  get ledgerPath(): string {
    return join(this.dir, 'ledger.ndjson');
  }
  private get compactPath(): string {
    return this.ledgerPath + '.compact';
  }

  /**
   * Opens (creating) the state directory. When another live process holds it, opens read-only if
   * allowed (stats beside a running daemon), else fails with a clear message.
   */
  static async open(dir: string, opts: OpenOptions): Promise<StateStore> {
    ensureTrustedDir(dir);
    let lock: ReturnType<typeof StateLock.acquire>;
    try {
      lock = StateLock.acquire(dir);
    } catch (err) {
      throw stateWriteError(join(dir, 'lock'), dir, err);
    }
    let store: StateStore;
    if ('heldBy' in lock) {
      if (!opts.allowReadOnly || opts.reset) throw new StateInUseError(dir, lock.heldBy);
      store = new StateStore(dir, true);
    } else {
      store = new StateStore(dir, false);
      store.lock = lock;
    }
    if (opts.compaction) store.compaction = opts.compaction;
    if (opts.warn) store.warn = opts.warn;
    try {
      if (!store.readOnly) await store.removeLeftovers();
      if (opts.reset) await store.reset();
      else await store.load();
    } catch (err) {
      store.close();
      throw err;
    }
    return store;
  }

  /** Temp files of a run that was killed mid-write (we hold the lock: nobody else writes here). */
  private async removeLeftovers(): Promise<void> {
    for (const name of await readdir(this.dir)) {
      if (/^(state|listing)\.json\.\d+\.[0-9a-f]+\.tmp$/.test(name) || /^state\.json\.\d+\.tmp$/.test(name) || name === 'ledger.ndjson.compact') {
        await unlink(join(this.dir, name)).catch(() => {});
      }
    }
  }

  /**
   * Forgets everything. state.json goes first: a kill before the ledger is replaced leaves a
   * ledger state.json does not name, adopted whole with no checkpoints (all transcripts re-read).
   */
  private async reset(): Promise<void> {
    const id = newLedgerId();
    const header = headerRow(id);
    this.files = {};
    this.sinks = {};
    this.sinkJson.clear();
    await this.saveState({ ledgerBytes: 0, ledgerRows: 0, ledgerId: id });
    try {
      await writeFileAtomic(this.ledgerPath, header);
    } catch (err) {
      throw stateWriteError(this.ledgerPath, this.dir, err);
    }
    this.ledgerId = id;
    this.ledgerBytes = Buffer.byteLength(header);
    this.ledgerRows = 0;
    this.ledgerLoaded = true;
    this.created = true;
    await this.saveState();
  }

  private async load(): Promise<void> {
    let parsed: StateFile | undefined;
    // A read-only reader can meet a compaction between reading state.json and the ledger: read again.
    for (let attempt = 0; ; attempt++) {
      parsed = await this.readStateFile();
      if (!parsed) {
        // Fresh state: nothing to parse.
        this.created = true;
        this.ledgerLoaded = true;
        return;
      }
      this.files = parsed.files;
      this.sinks = parsed.sinks ?? {};
      this.ledgerBytes = parsed.ledgerBytes;
      this.ledgerRows = parsed.ledgerRows ?? -1;
      this.ledgerId = parsed.ledgerId;
      this.lastCompactionMs = parsed.lastCompactionMs;
      if (await this.settleLedger(parsed.ledgerId, this.readOnly && attempt < 5)) break;
    }
    this.records.importOrphans(parsed.orphans);
    // Rows parse lazily (see `ledger`); a repaired ledger is parsed now, to count its rows.
    if (this.ledgerRows < 0) this.loadLedgerRows();
    if (this.repaired && !this.readOnly) await this.saveState();
  }

  private async readStateFile(): Promise<StateFile | undefined> {
    let raw: string;
    try {
      const fh = await open(this.statePath, READ_NOFOLLOW);
      try {
        raw = await fh.readFile('utf8');
      } finally {
        await fh.close();
      }
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw unreadable(this.statePath, err);
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
    return parsed;
  }

  /**
   * Makes ledgerBytes point at the end of a complete record of the ledger state.json names:
   * adopts a compacted ledger state.json has not caught up with, cuts bytes of an unfinished
   * commit, and cuts a torn last record (then every transcript is read again, which the keyed
   * records make idempotent). Returns false when a read-only reader should read state.json again.
   */
  private async settleLedger(stateLedgerId: string | undefined, mayRetry: boolean): Promise<boolean> {
    let fh: FileHandle;
    try {
      fh = await open(this.ledgerPath, READ_NOFOLLOW);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw unreadable(this.ledgerPath, err);
      if (this.ledgerBytes > 0) this.repairTail(0, `${this.ledgerPath} is missing`);
      return true;
    }
    try {
      const size = (await fh.stat()).size;
      const headerId = await readHeaderId(fh, size);
      if (headerId !== stateLedgerId) {
        if (mayRetry) return false;
        // Switched by a compaction (or reset) that was killed before saving state.json: adopt it.
        this.ledgerId = headerId;
        this.ledgerBytes = size;
        this.ledgerRows = -1;
        this.repaired = true;
      }
      if (size > this.ledgerBytes) {
        if (!this.readOnly) await this.cutLedger(this.ledgerBytes);
      }
      const end = Math.min(size, this.ledgerBytes);
      if (end === 0) return true;
      const last = Buffer.alloc(1);
      await fh.read(last, 0, 1, end - 1);
      if (end === this.ledgerBytes && last[0] === 0x0a) return true;
      // Torn or missing tail: cut back to the last complete record.
      const cut = await lastNewlineBefore(fh, end);
      if (!this.readOnly) await this.cutLedger(cut);
      this.repairTail(cut, size < this.ledgerBytes ? `${this.ledgerPath} is shorter (${size} bytes) than its checkpoint (${this.ledgerBytes})` : `${this.ledgerPath} ends in a partial record`);
      return true;
    } finally {
      await fh.close();
    }
  }

  private repairTail(cut: number, why: string): void {
    this.ledgerBytes = cut;
    this.ledgerRows = -1;
    this.files = {};
    this.repaired = true;
    this.warn(`${why}: kept its first ${cut} bytes (every complete record) and reading all transcripts again to restore the rest (nothing is counted twice)`);
  }

  private async cutLedger(bytes: number): Promise<void> {
    try {
      await truncate(this.ledgerPath, bytes);
    } catch (err) {
      throw stateWriteError(this.ledgerPath, this.dir, err);
    }
  }

  /**
   * Runs `fn` once the ledger's rows are parsed (now, if they are): before any change can be applied
   * to it, since changes only happen to a loaded ledger. The fold decodes what it deferred there.
   */
  whenLedgerLoaded(fn: () => void): void {
    if (this.ledgerLoaded) fn();
    else this.loadHooks.push(fn);
  }

  private loadLedgerRows(): void {
    this.parseLedgerRows();
    for (const fn of this.loadHooks.splice(0)) fn();
  }

  /** Reads rows up to ledgerBytes into the ledger (synchronously: `ledger` is a getter). */
  private parseLedgerRows(): void {
    this.ledgerLoaded = true;
    if (this.ledgerBytes === 0) {
      if (this.ledgerRows < 0) this.ledgerRows = 0;
      return;
    }
    const fd = openSync(this.ledgerPath, READ_NOFOLLOW);
    const buf = Buffer.allocUnsafe(this.ledgerBytes);
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
    let rows = 0;
    while (start < text.length) {
      const nl = text.indexOf('\n', start);
      const end = nl === -1 ? text.length : nl;
      lineNo++;
      if (end > start) {
        let row: (string | number | null)[];
        try {
          row = JSON.parse(text.slice(start, end));
          this.records.loadRow(row);
        } catch {
          throw corrupt(this.ledgerPath, `line ${lineNo} is not a ledger record`);
        }
        if (row[0] !== 'H') rows++;
      }
      start = end + 1;
    }
    this.records.loadDone();
    if (this.ledgerRows < 0) this.ledgerRows = rows;
  }

  /**
   * Makes everything applied so far durable: ledger changes are written at the committed end and
   * synced, then state.json (checkpoints) is replaced. All or nothing: on failure the ledger is cut
   * back, state.json is untouched, the changes stay pending, and a StateWriteError (a UserError
   * naming the path and errno) is thrown; calling commit() again retries. In read-only mode nothing
   * is written. Commits run one at a time. With `ready` (the sinks' flush, which never rejects), the
   * ledger is written meanwhile and state.json only once it resolved.
   *
   * What a commit makes durable is taken when it starts: at once, synchronously, when no other
   * commit is running (see `idle`): the ledger's pending rows, what the commit hooks save, the
   * checkpoints and the orphan results. So the caller may go on applying events and moving
   * checkpoints while it writes (`overlapped`, the ingest manager reading on): those belong to the
   * next commit. An overlapped commit leaves compaction (which rewrites every current record) to
   * the next commit nothing overlaps.
   */
  commit(opts: { bulk?: boolean; ready?: Promise<void>; overlapped?: boolean } = {}): Promise<void> {
    // An async function runs synchronously up to its first await: capture() happens now when idle.
    const start = async (): Promise<void> => this.write(this.capture(opts.bulk === true, opts.overlapped === true), opts);
    const run = this.running === 0 ? start() : this.queue.then(start);
    this.running++;
    const settled = run.then(
      () => void this.running--,
      () => void this.running--,
    );
    this.queue = settled;
    return run;
  }

  /** No commit is running: one called now takes what it saves at once, synchronously. */
  get idle(): boolean {
    return this.running === 0;
  }

  /** The ledger is due for compaction, which only a commit nothing overlaps does. */
  get compactionDue(): boolean {
    return !this.readOnly && this.shouldCompact();
  }

  /** What one commit makes durable, taken at its start. */
  private capture(bulk: boolean, overlapped: boolean): Captured | undefined {
    if (this.readOnly) return undefined;
    // An unparsed ledger has no changes (they only happen after it loads).
    const batch = this.ledgerLoaded ? this.records.pendingChanges() : NO_CHANGES;
    const data = Buffer.from(batch.text, 'utf8');
    const writes = this.commitHooks.map((hook) => hook(this.ledgerBytes + data.length, this.ledgerId, bulk));
    const cpMoves = this.cpMoves;
    const moved = cpMoves !== this.savedCpMoves || batch.rows > 0;
    // The checkpoints as JSON now when reading goes on meanwhile (it moves them) or they moved;
    // otherwise (a commit of sink states alone, nothing overlapping) at save time, as they are now.
    const files = moved || overlapped ? this.filesText() : undefined;
    return { batch, data, writes, cpMoves, files, orphans: this.records.exportOrphans() };
  }

  private async write(c: Captured | undefined, opts: { ready?: Promise<void>; overlapped?: boolean }): Promise<void> {
    if (!c) return;
    const { batch, data, writes } = c;
    // Nothing for the ledger: the sinks' states (set once they are ready) may be all that moved.
    if (batch.rows === 0) await opts.ready;
    // The daemon commits on every tick; write (and fsync) only what moved.
    if (batch.rows === 0 && c.cpMoves === this.savedCpMoves && this.sinkMoves === this.savedSinkMoves) {
      for (const write of writes) await write?.();
      return;
    }
    let end = this.ledgerBytes;
    if (batch.rows > 0) end = await this.writeLedgerAt(this.ledgerBytes, data);
    try {
      for (const write of writes) await write?.();
      // Ledger rows past state.json's ledgerBytes are cut when the state is next opened: they may be
      // written while the sinks flush, but the checkpoints move only once every sink is done.
      await opts.ready;
      faultPoint('commit.state');
      await this.saveState({ ledgerBytes: end, ledgerRows: this.ledgerRows + batch.rows }, c);
    } catch (err) {
      if (end !== this.ledgerBytes) await truncate(this.ledgerPath, this.ledgerBytes).catch(() => {});
      throw stateWriteError(this.statePath, this.dir, err);
    }
    this.ledgerBytes = end;
    this.ledgerRows += batch.rows;
    batch.ack();
    if (!opts.overlapped && this.shouldCompact()) await this.compact();
  }

  /** Writes `data` at `pos` (over whatever an earlier failed write left there); returns the new end. */
  private async writeLedgerAt(pos: number, data: Buffer): Promise<number> {
    let fh: FileHandle | undefined;
    try {
      fh = await open(this.ledgerPath, WRITE_NOFOLLOW, 0o600);
      faultPoint('ledger.write');
      let done = 0;
      while (done < data.length) {
        const { bytesWritten } = await fh.write(data, done, data.length - done, pos + done);
        done += bytesWritten;
        faultPoint('ledger.written');
      }
      await fh.truncate(pos + data.length);
      faultPoint('ledger.sync');
      await fh.sync();
      await fh.close();
      return pos + data.length;
    } catch (err) {
      if (fh) {
        await fh.truncate(pos).catch(() => {});
        await fh.close().catch(() => {});
      }
      throw stateWriteError(this.ledgerPath, this.dir, err);
    }
  }

  private shouldCompact(): boolean {
    if (!this.ledgerLoaded) return false;
    const superseded = this.ledgerRows - this.ledger.recordCount;
    return (
      this.ledgerBytes >= this.compaction.minBytes &&
      superseded > 0 &&
      superseded >= this.compaction.minSupersededRatio * this.ledgerRows &&
      this.ledgerRows >= this.compactRetryRows
    );
  }

  /**
   * Rewrites the ledger with only current records: into a temp file, synced, renamed over the
   * ledger, then state.json takes the new id and size. A failure before the rename leaves
   * everything as it was (compaction is retried once the ledger has grown); a kill anywhere is
   * repaired by open (see settleLedger). The commit before it has already succeeded either way.
   */
  /**
   * Drops the per-call records older than `cutoffMs` (`ccotel prune`), keeping `rollups` (what all
   * pruned records contribute to the aggregates) and the dropped keys in their place. It is one
   * compaction: the new ledger is written beside the old one and renamed over it, so a kill before
   * the rename leaves the old ledger (nothing pruned) and one after it the pruned one, which open
   * adopts; either holds every count exactly once. Throws when the new ledger cannot be written.
   */
  prune(cutoffMs: number, changes: readonly LedgerChange[], rollups: Row[]): Promise<{ bytesBefore: number; bytesAfter: number }> {
    const run = this.queue.then(async () => {
      if (this.readOnly) throw new UserError(`state directory ${this.dir} is in use by another ccotel process; stop it to prune the ledger`);
      await this.write(this.capture(false, false), {}); // pending changes first: a prune only rewrites what is durable
      const bytesBefore = this.ledgerBytes;
      faultPoint('prune.begin');
      this.ledger.pruneOlder(cutoffMs, changes, rollups);
      await this.compact(true);
      return { bytesBefore, bytesAfter: this.ledgerBytes };
    });
    this.running++;
    this.queue = run.then(
      () => void this.running--,
      () => void this.running--,
    );
    return run;
  }

  /** A strict compaction (prune) throws instead of leaving the ledger for later. */
  private async compact(strict = false): Promise<void> {
    const id = newLedgerId();
    let fh: FileHandle | undefined;
    let bytes = 0;
    let rows = 0;
    try {
      await unlink(this.compactPath).catch(() => {});
      faultPoint('compact.begin');
      fh = await open(this.compactPath, CREATE_EXCLUSIVE, 0o600);
      const write = async (text: string) => {
        const buf = Buffer.from(text, 'utf8');
        let done = 0;
        while (done < buf.length) done += (await fh!.write(buf, done, buf.length - done, bytes + done)).bytesWritten;
        bytes += buf.length;
      };
      await write(headerRow(id));
      for (const chunk of this.ledger.serializeAll()) {
        for (let i = chunk.indexOf('\n'); i !== -1; i = chunk.indexOf('\n', i + 1)) rows++;
        await write(chunk);
        faultPoint('compact.chunk');
      }
      faultPoint('compact.written');
      await fh.sync();
      await fh.close();
      fh = undefined;
      faultPoint('compact.synced');
      await rename(this.compactPath, this.ledgerPath);
    } catch (err) {
      await fh?.close().catch(() => {});
      await unlink(this.compactPath).catch(() => {});
      if (strict) throw stateWriteError(this.ledgerPath, this.dir, err);
      this.compactRetryRows = Math.ceil(this.ledgerRows * 1.25);
      this.warn(`compacting ${this.ledgerPath} failed (${(err as Error).message}); it stays as it is and compaction is tried again later`);
      return;
    }
    this.ledgerId = id;
    this.ledgerBytes = bytes;
    this.ledgerRows = rows;
    this.lastCompactionMs = Date.now();
    this.compactRetryRows = 0;
    await syncDir(this.dir);
    faultPoint('compact.renamed');
    try {
      // What follows the ledger (the fold) moves to the new ledger before state.json names it.
      for (const hook of this.commitHooks) await hook(this.ledgerBytes, this.ledgerId, false)?.();
      await this.saveState();
    } catch (err) {
      // The next commit saves it; a kill before that is repaired by adopting the new ledger on open.
      this.warn(`saving ${this.statePath} after compaction failed (${(err as Error).message}); it is saved with the next commit`);
    }
    faultPoint('compact.saved');
  }

  /** Size and shape of the state, for doctor. */
  async info(): Promise<StateInfo> {
    let dirBytes = 0;
    for (const name of await readdir(this.dir)) {
      const st = await stat(join(this.dir, name)).catch(() => undefined);
      if (st?.isFile()) dirBytes += st.size;
    }
    const ledger = this.ledger;
    return { dirBytes, ledgerBytes: this.ledgerBytes, ledgerRows: this.ledgerRows, records: ledger.recordCount, lastCompactionMs: this.lastCompactionMs, prune: ledger.horizon };
  }

  /**
   * Replaces state.json. `taken`: what a commit took at its start (the checkpoints as JSON, the
   * orphans, the count of checkpoint moves they cover); without it, what is current.
   */
  private async saveState(over: Partial<Pick<StateFile, 'ledgerBytes' | 'ledgerRows' | 'ledgerId'>> = {}, taken?: Pick<Captured, 'files' | 'orphans' | 'cpMoves'>): Promise<void> {
    const cpMoves = taken?.files !== undefined ? taken.cpMoves : this.cpMoves;
    const sinkMoves = this.sinkMoves;
    const text = this.stateText(
      {
        format: STATE_FORMAT,
        version: STATE_VERSION,
        ledgerBytes: over.ledgerBytes ?? this.ledgerBytes,
        ledgerRows: over.ledgerRows ?? this.ledgerRows,
        ledgerId: 'ledgerId' in over ? over.ledgerId : this.ledgerId,
        lastCompactionMs: this.lastCompactionMs,
        orphans: taken ? taken.orphans : this.records.exportOrphans(),
      },
      taken?.files ?? this.filesText(),
    );
    try {
      await writeFileAtomic(this.statePath, text);
    } catch (err) {
      throw stateWriteError(this.statePath, this.dir, err);
    }
    this.savedCpMoves = Math.max(this.savedCpMoves, cpMoves);
    this.savedSinkMoves = Math.max(this.savedSinkMoves, sinkMoves);
  }

  /** Where each file's reading stands (change it with setCheckpoint). */
  get files(): Readonly<Record<string, FileCheckpoint>> {
    return this.checkpoints;
  }
  private set files(f: Record<string, FileCheckpoint>) {
    this.checkpoints = f;
    this.checkpointJson.clear();
  }

  /** Records where a file's reading stands; durable at the next commit. */
  setCheckpoint(path: string, cp: FileCheckpoint): void {
    this.checkpoints[path] = cp;
    this.cpMoves++;
  }

  /**
   * A sink's open state (spans awaiting their end), saved with the checkpoints it matches. It is
   * serialized now (the sink may go on changing its objects), or given as JSON already.
   */
  setSinkState(name: string, state: unknown): void {
    if (state === undefined) return;
    this.sinkJson.set(name, state instanceof SerializedState ? state.json : JSON.stringify(state));
    this.sinkMoves++;
  }

  /**
   * state.json's text from the parts: cached JSON for checkpoints that did not move and sinks that
   * did not change, so a commit while following costs what changed plus one join, not a stringify
   * of every checkpoint and of the trace builder's 60 days of closed sessions.
   */
  private stateText(state: Omit<StateFile, 'files' | 'sinks'>, files: string): string {
    const sinks: string[] = [];
    for (const name of new Set([...Object.keys(this.sinks), ...this.sinkJson.keys()])) {
      let json = this.sinkJson.get(name);
      if (json === undefined && this.sinks[name] !== undefined) this.sinkJson.set(name, (json = JSON.stringify(this.sinks[name])));
      if (json !== undefined) sinks.push(JSON.stringify(name) + ':' + json);
    }
    const head = JSON.stringify(state);
    return `${head.slice(0, -1)},"files":{${files}},"sinks":{${sinks.join(',')}}}`;
  }

  /** The checkpoints' part of state.json, from cached JSON of those that did not move. */
  private filesText(): string {
    const files: string[] = [];
    for (const [path, cp] of Object.entries(this.checkpoints)) {
      let c = this.checkpointJson.get(path);
      if (c?.cp !== cp) this.checkpointJson.set(path, (c = { cp, json: JSON.stringify(path) + ':' + JSON.stringify(cp) }));
      files.push(c.json);
    }
    return files.join(',');
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

function unreadable(path: string, err: unknown): UserError {
  if ((err as NodeJS.ErrnoException).code === 'ELOOP') {
    return new UserError(`refusing to read ${path}: it is a symbolic link (state files never are; someone may have planted it). Remove it and run again.`);
  }
  return new UserError(`cannot read state file ${path}: ${(err as Error).message}`);
}

function newLedgerId(): string {
  return `${Date.now().toString(36)}-${randomBytes(6).toString('hex')}`;
}

function headerRow(id: string): string {
  return JSON.stringify(['H', id]) + '\n';
}

/** The id in a ledger's header row, if it starts with one. */
async function readHeaderId(fh: FileHandle, size: number): Promise<string | undefined> {
  const n = Math.min(size, 128);
  if (n < 6) return undefined;
  const buf = Buffer.alloc(n);
  await fh.read(buf, 0, n, 0);
  const text = buf.toString('utf8');
  if (!text.startsWith('["H",')) return undefined;
  const nl = text.indexOf('\n');
  if (nl === -1) return undefined;
  try {
    const row = JSON.parse(text.slice(0, nl)) as unknown[];
    return typeof row[1] === 'string' ? row[1] : undefined;
  } catch {
    return undefined;
  }
}

/** Offset just past the last newline before `end` (0 if none). */
async function lastNewlineBefore(fh: FileHandle, end: number): Promise<number> {
  const CHUNK = 64 << 10;
  const buf = Buffer.alloc(CHUNK);
  for (let hi = end; hi > 0; ) {
    const lo = Math.max(0, hi - CHUNK);
    const { bytesRead } = await fh.read(buf, 0, hi - lo, lo);
    const i = buf.subarray(0, bytesRead).lastIndexOf(0x0a);
    if (i !== -1) return lo + i + 1;
    hi = lo;
  }
  return 0;
}

function envNumber(name: string): number | undefined {
  const v = process.env[name];
  if (v === undefined || v === '') return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : undefined;
}
