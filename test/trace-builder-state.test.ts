// The trace builder's saved state (snapshotJson) keeps each open session's JSON until the session
// changes. A change that forgot to drop it would save a stale session, and a restart would resume
// from it. So: events of real and generated transcripts, with hook events mixed in (tool timings,
// failures, subagent start/stop, prompts without a transcript, Stop, notifications), are handed over
// in random slices under a moving wall clock, with ticks (quiet calls, idle turns and sessions,
// tool merge waits), final ticks, drains and restarts from the saved JSON at random points; after
// every commit the saved JSON must equal a fresh serialization of the whole state, byte for byte.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TraceBuilder, DEFAULT_TRACE_OPTIONS, type TraceBuilderState } from '../src/export/traces/trace-builder.js';
import { Pricer } from '../src/pricing/cost.js';
import { EMBEDDED_PRICES } from '../src/pricing/price-table.js';
import { parseHookPayload } from '../src/model/hook-payload.js';
import type { HookEvent, ModelEvent } from '../src/model/events.js';
import type { UsageRecord } from '../src/state/ledger.js';
import { generateHistory } from './support/history-generator.js';
import { eventsOf } from './support/recorded-events.js';
import { prng, type Rng } from './support/prng.js';

const FIXTURES = join(import.meta.dirname, 'fixtures');

function hook(r: Rng, seq: number, ts: number, payload: Record<string, unknown>): HookEvent {
  const p = parseHookPayload(`${ts}.${seq}`, ts, JSON.stringify({ transcript_path: '/t.jsonl', ...payload }), () => r.chance(0.7));
  if (!p.ok) throw new Error(p.reason);
  return p.event;
}

/** The transcript events with hook events mixed in: every path of the builder's hook handling. */
function withHooks(events: readonly ModelEvent[], r: Rng): ModelEvent[] {
  const out: ModelEvent[] = [];
  const later: Array<{ at: number; e: HookEvent }> = [];
  let seq = 0;
  events.forEach((e, i) => {
    const base = { session_id: e.ctx.sessionId, cwd: e.ctx.cwd, ...(e.ctx.agentId ? { agent_id: e.ctx.agentId } : {}) };
    if (e.kind === 'tool_use' && r.chance(0.4)) {
      if (r.chance(0.8)) out.push(hook(r, seq++, e.ts - r.int(0, 50), { ...base, hook_event_name: 'PreToolUse', tool_name: e.name, tool_input: e.input, tool_use_id: e.id }));
      const end = r.pick(['PostToolUse', 'PostToolUseFailure']);
      later.push({ at: i + r.int(0, 40), e: hook(r, seq++, e.ts + r.int(1, 90_000), { ...base, hook_event_name: end, tool_name: e.name, tool_input: e.input, tool_use_id: e.id, tool_response: 'ok', error: 'boom\nmore' }) });
    }
    if (e.ctx.agentId && r.chance(0.05)) {
      out.push(hook(r, seq++, e.ts - 1, { ...base, hook_event_name: 'SubagentStart', agent_type: r.pick(['Explore', 'general-purpose']) }));
      later.push({ at: i + r.int(0, 60), e: hook(r, seq++, e.ts + r.int(0, 60_000), { ...base, hook_event_name: 'SubagentStop' }) });
    }
    if (r.chance(0.02)) out.push(hook(r, seq++, e.ts, { ...base, hook_event_name: r.pick(['Stop', 'Notification', 'PreCompact', 'SessionStart', 'SomethingNew']), notification_type: 'idle_prompt' }));
    if (r.chance(0.01)) out.push(hook(r, seq++, e.ts, { ...base, hook_event_name: 'UserPromptSubmit', prompt: 'hi' }));
    out.push(e);
    for (let k = later.length - 1; k >= 0; k--) {
      if (later[k]!.at > i) continue;
      out.push(later[k]!.e);
      later.splice(k, 1);
    }
  });
  out.push(...later.map((l) => l.e));
  return out;
}

const fresh = (b: TraceBuilder): string => JSON.stringify(b.snapshot());

