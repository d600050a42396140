// The spans a backfill of the real fixture and of a generated history makes, pinned: their SpanData
// as JSON (attribute order included, as the encoder writes it) and the OTLP/protobuf requests sent
// for them. The digests were computed by the code before the trace pipeline's CPU work (commit
// a81a131: attributes spread into new objects, plain ReadableSpans, the SDK-shaped encoder), so a
// faster builder, encoder or id cache must send exactly the same bytes.
//
// If this fails after a change to what the transcripts are read as (model/, the ledger's merge
// rules) rather than to export/traces, check the spans changed as intended, then pin the new values.
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { TraceBuilder, DEFAULT_TRACE_OPTIONS } from '../src/export/traces/trace-builder.js';
import { encodeTraceRequest } from '../src/export/traces/otlp-encoder.js';
import { toReadableSpan } from '../src/export/traces/readable-span.js';
import type { SpanData } from '../src/export/traces/span-data.js';
import type { Pricer } from '../src/pricing/cost.js';
import type { ModelEvent, Usage } from '../src/model/events.js';
import type { UsageRecord } from '../src/state/ledger.js';
import { generateHistory } from './support/history-generator.js';
import { eventsOf } from './support/recorded-events.js';

const FIXTURES = join(import.meta.dirname, 'fixtures');

// Not the price table (its updates must not move these digests): a fixed rule.
const pricer = { cost: (_model: string, u: Usage, apiError = false) => ({ usd: apiError ? 0 : (u.input * 3 + u.output * 15 + u.cacheRead * 0.3 + u.cacheCreation * 3.75) / 1e6, priced: true }) } as unknown as Pricer;

/** A backfill's schedule: slices of events, a tick after each (the wall clock moving on a little), then the final tick. */
function spansOf(all: readonly ModelEvent[], usage: Map<string, UsageRecord>): SpanData[] {
  // Every 11th event a tool result is dropped: tools that never ended (interrupted) are sent too.
  const events = all.filter((e, i) => !(e.kind === 'tool_result' && i % 11 === 0));
  let wall = Date.parse('2030-01-01T00:00:00Z');
  const b = new TraceBuilder(pricer, DEFAULT_TRACE_OPTIONS, (k) => usage.get(k), () => wall, undefined, (cwd) => (cwd.length % 2 ? `https://example.com${cwd}` : undefined));
  const spans: SpanData[] = [];
  for (let i = 0; i < events.length; i += 300) {
    b.accept(events.slice(i, i + 300));
    wall += 700;
    b.tick();
    spans.push(...b.drain());
  }
  b.tick(wall, true);
  spans.push(...b.drain());
  return spans;
}

const sha = (b: Uint8Array | string): string => createHash('sha256').update(b).digest('hex');

/** The shapes the pinned spans hold, so the digests cover each path of the builder and encoder. */
function shapes(spans: SpanData[]): Record<string, number> {
  const n = (f: (s: SpanData) => boolean): number => spans.filter(f).length;
  return {
    toolErrors: n((s) => s.name.startsWith('execute_tool') && !!s.error),
    incompleteTools: n((s) => s.attributes['ccotel.tool.incomplete'] === true),
    links: n((s) => (s.links?.length ?? 0) > 0),
    subagents: n((s) => s.name.startsWith('invoke_agent') && s.name !== 'invoke_agent claude-code'),
    chats: n((s) => s.name.startsWith('chat ')),
    apiErrors: n((s) => s.name.startsWith('chat ') && !!s.error),
    turns: n((s) => s.name === 'turn'),
  };
}

function digests(spans: SpanData[]): { spans: number; json: string; otlp: string } {
  const resource = resourceFromAttributes({ 'service.name': 'pinned', 'host.name': 'h' });
  const otlp = createHash('sha256');
  for (let i = 0; i < spans.length; i += 512) otlp.update(encodeTraceRequest(spans.slice(i, i + 512).map((s) => toReadableSpan(s, resource))));
  return { spans: spans.length, json: sha(JSON.stringify(spans)), otlp: otlp.digest('hex') };
}

describe('the spans a backfill sends', () => {
  it('are those of the real fixture, byte for byte', async () => {
    const { events, usage } = await eventsOf(join(FIXTURES, 'real'));
    const spans = spansOf(events, usage);
    // (No API errors in the real fixture; the generated history has them.)
    const got = shapes(spans);
    expect(Object.entries(got).every(([k, v]) => v > 0 || k === 'apiErrors'), JSON.stringify(got)).toBe(true);
    expect(digests(spans)).toEqual({
      spans: 358,
      json: '5bee95ad576decf66578e8cbfa86df570c0cc4a980aa3765d55a1ff7efa1b189',
      otlp: '8d76e7d573ecb5b4f2d4a813f34f410022f4c3c08cf4ab860837b0b8bda58799',
    });
  });

  it('are those of a generated history with faults, byte for byte', async () => {
    const root = mkdtempSync(join(tmpdir(), 'ccotel-pin-gen-'));
    try {
      generateHistory(root, { sessions: 12, seed: 7, faults: true, longToolOutputs: 0.05 });
      const { events, usage } = await eventsOf(root);
      const spans = spansOf(events, usage);
      const got = shapes(spans);
    expect(Object.values(got).every((v) => v > 0), JSON.stringify(got)).toBe(true);
      expect(digests(spans)).toEqual({
        spans: 1111,
        json: 'b1228bb3729e4493a56a344ce5601d135e7d1783e506038d13b3d5a34a9495f9',
        otlp: 'e8ae47011bbab1052b6f8407edfa3b35066f8d039013e7702c3becf22f81f797',
      });
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
