// Finds transcript files under each root's projects/ folder: main sessions and subagents
// (<session>/subagents/agent-<id>.jsonl, possibly nested deeper in newer versions). Symlinked
// folders are followed; a file reachable by several paths (symlinks, a root listed twice, hard
// links) is listed once, identified by device + inode, so it is read and exported once.
// Synchronous calls on purpose: a listing is thousands of tiny metadata calls, and a thread-pool
// round trip for each cost more than the calls themselves (seconds on a busy machine for 3,000
// files). It still yields to the event loop now and then, so a daemon's rescan never stalls it.
import { readdirSync, realpathSync, statSync, type Dirent, type Stats } from 'node:fs';
import { basename, join, relative, sep } from 'node:path';
import type { Root } from './roots.js';
import type { FileHints } from '../model/normalize.js';

export interface TranscriptFile {
  path: string;
  hints: FileHints;
}

export async function listTranscripts(roots: readonly Root[], onError?: (path: string, err: Error) => void): Promise<TranscriptFile[]> {
  const found: Array<{ path: string; projectsDir: string; id: string }> = [];
  const dirsSeen = new Set<string>();
  const stat = (p: string): Stats | undefined => statSync(p, { throwIfNoEntry: false });
  let calls = 0;
  const breathe = async (): Promise<void> => {
    if (++calls % 256 === 0) await new Promise((resolve) => setImmediate(resolve));
  };
  const walk = async (dir: string, projectsDir: string, top: boolean): Promise<void> => {
    let entries: Dirent[];
    try {
      const st = statSync(dir);
      const id = `${st.dev}:${st.ino}`;
      if (dirsSeen.has(id)) return; // a symlink loop or a folder reached twice
      dirsSeen.add(id);
      entries = readdirSync(dir, { withFileTypes: true });
    } catch (err) {
      if (top || (err as NodeJS.ErrnoException).code !== 'ENOENT') onError?.(dir, err as Error);
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      const path = join(dir, e.name);
      let isDir = e.isDirectory();
      let isFile = e.isFile();
      if (e.isSymbolicLink()) {
        let st: Stats | undefined;
        try {
          st = stat(path); // dangling links are skipped
        } catch {
          st = undefined;
        }
        isDir = st?.isDirectory() ?? false;
        isFile = st?.isFile() ?? false;
      }
      await breathe();
      if (isDir) await walk(path, projectsDir, false);
      else if (isFile && e.name.endsWith('.jsonl')) {
        let st: Stats | undefined;
        try {
          st = stat(path);
        } catch {
          st = undefined;
        }
        if (st) found.push({ path, projectsDir, id: `${st.dev}:${st.ino}` });
      }
    }
  };
  for (const root of roots) if (root.exists) await walk(root.projectsDir, root.projectsDir, true);
  // One path per file. The real path when it lies under a root (stable whichever alias was walked
  // first); else (a project folder linked from elsewhere) the first path found.
  const byId = new Map<string, TranscriptFile>();
  for (const f of found) {
    if (byId.has(f.id)) continue;
    await breathe();
    let real = f.path;
    try {
      real = realpathSync.native(f.path);
    } catch {
      // keep the path found
    }
    const home = roots.find((r) => r.exists && real.startsWith(r.projectsDir + sep));
    const path = home ? real : f.path;
    byId.set(f.id, { path, hints: hintsFor(home ? home.projectsDir : f.projectsDir, path) });
  }
  const out = [...byId.values()];
  // Main transcript before its subagents ('.' sorts before '/'), deterministic across runs.
  out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return out;
}

/** Session and agent ids implied by a transcript's location, used when a line omits them. */
export function hintsFor(projectsDir: string, path: string): FileHints {
  const parts = relative(projectsDir, path).split(sep);
  const name = basename(path, '.jsonl');
  const sub = parts.indexOf('subagents');
  if (sub >= 2) return { sessionId: parts[sub - 1], agentId: name.startsWith('agent-') ? name.slice('agent-'.length) : name };
  return { sessionId: name };
}
