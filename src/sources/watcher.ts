// Live tailing: chokidar reports new and growing transcripts; a periodic rescan (stat only, no
// bytes read for unchanged files) catches anything a watcher missed and roots created later.
import { existsSync } from 'node:fs';
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
  // Every file once (stat only for unchanged ones): catches what was written after the caller's
  // last read and before the watcher was ready, and roots created later.
  const rescan = (): void => {
    void listTranscripts(roots.map((r) => ({ ...r, exists: true })), () => {}).then((files) => {
      for (const f of files) onChange(f);
      watchExisting();
    });
  };
  const projectsOf = (path: string): string | undefined => roots.find((r) => path.startsWith(r.projectsDir + '/'))?.projectsDir;
  const handle = (path: string): void => {
    if (!path.endsWith('.jsonl')) return;
    const projectsDir = projectsOf(path);
    if (projectsDir) onChange({ path, hints: hintsFor(projectsDir, path) });
  };
  // Watches every projects folder that exists and is not watched yet: at start, and again on each
  // rescan for roots created later (a first Claude Code session on this machine).
  const watchExisting = (): void => {
    for (const r of roots) {
      if (watched.has(r.projectsDir) || !existsSync(r.projectsDir)) continue;
      if (!watcher) {
        watcher = watch(r.projectsDir, { ignoreInitial: true, persistent: true, ignorePermissionErrors: true });
        watcher.on('add', handle).on('change', handle).on('ready', rescan).on('error', (err) => log.warn(`watcher error: ${(err as Error).message}`));
      } else {
        watcher.add(r.projectsDir);
      }
      watched.add(r.projectsDir);
    }
  };
  watchExisting();
  const timer = setInterval(rescan, opts.rescanMs);
  timer.unref();
  return {
    async close() {
      clearInterval(timer);
      await watcher?.close();
    },
  };
}
