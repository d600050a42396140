// A run that ends between two slices of one transcript (Ctrl-C: IngestManager.stop(), which still
// commits what was read; a kill or a failed commit after a commit between slices) leaves a
// checkpoint inside the file. The next run must read on from it. The checkpoint also records the
// file's size and mtime, and a checkpoint whose size and mtime match the file is taken for a file
// read to its end (a torn last line waits there until the file changes): it must therefore not name
// the whole file's size while complete lines follow. Truth: each transcript's complete bytes
// (history generator), and the ledger of the same history read by one run that was not stopped.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { StateStore } from '../src/state/store.js';
import { IngestManager } from '../src/ingest/manager.js';
import { listTranscripts } from '../src/sources/transcript-files.js';
import { resolveRoots } from '../src/sources/roots.js';
import { createLogger } from '../src/log.js';
import type { Ledger } from '../src/state/ledger.js';
import { generateHistory, listJsonl, scanTranscript } from './support/history-generator.js';
import { tempDir, useCleanups } from './support/temp.js';

useCleanups();
const log = createLogger({ level: 'silent', json: false });
// Several slices per transcript (the default is 32 MB: the same happens in files larger than that).
const READER = { maxLineBytes: 64 << 20, sliceBytes: 16 << 10 };

function contents(l: Ledger): string {
  return JSON.stringify({ usage: [...l.usage.entries()].sort(), tools: [...l.tools.entries()].sort(), prompts: [...l.prompts.entries()].sort(), sessions: [...l.sessions.entries()].sort() });
}

/** One run over the history; `stopAt`: Ctrl-C once this many bytes are read. */
async function run(root: string, state: string, stopAt?: number): Promise<{ files: Record<string, { offset: number }>; ledger: string }> {
  const store = await StateStore.open(state, { allowReadOnly: false });
  try {
    const manager = new IngestManager(store, [], log, { reader: READER });
    await manager.syncAll(await listTranscripts(resolveRoots([root])), (done) => {
      if (stopAt !== undefined && done >= stopAt) manager.stop();
    });
    return { files: { ...store.files }, ledger: contents(store.ledger) };
  } finally {
    store.close();
  }
}

describe('a run stopped inside a transcript', () => {
  it('is read on from its checkpoint by the next run, to the end', async () => {
    const d = await tempDir('midfile');
    const root = join(d, 'claude');
    generateHistory(root, { sessions: 3, seed: 515, targetBytes: 600_000 });
    const complete = new Map(listJsonl(root).map((f) => [f, readFileSync(f).length - scanTranscript(readFileSync(f)).tornBytes]));
    const ref = await run(root, join(d, 'ref'));
    for (const [f, n] of complete) expect(ref.files[f]?.offset, f).toBe(n);

    const state = join(d, 'state');
    const stopped = await run(root, state, 40_000);
    // Stopped inside a file: its checkpoint is short of its end.
    expect([...complete].some(([f, n]) => (stopped.files[f]?.offset ?? 0) > 0 && stopped.files[f]!.offset < n)).toBe(true);

    const resumed = await run(root, state);
    for (const [f, n] of complete) expect(resumed.files[f]?.offset, f).toBe(n);
    expect(resumed.ledger).toBe(ref.ledger);
  }, 60_000);
});
