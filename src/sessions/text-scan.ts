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
import { utf8Of } from '../model/line-text.js';

/**
 * The journal as read for one search: its bytes as a latin1 string (one character per byte: four
 * times cheaper to make than a UTF-8 decode, and byte offsets stay offsets), cut into runs. A run
 * is a stretch of consecutive rows of one transcript path (the sink appends a file's rows
 * together, so a journal has a few runs per file, not one per row); its rows are found only when
 * a search looks into it. A row is named by the offset its line starts at.
 */
export interface TextJournal {
  raw: string;
  runs: number;
  /** Per run: where its first row starts, where its last row ends (its newline, or the journal's end), its path. */
  runStart: Int32Array;
  runEnd: Int32Array;
  runPath: Int32Array;
  /** Per run: the next run of the same path (-1: none). */
  nextRun: Int32Array;
  paths: string[];
  /** Per path: its first run, and the length of the path as written (the same in each of its rows). */
  firstRun: Int32Array;
  rawLen: Int32Array;
  /** Per path found to hold a replaced row: the starts of its live rows (liveRow). */
  settled: Map<number, Set<number>>;
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
function decodePath(written: string): string | undefined {
  if (!/[^\x20-\x7e]|\\/.test(written)) return written; // printable ASCII, no escape: as written
  const body = utf8Of(written);
  if (!body.includes('\\')) return body;
  try {
    return JSON.parse(`"${body}"`) as string;
  } catch {
    return undefined;
  }
}

/**
 * A run of rows: a row `["k","<path>"...` and the lines after it that start as rows of the same
 * path (any kind), the path compared by a back-reference. The regex engine runs this as native
 * code from the first call, where a JavaScript pass per line (a path compare each) ran interpreted
 * for most of a command's one pass. At most 65,536 rows a run: the engine's backtrack stack holds
 * a few million (a longer run is just cut in two).
 */
const RUN = /\["[a-zA-Z]","((?:[^"\\\n]|\\.)*)"[^\n]*(?:\n\["[a-zA-Z]","\1"[^\n]*){0,65535}/y;

/** A journal's bytes as a latin1 string (one character per byte) for the raw patterns. */
export function readJournalBytes(file: string): string {
  try {
    return readFileSync(file, 'latin1');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    return '';
  }
}

export const readTextJournal = (file: string): TextJournal => indexJournal(readJournalBytes(file));

/** The run pass: where each run of one path's rows is, and each path's runs in order. */
export function indexJournal(raw: string): TextJournal {
  const runStart: number[] = [];
  const runEnd: number[] = [];
  const runPath: number[] = [];
  const nextRun: number[] = [];
  const paths: string[] = [];
  const firstRun: number[] = [];
  const lastRun: number[] = [];
  const rawLen: number[] = [];
  const byWritten = new Map<string, number>();
  let at = 0;
  while (at < raw.length) {
    RUN.lastIndex = at;
    const m = RUN.exec(raw);
    const written = m?.[1];
    let p = written === undefined ? undefined : byWritten.get(written);
    if (written !== undefined && p === undefined) {
      const decoded = decodePath(written);
      // -1: a path that does not decode (a foreign journal); its rows are skipped, run by run.
      p = decoded === undefined ? -1 : paths.length;
      byWritten.set(written, p);
      if (decoded !== undefined) {
        paths.push(decoded);
        firstRun.push(-1);
        lastRun.push(-1);
        rawLen.push(written.length);
      }
    }
    if (p === undefined) {
      // Not a row (a torn or foreign line): on to the next line.
      const nl = raw.indexOf('\n', at);
      at = nl < 0 ? raw.length : nl + 1;
      continue;
    }
    if (p < 0) {
      // Rows of a path that does not decode: all of this run, not again line by line.
      at = RUN.lastIndex + 1;
      continue;
    }
    const r = runStart.length;
    runStart.push(at);
    runEnd.push(RUN.lastIndex);
    runPath.push(p);
    nextRun.push(-1);
    if (lastRun[p]! < 0) firstRun[p] = r;
    else nextRun[lastRun[p]!] = r;
    lastRun[p] = r;
    at = RUN.lastIndex + 1;
  }
  return {
    raw,
    runs: runStart.length,
    runStart: Int32Array.from(runStart),
    runEnd: Int32Array.from(runEnd),
    runPath: Int32Array.from(runPath),
    nextRun: Int32Array.from(nextRun),
    paths,
    firstRun: Int32Array.from(firstRun),
    rawLen: Int32Array.from(rawLen),
    settled: new Map(),
  };
}

/** The end of the row starting at `s` in run `r` (its newline, or the run's end). */
function rowEnd(j: TextJournal, r: number, s: number): number {
  const nl = j.raw.indexOf('\n', s);
  return nl < 0 || nl > j.runEnd[r]! ? j.runEnd[r]! : nl;
}

