// The index read back: the listing journal folded into one entry per transcript file (a forked
// session has one per folder) through its snapshot (catalog-snapshot.ts), with the rows a read-only
// reader holds in memory folded in last.
import { statSync } from 'node:fs';
import { indexFiles, pathNeedles, readRows, type MetaRow, type TextRow } from './index-file.js';
import { foldJournal } from './catalog-snapshot.js';
import type { CatalogFold, PromptLine } from './catalog-fold.js';

export type { PromptLine } from './catalog-fold.js';

export interface SessionEntry {
  path: string;
  /** The folder under projects/ holding the transcript. */
  folder: string;
  sessionId: string;
  /** The cwd the transcript's lines name (redacted like every cwd ccotel keeps). */
  cwd: string;
  firstTs: number;
  lastTs: number;
  /** The first typed prompt (short form). */
  firstPrompt: PromptLine | undefined;
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

// Separators as node:path reads them on this platform.
const WIN = process.platform === 'win32';
const lastSep = (p: string, before: number): number => (WIN ? Math.max(p.lastIndexOf('/', before), p.lastIndexOf('\\', before)) : p.lastIndexOf('/', before));

/** The name of the folder holding a file (basename(dirname(p)), without node:path's cost per call). */
export function folderOfPath(p: string): string {
  const end = lastSep(p, p.length);
  return end < 0 ? '.' : p.slice(lastSep(p, end - 1) + 1, end);
}

/**
 * Every indexed session file, most recent activity first. `present` (the transcripts listed just
 * now) drops files that are gone: after the guide's folder rename only the new path remains.
 * `useSnapshot` false folds the whole journal (the tests' reference answer).
 */
export function loadCatalog(stateDir: string, pending?: Pending, present?: { has(path: string): boolean }, useSnapshot = true, cache?: CatalogCache): SessionEntry[] {
  const extra = pending?.meta ?? [];
  // The cached fold is shared between questions: only read, so only used when no row is pending.
  let fold = cache && extra.length === 0 ? cache.fold() : foldJournal(stateDir, useSnapshot).fold;
  // A pending row the snapshot's slots cannot take exactly: the whole journal, then the rows.
  if (!extra.every((r) => fold.apply(r))) {
    fold = foldJournal(stateDir, false).fold;
    for (const r of extra) fold.apply(r);
  }
  const out: SessionEntry[] = [];
  for (const s of fold.slots.values()) {
    if (!s.sessionId || !Number.isFinite(s.firstTs)) continue;
    if (present && !present.has(s.path)) continue;
    out.push({ path: s.path, folder: folderOfPath(s.path), sessionId: s.sessionId, cwd: s.cwd, firstTs: s.firstTs, lastTs: s.lastTs, firstPrompt: s.first });
  }
  // Most recent activity first; ties in a stable order.
  return out.sort((a, b) => b.lastTs - a.lastTs || (a.path < b.path ? -1 : 1));
}

/**
 * The listing journal folded once per version of the file rather than once per question, for the
 * process that writes it and answers many questions between its writes (the daemon's query
 * server): a question costs the listing, not parsing the catalog snapshot again (2-10 ms, and its
 * garbage in the daemon's heap). The version is the file's inode, size and times; its only writer
 * appends to it or replaces it by rename.
 */
export class CatalogCache {
  private last: { key: string; fold: CatalogFold } | undefined;

  constructor(private readonly stateDir: string) {}

  /** The journal's fold as it is now. Callers must not change it. */
  fold(): CatalogFold {
    const meta = indexFiles(this.stateDir).meta;
    const st = statSync(meta, { throwIfNoEntry: false });
    const key = st ? `${st.ino}:${st.size}:${st.mtimeMs}:${st.ctimeMs}` : '';
    // Folded after the stat: a write in between makes the next question fold again, never miss it.
    if (this.last?.key !== key) this.last = { key, fold: foldJournal(this.stateDir).fold };
    return this.last.fold;
  }
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
  // One needle for both (one pass over the journal): the transcript's path without `.jsonl` starts
  // its own rows' paths and its subagents'; apply() keeps exactly those.
  for (const r of readRows<TextRow>(indexFiles(stateDir).text, pathNeedles(path.replace(/\.jsonl$/, ''), true))) apply(r);
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
