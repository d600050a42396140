// The one ingest manager (the Collector fileconsumer's manager): it asks the reader for new lines,
// applies their events to the ledger, hands them to the sinks, and is the only place that moves
// checkpoints. A commit makes the sinks' output safe first (spans accepted by the collector), then
// writes the ledger and the checkpoints in one durable step.
import { statSync } from 'node:fs';
import type { Logger } from '../log.js';
import { UserError } from '../errors.js';
import type { EventSink } from '../model/sink.js';
import type { ModelEvent } from '../model/events.js';
import type { StateStore } from '../state/store.js';
import type { FileCheckpoint } from '../sources/checkpoint.js';
import { FileReader, DEFAULT_READER_OPTIONS, type LineEvents, type Plan, type ReaderOptions, type Slice } from '../sources/file-reader.js';
import { ReadPool, type PooledJob } from '../sources/read-pool.js';
import type { TranscriptFile } from '../sources/transcript-files.js';
import { readAgentTypeSync } from '../sources/agent-meta.js';
import { isUnchanged } from '../sources/file-identity.js';
import { faultPoint } from '../state/fault-points.js';

/**
 * Sinks that keep their own read position per file. A command that runs without them (stats) may
 * move the ledger ahead; their next run reads those bytes again for them alone.
 */
export const POSITIONED_SINKS = ['traces', 'sessions'] as const;

export interface IngestOptions {
  reader?: ReaderOptions;
  /** Hand sinks only events at or after this time (backfill --since); the ledger still gets all. */
  sinceMs?: number;
}

export interface IngestCounters {
  files: number;
  filesRead: number;
  bytesRead: number;
  malformed: number;
}

export type ProgressFn = (done: number, total: number) => void;

// CCOTEL_COMMIT_OVERLAP=1: reading goes on while a commit of history writes. Off by default: on this
// 2-core machine a backfill of 417 MB into a real collector took the same time either way (best
// 4.16 vs 4.09 s, medians 4.28 vs 4.35 s; cold `stats` 1.37 vs 1.36 s): the commit's wait for the
// collector is mostly this thread's own work (sending, the index's rows, the ledger's), which
// reading then competes with, and its buffers living on beside the next slice raised peak RSS by
// ~10 MB (188-198 MB against a 200 MB budget).
const overlapWanted = (): boolean => process.env.CCOTEL_COMMIT_OVERLAP === '1';

// How much work a kill may lose at most while reading history: half a second, or some MB when
// reading faster than that. A commit of a large history costs ~10-20 ms (ledger and state.json
// written and fsynced): at 8 MB a cold \`stats\` of 442 MB made 52 of them, ~0.9 s of its ~4.5 s;
// without sinks (stats) 32 MB. Sinks hold their output (spans, index rows) until a commit flushes
// it: with them, 32 MB raised a backfill's peak RSS by 25-30 MB, so they keep 8 MB.
const COMMIT_EVERY_BYTES = 8 << 20;
const COMMIT_EVERY_BYTES_WITHOUT_SINKS = 32 << 20;
const COMMIT_EVERY_MS = 500;
// CCOTEL_COMMIT_MB: one step for both, e.g. smaller to lose less to a kill (test/kill-resume.test.ts
// uses 8 so that its small appended histories are still committed mid-run, where its kills land).
const commitStepOverride = (): number | undefined => {
  const mb = Number(process.env.CCOTEL_COMMIT_MB);
  return Number.isFinite(mb) && mb > 0 ? mb * (1 << 20) : undefined;
};

