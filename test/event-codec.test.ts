// Events packed for the trip from a read worker to the main thread (src/sources/event-codec.ts)
// must come back as the same objects normalize.ts made: the same own properties in the same order,
// undefined-valued ones included, every string and number identical (Object.is). Checked on every
// event of generated histories (faults and all), of the real fixtures, in each reader mode, and on
// strings UTF-8 cannot carry.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateHistory, listJsonl } from './support/history-generator.js';
import { FileReader, type LineEvents, type ReaderOptions } from '../src/sources/file-reader.js';
import { packLines, unpackLines } from '../src/sources/event-codec.js';
import { strictDiff } from './support/strict-diff.js';
import type { FileCheckpoint } from '../src/sources/checkpoint.js';
import type { EventContext, ModelEvent } from '../src/model/events.js';

const log = { debug() {}, info() {}, warn() {}, error() {} };
const MODES: Record<string, ReaderOptions> = {
  ledger: { maxLineBytes: 64 << 20, sliceBytes: 1 << 30, ledgerOnly: true },
  full: { maxLineBytes: 64 << 20, sliceBytes: 1 << 30 },
  text: { maxLineBytes: 64 << 20, sliceBytes: 1 << 30, text: true },
};
const fresh = (): FileCheckpoint => ({ dev: 0, ino: 0, size: 1 << 30, mtimeMs: 0, offset: 0, lines: 0, malformed: 0, oversized: 0, fp: '', fpLen: 0, sinks: {} });

const diff = strictDiff;


/** Through the codec and a real structured clone with the buffer transferred, as the worker sends it. */
function roundTrip(lines: LineEvents[]): LineEvents[] {
  const packed = packLines(lines);
  return unpackLines(structuredClone(packed, { transfer: [packed.buffer] }));
}

describe('event codec', () => {
  let dir: string;
  let files: string[];

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'ccotel-codec-'));
    generateHistory(join(dir, 'a'), { sessions: 10, seed: 4242, faults: true, shape: 'heavy', dropSubagentFiles: 0.3 });
    generateHistory(join(dir, 'b'), { sessions: 6, seed: 77, faults: true });
    files = [...listJsonl(join(dir, 'a')), ...listJsonl(join(dir, 'b')), ...listJsonl(join(__dirname, 'fixtures', 'real'))];
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  for (const [mode, opts] of Object.entries(MODES)) {
    it(`gives back every event of every transcript (${mode} reader)`, async () => {
      const kinds = new Set<string>();
      let events = 0;
      for (const path of files) {
        const slice = await new FileReader(log, opts).readSlice({ path, hints: { sessionId: 'hint' } }, fresh(), 0);
        const back = roundTrip(slice.lines);
        expect(diff(back, slice.lines), path).toBeUndefined();
        for (const l of slice.lines) for (const e of l.events) kinds.add(e.kind + ('parentToolUseId' in e ? '/progress' : '') + ('text' in e && e.text !== undefined ? '/text' : ''));
        events += slice.lines.reduce((a, l) => a + l.events.length, 0);
      }
      expect(events).toBeGreaterThan(1000);
      // Every kind a transcript yields in this mode went through the codec at least once.
      const want = ['model_call', 'model_call/progress', 'tool_use', 'tool_result', 'compaction'];
      if (mode !== 'ledger') want.push('turn_end');
      want.push(...(mode === 'text' ? ['prompt/text', 'assistant_text/text', 'tool_result/text'] : ['prompt']));
      for (const k of want) expect(kinds, k).toContain(k);
    });
  }

  it('carries strings UTF-8 cannot (lone surrogates), non-ASCII text, odd numbers, and shared contexts', () => {
    const ctx: EventContext = { sessionId: 's\u00e9', cwd: '/w/\u{1F600}', agentId: 'a' };
    const ctx2: EventContext = { sessionId: 's', cwd: '', gitBranch: 'b', version: '2.1' };
    const usage = { input: 1.5, output: 0, cacheCreation: 1e300, cacheCreation1h: 2 ** 53 + 2, cacheSplit: true, cacheRead: Number.MIN_VALUE, fast: true };
    const events: ModelEvent[] = [
      { kind: 'model_call', ctx, ts: -0, key: 'k\ud800', messageId: '\udfff', requestId: undefined, model: 'm\u00ff', usage, stopReason: 'x\ud83d\ude00', apiError: true, errorText: 'e\ud800x' },
      { kind: 'model_call', ctx: ctx2, ts: 1.25, key: 'k', messageId: 'm', requestId: 'r', model: 'm', usage: { ...usage, cacheSplit: false, fast: false }, stopReason: undefined, apiError: false, errorText: undefined, parentToolUseId: undefined },
      { kind: 'model_call', ctx, ts: 2, key: 'k2', messageId: 'm', requestId: 'r', model: 'm', usage, stopReason: undefined, apiError: false, errorText: undefined, parentToolUseId: 'toolu_\u00e9' },
      { kind: 'tool_use', ctx, ts: 3, id: 'i', name: 'Bash', callKey: 'k', input: { command: 'ls \ud800', nested: [{ a: undefined }] } },
      { kind: 'tool_result', ctx: ctx2, ts: 4, toolUseId: 't', isError: true, resultChars: 0, agentId: undefined, errorText: 'boom', text: undefined },
      { kind: 'prompt', ctx, ts: 5, uuid: 'u', chars: 3 },
      { kind: 'prompt', ctx, ts: 6, uuid: 'u2', chars: 3, text: '' },
      { kind: 'compaction', ctx, ts: 7, trigger: undefined, preTokens: undefined },
      { kind: 'compaction', ctx, ts: 8, trigger: 'auto', preTokens: 12 },
      { kind: 'turn_end', ctx, ts: 9, durationMs: undefined },
      { kind: 'turn_end', ctx, ts: 10, durationMs: 0.5 },
      { kind: 'assistant_text', ctx, ts: 11, uuid: 'v', text: '\u00e9'.repeat(70_000) },
    ];
    const lines: LineEvents[] = [
      { start: 0, events: events.slice(0, 5) },
      { start: 2 ** 40, events: [] },
      { start: 17, events: events.slice(5) },
    ];
    const back = roundTrip(lines);
    expect(diff(back, lines)).toBeUndefined();
    // One context object per context sent, as normalize.ts shares them.
    expect(back[0]!.events[0]!.ctx).toBe(back[2]!.events[0]!.ctx);
    expect(back[0]!.events[1]!.ctx).not.toBe(back[0]!.events[0]!.ctx);
    expect(unpackLines(packLines([]))).toEqual([]);
  });
});