/** Where the id of the row starting at `s` (path `p`) starts; -1: none (an X row, or a torn or foreign row). */
function idStartOf(j: TextJournal, p: number, s: number): number {
  const pathEnd = s + 6 + j.rawLen[p]!;
  return j.raw.charCodeAt(s + 2) !== K_X && j.raw.charCodeAt(pathEnd + 1) === 44 && j.raw.charCodeAt(pathEnd + 2) === QUOTE ? pathEnd + 3 : -1;
}

/** The id of the row starting at `s` as written, with its closing quote (a row whose id starts so has exactly this id); undefined: none. */
function idOf(j: TextJournal, p: number, s: number, e: number): string | undefined {
  const from = idStartOf(j, p, s);
  if (from < 0) return undefined;
  // Ids rarely hold an escape: the first quote ends one that has no backslash before it.
  const quote = j.raw.indexOf('"', from);
  const plain = quote >= 0 && quote < e && !j.raw.slice(from, quote).includes('\\');
  const to = plain ? quote : stringEnd(j.raw, from, e);
  return to < 0 ? undefined : j.raw.slice(from, to + 1);
}

/**
 * Whether a reader keeps the row at `s` (run `r`, ending at `e`): no later row of its path is an X
 * row or has its key (kind and id). A row without an id (torn or foreign) is replaced only by an X.
 * The first question about a path scans the rows after this one; once a path turns out to hold a
 * replaced row, all of its rows are settled once (liveRowsOf), so a path of many replaced rows
 * that hold a term costs one pass, not one per row.
 */
function liveRow(j: TextJournal, r: number, s: number, e: number): boolean {
  const p = j.runPath[r]!;
  const settled = j.settled.get(p);
  if (settled) return settled.has(s);
  if (laterRowsKeep(j, r, s, e)) return true;
  j.settled.set(p, new Set(liveRowsOf(j, p).map(([start]) => start)));
  return false;
}

/** liveRow by a scan of the rows of the path after the one at `s`. */
function laterRowsKeep(j: TextJournal, r: number, s: number, e: number): boolean {
  const p = j.runPath[r]!;
  const id = idOf(j, p, s, e);
  const kind = j.raw.charCodeAt(s + 2);
  const raw = j.raw;
  for (let run = r, at = e + 1; run >= 0; run = j.nextRun[run]!, at = run >= 0 ? j.runStart[run]! : 0) {
    const end = j.runEnd[run]!;
    while (at < end) {
      const k = raw.charCodeAt(at + 2);
      if (k === K_X) return false;
      if (id !== undefined && k === kind) {
        const from = idStartOf(j, p, at);
        if (from >= 0 && raw.startsWith(id, from)) return false;
      }
      const nl = raw.indexOf('\n', at);
      at = nl < 0 ? raw.length : nl + 1;
    }
  }
  return true;
}

/** Every row of path `p` a reader keeps, in journal order: [start, end] of each, settled last to first. */
function liveRowsOf(j: TextJournal, p: number): Array<[number, number]> {
  const rows: Array<[number, number]> = [];
  for (let r = j.firstRun[p]!; r >= 0; r = j.nextRun[r]!) {
    for (let at = j.runStart[r]!; at < j.runEnd[r]!; ) {
      const e = rowEnd(j, r, at);
      rows.push([at, e]);
      at = e + 1;
    }
  }
  const seen = new Set<string>();
  const live: Array<[number, number]> = [];
  for (let k = rows.length - 1; k >= 0; k--) {
    const [s, e] = rows[k]!;
    const kind = j.raw.charCodeAt(s + 2);
    if (kind === K_X) break; // it and every row before it are replaced
    const id = idOf(j, p, s, e);
    if (id === undefined) {
      live.push([s, e]); // no id to be replaced by: its decode fails or stands alone
      continue;
    }
    const key = String.fromCharCode(kind) + id;
    if (seen.has(key)) continue;
    seen.add(key);
    live.push([s, e]);
  }
  return live.reverse();
}

