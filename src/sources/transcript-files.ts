// Finds transcript files under each root's projects/ folder: main sessions and subagents
// (<session>/subagents/agent-<id>.jsonl, possibly nested deeper in newer versions). Symlinked
// folders are followed; a file reachable by several paths (symlinks, a root listed twice, hard
// links) is listed once, identified by device + inode, so it is read and exported once.
import { readdirSync, realpathSync, statSync, type Stats } from 'node:fs';
import { basename, normalize, relative, sep } from 'node:path';
import { rootOf, type Root } from './roots.js';
import type { FileHints } from '../model/normalize.js';

export interface TranscriptFile {
  path: string;
  hints: FileHints;
  /** The file's stat from the listing, so one sync does not stat every file three times. */
  stat?: Stats;
}

/**
 * Every transcript under the roots. Synchronous calls on purpose: thousands of small stat calls
 * cost far more as thread-pool round trips than as direct calls (the reader does the same). It
 * still yields to the event loop every 256 entries, so a daemon's rescan never stalls it.
 */
export async function listTranscripts(roots: readonly Root[], onError?: (path: string, err: Error) => void): Promise<TranscriptFile[]> {
  const found: Array<{ path: string; projectsDir: string; st: Stats; linked: boolean }> = [];
  const dirsSeen = new Set<string>();
  const statOrUndefined = (path: string): Stats | undefined => {
    try {
      return statSync(path);
    } catch {
      return undefined; // gone meanwhile, or a dangling link: skipped
    }
  };
  let calls = 0;
  const breathe = async (): Promise<void> => {
    if (++calls % 256 === 0) await new Promise((resolve) => setImmediate(resolve));
  };
  const walk = async (dir: string, projectsDir: string, top: boolean, linked: boolean): Promise<void> => {
    let entries;
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
    // join() per entry normalizes the whole path each time; an entry name holds no separator and is
    // never . or .., so the normalized folder plus the name is the same string, for a fraction.
    const norm = normalize(dir);
    const prefix = norm.endsWith(sep) ? norm : norm + sep;
    for (const e of entries) {
      await breathe();
      const path = prefix + e.name;
      const link = e.isSymbolicLink();
      const st = link || e.name.endsWith('.jsonl') ? statOrUndefined(path) : undefined;
      const isDir = link ? (st?.isDirectory() ?? false) : e.isDirectory();
      if (isDir) await walk(path, projectsDir, false, linked || link);
      else if (st?.isFile() && e.name.endsWith('.jsonl')) found.push({ path, projectsDir, st, linked: linked || link });
    }
  };
  for (const root of roots) {
    if (!root.exists) continue;
    // A root reached through a link (~/.config/claude → ~/.claude): its files' real paths differ.
    let real = root.projectsDir;
    try {
      real = realpathSync(root.projectsDir);
    } catch {
      // listed anyway; walk reports it
    }
    await walk(root.projectsDir, root.projectsDir, true, real !== root.projectsDir);
  }
  // One path per file (device + inode). The real path when it lies under a root (stable whichever
  // alias was walked first); else (a project folder linked from elsewhere) the first path found.
  // Only paths that went through a link need resolving.
  const byId = new Map<string, TranscriptFile>();
  const existing = roots.filter((r) => r.exists);
  for (const f of found) {
    const id = `${f.st.dev}:${f.st.ino}`;
    if (byId.has(id)) continue;
    let path = f.path;
    let projectsDir = f.projectsDir;
    if (f.linked) {
      let real = f.path;
      try {
        real = realpathSync(f.path);
      } catch {
        // keep the path found
      }
      const home = rootOf(existing, real);
      if (home) {
        path = real;
        projectsDir = home.projectsDir;
      }
    }
    byId.set(id, { path, hints: hintsFor(projectsDir, path), stat: f.st });
  }
  const out = [...byId.values()];
  // Main transcript before its subagents ('.' sorts before '/'), deterministic across runs.
  out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return out;
}

/** Session and agent ids implied by a transcript's location, used when a line omits them. */
export function hintsFor(projectsDir: string, path: string): FileHints {
  // Under the folder (the listing's case): the rest of the path is what relative() would return,
  // without it resolving both paths against the working directory for every file.
  const rel = path.startsWith(projectsDir + sep) && !projectsDir.endsWith(sep) && normalize(projectsDir) === projectsDir ? path.slice(projectsDir.length + 1) : relative(projectsDir, path);
  const parts = rel.split(sep);
  const name = basename(path, '.jsonl');
  const sub = parts.indexOf('subagents');
  if (sub >= 2) return { sessionId: parts[sub - 1], agentId: name.startsWith('agent-') ? name.slice('agent-'.length) : name };
  return { sessionId: name };
}
