// Commits of history overlap reading (src/ingest/manager.ts): the trace sink's flush() takes what it
// sends, and what the snapshot() after it saves, when it is called; reading goes on while it sends.
// What must hold: the saved state is the builder's at flush() (events accepted meanwhile belong to
// the next commit) with exactly the taken spans not accepted; when a send fails, nothing more goes
// out until the next flush (spans read past the failed commit's checkpoints must not reach the
// collector, or the next start would send them again); and the next start sends exactly what was
// not accepted. Truth: spans and states the test hands a stand-in builder; for a real read, the
// generator's sessions (one root span each) and the span ids of the same read with nothing failing.
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { StateStore } from '../src/state/store.js';
import { IngestManager } from '../src/ingest/manager.js';
import { listTranscripts } from '../src/sources/transcript-files.js';
import { resolveRoots } from '../src/sources/roots.js';
import { Pricer } from '../src/pricing/cost.js';
import { EMBEDDED_PRICES } from '../src/pricing/price-table.js';
import { TraceBuilder, DEFAULT_TRACE_OPTIONS } from '../src/export/traces/trace-builder.js';
import { TraceSink } from '../src/export/traces/trace-sink.js';
import type { ReadableSpan } from '../src/export/traces/readable-span.js';
import type { BatchExporter } from '../src/export/retry.js';
import type { SpanData } from '../src/export/traces/span-data.js';
import { createLogger } from '../src/log.js';
import { generateHistory } from './support/history-generator.js';
import { tempDir, useCleanups } from './support/temp.js';

useCleanups();
const log = createLogger({ level: 'silent', json: false });
const ROOT_SPAN = 'invoke_agent claude-code';

// Commits overlapping reading, every MB (read when a manager is made): an 8 MB history has several.
const ENV = { CCOTEL_COMMIT_MB: '1', CCOTEL_COMMIT_OVERLAP: '1' };
let saved: Record<string, string | undefined> = {};
beforeEach(() => {
  saved = Object.fromEntries(Object.keys(ENV).map((k) => [k, process.env[k]]));
  Object.assign(process.env, ENV);
});
afterEach(() => {
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
});

/** An exporter answering after a few ms; with `failCall`, that call (1-based) fails. */
function exporter(failCall?: number) {
  const accepted: ReadableSpan[] = [];
  const calls: Array<{ at: number; failed: boolean }> = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const x: BatchExporter<ReadableSpan> = {
    export: async (spans) => {
      const n = calls.length + 1;
      const call = { at: n, failed: n === failCall };
      calls.push(call);
      maxInFlight = Math.max(maxInFlight, ++inFlight);
      try {
        await new Promise((r) => setTimeout(r, 3));
        if (call.failed) throw new Error(`refused call ${n}`);
        accepted.push(...spans);
      } finally {
        inFlight--;
      }
    },
    shutdown: async () => {},
    describe: () => 'memory exporter',
  };
  return { exporter: x, accepted, calls, maxInFlight: () => maxInFlight };
}

async function open(stateDir: string, x: BatchExporter<ReadableSpan>) {
  const store = await StateStore.open(stateDir, { allowReadOnly: false });
  // Old history is idle the moment it is read: wall time runs a minute per look, so sessions close.
  let wall = Date.now();
  const builder = new TraceBuilder(new Pricer(EMBEDDED_PRICES), DEFAULT_TRACE_OPTIONS, (k) => store.ledger.usage.get(k), () => (wall += 60_000));
  const sink = new TraceSink(builder, x, resourceFromAttributes({}));
  return { store, sink, manager: new IngestManager(store, [sink], log) };
}

const ids = (spans: readonly ReadableSpan[]): string[] => spans.map((s) => s.spanContext().spanId);

/**
 * A stand-in for the trace builder: its state is a label the test sets, and the spans it completes
 * are the ones the test hands it, so what a flush took is known exactly.
 */
function fakeBuilder() {
  let state = 'S0';
  let ready: SpanData[] = [];
  let next = 0;
  const b = {
    accept: () => {},
    tick: () => {},
    drain: () => ready.splice(0),
    snapshotJson: () => JSON.stringify(state),
    restore: () => {},
    /** The builder moves to `label` and completes `n` new spans. */
    step(label: string, n: number): SpanData[] {
      state = label;
      const spans = Array.from({ length: n }, () => ({ traceId: 'a'.repeat(32), spanId: (next++).toString(16).padStart(16, '0'), name: 's', kind: 'internal' as const, startMs: 0, endMs: 1, attributes: {} }));
      ready.push(...spans);
      return spans;
    },
  };
  return b;
}

/** An exporter whose calls wait until the test lets them go, and fail while `refuse` is set. */
function gatedExporter() {
  const calls: string[][] = [];
  const waiting: Array<() => void> = [];
  const g = {
    refuse: false,
    calls,
    accepted: [] as string[],
    /** Lets every waiting call answer. */
    release: () => waiting.splice(0).forEach((go) => go()),
    exporter: {
      export: async (spans) => {
        const batch = spans.map((s) => s.spanContext().spanId);
        calls.push(batch);
        await new Promise<void>((go) => waiting.push(go));
        if (g.refuse) throw new Error('refused');
        g.accepted.push(...batch);
      },
      shutdown: async () => {},
      describe: () => 'gated exporter',
    } as BatchExporter<ReadableSpan>,
  };
  return g;
}

