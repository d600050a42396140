// The fold saved beside the ledger, so a warm `stats` or a restarted daemon starts from the
// aggregates instead of re-reading every ledger record: a snapshot (fold.json, a manifest naming
// part files) plus a journal of the ledger changes applied since (fold.journal, one line per
// commit), so a commit while following writes a few hundred bytes, not the whole fold. Both name
// the ledger length they cover and the snapshot names its price table; when they do not add up to
// the ledger (a crash between writes, compaction, new prices) the fold is rebuilt from the ledger.
// Once the journal outgrows its limit a snapshot rewrites only the parts changed since the last one
// (a day of time buckets, a bucket of sessions), so its cost follows what changed, not history.
// The manifest also holds the start time of the cumulative metrics: a state created or reset, or a
// change of prices, starts a new one.
import { closeSync, constants, openSync, readFileSync } from 'node:fs';
import { appendFile, open, readdir, rm } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { LedgerChange } from '../state/ledger.js';
import type { StateStore } from '../state/store.js';
import { CREATE_EXCLUSIVE, READ_NOFOLLOW, syncDir, writeFileAtomic } from '../state/atomic-file.js';
import { faultPoint } from '../state/fault-points.js';
import { CHUNK_SLOTS, chunkOf } from './slot.js';
import { Fold, LEGACY_START_MS, type Cells, type FoldOptions } from './fold.js';
import type { Cell } from './cell.js';
import { newSeries, type Series } from './series.js';
import { arrToCell, cellToArr, fromPlain, toPlain, type Plain } from './plain.js';
import { sessionsFromPlain, sessionsToPlain, type SessionSummaries, type SessionTotals } from './session-summary.js';

export const FOLD_FORMAT = 'ccotel-fold';
// 2: cells and series count sensitive-action rule hits (an older fold is rebuilt from the ledger).
// 3: hook prompts are estimates (a gauge), no longer in the prompts counter or session activity.
// 4: series of model calls by agent, with 1-hour cache writes and cache savings.
export const FOLD_VERSION = 4;
export const FOLD_FILE = 'fold.json';
export const FOLD_JOURNAL = 'fold.journal';
/** During a catch-up (bulk commits) the fold is saved at most this often. */
const BULK_SAVE_EVERY_MS = 15_000;
/**
 * A daemon with nothing new for this long folds its journal into the parts: a `stats` beside it (or
 * a restart) then replays nothing, where it would pay the replay and a full decode on every run.
 */
const SETTLE_IDLE_MS = 10_000;
/**
 * A snapshot is taken once the journal passes a quarter of the saved size, and at most 1 MiB:
 * replaying the journal is what a warm `stats` pays, a snapshot what a daemon commit pays (only the
 * parts changed since the last one, so a smaller journal costs little more).
 */
const journalLimit = (snapshotBytes: number): number => Math.max(64 << 10, Math.min(1 << 20, snapshotBytes / 4));

interface FoldFile {
  format: string;
  version: number;
  /** Ledger length (bytes) whose records this fold holds, and that ledger's id (compaction renews it). */
  ledgerBytes: number;
  ledgerId?: string;
  prices: string;
  startMs: number;
  /** The bulk, decoded on demand (undefined: damaged): a command decodes only what it reads. */
  cells: () => Cells | undefined;
  /** The time buckets chunk by chunk (a single-file fold has them as one). */
  chunks: ReadonlyMap<number, () => Cells | undefined>;
  series: Series;
  sessions: () => SessionSummaries | undefined;
  /** One session's totals from its bucket's part alone (see Deferred.session); absent: decode all. */
  session?: (id: string) => SessionTotals | null | undefined;
}

/** What fold.json names besides the aggregates: enough to decide the start time of a rebuild. */
interface FoldMeta {
  ledgerBytes: number;
  ledgerId?: string;
  prices: string;
  startMs: number;
}

