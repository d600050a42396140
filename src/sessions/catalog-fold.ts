// The listing journal's rows folded into one slot per transcript file: the session it names, its cwd,
// its time span and its first typed prompt. A slot built from the whole journal keeps every prompt
// (a later row with the same uuid replaces the earlier one), so its first prompt is exact. A slot
// read back from a catalog snapshot (catalog-snapshot.ts) holds only its first prompt: a row that
// moves that very prompt later cannot be applied exactly (the next one is not known), and apply()
// says so, so the caller reads the whole journal instead. The sink never writes such a row (a
// prompt's uuid and time come from the same transcript line), but the answer must not depend on it.
import type { MetaRow } from './index-file.js';

export interface PromptLine {
  uuid: string;
  ts: number;
  short: string;
}

export interface Slot {
  path: string;
  /** '' until a file row names it. */
  sessionId: string;
  cwd: string;
  /** Infinity / -Infinity until a time-span row. */
  firstTs: number;
  lastTs: number;
  /** The first prompt (time, then uuid order). */
  first: PromptLine | undefined;
  /** Every prompt by uuid; absent on a slot read from a snapshot (only `first` is known there). */
  prompts?: Map<string, PromptLine>;
}

const before = (a: PromptLine, b: PromptLine): boolean => a.ts < b.ts || (a.ts === b.ts && a.uuid < b.uuid);

export class CatalogFold {
  readonly slots = new Map<string, Slot>();

  /** Applies one row; false when it cannot be applied exactly to a slot read from a snapshot. */
  apply(r: MetaRow): boolean {
    const path = r[1];
    if (typeof path !== 'string') return true; // a foreign row: ignored like a torn line
    if (r[0] === 'X') {
      this.slots.delete(path);
      return true;
    }
    let s = this.slots.get(path);
    if (!s) {
      s = { path, sessionId: '', cwd: '', firstTs: Infinity, lastTs: -Infinity, first: undefined, prompts: new Map() };
      this.slots.set(path, s);
    }
    if (r[0] === 'F') {
      s.sessionId = String(r[2]);
      if (r[3] !== '' || s.cwd === '') s.cwd = String(r[3]);
    } else if (r[0] === 'W') {
      // A span that is not two numbers (a foreign row) is ignored: it would hide the session.
      const [a, b] = [Number(r[2]), Number(r[3])];
      if (!Number.isFinite(a) || !Number.isFinite(b)) return true;
      s.firstTs = Math.min(s.firstTs, a);
      s.lastTs = Math.max(s.lastTs, b);
    } else if (r[0] === 'q') {
      const p: PromptLine = { uuid: String(r[2]), ts: Number(r[3]), short: String(r[4]) };
      if (!Number.isFinite(p.ts)) return true;
      if (s.prompts) {
        s.prompts.set(p.uuid, p);
        if (s.first === undefined || before(p, s.first)) s.first = p;
        else if (s.first.uuid === p.uuid) s.first = p.ts <= s.first.ts ? p : minOf(s.prompts);
      } else if (s.first === undefined || p.uuid !== s.first.uuid) {
        if (s.first === undefined || before(p, s.first)) s.first = p;
      } else {
        // The first prompt itself again: still first unless it moved later.
        if (p.ts > s.first.ts) return false;
        s.first = p;
      }
    }
    return true;
  }
}

function minOf(prompts: Map<string, PromptLine>): PromptLine | undefined {
  let m: PromptLine | undefined;
  for (const p of prompts.values()) if (m === undefined || before(p, m)) m = p;
  return m;
}
