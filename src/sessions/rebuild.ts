// --rebuild: the index is dropped and every transcript is read again for the sessions sink alone
// (its per-file offsets go back to 0; the ledger and the trace sink keep theirs, so nothing is
// counted or exported twice).
import type { StateStore } from '../state/store.js';
import { UserError } from '../errors.js';
import { removeIndex } from './index-file.js';

export async function resetIndex(store: StateStore): Promise<void> {
  if (store.readOnly) throw new UserError(`cannot rebuild the sessions index while another ccotel uses ${store.dir}; stop it first`);
  for (const [path, cp] of Object.entries(store.files)) store.setCheckpoint(path, { ...cp, sinks: { ...(cp.sinks ?? { traces: cp.offset }), sessions: 0 } });
  // Rows a failed append left to write (SessionsSink.snapshot) come back with the re-read.
  delete store.sinks.sessions;
  store.setSinkState('sessions', {});
  // Offsets first: a kill between the two steps leaves old rows that the re-read replaces (keyed),
  // never an empty index that the checkpoints claim is complete.
  await store.commit();
  removeIndex(store.dir);
}
