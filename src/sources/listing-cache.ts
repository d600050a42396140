// The folder listings of the last transcript walk, kept between starts (listing.json in the state
// directory) so a start where nothing changed stats each folder instead of reading it. A folder's
// change time (ctime) moves whenever an entry is added, removed or renamed, and unlike mtime it
// cannot be set back (touch, cp -p); with the same device, inode and ctime the listing still holds.
// Files are not cached: appends change a file's size, not its folder, so every file is stat'ed anyway.
import type { Stats } from 'node:fs';

export const LISTING_FORMAT = 'ccotel-listing';
export const LISTING_VERSION = 1;

/**
 * A listing taken this close to its folder's ctime is read again ("racy git"): timestamps come from a
 * coarse clock (a kernel tick, a whole second or two on some filesystems), so an entry added just
 * after the listing can leave the ctime as it was. Only a listing taken well after the ctime proves
 * that every change up to that ctime is in it.
 */
export const RACY_MS = 2000;

/**
 * The entries of a folder that matter to the walk, sorted by name: `kinds[i]` is 'd' (a folder), 'l'
 * (a symbolic link) or 'f' (a file that may be a transcript) for `names[i]`.
 */
export interface Entries {
  kinds: string;
  names: string[];
}

interface Folder extends Entries {
  dev: number;
  ino: number;
  ctimeMs: number;
  /** When the listing was taken (a time at or before the readdir). */
  listedMs: number;
}

/** A row of listing.json: the path as the length shared with the previous row's and the rest. */
type Row = [shared: number, rest: string, dev: number, ino: number, ctimeMs: number, listedMs: number, kinds: string, names: string];

export class ListingCache {
  private readonly next = new Map<string, Folder>();
  /** Folders whose listing was reused, and read (new, changed or too recent to trust). */
  reused = 0;
  read = 0;

  private constructor(private readonly prev: ReadonlyMap<string, Folder>) {}

  static empty(): ListingCache {
    return new ListingCache(new Map());
  }

  /** The cache saved in `text`; anything unexpected (corrupt, truncated, another version) gives an empty one. */
  static parse(text: string): ListingCache {
    try {
      const doc = JSON.parse(text) as unknown;
      if (!isObject(doc) || doc.format !== LISTING_FORMAT || doc.version !== LISTING_VERSION || !Array.isArray(doc.dirs)) return ListingCache.empty();
      const prev = new Map<string, Folder>();
      let last = '';
      const rows = doc.dirs as unknown[];
      // Indexes, not destructuring: this runs once per start, before anything is JIT-compiled, where
      // the iterator protocol of `const [a, b] = row` costs several times the work itself.
      for (let i = 0; i < rows.length; i++) {
        const row = rows[i];
        if (!Array.isArray(row) || row.length !== 8) return ListingCache.empty();
        const shared = row[0] as unknown;
        const rest = row[1] as unknown;
        const dev = row[2] as unknown;
        const ino = row[3] as unknown;
        const ctimeMs = row[4] as unknown;
        const listedMs = row[5] as unknown;
        const kinds = row[6] as unknown;
        const names = row[7] as unknown;
        if (typeof shared !== 'number' || !(shared >= 0 && shared <= last.length) || typeof rest !== 'string') return ListingCache.empty();
        if (!isNum(dev) || !isNum(ino) || !isNum(ctimeMs) || !isNum(listedMs) || typeof kinds !== 'string' || typeof names !== 'string' || !KINDS.test(kinds)) return ListingCache.empty();
        // Names hold no '/' and are never empty: one '/'-joined string per folder.
        const list = kinds === '' ? [] : names.split('/');
        if (list.length !== kinds.length || names.startsWith('/') || names.endsWith('/') || names.includes('//')) return ListingCache.empty();
        last = last.slice(0, shared) + rest;
        prev.set(last, { dev, ino, ctimeMs, listedMs, kinds, names: list });
      }
      return new ListingCache(prev);
    } catch {
      return ListingCache.empty();
    }
  }

  /** The saved entries of the folder at `path` if they still hold for its stat `st`, else undefined. */
  lookup(path: string, st: Stats): Entries | undefined {
    const f = this.prev.get(path);
    if (!f || f.dev !== st.dev || f.ino !== st.ino || f.ctimeMs !== st.ctimeMs || !(f.listedMs - f.ctimeMs >= RACY_MS)) return undefined;
    this.next.set(path, f);
    this.reused++;
    return f;
  }

  /** Keeps a listing just read, taken no earlier than `listedMs`. */
  record(path: string, st: Stats, listedMs: number, e: Entries): void {
    this.next.set(path, { dev: st.dev, ino: st.ino, ctimeMs: st.ctimeMs, listedMs, kinds: e.kinds, names: e.names });
    this.read++;
  }

  /** Whether the last walk differs from what was loaded (a folder read, or one no longer there). */
  get changed(): boolean {
    return this.read > 0 || this.next.size !== this.prev.size;
  }

  /** The folders of the last walk, as saved: one row per folder, in walk order (the paths are most of the bytes). */
  serialize(): string {
    const dirs: Row[] = [];
    let last = '';
    for (const [path, f] of this.next) {
      let shared = 0;
      const max = Math.min(last.length, path.length);
      while (shared < max && last.charCodeAt(shared) === path.charCodeAt(shared)) shared++;
      dirs.push([shared, path.slice(shared), f.dev, f.ino, f.ctimeMs, f.listedMs, f.kinds, f.names.join('/')]);
      last = path;
    }
    return JSON.stringify({ format: LISTING_FORMAT, version: LISTING_VERSION, dirs });
  }
}

const KINDS = /^[dlf]*$/;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isNum(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}