/**
 * fold.json as a manifest: the metadata and the small all-time series inline, the bulk in part
 * files it names (time buckets by chunk of slots, session totals by hash bucket). A snapshot writes
 * only the parts that changed since the last one under new names, then replaces the manifest, then
 * deletes the parts it no longer names; a crash at any step leaves the old or the new complete set.
 */
interface Manifest extends FoldMeta {
  format: string;
  version: number;
  series: Plain;
  /** Hash buckets of the session totals (fixed between full snapshots). */
  buckets: number;
  /** [part id, file name]: part id `c<chunk>` (cells) or `s<bucket>` (sessions). */
  parts: [string, string][];
}

const PART_PREFIX = 'fold-';
const isPartFile = (name: string): boolean => name.startsWith(PART_PREFIX) && name.endsWith('.part.json');

/** A stable hash of a session id (FNV-1a), so a session stays in one part. */
function bucketOf(sessionId: string, buckets: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < sessionId.length; i++) h = Math.imul(h ^ sessionId.charCodeAt(i), 0x01000193);
  return (h >>> 0) % buckets;
}

/** Session buckets for a full snapshot: about 32 sessions a part, a power of two up to 256. */
function bucketsFor(sessions: number): number {
  let b = 1;
  while (b < 256 && b * 32 < sessions) b *= 2;
  return b;
}

function cellsOfChunk(fold: Fold, chunk: number): Plain[] {
  const out: Plain[] = [];
  for (let slot = chunk * CHUNK_SLOTS; slot < (chunk + 1) * CHUNK_SLOTS; slot++) {
    const byCwd = fold.cells.get(slot);
    if (byCwd) for (const [cwd, c] of byCwd) out.push([slot, cwd, cellToArr(c)]);
  }
  return out;
}

/** The text of each named part (an empty array when the part has nothing left). */
function serializeParts(fold: Fold, ids: Iterable<string>, buckets: number): Map<string, string> {
  const out = new Map<string, string>();
  const wanted = new Set<number>();
  for (const id of ids) {
    if (id[0] === 'c') out.set(id, JSON.stringify(cellsOfChunk(fold, Number(id.slice(1)))));
    else wanted.add(Number(id.slice(1)));
  }
  if (wanted.size > 0) {
    const byBucket = new Map<number, SessionSummaries>();
    for (const b of wanted) byBucket.set(b, new Map());
    for (const [id, s] of fold.sessions) byBucket.get(bucketOf(id, buckets))?.set(id, s);
    for (const [b, m] of byBucket) out.set(`s${b}`, JSON.stringify(sessionsToPlain(m)));
  }
  return out;
}

/** Every part id a full snapshot of `fold` has. */
function allPartIds(fold: Fold, buckets: number): Set<string> {
  const ids = new Set<string>();
  for (const slot of fold.cells.keys()) ids.add(`c${chunkOf(slot)}`);
  for (const id of fold.sessions.keys()) ids.add(`s${bucketOf(id, buckets)}`);
  return ids;
}

/** The fold as one self-contained text (the single-file fold.json of earlier versions; tests, tools). */
export function serializeFold(fold: Fold, ledgerBytes: number, ledgerId?: string): string {
  const cells: Plain[] = [];
  for (const [slot, byCwd] of fold.cells) for (const [cwd, c] of byCwd) cells.push([slot, cwd, cellToArr(c)]);
  return JSON.stringify({ format: FOLD_FORMAT, version: FOLD_VERSION, ledgerBytes, ledgerId, prices: fold.pricer.fingerprint, startMs: fold.startMs, cells, series: toPlain(fold.series), sessions: sessionsToPlain(fold.sessions) });
}

function cellsFromPlain(v: unknown, into: Map<number, Map<string, Cell>>): boolean {
  if (!Array.isArray(v)) return false;
  for (const [slot, cwd, c] of v as [number, string, Plain[]][]) {
    let byCwd = into.get(slot);
    if (!byCwd) into.set(slot, (byCwd = new Map()));
    byCwd.set(cwd, arrToCell(c));
  }
  return true;
}

