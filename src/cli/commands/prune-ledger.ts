// The ledger half of `ccotel prune`: per-call records (model calls, tool calls, prompts, ...) with
// event time before the cutoff leave the ledger; in their place it keeps rollups of what they
// contributed (the fold's cells, series and session totals: src/fold/rollup.ts) and their keys
// (src/state/tombstones.ts). So a fold rebuilt from the
// ledger gives the same totals, metrics and `stats` for every range (no counter goes down), and a
// transcript read again from 0 does not count them twice. All of it lands in one compaction
// (StateStore.prune): a kill at any point leaves either the old ledger or the new one.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Settings } from '../../config/settings.js';
import { StateInUseError, StateStore } from '../../state/store.js';
import { attachFold } from '../../fold/fold-file.js';
import { Fold } from '../../fold/fold.js';
import { SLOT_MS } from '../../fold/slot.js';

/** The ledger keeps at least a day of detail: younger calls may still be streaming or unsettled. */
export const MIN_LEDGER_AGE_MS = 86_400_000;

export interface LedgerPruneResult {
  /** One line for stdout (or stderr when `failed`). */
  line: string;
  failed?: boolean;
}

export async function pruneLedger(settings: Settings, olderThanMs: number, nowMs: number, dryRun: boolean, warn: (m: string) => void): Promise<LedgerPruneResult> {
  const verb = dryRun ? 'would drop' : 'dropped';
  if (olderThanMs < MIN_LEDGER_AGE_MS) return { line: `ledger: per-call detail is kept for at least 1d; nothing dropped` };
  if (!existsSync(join(settings.stateDir, 'state.json'))) return { line: `ledger: no state in ${settings.stateDir} yet; nothing dropped` };
  // On the fold's 15-minute grid: a slot is either wholly in the rollups or wholly in the records.
  const cutoff = Math.floor((nowMs - olderThanMs) / SLOT_MS) * SLOT_MS;
  const when = new Date(cutoff).toISOString();
  let store: StateStore;
  try {
    store = await StateStore.open(settings.stateDir, { allowReadOnly: dryRun, warn });
  } catch (err) {
    if (err instanceof StateInUseError) return { failed: true, line: `ledger detail not pruned: ${settings.stateDir} is in use by ccotel pid ${err.pid}; stop it (ccotel run) and prune again` };
    throw err;
  }
  try {
    store.setDetector(settings.detector);
    // The fold follows the new ledger (its snapshot is saved with the compaction).
    if (!dryRun) await attachFold(store, { pricer: settings.pricer });
    const ledger = store.ledger;
    const { changes, bytes } = ledger.prunable(cutoff);
    const what = `${changes.length} per-call ledger records older than ${when}, ${bytes} bytes of detail`;
    if (dryRun || changes.length === 0) return { line: `ledger: ${verb} ${what}; totals, metrics and stats keep counting them` };
    const rollups = Fold.rollupAfterPrune(ledger, changes, { pricer: settings.pricer });
    const r = await store.prune(cutoff, changes, rollups);
    return { line: `ledger: ${verb} ${what}; ledger ${r.bytesBefore} -> ${r.bytesAfter} bytes, ${r.bytesBefore - r.bytesAfter} bytes removed; totals, metrics and stats keep counting them` };
  } finally {
    store.close();
  }
}
