// Live tailing: chokidar reports new and growing transcripts; a periodic rescan (stat only, no
// bytes read for unchanged files) catches anything a watcher missed and roots created later.
import { watch, type FSWatcher } from 'chokidar';
import type { Root } from './roots.js';
import { hintsFor, listTranscripts, type TranscriptFile } from './transcript-files.js';
import type { Logger } from '../log.js';

export interface TranscriptWatcher {
  close(): Promise<void>;
}

export function watchTranscripts(
  roots: readonly Root[],
  log: Logger,
  onChange: (file: TranscriptFile) => void,
  opts: { rescanMs: number },
): TranscriptWatcher {
  const watched = new Set<string>();
  let watcher: FSWatcher | undefined;
  const projectsOf = (path: string): string | undefined => roots.find((r) => path.startsWith(r.projectsDir + '/'))?.projectsDir;
  const handle = (path: string): void => {
    if (!path.endsWith('.jsonl')) return;
    const projectsDir = projectsOf(path);
    if (projectsDir) onChange({ path, hints: hintsFor(projectsDir, path) });
  };
  const ensureWatched = (): void => {
    for (const r of roots) {
      if (watched.has(r.projectsDir)) continue;
      try {
        if (!watcher) {
          watcher = watch(r.projectsDir, { ignoreInitial: true, persistent: true, alwaysStat: false, ignorePermissionErrors: true });
          watcher.on('add', handle).on('change', handle).on('error', (err) => log.warn(`watcher error: ${(err as Error).message}`));
        } else {
          watcher.add(r.projectsDir);
        }
        watched.add(r.projectsDir);
      } catch (err) {
        log.debug(`cannot watch ${r.projectsDir} yet: ${(err as Error).message}`);
      }
    }
  };
  const existing = roots.filter((r) => r.exists);
  for (const r of existing) watched.add(r.projectsDir);
  if (existing.length > 0) {
    watcher = watch(existing.map((r) => r.projectsDir), { ignoreInitial: true, persistent: true, ignorePermissionErrors: true });
    watcher.on('add', handle).on('change', handle).on('error', (err) => log.warn(`watcher error: ${(err as Error).message}`));
  }
  const timer = setInterval(() => {
    void listTranscripts(roots.map((r) => ({ ...r, exists: true })), () => {}).then((files) => {
      for (const f of files) onChange(f);
      ensureWatched();
    });
  }, opts.rescanMs);
  timer.unref();
  return {
    async close() {
      clearInterval(timer);
      await watcher?.close();
    },
  };
}
