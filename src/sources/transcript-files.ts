// Finds transcript files under each root's projects/ folder: main sessions and subagents
// (<session>/subagents/agent-<id>.jsonl, possibly nested deeper in newer versions). Symlinked
// folders are followed; a file reachable by several paths (symlinks, a root listed twice, hard
// links) is listed once, identified by device + inode, so it is read and exported once.
import { readdir, realpath, stat } from 'node:fs/promises';
import { basename, join, relative, sep } from 'node:path';
import { rootOf, type Root } from './roots.js';
import type { FileHints } from '../model/normalize.js';

export interface TranscriptFile {
  path: string;
  hints: FileHints;
}

export async function listTranscripts(roots: readonly Root[], onError?: (path: string, err: Error) => void): Promise<TranscriptFile[]> {
  const found: Array<{ path: string; projectsDir: string; id: string }> = [];
  const dirsSeen = new Set<string>();
  const walk = async (dir: string, projectsDir: string, top: boolean): Promise<void> => {
    let entries;
    try {
      const st = await stat(dir);
      const id = `${st.dev}:${st.ino}`;
      if (dirsSeen.has(id)) return; // a symlink loop or a folder reached twice
      dirsSeen.add(id);
      entries = await readdir(dir, { withFileTypes: true });
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
        const st = await stat(path).catch(() => undefined); // dangling links are skipped
        isDir = st?.isDirectory() ?? false;
        isFile = st?.isFile() ?? false;
      }
      if (isDir) await walk(path, projectsDir, false);
      else if (isFile && e.name.endsWith('.jsonl')) {
        const st = await stat(path).catch(() => undefined);
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
    const real = await realpath(f.path).catch(() => f.path);
    const home = rootOf(roots.filter((r) => r.exists), real);
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
