// Live tailing: chokidar reports new and growing transcripts; a periodic rescan (stat only, no
// bytes read for unchanged files) catches anything a watcher missed and roots created later.
import { existsSync, realpathSync, statSync } from 'node:fs';
import { sep } from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import { rootOf, type Root } from './roots.js';
import { hintsFor, listTranscripts, type TranscriptFile } from './transcript-files.js';
import type { Logger } from '../log.js';

export interface TranscriptWatcher {
  /** Resolves once the first walk of every folder is done and its files were reported (or at close). */
  ready: Promise<void>;
  /** Whether a transcript exists, as the watcher knows it (the `ccotel sessions` answers skip gone ones). */
  has(path: string): boolean;
  close(): Promise<void>;
}

export function watchTranscripts(
  roots: readonly Root[],
  log: Logger,
  onChange: (file: TranscriptFile) => void,
  opts: {
    rescanMs: number;
    /** How often to rescan for changed files until chokidar's first walk is done (default 2 s). */
    startupRescanMs?: number;
    /** Tests only: chokidar starts this much later, as its first walk of a large history does. */
    watchDelayMs?: number;
  },
): TranscriptWatcher {
  const watched = new Set<string>();
  let watcher: FSWatcher | undefined;
  let markReady!: () => void;
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  const projectsOf = (path: string): string | undefined => rootOf(roots, path)?.projectsDir;
  // Files by device+inode, under the one path listTranscripts chose: a change seen through a
  // symlinked folder is the same file, read under the same checkpoint, never a second copy.
  const known = new Map<string, TranscriptFile>();
  // Paths of existing transcripts: each rescan's listing, plus files added since, minus files
  // deleted since. Until the first rescan is done, the file system is asked.
  let present: Set<string> | undefined;
  const remember = (f: TranscriptFile): TranscriptFile => {
    try {
      // A rescan's listing has just stat'ed the file: only chokidar's events come without one.
      const st = f.stat ?? statSync(f.path);
      const id = `${st.dev}:${st.ino}`;
      present?.add(f.path);
      const prev = known.get(id);
      if (prev && prev.path !== f.path && sameFile(prev.path, id)) return prev;
      // Kept without the listing's stat: a later change must stat afresh.
      known.set(id, { path: f.path, hints: f.hints });
    } catch {
      // gone meanwhile: the reader reports nothing for a missing file
    }
    return f;
  };
  // chokidar drops a file's change events for 50 ms after one it reported (and fs.watch events
  // within 5 ms of another): a line written just after the read its event caused would wait for the
  // next rescan (30 s). So each event is followed by one more look once that window has passed.
  const trailing = new Map<string, NodeJS.Timeout>();
  const onEvent = (path: string): void => {
    handle(path);
    clearTimeout(trailing.get(path));
    const t = setTimeout(() => {
      trailing.delete(path);
      handle(path);
    }, TRAILING_MS);
    t.unref();
    trailing.set(path, t);
  };
  const handle = (path: string): void => {
    if (!path.endsWith('.jsonl')) return;
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
  // Watches every projects folder that exists and is not watched yet: at start, and again on each
  // rescan for roots created later (a first Claude Code session on this machine).
  const watchExisting = (): void => {
    for (const r of roots) {
      if (watched.has(r.projectsDir) || !existsSync(r.projectsDir)) continue;
      if (!watcher) {
        watcher = watch(r.projectsDir, { ignoreInitial: true, persistent: true, ignorePermissionErrors: true });
        watcher.on('add', onEvent).on('change', onEvent).on('unlink', (path) => present?.delete(path)).on('ready', () => void rescan('all').finally(markReady)).on('error', (err) => log.warn(`watcher error: ${(err as Error).message}`));
      } else {
        watcher.add(r.projectsDir);
      }
      watched.add(r.projectsDir);
    }
  };
  let started = false;
  const startWatching = (): void => {
    started = true;
    watchExisting();
    if (!watcher) markReady(); // no folder to walk yet
  };
  if (opts.watchDelayMs) setTimeout(startWatching, opts.watchDelayMs).unref();
  else startWatching();
  // Size and time of each file at the last pass, so a startup pass reports only what changed.
  let seen = new Map<string, string>();
  // Every file (stat only for unchanged ones): the initial pass learns identities; later passes
  // notify, catching what a watcher missed, what was written after the caller's last read and
  // before the watcher was ready, and roots created later.
  const rescan = (notify: 'none' | 'changed' | 'all') =>
    listTranscripts(roots.map((r) => ({ ...r, exists: true })), () => {}).then((files) => {
      present = new Set(files.map((f) => f.path));
      const now = new Map<string, string>();
      for (const f of files) {
        const canonical = remember(f);
        const sig = f.stat ? `${f.stat.size}:${f.stat.mtimeMs}` : '';
        now.set(canonical.path, sig);
        if (notify === 'all' || (notify === 'changed' && seen.get(canonical.path) !== sig)) onChange(canonical);
      }
      seen = now;
      if (started) watchExisting();
    });
  // Until chokidar has walked every folder (tens of seconds on a large history) it reports nothing
  // in the folders it has not reached: a line written then would wait for the walk's end. Meanwhile
  // a pass every few seconds (stat only) reports the files whose size or time changed.
  let scanning = true;
  void rescan('none').finally(() => (scanning = false));
  const timer = setInterval(() => void rescan('all'), opts.rescanMs);
  timer.unref();
  const startup = setInterval(() => {
    if (scanning) return;
    scanning = true;
    void rescan('changed').finally(() => (scanning = false));
  }, opts.startupRescanMs ?? 2_000);
  startup.unref();
  void ready.then(() => clearInterval(startup));
  return {
    ready,
    has: (path) => (present ? present.has(path) : existsSync(path)),
    async close() {
      markReady();
      clearInterval(timer);
      clearInterval(startup);
      for (const t of trailing.values()) clearTimeout(t);
      trailing.clear();
      await watcher?.close();
    },
  };
}

/** After chokidar's change throttle (50 ms), with room for the stat it makes before reporting. */
const TRAILING_MS = 100;

/** The path still names that device+inode (inodes are reused after a delete). */
function sameFile(path: string, id: string): boolean {
  try {
    const st = statSync(path);
    return `${st.dev}:${st.ino}` === id;
  } catch {
    return false;
  }
}
