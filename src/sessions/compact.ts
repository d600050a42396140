// Compaction of the sessions index. Both journals only grow: a followed session adds a time-span row
// per commit, a replaced or truncated transcript leaves its old rows behind its `X` row, bytes read
// twice leave duplicate keyed rows. Compaction rewrites a journal with only what a reader would keep
// (the same answers, see catalog.ts and text-scan.ts), replacing it atomically: a crash leaves the
// old journal or the new one, never a mix, and each journal is complete on its own. Only the
// process that owns the state (the lock) writes the index, so only it compacts.
import { writeFileSync, openSync, fsyncSync, closeSync, renameSync, rmSync, existsSync, statSync, readFileSync, constants } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { indexDir, indexFiles, readRows, type MetaRow, type TextRow } from './index-file.js';
import { removeCatalogSnapshot } from './catalog-snapshot.js';

/** Compact a journal once it holds at least this many rows a reader drops, and a quarter of its rows. */
export const COMPACT_MIN_DEAD = 2000;
export const COMPACT_DEAD_SHARE = 0.25;
/** The writer looks (reads a journal) only once it has doubled since it last looked, and is this big. */
const LOOK_MIN_META = 256 << 10;
const LOOK_MIN_TEXT = 1 << 20;
const MARK = 'compacted.json';

export interface JournalHealth {
  bytes: number;
  rows: number;
  /** Rows a reader keeps (what compaction writes). */
  live: number;
}

/** What a reader keeps of the listing journal: per path one F and one W row, and its prompts. */
function liveMeta(rows: readonly MetaRow[]): MetaRow[] {
  const byPath = new Map<string, { f?: [string, string]; w?: [number, number]; q: Map<string, MetaRow> }>();
  for (const r of rows) {
    const path = r[1];
    if (r[0] === 'X') {
      byPath.delete(path);
      continue;
    }
    let s = byPath.get(path);
    if (!s) byPath.set(path, (s = { q: new Map() }));
    if (r[0] === 'F') {
      // As the catalog reads it: the last session id; the last non-empty cwd (or '' until one comes).
      const cwd = String(r[3]);
      s.f = [String(r[2]), cwd !== '' || !s.f ? cwd : s.f[1]];
    } else if (r[0] === 'W') {
      const [a, b] = [Number(r[2]), Number(r[3])];
      if (!Number.isFinite(a) || !Number.isFinite(b)) continue; // as the catalog reads it (catalog-fold.ts)
      s.w = s.w ? [Math.min(s.w[0], a), Math.max(s.w[1], b)] : [a, b];
    } else if (r[0] === 'q') {
      s.q.delete(String(r[2]));
      s.q.set(String(r[2]), r);
    }
  }
  const out: MetaRow[] = [];
  for (const [path, s] of byPath) {
    if (s.f) out.push(['F', path, s.f[0], s.f[1]]);
    if (s.w) out.push(['W', path, s.w[0], s.w[1]]);
    out.push(...s.q.values());
  }
  return out;
}

/** What a reader keeps of the text journal: per path, the last row of each key after its last X. */
function liveText(rows: readonly TextRow[]): TextRow[] {
  const byPath = new Map<string, Map<string, TextRow>>();
  for (const r of rows) {
    const path = r[1];
    if (r[0] === 'X') {
      byPath.delete(path);
      continue;
    }
    let m = byPath.get(path);
    if (!m) byPath.set(path, (m = new Map()));
    const key = r[0] + String(r[2]);
    m.delete(key);
    m.set(key, r);
  }
  const out: TextRow[] = [];
  for (const m of byPath.values()) out.push(...m.values());
  return out;
}