// CCOTEL_WORKERS=1: a worker thread reads and normalizes files ahead while this thread applies them
// in order (it reads itself those the worker has not started: read-worker.ts takes the newest job
// first, so the two rarely wait for each other). Off by default: on this 2-core machine it saves
// little wall time and costs a third more CPU. Reading is bound by memory traffic and allocation,
// and two threads each read about 1.35x faster than one thread alone, not 2x (measured with
// nothing else running); the ledger and fold stay on this thread. `npm run bench` with
// INGEST_BENCH_WORKERS=0,1 compares both. Results are identical either way
// (test/read-workers.test.ts).
const workersWanted = (): boolean => process.env.CCOTEL_WORKERS === '1';
// How far ahead the worker may read: far enough that it works ahead of this thread rather than on
// the file this thread needs next, bounded so prefetched events stay small (peak RSS).
const PREFETCH_FILES = 32;
const PREFETCH_BYTES = 32 << 20;
// A read of history names the first few files with a bad line; the rest are counted and summed up
// in one line at the end (each file's count is in its checkpoint, and `stats` reports the total).
export const BAD_FILES_SHOWN = 5;

/** Where reading one file starts, decided before reading (possibly ahead of time, for a prefetch). */
interface Prepared {
  old: FileCheckpoint | undefined;
  plan: Plan;
  cp: FileCheckpoint;
  pos: number;
}

interface Prefetch {
  prep: Promise<Prepared>;
  /** The first slice, queued for a worker (undefined: nothing to read). */
  slice: Promise<PooledJob | undefined>;
  size: number;
}

export class IngestManager {
  readonly counters: IngestCounters = { files: 0, filesRead: 0, bytesRead: 0, malformed: 0 };
  private readonly reader: FileReader;
  private readonly readerOpts: ReaderOptions;
  /** Files planned ahead, their first slice read by a worker (during syncAll only). */
  private readonly prefetched = new Map<string, Prefetch>();
  private stopping = false;
  /** Subagent transcripts whose meta file named their type (read once). */
  private readonly metaRead = new Set<string>();
  private readonly commitEveryBytes: number;
  /** Names of the sinks that keep their own position per file. */
  private readonly positioned: readonly string[];
  /** During syncAll: files with a bad line named so far, and those only counted. */
  private badFiles: { shown: number; hidden: number } | undefined;
  /** Every sink takes what it flushes when flush() is called: commits of history may overlap reading. */
  private readonly overlap: boolean;
  /** The commit reading went on from (at most one): the next commit, and syncAll's end, wait for it. */
  private inFlight: Promise<void> | undefined;
  /** Failures of commits between slices: the caller's, never taken for a read error (syncFile). */
  private readonly commitErrors = new WeakSet<object>();
  /** A checkpoint moved after the last commit took them (see uncommittedReads). */
  private readSinceCommit = false;

  constructor(
    private readonly store: StateStore,
    private readonly sinks: readonly EventSink[],
    private readonly log: Logger,
    private readonly opts: IngestOptions = {},
  ) {
    const text = sinks.some((s) => s.wantsText === true);
    // Without sinks (stats) only the ledger reads the events: the reader skips what only sinks use.
    this.readerOpts = { ...(opts.reader ?? DEFAULT_READER_OPTIONS), text, ledgerOnly: sinks.length === 0 };
    this.reader = new FileReader(log, this.readerOpts);
    this.commitEveryBytes = commitStepOverride() ?? (sinks.length > 0 ? COMMIT_EVERY_BYTES : COMMIT_EVERY_BYTES_WITHOUT_SINKS);
    for (const s of sinks) s.restore?.(store.sinks[s.name]);
    this.positioned = sinks.map((s) => s.name).filter(isPositioned);
    this.overlap = overlapWanted() && sinks.every((s) => s.takesAtFlush === true);
  }

