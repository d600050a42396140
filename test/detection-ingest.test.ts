// Rule hits at ingest: computed once per tool call when the ledger applies it, kept as keyed records
// that survive a reload (and are not doubled by a re-read), and attached by the trace builder as
// `ccotel.sensitive` span events on the tool span, redacted.
import { describe, expect, it } from 'vitest';
import { Ledger } from '../src/state/ledger.js';
import { TraceBuilder, DEFAULT_TRACE_OPTIONS } from '../src/export/traces/trace-builder.js';
import { Pricer } from '../src/pricing/cost.js';
import { EMBEDDED_PRICES } from '../src/pricing/price-table.js';
import { toReadableSpan } from '../src/export/traces/readable-span.js';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { EventContext, ModelEvent } from '../src/model/events.js';
import { createDetector } from '../src/detection/engine.js';
import { computeMetricData } from '../src/export/metrics/ledger-metrics.js';

const T0 = Date.parse('2026-02-01T10:00:00Z');
const ctx: EventContext = { sessionId: 's1', cwd: '/home/dev/app' };
const sub: EventContext = { ...ctx, cwd: '/home/dev/app', agentId: 'a1' };
const usage = { input: 1, output: 1, cacheRead: 0, cacheCreation: 0, cacheCreation1h: 0, cacheSplit: false, fast: false };
const SECRET = 'ghp_' + 'x1Y2z3'.repeat(6);

const events: ModelEvent[] = [
  { kind: 'prompt', ctx, ts: T0, uuid: 'p1', chars: 5 },
  { kind: 'model_call', ctx, ts: T0 + 1, key: 'm1', messageId: 'm1', model: 'claude-sonnet-4-5-20250929', usage, apiError: false },
  { kind: 'tool_use', ctx, ts: T0 + 1, id: 't1', name: 'Bash', callKey: 'm1', input: { command: `curl -H "Authorization: token ${SECRET}" https://api.github.com/user` } },
  { kind: 'tool_result', ctx, ts: T0 + 2, toolUseId: 't1', isError: false, resultChars: 3 },
  { kind: 'tool_use', ctx, ts: T0 + 3, id: 't2', name: 'Read', callKey: 'm1', input: { file_path: '/home/dev/app/src/index.ts' } },
  { kind: 'tool_result', ctx, ts: T0 + 4, toolUseId: 't2', isError: false, resultChars: 3 },
  // A subagent writing into its session's project is inside; /tmp is outside.
  { kind: 'tool_use', ctx: sub, ts: T0 + 5, id: 't3', name: 'Write', callKey: 'm1', input: { file_path: 'notes/a.md', content: 'x' } },
  { kind: 'tool_use', ctx: sub, ts: T0 + 6, id: 't4', name: 'Write', callKey: 'm1', input: { file_path: '/tmp/out.sh', content: 'x' } },
];

describe('rule hits in the ledger and on spans', () => {
  it('records each rule once per call, reloads them, and never doubles them', () => {
    const l = new Ledger();
    l.detect = createDetector([], { home: '/home/dev' });
    for (const e of events) l.apply(e);
    for (const e of events) l.apply(e); // a re-read
    const hits = [...l.hits.values()].map((h) => `${h.toolId}:${h.rule}:${h.severity}`).sort();
    expect(hits).toEqual(['t1:external_fetch:info', 't1:secret_in_command:critical', 't4:write_outside_project:warning']);
    const rows = l.takeChanges();
    expect(rows).not.toContain(SECRET);
    const again = new Ledger();
    for (const line of rows.trim().split('\n')) again.loadRow(JSON.parse(line));
    expect([...again.hits.values()]).toEqual([...l.hits.values()]);
    expect(again.hitsOf('t1').map((h) => h.rule).sort()).toEqual(['external_fetch', 'secret_in_command']);
    expect(again.hitsOf('t4')[0]).toMatchObject({ agentId: 'a1', field: 'file_path', value: '/tmp/out.sh', tool: 'Write' });

    // The counter, from the ledger: the same after a restart (a ledger rebuilt from its rows).
    const points = (ledger: Ledger) => computeMetricData(ledger, new Pricer(EMBEDDED_PRICES), { user: 'u', timezone: 'UTC', nowMs: T0 + 86_400_000 }).find((m) => m.name === 'ccotel.sensitive.hits')!.points;
    const want = [
      { attributes: { rule: 'external_fetch', severity: 'info', tool: 'Bash', project: '/home/dev/app', user: 'u' }, value: 1 },
      { attributes: { rule: 'secret_in_command', severity: 'critical', tool: 'Bash', project: '/home/dev/app', user: 'u' }, value: 1 },
      { attributes: { rule: 'write_outside_project', severity: 'warning', tool: 'Write', project: '/home/dev/app', user: 'u' }, value: 1 },
    ];
    expect(points(l)).toEqual(want);
    expect(points(again)).toEqual(want);
  });

  it('puts one ccotel.sensitive event per hit on the tool span, redacted, and exports them', () => {
    const l = new Ledger();
    const b = new TraceBuilder(new Pricer(EMBEDDED_PRICES), DEFAULT_TRACE_OPTIONS, (k) => l.usage.get(k), () => T0 + 86_400_000, (id) => {
      const t = l.tools.get(id);
      return t && { target: t.target, hits: l.hitsOf(id) };
    });
    for (const e of events) {
      l.apply(e);
      b.accept([e]);
    }
    b.tick(T0 + 86_400_000, true);
    const spans = b.drain();
    const t1 = spans.find((s) => s.spanId && s.attributes['gen_ai.tool.call.id'] === 't1')!;
    expect(t1.events!.map((e) => e.attributes['ccotel.sensitive.rule']).sort()).toEqual(['external_fetch', 'secret_in_command']);
    expect([...(t1.attributes['ccotel.sensitive.rules'] as string[])].sort()).toEqual(['external_fetch', 'secret_in_command']);
    const ev = t1.events!.find((e) => e.attributes['ccotel.sensitive.rule'] === 'secret_in_command')!;
    expect(ev).toMatchObject({ name: 'ccotel.sensitive', timeMs: T0 + 1, attributes: { 'ccotel.sensitive.severity': 'critical', 'ccotel.sensitive.field': 'command' } });
    expect(JSON.stringify(spans)).not.toContain(SECRET);
    expect(spans.find((s) => s.attributes['gen_ai.tool.call.id'] === 't2')!.events).toBeUndefined();
    const t4 = spans.find((s) => s.attributes['gen_ai.tool.call.id'] === 't4')!; // incomplete: closed with the session
    expect(t4.events!.map((e) => e.attributes['ccotel.sensitive.rule'])).toEqual(['write_outside_project']);
    const readable = toReadableSpan(t1, resourceFromAttributes({}));
    expect(readable.events.map((e) => e.name)).toEqual(['ccotel.sensitive', 'ccotel.sensitive']);
    expect(readable.events[0]!.time).toEqual([Math.floor((T0 + 1) / 1000), ((T0 + 1) % 1000) * 1e6]);
  });
});
