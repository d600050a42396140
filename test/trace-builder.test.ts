// The span tree built from real transcripts: one trace per session, every parent present, one span
// per model call / tool call / prompt / subagent, and ids stable across a rebuild.
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StateStore } from '../src/state/store.js';
import { IngestManager } from '../src/ingest/manager.js';
import { listTranscripts } from '../src/sources/transcript-files.js';
import { resolveRoots } from '../src/sources/roots.js';
import { TraceBuilder, DEFAULT_TRACE_OPTIONS } from '../src/export/traces/trace-builder.js';
import { Pricer } from '../src/pricing/cost.js';
import { EMBEDDED_PRICES } from '../src/pricing/price-table.js';
import type { EventSink } from '../src/model/sink.js';
import type { ModelEvent } from '../src/model/events.js';
import type { SpanData } from '../src/export/traces/span-data.js';
import { silentLogger } from '../src/log.js';
import { generateHistory } from './support/history-generator.js';

const FIXTURE_ROOT = join(__dirname, 'fixtures', 'real');

/**
 * What the fixture transcripts contain, counted straight from their JSON lines (not from the
 * events the code under test produces): the span counts the builder must match.
 */
function scanFixture(root: string) {
  const sessions = new Set<string>();
  const agents = new Set<string>();
  const calls = new Set<string>();
  const tools = new Set<string>();
  const errors = new Set<string>();
  const prompts = new Set<string>();
  const dir = join(root, 'projects');
  for (const rel of readdirSync(dir, { recursive: true }) as string[]) {
    if (!rel.endsWith('.jsonl')) continue;
    for (const line of readFileSync(join(dir, rel), 'utf8').split('\n')) {
      if (!line.trim()) continue;
      const o = JSON.parse(line);
      const m = o.message;
      if (o.type === 'assistant' && m?.usage) {
        sessions.add(o.sessionId);
        if (o.isSidechain && o.agentId) agents.add(`${o.sessionId}/${o.agentId}`);
        calls.add(`${o.sessionId}/${m.id}:${o.requestId ?? ''}`);
        for (const b of m.content ?? []) if (b.type === 'tool_use') tools.add(b.id);
      }
      if (o.type !== 'user' || !m) continue;
      if (Array.isArray(m.content) && m.content.some((b: { type?: string }) => b.type === 'tool_result')) {
        for (const b of m.content) if (b.type === 'tool_result' && b.is_error === true) errors.add(b.tool_use_id);
        continue;
      }
      if (o.isSidechain || o.isMeta || o.isCompactSummary) continue;
      const text = typeof m.content === 'string' ? m.content : Array.isArray(m.content) ? m.content.map((b: { text?: string }) => b.text ?? '').join('') : '';
      if (text) prompts.add(o.uuid);
    }
  }
  return { sessions: sessions.size, subagents: agents.size, chat: calls.size, tools: tools.size, toolErrors: [...errors].filter((id) => tools.has(id)).length, prompts: prompts.size };
}

/** A sink that keeps the builder's spans in memory (the builder itself is what is under test). */
class CollectingSink implements EventSink {
  readonly name = 'traces';
  spans: SpanData[] = [];
  constructor(
    readonly builder: TraceBuilder,
    /** Tick on every flush, as the real sink does: sessions may close between their files. */
    private readonly tickOnFlush = false,
    /** Called before each tick on flush: moves the injected wall clock. */
    private readonly onFlush: () => void = () => {},
  ) {}
  accept(e: readonly ModelEvent[]): void {
    this.builder.accept(e);
  }
  async flush(): Promise<void> {
    this.onFlush();
    if (this.tickOnFlush) this.builder.tick();
    this.spans.push(...this.builder.drain());
  }
  snapshot(): unknown {
    return this.builder.snapshot();
  }
  restore(s: unknown): void {
    this.builder.restore(s as never);
  }
}

/**
 * The builder's wall clock, injected: it starts long after every fixture event and moves only by
 * `stepMs` per flush, so quiet windows and reading grace never depend on how busy the machine is.
 */
const CLOCK_START = Date.parse('2030-01-01T00:00:00Z');

async function build(root: string, sliceBytes = 32 << 20, tickOnFlush = false, stepMs = 0): Promise<CollectingSink> {
  const state = mkdtempSync(join(tmpdir(), 'ccotel-tb-'));
  const store = await StateStore.open(state, { allowReadOnly: false });
  let now = CLOCK_START;
  const sink = new CollectingSink(new TraceBuilder(new Pricer(EMBEDDED_PRICES), DEFAULT_TRACE_OPTIONS, (k) => store.ledger.usage.get(k), () => now), tickOnFlush, () => (now += stepMs));
  const manager = new IngestManager(store, [sink], silentLogger, { reader: { maxLineBytes: 64 << 20, sliceBytes } });
  await manager.syncAll(await listTranscripts(resolveRoots([root])));
  sink.builder.tick(now, true);
  await sink.flush();
  store.close();
  rmSync(state, { recursive: true, force: true });
  return sink;
}

