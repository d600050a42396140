// Trace and span ids are derived from the session, call and tool ids (src/export/traces/ids.ts), so
// a re-export after a crash, a --reset-state or an upgrade lands as the same spans in Jaeger, not as
// copies. They must never change: pinned values (as every earlier version computed them), and the
// definition (sha256 of kind, NUL, key, in hex, cut) checked on many keys, Unicode included.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { agentSpanId, callDigest, chatSpanId, sessionSpanId, toolSpanId, traceIdFor, turnSpanId } from '../src/export/traces/ids.js';

const reference = (kind: string, key: string, chars: number): string => createHash('sha256').update(kind).update('\0').update(key).digest('hex').slice(0, chars);

describe('trace and span ids', () => {
  it('keep the values earlier versions exported', () => {
    expect(traceIdFor('3f2a1c4e-0000-4000-8000-000000000001')).toBe('1d24c9447e9aa3408c6736931e696570');
    expect(toolSpanId('3f2a1c4e-0000-4000-8000-000000000001', 'toolu_01ABC')).toBe('abf331091475409c');
    expect(chatSpanId('sé', '日本')).toBe('3a60585506e39ad7');
  });

  it('are sha256 of kind, NUL and key, for every kind and any key', () => {
    const keys = ['', 'a', 'sess-1', 'ünï/cödé', '日本語のセッション', '😀 emoji', 'x'.repeat(5000), 'nul\0inside'];
    for (const s of keys) {
      for (const k of keys.slice(0, 4)) {
        expect(traceIdFor(s)).toBe(reference('trace', s, 32));
        expect(sessionSpanId(s)).toBe(reference('session', s, 16));
        expect(turnSpanId(s, k)).toBe(reference('turn', `${s}/${k}`, 16));
        expect(chatSpanId(s, k)).toBe(reference('chat', `${s}/${k}`, 16));
        expect(toolSpanId(s, k)).toBe(reference('tool', `${s}/${k}`, 16));
        expect(agentSpanId(s, k)).toBe(reference('agent', `${s}/${k}`, 16));
        expect(callDigest(`${s}:${k}`)).toBe(reference('call', `${s}:${k}`, 12));
      }
    }
  });

  it('stay the same when asked again, after many other keys (the recent ids kept)', () => {
    const keys = Array.from({ length: 1500 }, (_, i) => `s-${(i * 7919) % 1100}`);
    for (const round of [0, 1]) {
      for (const s of round ? [...keys].reverse() : keys) {
        expect(traceIdFor(s)).toBe(reference('trace', s, 32));
        expect(sessionSpanId(s)).toBe(reference('session', s, 16));
        expect(chatSpanId(s, 'm:r')).toBe(reference('chat', `${s}/m:r`, 16));
      }
    }
  });
});