  /** Brings every file up to date for the ledger and every sink, committing along the way. */
  async syncAll(files: readonly TranscriptFile[], progress?: ProgressFn): Promise<void> {
    // Files every consumer has read to the end, unchanged since: decided here, synchronously, so a
    // warm start with thousands of files pays no promise chain per file (the reader would find the same).
    const stale = files.filter((f) => !this.upToDate(f));
    // Bytes still to read, for progress: from the furthest-behind consumer of each file.
    const plan = parentsFirst(stale).map((file) => ({ file, size: this.pendingBytes(file) }));
    const total = plan.reduce((a, p) => a + p.size, 0);
    this.counters.files = files.length;
    let done = 0;
    let committedAt = { bytes: 0, time: Date.now() };
    progress?.(0, total);
    const pool = this.startPool();
    let ahead = 0;
    const bad = (this.badFiles = { shown: 0, hidden: 0 });
    try {
      for (let i = 0; i < plan.length; i++) {
        if (this.stopping) break;
        const { file, size } = plan[i]!;
        if (pool) {
          // Keep the worker a few files ahead of this one.
          ahead = Math.max(ahead, i + 1);
          let inFlight = 0;
          for (const p of this.prefetched.values()) inFlight += p.size;
          while (ahead < plan.length && ahead <= i + PREFETCH_FILES && inFlight < PREFETCH_BYTES) {
            const next = plan[ahead++]!;
            if (next.size > 0 && !this.prefetched.has(next.file.path)) {
              this.prefetched.set(next.file.path, this.prefetch(pool, next.file, next.size));
              inFlight += next.size;
            }
          }
        }
        await this.syncFile(file, (n) => progress?.(done + Math.min(n, size), total));
        done += size;
        progress?.(done, total);
        // Checkpoint every few MB or half second, so a killed run keeps its progress
        // (per file would rewrite state.json once per file: quadratic on large histories).
        if (done - committedAt.bytes >= this.commitEveryBytes || Date.now() - committedAt.time >= COMMIT_EVERY_MS) {
          await this.commitBehind();
          committedAt = { bytes: done, time: Date.now() };
        }
      }
    } catch (err) {
      // The commit under way still ends before the state is closed; reading's own failure wins.
      await this.settle().catch(() => {});
      throw err;
    } finally {
      this.prefetched.clear();
      this.badFiles = undefined;
      await pool?.close();
      if (bad.hidden > 0) this.log.warn(`${bad.hidden} more transcript files have malformed lines, skipped and counted but not named here (\`ccotel stats\` reports how many lines were skipped)`);
    }
    await this.commit();
  }

  private startPool(): ReadPool | undefined {
    if (!workersWanted()) return undefined;
    const pool = ReadPool.start(this.readerOpts, 1);
    this.log.debug(pool ? 'a worker thread reads ahead' : 'no built worker script (running from sources): reading on this thread');
    return pool;
  }

  /** Plans a file ahead of its turn and has a worker read its first slice. */
  private prefetch(pool: ReadPool, file: TranscriptFile, size: number): Prefetch {
    const prep = this.prepare(file);
    const slice = prep.then((p) => (p.plan.kind === 'unchanged' && p.pos >= p.cp.offset ? undefined : pool.read(file, p.cp, p.pos)));
    // Failures surface when the file's turn comes (syncFile handles them there), never as unhandled.
    prep.catch(() => {});
    slice.catch(() => {});
    return { prep, slice, size };
  }

  /** Read to the end by the ledger and every positioned sink, and unchanged since. */
  private upToDate(file: TranscriptFile): boolean {
    const cp = this.store.files[file.path];
    return file.stat !== undefined && isUnchanged(file.stat, cp) && this.readFrom(normalize(cp!)) >= cp!.offset;
  }

  private pendingBytes(file: TranscriptFile): number {
    const cp = this.store.files[file.path];
    try {
      const { size } = file.stat ?? statSync(file.path);
      return Math.max(0, size - (cp ? this.readFrom(normalize(cp)) : 0));
    } catch {
      return 0;
    }
  }

  /** Reads what is new in one file. Never throws for bad input: it is logged and skipped. */
  async syncFile(file: TranscriptFile, onBytes?: (n: number) => void): Promise<void> {
    try {
      await this.readNew(file, onBytes);
    } catch (err) {
      // Failures of the state or the sinks (a commit between slices) are the caller's to handle: a
      // sink's I/O error (the sessions index on a full disk) has an errno code like a read's.
      if (err instanceof UserError || (err as NodeJS.ErrnoException).code === undefined || this.commitErrors.has(err as object)) throw err;
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return; // deleted meanwhile; its records stay counted
      this.log.warn(`cannot read ${file.path}: ${(err as Error).message}`);
    }
  }

