// The traces a real collector receives after `ccotel backfill`, checked span by span against a truth
// this file computes from the transcript lines themselves (JSON.parse, the counting rules of
// claude-code-format.md), never from ccotel's code: one root and one trace id per session, every
// tool_use id one tool span under the right turn or subagent with its outcome, every model call key
// one chat span with the largest copy's usage, every subagent one span under its Task call, and every
// span inside its parent's time range.
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { onCleanup, tempDir, useCleanups } from './support/temp.js';
import { ensureCollectorBinary, startCollector, type Collector, type FlatSpan } from './support/collector.js';
import { CLI, cliEnv, requireBuiltCli } from './support/ccotel-cli.js';
import { generateHistory, HistoryGenerator, listJsonl } from './support/history-generator.js';

useCleanups();

type J = Record<string, any>;

interface TruthCall {
  agentId?: string;
  /** Main stream: the turn index open when the call's first copy was written (0 = none: the root). */
  turn: number;
  input: number;
  output: number;
  cacheRead: number;
  cacheCreation: number;
  apiError: boolean;
}
interface TruthTool {
  name: string;
  agentId?: string;
  turn: number;
  /** undefined: no tool_result line. */
  isError?: boolean;
  /** Task calls: the subagent its result names. */
  resultAgent?: string;
  /** Times (ms) of the line with the tool_use and of its tool_result line. */
  useTs: number;
  resultTs?: number;
}
interface TruthSession {
  turns: number;
  /** compact_boundary lines, by time (a copy has the same). */
  compactions: Set<string>;
  calls: Map<string, TruthCall>;
  tools: Map<string, TruthTool>;
  /** Subagent id → the Task call that started it (undefined: none, hangs off the root). */
  agents: Map<string, string | undefined>;
}

const msOf = (o: J): number => Date.parse(o.timestamp);
const total = (c: Pick<TruthCall, 'input' | 'output' | 'cacheRead' | 'cacheCreation'>): number => c.input + c.output + c.cacheRead + c.cacheCreation;

function parseLines(file: string): J[] {
  const out: J[] = [];
  for (const raw of readFileSync(file, 'utf8').split('\n')) {
    try {
      const o = JSON.parse(raw);
      if (o && typeof o === 'object' && !Array.isArray(o)) out.push(o);
    } catch {
      // blank, garbage or torn: counts nowhere
    }
  }
  return out;
}

function usageOf(u: J): Pick<TruthCall, 'input' | 'output' | 'cacheRead' | 'cacheCreation'> {
  const split = u.cache_creation && typeof u.cache_creation === 'object' ? u.cache_creation : undefined;
  return {
    input: u.input_tokens ?? 0,
    output: u.output_tokens ?? 0,
    cacheRead: u.cache_read_input_tokens ?? 0,
    cacheCreation: split ? (split.ephemeral_5m_input_tokens ?? 0) + (split.ephemeral_1h_input_tokens ?? 0) : (u.cache_creation_input_tokens ?? 0),
  };
}

/**
 * The truth, from every transcript under root/projects: main files first (in order), then subagent
 * files. A main-stream line belongs to the turn of the last prompt before it, until a turn_duration
 * line ends that turn.
 */
function truthOf(root: string): Map<string, TruthSession> {
  const sessions = new Map<string, TruthSession>();
  const get = (sid: string): TruthSession => {
    let s = sessions.get(sid);
    if (!s) sessions.set(sid, (s = { turns: 0, compactions: new Set(), calls: new Map(), tools: new Map(), agents: new Map() }));
    return s;
  };
  const files = listJsonl(root);
  const isSub = (f: string): boolean => f.includes(`${sep}subagents${sep}`);
  const addCall = (s: TruthSession, key: string, u: J, agentId: string | undefined, turn: number, apiError: boolean): void => {
    const rec = { agentId, turn, ...usageOf(u), apiError };
    const prev = s.calls.get(key);
    if (!prev) s.calls.set(key, rec);
    else if (total(rec) > total(prev)) s.calls.set(key, { ...rec, turn: prev.turn, agentId: prev.agentId });
  };
  const results = new Map<string, { isError: boolean; agent?: string; ts: number }>();
  // A resumed session's file starts with copies of the lines before: a copied prompt is the same turn.
  const promptTurn = new Map<string, number>();
  for (const f of [...files.filter((x) => !isSub(x)), ...files.filter(isSub)]) {
    let turn = 0;
    for (const o of parseLines(f)) {
      if (typeof o.sessionId !== 'string') continue;
      const s = get(o.sessionId);
      const agentId: string | undefined = o.isSidechain === true ? o.agentId : undefined;
      if (o.type === 'progress') {
        const d = o.data;
        const m = d?.message?.message;
        if (d?.type !== 'agent_progress' || typeof d.agentId !== 'string') continue;
        if (!s.agents.has(d.agentId) || s.agents.get(d.agentId) === undefined) s.agents.set(d.agentId, o.parentToolUseID);
        if (m && typeof m.id === 'string' && m.usage) {
          const req = d.message.requestId;
          addCall(s, req ? `${m.id}:${req}` : m.id, m.usage, d.agentId, 0, m.model === '<synthetic>');
        }
        continue;
      }
      if (agentId && !s.agents.has(agentId)) s.agents.set(agentId, undefined);
      if (o.type === 'system') {
        if (o.subtype === 'turn_duration' && !agentId) turn = 0;
        if (o.subtype === 'compact_boundary') s.compactions.add(o.timestamp);
        continue;
      }
      const m = o.message;
      if (!m || typeof m !== 'object') continue;
      if (m.usage && typeof m.id === 'string') {
        const key = o.requestId ? `${m.id}:${o.requestId}` : m.id;
        addCall(s, key, m.usage, agentId, turn, o.isApiErrorMessage === true || m.model === '<synthetic>');
        for (const b of Array.isArray(m.content) ? m.content : []) {
          if (b?.type === 'tool_use' && !s.tools.has(b.id)) s.tools.set(b.id, { name: b.name, agentId, turn, useTs: msOf(o) });
        }
        continue;
      }
      if (o.type !== 'user') continue;
      if (Array.isArray(m.content) && m.content.some((b: J) => b?.type === 'tool_result')) {
        for (const b of m.content) if (b?.type === 'tool_result') if (!results.has(`${o.sessionId}/${b.tool_use_id}`)) results.set(`${o.sessionId}/${b.tool_use_id}`, { isError: b.is_error === true, agent: o.toolUseResult?.agentId, ts: msOf(o) });
        continue;
      }
      if (agentId || o.isMeta === true || o.isCompactSummary === true) continue;
      const text = typeof m.content === 'string' ? m.content : Array.isArray(m.content) ? m.content.map((b: J) => (typeof b?.text === 'string' ? b.text : '')).join('') : '';
      if (text.length === 0) continue;
      const key = `${o.sessionId}/${o.uuid}`;
      if (!promptTurn.has(key)) promptTurn.set(key, ++s.turns);
      turn = promptTurn.get(key)!;
    }
  }
  for (const [sid, s] of sessions) {
    for (const [id, t] of s.tools) {
      const r = results.get(`${sid}/${id}`);
      if (!r) continue;
      t.isError = r.isError;
      t.resultAgent = r.agent;
      t.resultTs = r.ts;
      if (r.agent && t.name === 'Task') s.agents.set(r.agent, id);
    }
  }
  return sessions;
}

