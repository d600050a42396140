// A commit flushes every sink at once (the trace sink waits on the collector while the sessions
// index waits on its fsyncs) and writes the ledger meanwhile, and still moves no checkpoint before
// every sink's output is safe (ledger rows past state.json's length are cut when the state is opened).
// Truth: the transcript's byte length (its checkpoint once read) and state.json as parsed from disk.
import { existsSync, readFileSync, statSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { StateStore } from '../src/state/store.js';
import { IngestManager } from '../src/ingest/manager.js';
import { listTranscripts } from '../src/sources/transcript-files.js';
import { resolveRoots } from '../src/sources/roots.js';
import type { EventSink } from '../src/model/sink.js';
import { createLogger } from '../src/log.js';
import { encodeCwd, sessionLines } from './support/hand-transcripts.js';
import { tempDir, useCleanups } from './support/temp.js';

useCleanups();
const log = createLogger({ level: 'silent', json: false });
const T0 = Date.parse('2026-01-05T10:00:00Z');

/** A sink whose flush() waits until the test lets it go (or fails it). */
function gatedSink(name: string): EventSink & { started: number; release: () => void; fail: (e: Error) => void } {
  let release = (): void => {};
  let fail = (_e: Error): void => {};
  const sink = {
    name,
    started: 0,
    accept: () => {},
    flush: () => {
      sink.started++;
      return new Promise<void>((res, rej) => ((release = res), (fail = rej)));
    },
    release: () => release(),
    fail: (e: Error) => fail(e),
  };
  return sink;
}

async function setup(name: string) {
  const d = await tempDir(name);
  const claude = join(d, 'claude');
  const dir = join(claude, 'projects', encodeCwd('/w'));
  mkdirSync(dir, { recursive: true });
  const path = join(dir, 'S.jsonl');
  writeFileSync(path, sessionLines({ sessionId: 'S', cwd: '/w', ts: T0, input: 10, output: 1 }).join('\n') + '\n');
  const state = join(d, 'state');
  const store = await StateStore.open(state, { allowReadOnly: false });
  const [file] = await listTranscripts(resolveRoots([claude]));
  // A new state directory has no state.json until its first commit.
  const onDisk = (): number | undefined => (existsSync(join(state, 'state.json')) ? (JSON.parse(readFileSync(join(state, 'state.json'), 'utf8')) as { files: Record<string, { offset: number }> }).files[path]?.offset : undefined);
  const ledgerSize = (): number => (existsSync(join(state, 'ledger.ndjson')) ? statSync(join(state, 'ledger.ndjson')).size : 0);
  return { store, file: file!, size: statSync(path).size, onDisk, ledgerSize };
}

const settle = () => new Promise((r) => setTimeout(r, 20));

describe('a commit flushes its sinks', () => {
  it('all at once, and moves the checkpoint only after the last one is done', async () => {
    const { store, file, size, onDisk, ledgerSize } = await setup('commit-flush');
    const ledgerBefore = ledgerSize();
    const a = gatedSink('a');
    const b = gatedSink('b');
    const manager = new IngestManager(store, [a, b], log);
    await manager.syncFile(file);
    let done = false;
    const commit = manager.commit().then(() => (done = true));
    await settle();
    // The second sink is flushing while the first has not finished, and the ledger is written meanwhile.
    expect([a.started, b.started]).toEqual([1, 1]);
    expect(ledgerSize()).toBeGreaterThan(ledgerBefore);
    a.release();
    await settle();
    expect(done).toBe(false);
    expect(onDisk()).toBeUndefined();
    b.release();
    await commit;
    expect(onDisk()).toBe(size);
    store.close();
  });

  it('a sink that fails (even synchronously) does not keep the others from flushing; the commit throws its error', async () => {
    const { store, file, onDisk } = await setup('commit-flush-fail');
    const a: EventSink = { name: 'a', accept: () => {}, flush: () => { throw new Error('a broke'); } };
    const b = gatedSink('b');
    const manager = new IngestManager(store, [a, b], log);
    await manager.syncFile(file);
    const commit = manager.commit();
    const outcome = commit.then(() => 'ok', (e: Error) => e.message);
    await settle();
    expect(b.started).toBe(1);
    expect(onDisk()).toBeUndefined();
    b.release();
    expect(await outcome).toBe('a broke');
    store.close();
  });
});
