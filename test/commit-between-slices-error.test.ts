// A commit between two slices of one transcript (ingest/manager.ts readNew: a big file, or a sink
// catching up before new bytes) can fail in a sink: the sessions index's append meets a full disk.
// That is the commit's failure, for syncAll's caller (the backfill fails, the daemon backs off and
// retries), not a read error of the transcript: taken for one, the rest of the file was skipped for
// the run, which then ended as if everything had been read. Truth: each transcript's size (every
// byte checkpointed once the run succeeds) and the keyed index rows of the same history read by a
// run where nothing failed.
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { StateStore } from '../src/state/store.js';
import { IngestManager } from '../src/ingest/manager.js';
import { SessionsSink } from '../src/sessions/sessions-sink.js';
import { listTranscripts } from '../src/sources/transcript-files.js';
import { resolveRoots } from '../src/sources/roots.js';
import { errnoError, setFaultHook } from '../src/state/fault-points.js';
import { createLogger } from '../src/log.js';
import { generateHistory, listJsonl, scanTranscript } from './support/history-generator.js';
import { tempDir, useCleanups } from './support/temp.js';
import { keyedIndexRows } from './support/state-files.js';

useCleanups();
const log = createLogger({ level: 'silent', json: false });

afterEach(() => {
  setFaultHook(undefined);
  delete process.env.CCOTEL_COMMIT_OVERLAP;
});

/** Reads the history into the index in 64 kB slices (several per transcript, a commit after each). */
async function index(root: string, state: string): Promise<{ store: StateStore; run: Promise<void> }> {
  const store = await StateStore.open(state, { allowReadOnly: false });
  const manager = new IngestManager(store, [new SessionsSink(state)], log, { reader: { maxLineBytes: 64 << 20, sliceBytes: 64 << 10 } });
  return { store, run: manager.syncAll(await listTranscripts(resolveRoots([root]))) };
}

describe('a sink failing in a commit between slices', () => {
  for (const overlap of ['0', '1']) {
    it(`fails the read, and the next one completes the index exactly (CCOTEL_COMMIT_OVERLAP=${overlap})`, async () => {
      process.env.CCOTEL_COMMIT_OVERLAP = overlap;
      const d = await tempDir('slice-commit');
      const root = join(d, 'claude');
      generateHistory(root, { sessions: 4, seed: 4242, targetBytes: 2_000_000 });
      const ref = await index(root, join(d, 'ref'));
      await ref.run;
      ref.store.close();
      const want = keyedIndexRows(join(d, 'ref'));
      expect(want.length).toBeGreaterThan(100);

      // The index's second append fails (its first commit went through: a later slice's fails).
      let appends = 0;
      setFaultHook((p) => {
        if (p === 'index.append' && ++appends === 3) throw errnoError('ENOSPC', p);
      });
      const state = join(d, 'state');
      const first = await index(root, state);
      await expect(first.run).rejects.toThrow(/ENOSPC/);
      first.store.close();
      expect(appends, "the fault was reached").toBeGreaterThanOrEqual(3);

      setFaultHook(undefined);
      const second = await index(root, state);
      await second.run;
      const checkpoints = second.store.files;
      second.store.close();
      for (const f of listJsonl(root)) {
        const buf = readFileSync(f);
        expect(checkpoints[f]?.offset, f).toBe(statSync(f).size - scanTranscript(buf).tornBytes);
      }
      expect(keyedIndexRows(state)).toEqual(want);
    }, 60_000);
  }
});
