// The trace sink sends each full batch of 512 spans as soon as it is derived, while the reader goes
// on, instead of stopping the reader at every commit for each round trip (src/export/traces/
// trace-sink.ts). What must hold: one send at a time, every span accepted exactly once when nothing
// fails, a commit's flush() still waits for everything, and a send that fails between commits is
// thrown by the next commit with its spans kept as unsent, so the next start sends them (and only
// them, besides what was never sent). Truth: the generator's sessions (one root span each), the
// span ids themselves, and the same read with nothing failing.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
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
import { createLogger } from '../src/log.js';
import { generateHistory } from './support/history-generator.js';
import { tempDir, useCleanups } from './support/temp.js';

useCleanups();
const log = createLogger({ level: 'silent', json: false });
const ROOT_SPAN = 'invoke_agent claude-code';

/**
 * An exporter that answers after a few ms (a collector's round trip). With `failBetweenCommits`, the
 * first call made outside a commit's flush() fails.
 */
function slowExporter(failBetweenCommits = false) {
  const accepted: ReadableSpan[] = [];
  let calls = 0;
  let inFlight = 0;
  let maxInFlight = 0;
  let outsideFlush = 0;
  const state = { flushing: false };
  const exporter: BatchExporter<ReadableSpan> = {
    export: async (spans) => {
      const call = ++calls;
      const between = !state.flushing;
      if (between) outsideFlush++;
      maxInFlight = Math.max(maxInFlight, ++inFlight);
      try {
        await new Promise((r) => setTimeout(r, 3));
        if (failBetweenCommits && between && outsideFlush === 1) throw new Error(`refused call ${call}, between commits`);
        accepted.push(...spans);
      } finally {
        inFlight--;
      }
    },
    shutdown: async () => {},
    describe: () => 'slow memory exporter',
  };
  return { exporter, accepted, state, stats: () => ({ calls, maxInFlight, outsideFlush }) };
}

async function open(stateDir: string, exporter: BatchExporter<ReadableSpan>, flushing?: { flushing: boolean }) {
  const store = await StateStore.open(stateDir, { allowReadOnly: false });
  // Old history is idle the moment it is read: wall time runs a minute per look, so sessions close.
  let wall = Date.now();
  const builder = new TraceBuilder(new Pricer(EMBEDDED_PRICES), DEFAULT_TRACE_OPTIONS, (k) => store.ledger.usage.get(k), () => (wall += 60_000));
  const sink = new TraceSink(builder, exporter, resourceFromAttributes({}));
  if (flushing) {
    const flush = sink.flush.bind(sink);
    sink.flush = async () => {
      flushing.flushing = true;
      try {
        await flush();
      } finally {
        flushing.flushing = false;
      }
    };
  }
  return { store, sink, manager: new IngestManager(store, [sink], log) };
}

const ids = (spans: readonly ReadableSpan[]): string[] => spans.map((s) => s.spanContext().spanId);

describe('trace sink: full batches go out while reading', () => {
  it('one send at a time, between commits too, and every span accepted exactly once', async () => {
    const d = await tempDir('sink-send');
    const exp = generateHistory(join(d, 'claude'), { sessions: 40, seed: 606, targetBytes: 8e6 });
    const x = slowExporter();
    const { store, sink, manager } = await open(join(d, 'state'), x.exporter, x.state);
    await manager.syncAll(await listTranscripts(resolveRoots([join(d, 'claude')])));
    sink.finish();
    await manager.commit();
    store.close();
    expect(x.accepted.length, 'enough spans for several batches').toBeGreaterThan(3 * 512);
    expect(x.stats().maxInFlight).toBe(1);
    // Batches went out between commits, not only from a commit's flush().
    expect(x.stats().outsideFlush).toBeGreaterThan(0);
    expect(new Set(ids(x.accepted)).size).toBe(x.accepted.length);
    const roots = x.accepted.filter((s) => s.name === ROOT_SPAN).map((s) => String(s.attributes['gen_ai.conversation.id']));
    expect(roots.sort()).toEqual(Object.keys(exp.bySession).sort());
  });

  it('a send that fails between commits is thrown by the next commit; the next start sends what was not accepted', async () => {
    const d = await tempDir('sink-send-fail');
    const exp = generateHistory(join(d, 'claude'), { sessions: 40, seed: 606, targetBytes: 8e6 });
    const state = join(d, 'state');
    const files = await listTranscripts(resolveRoots([join(d, 'claude')]));
    // The same read with nothing failing: the spans the failed one must end up sending.
    const clean = slowExporter();
    const ref = await open(join(d, 'state-clean'), clean.exporter);
    await ref.manager.syncAll(files);
    ref.sink.finish();
    await ref.manager.commit();
    ref.store.close();
    const bad = slowExporter(true);
    const first = await open(state, bad.exporter, bad.state);
    await expect(first.manager.syncAll(files)).rejects.toThrow(/between commits/);
    first.store.close();
    expect(bad.stats().maxInFlight).toBe(1);
    // The next start: the unsent spans saved with the checkpoints go out, then the rest is read.
    const good = slowExporter();
    const second = await open(state, good.exporter);
    await second.manager.commit();
    await second.manager.syncAll(files);
    second.sink.finish();
    await second.manager.commit();
    second.store.close();
    // Nothing accepted is sent again, nothing is lost: every session's root once, no id twice.
    const all = [...bad.accepted, ...good.accepted];
    expect(new Set(ids(all)).size).toBe(all.length);
    expect(new Set(ids(all))).toEqual(new Set(ids(clean.accepted)));
    const roots = all.filter((s) => s.name === ROOT_SPAN).map((s) => String(s.attributes['gen_ai.conversation.id']));
    expect(roots.sort()).toEqual(Object.keys(exp.bySession).sort());
  });
});
