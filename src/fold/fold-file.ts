// The fold saved beside the ledger (fold.json), so a warm `stats` or a restarted daemon starts from
// the aggregates instead of re-reading every ledger record. The file names the ledger length and the
// price table it was computed with; if either differs (a crash between the ledger append and this
// save, compaction, new prices) it is rebuilt from the ledger. It is also where the start time of
// the cumulative metrics lives: a state created or reset, or a price change, starts a new one.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { StateStore } from '../state/store.js';
import { writeFileAtomic } from '../state/atomic-file.js';
import { Fold, LEGACY_START_MS, type FoldOptions } from './fold.js';
import type { Cell } from './cell.js';
import type { Series } from './series.js';

export const FOLD_FORMAT = 'ccotel-fold';
export const FOLD_VERSION = 1;
export const FOLD_FILE = 'fold.json';

interface FoldFile {
  format: string;
  version: number;
  /** Ledger length (bytes) whose records this fold holds. */
  ledgerBytes: number;
  prices: string;
  startMs: number;
  cells: Map<number, Map<string, Cell>>;
  series: Series;
}

// Maps and infinite numbers do not survive JSON as such.
const replacer = (_k: string, v: unknown): unknown => (v instanceof Map ? { $m: [...v] } : v === Infinity ? '+Inf' : v === -Infinity ? '-Inf' : v);
const reviver = (_k: string, v: unknown): unknown => {
  if (v === '+Inf') return Infinity;
  if (v === '-Inf') return -Infinity;
  if (v !== null && typeof v === 'object' && '$m' in v) return new Map((v as { $m: [unknown, unknown][] }).$m);
  return v;
};

export function serializeFold(fold: Fold, ledgerBytes: number): string {
  const file: FoldFile = { format: FOLD_FORMAT, version: FOLD_VERSION, ledgerBytes, prices: fold.pricer.fingerprint, startMs: fold.startMs, cells: fold.cells, series: fold.series };
  return JSON.stringify(file, replacer);
}

async function readFoldFile(path: string): Promise<FoldFile | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
  return parseFoldFile(text);
}

function parseFoldFile(text: string): FoldFile | undefined {
  try {
    const f = JSON.parse(text, reviver) as FoldFile;
    if (f?.format !== FOLD_FORMAT || f.version !== FOLD_VERSION || typeof f.ledgerBytes !== 'number' || !(f.cells instanceof Map)) return undefined;
    return f;
  } catch {
    return undefined; // a damaged fold is only a cache: rebuilt from the ledger
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
  fold.series = f.series;
  fold.dirty = false;
  return fold;
}

export interface AttachResult {
  fold: Fold;
  /** How the fold was obtained (doctor, logs). */
  source: 'saved' | 'rebuilt' | 'new';
}

/**
 * The fold for an open state: the saved one when it matches the ledger and prices, else rebuilt
 * from the ledger. It then follows every ledger change and is saved at each commit that changed it.
 */
export async function attachFold(store: StateStore, o: FoldOptions & { now?: () => number }): Promise<AttachResult> {
  const path = join(store.dir, FOLD_FILE);
  const now = (o.now ?? Date.now)();
  const saved = store.created ? undefined : await readFoldFile(path);
  const samePrices = saved?.prices === o.pricer.fingerprint;
  let fold: Fold;
  let source: AttachResult['source'];
  if (store.created) {
    // Counters restart from zero: a new start time, so backends see a reset, not a decrease.
    fold = new Fold({ ...o, startMs: now });
    source = 'new';
  } else if (saved && samePrices && saved.ledgerBytes === store.committedLedgerBytes) {
    fold = restore(saved, o);
    source = 'saved';
  } else {
    // Same prices: the ledger gives the same or larger values, so the start time stands. New prices
    // may lower a value: a new start time. No saved fold (a state from before folds): the old
    // fixed start time, which the values computed from the ledger have always used.
    const startMs = saved ? (samePrices ? saved.startMs : now) : LEGACY_START_MS;
    fold = Fold.of(store.ledger, { ...o, startMs });
    source = 'rebuilt';
  }
  store.onLedgerChange((c) => fold.apply(c));
  if (!store.readOnly) {
    store.addCommitHook((ledgerBytes) => {
      if (!fold.dirty) return undefined;
      const text = serializeFold(fold, ledgerBytes);
      fold.dirty = false;
      return () =>
        writeFileAtomic(path, text).catch((err: unknown) => {
          fold.dirty = true; // try again at the next commit
          throw err;
        });
    });
    if (source === 'new') {
      await writeFileAtomic(path, serializeFold(fold, store.committedLedgerBytes));
      fold.dirty = false;
    }
  }
  return { fold, source };
}