function decode(j: TextJournal, s: number, e: number): TextRow | undefined {
  try {
    return JSON.parse(utf8Of(j.raw.slice(s, e))) as TextRow;
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

/** Binary search: the run holding offset `at` (-1: before the first, or between runs). */
function runAt(j: TextJournal, at: number): number {
  let lo = 0;
  let hi = j.runs - 1;
  if (hi < 0 || at < j.runStart[0]!) return -1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (j.runStart[mid]! <= at) lo = mid;
    else hi = mid - 1;
  }
  return at <= j.runEnd[lo]! ? lo : -1;
}

/**
 * Whether some term occurs in no text a search reads: its raw pattern hits none of the journals'
 * bytes (a raw miss is a real miss) and no pending row holds it. Then no session matches, and the
 * run pass over the journals is not needed.
 */
export function surelyMissing(journals: readonly string[], q: Query, allText: boolean, pending: readonly TextRow[] = []): boolean {
  const texts = pending.filter((r) => r[0] === 'p' || r[0] === 'a' || (allText && r[0] === 'o')).map((r) => String(r[4]));
  return q.terms.some((term, t) => {
    const raw = rawPattern(term);
    if (!raw) return false;
    const inJournal = journals.some((j) => {
      raw.lastIndex = 0;
      return raw.test(j);
    });
    return !inJournal && !texts.some((x) => q.res[t]!.test(x));
  });
}

/**
 * The paths among `paths` whose live text (prompts and answers; tool output with `allText`) holds
 * every term, plus the pending rows a read-only reader holds in memory.
 */
export function pathsHoldingAll(journals: readonly TextJournal[], q: Query, paths: ReadonlySet<string>, allText: boolean, pending: readonly TextRow[] = []): Set<string> {
  const counts = (k: number): boolean => k === 112 || k === 97 || (allText && k === 111); // p, a, o
  // Pending rows: an X there also kills the path's journal rows.
  const pendingReset = new Set<string>();
  const pendingItems = new Map<string, string[]>();
  for (const r of pending) {
    if (!paths.has(r[1])) continue;
    if (r[0] === 'X') {
      pendingReset.add(r[1]);
      pendingItems.delete(r[1]);
    } else if (r[0] === 'p' || r[0] === 'a' || (allText && r[0] === 'o')) {
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
    for (const j of journals) {
      // Per path, whether its rows may still add to this term: a candidate, not reset by a pending
      // X, not found already, not out on an earlier term.
      const wants = new Uint8Array(j.paths.length);
      for (let k = 0; k < wants.length; k++) {
        const p = j.paths[k]!;
        if (paths.has(p) && !pendingReset.has(p) && !found.has(p) && (!holding || holding.has(p))) wants[k] = 1;
      }
      /** Checks the row at [s, e) of run r: whether the rest of its run can still add anything. */
      const check = (r: number, s: number, e: number): boolean => {
        const p = j.runPath[r]!;
        if (!wants[p]) return false;
        if (!counts(j.raw.charCodeAt(s + 2))) return true;
        const row = decode(j, s, e);
        if (!row || !re.test(String(row[4])) || !liveRow(j, r, s, e)) return true;
        found.add(j.paths[p]!);
        wants[p] = 0;
        return false;
      };
      if (!raw) {
        for (let r = 0; r < j.runs; r++) {
          for (let s = j.runStart[r]!; s < j.runEnd[r]!; ) {
            const e = rowEnd(j, r, s);
            if (!check(r, s, e)) break;
            s = e + 1;
          }
        }
        continue;
      }
      raw.lastIndex = 0;
      for (let m = raw.exec(j.raw); m; m = raw.exec(j.raw)) {
        const r = runAt(j, m.index);
        if (r < 0) {
          // In a line that is no row: on from its end.
          const nl = j.raw.indexOf('\n', m.index);
          raw.lastIndex = nl < 0 ? j.raw.length : nl;
          continue;
        }
        const s = Math.max(j.runStart[r]!, j.raw.lastIndexOf('\n', m.index) + 1);
        const e = rowEnd(j, r, s);
        // On from the end of this row (the rest of it adds nothing), or of its run.
        raw.lastIndex = Math.max(raw.lastIndex, check(r, s, e) ? e : j.runEnd[r]!);
      }
    }
    holding = holding ? new Set([...holding].filter((p) => found.has(p))) : found;
    if (holding.size === 0) break;
  }
  return holding ?? new Set();
}

/**
 * Every live text item of the given paths (pending rows last), by path, each in time order; with
 * `q`, only those that may hold one of its words (every item that does).
 */
export function itemsOf(journals: readonly TextJournal[], paths: ReadonlySet<string>, pending: readonly TextRow[] = [], q?: Query): Map<string, TextItem[]> {
  // With a query whose every word has a raw pattern, only rows whose bytes hit one are decoded:
  // a row that hits none holds no word (a snippet shows only items holding one).
  const raws = q?.terms.map((t) => rawPattern(t));
  const only = raws && raws.length > 0 && raws.every((r) => r !== undefined) ? raws.map((r) => new RegExp(r!.source)) : undefined;
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
    j.paths.forEach((path, p) => {
      if (!paths.has(path)) return;
      for (const [s, e] of liveRowsOf(j, p)) {
        if (j.raw.charCodeAt(s + 2) === K_F) continue;
        if (only && !only.some((re) => re.test(j.raw.slice(s, e)))) continue;
        const r = decode(j, s, e);
        if (r) apply(r);
      }
    });
  }
  for (const r of pending) if (paths.has(r[1])) apply(r);
  const out = new Map<string, TextItem[]>();
  for (const [path, m] of byPath) out.set(path, [...m.values()].sort((a, b) => a.ts - b.ts || (a.id < b.id ? -1 : 1)));
  return out;
}