const ns = (x: string): bigint => BigInt(x);

/** Every difference between the spans of one backfill and the truth (empty = equal). */
function traceDiffs(spans: FlatSpan[], truth: Map<string, TruthSession>, reopened: ReadonlySet<string> = new Set()): string[] {
  const out: string[] = [];
  const bySession = new Map<string, FlatSpan[]>();
  for (const sp of spans) {
    const sid = String(sp.attributes['gen_ai.conversation.id']);
    (bySession.get(sid) ?? bySession.set(sid, []).get(sid)!).push(sp);
  }
  if (JSON.stringify([...bySession.keys()].sort()) !== JSON.stringify([...truth.keys()].sort())) out.push(`sessions: got ${[...bySession.keys()].sort()}, want ${[...truth.keys()].sort()}`);
  const traceOwner = new Map<string, string>();
  for (const [sid, t] of truth) {
    const ss = bySession.get(sid) ?? [];
    const byId = new Map<string, FlatSpan>();
    for (const sp of ss) {
      const prev = byId.get(sp.spanId);
      if (prev && JSON.stringify({ ...prev, resource: 0 }) !== JSON.stringify({ ...sp, resource: 0 })) out.push(`${sid}: span ${sp.spanId} sent twice with different content (${prev.name} / ${sp.name})`);
      byId.set(sp.spanId, sp);
    }
    const uniq = [...byId.values()];
    const traces = new Set(uniq.map((x) => x.traceId));
    if (traces.size !== 1) out.push(`${sid}: ${traces.size} trace ids`);
    for (const tr of traces) {
      if (traceOwner.has(tr) && traceOwner.get(tr) !== sid) out.push(`${sid}: trace id shared with ${traceOwner.get(tr)}`);
      traceOwner.set(tr, sid);
    }
    const roots = uniq.filter((x) => !x.parentSpanId);
    if (roots.length !== 1 || roots[0]!.name !== 'invoke_agent claude-code') {
      out.push(`${sid}: roots ${roots.map((x) => x.name)}`);
      continue;
    }
    const root = roots[0]!;
    const turns = uniq.filter((x) => x.name === 'turn');
    const turnByIndex = new Map(turns.map((x) => [Number(x.attributes['ccotel.turn.index']), x]));
    if (turns.length !== t.turns || turnByIndex.size !== t.turns) out.push(`${sid}: ${turns.length} turn spans, want ${t.turns}`);
    const agentSpans = uniq.filter((x) => x.name.startsWith('invoke_agent ') && x !== root);
    const agentById = new Map<string, FlatSpan[]>();
    for (const a of agentSpans) (agentById.get(String(a.attributes['gen_ai.agent.id'])) ?? agentById.set(String(a.attributes['gen_ai.agent.id']), []).get(String(a.attributes['gen_ai.agent.id']))!).push(a);
    const toolSpans = uniq.filter((x) => x.name.startsWith('execute_tool '));
    const toolById = new Map<string, FlatSpan[]>();
    for (const x of toolSpans) (toolById.get(String(x.attributes['gen_ai.tool.call.id'])) ?? toolById.set(String(x.attributes['gen_ai.tool.call.id']), []).get(String(x.attributes['gen_ai.tool.call.id']))!).push(x);
    const chatSpans = uniq.filter((x) => x.name.startsWith('chat '));
    const chatByMsg = new Map<string, FlatSpan[]>();
    for (const x of chatSpans) (chatByMsg.get(String(x.attributes['gen_ai.response.id'])) ?? chatByMsg.set(String(x.attributes['gen_ai.response.id']), []).get(String(x.attributes['gen_ai.response.id']))!).push(x);
    const extra = uniq.filter((x) => x !== root && x.name !== 'turn' && !x.name.startsWith('invoke_agent ') && !x.name.startsWith('execute_tool ') && !x.name.startsWith('chat '));
    if (extra.length) out.push(`${sid}: unexpected spans ${extra.map((x) => x.name)}`);

    /** The span a main-stream or subagent item must hang off. */
    const parentOf = (agentId: string | undefined, turn: number): FlatSpan | undefined => {
      if (agentId) return agentById.get(agentId)?.[0];
      return turn === 0 ? root : turnByIndex.get(turn);
    };
    const checkParent = (what: string, sp: FlatSpan, want: FlatSpan | undefined, wantName: string): void => {
      if (!want) out.push(`${sid}: ${what}: its parent (${wantName}) has no span`);
      else if (sp.parentSpanId !== want.spanId) out.push(`${sid}: ${what}: parent ${byId.get(sp.parentSpanId ?? '')?.name ?? sp.parentSpanId}, want ${wantName}`);
    };

    // Subagents: one span each, under the Task call that started it (else the root).
    if (agentById.size !== t.agents.size) out.push(`${sid}: ${agentById.size} subagent spans, want ${t.agents.size} (${[...agentById.keys()].filter((a) => !t.agents.has(a))} / ${[...t.agents.keys()].filter((a) => !agentById.has(a))})`);
    for (const [agentId, task] of t.agents) {
      const got = agentById.get(agentId) ?? [];
      if (got.length !== 1) {
        out.push(`${sid}: subagent ${agentId}: ${got.length} spans`);
        continue;
      }
      checkParent(`subagent ${agentId}`, got[0]!, task ? toolById.get(task)?.[0] : root, task ? `Task ${task}` : 'root');
    }
    // Tools: one span each, parent, outcome.
    if (toolById.size !== t.tools.size) out.push(`${sid}: ${toolById.size} tool spans, want ${t.tools.size}`);
    for (const [id, tool] of t.tools) {
      const got = toolById.get(id) ?? [];
      if (got.length !== 1) {
        out.push(`${sid}: tool ${id} (${tool.name}): ${got.length} spans`);
        continue;
      }
      const sp = got[0]!;
      checkParent(`tool ${id} (${tool.name})`, sp, parentOf(tool.agentId, tool.turn), tool.agentId ? `subagent ${tool.agentId}` : `turn ${tool.turn}`);
      if (sp.name !== `execute_tool ${tool.name}`) out.push(`${sid}: tool ${id}: name ${sp.name}`);
      const isErr = sp.status.code === 2;
      if (isErr !== (tool.isError === true)) out.push(`${sid}: tool ${id} (${tool.name}): error status ${isErr}, want ${tool.isError === true}`);
      // Times: from its tool_use line to its result (a Task's span also covers its whole subagent).
      const [st, en] = [Number(ns(sp.startTimeUnixNano) / 1_000_000n), Number(ns(sp.endTimeUnixNano) / 1_000_000n)];
      const timesOk = tool.name === 'Task' ? st <= tool.useTs && (tool.resultTs === undefined || en >= tool.resultTs) : st === tool.useTs && (tool.resultTs === undefined || en === tool.resultTs);
      if (!timesOk) out.push(`${sid}: tool ${id} (${tool.name}): [${st}, ${en}], want [${tool.useTs}, ${tool.resultTs}]`);
      if ((sp.attributes['ccotel.tool.incomplete'] === true) !== (tool.isError === undefined)) out.push(`${sid}: tool ${id}: incomplete ${sp.attributes['ccotel.tool.incomplete']}, result ${tool.isError !== undefined}`);
    }
    // Model calls: one chat span per key (message ids are unique per key here), max-copy usage.
    const msgOf = (key: string): string => key.split(':')[0]!;
    if (chatByMsg.size !== t.calls.size) out.push(`${sid}: ${chatByMsg.size} chat spans, want ${t.calls.size}`);
    const sum = { input: 0, output: 0, cacheRead: 0, cacheCreation: 0 };
    for (const [key, c] of t.calls) {
      const got = chatByMsg.get(msgOf(key)) ?? [];
      if (got.length !== 1) {
        out.push(`${sid}: call ${key}: ${got.length} chat spans`);
        continue;
      }
      const sp = got[0]!;
      checkParent(`call ${key}`, sp, parentOf(c.agentId, c.turn), c.agentId ? `subagent ${c.agentId}` : `turn ${c.turn}`);
      const a = sp.attributes;
      const gotU = { input: a['ccotel.usage.input_tokens.uncached'], output: a['gen_ai.usage.output_tokens'], cacheRead: a['gen_ai.usage.cache_read.input_tokens'], cacheCreation: a['gen_ai.usage.cache_creation.input_tokens'], all: a['gen_ai.usage.input_tokens'] };
      const wantU = { input: c.input, output: c.output, cacheRead: c.cacheRead, cacheCreation: c.cacheCreation, all: c.input + c.cacheRead + c.cacheCreation };
      if (JSON.stringify(gotU) !== JSON.stringify(wantU)) out.push(`${sid}: call ${key}: usage ${JSON.stringify(gotU)}, want ${JSON.stringify(wantU)}`);
      if ((sp.status.code === 2) !== c.apiError) out.push(`${sid}: call ${key}: error status ${sp.status.code}, api error ${c.apiError}`);
      for (const k of Object.keys(sum) as (keyof typeof sum)[]) sum[k] += c[k];
    }
    // A session that goes on after its root was sent: the root keeps what it said then (docs/traces.md).
    const rootFinal = !reopened.has(sid);
    const ra = rootFinal ? root.attributes : {};
    const gotSum = { input: ra['ccotel.usage.input_tokens.uncached'], output: ra['gen_ai.usage.output_tokens'], cacheRead: ra['gen_ai.usage.cache_read.input_tokens'], cacheCreation: ra['gen_ai.usage.cache_creation.input_tokens'] };
    if (rootFinal && JSON.stringify(gotSum) !== JSON.stringify(sum)) out.push(`${sid}: root usage ${JSON.stringify(gotSum)}, want ${JSON.stringify(sum)}`);
    const gotCounts = { turns: ra['ccotel.session.turns'], calls: ra['ccotel.session.model_calls'], tools: ra['ccotel.session.tool_calls'], errors: ra['ccotel.session.tool_errors'], compactions: ra['ccotel.session.compactions'] };
    const wantCounts = { turns: t.turns, calls: t.calls.size, tools: t.tools.size, errors: [...t.tools.values()].filter((x) => x.isError === true).length, compactions: t.compactions.size };
    if (rootFinal && JSON.stringify(gotCounts) !== JSON.stringify(wantCounts)) out.push(`${sid}: root counts ${JSON.stringify(gotCounts)}, want ${JSON.stringify(wantCounts)}`);
    // Every span inside its parent's time range.
    for (const sp of uniq) {
      if (!sp.parentSpanId) continue;
      const p = byId.get(sp.parentSpanId);
      if (!p) {
        out.push(`${sid}: ${sp.name} ${sp.spanId}: dangling parent`);
        continue;
      }
      if (p === root && !rootFinal) continue;
      if (ns(sp.startTimeUnixNano) < ns(p.startTimeUnixNano) || ns(sp.endTimeUnixNano) > ns(p.endTimeUnixNano)) out.push(`${sid}: ${sp.name} ${sp.spanId} [${sp.startTimeUnixNano}, ${sp.endTimeUnixNano}] outside its parent ${p.name} [${p.startTimeUnixNano}, ${p.endTimeUnixNano}]`);
      if (ns(sp.endTimeUnixNano) < ns(sp.startTimeUnixNano)) out.push(`${sid}: ${sp.name} ends before it starts`);
    }
  }
  return out;
}