  /** Where reading a file starts. No side effects: it may run ahead of the file's turn. */
  private async prepare(file: TranscriptFile): Promise<Prepared> {
    const old = this.store.files[file.path];
    const plan = await this.reader.plan(file.path, old, file.stat);
    let cp: FileCheckpoint;
    if (plan.kind === 'read') cp = old && plan.cp.offset > 0 ? normalize(plan.cp) : fresh(plan.cp);
    else cp = normalize(old!);
    return { old, plan, cp, pos: this.readFrom(cp) };
  }

  private async readNew(file: TranscriptFile, onBytes?: (n: number) => void): Promise<void> {
    const pre = this.prefetched.get(file.path);
    this.prefetched.delete(file.path);
    let prepared = pre ? await pre.prep : await this.prepare(file);
    // Planned ahead against a checkpoint that has moved since (the same file listed twice): again.
    let first = pre && prepared.old === this.store.files[file.path] ? pre.slice : undefined;
    if (pre && !first) prepared = await this.prepare(file);
    const { old, plan } = prepared;
    let cp = prepared.cp;
    // Replaced or truncated: sinks that keep per-file content forget this file's before re-reading.
    if (plan.kind === 'read' && old && plan.cp.offset === 0) for (const s of this.sinks) s.restart?.(file.path);
    let pos = prepared.pos;
    if (plan.kind === 'unchanged' && pos >= cp.offset) return;
    this.readAgentMeta(file);
    const start = pos;
    this.counters.filesRead++;
    for (;;) {
      const slice = (first && (await this.pooled(first))) || (await this.reader.readSlice(file, cp, pos));
      first = undefined;
      if (slice.badLine !== undefined) this.reportBadLine(slice.badLine);
      this.counters.bytesRead += slice.bytesRead;
      this.counters.malformed += slice.next.malformed - cp.malformed;
      this.deliver(slice.lines, cp, file.path);
      const next = slice.next;
      for (const s of this.sinks) if (isPositioned(s.name)) next.sinks![s.name] = Math.max(next.sinks![s.name] ?? 0, slice.end);
      // A checkpoint inside the file (complete lines follow) names the size read so far: one whose
      // size and mtime match the file is read no further (isUnchanged; a torn last line waits there),
      // so a run that ends here (Ctrl-C, a kill or a failed commit after this one) would leave the
      // rest of an unchanged file unread for good.
      this.store.setCheckpoint(file.path, slice.more ? { ...next, size: next.offset } : next);
      this.readSinceCommit = true;
      cp = next;
      const progressed = slice.end > pos;
      pos = slice.end;
      onBytes?.(pos - start);
      if (!progressed) break;
      // Catching a sink up ends at the ledger's offset; what follows is read as new bytes.
      if (!slice.more && pos >= cp.offset) break;
      if (this.stopping) break;
      await this.commitBehind().catch((err: unknown) => {
        if (typeof err === 'object' && err !== null) this.commitErrors.add(err);
        throw err;
      });
    }
  }

