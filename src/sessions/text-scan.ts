// Search over the text journal without decoding all of it. The journal is JSON lines, and JSON
// writes every character of a term as itself (its UTF-8 bytes) unless it is a quote, a backslash or
// a control character; so a line whose text holds a term holds a byte pattern derived from the term
// (rawPattern: case variants, whitespace escapes) in its raw bytes too. Each term is first looked
// for in the raw journal (one regex pass over the bytes); only the lines it hits are decoded and
// checked for real (the raw hit may be in a path, or across an escape), and a session found to hold
// a term is not checked again for it. Exactness rests on that one-way implication: a raw miss is a
// real miss. Terms with characters JSON escapes skip the raw pass.
import { readFileSync } from 'node:fs';
import type { TextItem } from './catalog.js';
import type { TextRow } from './index-file.js';
import type { Query } from './search.js';

/**
 * The journal as read for one search: its bytes, and per line where it is, its kind, its path and
 * whether a reader keeps it. Held as a latin1 string (one character per byte: four times cheaper to
 * make than a UTF-8 decode, and byte offsets stay offsets) with typed arrays per line.
 */
export interface TextJournal {
  buf: Buffer;
  raw: string;
  count: number;
  starts: Int32Array;
  ends: Int32Array;
  kinds: Uint8Array;
  pathIdx: Int32Array;
  /** Where each row's id starts (-1: no id string, a torn or foreign row: never replaces or is replaced). */
  idStart: Int32Array;
  paths: string[];
  /** Per path, its last X row (-1: none). */
  lastReset: Int32Array;
  /**
   * Per row, whether a reader keeps it (after its path's last X row, and the last row with its
   * key): 0 not known yet, 1 kept, 2 replaced. Settled a path at a time, for the paths a search
   * meets (liveAt): hashing every row's key up front cost a third of the line pass.
   */
  live: Uint8Array;
  /** The rows of each path, in order (built on first need). */
  byPath?: { offsets: Int32Array; rows: Int32Array };
}

const QUOTE = 34;
const BACKSLASH = 92;
const K_X = 88;
const K_F = 102;

/** End (index of the closing quote) of the JSON string whose body starts at `i`, or -1. */
function stringEnd(raw: string, i: number, end: number): number {
  for (; i < end; i++) {
    const c = raw.charCodeAt(i);
    if (c === BACKSLASH) i++;
    else if (c === QUOTE) return i;
  }
  return -1;
}

/** A path as written in the journal (UTF-8 bytes as latin1, JSON-escaped) → the path. */
function decodePath(buf: Buffer, start: number, end: number): string | undefined {
  const body = buf.toString('utf8', start, end);
  if (!body.includes('\\')) return body;
  try {
    return JSON.parse(`"${body}"`) as string;
  } catch {
    return undefined;
  }
}

function grow<T extends Int32Array | Uint8Array>(a: T, n: number): T {
  if (n < a.length) return a;
  const b = new (a.constructor as { new (n: number): T })(a.length * 2);
  b.set(a);
  return b;
}

/**
 * The line pass over the journal, one call per line: V8 optimizes a small function called often
 * sooner than it replaces a long-running loop on the stack, and a command makes this pass once.
 */
class LineIndex {
  starts: Int32Array;
  ends: Int32Array;
  kinds: Uint8Array;
  pathIdx: Int32Array;
  idStart: Int32Array;
  readonly paths: string[] = [];
  private readonly pathByRaw = new Map<string, number>();
  readonly lastReset: number[] = [];
  // The previous row's path: its raw length and where its bytes are (compared as bytes: a string
  // startsWith on the journal's string is a runtime call that cost most of this pass).
  private prevLen = 0;
  private prevAt = 0;
  private prevPath = -1;
  n = 0;

  constructor(
    private readonly buf: Buffer,
    private readonly raw: string,
    size: number,
  ) {
    this.starts = new Int32Array(size);
    this.ends = new Int32Array(size);
    this.kinds = new Uint8Array(size);
    this.pathIdx = new Int32Array(size);
    this.idStart = new Int32Array(size);
  }

  private room(): void {
    if (this.n < this.starts.length) return;
    this.starts = grow(this.starts, this.n);
    this.ends = grow(this.ends, this.n);
    this.kinds = grow(this.kinds, this.n);
    this.pathIdx = grow(this.pathIdx, this.n);
    this.idStart = grow(this.idStart, this.n);
  }

