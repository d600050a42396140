// Consecutive lines with the same session, cwd, branch, version and agent share one context object
// (model/normalize.ts: fewer allocations, and a read worker's message carries it once). Sharing must
// never change what an event says: a line with any field different gets its own context, and the
// contexts already given out keep their values.
import { describe, expect, it } from 'vitest';
import { normalizeLine } from '../src/model/normalize.js';
import type { ModelEvent } from '../src/model/events.js';

const hints = { sessionId: 'hint-session' };
let n = 0;
function assistant(fields: Record<string, unknown>): ModelEvent[] {
  const out: ModelEvent[] = [];
  const i = n++;
  const line = { type: 'assistant', timestamp: '2026-01-05T10:00:00.000Z', requestId: `req_${i}`, message: { id: `msg_${i}`, model: 'claude-sonnet-4-5-20250929', usage: { input_tokens: 1, output_tokens: 2 } }, ...fields };
  expect(normalizeLine(JSON.parse(JSON.stringify(line)), hints, `k${i}`, out)).toBe(true);
  return out;
}
function progress(fields: Record<string, unknown>): ModelEvent[] {
  const out: ModelEvent[] = [];
  const i = n++;
  const line = { type: 'progress', timestamp: '2026-01-05T10:00:00.000Z', sessionId: 's1', cwd: '/p', data: { type: 'agent_progress', agentId: 'a1', message: { requestId: `req_${i}`, timestamp: '2026-01-05T10:00:01.000Z', message: { id: `msg_${i}`, model: 'm', usage: { input_tokens: 3 } } } }, ...fields };
  expect(normalizeLine(JSON.parse(JSON.stringify(line)), hints, `k${i}`, out)).toBe(true);
  return out;
}

describe('event contexts', () => {
  it('are shared by consecutive lines only while every field is the same', () => {
    const base = { sessionId: 's1', cwd: '/home/u/p', gitBranch: 'main', version: '2.1.0' };
    const a = assistant(base)[0]!.ctx;
    const b = assistant(base)[0]!.ctx;
    expect(b).toBe(a);
    const variants: Array<[Record<string, unknown>, Record<string, unknown>]> = [
      [{ sessionId: 's2' }, { sessionId: 's2', cwd: '/home/u/p', gitBranch: 'main', version: '2.1.0' }],
      [{ cwd: '/home/u/q' }, { sessionId: 's1', cwd: '/home/u/q', gitBranch: 'main', version: '2.1.0' }],
      [{ gitBranch: 'dev' }, { sessionId: 's1', cwd: '/home/u/p', gitBranch: 'dev', version: '2.1.0' }],
      [{ gitBranch: undefined }, { sessionId: 's1', cwd: '/home/u/p', version: '2.1.0' }],
      [{ version: '2.1.1' }, { sessionId: 's1', cwd: '/home/u/p', gitBranch: 'main', version: '2.1.1' }],
      [{ version: '' }, { sessionId: 's1', cwd: '/home/u/p', gitBranch: 'main' }],
      [{ isSidechain: true, agentId: 'ag1' }, { sessionId: 's1', cwd: '/home/u/p', gitBranch: 'main', version: '2.1.0', agentId: 'ag1' }],
      [{ isSidechain: true, agentId: 'ag2' }, { sessionId: 's1', cwd: '/home/u/p', gitBranch: 'main', version: '2.1.0', agentId: 'ag2' }],
      [{ sessionId: undefined }, { sessionId: 'hint-session', cwd: '/home/u/p', gitBranch: 'main', version: '2.1.0' }],
    ];
    for (const [change, want] of variants) {
      const before = assistant(base)[0]!.ctx;
      const snapshot = JSON.stringify(before);
      const ctx = assistant({ ...base, ...change })[0]!.ctx;
      expect(ctx, JSON.stringify(change)).not.toBe(before);
      // Same keys in the same order as a context made afresh.
      expect(JSON.stringify(ctx)).toBe(JSON.stringify(want));
      expect(JSON.stringify(before), 'a context given out never changes').toBe(snapshot);
    }
  });

  it('of progress copies are shared the same way, apart from those of other lines', () => {
    const a = progress({})[0]!.ctx;
    expect(progress({})[0]!.ctx).toBe(a);
    expect(JSON.stringify(a)).toBe(JSON.stringify({ sessionId: 's1', cwd: '/p', agentId: 'a1' }));
    const other = progress({ data: { type: 'agent_progress', agentId: 'a2', message: { requestId: 'r', timestamp: '2026-01-05T10:00:01.000Z', message: { id: 'x', model: 'm', usage: { input_tokens: 3 } } } } })[0]!.ctx;
    expect(other).not.toBe(a);
    expect(other.agentId).toBe('a2');
    expect(a.agentId).toBe('a1');
    // A main-transcript line with the same session and cwd has no agent: never the progress context.
    const main = assistant({ sessionId: 's1', cwd: '/p' })[0]!.ctx;
    expect(main).not.toBe(a);
    expect(main.agentId).toBeUndefined();
  });
});
