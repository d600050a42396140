// The index read back: the journals folded into one entry per transcript file (a forked session has
// one per folder), with the rows a read-only reader holds in memory folded in last.
import { basename, dirname } from 'node:path';
import { indexFiles, pathNeedle, readRows, type MetaRow, type TextRow } from './index-file.js';

export interface PromptLine {
  uuid: string;
  ts: number;
  short: string;
}

export interface SessionEntry {
  path: string;
  /** The folder under projects/ holding the transcript. */
  folder: string;
  sessionId: string;
  /** The cwd the transcript's lines name (redacted like every cwd ccotel keeps). */
  cwd: string;
  firstTs: number;
  lastTs: number;
  /** Typed prompts (short form), in time order. */
  prompts: PromptLine[];
}

export interface TextItem {
  /** p: prompt, a: assistant text, o: tool output. */
  k: 'p' | 'a' | 'o';
  id: string;
  ts: number;
  text: string;
}

export interface Pending {
  meta: readonly MetaRow[];
  text: readonly TextRow[];
}

/**
 * Every indexed session file. `present` (the transcripts listed just now) drops files that are gone:
 * after the guide's folder rename only the new path remains.
 */
export function loadCatalog(stateDir: string, pending?: Pending, present?: ReadonlySet<string>): SessionEntry[] {
  const byPath = new Map<string, { e: SessionEntry; prompts: Map<string, PromptLine> }>();
  const apply = (r: MetaRow): void => {
    const path = r[1];
    if (r[0] === 'X') {
      byPath.delete(path);
      return;
    }
    let s = byPath.get(path);
    if (!s) {
      s = { e: { path, folder: basename(dirname(path)), sessionId: '', cwd: '', firstTs: Infinity, lastTs: -Infinity, prompts: [] }, prompts: new Map() };
      byPath.set(path, s);
    }
    if (r[0] === 'F') {
      s.e.sessionId = String(r[2]);
      if (r[3] !== '' || s.e.cwd === '') s.e.cwd = String(r[3]);
    } else if (r[0] === 'W') {
      s.e.firstTs = Math.min(s.e.firstTs, Number(r[2]));
      s.e.lastTs = Math.max(s.e.lastTs, Number(r[3]));
    } else if (r[0] === 'q') {
      s.prompts.set(String(r[2]), { uuid: String(r[2]), ts: Number(r[3]), short: String(r[4]) });
    }
  };
  for (const r of readRows<MetaRow>(indexFiles(stateDir).meta)) apply(r);
  for (const r of pending?.meta ?? []) apply(r);
  const out: SessionEntry[] = [];
  for (const { e, prompts } of byPath.values()) {
    if (!e.sessionId || !Number.isFinite(e.firstTs)) continue;
    if (present && !present.has(e.path)) continue;
    e.prompts = [...prompts.values()].sort((a, b) => a.ts - b.ts || (a.uuid < b.uuid ? -1 : 1));
    out.push(e);
  }
  // Most recent activity first; ties in a stable order.
  return out.sort((a, b) => b.lastTs - a.lastTs || (a.path < b.path ? -1 : 1));
}

/**
 * The text items of the given files, by path, each in time order. A single file's rows are picked
 * out of the journal by their path (no parse of every other session's text).
 */
export function loadTexts(stateDir: string, paths: ReadonlySet<string>, pending?: Pending): Map<string, TextItem[]> {
  const byPath = new Map<string, Map<string, TextItem>>();
  const apply = (r: TextRow): void => {
    const path = r[1];
    if (!paths.has(path) || r[0] === 'f') return;
    if (r[0] === 'X') {
      byPath.delete(path);
      return;
    }
    let m = byPath.get(path);
    if (!m) byPath.set(path, (m = new Map()));
    const k = r[0] as TextItem['k'];
    m.set(k + r[2], { k, id: String(r[2]), ts: Number(r[3]), text: String(r[4]) });
  };
  const needles = paths.size === 1 ? [pathNeedle([...paths][0]!)] : undefined;
  for (const r of readRows<TextRow>(indexFiles(stateDir).text, needles)) apply(r);
  for (const r of pending?.text ?? []) apply(r);
  const out = new Map<string, TextItem[]>();
  for (const [path, m] of byPath) out.set(path, [...m.values()].sort((a, b) => a.ts - b.ts || (a.id < b.id ? -1 : 1)));
  return out;
}

/** Files the tools of one session touched (its subagents' included): target → tool names. */
export function loadFiles(stateDir: string, path: string, pending?: Pending): Map<string, Set<string>> {
  // <dir>/<id>.jsonl: its subagents write <dir>/<id>/subagents/*.jsonl.
  const subDir = `${path.replace(/\.jsonl$/, '')}/subagents/`;
  const rows = new Map<string, Map<string, [string, string]>>();
  const apply = (r: TextRow): void => {
    const p = r[1];
    if (p !== path && !p.startsWith(subDir)) return;
    if (r[0] === 'X') rows.delete(p);
    else if (r[0] === 'f') {
      let m = rows.get(p);
      if (!m) rows.set(p, (m = new Map()));
      m.set(String(r[2]), [String(r[4]), String(r[5])]);
    }
  };
  for (const r of readRows<TextRow>(indexFiles(stateDir).text, [pathNeedle(path), pathNeedle(subDir, true)])) apply(r);
  for (const r of pending?.text ?? []) apply(r);
  const out = new Map<string, Set<string>>();
  for (const m of rows.values()) {
    for (const [target, tool] of m.values()) {
      let s = out.get(target);
      if (!s) out.set(target, (s = new Set()));
      s.add(tool);
    }
  }
  return out;
}