async function backfill(root: string, state: string, col: Collector, killWhen?: () => boolean, extra: string[] = []): Promise<{ code: number | null; signal: string | null; out: string }> {
  const child = spawn(process.execPath, [CLI, 'backfill', '--claude-dir', root, '--state-dir', state, '--timezone', 'UTC', ...extra], {
    // Small commits: the kills land between checkpoints of one backfill.
    env: { ...cliEnv(), OTEL_EXPORTER_OTLP_ENDPOINT: col.endpoint, CCOTEL_COMMIT_MB: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (out += d));
  const exit = new Promise<{ code: number | null; signal: string | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  onCleanup(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exit;
  });
  let timer: NodeJS.Timeout | undefined;
  if (killWhen) timer = setInterval(() => killWhen() && child.kill('SIGKILL'), 5);
  const res = await exit;
  clearInterval(timer);
  return { ...res, out };
}

async function spansOf(col: Collector): Promise<FlatSpan[]> {
  await col.stop(); // flushes the file exporter
  return col.readSpans();
}

/** One backfill of `root` into a collector of its own: the spans it receives must be the truth's. */
async function expectBackfillMatches(root: string, truth: Map<string, TruthSession>): Promise<void> {
  const col = await startCollector();
  onCleanup(() => col.stop());
  const r = await backfill(root, await tempDir('state'), col);
  expect(r.code, r.out.slice(-2000)).toBe(0);
  expect(traceDiffs(await spansOf(col), truth)).toEqual([]);
}

describe('traces against the transcripts (real collector)', () => {
  beforeAll(async () => {
    requireBuiltCli();
    await ensureCollectorBinary();
  }, 600_000);

  it('SIGKILLed backfills, then one to the end: no span missing, none sent twice with other content', async () => {
    const root = await tempDir('root');
    generateHistory(root, { sessions: 40, seed: 32, faults: true, shape: 'heavy', dropSubagentFiles: 0.3, targetBytes: 24e6 });
    const truth = truthOf(root);
    const col = await startCollector();
    onCleanup(() => col.stop());
    const state = await tempDir('state');
    const offsets = (): number => {
      try {
        const st = JSON.parse(readFileSync(join(state, 'state.json'), 'utf8')) as { files: Record<string, { offset: number }> };
        return Object.values(st.files).reduce((a, f) => a + f.offset, 0);
      } catch {
        return 0;
      }
    };
    const bytes = listJsonl(root).reduce((a, f) => a + readFileSync(f).length, 0);
    const killed: number[] = [];
    for (const share of [0.15, 0.45, 0.75]) {
      const r = await backfill(root, state, col, () => offsets() >= share * bytes);
      if (r.signal === 'SIGKILL') killed.push(offsets());
      else expect(r.code, r.out.slice(-2000)).toBe(0);
    }
    // The kills landed mid-history (else this test says nothing about restarts).
    expect(killed.length, `killed at ${killed} of ${bytes}`).toBeGreaterThanOrEqual(2);
    const r = await backfill(root, state, col);
    expect(r.code, r.out.slice(-2000)).toBe(0);
    const spans = await spansOf(col);
    console.log(`[trace-truth] kills at ${killed.map((k) => (k / bytes).toFixed(2))} of ${(bytes / 1e6).toFixed(1)} MB; ${spans.length} spans received, ${new Set(spans.map((x) => x.spanId)).size} distinct`);
    expect(traceDiffs(spans, truth)).toEqual([]);
  }, 300_000);

  it('generated history read, then more turns appended (torn lines completed) and read: closed sessions go on in their traces', async () => {
    const root = await tempDir('root');
    const gen = new HistoryGenerator(root, { sessions: 8, seed: 33, faults: true, shape: 'heavy', dropSubagentFiles: 0.3 });
    gen.generate();
    const before = truthOf(root);
    const col = await startCollector();
    onCleanup(() => col.stop());
    const state = await tempDir('state');
    const r1 = await backfill(root, state, col);
    expect(r1.code, r1.out.slice(-2000)).toBe(0);
    gen.appendMore({ sessions: 5, turns: 3, newSessions: 2 });
    const truth = truthOf(root);
    const r2 = await backfill(root, state, col);
    expect(r2.code, r2.out.slice(-2000)).toBe(0);
    // The sessions that went on (their roots were sent by the first backfill, and keep what they said).
    const reopened = new Set(gen.sessionPaths().slice(0, 8).map((p) => p.slice(p.lastIndexOf(sep) + 1, -'.jsonl'.length)));
    // A torn last line completed after its session was closed: the call's span went out with the
    // usage on disk then (spans are immutable; the ledger and the root's totals take the late copy).
    let torn = 0;
    for (const sid of reopened) {
      for (const [key, c] of before.get(sid)!.calls) {
        const now = truth.get(sid)!.calls.get(key)!;
        if (total(now) !== total(c)) torn++;
        Object.assign(now, { input: c.input, output: c.output, cacheRead: c.cacheRead, cacheCreation: c.cacheCreation });
      }
    }
    expect(torn, 'responses whose last copy was torn at the first read').toBeGreaterThan(0);
    expect(traceDiffs(await spansOf(col), truth, reopened)).toEqual([]);
  }, 180_000);

  it('generated history (heavy, faults, dropped subagent files): every span where the transcript says', async () => {
    const root = await tempDir('root');
    generateHistory(root, { sessions: 12, seed: 31, faults: true, shape: 'heavy', dropSubagentFiles: 0.3 });
    const truth = truthOf(root);
    const col = await startCollector();
    onCleanup(() => col.stop());
    const r = await backfill(root, await tempDir('state'), col);
    expect(r.code, r.out.slice(-2000)).toBe(0);
    const spans = await spansOf(col);
    const n = (f: (t: TruthSession) => number): number => [...truth.values()].reduce((a, t) => a + f(t), 0);
    // The history has what this test is about (else an empty trace would pass).
    expect({ sessions: truth.size, tools: n((t) => t.tools.size) > 100, calls: n((t) => t.calls.size) > 100, agents: n((t) => t.agents.size) > 5 }).toEqual({ sessions: 12, tools: true, calls: true, agents: true });
    console.log(`[trace-truth] ${spans.length} spans, ${n((t) => t.tools.size)} tools, ${n((t) => t.calls.size)} calls, ${n((t) => t.agents.size)} agents`);
    expect(traceDiffs(spans, truth)).toEqual([]);
  }, 180_000);
});

// ---------------------------------------------------------------------------------------------
// Hand-built sessions: the shapes the generator does not write.

const T0 = Date.parse('2026-03-02T10:00:00.000Z');
const iso = (s: number): string => new Date(T0 + s * 1000).toISOString();

/** Lines of one transcript file, written in order (ts in seconds after T0). */
class Lines {
  readonly out: J[] = [];
  private n = 0;
  constructor(
    readonly sessionId: string,
    readonly agentId?: string,
    /** Time 0 of the ts arguments (ms). */
    readonly t0 = T0,
  ) {}
  private base(ts: number): J {
    const o: J = { sessionId: this.sessionId, cwd: '/home/dev/app', version: '2.1.42', gitBranch: 'main', isSidechain: this.agentId !== undefined, userType: 'external', timestamp: new Date(this.t0 + ts * 1000).toISOString(), uuid: `${this.sessionId}-${this.agentId ?? 'm'}-${this.n++}` };
    if (this.agentId) o.agentId = this.agentId;
    return o;
  }
  prompt(ts: number, text = 'do it', extra: J = {}): this {
    this.out.push({ ...this.base(ts), type: 'user', message: { role: 'user', content: text }, ...extra });
    return this;
  }
  /** One assistant line (a copy of message `id`); blocks: tool_use ids as [id, name, input?]. */
  reply(ts: number, id: string, output: number, tools: Array<[string, string, J?]> = [], extra: J = {}): this {
    const content = [{ type: 'text', text: 'ok' }, ...tools.map(([tid, name, input]) => ({ type: 'tool_use', id: tid, name, input: input ?? {} }))];
    this.out.push({ ...this.base(ts), type: 'assistant', requestId: `req_${id}`, message: { id, type: 'message', role: 'assistant', model: 'claude-sonnet-4-6', content, stop_reason: null, usage: { input_tokens: 10, output_tokens: output, cache_creation_input_tokens: 100, cache_read_input_tokens: 1000 } }, ...extra });
    return this;
  }
  result(ts: number, toolId: string, isError = false, tur?: J): this {
    const o: J = { ...this.base(ts), type: 'user', message: { role: 'user', content: [{ type: 'tool_result', tool_use_id: toolId, content: isError ? 'failed' : 'done', is_error: isError }] } };
    if (tur) o.toolUseResult = tur;
    this.out.push(o);
    return this;
  }
  system(ts: number, subtype: string, extra: J = {}): this {
    this.out.push({ ...this.base(ts), type: 'system', subtype, ...extra });
    return this;
  }
  /** An agent_progress copy of a subagent's line (the parent file's record of it). */
  progress(ts: number, agentId: string, taskId: string, line: J): this {
    this.out.push({ ...this.base(ts), type: 'progress', data: { type: 'agent_progress', agentId, prompt: 'go', message: { type: line.type, timestamp: line.timestamp, message: line.message, requestId: line.requestId, uuid: line.uuid } }, parentToolUseID: taskId, toolUseID: `agent_${line.message?.id}` });
    return this;
  }
  raw(o: J): this {
    this.out.push(o);
    return this;
  }
  text(): string {
    return this.out.map((o) => JSON.stringify(o)).join('\n') + '\n';
  }
}

function writeTranscript(root: string, sessionFile: string, l: Lines, agentOf?: string): void {
  const dir = join(root, 'projects', '-home-dev-app');
  const path = agentOf ? join(dir, agentOf, 'subagents', `agent-${l.agentId}.jsonl`) : join(dir, `${sessionFile}.jsonl`);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, l.text());
}

describe('hand-built sessions against the transcripts (real collector)', () => {
  beforeAll(async () => {
    requireBuiltCli();
    await ensureCollectorBinary();
  }, 600_000);

  it('interleaved subagents, two missing subagent files, a turn with no reply, an interrupted tool, compaction, an API error', async () => {
    const root = await tempDir('root');
    const S = 'sess-edge';
    const m = new Lines(S);
    const x = new Lines(S, 'ax1');
    const y = new Lines(S, 'ay2');
    const z = new Lines(S, 'az3'); // its file is never written: only the progress copies tell of it
    const c = new Lines(S, 'acompact-c1');
    m.prompt(0, 'first');
    m.reply(1, 'm1', 5, [['B1', 'Bash', { command: 'ls' }]]).reply(1.5, 'm1', 30, [['T1', 'Task', { subagent_type: 'Explore' }]]).reply(2, 'm1', 50, [['T2', 'Task', { subagent_type: 'Plan' }], ['T3', 'Task', { subagent_type: 'general-purpose' }]]);
    m.result(3, 'B1', true);
    // Three subagents at once, their lines interleaved in time and their copies in the parent.
    x.prompt(4, 'explore');
    y.prompt(4.5, 'plan');
    z.prompt(4.7, 'general');
    x.reply(5, 'x1', 7, [['XR1', 'Read', { file_path: '/home/dev/app/a.ts' }]]);
    y.reply(6, 'y1', 8, [['YG1', 'Grep', { pattern: 'foo' }]]);
    z.reply(6.5, 'z1', 3).reply(6.6, 'z1', 40, [['ZR1', 'Read', { file_path: '/home/dev/app/z.ts' }]]);
    x.result(7, 'XR1');
    y.result(8, 'YG1', true);
    z.result(8.5, 'ZR1');
    x.reply(9, 'x2', 9);
    y.reply(10, 'y2', 11);
    z.reply(10.5, 'z2', 12);
    // Their copies in the parent, in the order they were written: interleaved.
    const copies = [...x.out.map((o) => [o, 'T1'] as const), ...y.out.map((o) => [o, 'T2'] as const), ...z.out.map((o) => [o, 'T3'] as const)].filter(([o]) => o.type === 'assistant');
    copies.sort(([a], [b]) => msOf(a) - msOf(b));
    for (const [o, task] of copies) m.progress((msOf(o) - m.t0) / 1000, o.agentId, task, o);
    m.result(11, 'T1', false, { status: 'completed', agentId: 'ax1' });
    m.result(12, 'T2', false, { status: 'completed', agentId: 'ay2' });
    m.result(12.5, 'T3', false, { status: 'completed', agentId: 'az3' });
    m.reply(13, 'm2', 20).system(14, 'turn_duration', { durationMs: 14000 });
    m.prompt(20, 'second, never answered');
    m.prompt(25, 'third');
    m.reply(26, 'm3', 15, [['R1', 'Read', { file_path: '/home/dev/app/b.ts' }]]); // interrupted: no result
    c.prompt(28, 'Your task is to create a detailed summary').reply(29, 'c1', 300);
    m.system(30, 'compact_boundary', { compactMetadata: { trigger: 'auto', preTokens: 150000 } });
    m.prompt(31, 'This session is being continued from a previous conversation.', { isCompactSummary: true });
    m.prompt(40, 'fourth');
    m.reply(41, 'm4', 25, [['W1', 'Write', { file_path: '/home/dev/app/c.ts', content: 'x' }]]).result(42, 'W1').reply(43, 'm5', 30);
    const err = { type: 'assistant', sessionId: S, cwd: '/home/dev/app', isSidechain: false, timestamp: iso(44), uuid: 'err-1', isApiErrorMessage: true, message: { id: 'synthetic-1', model: '<synthetic>', role: 'assistant', content: [{ type: 'text', text: 'API Error: 529 overloaded' }], usage: { input_tokens: 0, output_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 } } };
    m.raw(err);
    writeTranscript(root, S, m);
    for (const l of [x, c]) writeTranscript(root, S, l, S); // y's and z's files are missing

    const truth = truthOf(root);
    const t = truth.get(S)!;
    // The truth itself, spelled out: what a reviewer expects of this session.
    expect({ turns: t.turns, tools: [...t.tools.keys()].sort(), agents: Object.fromEntries(t.agents), calls: t.calls.size }).toEqual({
      turns: 4,
      tools: ['B1', 'R1', 'T1', 'T2', 'T3', 'W1', 'XR1'],
      agents: { ax1: 'T1', ay2: 'T2', az3: 'T3', 'acompact-c1': undefined },
      calls: 13,
    });
    await expectBackfillMatches(root, truth);
  }, 120_000);
  it('a resumed session: the new file starts with copies of the old session\'s lines', async () => {
    const root = await tempDir('root');
    const a = new Lines('sess-a');
    a.prompt(0, 'first').reply(1, 'a1', 10, [['E1', 'Bash', { command: 'make' }]]).result(2, 'E1', true).reply(3, 'a2', 20).system(4, 'turn_duration', { durationMs: 4000 });
    a.system(4.5, 'compact_boundary', { compactMetadata: { trigger: 'manual', preTokens: 9000 } });
    a.prompt(5, 'second').reply(6, 'a3', 10, [['E3', 'Read', { file_path: '/home/dev/app/x.ts' }]]); // the session was quit mid-tool
    const b = new Lines('sess-b');
    for (const o of a.out) b.raw(o); // Claude Code copies the history, old session id included
    b.raw({ ...a.out[0], uuid: 'late-result', timestamp: iso(3000), type: 'user', message: { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'E3', content: 'interrupted', is_error: true }] } });
    b.prompt(3001, 'third').reply(3002, 'b1', 10, [['E2', 'Read', { file_path: '/home/dev/app/y.ts' }]]).result(3003, 'E2').reply(3004, 'b2', 20);
    writeTranscript(root, 'sess-a', a);
    writeTranscript(root, 'sess-b', b);
    const truth = truthOf(root);
    expect([...truth.keys()].sort()).toEqual(['sess-a', 'sess-b']);
    expect({ a: truth.get('sess-a')!.turns, b: truth.get('sess-b')!.turns, aTools: [...truth.get('sess-a')!.tools.keys()] }).toEqual({ a: 2, b: 1, aTools: ['E1', 'E3'] });
    await expectBackfillMatches(root, truth);
  }, 120_000);

  it('a resumed session read after the old one was closed, and the old one going on: one turn per prompt, numbered on', async () => {
    const root = await tempDir('root');
    const a = new Lines('sess-a');
    a.prompt(0, 'first').reply(1, 'a1', 10, [['E1', 'Bash', { command: 'make' }]]).result(2, 'E1', true).reply(3, 'a2', 20).system(4, 'turn_duration', { durationMs: 4000 });
    a.prompt(5, 'second').reply(6, 'a3', 10, [['E3', 'Task', { subagent_type: 'Explore' }]]).result(7, 'E3', false, { status: 'completed', agentId: 'ag1' }).reply(8, 'a4', 5);
    const ag = new Lines('sess-a', 'ag1');
    ag.prompt(6.1, 'explore').reply(6.2, 'g1', 3, [['G1', 'Glob', { pattern: '*' }]]).result(6.3, 'G1').reply(6.4, 'g2', 4);
    writeTranscript(root, 'sess-a', a);
    writeTranscript(root, 'sess-a', ag, 'sess-a');
    const col = await startCollector();
    onCleanup(() => col.stop());
    const state = await tempDir('state');
    const r1 = await backfill(root, state, col);
    expect(r1.code, r1.out.slice(-2000)).toBe(0);
    // Later: a resumed copy (old lines first, old session id), and the old session itself going on.
    const b = new Lines('sess-b');
    for (const o of a.out) b.raw(o);
    b.prompt(3001, 'third').reply(3002, 'b1', 10, [['E2', 'Read', { file_path: '/home/dev/app/y.ts' }]]).result(3003, 'E2').reply(3004, 'b2', 20);
    writeTranscript(root, 'sess-b', b);
    a.prompt(5000, 'fourth').reply(5001, 'a5', 10, [['E5', 'Grep', { pattern: 'x' }]]).result(5002, 'E5').reply(5003, 'a6', 5);
    writeTranscript(root, 'sess-a', a);
    const truth = truthOf(root);
    expect({ a: truth.get('sess-a')!.turns, b: truth.get('sess-b')!.turns, aTools: [...truth.get('sess-a')!.tools.keys()].sort() }).toEqual({ a: 3, b: 1, aTools: ['E1', 'E3', 'E5', 'G1'] });
    const r2 = await backfill(root, state, col);
    expect(r2.code, r2.out.slice(-2000)).toBe(0);
    expect(traceDiffs(await spansOf(col), truth, new Set(['sess-a']))).toEqual([]);
  }, 120_000);

  it('a session still open after a backfill goes on in the next ones: one trace, one root, every span in place', async () => {
    const root = await tempDir('root');
    const t0 = Date.now() - 10 * 60_000; // recent: the default 30 min idle keeps it open
    const m = new Lines('sess-live', undefined, t0);
    const sub = new Lines('sess-live', 'alive1', t0);
    m.prompt(0, 'first').reply(1, 'l1', 10, [['L1', 'Bash', { command: 'npm test' }], ['LT', 'Task', { subagent_type: 'Explore' }]]).result(2, 'L1', true);
    sub.prompt(3, 'explore').reply(4, 'g1', 5, [['LG', 'Grep', { pattern: 'x' }]]); // running when the first backfill reads it
    writeTranscript(root, 'sess-live', m);
    writeTranscript(root, 'sess-live', sub, 'sess-live');
    const col = await startCollector();
    onCleanup(() => col.stop());
    const state = await tempDir('state');
    const r1 = await backfill(root, state, col);
    expect(r1.code, r1.out.slice(-2000)).toBe(0);
    // More lines: the subagent's tool ends, the Task returns, a second turn.
    sub.result(60, 'LG').reply(61, 'g2', 7);
    m.result(62, 'LT', false, { status: 'completed', agentId: 'alive1' }).reply(63, 'l2', 20).system(64, 'turn_duration', { durationMs: 64000 });
    m.prompt(120, 'second').reply(121, 'l3', 10, [['L3', 'Read', { file_path: '/home/dev/app/a.ts' }]]);
    writeTranscript(root, 'sess-live', m);
    writeTranscript(root, 'sess-live', sub, 'sess-live');
    const r2 = await backfill(root, state, col);
    expect(r2.code, r2.out.slice(-2000)).toBe(0);
    m.result(180, 'L3').reply(181, 'l4', 30);
    writeTranscript(root, 'sess-live', m);
    // The last one closes it (idle for a second): its root goes out with everything.
    const r3 = await backfill(root, state, col, undefined, ['--session-idle', '1s']);
    expect(r3.code, r3.out.slice(-2000)).toBe(0);
    const truth = truthOf(root);
    expect({ turns: truth.get('sess-live')!.turns, tools: [...truth.get('sess-live')!.tools.keys()].sort(), agents: Object.fromEntries(truth.get('sess-live')!.agents) }).toEqual({ turns: 2, tools: ['L1', 'L3', 'LG', 'LT'], agents: { alive1: 'LT' } });
    expect(traceDiffs(await spansOf(col), truth)).toEqual([]);
  }, 120_000);

  it('a Task cut short (its result names no subagent): the subagent that ran still hangs off that Task', async () => {
    const root = await tempDir('root');
    const S = 'sess-cut';
    const m = new Lines(S);
    const z = new Lines(S, 'acut9');
    m.prompt(0, 'go').reply(1, 'c1', 10, [['T9', 'Task', { subagent_type: 'Explore' }], ['B9', 'Bash', { command: 'false' }]]);
    z.prompt(2, 'explore').reply(3, 'z1', 5, [['Z1', 'Read', { file_path: '/home/dev/app/z.ts' }]]).result(4, 'Z1').reply(5, 'z2', 6);
    for (const o of z.out) if (o.type === 'assistant') m.progress((Date.parse(o.timestamp) - m.t0) / 1000, 'acut9', 'T9', o);
    // One call of the batch failed: Claude Code cancels its siblings, the Task's result is a plain string.
    m.result(6, 'B9', true).result(6.1, 'T9', true, 'Sibling tool call errored' as unknown as J);
    m.reply(7, 'c2', 20);
    writeTranscript(root, S, m);
    writeTranscript(root, S, z, S);
    const truth = truthOf(root);
    expect(Object.fromEntries(truth.get(S)!.agents)).toEqual({ acut9: 'T9' });
    await expectBackfillMatches(root, truth);
  }, 120_000);

  it('sensitive actions: one ccotel.sensitive event per rule hit on the tool span, main and subagent, copies included once', async () => {
    const root = await tempDir('root');
    const S = 'sess-sens';
    const m = new Lines(S);
    const sub = new Lines(S, 'asens1');
    // Rule hits as docs/security.md defines them, written down by hand.
    const want: Record<string, string[]> = { R1: ['credential_access'], B1: ['destructive_command'], B2: [], F1: ['external_fetch'], W1: ['write_outside_project'], T1: [], SR: ['credential_access'], SG: [] };
    m.prompt(0, 'go').reply(1, 's1', 10, [
      ['R1', 'Read', { file_path: '/home/dev/app/.env' }],
      ['B1', 'Bash', { command: 'rm -rf build' }],
      ['B2', 'Bash', { command: 'ls' }],
      ['F1', 'WebFetch', { url: 'https://example.com/doc', prompt: 'read' }],
      ['W1', 'Write', { file_path: '/etc/hosts', content: '127.0.0.1 x' }],
      ['T1', 'Task', { subagent_type: 'Explore' }],
    ]);
    sub.prompt(2, 'look').reply(3, 'q1', 5, [['SR', 'Read', { file_path: '/home/dev/.ssh/id_rsa' }], ['SG', 'Grep', { pattern: 'x' }]]).result(4, 'SR').result(4.5, 'SG').reply(5, 'q2', 5);
    for (const id of ['R1', 'B1', 'B2', 'F1', 'W1']) m.result(6, id);
    m.result(7, 'T1', false, { status: 'completed', agentId: 'asens1' }).reply(8, 's2', 5);
    writeTranscript(root, S, m);
    writeTranscript(root, S, sub, S);
    const b = new Lines('sess-sens-resumed');
    for (const o of m.out) b.raw(o); // a resumed copy: the same calls, read twice
    b.prompt(100, 'more').reply(101, 's3', 5);
    writeTranscript(root, 'sess-sens-resumed', b);
    const col = await startCollector();
    onCleanup(() => col.stop());
    const r = await backfill(root, await tempDir('state'), col);
    expect(r.code, r.out.slice(-2000)).toBe(0);
    const spans = await spansOf(col);
    expect(traceDiffs(spans, truthOf(root))).toEqual([]);
    const byId = new Map<string, FlatSpan>();
    for (const sp of spans) if (sp.name.startsWith('execute_tool ')) byId.set(sp.spanId, sp);
    const got: Record<string, string[]> = {};
    for (const sp of byId.values()) {
      const id = String(sp.attributes['gen_ai.tool.call.id']);
      expect(got[id], `one span for ${id}`).toBeUndefined();
      const rules = sp.events.filter((e) => e.name === 'ccotel.sensitive').map((e) => String(e.attributes['ccotel.sensitive.rule']));
      got[id] = rules.sort();
      expect(sp.attributes['ccotel.sensitive.rules'] ?? [], id).toEqual(rules);
    }
    expect(got).toEqual(want);
  }, 120_000);

  it('a response still being written when a backfill runs (its last copy torn): its chat span waits for the full usage', async () => {
    const root = await tempDir('root');
    const t0 = Date.now() - 20_000; // being written now: its last complete copy is seconds old
    const m = new Lines('sess-torn', undefined, t0);
    m.prompt(0, 'go').reply(1, 'w1', 10, [['WB', 'Bash', { command: 'make' }]]).result(2, 'WB').reply(3, 'w2', 4).reply(4, 'w2', 900);
    const text = m.text();
    const cut = text.lastIndexOf('"output_tokens"'); // the last copy, written up to its usage
    writeTranscript(root, 'sess-torn', m);
    const path = join(root, 'projects', '-home-dev-app', 'sess-torn.jsonl');
    writeFileSync(path, text.slice(0, cut));
    const col = await startCollector();
    onCleanup(() => col.stop());
    const state = await tempDir('state');
    const r1 = await backfill(root, state, col);
    expect(r1.code, r1.out.slice(-2000)).toBe(0);
    writeFileSync(path, text); // the line is complete now
    const r2 = await backfill(root, state, col, undefined, ['--session-idle', '1s']);
    expect(r2.code, r2.out.slice(-2000)).toBe(0);
    const truth = truthOf(root);
    expect(truth.get('sess-torn')!.calls.get('w2:req_w2')!.output).toBe(900);
    expect(traceDiffs(await spansOf(col), truth)).toEqual([]);
  }, 120_000);

  it('a subagent file read after its session was closed (its calls known from the copies): its tools still get their spans', async () => {
    const root = await tempDir('root');
    const S = 'sess-latesub';
    const m = new Lines(S);
    const x = new Lines(S, 'alate1');
    m.prompt(0, 'go').reply(1, 'k1', 10, [['KT', 'Task', { subagent_type: 'Explore' }]]);
    x.prompt(2, 'explore').reply(3, 'x1', 5, [['XR', 'Read', { file_path: '/home/dev/app/a.ts' }], ['XB', 'Bash', { command: 'git status' }]]).result(4, 'XR').result(4.5, 'XB', true).reply(5, 'x2', 6);
    for (const o of x.out) if (o.type === 'assistant') m.progress((Date.parse(o.timestamp) - m.t0) / 1000, 'alate1', 'KT', o);
    m.result(6, 'KT', false, { status: 'completed', agentId: 'alate1' }).reply(7, 'k2', 20);
    writeTranscript(root, S, m);
    const col = await startCollector();
    onCleanup(() => col.stop());
    const state = await tempDir('state');
    const r1 = await backfill(root, state, col);
    expect(r1.code, r1.out.slice(-2000)).toBe(0);
    writeTranscript(root, S, x, S); // copied in later (another machine's backup, a sync)
    const r2 = await backfill(root, state, col);
    expect(r2.code, r2.out.slice(-2000)).toBe(0);
    const truth = truthOf(root);
    expect([...truth.get(S)!.tools.keys()].sort()).toEqual(['KT', 'XB', 'XR']);
    expect(traceDiffs(await spansOf(col), truth, new Set([S]))).toEqual([]);
  }, 120_000);
});
