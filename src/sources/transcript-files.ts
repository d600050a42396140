// Finds transcript files under each root's projects/ folder: main sessions and subagents
// (<session>/subagents/agent-<id>.jsonl, possibly nested deeper in newer versions). Symlinked
// folders are followed; a file reachable by several paths (symlinks, a root listed twice, hard
// links) is listed once, identified by device + inode, so it is read and exported once.
import { readdirSync, realpathSync, statSync, type Stats } from 'node:fs';
import { normalize, relative, sep } from 'node:path';
import { rootOf, type Root } from './roots.js';
import type { CachedNode, Entries, ListingCache } from './listing-cache.js';
import type { FileHints } from '../model/normalize.js';

/**
 * What a sync needs of a file's stat: identity, size and modification time. The listing keeps these
 * four numbers, not the Stats (eighteen fields and four Dates per file, all surviving to the end
 * of the sync: on thousands of files most of a warm start's young-generation copying).
 */
export interface FileStat {
  dev: number;
  ino: number;
  size: number;
  mtimeMs: number;
}

export interface TranscriptFile {
  path: string;
  hints: FileHints;
  /** The file's stat from the listing, so one sync does not stat every file three times. */
  stat?: FileStat;
}

/** Entries walked between two yields to the event loop (a daemon's rescan must not stall it). */
const YIELD_EVERY = 256;

/**
 * Every transcript under the roots. Synchronous calls on purpose: thousands of small stat calls
 * cost far more as thread-pool round trips than as direct calls (the reader does the same). It
 * still yields to the event loop every 256 entries, so a daemon's rescan never stalls it.
 * With a `cache`, a folder unchanged since its saved listing is not read again (listing-cache.ts);
 * the result is the same with or without it.
 */
export async function listTranscripts(roots: readonly Root[], onError?: (path: string, err: Error) => void, cache?: ListingCache): Promise<TranscriptFile[]> {
  const found: Array<{ path: string; projectsDir: string; st: FileStat; linked: boolean }> = [];
  const dirsSeen = new IdSet();
  const statOrUndefined = (path: string): Stats | undefined => {
    try {
      return statSync(path, { throwIfNoEntry: false });
    } catch {
      return undefined; // a dangling link or a loop: skipped
    }
  };
  // Any change after this moment moves a folder's ctime past what a listing records (RACY_MS).
  const listedMs = Date.now();
  let calls = 0;
  // A generator, so the walk runs synchronously and only stops (yield) every YIELD_EVERY entries.
  // `node` is the folder's node in the saved walk, `depth` and `name` its place in this one.
  function* walk(dir: string, projectsDir: string, top: boolean, linked: boolean, node: CachedNode | undefined, depth: number, name: string): Generator<void, void, undefined> {
    let entries: Entries | undefined;
    try {
      const st = statSync(dir);
      if (!dirsSeen.add(st)) return; // a symlink loop or a folder reached twice
      entries = cache?.lookup(node, depth, name, st);
      if (!entries) {
        entries = readEntries(dir);
        cache?.record(depth, name, st, listedMs, entries);
      }
    } catch (err) {
      if (top || (err as NodeJS.ErrnoException).code !== 'ENOENT') onError?.(dir, err as Error);
      return;
    }
    // join() per entry normalizes the whole path each time; an entry name holds no separator and is
    // never . or .., so the normalized folder plus the name is the same string, for a fraction (and
    // is itself normalized: only a root needs normalize()).
    const norm = top ? normalize(dir) : dir;
    const prefix = norm.endsWith(sep) ? norm : norm + sep;
    const { kinds, names } = entries;
    for (let i = 0; i < names.length; i++) {
      if (++calls % YIELD_EVERY === 0) yield;
      const entry = names[i]!;
      const path = prefix + entry;
      const kind = kinds.charCodeAt(i);
      if (kind === D) {
        yield* walk(path, projectsDir, false, linked, cache?.child(node, entry), depth + 1, entry);
        continue;
      }
      const link = kind === L;
      const st = statOrUndefined(path);
      if (link && st?.isDirectory()) yield* walk(path, projectsDir, false, true, cache?.child(node, entry), depth + 1, entry);
      else if (st?.isFile() && path.endsWith('.jsonl')) found.push({ path, projectsDir, st: { dev: st.dev, ino: st.ino, size: st.size, mtimeMs: st.mtimeMs }, linked: linked || link });
    }
  }
  const drive = async (it: Generator<void, void, undefined>): Promise<void> => {
    while (!it.next().done) await new Promise((resolve) => setImmediate(resolve));
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
    await drive(walk(root.projectsDir, root.projectsDir, true, real !== root.projectsDir, cache?.root(root.projectsDir), 0, root.projectsDir));
  }
  // One path per file (device + inode). The real path when it lies under a root (stable whichever
  // alias was walked first); else (a project folder linked from elsewhere) the first path found.
  // Only paths that went through a link need resolving.
  const out: TranscriptFile[] = [];
  const filesSeen = new IdSet();
  const existing = roots.filter((r) => r.exists);
  const plainDirs = new Map<string, boolean>();
  for (const f of found) {
    if (!filesSeen.add(f.st)) continue;
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
    let plain = plainDirs.get(projectsDir);
    if (plain === undefined) plainDirs.set(projectsDir, (plain = isPlainDir(projectsDir)));
    out.push({ path, hints: hintsIn(projectsDir, plain, path), stat: f.st });
  }
  // Main transcript before its subagents ('.' sorts before '/'), deterministic across runs.
  out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return out;
}