/** The metadata of a fold.json of this version (single file or manifest), else undefined. */
function parseMeta(f: Record<string, unknown> | undefined): FoldMeta | undefined {
  if (f?.format !== FOLD_FORMAT || f.version !== FOLD_VERSION || typeof f.ledgerBytes !== 'number') return undefined;
  return { ledgerBytes: f.ledgerBytes, ledgerId: typeof f.ledgerId === 'string' ? f.ledgerId : undefined, prices: f.prices as string, startMs: f.startMs as number };
}

function parseJson(text: string | undefined): Record<string, unknown> | undefined {
  try {
    return text === undefined ? undefined : (JSON.parse(text) as Record<string, unknown>);
  } catch {
    return undefined;
  }
}

function parseFoldFile(text: string): FoldFile | undefined {
  try {
    const f = parseJson(text);
    const meta = parseMeta(f);
    if (!meta || !Array.isArray(f!.cells)) return undefined;
    // A fold saved before per-session totals existed has none: rebuilt from the ledger once.
    const sessions = sessionsFromPlain(f!.sessions);
    if (!sessions) return undefined;
    const cells = new Map<number, Map<string, Cell>>();
    cellsFromPlain(f!.cells, cells);
    return { format: FOLD_FORMAT, version: FOLD_VERSION, ...meta, cells: () => cells, chunks: new Map(), series: fromPlain(f!.series) as Series, sessions: () => sessions };
  } catch {
    return undefined; // a damaged fold is only a cache: rebuilt from the ledger
  }
}

function parseManifest(f: Record<string, unknown> | undefined): Manifest | undefined {
  const meta = parseMeta(f);
  if (!meta || !Array.isArray(f!.parts) || typeof f!.buckets !== 'number' || !(f!.buckets >= 1)) return undefined;
  const parts = f!.parts as unknown[];
  if (!parts.every((p) => Array.isArray(p) && typeof p[0] === 'string' && typeof p[1] === 'string' && isPartFile(p[1]) && !p[1].includes('/'))) return undefined;
  return { format: FOLD_FORMAT, version: FOLD_VERSION, ...meta, series: f!.series, buckets: f!.buckets, parts: parts as [string, string][] };
}

/**
 * The fold a manifest names, its part files read from `dir` now (a daemon beside us may replace
 * them later) and decoded on demand; undefined when one is missing.
 */
