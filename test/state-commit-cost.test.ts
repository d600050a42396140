// A commit while following serializes only what changed: the store keeps each checkpoint's and each
// sink's JSON until it moves, and the trace builder keeps its closed sessions' JSON until one
// closes or expires. These caches must never save stale state: what is read back after a reopen is
// exactly what was set last, and the builder's JSON always equals a serialization of its state.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { StateStore } from '../src/state/store.js';
import { SerializedState } from '../src/state/serialized-state.js';
import type { FileCheckpoint } from '../src/sources/checkpoint.js';
import { IngestManager } from '../src/ingest/manager.js';
import { listTranscripts } from '../src/sources/transcript-files.js';
import { resolveRoots } from '../src/sources/roots.js';
import { TraceBuilder, DEFAULT_TRACE_OPTIONS } from '../src/export/traces/trace-builder.js';
import { Pricer } from '../src/pricing/cost.js';
import { EMBEDDED_PRICES } from '../src/pricing/price-table.js';
import type { EventSink } from '../src/model/sink.js';
import type { ModelEvent } from '../src/model/events.js';
import { silentLogger } from '../src/log.js';
import { generateHistory } from './support/history-generator.js';

const dirs: string[] = [];
const temp = (p: string) => {
  const d = mkdtempSync(join(tmpdir(), p));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const cp = (offset: number): FileCheckpoint => ({ dev: 1, ino: offset, size: offset, mtimeMs: offset, offset, lines: offset, malformed: 0, oversized: 0, fp: `fp${offset}`, fpLen: 10 });

describe('per-commit serialization', () => {
  it('state.json always holds the latest checkpoints and sink states (plain or pre-serialized)', async () => {
    const dir = temp('ccotel-cost-');
    let store = await StateStore.open(dir, { allowReadOnly: false });
    for (let i = 0; i < 50; i++) store.setCheckpoint(`/t/f${i}.jsonl`, cp(i));
    store.setSinkState('plain', { a: [1, 2], b: 'x' });
    store.setSinkState('traces', new SerializedState(JSON.stringify({ builder: { sessions: {}, closed: { s1: { at: 1, agents: [] } } }, unsent: [] })));
    await store.commit();
    store.close();

    store = await StateStore.open(dir, { allowReadOnly: false });
    expect(store.files['/t/f7.jsonl']).toEqual(cp(7));
    expect(Object.keys(store.files)).toHaveLength(50);
    expect(store.sinks).toEqual({ plain: { a: [1, 2], b: 'x' }, traces: { builder: { sessions: {}, closed: { s1: { at: 1, agents: [] } } }, unsent: [] } });
    // One checkpoint moves and one sink changes: the rest is saved from the cached JSON, unchanged.
    store.setCheckpoint('/t/f7.jsonl', cp(700));
    store.setCheckpoint('/t/new.jsonl', cp(1));
    const plain = { a: [3], b: 'y' };
    store.setSinkState('plain', plain);
    plain.a.push(4); // changed after it was handed over: the saved state is the one at the call
    await store.commit();
    store.close();

    const raw = JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8'));
    expect(raw.format).toBe('ccotel-state');
    store = await StateStore.open(dir, { allowReadOnly: false });
    expect(store.files['/t/f7.jsonl']).toEqual(cp(700));
    expect(store.files['/t/f8.jsonl']).toEqual(cp(8));
    expect(store.files['/t/new.jsonl']).toEqual(cp(1));
    expect(Object.keys(store.files)).toHaveLength(51);
    expect(store.sinks.plain).toEqual({ a: [3], b: 'y' });
    expect((store.sinks.traces as { builder: unknown }).builder).toEqual({ sessions: {}, closed: { s1: { at: 1, agents: [] } } });
    store.close();
  });

  it("the trace builder's JSON equals its state after every flush, as sessions open, close and reopen", async () => {
    const root = temp('ccotel-cost-root-');
    generateHistory(root, { sessions: 6, seed: 77, days: 3 });
    const state = temp('ccotel-cost-state-');
    const store = await StateStore.open(state, { allowReadOnly: false });
    let now = Date.parse('2030-01-01T00:00:00Z');
    const builder = new TraceBuilder(new Pricer(EMBEDDED_PRICES), DEFAULT_TRACE_OPTIONS, (k) => store.ledger.usage.get(k), () => now);
    let checks = 0;
    let closedSeen = 0;
    const sink: EventSink = {
      name: 'traces',
      accept: (e: readonly ModelEvent[]) => builder.accept(e),
      flush: async () => {
        now += 5_000; // sessions close between slices (the reading grace passes)
        builder.tick();
        builder.drain();
        expect(JSON.parse(builder.snapshotJson())).toEqual(JSON.parse(JSON.stringify(builder.snapshot())));
        closedSeen = Math.max(closedSeen, Object.keys(builder.snapshot().closed).length);
        checks++;
      },
    };
    const manager = new IngestManager(store, [sink], silentLogger, { reader: { maxLineBytes: 64 << 20, sliceBytes: 4096 } });
    const files = await listTranscripts(resolveRoots([root]));
    await manager.syncAll(files);
    // Restored from its JSON, then every session ends, then closed sessions expire (61 days later).
    builder.restore(JSON.parse(builder.snapshotJson()));
    builder.tick(now, true);
    expect(JSON.parse(builder.snapshotJson())).toEqual(JSON.parse(JSON.stringify(builder.snapshot())));
    expect(Object.keys(builder.snapshot().sessions)).toHaveLength(0);
    now += 61 * 86_400_000;
    builder.tick();
    expect(Object.keys(builder.snapshot().closed)).toHaveLength(0);
    expect(JSON.parse(builder.snapshotJson())).toEqual({ sessions: {}, closed: {} });
    expect(checks).toBeGreaterThan(5);
    expect(closedSeen).toBeGreaterThan(0);
    store.close();
  });
});
