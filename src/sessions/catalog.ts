// The index read back: the journals folded into one entry per transcript file (a forked session has
// one per folder), with the rows a read-only reader holds in memory folded in last.
import { basename, dirname } from 'node:path';
import { indexFiles, pathNeedles, readRows, type MetaRow, type TextRow } from './index-file.js';

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
 * One session's text items and the files its tools (its subagents' included) touched, from one read
 * of the text journal that decodes only the rows of that transcript and its subagents.
 */
export function loadSession(stateDir: string, path: string, pending?: Pending): { items: TextItem[]; files: Map<string, Set<string>> } {
  // <dir>/<id>.jsonl: its subagents write <dir>/<id>/subagents/*.jsonl.
  const subDir = `${path.replace(/\.jsonl$/, '')}/subagents/`;
  const items = new Map<string, TextItem>();
  const touched = new Map<string, Map<string, [string, string]>>();
  const apply = (r: TextRow): void => {
    const p = r[1];
    const own = p === path;
    if (!own && !p.startsWith(subDir)) return;
    if (r[0] === 'X') {
      touched.delete(p);
      if (own) items.clear();
    } else if (r[0] === 'f') {
      let m = touched.get(p);
      if (!m) touched.set(p, (m = new Map()));
      m.set(String(r[2]), [String(r[4]), String(r[5])]);
    } else if (own) {
      const k = r[0] as TextItem['k'];
      items.set(k + r[2], { k, id: String(r[2]), ts: Number(r[3]), text: String(r[4]) });
    }
  };
  for (const r of readRows<TextRow>(indexFiles(stateDir).text, [...pathNeedles(path), ...pathNeedles(subDir, true)])) apply(r);
  for (const r of pending?.text ?? []) apply(r);
  const files = new Map<string, Set<string>>();
  for (const m of touched.values()) {
    for (const [target, tool] of m.values()) {
      let s = files.get(target);
      if (!s) files.set(target, (s = new Set()));
      s.add(tool);
    }
  }
  return { items: [...items.values()].sort((a, b) => a.ts - b.ts || (a.id < b.id ? -1 : 1)), files };
}