async function loadParts(dir: string, m: Manifest): Promise<{ file: FoldFile; bytes: Map<string, number> } | undefined> {
  const cellTexts: string[] = [];
  const sessionTexts: string[] = [];
  const sessionParts = new Map<number, string>();
  const chunks = new Map<number, () => Cells | undefined>();
  let chunkIdsOk = true;
  const bytes = new Map<string, number>();
  // Undefined for a damaged part: the fold is then rebuilt from the ledger.
  const decodeCells = (texts: readonly string[]): Cells | undefined => {
    try {
      const out: Cells = new Map();
      for (const text of texts) if (!cellsFromPlain(JSON.parse(text), out)) return undefined;
      return out;
    } catch {
      return undefined;
    }
  };
  for (const [id, name] of m.parts) {
    const text = readText(join(dir, name));
    if (text === undefined) return undefined;
    bytes.set(id, text.length);
    if (id[0] === 'c') {
      cellTexts.push(text);
      // A part's id names its chunk (a part named otherwise: only the full decode is trusted).
      const chunk = Number(id.slice(1));
      if (Number.isInteger(chunk)) chunks.set(chunk, () => decodeCells([text]));
      else chunkIdsOk = false;
    } else {
      sessionTexts.push(text);
      sessionParts.set(Number(id.slice(1)), text);
    }
  }
  if (!chunkIdsOk) chunks.clear();
  const cells = (): Cells | undefined => decodeCells(cellTexts);
  const sessions = (): SessionSummaries | undefined => {
    try {
      const out: SessionSummaries = new Map();
      for (const text of sessionTexts) {
        const s = sessionsFromPlain(JSON.parse(text));
        if (!s) return undefined;
        for (const [k, x] of s) out.set(k, x);
      }
      return out;
    } catch {
      return undefined;
    }
  };
  // A session lives in the part of its hash bucket (serializeParts): `sessions --show` and a
  // listing's ten rows decode a few parts, not all. A part named otherwise: decode all.
  const byBucket = new Map<number, SessionSummaries | undefined>();
  const bucketIdsOk = [...sessionParts.keys()].every((b) => Number.isInteger(b) && b >= 0 && b < m.buckets) && sessionParts.size === sessionTexts.length;
  const session = (id: string): SessionTotals | null | undefined => {
    const b = bucketOf(id, m.buckets);
    const text = sessionParts.get(b);
    if (text === undefined) return null; // no part: no session in this bucket
    if (!byBucket.has(b)) {
      try {
        byBucket.set(b, sessionsFromPlain(JSON.parse(text)));
      } catch {
        byBucket.set(b, undefined);
      }
    }
    const part = byBucket.get(b);
    return part === undefined ? undefined : (part.get(id) ?? null);
  };
  return { file: { ...m, cells, chunks, series: fromPlain(m.series) as Series, sessions, session: bucketIdsOk ? session : undefined }, bytes };
}

/** A fold file saved by another version of the counting rules. */
function otherVersion(text: string | undefined): boolean {
  const f = parseJson(text);
  return f?.format === FOLD_FORMAT && f.version !== FOLD_VERSION;
}

/** State files are never read or written through a symbolic link (see state/dir-trust.ts). */
const APPEND_NOFOLLOW = constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_NOFOLLOW;

/**
 * Synchronous on purpose: it runs only while a state opens (nothing else to do meanwhile), and a
 * hundred part files read through the thread pool cost a warm `stats` ~80 ms of round trips.
 */
function readText(path: string): string | undefined {
  try {
    const fd = openSync(path, READ_NOFOLLOW);
    try {
      return readFileSync(fd, 'utf8');
    } finally {
      closeSync(fd);
    }
  } catch {
    return undefined;
  }
}

/** A fold from its saved text (undefined when it is not one), and the ledger length it covers. */
export function deserializeFold(text: string, o: FoldOptions): { fold: Fold; ledgerBytes: number; prices: string } | undefined {
  const f = parseFoldFile(text);
  const fold = f && decoded(f, o);
  return fold && { fold, ledgerBytes: f.ledgerBytes, prices: f.prices };
}

interface Saved {
  /** fold.json's text (for the version check). */
  text: string | undefined;
  meta: FoldMeta | undefined;
  /** The complete fold, when everything it names is there. */
  file: FoldFile | undefined;
  /** The manifest's parts and their sizes (a single-file fold has none). */
  manifest?: Manifest;
  bytes: Map<string, number>;
}

/**
 * The saved fold in a state directory: fold.json and, for a manifest, its parts. A part that
 * vanishes while read (a daemon beside us replaced it) means the manifest is read once more.
 */
async function readSaved(dir: string): Promise<Saved> {
  for (let attempt = 0; ; attempt++) {
    const text = readText(join(dir, FOLD_FILE));
    const json = parseJson(text);
    const manifest = parseManifest(json);
    if (!manifest) {
      const file = text === undefined ? undefined : parseFoldFile(text);
      return { text, meta: parseMeta(json), file, bytes: new Map() };
    }
    const loaded = await loadParts(dir, manifest);
    if (loaded || attempt > 0) return { text, meta: manifest, file: loaded?.file, manifest, bytes: loaded?.bytes ?? new Map() };
  }
}