  /**
   * A slice a worker read, its warnings logged now (in file order). A failure of the worker itself
   * (not of the file) gives undefined: the caller reads the slice on this thread instead.
   */
  private async pooled(p: Promise<PooledJob | undefined>): Promise<Slice | undefined> {
    let r;
    try {
      r = await (await p)?.take();
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== undefined) throw err;
      return undefined;
    }
    for (const w of r?.warnings ?? []) this.log.warn(w);
    return r?.slice;
  }

  /** A file's first bad line: named, unless a read of history has already named a few. */
  private reportBadLine(warning: string): void {
    const bad = this.badFiles;
    if (bad && bad.shown >= BAD_FILES_SHOWN) bad.hidden++;
    else {
      if (bad) bad.shown++;
      this.log.warn(warning);
    }
  }

  /** A subagent transcript's meta file names the agent type of its calls (src/model/agent-type.ts). */
  private readAgentMeta(file: TranscriptFile): void {
    const { sessionId, agentId } = file.hints;
    if (!sessionId || !agentId || this.metaRead.has(file.path)) return;
    const type = readAgentTypeSync(file.path);
    if (type === undefined) return; // older versions write none; it may still appear
    this.metaRead.add(file.path);
    this.store.ledger.noteAgentType(sessionId, agentId, type);
  }

  /**
   * Checkpoints moved in memory that no commit has taken: after a failed commit that reading went
   * past (CCOTEL_COMMIT_OVERLAP), they name lines whose spans and index rows no sink has made safe.
   * A commit of the store alone (the fold's settle at close) must not save them.
   */
  get uncommittedReads(): boolean {
    return this.readSinceCommit;
  }

  /** Ends syncAll() after the file in progress (its last commit still happens): Ctrl-C. */
  stop(): void {
    this.stopping = true;
  }

  /**
   * Where reading starts: the ledger's offset, or earlier for a sink that is behind. Only positioned
   * sinks can be (the others read at the ledger's offset), so only they are looked at: this runs
   * once per transcript on every start.
   */
  private readFrom(cp: FileCheckpoint): number {
    let from = cp.offset;
    for (const name of this.positioned) from = Math.min(from, sinkOffset(cp, name));
    return from;
  }

  /**
   * Events from a source without byte offsets (the hook spool, src/ingest/spool-consumer.ts): the
   * ledger, then every sink. The caller guarantees each event is handed over once per state.
   */
  applyEvents(events: readonly ModelEvent[]): void {
    if (events.length === 0) return;
    const ledger = this.store.ledger;
    ledger.batch(() => {
      for (const e of events) ledger.apply(e);
    });
    const since = this.opts.sinceMs;
    const batch = since === undefined ? events : events.filter((e) => e.ts >= since);
    if (batch.length > 0) for (const sink of this.sinks) sink.accept(batch);
  }

  private deliver(lines: readonly LineEvents[], cp: FileCheckpoint, path: string): void {
    if (lines.length === 0) return;
    // The ledger first, so sinks may look records up in it. It sees all history (counters stay
    // complete, --since or not); lines it already has are not applied again.
    // One batch: the fold takes each record's last version once, not every streamed copy (Ledger.batch).
    const ledger = this.store.ledger;
    ledger.batch(() => {
      for (const l of lines) if (l.start >= cp.offset) for (const e of l.events) ledger.apply(e);
    });
    const since = this.opts.sinceMs;
    for (const sink of this.sinks) {
      const at = sinkOffset(cp, sink.name);
      const batch: ModelEvent[] = [];
      for (const l of lines) {
        if (l.start < at) continue;
        for (const e of l.events) if (since === undefined || e.ts >= since) batch.push(e);
      }
      if (batch.length > 0) sink.accept(batch, path);
    }
  }

  /**
   * Sinks first (their output must be safe), then ledger + checkpoints in one durable step. A sink
   * whose flush was cut short (shutdown while the collector is down) still saves its state, which
   * holds what it could not deliver: the checkpoints move, and the next start sends exactly that.
   */
  async commit(opts: { bulk?: boolean } = {}): Promise<void> {
    await this.settle();
    await this.startCommit(opts, false);
  }

  /**
   * A commit while reading history: it takes, synchronously, everything it makes durable (the
   * ledger's pending rows, the checkpoints, each sink's output and state: see StateStore.commit and
   * EventSink.takesAtFlush), then writes while reading goes on. At most one is under way: this
   * first waits for the one before, and throws its error. So a commit whose sinks wait on the
   * collector or on fsyncs no longer stops the reader, and state.json still names only bytes whose
   * ledger rows, spans and index rows that commit made safe.
   */
  private async commitBehind(): Promise<void> {
    await this.settle();
    // Another commit on the store's queue (the hook spool's) would take its changes later, not now;
    // a compaction writes every current record, so reading waits for it.
    if (!this.overlap || !this.store.idle || this.store.compactionDue) return this.startCommit({ bulk: true }, false);
    const read = this.counters.bytesRead;
    const run = this.startCommit({ bulk: true }, true).then(() => {
      // For tests: a kill here finds state.json written by a commit that reading went past.
      if (this.counters.bytesRead > read) faultPoint('commit.overlapped');
    });
    run.catch(() => {}); // thrown by settle()
    this.inFlight = run;
  }

  /** Waits for the commit reading went on from, and throws its error. */
  private async settle(): Promise<void> {
    const run = this.inFlight;
    this.inFlight = undefined;
    await run;
  }

  private async startCommit(opts: { bulk?: boolean }, overlapped: boolean): Promise<void> {
    // All sinks at once: the trace sink waits on the collector, the sessions index on its fsyncs,
    // and neither needs the other. The ledger is written meanwhile; the checkpoints (state.json)
    // move only once every sink is done and has handed over its state.
    this.readSinceCommit = false; // every sink's flush and the store take what was read, now
    let failure: unknown;
    const flushed = Promise.allSettled(this.sinks.map(async (s) => s.flush()))
      .then((results) =>
        this.sinks.forEach((s, i) => {
          const r = results[i]!;
          if (r.status === 'rejected') failure ??= r.reason;
          if (s.snapshot) this.store.setSinkState(s.name, s.snapshot());
        }),
      )
      .catch((err: unknown) => void (failure ??= err));
    const stored = this.store.commit({ ...opts, ready: flushed, overlapped });
    // A failed ledger write is thrown below, after the sinks are done (never unhandled meanwhile).
    stored.catch(() => {});
    await flushed;
    await stored;
    if (failure !== undefined) throw failure;
  }
}

