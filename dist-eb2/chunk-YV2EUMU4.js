import { createRequire as __cr } from 'module'; const require = __cr(import.meta.url);
import {
  attachFold
} from "./chunk-ZHDVVEMB.js";
import {
  IngestManager
} from "./chunk-KWWPAEIM.js";
import {
  StateInUseError,
  StateStore
} from "./chunk-2YS7Z5B4.js";
import {
  listTranscripts
} from "./chunk-7TEPTGNX.js";
import {
  listSpool,
  readSpoolFile,
  rejectSpoolFile,
  removeSpoolFile,
  spoolDir
} from "./chunk-OXGOCH6N.js";
import {
  loadSettings
} from "./chunk-4KT5NHGZ.js";
import {
  UserError
} from "./chunk-EM5NTX2M.js";

// src/ingest/spool-consumer.ts
var STATE_KEY = "spool";
var BATCH_FILES = 2e3;
var BATCH_BYTES = 32 << 20;
var SpoolConsumer = class {
  constructor(store, manager, dir, log, transcriptExists) {
    this.store = store;
    this.manager = manager;
    this.dir = dir;
    this.log = log;
    this.transcriptExists = transcriptExists;
    const saved = store.sinks[STATE_KEY];
    this.done = new Set(Array.isArray(saved?.done) ? saved.done : []);
  }
  store;
  manager;
  dir;
  log;
  transcriptExists;
  counters = { events: 0, rejected: 0 };
  done;
  /** Applied to the ledger and sinks, not yet committed. */
  inFlight = [];
  warnedUnreadable = false;
  /** Reads everything waiting in the spool, committing batch by batch. Returns the events applied. */
  async sync() {
    if (this.inFlight.length > 0) await this.commitBatch();
    let list;
    try {
      list = await listSpool(this.dir);
    } catch (err) {
      if (!this.warnedUnreadable) this.log.warn(`cannot read the hook spool ${this.dir}: ${err.message}`);
      this.warnedUnreadable = true;
      return 0;
    }
    this.warnedUnreadable = false;
    const present = new Set(list.map((e) => e.name));
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
      const events = [];
      let bytes = 0;
      const names = [];
      for (; i < todo.length && names.length < BATCH_FILES && bytes < BATCH_BYTES; i++) {
        const entry = todo[i];
        const r = await readSpoolFile(this.dir, entry, this.transcriptExists);
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
  async commitBatch() {
    const names = this.inFlight;
    this.store.setSinkState(STATE_KEY, { done: [...this.done, ...names] });
    await this.manager.commit();
    this.inFlight = [];
    for (const n of names) this.done.add(n);
    for (const n of names) await this.remove(n);
    if (names.length > 0) this.saveState();
  }
  async remove(name) {
    try {
      await removeSpoolFile(this.dir, name);
      this.done.delete(name);
    } catch (err) {
      this.log.warn(`cannot remove committed hook spool file ${name}: ${err.message} (it will not be counted again)`);
    }
  }
  saveState() {
    this.store.setSinkState(STATE_KEY, { done: [...this.done, ...this.inFlight] });
  }
};

// src/ingest/session.ts
var IngestSession = class _IngestSession {
  constructor(settings, store, fold, log) {
    this.settings = settings;
    this.store = store;
    this.fold = fold;
    this.log = log;
  }
  settings;
  store;
  fold;
  log;
  files = [];
  manager;
  follower;
  /** The hook spool, for commands that consume it (run, backfill: those with every sink). */
  spool;
  /** Settings, warnings and the state directory. Throws UserError for a user's mistake. */
  static async open(o, log, opts) {
    const settings = loadSettings(o);
    opts.check?.(settings);
    if (settings.flatRate) log.warn("CLAUDE_RATE_INPUT/CLAUDE_RATE_OUTPUT set: costs use that flat rate for every model");
    const missing = settings.roots.find((r) => !r.exists && r.source !== "default");
    if (missing) throw new UserError(`no Claude Code projects folder at ${missing.projectsDir} (from ${missing.source === "flag" ? "--claude-dir or claudeDirs in the config file" : "CLAUDE_CONFIG_DIR"}); check the path, or run \`ccotel doctor\``);
    if (!settings.roots.some((r) => r.exists)) {
      const where = settings.roots.map((r) => r.projectsDir).join(", ");
      log.warn(`no Claude Code transcripts found (looked in ${where}); set --claude-dir or CLAUDE_CONFIG_DIR`);
    }
    const store = await openWaiting(settings.stateDir, { allowReadOnly: opts.allowReadOnly, reset: o.resetState, warn: (m) => log.warn(m) }, log);
    store.setDetector(settings.detector);
    if (store.readOnly) log.info(`state directory is in use by a running ccotel; reading without saving progress`);
    try {
      const { fold } = await attachFold(store, { pricer: settings.pricer });
      return new _IngestSession(settings, store, fold, log);
    } catch (err) {
      store.close();
      throw err;
    }
  }
  /** The manager over the chosen sinks (none for stats: the ledger alone). */
  attach(sinks, opts = {}) {
    this.manager = new IngestManager(this.store, sinks, this.log, opts);
    return this.manager;
  }
  /**
   * Consume the hook spool too (docs/hooks.md). Only a command with every sink may: a consumed spool
   * file is gone, so a command without the trace sink would take its events from the traces.
   */
  useSpool() {
    if (!this.manager) throw new Error("useSpool() before attach()");
    this.spool = new SpoolConsumer(this.store, this.manager, spoolDir(this.settings.stateDir), this.log);
    return this.spool;
  }
  /** Lists every transcript and brings the ledger and every sink up to date with it. */
  async sync(progress) {
    const manager = this.manager ?? this.attach([]);
    await this.spool?.sync();
    this.files = await listTranscripts(this.settings.roots, (p, err) => this.log.warn(`cannot list ${p}: ${err.message}`));
    await manager.syncAll(this.files, progress);
    this.files = this.files.map((f) => ({ path: f.path, hints: f.hints }));
    return manager;
  }
  /**
   * Follows live sessions until close(). chokidar loads only here: one-shot commands never need it.
   * `settled` resolves once the watcher has walked every folder (and the reads it queued are done).
   */
  async follow(opts) {
    if (!this.manager) throw new Error("follow() before attach()");
    const { Follower } = await import("./follow-72SEEFM3.js");
    this.follower = new Follower(this.manager, this.settings.roots, this.log, opts, this.spool);
    return { settled: this.follower.start() };
  }
  /** Stops following (its last commit happens there or not at all) and releases the state. */
  async close() {
    await this.follower?.stop();
    this.store.close();
  }
};
var LOCK_WAIT_MS = 1e4;
async function openWaiting(dir, opts, log) {
  const deadline = Date.now() + LOCK_WAIT_MS;
  let told = false;
  for (; ; ) {
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

export {
  IngestSession
};