function replaceAtomically(path: string, rows: readonly unknown[]): void {
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    const fd = openSync(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
    try {
      writeFileSync(fd, rows.length ? rows.map((r) => JSON.stringify(r)).join('\n') + '\n' : '');
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
  try {
    const d = openSync(dirname(path), 'r');
    try {
      fsyncSync(d);
    } finally {
      closeSync(d);
    }
  } catch {
    // a directory that cannot be opened for sync (some filesystems): the rename stands
  }
}

export interface IndexHealth {
  meta: JournalHealth;
  text: JournalHealth;
  out: JournalHealth;
}

/** Sizes and dead rows of both journals (doctor; the compaction's trigger). */
export function indexHealth(stateDir: string): IndexHealth {
  const f = indexFiles(stateDir);
  const size = (p: string) => (existsSync(p) ? statSync(p).size : 0);
  const meta = readRows<MetaRow>(f.meta);
  const text = readRows<TextRow>(f.text);
  const out = readRows<TextRow>(f.out);
  return { meta: { bytes: size(f.meta), rows: meta.length, live: liveMeta(meta).length }, text: { bytes: size(f.text), rows: text.length, live: liveText(text).length }, out: { bytes: size(f.out), rows: out.length, live: liveText(out).length } };
}

export interface CompactResult {
  journal: 'meta' | 'text' | 'out';
  rowsBefore: number;
  rowsAfter: number;
  bytesBefore: number;
  bytesAfter: number;
}

/**
 * Rewrites each journal whose dead rows reach `minDead` and COMPACT_DEAD_SHARE of its rows
 * (`minDead` 0: any dead row). The caller owns the state and has flushed every row it holds.
 */
export function compactIndex(stateDir: string, minDead = COMPACT_MIN_DEAD, journals: ReadonlyArray<CompactResult['journal']> = ['out', 'text', 'meta']): CompactResult[] {
  const f = indexFiles(stateDir);
  const out: CompactResult[] = [];
  // Text first, like the sink's writes: the listing never names more than the text holds.
  for (const journal of (['out', 'text', 'meta'] as const).filter((j) => journals.includes(j))) {
    const path = f[journal];
    if (!existsSync(path)) continue;
    const rows = readRows<MetaRow | TextRow>(path);
    const live = journal === 'meta' ? liveMeta(rows) : liveText(rows);
    const dead = rows.length - live.length;
    if (dead === 0 || dead < minDead || (minDead > 0 && dead < COMPACT_DEAD_SHARE * rows.length)) continue;
    const bytesBefore = statSync(path).size;
    // The catalog snapshot names bytes of the listing journal: gone first, so no crash leaves one
    // beside a rewritten journal (a reader without it folds the journal, a writer makes a new one).
    if (journal === 'meta') removeCatalogSnapshot(stateDir);
    replaceAtomically(path, live);
    out.push({ journal, rowsBefore: rows.length, rowsAfter: live.length, bytesBefore, bytesAfter: statSync(path).size });
  }
  return out;
}

interface Mark {
  /** Bytes of the listing journal, and of the text and tool-output journals, when the writer last looked. */
  meta: number;
  text: number;
  at: number;
}

export function readMark(stateDir: string): Mark | undefined {
  try {
    const m = JSON.parse(readFileSync(join(indexDir(stateDir), MARK), 'utf8')) as Mark;
    return typeof m.meta === 'number' && typeof m.text === 'number' ? m : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The writer's check after a flush: a few stats, and a look at a journal (compacting it past the
 * threshold) only once it has doubled since the last look, so the reads stay proportional to what
 * was written; remembered in compacted.json across processes. The listing journal (where a followed
 * session adds a row per commit) is small and looked at any time; the text journals, which only
 * gather dead rows when a transcript is replaced, only at a process's first flush (backfill time):
 * reading them while following live would stall the daemon's event loop.
 */
export class CompactionTrigger {
  private mark: Mark | undefined;
  private first = true;
  constructor(private readonly stateDir: string) {}

  afterFlush(): CompactResult[] {
    const f = indexFiles(this.stateDir);
    const size = (p: string) => (existsSync(p) ? statSync(p).size : 0);
    const first = this.first;
    this.first = false;
    this.mark ??= readMark(this.stateDir) ?? { meta: 0, text: 0, at: 0 };
    const meta = size(f.meta);
    const text = size(f.text) + size(f.out);
    const journals: Array<CompactResult['journal']> = [];
    if (meta >= LOOK_MIN_META && meta >= 2 * this.mark.meta) journals.push('meta');
    if (first && text >= LOOK_MIN_TEXT && text >= 2 * this.mark.text) journals.push('out', 'text');
    if (journals.length === 0) return [];
    const done = compactIndex(this.stateDir, COMPACT_MIN_DEAD, journals);
    this.mark = { meta: journals.includes('meta') ? size(f.meta) : this.mark.meta, text: journals.includes('text') ? size(f.text) + size(f.out) : this.mark.text, at: Date.now() };
    replaceAtomically(join(indexDir(this.stateDir), MARK), [this.mark]);
    return done;
  }
}

/** `ccotel doctor`'s line on the index: size, dead rows, when the writer last looked. */
export function describeIndex(stateDir: string): string | undefined {
  const h = indexHealth(stateDir);
  if (h.meta.rows + h.text.rows + h.out.rows === 0) return undefined;
  const rows = h.meta.rows + h.text.rows + h.out.rows;
  const dead = rows - h.meta.live - h.text.live - h.out.live;
  const mb = (b: number) => (b < 1e6 ? `${Math.ceil(b / 1e3)} kB` : `${(b / 1e6).toFixed(1)} MB`);
  const mark = readMark(stateDir);
  return `${mb(h.meta.bytes + h.text.bytes + h.out.bytes)} (listing ${mb(h.meta.bytes)}, text ${mb(h.text.bytes)}, tool output ${mb(h.out.bytes)}), ${Math.round((100 * dead) / rows)}% superseded rows; compacted automatically past ${COMPACT_MIN_DEAD} and ${100 * COMPACT_DEAD_SHARE}% (${mark ? `last looked ${new Date(mark.at).toISOString()}` : 'not yet needed'}); \`ccotel sessions --rebuild\` rebuilds it`;
}
