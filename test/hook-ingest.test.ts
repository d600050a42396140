// Hook events in the ledger, fold and trace builder (in process): estimates replaced by exact
// numbers without double counting, one tool span whichever source arrives first (across a restart),
// and the spool's exactly-once protocol around a crash.
import { copyFileSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Ledger } from '../src/state/ledger.js';
import { Fold } from '../src/fold/fold.js';
import { Pricer } from '../src/pricing/cost.js';
import { EMBEDDED_PRICES } from '../src/pricing/price-table.js';
import { metricData, METRIC, type NumberMetric } from '../src/export/metrics/ledger-metrics.js';
import { TraceBuilder, DEFAULT_TRACE_OPTIONS } from '../src/export/traces/trace-builder.js';
import { parseHookPayload } from '../src/model/hook-payload.js';
import type { HookEvent, ModelEvent } from '../src/model/events.js';
import { StateStore } from '../src/state/store.js';
import { IngestManager } from '../src/ingest/manager.js';
import { SpoolConsumer } from '../src/ingest/spool-consumer.js';
import { createLogger } from '../src/log.js';
import { tempDir, useCleanups } from './support/temp.js';

useCleanups();
const pricer = new Pricer(EMBEDDED_PRICES);
const S = 'sess-1';
const ctx = { sessionId: S, cwd: '/p' };

function hook(id: string, ts: number, payload: Record<string, unknown>, transcript = false): HookEvent {
  const r = parseHookPayload(id, ts, JSON.stringify({ session_id: S, cwd: '/p', transcript_path: '/t.jsonl', ...payload }), () => transcript);
  if (!r.ok) throw new Error(r.reason);
  return r.event;
}

const points = (fold: Fold, name: string) => (metricData(fold, { user: 'u', timezone: 'UTC', nowMs: 2e12 }).find((m) => m.name === name) as NumberMetric).points;
const tokenPoints = (fold: Fold) => points(fold, METRIC.tokenUsage);

describe('hook estimates', () => {
  it('are gauges at ~4 chars a token with estimated="true", and fall to 0 when the exact numbers arrive', () => {
    const ledger = new Ledger();
    const fold = new Fold({ pricer });
    ledger.onChange((c) => fold.apply(c));
    const input = { command: 'x'.repeat(38) }; // 54 chars serialized
    ledger.apply(hook('1.1', 1000, { hook_event_name: 'UserPromptSubmit', prompt: 'q'.repeat(41) }));
    ledger.apply(hook('2.1', 2000, { hook_event_name: 'PreToolUse', tool_name: 'Bash', tool_input: input, tool_use_id: 't1' }));
    ledger.apply(hook('3.1', 3000, { hook_event_name: 'PostToolUse', tool_name: 'Bash', tool_input: input, tool_response: 'r'.repeat(398), tool_use_id: 't1' }));
    ledger.apply(hook('3.1', 3000, { hook_event_name: 'PostToolUse', tool_name: 'Bash', tool_input: input, tool_response: 'r'.repeat(398), tool_use_id: 't1' })); // again: nothing changes
    const est = points(fold, METRIC.tokenEstimate);
    expect(est.every((p) => p.attributes.estimated === 'true')).toBe(true);
    // prompt 41 chars -> 11; response 398 chars -> 100; input 54 chars -> 14
    expect(Object.fromEntries(est.map((p) => [p.attributes.type, p.value]))).toEqual({ input: 11 + 100, output: Math.ceil(JSON.stringify(input).length / 4) });
    expect(points(fold, METRIC.promptsEstimate).map((p) => p.value)).toEqual([1]);
    // The counters never carry an estimate.
    expect(tokenPoints(fold)).toEqual([]);
    expect(points(fold, METRIC.prompts)).toEqual([]);
    // The transcript arrives: exact usage and its own prompt count; the estimates fall to 0.
    const usage = { input: 7, output: 3, cacheCreation: 0, cacheCreation1h: 0, cacheSplit: false, cacheRead: 0, fast: false };
    const exact: ModelEvent[] = [
      { kind: 'prompt', ctx, ts: 1000, uuid: 'u1', chars: 41 },
      { kind: 'model_call', ctx, ts: 1500, key: 'm1:r1', messageId: 'm1', requestId: 'r1', model: 'claude-sonnet-4-5', usage, apiError: false },
    ];
    for (const e of exact) ledger.apply(e);
    const after = tokenPoints(fold);
    expect(Object.fromEntries(after.map((p) => [p.attributes.type, p.value]))).toMatchObject({ input: 7, output: 3 });
    expect(points(fold, METRIC.prompts).map((p) => p.value)).toEqual([1]);
    for (const name of [METRIC.tokenEstimate, METRIC.costEstimate, METRIC.promptsEstimate]) expect(points(fold, name).map((p) => p.value), name).toEqual(name === METRIC.tokenEstimate ? [0, 0] : [0]);
    // The tool call counts once, with the hook's times.
    expect(fold.series.toolCalls.get('Bash\0success\0/p')).toBe(1);
    // A fresh fold of the ledger agrees (the replaced records are in the ledger, not only the fold).
    const again = Fold.of(ledger, { pricer });
    expect(metricData(again, { user: 'u', timezone: 'UTC', nowMs: 2e12 })).toEqual(metricData(fold, { user: 'u', timezone: 'UTC', nowMs: 2e12 }));
  });
});

