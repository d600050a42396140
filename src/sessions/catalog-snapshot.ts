// The listing journal folded once and saved (sessions/catalog.json), so a listing reads one line per
// session instead of every update of every session. The journal stays the source of truth: the
// snapshot names the journal length it covers (with the journal's inode and its last covered bytes,
// so a journal rewritten by compaction or replaced is never taken for the same one), and a reader
// replays the rest of the journal on top. A snapshot that is missing, torn, of another version, or
// does not match the journal is ignored: the reader folds the whole journal, as without one.
// Only the process that owns the state (the sessions sink's flush) writes it, atomically.
import { closeSync, fstatSync, openSync, readFileSync, readSync, rmSync, statSync } from 'node:fs';
import { writeFileAtomic } from '../state/atomic-file.js';
import { CatalogFold, type Slot } from './catalog-fold.js';
import { indexFiles, type MetaRow } from './index-file.js';

export const CATALOG_FORMAT = 'ccotel-sessions-catalog';
// 2: paths as a folder index and a file name, the session id left out when it is the file's name.
export const CATALOG_VERSION = 2;
/** Bytes before the covered length kept in the header to recognize the journal. */
const TAIL = 64;
/**
 * A new snapshot once the journal has grown past it by a quarter of the snapshot's size, and at
 * least 64 kB: the replay is what a listing pays (~1 ms per 64 kB), the rewrite what a commit pays.
 */
const replayLimit = (snapshotBytes: number): number => Math.max(64 << 10, snapshotBytes / 4);

interface Header {
  format: string;
  version: number;
  /** Length of the listing journal the slots hold, its inode, and its last TAIL bytes (base64). */
  metaBytes: number;
  metaIno: number;
  metaTail: string;
  /** Length of the slots' line (a snapshot cut short is seen without reading it). */
  slotsBytes: number;
}

/**
 * The slots' line: [folders, cwds, slots], each slot [folder index, file name, sessionId (0: the file
 * name without .jsonl), cwd index, firstTs, lastTs, first prompt [uuid, ts, short] | 0] (no span
 * yet: null, null). Folders and cwds repeat across a project's sessions: written once, the line is
 * half as long to read and parse.
 */
type SlotRow = [number, string, string | 0, number, number | null, number | null, [string, number, string] | 0];
type SlotsLine = [string[], string[], SlotRow[]];
const stemOf = (name: string): string => (name.endsWith('.jsonl') ? name.slice(0, -6) : name);

export const catalogFile = (stateDir: string): string => indexFiles(stateDir).catalog;

/** The listing journal folded: from the snapshot and the journal's rest when they match, else all of it. */
export interface FoldedJournal {
  fold: CatalogFold;
  /** The journal as read: its length, inode and last TAIL bytes. */
  bytes: number;
  ino: number;
  tail: string;
  /** Whether a snapshot was used. */
  fromSnapshot: boolean;
}

function parseLines(text: string, apply: (r: MetaRow) => boolean): boolean {
  let at = 0;
  while (at < text.length) {
    let nl = text.indexOf('\n', at);
    if (nl < 0) nl = text.length;
    if (nl > at) {
      let r: MetaRow | undefined;
      try {
        r = JSON.parse(text.slice(at, nl)) as MetaRow;
      } catch {
        // torn or foreign line: the bytes it covered are re-read only by --rebuild
      }
      if (Array.isArray(r) && !apply(r)) return false;
    }
    at = nl + 1;
  }
  return true;
}

function parseHeader(line: string): Header | undefined {
  try {
    const h = JSON.parse(line) as Header;
    const ok = h.format === CATALOG_FORMAT && h.version === CATALOG_VERSION && Number.isSafeInteger(h.metaBytes) && h.metaBytes >= 0 && typeof h.metaIno === 'number' && typeof h.metaTail === 'string' && Number.isSafeInteger(h.slotsBytes);
    return ok ? h : undefined;
  } catch {
    return undefined;
  }
}

function slotsOf(line: string): Slot[] | undefined {
  try {
    const [dirs, cwds, rows] = JSON.parse(line) as SlotsLine;
    if (!Array.isArray(dirs) || !Array.isArray(cwds) || !Array.isArray(rows)) return undefined;
    const out: Slot[] = [];
    for (const r of rows) {
      if (!Array.isArray(r) || r.length !== 7 || typeof dirs[r[0]] !== 'string' || typeof r[1] !== 'string' || (typeof r[2] !== 'string' && r[2] !== 0) || typeof cwds[r[3]] !== 'string' || (typeof r[4] !== 'number' && r[4] !== null) || (typeof r[5] !== 'number' && r[5] !== null)) return undefined;
      const p = r[6];
      out.push({ path: dirs[r[0]] + r[1], sessionId: r[2] === 0 ? stemOf(r[1]) : r[2], cwd: cwds[r[3]]!, firstTs: r[4] ?? Infinity, lastTs: r[5] ?? -Infinity, first: Array.isArray(p) ? { uuid: String(p[0]), ts: Number(p[1]), short: String(p[2]) } : undefined });
    }
    return out;
  } catch {
    return undefined;
  }
}

/** The journal's bytes [from, its end) with its length and inode, or undefined when it is absent. */
function readJournalFrom(path: string, from: number): { buf: Buffer; bytes: number; ino: number } | undefined {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  try {
    const st = fstatSync(fd);
    const start = Math.min(from, st.size);
    const buf = Buffer.allocUnsafe(st.size - start);
    let got = 0;
    while (got < buf.length) {
      const n = readSync(fd, buf, got, buf.length - got, start + got);
      if (n === 0) break;
      got += n;
    }
    return { buf: buf.subarray(0, got), bytes: start + got, ino: st.ino };
  } finally {
    closeSync(fd);
  }
}

