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

/** An entry as kept: its kind ('d' folder, 'l' symbolic link, 'f' a possible transcript) then its name. */
export type CachedEntry = string;

interface Folder {
  dev: number;
  ino: number;
  ctimeMs: number;
  /** When the listing was taken (a time at or before the readdir). */
  listedMs: number;
  /** Sorted by name; names hold no '/', so a folder's entries are kept as one '/'-joined string. */
  entries: CachedEntry[];
}

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
      if (!isObject(doc) || doc.format !== LISTING_FORMAT || doc.version !== LISTING_VERSION || !isObject(doc.dirs)) return ListingCache.empty();
      const prev = new Map<string, Folder>();
      for (const [path, row] of Object.entries(doc.dirs)) {
        if (!Array.isArray(row) || row.length !== 5) return ListingCache.empty();
        const [dev, ino, ctimeMs, listedMs, entries] = row as unknown[];
        if (!isNum(dev) || !isNum(ino) || !isNum(ctimeMs) || !isNum(listedMs) || typeof entries !== 'string') return ListingCache.empty();
        const list = entries === '' ? [] : entries.split('/');
        if (list.some((e) => e.length < 2 || (e[0] !== 'd' && e[0] !== 'l' && e[0] !== 'f'))) return ListingCache.empty();
        prev.set(path, { dev, ino, ctimeMs, listedMs, entries: list });
      }
      return new ListingCache(prev);
    } catch {
      return ListingCache.empty();
    }
  }

  /** The saved entries of the folder at `path` if they still hold for its stat `st`, else undefined. */
  lookup(path: string, st: Stats): readonly CachedEntry[] | undefined {
    const f = this.prev.get(path);
    if (!f || f.dev !== st.dev || f.ino !== st.ino || f.ctimeMs !== st.ctimeMs || !(f.listedMs - f.ctimeMs >= RACY_MS)) return undefined;
    this.next.set(path, f);
    this.reused++;
    return f.entries;
  }

  /** Keeps a listing just read (entries sorted by name), taken no earlier than `listedMs`. */
  record(path: string, st: Stats, listedMs: number, entries: CachedEntry[]): void {
    this.next.set(path, { dev: st.dev, ino: st.ino, ctimeMs: st.ctimeMs, listedMs, entries });
    this.read++;
  }

  /** Whether the last walk differs from what was loaded (a folder read, or one no longer there). */
  get changed(): boolean {
    return this.read > 0 || this.next.size !== this.prev.size;
  }

  /** The folders of the last walk, as saved. */
  serialize(): string {
    const dirs: Record<string, [number, number, number, number, string]> = {};
    for (const [path, f] of this.next) dirs[path] = [f.dev, f.ino, f.ctimeMs, f.listedMs, f.entries.join('/')];
    return JSON.stringify({ format: LISTING_FORMAT, version: LISTING_VERSION, dirs });
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isNum(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}