describe('hooks after the transcript', () => {
  it('never lower a counter or a histogram bucket: a call the transcript completed keeps its duration and outcome', () => {
    const ledger = new Ledger();
    const fold = new Fold({ pricer });
    ledger.onChange((c) => fold.apply(c));
    const cumulative = () => {
      const out = new Map<string, number>();
      for (const m of metricData(fold, { user: 'u', timezone: 'UTC', nowMs: 2e12 })) {
        if (m.kind === 'gauge') continue;
        for (const p of m.points) {
          const key = m.name + JSON.stringify(p.attributes);
          if ('value' in p) out.set(key, p.value);
          else {
            let acc = 0;
            p.histogram.counts.forEach((n, i) => out.set(`${key}le${i}`, (acc += n)));
          }
        }
      }
      return out;
    };
    // The transcript: a 10 ms successful call.
    ledger.apply({ kind: 'tool_use', ctx, ts: 10_000, id: 't9', name: 'Bash', callKey: 'm:r', input: { command: 'ls' } });
    ledger.apply({ kind: 'tool_result', ctx, ts: 10_010, toolUseId: 't9', isError: false, resultChars: 2 });
    const before = cumulative();
    expect(before.get('ccotel.tool.calls{"tool":"Bash","outcome":"success","project":"/p","user":"u"}')).toBe(1);
    // The hooks measured it longer, and (a disagreement) as a failure.
    ledger.apply(hook('9.1', 8_000, { hook_event_name: 'PreToolUse', tool_name: 'Bash', tool_input: { command: 'ls' }, tool_use_id: 't9' }, true));
    ledger.apply(hook('9.2', 12_000, { hook_event_name: 'PostToolUseFailure', tool_name: 'Bash', tool_input: { command: 'ls' }, tool_use_id: 't9', error: 'boom' }, true));
    const after = cumulative();
    for (const [k, v] of before) expect(after.get(k) ?? -1, k).toBeGreaterThanOrEqual(v);
    expect(fold.series.toolCalls.get('Bash\0success\0/p')).toBe(1);
  });
});

