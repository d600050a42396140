// The OTLP trace request encoder (src/export/traces/otlp-encoder.ts) against the SDK's protobuf
// serializer it replaced, on the spans the trace builder makes of a generated history, in batches of
// 512 as the trace sink sends them. Prints µs per span for both (best of 5) and checks the bytes match.
//   node --import tsx bench/otlp-encoder.ts [sessions=40]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { StateStore } from '../src/state/store.js';
import { IngestManager } from '../src/ingest/manager.js';
import { listTranscripts } from '../src/sources/transcript-files.js';
import { resolveRoots } from '../src/sources/roots.js';
import { TraceBuilder, DEFAULT_TRACE_OPTIONS } from '../src/export/traces/trace-builder.js';
import { Pricer } from '../src/pricing/cost.js';
import { EMBEDDED_PRICES } from '../src/pricing/price-table.js';
import { silentLogger } from '../src/log.js';
import { toReadableSpan, type ReadableSpan } from '../src/export/traces/readable-span.js';
import { encodeTraceRequest } from '../src/export/traces/otlp-encoder.js';
import type { ModelEvent } from '../src/model/events.js';
import { generateHistory } from '../test/support/history-generator.js';
import { bestMs } from './best-time.js';

export async function benchOtlpEncoder(sessions = 40): Promise<{ spans: number; sdkUs: number; oursUs: number }> {
  const root = mkdtempSync(join(tmpdir(), 'ccotel-enc-'));
  const state = mkdtempSync(join(tmpdir(), 'ccotel-enc-state-'));
  try {
    generateHistory(root, { sessions, seed: 3 });
    const store = await StateStore.open(state, { allowReadOnly: false });
    const now = Date.parse('2030-01-01T00:00:00Z');
    const builder = new TraceBuilder(new Pricer(EMBEDDED_PRICES), DEFAULT_TRACE_OPTIONS, (k) => store.ledger.usage.get(k), () => now);
    const manager = new IngestManager(store, [{ name: 'traces', accept: (e: readonly ModelEvent[]) => builder.accept(e), flush: async () => {} }], silentLogger);
    await manager.syncAll(await listTranscripts(resolveRoots([root])));
    builder.tick(now, true);
    store.close();
    const resource = resourceFromAttributes({ 'service.name': 'ccotel', 'host.name': 'bench' });
    const spans = builder.drain().map((s) => toReadableSpan(s, resource));
    const batches: ReadableSpan[][] = [];
    for (let i = 0; i < spans.length; i += 512) batches.push(spans.slice(i, i + 512));
    for (const b of batches) if (!Buffer.from(encodeTraceRequest(b)).equals(Buffer.from(ProtobufTraceSerializer.serializeRequest(b)!))) throw new Error('encoder bytes differ from the SDK serializer');
    const sdk = bestMs(() => batches.forEach((b) => ProtobufTraceSerializer.serializeRequest(b)), 5);
    const ours = bestMs(() => batches.forEach((b) => encodeTraceRequest(b)), 5);
    return { spans: spans.length, sdkUs: (sdk * 1000) / spans.length, oursUs: (ours * 1000) / spans.length };
  } finally {
    rmSync(root, { recursive: true, force: true });
    rmSync(state, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const r = await benchOtlpEncoder(Number(process.argv[2] ?? 40));
  process.stdout.write(`OTLP trace encoding, ${r.spans} spans in batches of 512: ccotel ${r.oursUs.toFixed(2)} µs/span, SDK serializer ${r.sdkUs.toFixed(2)} µs/span (${(r.sdkUs / r.oursUs).toFixed(2)}x)\n`);
}