const tick = () => new Promise((r) => setTimeout(r, 5));
const idsOf = (spans: readonly SpanData[]): string[] => spans.map((s) => s.spanId);

describe('trace sink: what a flush takes', () => {
  it('saves the builder state and spans of when flush() was called, not of what was accepted while it sent', async () => {
    const b = fakeBuilder();
    const x = gatedExporter();
    const sink = new TraceSink(b as unknown as TraceBuilder, x.exporter, resourceFromAttributes({}));
    b.step('S1', 100);
    sink.accept([]);
    const flushed = sink.flush();
    await tick();
    // Reading goes on while the flush sends: a new state and more than a batch of new spans.
    b.step('S2', 600);
    sink.accept([]);
    x.release();
    await tick();
    x.release();
    await flushed;
    const saved = JSON.parse((sink.snapshot() as { json: string }).json) as { builder: string; unsent: SpanData[] };
    expect(saved.builder).toBe('S1');
    expect(saved.unsent).toEqual([]);
    // The next flush takes the rest: S2, and the spans not yet accepted.
    x.release();
    const again = sink.flush();
    for (let i = 0; i < 5; i++) {
      await tick();
      x.release();
    }
    await again;
    expect(JSON.parse((sink.snapshot() as { json: string }).json).builder).toBe('S2');
    expect(x.accepted).toHaveLength(700);
    expect(new Set(x.accepted).size).toBe(700);
  });

  it('after a failed flush nothing is sent until the next flush, and the failed one saves exactly its unaccepted spans', async () => {
    const b = fakeBuilder();
    const x = gatedExporter();
    const sink = new TraceSink(b as unknown as TraceBuilder, x.exporter, resourceFromAttributes({}));
    const first = b.step('S1', 100);
    sink.accept([]);
    x.refuse = true;
    const flushed = sink.flush().then(() => 'ok', (e: Error) => e.message);
    await tick();
    x.release();
    expect(await flushed).toBe('refused');
    const saved = JSON.parse((sink.snapshot() as { json: string }).json) as { builder: string; unsent: SpanData[] };
    expect(saved.builder).toBe('S1');
    expect(idsOf(saved.unsent)).toEqual(idsOf(first));
    // Reading went on past the failed commit: more than a full batch, and nothing goes out.
    x.refuse = false;
    const calls = x.calls.length;
    b.step('S2', 600);
    sink.accept([]);
    await tick();
    expect(x.calls.length).toBe(calls);
    // The next flush sends again: everything, once.
    const again = sink.flush();
    for (let i = 0; i < 5; i++) {
      await tick();
      x.release();
    }
    await again;
    expect(x.accepted).toHaveLength(700);
    expect(new Set(x.accepted).size).toBe(700);
  });
});

describe('trace sink with commits overlapping reading', () => {
  it('a failed send stops sending until the read has ended; the next start sends exactly what was not accepted', async () => {
    const d = await tempDir('sink-overlap');
    const exp = generateHistory(join(d, 'claude'), { sessions: 40, seed: 909, targetBytes: 8e6 });
    const files = await listTranscripts(resolveRoots([join(d, 'claude')]));
    const clean = exporter();
    const ref = await open(join(d, 'state-clean'), clean.exporter);
    await ref.manager.syncAll(files);
    ref.sink.finish();
    await ref.manager.commit();
    ref.store.close();
    expect(clean.calls.length, 'enough sends to fail one in the middle').toBeGreaterThan(6);
    expect(clean.maxInFlight()).toBe(1);
    expect(new Set(ids(clean.accepted)).size).toBe(clean.accepted.length);
    const roots = clean.accepted.filter((s) => s.name === ROOT_SPAN).map((s) => String(s.attributes['gen_ai.conversation.id']));
    expect(roots.sort()).toEqual(Object.keys(exp.bySession).sort());

    const failAt = Math.floor(clean.calls.length / 2);
    const bad = exporter(failAt);
    const first = await open(join(d, 'state'), bad.exporter);
    await expect(first.manager.syncAll(files)).rejects.toThrow(`refused call ${failAt}`);
    first.store.close();
    // Nothing was sent after the failed call (reading went on until the failure was thrown).
    expect(bad.calls.map((c) => c.at)).toEqual(Array.from({ length: failAt }, (_, i) => i + 1));

    const good = exporter();
    const second = await open(join(d, 'state'), good.exporter);
    await second.manager.commit();
    await second.manager.syncAll(files);
    second.sink.finish();
    await second.manager.commit();
    second.store.close();
    const all = [...bad.accepted, ...good.accepted];
    expect(new Set(ids(all)).size).toBe(all.length);
    expect(new Set(ids(all))).toEqual(new Set(ids(clean.accepted)));
  });
});