describe('trace builder on real transcripts', () => {
  it('builds one complete, well-parented trace per session', async () => {
    expect(readdirSync(join(FIXTURE_ROOT, 'projects')).length).toBeGreaterThan(0);
    const { spans } = await build(FIXTURE_ROOT);
    const want = scanFixture(FIXTURE_ROOT);
    expect(want).toMatchObject({ sessions: 2, subagents: 2 }); // the fixture README's two sessions
    const byTrace = new Map<string, SpanData[]>();
    for (const s of spans) byTrace.set(s.traceId, [...(byTrace.get(s.traceId) ?? []), s]);
    expect(byTrace.size).toBe(want.sessions);

    const ids = spans.map((s) => s.spanId);
    expect(new Set(ids).size).toBe(ids.length); // no span emitted twice

    for (const trace of byTrace.values()) {
      const roots = trace.filter((s) => !s.parentSpanId);
      expect(roots).toHaveLength(1);
      expect(roots[0]!.name).toBe('invoke_agent claude-code');
      const inTrace = new Set(trace.map((s) => s.spanId));
      for (const s of trace) if (s.parentSpanId) expect(inTrace.has(s.parentSpanId), `${s.name} has its parent`).toBe(true);
      for (const s of trace) expect(s.endMs).toBeGreaterThanOrEqual(s.startMs);
    }

    expect({
      chat: spans.filter((s) => s.name.startsWith('chat ')).length,
      tools: spans.filter((s) => s.name.startsWith('execute_tool ')).length,
      prompts: spans.filter((s) => s.name === 'turn').length,
      subagents: spans.filter((s) => s.name.startsWith('invoke_agent ') && s.parentSpanId).length,
    }).toEqual({ chat: want.chat, tools: want.tools, prompts: want.prompts, subagents: want.subagents });

    // Tool spans: real start (tool_use) and end (tool_result); errors flagged.
    expect(spans.filter((s) => s.name.startsWith('execute_tool ') && s.error).length).toBe(want.toolErrors);
    const bash = spans.find((s) => s.name === 'execute_tool Bash')!;
    expect(bash.attributes['gen_ai.tool.name']).toBe('Bash');
    expect(typeof bash.attributes['ccotel.bash.command']).toBe('string');

    // Root carries the session's token totals, equal to the chat spans' sum.
    for (const trace of byTrace.values()) {
      const root = trace.find((s) => !s.parentSpanId)!;
      const out = trace.filter((s) => s.name.startsWith('chat ')).reduce((n, s) => n + (s.attributes['gen_ai.usage.output_tokens'] as number), 0);
      expect(root.attributes['gen_ai.usage.output_tokens']).toBe(out);
    }
  });

  it('keeps every span inside its parent, tools as siblings of their chat span and linked to it', async () => {
    for (const root of [FIXTURE_ROOT, generated()]) {
      const { spans } = await build(root);
      expect(containmentViolations(spans)).toEqual([]);
      // Also when sessions close between slices, before their subagent files are read.
      expect(containmentViolations((await build(root, 16 << 10, true)).spans)).toEqual([]);
      const byId = new Map(spans.map((s) => [s.spanId, s]));
      const tools = spans.filter((s) => s.name.startsWith('execute_tool '));
      expect(tools.length).toBeGreaterThan(0);
      for (const t of tools) {
        const parent = byId.get(t.parentSpanId!)!;
        expect(parent.name === 'turn' || parent.name.startsWith('invoke_agent '), `${t.name} under ${parent.name}`).toBe(true);
        expect(t.links).toHaveLength(1);
        const chat = byId.get(t.links![0]!.spanId)!;
        expect(chat.name.startsWith('chat ')).toBe(true);
        expect(chat.parentSpanId).toBe(t.parentSpanId);
      }
    }
  });

  it('root totals equal the history\'s exact totals, with input tokens counting cached input', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ccotel-tb-gen-'));
    const gen = generateHistory(dir, { sessions: 12, seed: 5, faults: true });
    const { spans } = await build(dir);
    const roots = spans.filter((s) => !s.parentSpanId);
    const sum = (k: string) => roots.reduce((n, s) => n + (s.attributes[k] as number), 0);
    expect(sum('gen_ai.usage.output_tokens')).toBe(gen.tokens.output);
    expect(sum('gen_ai.usage.cache_read.input_tokens')).toBe(gen.tokens.cacheRead);
    expect(sum('gen_ai.usage.cache_creation.input_tokens')).toBe(gen.tokens.cacheCreation);
    expect(sum('gen_ai.usage.input_tokens')).toBe(gen.tokens.input + gen.tokens.cacheRead + gen.tokens.cacheCreation);
    expect(Math.abs(sum('ccotel.cost.usd') - gen.costUSD)).toBeLessThan(1e-6);
  });

  it('emits the span counts the history generator expects', async () => {
    const root = mkdtempSync(join(tmpdir(), 'ccotel-tb-gen-'));
    try {
      const exp = generateHistory(root, { sessions: 8, seed: 5, faults: true });
      const { spans } = await build(root);
      const count = (f: (s: SpanData) => boolean) => spans.filter(f).length;
      expect({
        traces: new Set(spans.map((s) => s.traceId)).size,
        roots: count((s) => !s.parentSpanId),
        chat: count((s) => s.name.startsWith('chat ')),
        tools: count((s) => s.name.startsWith('execute_tool ')),
        toolErrors: count((s) => s.name.startsWith('execute_tool ') && !!s.error),
        agents: count((s) => s.name.startsWith('invoke_agent ')),
        turns: count((s) => s.name === 'turn'),
      }).toEqual({
        traces: exp.sessions,
        roots: exp.sessions,
        chat: exp.requests + exp.apiErrors,
        tools: exp.operations,
        toolErrors: Object.values(exp.tools).reduce((a, t) => a + t.errors, 0),
        agents: exp.sessions + exp.subagents,
        turns: exp.prompts,
      });
      const out = spans.filter((s) => !s.parentSpanId).reduce((a, s) => a + (s.attributes['gen_ai.usage.output_tokens'] as number), 0);
      expect(out).toBe(exp.tokens.output);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('gives the same span ids and times when rebuilt in small slices (as after a restart)', async () => {
    const a = await build(FIXTURE_ROOT);
    const b = await build(FIXTURE_ROOT, 64 << 10);
    const key = (s: SpanData) => `${s.traceId}/${s.spanId}/${s.parentSpanId}/${s.name}/${s.startMs}/${s.endMs}`;
    expect(b.spans.map(key).sort()).toEqual(a.spans.map(key).sort());
  });

  it('sends one root and one span per subagent when a session closes before its subagent files are read', async () => {
    // Old history is idle at once: ticking on every small slice closes each session as soon as the
    // reader moves on, and subagent files of another session may follow later.
    const { spans } = await build(FIXTURE_ROOT, 16 << 10, true);
    const ids = spans.map((s) => s.spanId);
    expect(new Set(ids).size).toBe(ids.length);
    const roots = spans.filter((s) => !s.parentSpanId);
    expect(roots.map((r) => r.name)).toEqual(['invoke_agent claude-code', 'invoke_agent claude-code']);
    const reference = await build(FIXTURE_ROOT);
    expect(spans.length).toBe(reference.spans.length);
  });

  it('sends each model call once when the wall clock moves 450 ms per flush (a slow, loaded reader)', async () => {
    // With a 400 ms wall-clock quiet window this sent a call, then its later streamed copy again.
    const { spans } = await build(FIXTURE_ROOT, 16 << 10, true, 450);
    const ids = spans.map((s) => s.spanId);
    expect(ids.length - new Set(ids).size, 'spans sent twice').toBe(0);
    const reference = await build(FIXTURE_ROOT);
    const chatKey = (s: SpanData) => `${s.spanId}/${s.attributes['gen_ai.usage.output_tokens']}`;
    expect(spans.filter((s) => s.name.startsWith('chat ')).map(chatKey).sort()).toEqual(reference.spans.filter((s) => s.name.startsWith('chat ')).map(chatKey).sort());
  });
});

function generated(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ccotel-tb-gen-'));
  generateHistory(dir, { sessions: 15, seed: 9, faults: true });
  return dir;
}

/** Spans that start before or end after their parent (Jaeger flags them as clock skew). */
function containmentViolations(spans: SpanData[]): string[] {
  const byId = new Map(spans.map((s) => [s.spanId, s]));
  const out: string[] = [];
  for (const s of spans) {
    const p = s.parentSpanId ? byId.get(s.parentSpanId) : undefined;
    if (!p) continue;
    if (s.startMs < p.startMs || s.endMs > p.endMs) out.push(`${s.name} [${s.startMs}..${s.endMs}] outside ${p.name} [${p.startMs}..${p.endMs}]`);
  }
  return out.slice(0, 10);
}
