// Search over the text journal without decoding all of it. The journal is JSON lines, and JSON
// writes every character of a term as itself unless it is a quote, a backslash or a control
// character; so a line whose text holds a term holds the term's characters in its raw bytes too.
// Each term is first looked for in the raw journal (one regex pass over the file); only the lines it
// hits are decoded and checked for real (the raw hit may be in a path, or across an escape), and a
// session found to hold a term is not checked again for it. Exactness rests on that one-way
// implication: a raw miss is a real miss. Terms with characters JSON escapes skip the raw pass.
import { readFileSync } from 'node:fs';
import type { TextItem } from './catalog.js';
import type { TextRow } from './index-file.js';
import type { Query } from './search.js';

interface Line {
  start: number;
  end: number;
  kind: string;
  path: string;
  key: string;
  live?: boolean;
}

export interface TextJournal {
  raw: string;
  lines: Line[];
  /** Index of each path's last `X` row (rows before it are dead). */
  lastReset: Map<string, number>;
}

/** End (index of the closing quote) of the JSON string whose body starts at `i`, or -1. */
function stringEnd(raw: string, i: number, end: number): number {
  for (; i < end; i++) {
    const c = raw.charCodeAt(i);
    if (c === 92) i++;
    else if (c === 34) return i;
  }
  return -1;
}

const unquote = (body: string): string | undefined => {
  if (!body.includes('\\')) return body;
  try {
    return JSON.parse(`"${body}"`) as string;
  } catch {
    return undefined;
  }
};

/** A row's kind, path and id (the key a later row replaces it by), read without decoding the row. */
function headOf(raw: string, start: number, end: number): { kind: string; path: string; id: string } | undefined {
  // ["k","<path>","<id>",...   (X rows: ["X","<path>"])
  if (raw.charCodeAt(start) !== 91 || raw.charCodeAt(start + 1) !== 34 || raw.charCodeAt(start + 3) !== 34) return undefined;
  const kind = raw[start + 2]!;
  const pathEnd = stringEnd(raw, start + 6, end);
  if (pathEnd < 0) return undefined;
  const path = unquote(raw.slice(start + 6, pathEnd));
  if (path === undefined) return undefined;
  if (kind === 'X') return { kind, path, id: '' };
  if (raw.charCodeAt(pathEnd + 2) !== 34) return undefined;
  const idEnd = stringEnd(raw, pathEnd + 3, end);
  if (idEnd < 0) return undefined;
  return { kind, path, id: raw.slice(pathEnd + 3, idEnd) };
}

export function readTextJournal(file: string): TextJournal {
  let raw = '';
  try {
    raw = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const lines: Line[] = [];
  const lastReset = new Map<string, number>();
  const lastOfKey = new Map<string, number>();
  let at = 0;
  while (at < raw.length) {
    let nl = raw.indexOf('\n', at);
    if (nl < 0) nl = raw.length;
    const h = nl > at ? headOf(raw, at, nl) : undefined;
    if (h !== undefined) {
      if (h.kind === 'X') lastReset.set(h.path, lines.length);
      else lastOfKey.set(`${h.path}\0${h.kind}${h.id}`, lines.length);
      lines.push({ start: at, end: nl, kind: h.kind, path: h.path, key: `${h.path}\0${h.kind}${h.id}` });
    }
    at = nl + 1;
  }
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!;
    l.live = i > (lastReset.get(l.path) ?? -1) && l.kind !== 'X' && lastOfKey.get(l.key) === i;
  }
  return { raw, lines, lastReset };
}

/** Not replaced: after its path's last X row, and the last row with its key. */
const live = (j: TextJournal, i: number): boolean => j.lines[i]!.live === true;

function decode(j: TextJournal, i: number): TextRow | undefined {
  const l = j.lines[i]!;
  try {
    return JSON.parse(j.raw.slice(l.start, l.end)) as TextRow;
  } catch {
    return undefined; // torn line (a kill mid-append)
  }
}

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The raw-journal form of a term, or undefined when JSON would escape one of its characters. */
function rawPattern(term: string): RegExp | undefined {
  // A quote, a backslash, a control character or a lone surrogate is escaped in the raw line.
  if (/["\\\u0000-\u001f]|\p{Cs}/u.test(term)) return undefined;
  // A phrase's whitespace may be an escaped newline or tab in the raw line; never a line break.
  return new RegExp(term.split(' ').map(escape).join('(?:[^\\S\\n]|\\\\[nrtfb]|\\\\u[0-9a-fA-F]{4})+'), 'giu');
}

/** Binary search: the line holding offset `at`. */
function lineAt(j: TextJournal, at: number): number {
  let lo = 0;
  let hi = j.lines.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (j.lines[mid]!.start <= at) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/**
 * The paths among `paths` whose live text (prompts and answers; tool output with `allText`) holds
 * every term, plus the pending rows a read-only reader holds in memory.
 */
export function pathsHoldingAll(j: TextJournal, q: Query, paths: ReadonlySet<string>, allText: boolean, pending: readonly TextRow[] = []): Set<string> {
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
    const check = (i: number): void => {
      const l = j.lines[i]!;
      if (found.has(l.path) || !paths.has(l.path) || pendingReset.has(l.path) || !counts(l.kind) || !live(j, i)) return;
      if (holding && !holding.has(l.path)) return; // already out on an earlier term
      const r = decode(j, i);
      if (r && re.test(String(r[4]))) found.add(l.path);
    };
    const raw = rawPattern(q.terms[t]!);
    if (raw) {
      for (let m = raw.exec(j.raw); m; m = raw.exec(j.raw)) {
        const i = lineAt(j, m.index);
        check(i);
        // The rest of this line adds nothing: go on from its end.
        raw.lastIndex = Math.max(raw.lastIndex, j.lines[i]!.end);
      }
    } else {
      for (let i = 0; i < j.lines.length; i++) check(i);
    }
    holding = holding ? new Set([...holding].filter((p) => found.has(p))) : found;
    if (holding.size === 0) break;
  }
  return holding ?? new Set();
}

/** Every live text item of the given paths (pending rows last), by path, each in time order. */
export function itemsOf(j: TextJournal, paths: ReadonlySet<string>, pending: readonly TextRow[] = []): Map<string, TextItem[]> {
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
  for (let i = 0; i < j.lines.length; i++) {
    const l = j.lines[i]!;
    if (!paths.has(l.path) || !live(j, i) || l.kind === 'X' || l.kind === 'f') continue;
    const r = decode(j, i);
    if (r) apply(r);
  }
  for (const r of pending) if (paths.has(r[1])) apply(r);
  const out = new Map<string, TextItem[]>();
  for (const [path, m] of byPath) out.set(path, [...m.values()].sort((a, b) => a.ts - b.ts || (a.id < b.id ? -1 : 1)));
  return out;
}