/** The fold saved in a state directory (read only), with the ledger length it covers. */
export async function loadSavedFold(dir: string, o: FoldOptions): Promise<{ fold: Fold; ledgerBytes: number; prices: string } | undefined> {
  const { file } = await readSaved(dir);
  const fold = file && decoded(file, o);
  return fold && { fold, ledgerBytes: file!.ledgerBytes, prices: file!.prices };
}

/** The saved fold decoded in full; undefined when a part is damaged. */
function decoded(f: FoldFile, o: FoldOptions): Fold | undefined {
  const cells = f.cells();
  const sessions = f.sessions();
  if (!cells || !sessions) return undefined;
  const fold = restore(f, o, () => {
    throw new Error('decoded fold rebuilt');
  });
  fold.cells = cells;
  fold.sessions = sessions;
  return fold;
}

/** The saved fold, its bulk decoded on first use; `rebuild` replaces it when a part is damaged. */
function restore(f: FoldFile, o: FoldOptions, rebuild: () => Fold): Fold {
  const fold = new Fold({ ...o, startMs: f.startMs });
  fold.defer({ cells: f.cells, chunks: f.chunks, sessions: f.sessions, session: f.session, rebuild });
  // A fold saved before hook series existed lacks them (they start empty: no hook records then).
  fold.series = { ...newSeries(), ...f.series };
  fold.dirty = false;
  fold.dirtyChunks.clear();
  fold.dirtySessions.clear();
  return fold;
}

interface JournalLine {
  /** Ledger length before and after this commit's changes. */
  from: number;
  to: number;
  c: LedgerChange[];
}

/**
 * Applies the journal's lines that continue from `covered`. Returns the ledger length reached and
 * whether every line was used (else the journal must be replaced before anything is appended).
 */
function replay(fold: Fold, text: string | undefined, covered: number, until: number): { covered: number; clean: boolean } {
  if (!text) return { covered, clean: true };
  for (const line of text.split('\n')) {
    if (!line) continue;
    let j: JournalLine;
    try {
      j = JSON.parse(line) as JournalLine;
    } catch {
      return { covered, clean: false }; // a torn last line: what follows it is not covered
    }
    if (j.to <= covered) continue; // already in the snapshot
    // Past the checkpoint: written by a commit that has not replaced state.json yet (a daemon
    // beside us), or one that died before it did (those ledger bytes are cut off on open).
    if (j.from >= until) return { covered, clean: false };
    if (j.from !== covered) return { covered, clean: false };
    for (const c of j.c) fold.apply(c);
    covered = j.to;
  }
  return { covered, clean: true };
}

export interface AttachResult {
  fold: Fold;
  /** How the fold was obtained (doctor, logs). */
  source: 'saved' | 'rebuilt' | 'new';
  /**
   * At a clean close, after the last commit: folds the journal into a snapshot of the parts it
   * changed, so the next start (a warm `stats` after the daemon stops) replays nothing.
   */
  settle: () => Promise<void>;
}

/**
 * Writes a new part file: created exclusively (never through a planted file or link), synced. A
 * part it created but could not write or sync (a full disk) is removed: only whole parts stay.
 */
async function writePart(path: string, text: string): Promise<void> {
  const fh = await open(path, CREATE_EXCLUSIVE, 0o600);
  try {
    await fh.writeFile(text);
    faultPoint('fold.part.sync');
    await fh.sync();
  } catch (err) {
    await rm(path, { force: true }).catch(() => {});
    throw err;
  } finally {
    await fh.close();
  }
}

// Part files written at once: one after the other, each part's open, write, fsync and close were
// four thread-pool round trips in turn (a cold `stats` ends with ~40 parts: ~50 ms of waiting).
// Bounded, so a history of many days never holds hundreds of descriptors open.
const PART_WRITES_AT_ONCE = 8;

/**
 * Writes parts (`[name, text]`) into `dir`, several at a time. Each part's fault point is passed
 * before its write starts, in order. Resolves once all are synced; on a failure, waits for the
 * writes in flight and rejects with the first error, having pushed onto `written` every part that
 * was completely written (the caller removes those).
 */