describe('one tool span from hook and transcript', () => {
  const use = (ts: number): ModelEvent => ({ kind: 'tool_use', ctx, ts, id: 't1', name: 'Read', callKey: 'm1:r1', input: { file_path: '/p/a' } });
  const result = (ts: number): ModelEvent => ({ kind: 'tool_result', ctx, ts, toolUseId: 't1', isError: false, resultChars: 5 });
  const pre = hook('100.1', 10_100, { hook_event_name: 'PreToolUse', tool_name: 'Read', tool_input: { file_path: '/p/a' }, tool_use_id: 't1' }, true);
  const post = hook('200.1', 10_200, { hook_event_name: 'PostToolUse', tool_name: 'Read', tool_input: { file_path: '/p/a' }, tool_response: 'hello', tool_use_id: 't1' }, true);
  const orders: Record<string, ModelEvent[][]> = {
    'hooks first': [[pre, post], [use(10_000), result(10_300)]],
    'transcript first (session already hooked)': [[hook('1.1', 9000, { hook_event_name: 'SessionStart', source: 'startup' }, true), use(10_000), result(10_300)], [pre, post]],
    interleaved: [[pre, use(10_000)], [result(10_300), post]],
  };
  for (const [name, [first, second]] of Object.entries(orders)) {
    it(`${name}, with a restart between`, () => {
      const b1 = new TraceBuilder(pricer, DEFAULT_TRACE_OPTIONS, () => undefined, () => 50_000);
      b1.accept(first!);
      const saved = b1.snapshot();
      const spans = b1.drain();
      const b2 = new TraceBuilder(pricer, DEFAULT_TRACE_OPTIONS, () => undefined, () => 50_000);
      b2.restore(saved);
      b2.accept(second!);
      b2.tick(1e9, true); // long after: the session closes, its root is sent
      spans.push(...b2.drain());
      const tools = spans.filter((s) => s.name === 'execute_tool Read');
      expect(tools).toHaveLength(1);
      expect([tools[0]!.startMs, tools[0]!.endMs]).toEqual([10_100, 10_200]);
      expect(tools[0]!.links).toHaveLength(1);
      expect(spans.find((s) => s.name === 'invoke_agent claude-code')?.attributes['ccotel.session.tool_calls']).toBe(1);
    });
  }
});

describe('spool consumer', () => {
  it('a crash after the commit, before the removal: the files are removed unread, nothing counted twice', async () => {
    const d = await tempDir('spool-crash');
    const stateDir = join(d, 'state');
    const spool = join(stateDir, 'spool');
    mkdirSync(join(spool, 'new'), { recursive: true });
    const names = ['1700000000000000001.1', '1700000000000000002.1', '1700000000000000003.1'];
    const bodies = [
      { hook_event_name: 'PreToolUse', tool_name: 'Bash', tool_input: { command: 'ls' }, tool_use_id: 'x1' },
      { hook_event_name: 'PostToolUse', tool_name: 'Bash', tool_input: { command: 'ls' }, tool_response: 'ok', tool_use_id: 'x1' },
      { hook_event_name: 'Notification', message: 'm', notification_type: 'idle_prompt' },
    ];
    names.forEach((n, i) => writeFileSync(join(spool, 'new', n), JSON.stringify({ session_id: S, cwd: '/p', ...bodies[i] })));
    writeFileSync(join(spool, 'new', '1700000000000000004.1'), 'garbage');
    const backup = join(d, 'copy');
    mkdirSync(backup);
    for (const n of names) copyFileSync(join(spool, 'new', n), join(backup, n));
    const log = createLogger({ level: 'silent', json: false });

    let store = await StateStore.open(stateDir, { allowReadOnly: false });
    let c = new SpoolConsumer(store, new IngestManager(store, [], log), spool, log);
    expect(await c.sync()).toBe(3);
    expect(c.counters.rejected).toBe(1);
    expect(readdirSync(join(spool, 'new'))).toEqual([]);
    expect(readdirSync(join(spool, 'rejected'))).toEqual(['1700000000000000004.1']);
    // Simulate the crash window: the files are back (as if never removed) and the state lists them.
    for (const n of names) copyFileSync(join(backup, n), join(spool, 'new', n));
    store.setSinkState('spool', { done: names });
    await store.commit();
    store.close();

    store = await StateStore.open(stateDir, { allowReadOnly: false });
    c = new SpoolConsumer(store, new IngestManager(store, [], log), spool, log);
    expect(await c.sync()).toBe(0);
    expect(readdirSync(join(spool, 'new'))).toEqual([]);
    expect(store.ledger.hookRecords.size).toBe(1);
    expect(store.ledger.tools.get('x1')).toMatchObject({ hook: 3, isError: false });
    // A crash BEFORE the commit: nothing was durable, so the files are read again.
    for (const n of names) copyFileSync(join(backup, n), join(spool, 'new', n));
    await store.commit();
    store.close();
    store = await StateStore.open(stateDir, { allowReadOnly: false });
    c = new SpoolConsumer(store, new IngestManager(store, [], log), spool, log);
    expect(await c.sync()).toBe(3); // applied again: keyed records, so still one of each
    expect(store.ledger.hookRecords.size).toBe(1);
    expect(store.ledger.tools.size).toBe(1);
    store.close();
  });
});