/**
 * Each session's main transcript before its subagent files (order otherwise kept): a subagent's
 * calls take their `agent` label from the parent's Task call (or its agent_progress copies) when it
 * has no meta file, and a call's label is fixed when it is first stored. A session's files stay
 * together (where its first file was): read after every other main file instead, a long backfill
 * would close the session's trace, root totals and all, before its subagents were read.
 */
export function parentsFirst(files: readonly TranscriptFile[]): TranscriptFile[] {
  const place = new Map<string, number>();
  const sessionOf = (f: TranscriptFile): string => f.hints.sessionId ?? f.path;
  files.forEach((f, i) => {
    if (!place.has(sessionOf(f))) place.set(sessionOf(f), i);
  });
  const sub = (f: TranscriptFile): number => Number(f.hints.agentId !== undefined);
  return [...files].sort((a, b) => place.get(sessionOf(a))! - place.get(sessionOf(b))! || sub(a) - sub(b));
}

/** A new file: no sink has consumed any of it. */
function fresh(cp: FileCheckpoint): FileCheckpoint {
  return { ...cp, sinks: Object.fromEntries(POSITIONED_SINKS.map((n) => [n, 0])) };
}

/**
 * State written before sinks kept their own offsets: the trace sink had consumed up to `offset`
 * (the sessions index came later: it starts from 0, like any sink missing from `sinks`).
 */
function normalize(cp: FileCheckpoint): FileCheckpoint {
  if (cp.sinks) return cp;
  return { ...cp, sinks: { traces: cp.offset } };
}

const isPositioned = (name: string): boolean => (POSITIONED_SINKS as readonly string[]).includes(name);

/** How far a sink has consumed a file: its own offset if it keeps one, else the ledger's. */
function sinkOffset(cp: FileCheckpoint, name: string): number {
  return isPositioned(name) ? (cp.sinks?.[name] ?? 0) : cp.offset;
}