/** Session and agent ids implied by a transcript's location, used when a line omits them. */
export function hintsFor(projectsDir: string, path: string): FileHints {
  return hintsIn(projectsDir, isPlainDir(projectsDir), path);
}

/** A folder path that a file path under it starts with, plus a separator, as written. */
function isPlainDir(dir: string): boolean {
  return !dir.endsWith(sep) && normalize(dir) === dir;
}

/** hintsFor, with the folder's check done once per listing instead of once per file. */
function hintsIn(projectsDir: string, plain: boolean, path: string): FileHints {
  // Under the folder (the listing's case): the rest of the path is what relative() would return,
  // without it resolving both paths against the working directory for every file.
  const rel = plain && path.startsWith(projectsDir) && path[projectsDir.length] === sep ? path.slice(projectsDir.length + 1) : relative(projectsDir, path);
  // basename(path, '.jsonl'), without its character-by-character loop in JS.
  const base = path.slice(path.lastIndexOf(sep) + 1);
  const name = base.length > JSONL.length && base.endsWith(JSONL) ? base.slice(0, -JSONL.length) : base;
  // The first part of rel that is exactly "subagents", found in the string (half of all files are
  // subagents': no array of parts per file). Two parts or more before it: the one just before is
  // the session (rel.split(sep) and indexOf('subagents') give the same; test/transcript-hints.test.ts).
  const sub = partAt(rel, SUBAGENTS);
  if (sub > 0) {
    const end = sub - 1; // the separator before "subagents"
    const start = end === 0 ? 0 : rel.lastIndexOf(sep, end - 1) + 1;
    if (start > 0) return { sessionId: rel.slice(start, end), agentId: name.startsWith('agent-') ? name.slice('agent-'.length) : name };
  }
  return { sessionId: name };
}

/** Where the first part of `rel` (split at the separator) equal to `part` starts, or -1. */
function partAt(rel: string, part: string): number {
  for (let at = rel.indexOf(part); at !== -1; at = rel.indexOf(part, at + 1)) {
    const end = at + part.length;
    if ((at === 0 || rel[at - 1] === sep) && (end === rel.length || rel[end] === sep)) return at;
  }
  return -1;
}

const SUBAGENTS = 'subagents';
const JSONL = '.jsonl';
const D = 'd'.charCodeAt(0);
const L = 'l'.charCodeAt(0);

/**
 * A folder's entries that matter to the walk, sorted by name: folders, links (followed by the
 * walk) and files that may be transcripts (the walk stats them); anything else is left out.
 */
function readEntries(dir: string): Entries {
  const kindOf = new Map<string, string>();
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.isSymbolicLink()) kindOf.set(e.name, 'l');
    else if (e.isDirectory()) kindOf.set(e.name, 'd');
    else if (e.name.endsWith('.jsonl')) kindOf.set(e.name, 'f');
  }
  // sort() without a comparator orders strings by UTF-16 code units, as < does, in native code: a
  // project folder holds two entries per session (thousands), and on a cold start a comparator runs
  // in the interpreter (~6% of the instructions of a cold listing of the 3,135-file bench history).
  const names = [...kindOf.keys()].sort();
  let kinds = '';
  for (const name of names) kinds += kindOf.get(name)!;
  return { kinds, names };
}

/** Device + inode pairs seen (numbers as keys: no string built per file). */
class IdSet {
  private readonly byDev = new Map<number, Set<number>>();
  /** The set of the last device added to (nearly always the only one): no map lookup per file. */
  private lastDev = NaN;
  private last: Set<number> | undefined;
  /** False when already there. */
  add(st: { dev: number; ino: number }): boolean {
    let inos = this.last;
    if (st.dev !== this.lastDev || !inos) {
      inos = this.byDev.get(st.dev);
      if (!inos) this.byDev.set(st.dev, (inos = new Set()));
      this.lastDev = st.dev;
      this.last = inos;
    }
    // One hash lookup: the size grows only when the id is new.
    const n = inos.size;
    return inos.add(st.ino).size !== n;
  }
}