  line(at: number, nl: number): void {
    const raw = this.raw;
    // ["k","<path>","<id>",...   (X rows: ["X","<path>"])
    if (!(nl - at > 6 && raw.charCodeAt(at) === 91 && raw.charCodeAt(at + 1) === QUOTE && raw.charCodeAt(at + 3) === QUOTE)) return;
    // Rows of one file come in runs: the previous row's path is tried first (no scan for its end).
    const len = this.prevLen;
    const same = this.prevPath >= 0 && at + 6 + len < nl && raw.charCodeAt(at + 6 + len) === QUOTE && this.buf.compare(this.buf, this.prevAt, this.prevAt + len, at + 6, at + 6 + len) === 0;
    const pathEnd = same ? at + 6 + len : stringEnd(raw, at + 6, nl);
    if (pathEnd < 0) return;
    let p = this.prevPath;
    if (!same) {
      const r = raw.slice(at + 6, pathEnd);
      let known = this.pathByRaw.get(r);
      if (known === undefined) {
        const decoded = decodePath(this.buf, at + 6, pathEnd);
        if (decoded === undefined) return;
        known = this.paths.length;
        this.paths.push(decoded);
        this.pathByRaw.set(r, known);
      }
      p = known;
      this.prevLen = pathEnd - (at + 6);
      this.prevAt = at + 6;
      this.prevPath = p;
    }
    const kind = raw.charCodeAt(at + 2);
    this.room();
    const n = this.n++;
    this.starts[n] = at;
    this.ends[n] = nl;
    this.kinds[n] = kind;
    this.pathIdx[n] = p;
    this.idStart[n] = kind !== K_X && raw.charCodeAt(pathEnd + 1) === 44 && raw.charCodeAt(pathEnd + 2) === QUOTE ? pathEnd + 3 : -1;
    if (kind === K_X) this.lastReset[p] = n;
  }
}

/** A journal's bytes, and the same as a latin1 string (one character per byte) for the raw patterns. */
export interface JournalBytes {
  buf: Buffer;
  raw: string;
}

