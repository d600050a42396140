// Hook events on the trace, through the real spool consumer, ingest manager and trace sink: the
// recorded payloads (test/fixtures/hooks) each end up somewhere (a tool span, a turn, a subagent
// span, or a span event; unknown events too), SubagentStart..SubagentStop is one span with the hook
// times, and with the subagent's transcript (the real sample) it is still one span, whichever
// source is read first, across a restart.
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { StateStore } from '../src/state/store.js';
import { IngestManager } from '../src/ingest/manager.js';
import { SpoolConsumer } from '../src/ingest/spool-consumer.js';
import { listTranscripts } from '../src/sources/transcript-files.js';
import { resolveRoots } from '../src/sources/roots.js';
import { Pricer } from '../src/pricing/cost.js';
import { EMBEDDED_PRICES } from '../src/pricing/price-table.js';
import { TraceBuilder, DEFAULT_TRACE_OPTIONS } from '../src/export/traces/trace-builder.js';
import { TraceSink } from '../src/export/traces/trace-sink.js';
import type { ReadableSpan } from '../src/export/traces/readable-span.js';
import { createLogger } from '../src/log.js';
import { tempDir, useCleanups } from './support/temp.js';

useCleanups();
const pricer = new Pricer(EMBEDDED_PRICES);
const log = createLogger({ level: 'silent', json: false });
const FIXTURE = join(import.meta.dirname, 'fixtures');

interface Span {
  name: string;
  id: string;
  parent?: string;
  start: number;
  end: number;
  attributes: Record<string, unknown>;
  events: Array<{ name: string; time: number; attributes: Record<string, unknown> }>;
}
const ms = (t: [number, number]) => t[0] * 1000 + t[1] / 1e6;
const toSpan = (s: ReadableSpan): Span => ({
  name: s.name,
  id: s.spanContext().spanId,
  parent: s.parentSpanContext?.spanId,
  start: ms(s.startTime),
  end: ms(s.endTime),
  attributes: { ...s.attributes },
  events: s.events.map((e) => ({ name: e.name, time: ms(e.time), attributes: { ...e.attributes } })),
});

/** A process of ccotel over a state directory: spool, transcripts, traces to memory. */
async function open(state: string, claude: string, sent: Span[]) {
  const store = await StateStore.open(state, { allowReadOnly: false });
  const exporter = { export: async (b: ReadableSpan[]) => void sent.push(...b.map(toSpan)), shutdown: async () => {}, describe: () => 'memory' };
  // A wall clock that stands still: sessions and tools close only at the end (finish), never by timing.
  const wall = Date.now();
  const builder = new TraceBuilder(pricer, DEFAULT_TRACE_OPTIONS, (k) => store.ledger.usage.get(k), () => wall);
  const sink = new TraceSink(builder, exporter, resourceFromAttributes({}));
  const manager = new IngestManager(store, [sink], log);
  const spool = new SpoolConsumer(store, manager, join(state, 'spool'), log);
  return {
    spool,
    transcripts: async () => manager.syncAll(await listTranscripts(resolveRoots([claude]))),
    finish: async () => {
      sink.finish();
      await manager.commit();
    },
    close: () => store.close(),
  };
}

/** Writes payloads into the spool as the hook script does (name: hook time in ns, then a pid). */
function spool(state: string, payloads: Array<{ at: number; body: Record<string, unknown> }>): void {
  const dir = join(state, 'spool', 'new');
  mkdirSync(dir, { recursive: true });
  payloads.forEach((p, i) => writeFileSync(join(dir, `${p.at}000000.${100 + i}`), JSON.stringify(p.body)));
}

const TOOL_EVENTS = new Set(['PreToolUse', 'PostToolUse', 'PostToolUseFailure']);