/** One run: returns how many commits saw open sessions, and how many of those had an unchanged one. */
function run(all: readonly ModelEvent[], usage: Map<string, UsageRecord>, seed: number): { commits: number; reused: number; restarts: number; swept: number; reclosed: number } {
  const r = prng(seed);
  let wall = Date.parse('2030-01-01T00:00:00Z');
  const opts = { ...DEFAULT_TRACE_OPTIONS, sessionIdleMs: r.pick([60_000, 30 * 60_000]), turnIdleMs: r.pick([20_000, 5 * 60_000]) };
  const make = (): TraceBuilder => new TraceBuilder(new Pricer(EMBEDDED_PRICES), opts, (k) => usage.get(k), () => wall, undefined, (cwd) => (cwd.length % 2 ? `https://example.com${cwd}` : undefined));
  let b = make();
  let commits = 0;
  let reused = 0;
  let restarts = 0;
  // Closed sessions forgotten by the retention sweep, and closed again after reopening (both rewrite the cached closed JSON).
  let swept = 0;
  let reclosed = 0;
  let closedBefore: TraceBuilderState['closed'] = {};
  let last = new Map<string, string>();
  let older: string | undefined;
  const commit = (i: number): void => {
    // The saved state must be today's state, whatever was cached.
    const saved = b.snapshotJson();
    const truth = fresh(b);
    if (saved !== truth) {
      const a = JSON.parse(saved) as TraceBuilderState;
      const t = JSON.parse(truth) as TraceBuilderState;
      const stale = Object.keys(t.sessions).filter((sid) => JSON.stringify(a.sessions[sid]) !== JSON.stringify(t.sessions[sid]));
      expect.fail(`seed ${seed}, event ${i}: saved state differs from a fresh serialization (sessions ${stale.join(', ') || '(order or closed)'})`);
    }
    const parsed = JSON.parse(saved) as TraceBuilderState;
    if (Object.keys(closedBefore).some((sid) => !parsed.closed[sid])) swept++;
    if (Object.entries(parsed.closed).some(([sid, c]) => closedBefore[sid] !== undefined && closedBefore[sid]!.at !== c.at)) reclosed++;
    closedBefore = parsed.closed;
    const now = new Map(Object.entries(parsed.sessions).map(([k, v]) => [k, JSON.stringify(v)]));
    if (now.size > 1) commits++;
    if ([...now].some(([k, v]) => last.get(k) === v)) reused++;
    last = now;
    if (r.chance(0.05)) {
      // A restart from what was saved, or the same builder put back to an older saved state.
      if (r.chance(0.5) || older === undefined) b = make();
      b.restore(JSON.parse(r.chance(0.5) && older !== undefined ? older : saved) as TraceBuilderState);
      restarts++;
      expect(b.snapshotJson()).toBe(fresh(b));
    }
    if (r.chance(0.3)) older = saved;
  };
  let i = 0;
  while (i < all.length) {
    const n = r.int(1, r.chance(0.2) ? 400 : 40);
    b.accept(all.slice(i, i + n));
    i += n;
    // Then ticks, drains and commits in any order: a tick after a commit meets cached sessions.
    for (let k = r.int(1, 5); k > 0; k--) {
      const step = r.int(0, 3);
      if (step === 0) {
        // Now and then past the 60 days closed sessions are kept.
        wall += r.chance(0.01) ? 61 * 86_400_000 : r.pick([0, 5, 300, 2500, 15_000, 200_000]);
        // Event time now and then, so calls go quiet, then turns idle, then sessions, in separate ticks.
        b.tick(r.chance(0.3) ? wall : all[Math.min(i, all.length - 1)]!.ts + r.int(0, 40 * 60_000), r.chance(0.02));
      } else if (step === 1) b.drain();
      else commit(i);
    }
  }
  b.tick(wall, true);
  expect(b.snapshotJson()).toBe(fresh(b));
  return { commits, reused, restarts, swept, reclosed };
}

describe('trace builder saved state', () => {
  it('equals a fresh serialization after every commit (random slices, ticks and restarts, many seeds)', async () => {
    const root = mkdtempSync(join(tmpdir(), 'ccotel-tbs-gen-'));
    try {
      generateHistory(root, { sessions: 14, seed: 21, faults: true });
      const sources = [await eventsOf(join(FIXTURES, 'real')), await eventsOf(root)];
      let commits = 0;
      let reused = 0;
      let restarts = 0;
      let swept = 0;
      let reclosed = 0;
      for (const [k, src] of sources.entries()) {
        for (let seed = 1; seed <= 12; seed++) {
          const events = withHooks(src.events, prng(seed * 7 + k));
          expect(events.some((e) => e.kind === 'hook' && e.tool?.phase === 'failure')).toBe(true);
          const got = run(events, src.usage, seed * 31 + k);
          commits += got.commits;
          reused += got.reused;
          restarts += got.restarts;
          swept += got.swept;
          reclosed += got.reclosed;
        }
      }
      // The runs did exercise the cache: commits with several open sessions, some unchanged.
      expect(commits).toBeGreaterThan(100);
      expect(reused).toBeGreaterThan(50);
      expect(restarts).toBeGreaterThan(10);
      expect(swept).toBeGreaterThan(5);
      expect(reclosed).toBeGreaterThan(5);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('reads the recorded hook payloads through the same path', () => {
    // The fixture payloads name sessions the transcripts do not have: a hook-only session.
    const r = prng(3);
    const lines = readFileSync(join(FIXTURES, 'hooks', 'payloads.jsonl'), 'utf8').split('\n').filter(Boolean);
    const events = lines.map((l, i) => {
      const p = parseHookPayload(`h${i}`, 1_750_000_000_000 + i * 1000, l, () => false);
      if (!p.ok) throw new Error(p.reason);
      return p.event;
    });
    for (let seed = 1; seed <= 20; seed++) run(events, new Map(), seed * 13 + r.int(0, 5));
  });
});
