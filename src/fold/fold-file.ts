// The fold saved beside the ledger, so a warm `stats` or a restarted daemon starts from the
// aggregates instead of re-reading every ledger record: a snapshot (fold.json) plus a journal of the
// ledger changes applied since (fold.journal, one line per commit), so a commit while following
// writes a few hundred bytes, not the whole fold. Both name the ledger length they cover and the
// snapshot names its price table; when they do not add up to the ledger (a crash between writes,
// compaction, new prices) the fold is rebuilt from the ledger. The snapshot is rewritten once the
// journal outgrows it. It also holds the start time of the cumulative metrics: a state created or
// reset, or a change of prices, starts a new one.
import { appendFile, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { LedgerChange } from '../state/ledger.js';
import type { StateStore } from '../state/store.js';
import { writeFileAtomic } from '../state/atomic-file.js';
import { Fold, LEGACY_START_MS, type FoldOptions } from './fold.js';
import type { Cell } from './cell.js';
import { newSeries, type Series } from './series.js';
import { arrToCell, cellToArr, fromPlain, toPlain, type Plain } from './plain.js';
import { sessionsFromPlain, sessionsToPlain, type SessionSummaries } from './session-summary.js';

export const FOLD_FORMAT = 'ccotel-fold';
// 2: cells and series count sensitive-action rule hits (an older fold is rebuilt from the ledger).
// 3: hook prompts are estimates (a gauge), no longer in the prompts counter or session activity.
// 4: series of model calls by agent, with 1-hour cache writes and cache savings.
export const FOLD_VERSION = 4;
export const FOLD_FILE = 'fold.json';
export const FOLD_JOURNAL = 'fold.journal';
/**
 * The snapshot is rewritten once the journal passes a quarter of its size: replaying the journal is
 * what a warm `stats` pays, rewriting the snapshot what a daemon commit pays.
 */
const journalLimit = (snapshotBytes: number): number => Math.max(64 << 10, snapshotBytes / 4);

interface FoldFile {
  format: string;
  version: number;
  /** Ledger length (bytes) whose records this fold holds, and that ledger's id (compaction renews it). */
  ledgerBytes: number;
  ledgerId?: string;
  prices: string;
  startMs: number;
  cells: Map<number, Map<string, Cell>>;
  series: Series;
  sessions: SessionSummaries;
}

export function serializeFold(fold: Fold, ledgerBytes: number, ledgerId?: string): string {
  const cells: Plain[] = [];
  for (const [slot, byCwd] of fold.cells) for (const [cwd, c] of byCwd) cells.push([slot, cwd, cellToArr(c)]);
  return JSON.stringify({ format: FOLD_FORMAT, version: FOLD_VERSION, ledgerBytes, ledgerId, prices: fold.pricer.fingerprint, startMs: fold.startMs, cells, series: toPlain(fold.series), sessions: sessionsToPlain(fold.sessions) });
}

function parseFoldFile(text: string): FoldFile | undefined {
  try {
    const f = JSON.parse(text) as Record<string, unknown>;
    if (f?.format !== FOLD_FORMAT || f.version !== FOLD_VERSION || typeof f.ledgerBytes !== 'number' || !Array.isArray(f.cells)) return undefined;
    // A fold saved before per-session totals existed has none: rebuilt from the ledger once.
    const sessions = sessionsFromPlain(f.sessions);
    if (!sessions) return undefined;
    const cells = new Map<number, Map<string, Cell>>();
    for (const [slot, cwd, c] of f.cells as [number, string, Plain[]][]) {
      let byCwd = cells.get(slot);
      if (!byCwd) cells.set(slot, (byCwd = new Map()));
      byCwd.set(cwd, arrToCell(c));
    }
    return { format: FOLD_FORMAT, version: FOLD_VERSION, ledgerBytes: f.ledgerBytes, ledgerId: typeof f.ledgerId === 'string' ? f.ledgerId : undefined, prices: f.prices as string, startMs: f.startMs as number, cells, series: fromPlain(f.series) as Series, sessions };
  } catch {
    return undefined; // a damaged fold is only a cache: rebuilt from the ledger
  }
}

/** A fold file saved by another version of the counting rules. */
function otherVersion(text: string | undefined): boolean {
  try {
    const f = text === undefined ? undefined : (JSON.parse(text) as Record<string, unknown>);
    return f?.format === FOLD_FORMAT && f.version !== FOLD_VERSION;
  } catch {
    return false;
  }
}

async function readText(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** A fold from its saved text (undefined when it is not one), and the ledger length it covers. */
export function deserializeFold(text: string, o: FoldOptions): { fold: Fold; ledgerBytes: number; prices: string } | undefined {
  const f = parseFoldFile(text);
  if (!f) return undefined;
  return { fold: restore(f, o), ledgerBytes: f.ledgerBytes, prices: f.prices };
}

function restore(f: FoldFile, o: FoldOptions): Fold {
  const fold = new Fold({ ...o, startMs: f.startMs });
  fold.cells = f.cells;
  // A fold saved before hook series existed lacks them (they start empty: no hook records then).
  fold.series = { ...newSeries(), ...f.series };
  fold.sessions = f.sessions;
  fold.dirty = false;
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
}

/**
 * The fold for an open state: the saved one (snapshot + journal) when it covers the ledger with the
 * same prices, else rebuilt from the ledger. It then follows every ledger change; each commit that
 * changed something appends them to the journal.
 */
export async function attachFold(store: StateStore, o: FoldOptions & { now?: () => number }): Promise<AttachResult> {
  const path = join(store.dir, FOLD_FILE);
  const journalPath = join(store.dir, FOLD_JOURNAL);
  const now = (o.now ?? Date.now)();
  const savedText = store.created ? undefined : await readText(path);
  const saved = savedText === undefined ? undefined : parseFoldFile(savedText);
  const samePrices = saved?.prices === o.pricer.fingerprint;
  let fold: Fold | undefined;
  let source: AttachResult['source'] = 'saved';
  let snapshotBytes = 0;
  let journalBytes = 0;
  let journalClean = true;
  if (store.created) {
    // Counters restart from zero: a new start time, so backends see a reset, not a decrease.
    fold = new Fold({ ...o, startMs: now });
    source = 'new';
  } else if (saved && samePrices && saved.ledgerId === store.committedLedgerId) {
    // (Another ledger id: compacted or reset since, and byte offsets of two ledgers never compare.)
    const candidate = restore(saved, o);
    const journal = await readText(journalPath);
    const r = replay(candidate, journal, saved.ledgerBytes, store.committedLedgerBytes);
    if (r.covered === store.committedLedgerBytes) {
      fold = candidate;
      // Lines replayed stay in the journal; it is folded into the snapshot once it outgrows it.
      fold.dirty = false;
      journalBytes = journal?.length ?? 0;
      snapshotBytes = savedText!.length;
      journalClean = r.clean;
    }
  }
  if (!fold) {
    // Same prices: the ledger gives the same or larger values, so the start time stands. New prices
    // may lower a value: a new start time. No saved fold (a state from before folds): the old
    // fixed start time, which the values computed from the ledger have always used.
    // A fold of another version counted differently (values may be lower now): a new start time too.
    const startMs = saved ? (samePrices ? saved.startMs : now) : otherVersion(savedText) ? now : LEGACY_START_MS;
    fold = Fold.of(store.ledger, { ...o, startMs });
    source = 'rebuilt';
  }
  const f = fold;
  let pending: LedgerChange[] = [];
  store.onLedgerChange((c) => {
    f.apply(c);
    pending.push(c);
  });
  if (store.readOnly) return { fold: f, source };

  // What is on disk: `covered` ledger bytes, unless a write failed (then the next commit snapshots).
  let covered = store.committedLedgerBytes;
  let coveredId = store.committedLedgerId;
  let snapshotNeeded = source !== 'saved' || !journalClean;
  let writing = false;
  const snapshot = (ledgerBytes: number, ledgerId: string | undefined): (() => Promise<void>) => {
    const text = serializeFold(f, ledgerBytes, ledgerId);
    return async () => {
      await writeFileAtomic(path, text);
      await rm(journalPath, { force: true });
      snapshotBytes = text.length;
      journalBytes = 0;
    };
  };
  store.addCommitHook((ledgerBytes, ledgerId) => {
    if (writing) snapshotNeeded = true; // the previous commit's write never completed
    if (ledgerId !== coveredId) snapshotNeeded = true; // a compacted ledger: journal offsets no longer apply
    const changes = pending;
    pending = [];
    const oversized = journalBytes > journalLimit(snapshotBytes);
    if (!snapshotNeeded && !oversized && changes.length === 0 && ledgerBytes === covered) return undefined;
    // A journal line costs ~300 bytes a change: a large commit (backfill) goes straight to a snapshot.
    const fits = journalBytes + changes.length * 300 <= journalLimit(snapshotBytes);
    const line = snapshotNeeded || oversized || !fits ? '' : JSON.stringify({ from: covered, to: ledgerBytes, c: changes } satisfies JournalLine) + '\n';
    let write: () => Promise<void>;
    if (!line || journalBytes + line.length > journalLimit(snapshotBytes)) {
      write = snapshot(ledgerBytes, ledgerId);
      snapshotNeeded = false;
    } else {
      write = async () => {
        await appendFile(journalPath, line, { mode: 0o600 });
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
      } catch (err) {
        snapshotNeeded = true;
        writing = false;
        throw err;
      }
    };
  });
  if (source === 'new') {
    await snapshot(store.committedLedgerBytes, store.committedLedgerId)();
    snapshotNeeded = false;
  }
  return { fold: f, source };
}
