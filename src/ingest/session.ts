// The lifecycle every command shares: settings and the state directory (with the warnings a user is
// owed), one ingest manager over the sinks the command chose, a sync of all history, then either
// following live sessions or finishing, and closing. Commands only choose sinks and present results.
import { loadSettings, type CommonOptions, type Settings } from '../config/settings.js';
import { FLAT_RATE_WARNING } from '../config/prices.js';
import { missingNamedRoot } from '../sources/roots.js';
import { listTranscripts, type TranscriptFile } from '../sources/transcript-files.js';
import { StateInUseError, StateStore } from '../state/store.js';
import { loadListing, saveListing } from '../state/listing-file.js';
import type { EventSink } from '../model/sink.js';
import type { Logger } from '../log.js';
import { UserError } from '../errors.js';
import { IngestManager, type IngestOptions, type ProgressFn } from './manager.js';
import type { Follower, FollowOptions } from './follow.js';
import { attachFold } from '../fold/fold-file.js';
import { SpoolConsumer } from './spool-consumer.js';
import { spoolDir } from '../sources/spool-dir.js';
import type { Fold } from '../fold/fold.js';

export interface OpenOptions {
  /** Open read-only when another ccotel owns the state (stats beside a running daemon). */
  allowReadOnly: boolean;
  /** The command's own checks of the settings (e.g. the OTLP endpoint), before anything is read. */
  check?: (settings: Settings) => void;
}

export class IngestSession {
  files: TranscriptFile[] = [];
  private manager: IngestManager | undefined;
  private follower: Follower | undefined;
  /** The hook spool, for commands that consume it (run, backfill: those with every sink). */
  spool: SpoolConsumer | undefined;

  private constructor(
    readonly settings: Settings,
    readonly store: StateStore,
    /** The aggregates stats and metrics read; it follows every ledger change from here on. */
    readonly fold: Fold,
    private readonly log: Logger,
    private readonly settleFold: () => Promise<void>,
  ) {}

  /** Settings, warnings and the state directory. Throws UserError for a user's mistake. */
  static async open(o: CommonOptions, log: Logger, opts: OpenOptions): Promise<IngestSession> {
    const settings = loadSettings(o);
    opts.check?.(settings);
    if (settings.flatRate) log.warn(FLAT_RATE_WARNING);
    const missing = missingNamedRoot(settings.roots);
    if (missing) throw new UserError(`no Claude Code projects folder at ${missing.projectsDir} (from ${missing.source === 'flag' ? '--claude-dir or claudeDirs in the config file' : 'CLAUDE_CONFIG_DIR'}); check the path, or run \`ccotel doctor\``);
    if (!settings.roots.some((r) => r.exists)) {
      const where = settings.roots.map((r) => r.projectsDir).join(', ');
      log.warn(`no Claude Code transcripts found (looked in ${where}); set --claude-dir or CLAUDE_CONFIG_DIR`);
    }
    const store = await openWaiting(settings.stateDir, { allowReadOnly: opts.allowReadOnly, reset: o.resetState, warn: (m) => log.warn(m) }, log);
    store.setDetector(settings.detector);
    if (store.readOnly) log.info(`state directory is in use by a running ccotel; reading without saving progress`);
    try {
      const { fold, settle } = await attachFold(store, { pricer: settings.pricer });
      return new IngestSession(settings, store, fold, log, settle);
    } catch (err) {
      store.close();
      throw err;
    }
  }

  /** The manager over the chosen sinks (none for stats: the ledger alone). */
  attach(sinks: readonly EventSink[], opts: IngestOptions = {}): IngestManager {
    this.manager = new IngestManager(this.store, sinks, this.log, opts);
    return this.manager;
  }

  /**
   * Consume the hook spool too (docs/hooks.md). Only a command with every sink may: a consumed spool
   * file is gone, so a command without the trace sink would take its events from the traces.
   */
  useSpool(): SpoolConsumer {
    if (!this.manager) throw new Error('useSpool() before attach()');
    this.spool = new SpoolConsumer(this.store, this.manager, spoolDir(this.settings.stateDir), this.log);
    return this.spool;
  }

  /** Lists every transcript and brings the ledger and every sink up to date with it. */
  async sync(progress?: ProgressFn): Promise<IngestManager> {
    const manager = this.manager ?? this.attach([]);
    // Hook events first: a tool span whose hook end is known then waits for the transcript's result
    // and goes out as one span with both, instead of the transcript's alone (docs/hooks.md).
    await this.spool?.sync();
    // Folders unchanged since the last start are not read again (state/listing-file.ts).
    const listing = await loadListing(this.store);
    this.files = await listTranscripts(this.settings.roots, (p, err) => this.log.warn(`cannot list ${p}: ${err.message}`), listing);
    const saved = saveListing(this.store, listing); // never rejects; written while the files are read
    try {
      await manager.syncAll(this.files, progress);
    } finally {
      await saved; // not after the lock is released
    }
    // The listing's stats served this sync only: a later one must stat afresh.
    this.files = this.files.map((f) => ({ path: f.path, hints: f.hints }));
    return manager;
  }

  /**
   * Follows live sessions until close(). chokidar loads only here: one-shot commands never need it.
   * `settled` resolves once the watcher has walked every folder (and the reads it queued are done).
   */
  async follow(opts: FollowOptions): Promise<{ settled: Promise<void> }> {
    if (!this.manager) throw new Error('follow() before attach()');
    const { Follower } = await import('./follow.js');
    this.follower = new Follower(this.manager, this.settings.roots, this.log, opts, this.spool);
    return { settled: this.follower.start() };
  }

  /**
   * The transcripts that exist now: as the watcher knows them while following (no stat per file),
   * else those the last sync listed.
   */
  present(): { has(path: string): boolean } {
    const follower = this.follower;
    if (follower) return { has: (path) => follower.has(path) };
    return new Set(this.files.map((f) => f.path));
  }

  /** Stops following (its last commit happens there or not at all) and releases the state. */
  async close(): Promise<void> {
    try {
      await this.follower?.stop();
      // Best effort: a journal left behind is replayed (and folded in) by the next start instead.
      // Not after a failed commit that reading went past: the settle, a commit of the store alone,
      // would save checkpoints past lines whose spans and index rows no sink made safe.
      if (!this.manager?.uncommittedReads) await this.settleFold().catch((err: Error) => this.log.warn(`could not save the aggregates at exit: ${err.message}`));
    } finally {
      this.store.close();
    }
  }
}

// A one-shot command (stats) holds the lock for a second or two; a writer waits that out instead
// of failing. Another daemon holds it for good: the writer gives up with a clear message.
const LOCK_WAIT_MS = 10_000;

async function openWaiting(dir: string, opts: Parameters<typeof StateStore.open>[1], log: Logger): Promise<StateStore> {
  const deadline = Date.now() + LOCK_WAIT_MS;
  let told = false;
  for (;;) {
    try {
      return await StateStore.open(dir, opts);
    } catch (err) {
      if (!(err instanceof StateInUseError) || Date.now() >= deadline) throw err;
      if (!told) log.info(`waiting for pid ${err.pid} to release the state directory ${dir}`);
      told = true;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}