describe('hook events on the trace', () => {
  it('every recorded payload ends up on the trace: tool spans, a turn, one subagent span with the hook times, span events (Stop on its turn, unknown events too)', async () => {
    const d = await tempDir('hook-spans');
    const state = join(d, 'state');
    const base = Date.UTC(2026, 0, 5, 10);
    const recorded = readFileSync(join(FIXTURE, 'hooks', 'payloads.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
    const bodies = [...recorded, { ...recorded[0], hook_event_name: 'SomeFutureHook', source: 'x' }];
    // The transcript is not on this machine: a hook-only session.
    const payloads = bodies.map((b, i) => ({ at: base + i * 1000, body: { ...b, transcript_path: join(d, 'nowhere.jsonl') } as Record<string, unknown> }));
    spool(state, payloads);
    const sent: Span[] = [];
    const p = await open(state, join(d, 'claude'), sent);
    expect(await p.spool.sync()).toBe(payloads.length);
    await p.finish();
    p.close();

    const sid = recorded[0]!.session_id;
    const at = (event: string) => payloads.filter((x) => x.body.hook_event_name === event).map((x) => x.at);
    const root = sent.filter((s) => s.name === 'invoke_agent claude-code');
    expect(root).toHaveLength(1);
    expect(root[0]!.attributes['gen_ai.conversation.id']).toBe(sid);
    // Tool events: one span per tool_use_id, hook times, the failure's error.
    for (const id of new Set(payloads.filter((x) => TOOL_EVENTS.has(x.body.hook_event_name as string)).map((x) => x.body.tool_use_id as string))) {
      const mine = payloads.filter((x) => x.body.tool_use_id === id);
      const spans = sent.filter((s) => s.attributes['gen_ai.tool.call.id'] === id);
      expect(spans.map((s) => [s.name, s.start, s.end])).toEqual([[`execute_tool ${mine[0]!.body.tool_name}`, mine[0]!.at, mine.at(-1)!.at]]);
    }
    // UserPromptSubmit opened the turn; Stop ended it and is its span event, with stop_hook_active.
    const turn = sent.filter((s) => s.name === 'turn');
    expect(turn.map((t) => [t.start, t.end])).toEqual([[at('UserPromptSubmit')[0], at('Stop')[0]]]);
    const stop = recorded.find((b) => b.hook_event_name === 'Stop')!;
    expect(turn[0]!.events).toEqual([{ name: 'Stop', time: at('Stop')[0], attributes: { 'ccotel.hook.stop_hook_active': String(stop.stop_hook_active), 'ccotel.hook.permission_mode': stop.permission_mode } }]);
    // SubagentStart..SubagentStop: one span under the root, the hook times, the agent's type and id.
    const start = recorded.find((b) => b.hook_event_name === 'SubagentStart')!;
    const agents = sent.filter((s) => s.name.startsWith('invoke_agent ') && s !== root[0]);
    expect(agents.map((a) => ({ name: a.name, parent: a.parent, start: a.start, end: a.end, id: a.attributes['gen_ai.agent.id'] }))).toEqual([
      { name: `invoke_agent ${start.agent_type}`, parent: root[0]!.id, start: at('SubagentStart')[0], end: at('SubagentStop')[0], id: start.agent_id },
    ]);
    // Everything else is a span event of the root, in order, with its label-like fields; nothing dropped.
    const spanned = new Set([...TOOL_EVENTS, 'UserPromptSubmit', 'Stop', 'SubagentStart', 'SubagentStop']);
    const rest = payloads.filter((x) => !spanned.has(x.body.hook_event_name as string));
    expect(root[0]!.events.map((e) => [e.name, e.time])).toEqual(rest.map((x) => [x.body.hook_event_name, x.at]));
    const notification = root[0]!.events.find((e) => e.name === 'Notification')!;
    expect(notification.attributes['ccotel.hook.notification_type']).toBe(recorded.find((b) => b.hook_event_name === 'Notification')!.notification_type);
    expect(root[0]!.events.find((e) => e.name === 'SomeFutureHook')!.attributes['ccotel.hook.source']).toBe('x');
    expect(new Set(sent.map((s) => s.id)).size).toBe(sent.length);
  });

  it('a SubagentStop with no start is a span event, a SubagentStart with no stop a span closed with the session', async () => {
    const d = await tempDir('hook-spans-unpaired');
    const state = join(d, 'state');
    const base = Date.UTC(2026, 0, 6, 10);
    const common = { session_id: 's-unpaired', cwd: '/p', transcript_path: join(d, 'nowhere.jsonl') };
    spool(state, [
      { at: base, body: { ...common, hook_event_name: 'SessionStart', source: 'startup' } },
      { at: base + 1000, body: { ...common, hook_event_name: 'SubagentStop', stop_hook_active: true, agent_id: 'lonely', agent_type: 'Plan' } },
      { at: base + 2000, body: { ...common, hook_event_name: 'SubagentStart', agent_id: 'open', agent_type: 'Explore' } },
      { at: base + 9000, body: { ...common, hook_event_name: 'SessionEnd', reason: 'other' } },
    ]);
    const sent: Span[] = [];
    const p = await open(state, join(d, 'claude'), sent);
    await p.spool.sync();
    await p.finish();
    p.close();
    const root = sent.find((s) => s.name === 'invoke_agent claude-code')!;
    expect(root.events.map((e) => [e.name, e.time, e.attributes['gen_ai.agent.id'] ?? null, e.attributes['ccotel.hook.stop_hook_active'] ?? null])).toEqual([
      ['SessionStart', base, null, null],
      ['SubagentStop', base + 1000, 'lonely', 'true'],
      ['SessionEnd', base + 9000, null, null],
    ]);
    const agents = sent.filter((s) => s.attributes['gen_ai.agent.id'] !== undefined && s !== root);
    expect(agents.map((a) => [a.name, a.parent, a.start, a.end, a.attributes['ccotel.agent.incomplete']])).toEqual([['invoke_agent Explore', root.id, base + 2000, base + 9000, true]]);
  });

  it('a hook-only pair split by a restart is still one span with both hook times', async () => {
    const d = await tempDir('hook-spans-restart');
    const state = join(d, 'state');
    const base = Date.UTC(2026, 0, 7, 10);
    const common = { session_id: 's-split', cwd: '/p', transcript_path: join(d, 'nowhere.jsonl') };
    const sent: Span[] = [];
    spool(state, [{ at: base, body: { ...common, hook_event_name: 'SubagentStart', agent_id: 'ag', agent_type: 'general-purpose' } }]);
    const first = await open(state, join(d, 'claude'), sent);
    await first.spool.sync();
    first.close();
    spool(state, [{ at: base + 5000, body: { ...common, hook_event_name: 'SubagentStop', stop_hook_active: false, agent_id: 'ag', agent_type: 'general-purpose' } }]);
    const second = await open(state, join(d, 'claude'), sent);
    await second.spool.sync();
    await second.finish();
    second.close();
    const agents = sent.filter((x) => x.attributes['gen_ai.agent.id'] === 'ag');
    expect(agents.map((a) => [a.name, a.start, a.end, a.attributes['ccotel.agent.incomplete'] ?? false])).toEqual([['invoke_agent general-purpose', base, base + 5000, false]]);
    expect(sent.find((x) => x.name === 'invoke_agent claude-code')!.events).toEqual([]);
  });

  describe('one subagent span with its transcript (the real sample), whichever comes first, across a restart', () => {
    const SESSION = '4d5611e5-241a-462a-8d15-5122611a9569';
    const PROJECT = '-home-USER-projects-spotter-worktrees-spotter-dov';
    const AGENT = 'a2898e3';
    const TASK = 'toolu_017pLRuPHYTX5t99EnLyV53m';
    // The Task call runs 16:02:48.180 .. 16:05:10.054 in the transcript; the hooks measure inside it.
    const preTask = Date.parse('2026-02-12T16:02:48.250Z');
    const subStart = Date.parse('2026-02-12T16:02:48.400Z');
    const subStop = Date.parse('2026-02-12T16:05:09.950Z');
    const postTask = Date.parse('2026-02-12T16:05:10.010Z');

    const hooks = (transcriptPath: string) => {
      const common = { session_id: SESSION, cwd: '/home/USER/projects/spotter-worktrees/spotter-dov', transcript_path: transcriptPath };
      const taskInput = { subagent_type: 'Explore', description: 'Explore transcript rendering codebase', prompt: 'explore' };
      return [
        { at: preTask, body: { ...common, hook_event_name: 'PreToolUse', tool_name: 'Task', tool_input: taskInput, tool_use_id: TASK } },
        { at: subStart, body: { ...common, hook_event_name: 'SubagentStart', agent_id: AGENT, agent_type: 'Explore' } },
        { at: subStop, body: { ...common, hook_event_name: 'SubagentStop', stop_hook_active: false, agent_id: AGENT, agent_type: 'Explore', agent_transcript_path: join(transcriptPath.replace(/\.jsonl$/, ''), 'subagents', `agent-${AGENT}.jsonl`) } },
        { at: postTask, body: { ...common, hook_event_name: 'PostToolUse', tool_name: 'Task', tool_input: taskInput, tool_response: { status: 'completed' }, tool_use_id: TASK } },
      ];
    };

    const orders = {
      'hooks first (transcript on disk)': { hooksFirst: true, transcriptThere: true },
      'transcript first': { hooksFirst: false, transcriptThere: true },
      'hooks first, transcript copied in later': { hooksFirst: true, transcriptThere: false },
    };
    for (const [name, o] of Object.entries(orders)) {
      it(name, async () => {
        const d = await tempDir('hook-spans-agent');
        const state = join(d, 'state');
        const claude = join(d, 'claude');
        const copy = () => cpSync(join(FIXTURE, 'real', 'projects', PROJECT), join(claude, 'projects', PROJECT), { recursive: true });
        mkdirSync(join(claude, 'projects'), { recursive: true });
        if (o.transcriptThere) copy();
        const sent: Span[] = [];
        const first = await open(state, claude, sent);
        const transcriptPath = join(claude, 'projects', PROJECT, `${SESSION}.jsonl`);
        if (o.hooksFirst) {
          spool(state, hooks(transcriptPath));
          await first.spool.sync();
        } else await first.transcripts();
        first.close(); // a restart: the open trace state comes back from the checkpoint
        if (!o.transcriptThere) copy();
        const second = await open(state, claude, sent);
        if (o.hooksFirst) await second.transcripts();
        else {
          spool(state, hooks(transcriptPath));
          await second.spool.sync();
        }
        await second.finish();
        second.close();

        const agentSpans = sent.filter((s) => s.attributes['gen_ai.agent.id'] === AGENT && s.name.startsWith('invoke_agent'));
        expect(agentSpans).toHaveLength(1);
        const task = sent.filter((s) => s.attributes['gen_ai.tool.call.id'] === TASK);
        expect(task).toHaveLength(1);
        const agent = agentSpans[0]!;
        expect(agent.name).toBe('invoke_agent Explore');
        if (o.transcriptThere) {
          // The transcript names the Task call that ran it: the span hangs under that call's span.
          expect(agent.parent).toBe(task[0]!.id);
          expect(task[0]!.start).toBeLessThanOrEqual(agent.start);
          expect(task[0]!.end).toBeGreaterThanOrEqual(agent.end);
        }
        // Hooks read first: the hook times are the span's (the transcript's agent lines run 48.183 .. 10.022).
        if (o.hooksFirst) expect([agent.start, agent.end]).toEqual([subStart, subStop]);
        expect(new Set(sent.map((s) => s.id)).size).toBe(sent.length);
      }, 60_000);
    }
  });
});
