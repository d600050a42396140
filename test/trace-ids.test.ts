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
    // Many calls of a few sessions, interleaved, then asked again: the chat ids kept per session.
    const calls = Array.from({ length: 3000 }, (_, i) => [`s-${i % 3}`, `msg_01U2CVySaRqUuCAyLZhm${(i * 7919) % 1300}:req_011ChU0kT6wfT7Md0oa0cF${i % 7}`] as const);
    for (const round of [0, 1]) {
      for (const [s, k] of round ? [...calls].reverse() : calls) {
        expect(chatSpanId(s, k)).toBe(reference('chat', `${s}/${k}`, 16));
        expect(agentSpanId(s, k)).toBe(reference('agent', `${s}/${k}`, 16));
      }
    }
    // A session and call key that join to the same text are the same id (the key is hashed joined).
    expect(chatSpanId('a/b', 'c')).toBe(chatSpanId('a', 'b/c'));
    // Each kind its own ids, whatever the other kinds cached.
    expect(agentSpanId('s-0', 'k')).toBe(reference('agent', 's-0/k', 16));
    expect(chatSpanId('s-0', 'k')).toBe(reference('chat', 's-0/k', 16));
  });

  it('keep ids that start with zeros (only an all-zero digest is replaced)', () => {
    // The all-zero check looks only at ids starting with a zero: those must come out as hashed.
    let found = 0;
    for (let i = 0; found < 20 && i < 200_000; i++) {
      const want = reference('tool', `s/${i}`, 16);
      if (!want.startsWith('00')) continue;
      found++;
      expect(toolSpanId('s', String(i))).toBe(want);
    }
    expect(found).toBe(20);
  });
});
