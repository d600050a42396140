import { createRequire as __cr } from 'module'; const require = __cr(import.meta.url);
import {
  parentsFirst
} from "./chunk-KWWPAEIM.js";
import {
  hintsFor,
  listTranscripts
} from "./chunk-7TEPTGNX.js";
import "./chunk-IEE2PAZ5.js";
import {
  rootOf
} from "./chunk-WNRRRGWU.js";
import "./chunk-IZPOGKRA.js";
import "./chunk-EM5NTX2M.js";

// src/sources/watcher.ts
import { existsSync, realpathSync, statSync } from "node:fs";
import { watch } from "chokidar";
function watchTranscripts(roots, log, onChange, opts) {
  const watched = /* @__PURE__ */ new Set();
  let watcher;
  let markReady;
  const ready = new Promise((resolve) => markReady = resolve);
  const projectsOf = (path) => rootOf(roots, path)?.projectsDir;
  const known = /* @__PURE__ */ new Map();
  const remember = (f) => {
    try {
      const st = statSync(f.path);
      const id = `${st.dev}:${st.ino}`;
      const prev = known.get(id);
      if (prev && prev.path !== f.path && sameFile(prev.path, id)) return prev;
      known.set(id, { path: f.path, hints: f.hints });
    } catch {
    }
    return f;
  };
  const handle = (path) => {
    if (!path.endsWith(".jsonl")) return;
    let real = path;
    try {
      real = realpathSync(path);
    } catch {
      return;
    }
    const canonical = projectsOf(real) ? real : path;
    const projectsDir = projectsOf(canonical);
    if (projectsDir) onChange(remember({ path: canonical, hints: hintsFor(projectsDir, canonical) }));
  };
  const watchExisting = () => {
    for (const r of roots) {
      if (watched.has(r.projectsDir) || !existsSync(r.projectsDir)) continue;
      if (!watcher) {
        watcher = watch(r.projectsDir, { ignoreInitial: true, persistent: true, ignorePermissionErrors: true });
        watcher.on("add", handle).on("change", handle).on("ready", () => void rescan(true).finally(markReady)).on("error", (err) => log.warn(`watcher error: ${err.message}`));
      } else {
        watcher.add(r.projectsDir);
      }
      watched.add(r.projectsDir);
    }
  };
  watchExisting();
  if (!watcher) markReady();
  const rescan = (notify) => listTranscripts(roots.map((r) => ({ ...r, exists: true })), () => {
  }).then((files) => {
    for (const f of files) {
      const canonical = remember(f);
      if (notify) onChange(canonical);
    }
    watchExisting();
  });
  void rescan(false);
  const timer = setInterval(() => void rescan(true), opts.rescanMs);
  timer.unref();
  return {
    ready,
    async close() {
      markReady();
      clearInterval(timer);
      await watcher?.close();
    }
  };
}
function sameFile(path, id) {
  try {
    const st = statSync(path);
    return `${st.dev}:${st.ino}` === id;
  } catch {
    return false;
  }
}

// src/ingest/follow.ts
var Follower = class {
  constructor(manager, roots, log, opts, spool) {
    this.manager = manager;
    this.roots = roots;
    this.log = log;
    this.opts = opts;
    this.spool = spool;
  }
  manager;
  roots;
  log;
  opts;
  spool;
  dirty = /* @__PURE__ */ new Map();
  running;
  watcher;
  ticker;
  stopped = false;
  ticking = false;
  failures = 0;
  retryAt = 0;
  /** Starts watching; resolves once the watcher's first walk and the reads it queued are done. */
  start() {
    const watcher = watchTranscripts(this.roots, this.log, (f) => this.enqueue(f), { rescanMs: this.opts.rescanMs });
    this.watcher = watcher;
    this.ticker = setInterval(() => this.kick(true), this.opts.tickMs);
    return watcher.ready.then(() => this.running);
  }
  enqueue(f) {
    if (this.stopped) return;
    this.dirty.set(f.path, f);
    this.kick(false);
  }
  kick(tick) {
    if (tick) this.ticking = true;
    if (this.running || this.stopped || Date.now() < this.retryAt) return;
    this.running = this.drain().finally(() => {
      this.running = void 0;
      if ((this.dirty.size > 0 || this.ticking) && !this.stopped) this.kick(false);
    });
  }
  async drain() {
    const files = [...this.dirty.values()];
    try {
      while (this.dirty.size > 0 && !this.stopped) {
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
      if (this.failures > 0) this.log.info("delivery resumed", { failedAttempts: this.failures });
      this.failures = 0;
      this.retryAt = 0;
    } catch (err) {
      if (this.stopped) return;
      for (const f of files) this.dirty.set(f.path, f);
      this.failures++;
      const wait = Math.min(this.opts.maxBackoffMs ?? 3e4, this.opts.tickMs * 2 ** Math.min(this.failures, 10));
      this.retryAt = Date.now() + wait;
      if (this.failures === 1 || this.failures % 10 === 0) this.log.warn(`delivery interrupted; retrying in ${Math.round(wait / 1e3)} s (nothing lost)`, { error: err.message, attempt: this.failures });
    }
  }
  /** Stops watching and waits for the worker; the last commit happens there or not at all. */
  async stop() {
    this.stopped = true;
    if (this.ticker) clearInterval(this.ticker);
    await this.watcher?.close();
    await this.running;
  }
};
export {
  Follower
};
