// The folder listings of the last transcript walk, kept between starts (listing.json in the state
// directory) so a start where nothing changed stats each folder instead of reading it. A folder's
// change time (ctime) moves whenever an entry is added, removed or renamed, and unlike mtime it
// cannot be set back (touch, cp -p); with the same device, inode and ctime the listing still holds.
// Files are not cached: appends change a file's size, not its folder, so every file is stat'ed anyway.
//
// The cache is a tree in the walk's shape: a folder's cached subfolders are found by name from its
// own node, so neither loading nor a lookup builds or hashes a full path.
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

/**
 * A folder of the saved walk (its listing, and the row it was loaded from, saved again as is when
 * the listing still holds), and its subfolders (and linked folders) walked, by entry name.
 */
export interface CachedNode extends Entries {
  dev: number;
  ino: number;
  ctimeMs: number;
  /** When the listing was taken (a time at or before the readdir). */
  listedMs: number;
  row: Row;
  children?: Map<string, CachedNode>;
}

/**
 * A row of listing.json, in walk order: its depth below a walk root and its name (a walk root's
 * whole path at depth 0), then the folder.
 */
export type Row = [depth: number, name: string, dev: number, ino: number, ctimeMs: number, listedMs: number, kinds: string, names: string[]];

export class ListingCache {
  /** The walk's folders as rows, in walk order (what is saved). */
  private readonly next: Row[] = [];
  /** Folders whose listing was reused, and read (new, changed or too recent to trust). */
  reused = 0;
  read = 0;

  private constructor(
    /** The saved walk's roots by path. */
    private readonly roots: ReadonlyMap<string, CachedNode>,
    /** Folders in the saved walk. */
    private readonly size: number,
  ) {}

  static empty(): ListingCache {
    return new ListingCache(new Map(), 0);
  }

  /** The cache saved in `text`; anything unexpected (corrupt, truncated, another version) gives an empty one. */
  static parse(text: string): ListingCache {
    try {
      const doc = JSON.parse(text) as unknown;
      if (!isObject(doc) || doc.format !== LISTING_FORMAT || doc.version !== LISTING_VERSION || !Array.isArray(doc.dirs)) return ListingCache.empty();
      const roots = new Map<string, CachedNode>();
      const rows = doc.dirs as unknown[];
      /** The last node at each depth: a row's parent is the one just above its depth. */
      const path: CachedNode[] = [];
      // Indexes, not destructuring: this runs once per start, before anything is JIT-compiled, where
      // the iterator protocol of `const [a, b] = row` costs several times the work itself.
      for (let i = 0; i < rows.length; i++) {
        const row = rows[i];
        if (!Array.isArray(row) || row.length !== 8) return ListingCache.empty();
        const depth = row[0] as unknown;
        const name = row[1] as unknown;
        const dev = row[2] as unknown;
        const ino = row[3] as unknown;
        const ctimeMs = row[4] as unknown;
        const listedMs = row[5] as unknown;
        const kinds = row[6] as unknown;
        const names = row[7] as unknown;
        if (typeof depth !== 'number' || (depth | 0) !== depth || depth < 0 || depth > path.length || typeof name !== 'string' || name === '') return ListingCache.empty();
        if (!isNum(dev) || !isNum(ino) || !isNum(ctimeMs) || !isNum(listedMs) || typeof kinds !== 'string' || !KINDS.test(kinds)) return ListingCache.empty();
        if (!Array.isArray(names) || names.length !== kinds.length) return ListingCache.empty();
        for (let k = 0; k < names.length; k++) {
          const n = names[k] as unknown;
          if (typeof n !== 'string' || n === '' || n.includes('/')) return ListingCache.empty();
        }
        const node: CachedNode = { dev, ino, ctimeMs, listedMs, kinds, names: names as string[], row: row as Row };
        if (depth === 0) {
          roots.set(name, node);
        } else {
          const parent = path[depth - 1]!;
          (parent.children ??= new Map()).set(name, node);
        }
        path.length = depth;
        path.push(node);
      }
      return new ListingCache(roots, rows.length);
    } catch {
      return ListingCache.empty();
    }
  }

  /** The saved node of a walk root, by its path. */
  root(path: string): CachedNode | undefined {
    return this.roots.get(path);
  }

  /** The saved node of entry `name` of a saved folder. */
  child(node: CachedNode | undefined, name: string): CachedNode | undefined {
    return node?.children?.get(name);
  }

  /**
   * The saved entries of a folder (its node, `depth` below a walk root, entry `name` there) if they
   * still hold for its stat `st`; else undefined and the caller reads it and calls record().
   */
  lookup(node: CachedNode | undefined, depth: number, name: string, st: Stats): Entries | undefined {
    const f = node;
    if (!f || f.dev !== st.dev || f.ino !== st.ino || f.ctimeMs !== st.ctimeMs || !(f.listedMs - f.ctimeMs >= RACY_MS)) return undefined;
    // The saved row is this one: a node is reached from its parent by its name, one level down.
    this.next.push(f.row[0] === depth && f.row[1] === name ? f.row : [depth, name, f.dev, f.ino, f.ctimeMs, f.listedMs, f.kinds, f.names]);
    this.reused++;
    return f;
  }

  /** Keeps a listing just read, taken no earlier than `listedMs`. */
  record(depth: number, name: string, st: Stats, listedMs: number, e: Entries): void {
    this.next.push([depth, name, st.dev, st.ino, st.ctimeMs, listedMs, e.kinds, e.names]);
    this.read++;
  }

  /** Whether the last walk differs from what was loaded (a folder read, or one no longer there). */
  get changed(): boolean {
    return this.read > 0 || this.next.length !== this.size;
  }

  /** The folders of the last walk, as saved. */
  serialize(): string {
    return JSON.stringify({ format: LISTING_FORMAT, version: LISTING_VERSION, dirs: this.next });
  }
}

const KINDS = /^[dlf]*$/;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isNum(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}