async function writeParts(dir: string, parts: ReadonlyArray<readonly [string, string]>, written: string[]): Promise<void> {
  let next = 0;
  let failed: { err: unknown } | undefined;
  const lane = async (): Promise<void> => {
    while (failed === undefined && next < parts.length) {
      const [name, text] = parts[next++]!;
      try {
        faultPoint('fold.part');
        await writePart(join(dir, name), text);
        written.push(name);
      } catch (err) {
        failed ??= { err };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(PART_WRITES_AT_ONCE, parts.length) }, lane));
  if (failed) throw failed.err;
}

/**
 * The fold for an open state: the saved one (manifest, parts and journal) when it covers the ledger
 * with the same prices, else rebuilt from the ledger. It then follows every ledger change; each
 * commit that changed something appends them to the journal, and once the journal outgrows the
 * snapshot the parts that changed since the last one are written anew.
 */
export async function attachFold(store: StateStore, o: FoldOptions & { now?: () => number }): Promise<AttachResult> {
  const dir = store.dir;
  const path = join(dir, FOLD_FILE);
  const journalPath = join(dir, FOLD_JOURNAL);
  const now = (o.now ?? Date.now)();
  // A saved part found damaged after attaching (the fold rebuilt itself): the next commit rewrites all.
  let rebuiltLate = false;
  const saved: Saved = store.created ? { text: undefined, meta: undefined, file: undefined, bytes: new Map() } : await readSaved(dir);
  const samePrices = saved.meta?.prices === o.pricer.fingerprint;
  let fold: Fold | undefined;
  let source: AttachResult['source'] = 'saved';
  let journalBytes = 0;
  let journalClean = true;
  if (store.created) {
    // Counters restart from zero: a new start time, so backends see a reset, not a decrease.
    fold = new Fold({ ...o, startMs: now });
    source = 'new';
  } else if (saved.file && samePrices && saved.file.ledgerId === store.committedLedgerId) {
    // (Another ledger id: compacted or reset since, and byte offsets of two ledgers never compare.)
    // A journal is replayed onto the fold decoded in full (a damaged part: rebuilt below). Without
    // one, it is decoded on demand, and a part found damaged later is rebuilt from the ledger as this
    // fold covers it: before any change (decoded when the ledger loads, below).
    const file = saved.file;
    const journal = readText(journalPath);
    const candidate = journal
      ? decoded(file, o)
      : restore(file, o, () => {
          rebuiltLate = true;
          return Fold.of(store.ledger, { ...o, startMs: file.startMs });
        });
    const r = candidate ? replay(candidate, journal, file.ledgerBytes, store.committedLedgerBytes) : { covered: -1, clean: false };
    if (candidate && r.covered === store.committedLedgerBytes) {
      fold = candidate;
      // Lines replayed stay in the journal; it is folded into the snapshot once it outgrows it.
      // What they changed stays marked (dirtyChunks, dirtySessions): those parts are not saved yet.
      fold.dirty = false;
      journalBytes = journal?.length ?? 0;
      journalClean = r.clean;
    }
  }
  if (!fold) {
    // Same prices: the ledger gives the same or larger values, so the start time stands (also when
    // a part is missing or damaged: the manifest still names it). New prices may lower a value: a
    // new start time. No saved fold (a state from before folds): the old fixed start time, which
    // the values computed from the ledger have always used. A fold of another version counted
    // differently (values may be lower now): a new start time too.
    const startMs = saved.meta ? (samePrices ? saved.meta.startMs : now) : otherVersion(saved.text) ? now : LEGACY_START_MS;
    fold = Fold.of(store.ledger, { ...o, startMs });
    source = 'rebuilt';
  }
  const f = fold;
  // Changes only happen to a loaded ledger: whatever is still undecoded is decoded before the first.
  store.whenLedgerLoaded(() => f.decode());
  let pending: LedgerChange[] = [];
  store.onLedgerChange((c) => {
    f.apply(c);
    pending.push(c);
  });
  if (store.readOnly) return { fold: f, source, settle: async () => {} };

  // The parts on disk (id → file name, size), as the current manifest names them (also when the
  // fold was rebuilt: the first snapshot then writes every part anew and deletes these).
  const onDisk = new Map<string, { name: string; bytes: number }>();
  let buckets = saved.manifest?.buckets ?? 1;
  let manifestBytes = saved.text?.length ?? 0;
  for (const [id, name] of saved.manifest?.parts ?? []) onDisk.set(id, { name, bytes: saved.bytes.get(id) ?? 0 });
  // Part files no manifest names: left by a snapshot that died before (or after) replacing it.
  const named = new Set([...onDisk.values()].map((p) => p.name));
  for (const name of await readdir(dir).catch(() => [] as string[])) if (isPartFile(name) && !named.has(name)) await rm(join(dir, name), { force: true });
  const snapshotBytes = (): number => {
    let n = manifestBytes;
    for (const p of onDisk.values()) n += p.bytes;
    return n;
  };

  // What is on disk: `covered` ledger bytes, unless a write failed (then the next commit snapshots).
  let covered = store.committedLedgerBytes;
  let coveredId = store.committedLedgerId;
  let snapshotNeeded = source !== 'saved' || !journalClean || !saved.manifest;
  let writing = false;
  // Changes applied but neither journaled nor snapshotted (a deferred bulk commit): the next write
  // must be a snapshot, since the journal would have a gap.
  let gap = false;
  let lastSaveMs = Date.now();
  const clock = o.now ?? Date.now;
  let lastChangeMs = clock();
  /** settle() asked for the idle snapshot now, without waiting out SETTLE_IDLE_MS. */
  let settleNow = false;
  let generation = 0;
  /** A snapshot: serialized now (the parts changed since the last one, or all with `full`), written by the returned function. */
  const snapshot = (ledgerBytes: number, ledgerId: string | undefined, full: boolean): (() => Promise<void>) => {
    // Sessions outgrew their buckets: all parts anew with twice as many (a few times in a state's life).
    if (bucketsFor(f.sessions.size) > buckets) full = true;
    const b = full ? bucketsFor(f.sessions.size) : buckets;
    let ids: Set<string>;
    if (full) ids = new Set([...allPartIds(f, b), ...onDisk.keys()]);
    else {
      ids = new Set<string>();
      for (const c of f.dirtyChunks) ids.add(`c${c}`);
      for (const s of f.dirtySessions) ids.add(`s${bucketOf(s, b)}`);
    }
    f.dirtyChunks.clear();
    f.dirtySessions.clear();
    const texts = serializeParts(f, ids, b);
    const tag = `${process.pid.toString(36)}${(generation++).toString(36)}${randomBytes(3).toString('hex')}`;
    const next = new Map(onDisk);
    const fresh: Array<[string, string, string]> = []; // id, name, text
    for (const [id, text] of texts) {
      if (text === '[]') next.delete(id);
      else {
        const name = `${PART_PREFIX}${id}.${tag}.part.json`;
        fresh.push([id, name, text]);
        next.set(id, { name, bytes: text.length });
      }
    }
    const superseded: string[] = [];
    for (const [id, p] of onDisk) if (next.get(id)?.name !== p.name) superseded.push(p.name);
    const manifest: Manifest = { format: FOLD_FORMAT, version: FOLD_VERSION, ledgerBytes, ledgerId, prices: f.pricer.fingerprint, startMs: f.startMs, series: toPlain(f.series), buckets: b, parts: [...next].map(([id, p]) => [id, p.name]) };
    const text = JSON.stringify(manifest);
    return async () => {
      const written: string[] = [];
      try {
        await writeParts(dir, fresh.map(([, name, partText]) => [name, partText] as const), written);
        if (fresh.length > 0) await syncDir(dir);
        faultPoint('fold.manifest');
        await writeFileAtomic(path, text);
      } catch (err) {
        for (const name of written) await rm(join(dir, name), { force: true }).catch(() => {});
        throw err;
      }
      onDisk.clear();
      for (const [id, p] of next) onDisk.set(id, p);
      buckets = b;
      manifestBytes = text.length;
      journalBytes = 0;
      await rm(journalPath, { force: true });
      faultPoint('fold.cleanup');
      await Promise.all(superseded.map((name) => rm(join(dir, name), { force: true })));
    };
  };
  f.trackCommits();
  store.addCommitHook((ledgerBytes, ledgerId, bulk) => {
    // The fold as it is now is what this commit makes durable: state.json names its ledger end then.
    f.committing(() => store.committedLedgerId === ledgerId && store.committedLedgerBytes >= ledgerBytes);
    if (rebuiltLate) snapshotNeeded = true;
    rebuiltLate = false;
    if (writing) snapshotNeeded = true; // the previous commit's write never completed
    if (ledgerId !== coveredId) snapshotNeeded = true; // a compacted ledger: journal offsets no longer apply
    const changes = pending;
    pending = [];
    if (changes.length > 0) lastChangeMs = clock();
    const oversized = journalBytes > journalLimit(snapshotBytes());
    const idle = !bulk && !gap && changes.length === 0 && ledgerBytes === covered && journalBytes > 0 && (settleNow || clock() - lastChangeMs >= SETTLE_IDLE_MS);
    settleNow = false;
    if (!snapshotNeeded && !oversized && !idle && changes.length === 0 && ledgerBytes === covered) return undefined;
    // A journal line costs ~300 bytes a change: a large commit (backfill) goes straight to a snapshot.
    const fits = journalBytes + changes.length * 300 <= journalLimit(snapshotBytes());
    const line = snapshotNeeded || gap || oversized || idle || !fits ? '' : JSON.stringify({ from: covered, to: ledgerBytes, c: changes } satisfies JournalLine) + '\n';
    // A cold read commits every few MB: saving the fold each time cost a fifth of `stats`' time.
    // Between saves the fold on disk covers less than the ledger; a kill then means one rebuild
    // from the ledger on the next open (exact, only slower). The catch-up's last commit saves it.
    if (!line && bulk && !snapshotNeeded && Date.now() - lastSaveMs < BULK_SAVE_EVERY_MS) {
      gap = true;
      return undefined;
    }
    let write: () => Promise<void>;
    if (!line || journalBytes + line.length > journalLimit(snapshotBytes())) {
      write = snapshot(ledgerBytes, ledgerId, snapshotNeeded);
      snapshotNeeded = false;
    } else {
      write = async () => {
        await appendFile(journalPath, line, { mode: 0o600, flag: APPEND_NOFOLLOW });
        journalBytes += line.length;
      };
    }
    writing = true;
    return async () => {
      try {
        await write();
        covered = ledgerBytes;
        coveredId = ledgerId;
        f.dirty = false;
        writing = false;
        gap = false;
        lastSaveMs = Date.now();
      } catch (err) {
        snapshotNeeded = true;
        writing = false;
        throw err;
      }
    };
  });
  if (source === 'new') {
    await snapshot(store.committedLedgerBytes, store.committedLedgerId, true)();
    snapshotNeeded = false;
  }
  // At a clean close: the idle snapshot at once, on the commit queue like any other (and only when
  // the fold is exactly what the last commit saved: nothing pending, being written, or owed).
  const settle = async (): Promise<void> => {
    if (journalBytes === 0 || writing || gap || snapshotNeeded || rebuiltLate || pending.length > 0) return;
    settleNow = true;
    await store.commit();
  };
  return { fold: f, source, settle };
}