const tailOf = (buf: Buffer, end: number): string => buf.toString('base64', Math.max(0, end - TAIL), end);

/** The snapshot and the journal's rest, or undefined when the snapshot cannot be used. */
function fromSnapshot(stateDir: string, metaPath: string): FoldedJournal | undefined {
  let text: string;
  try {
    text = readFileSync(catalogFile(stateDir), 'utf8');
  } catch {
    return undefined;
  }
  const nl = text.indexOf('\n');
  const h = nl > 0 ? parseHeader(text.slice(0, nl)) : undefined;
  if (!h) return undefined;
  // The covered bytes' last TAIL are read again with the rest, to recognize the journal.
  const before = Math.min(TAIL, h.metaBytes);
  const j = readJournalFrom(metaPath, h.metaBytes - before);
  if (j === undefined ? h.metaBytes !== 0 : j.ino !== h.metaIno || j.bytes < h.metaBytes || j.buf.toString('base64', 0, before) !== h.metaTail) return undefined;
  const end = text.indexOf('\n', nl + 1);
  const slots = slotsOf(text.slice(nl + 1, end < 0 ? text.length : end));
  if (!slots) return undefined;
  const fold = new CatalogFold();
  for (const s of slots) fold.slots.set(s.path, s);
  if (j !== undefined && !parseLines(j.buf.toString('utf8', before), (r) => fold.apply(r))) return undefined;
  return { fold, bytes: j?.bytes ?? 0, ino: j?.ino ?? 0, tail: j ? tailOf(j.buf, j.buf.length) : '', fromSnapshot: true };
}

/** The listing journal folded, through the snapshot when it matches the journal. */
export function foldJournal(stateDir: string, useSnapshot = true): FoldedJournal {
  const metaPath = indexFiles(stateDir).meta;
  const snap = useSnapshot ? fromSnapshot(stateDir, metaPath) : undefined;
  if (snap) return snap;
  const fold = new CatalogFold();
  const j = readJournalFrom(metaPath, 0);
  if (j) parseLines(j.buf.toString('utf8'), (r) => fold.apply(r));
  return { fold, bytes: j?.bytes ?? 0, ino: j?.ino ?? 0, tail: j ? tailOf(j.buf, j.buf.length) : '', fromSnapshot: false };
}

function serialize(f: FoldedJournal): string {
  const dirs = new Map<string, number>();
  const cwds = new Map<string, number>();
  const indexOf = (m: Map<string, number>, v: string): number => {
    let i = m.get(v);
    if (i === undefined) m.set(v, (i = m.size));
    return i;
  };
  const rows: SlotRow[] = [];
  for (const s of f.fold.slots.values()) {
    // Split after the last separator of either kind: folder + name is the path, whatever it holds.
    const cut = Math.max(s.path.lastIndexOf('/'), s.path.lastIndexOf('\\')) + 1;
    const name = s.path.slice(cut);
    // JSON writes the infinities of a slot with no span yet as null.
    rows.push([indexOf(dirs, s.path.slice(0, cut)), name, s.sessionId === stemOf(name) ? 0 : s.sessionId, indexOf(cwds, s.cwd), s.firstTs, s.lastTs, s.first ? [s.first.uuid, s.first.ts, s.first.short] : 0]);
  }
  const line: SlotsLine = [[...dirs.keys()], [...cwds.keys()], rows];
  const slots = JSON.stringify(line);
  const header: Header = { format: CATALOG_FORMAT, version: CATALOG_VERSION, metaBytes: f.bytes, metaIno: f.ino, metaTail: f.tail, slotsBytes: Buffer.byteLength(slots) };
  return `${JSON.stringify(header)}\n${slots}\n`;
}

/** The header of the snapshot on disk and its size, without reading its slots. */
function readHeader(stateDir: string): { h: Header; bytes: number } | undefined {
  let fd: number;
  try {
    fd = openSync(catalogFile(stateDir), 'r');
  } catch {
    return undefined;
  }
  try {
    const buf = Buffer.alloc(4096);
    const n = readSync(fd, buf, 0, buf.length, 0);
    const nl = buf.subarray(0, n).indexOf(10);
    const h = nl > 0 ? parseHeader(buf.toString('utf8', 0, nl)) : undefined;
    const bytes = fstatSync(fd).size;
    return h && bytes === nl + 1 + h.slotsBytes + 1 ? { h, bytes } : undefined;
  } finally {
    closeSync(fd);
  }
}

/**
 * The writer's step after appending to the listing journal: a new snapshot when there is none that
 * matches the journal, or the journal grew past it by replayLimit. A few small reads otherwise.
 */
export async function refreshCatalogSnapshot(stateDir: string): Promise<boolean> {
  const metaPath = indexFiles(stateDir).meta;
  let size: number;
  try {
    size = statSync(metaPath).size;
  } catch {
    return false; // no journal yet: nothing to fold
  }
  const cur = readHeader(stateDir);
  if (cur && size >= cur.h.metaBytes && size - cur.h.metaBytes < replayLimit(cur.bytes)) {
    // Recent enough, if it is this journal's (a journal replaced under it is folded anew).
    const before = Math.min(TAIL, cur.h.metaBytes);
    const j = readJournalFrom(metaPath, cur.h.metaBytes - before);
    if (j && j.ino === cur.h.metaIno && j.buf.toString('base64', 0, before) === cur.h.metaTail) return false;
  }
  const folded = foldJournal(stateDir);
  await writeFileAtomic(catalogFile(stateDir), serialize(folded));
  return true;
}

/** Before the listing journal is rewritten (compaction): the snapshot would name bytes that change. */
export function removeCatalogSnapshot(stateDir: string): void {
  rmSync(catalogFile(stateDir), { force: true });
}
