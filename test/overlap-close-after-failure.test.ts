// CCOTEL_COMMIT_OVERLAP=1: reading goes on while a commit writes. When that commit fails (here the
// sessions index's append meets a full disk), syncAll throws at the next commit, and the checkpoints
// in memory are past lines whose index rows (and spans) no sink has made safe. Closing the session
// then must not save them: the fold's settle at close is a commit of the store alone, and it saved
// those checkpoints when the lines read past the failure changed nothing in the ledger (a sink
// catching up on lines the ledger has, after `stats`). Truth: the keyed index rows of the same
// history read by runs where nothing failed.
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { IngestSession } from '../src/ingest/session.js';
import { SessionsSink } from '../src/sessions/sessions-sink.js';
import { listTranscripts } from '../src/sources/transcript-files.js';
import { resolveRoots } from '../src/sources/roots.js';
import { errnoError, setFaultHook } from '../src/state/fault-points.js';
import { createLogger } from '../src/log.js';
import { generateHistory } from './support/history-generator.js';
import { tempDir, useCleanups } from './support/temp.js';
import { keyedIndexRows } from './support/state-files.js';

useCleanups();
const log = createLogger({ level: 'silent', json: false });
const ENV = { CCOTEL_COMMIT_OVERLAP: '1', XDG_CONFIG_HOME: '/nonexistent/ccotel-tests-no-config', CLAUDE_CONFIG_DIR: '', CCOTEL_STATE_DIR: '' };
let saved: Record<string, string | undefined> = {};
beforeEach(() => {
  saved = Object.fromEntries(Object.keys(ENV).map((k) => [k, process.env[k]]));
  Object.assign(process.env, ENV);
});
afterEach(() => {
  setFaultHook(undefined);
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
});

/**
 * One run, as a command makes it (IngestSession: open, sync, close), over the transcripts `pick`
 * chooses, with or without the sessions index; `fail`: that append of the index fails.
 */
async function run(root: string, state: string, pick: (paths: string[]) => string[], index: boolean, fail?: number): Promise<unknown> {
  const session = await IngestSession.open({ claudeDir: [root], stateDir: state, timezone: 'UTC' }, log, { allowReadOnly: false });
  let err: unknown;
  try {
    // 32 kB slices: a commit between every two, each overlapping the read of the next.
    const manager = session.attach(index ? [new SessionsSink(state)] : [], { reader: { maxLineBytes: 64 << 20, sliceBytes: 32 << 10 } });
    const all = await listTranscripts(resolveRoots([root]));
    const chosen = new Set(pick(all.map((f) => f.path)));
    let appends = 0;
    setFaultHook((p) => {
      if (p === 'index.append' && ++appends === fail) throw errnoError('ENOSPC', p);
    });
    await manager.syncAll(all.filter((f) => chosen.has(f.path))).catch((e: unknown) => (err = e));
    setFaultHook(undefined);
  } finally {
    await session.close();
  }
  return err;
}

describe('closing after a commit that failed while reading went on', () => {
  it('saves no checkpoint past what the sinks made safe', async () => {
    const d = await tempDir('overlap-close');
    const root = join(d, 'claude');
    generateHistory(root, { sessions: 4, seed: 99, targetBytes: 1_000_000 });
    const paths = (await listTranscripts(resolveRoots([root]))).map((f) => f.path).sort();
    // The ledger (as `stats` leaves it) has the second half: the index catches up on it, after the
    // first half's new lines (which the fold journals, so its settle at close has work to do).
    const secondHalf = (p: string[]) => p.filter((x) => paths.indexOf(x) >= paths.length / 2);
    const all = (p: string[]) => p;
    const ref = join(d, 'ref');
    await run(root, ref, secondHalf, false);
    expect(await run(root, ref, all, true)).toBeUndefined();
    const want = keyedIndexRows(ref);
    expect(want.length).toBeGreaterThan(100);

    // Where the failing append falls decides what was read past it: several places.
    let failed = 0;
    for (const at of [50, 60, 70, 80, 90]) {
      const state = join(d, `state-${at}`);
      await run(root, state, secondHalf, false);
      if ((await run(root, state, all, true, at)) !== undefined) failed++;
      expect(await run(root, state, all, true)).toBeUndefined();
      expect(keyedIndexRows(state), `index append ${at} failed`).toEqual(want);
    }
    expect(failed).toBeGreaterThan(0);
  }, 120_000);
});