export function readJournalBytes(file: string): JournalBytes {
  let buf: Buffer;
  try {
    buf = readFileSync(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    buf = Buffer.alloc(0);
  }
  return { buf, raw: buf.toString('latin1') };
}

export const readTextJournal = (file: string): TextJournal => indexJournal(readJournalBytes(file));

/** The line pass: where each row is, its kind and path, and whether a reader keeps it. */
export function indexJournal({ buf, raw }: JournalBytes): TextJournal {
  // Rows average a few hundred bytes: sized once for most journals.
  const x = new LineIndex(buf, raw, Math.max(1024, buf.length >> 7));
  let at = 0;
  while (at < raw.length) {
    let nl = raw.indexOf('\n', at);
    if (nl < 0) nl = raw.length;
    x.line(at, nl);
    at = nl + 1;
  }
  const lastReset = new Int32Array(x.paths.length).fill(-1);
  x.lastReset.forEach((i, p) => (lastReset[p] = i));
  return { buf, raw, count: x.n, starts: x.starts, ends: x.ends, kinds: x.kinds, pathIdx: x.pathIdx, idStart: x.idStart, paths: x.paths, lastReset, live: new Uint8Array(x.n) };
}

/** The rows of every path, in order: one counting pass over the rows' paths. */
function rowsByPath(j: TextJournal): { offsets: Int32Array; rows: Int32Array } {
  if (j.byPath) return j.byPath;
  const offsets = new Int32Array(j.paths.length + 1);
  for (let i = 0; i < j.count; i++) offsets[j.pathIdx[i]! + 1]!++;
  for (let p = 0; p < j.paths.length; p++) offsets[p + 1]! += offsets[p]!;
  const fill = offsets.slice(0, j.paths.length);
  const rows = new Int32Array(j.count);
  for (let i = 0; i < j.count; i++) rows[fill[j.pathIdx[i]!]!++] = i;
  return (j.byPath = { offsets, rows });
}

/** Whether a reader keeps row `i` (its path is settled on first ask). */
export function liveAt(j: TextJournal, i: number): boolean {
  if (j.live[i] === 0) settle(j, j.pathIdx[i]!);
  return j.live[i] === 1;
}

/**
 * Settles the rows of path `p`, last to first: an X row and every row before the path's last X are
 * replaced, and of the rows with one key (kind and id) only the last is kept.
 */
function settle(j: TextJournal, p: number): void {
  const { offsets, rows } = rowsByPath(j);
  const reset = j.lastReset[p]!;
  const seen = new Set<string>();
  for (let k = offsets[p + 1]! - 1; k >= offsets[p]!; k--) {
    const i = rows[k]!;
    if (i <= reset) {
      j.live[i] = 2;
      continue;
    }
    const from = j.idStart[i]!;
    const to = from < 0 ? -1 : stringEnd(j.raw, from, j.ends[i]!);
    if (to < 0) {
      j.live[i] = 1; // no id to be replaced by (a torn or foreign row: its decode fails or stands alone)
      continue;
    }
    const key = String.fromCharCode(j.kinds[i]!) + j.raw.slice(from, to);
    if (seen.has(key)) j.live[i] = 2;
    else {
      seen.add(key);
      j.live[i] = 1;
    }
  }
}

function decode(j: TextJournal, i: number): TextRow | undefined {
  try {
    return JSON.parse(j.buf.toString('utf8', j.starts[i], j.ends[i])) as TextRow;
  } catch {
    return undefined; // torn line (a kill mid-append)
  }
}

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
const hexBytes = (c: string): string => [...Buffer.from(c, 'utf8')].map((b) => `\\x${b.toString(16).padStart(2, '0')}`).join('');

/**
 * Scripts without case (kana, CJK, Hangul, emoji and other astral symbols): a character there
 * matches only itself, so its UTF-8 bytes are searched as they are.
 */
export const isCaseless = (cp: number): boolean =>
  (cp >= 0x3040 && cp <= 0x30ff) || (cp >= 0x3400 && cp <= 0x4dbf) || (cp >= 0x4e00 && cp <= 0x9fff) || (cp >= 0xac00 && cp <= 0xd7af) || (cp >= 0xf900 && cp <= 0xfaff) || (cp >= 0x1f000 && cp <= 0x1faff) || (cp >= 0x20000 && cp <= 0x3ffff);

/** Whitespace as `\s` knows it, in the raw line: JSON escapes of it, or its UTF-8 bytes; never a line break. */
const RAW_SPACE = '(?:[ \\t\\x0b\\x0c\\r]|\\\\[nrtfb]|\\\\u[0-9a-fA-F]{4}|\\xc2\\xa0|\\xe1\\x9a\\x80|\\xe2\\x80[\\x80-\\x8a\\xa8\\xa9\\xaf]|\\xe2\\x81\\x9f|\\xe3\\x80\\x80|\\xef\\xbb\\xbf)+';
/** Any one non-ASCII character (its UTF-8 bytes). */
const RAW_NON_ASCII = '[\\xc2-\\xf4][\\x80-\\xbf]{1,3}';

/**
 * The raw-journal form of a term: a pattern over the journal's bytes (as latin1) that matches
 * wherever the term could match the decoded text under Unicode case folding, and maybe elsewhere
 * (the hits are checked). Undefined when JSON escapes one of the term's characters.
 */
export function rawPattern(term: string): RegExp | undefined {
  // A quote, a backslash, a control character or a lone surrogate is escaped in the raw line.
  if (/["\\\u0000-\u001f]|\p{Cs}/u.test(term)) return undefined;
  let src = '';
  for (const c of term) {
    const cp = c.codePointAt(0)!;
    if (c === ' ') src += RAW_SPACE;
    else if (/[A-Za-z]/.test(c)) {
      const l = c.toLowerCase();
      // Only two non-ASCII characters fold to ASCII: KELVIN SIGN (k) and LONG S (s).
      src += l === 'k' ? '(?:[kK]|\\xe2\\x84\\xaa)' : l === 's' ? '(?:[sS]|\\xc5\\xbf)' : `[${l}${l.toUpperCase()}]`;
    } else if (cp < 0x80) src += escape(c);
    else if (cp === 0x212a) src += '(?:[kK]|\\xe2\\x84\\xaa)';
    else if (cp === 0x17f) src += '(?:[sS]|\\xc5\\xbf)';
    else if (isCaseless(cp)) src += hexBytes(c);
    else src += RAW_NON_ASCII;
  }
  return new RegExp(src, 'g');
}

/** Binary search: the line holding offset `at`. */
function lineAt(j: TextJournal, at: number): number {
  let lo = 0;
  let hi = j.count - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (j.starts[mid]! <= at) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/**
 * Whether some term occurs in no text a search reads: its raw pattern hits none of the journals'
 * bytes (a raw miss is a real miss) and no pending row holds it. Then no session matches, and the
 * line pass over the journals is not needed.
 */
export function surelyMissing(journals: readonly JournalBytes[], q: Query, allText: boolean, pending: readonly TextRow[] = []): boolean {
  const texts = pending.filter((r) => r[0] === 'p' || r[0] === 'a' || (allText && r[0] === 'o')).map((r) => String(r[4]));
  return q.terms.some((term, t) => {
    const raw = rawPattern(term);
    if (!raw) return false;
    const inJournal = journals.some((j) => {
      raw.lastIndex = 0;
      return raw.test(j.raw);
    });
    return !inJournal && !texts.some((x) => q.res[t]!.test(x));
  });
}

/**
 * The paths among `paths` whose live text (prompts and answers; tool output with `allText`) holds
 * every term, plus the pending rows a read-only reader holds in memory.
 */
export function pathsHoldingAll(journals: readonly TextJournal[], q: Query, paths: ReadonlySet<string>, allText: boolean, pending: readonly TextRow[] = []): Set<string> {
  const counts = (k: string): boolean => k === 'p' || k === 'a' || (allText && k === 'o');
  // Pending rows: an X there also kills the path's journal rows.
  const pendingReset = new Set<string>();
  const pendingItems = new Map<string, string[]>();
  for (const r of pending) {
    if (!paths.has(r[1])) continue;
    if (r[0] === 'X') {
      pendingReset.add(r[1]);
      pendingItems.delete(r[1]);
    } else if (counts(r[0])) {
      let a = pendingItems.get(r[1]);
      if (!a) pendingItems.set(r[1], (a = []));
      a.push(String(r[4]));
    }
  }
  let holding: Set<string> | undefined;
  for (let t = 0; t < q.terms.length; t++) {
    const re = q.res[t]!;
    const found = new Set<string>();
    for (const [p, texts] of pendingItems) if (texts.some((x) => re.test(x))) found.add(p);
    const raw = rawPattern(q.terms[t]!);
    const scan = (j: TextJournal): void => {
      const check = (i: number): void => {
        const path = j.paths[j.pathIdx[i]!]!;
        if (!counts(String.fromCharCode(j.kinds[i]!)) || found.has(path) || !paths.has(path) || pendingReset.has(path) || !liveAt(j, i)) return;
        if (holding && !holding.has(path)) return; // already out on an earlier term
        const r = decode(j, i);
        if (r && re.test(String(r[4]))) found.add(path);
      };
      if (!raw) {
        for (let i = 0; i < j.count; i++) check(i);
        return;
      }
      raw.lastIndex = 0;
      for (let m = raw.exec(j.raw); m; m = raw.exec(j.raw)) {
        const i = lineAt(j, m.index);
        check(i);
        // The rest of this line adds nothing: go on from its end.
        raw.lastIndex = Math.max(raw.lastIndex, j.ends[i]!);
      }
    };
    for (const j of journals) scan(j);
    holding = holding ? new Set([...holding].filter((p) => found.has(p))) : found;
    if (holding.size === 0) break;
  }
  return holding ?? new Set();
}

/** Every live text item of the given paths (pending rows last), by path, each in time order. */
export function itemsOf(journals: readonly TextJournal[], paths: ReadonlySet<string>, pending: readonly TextRow[] = []): Map<string, TextItem[]> {
  const byPath = new Map<string, Map<string, TextItem>>();
  const apply = (r: TextRow): void => {
    const path = r[1];
    if (r[0] === 'X') {
      byPath.delete(path);
      return;
    }
    if (r[0] === 'f') return;
    let m = byPath.get(path);
    if (!m) byPath.set(path, (m = new Map()));
    const k = r[0] as TextItem['k'];
    m.set(k + r[2], { k, id: String(r[2]), ts: Number(r[3]), text: String(r[4]) });
  };
  for (const j of journals) {
    const wanted = new Uint8Array(j.paths.length);
    j.paths.forEach((p, i) => paths.has(p) && (wanted[i] = 1));
    for (let i = 0; i < j.count; i++) {
      if (!wanted[j.pathIdx[i]!] || j.kinds[i] === K_F || !liveAt(j, i)) continue;
      const r = decode(j, i);
      if (r) apply(r);
    }
  }
  for (const r of pending) if (paths.has(r[1])) apply(r);
  const out = new Map<string, TextItem[]>();
  for (const [path, m] of byPath) out.set(path, [...m.values()].sort((a, b) => a.ts - b.ts || (a.id < b.id ? -1 : 1)));
  return out;
}
