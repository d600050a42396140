// End-to-end export: the built CLI (child processes) → a real OpenTelemetry Collector → its file
// exporter and Prometheus endpoint. What the collector received is checked against the history
// generator's independently computed Expected (never against ccotel's own `stats`).
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { onCleanup, tempDir, useCleanups } from './support/temp.js';
import { ensureCollectorBinary, startCollector, type Collector, type FlatSpan } from './support/collector.js';
import { CLI, cliEnv, requireBuiltCli, runStats } from './support/ccotel-cli.js';
import { generateHistory, listJsonl, scanTranscript, type Expected } from './support/history-generator.js';
import { waitFor } from './support/wait.js';

const TEAM = 'qa';
const TOKEN_TYPES = { input: 'input', output: 'output', cacheRead: 'cache_read', cacheCreation: 'cache_creation' } as const;

// ---------------------------------------------------------------------------------------------
// helpers

useCleanups();

async function collector(): Promise<Collector> {
  const c = await startCollector();
  onCleanup(() => c.stop());
  return c;
}

interface Proc {
  child: ChildProcess;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  output(): string;
}

function spawnCli(args: string[], col: Collector): Proc {
  const child = spawn(process.execPath, [CLI, ...args], {
    env: { ...cliEnv(), OTEL_EXPORTER_OTLP_ENDPOINT: col.endpoint, OTEL_RESOURCE_ATTRIBUTES: `team=${TEAM}` },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (out += d));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  onCleanup(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exit;
  });
  return { child, exit, output: () => out };
}

const common = (root: string, state: string): string[] => ['--claude-dir', root, '--state-dir', state];

async function backfill(root: string, state: string, col: Collector): Promise<Proc> {
  return spawnCli(['backfill', ...common(root, state), '--timezone', 'UTC'], col);
}

function runDaemon(root: string, state: string, col: Collector): Proc {
  return spawnCli(['run', ...common(root, state), '--timezone', 'UTC', '--metrics-interval', '1s', '--session-idle', '1s', '--log-format', 'text'], col);
}

async function expectExit0(p: Proc, timeoutMs = 120_000): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const res = await Promise.race([
    p.exit,
    new Promise<never>((_, rej) => (timer = setTimeout(() => rej(new Error(`timeout waiting for exit; output:\n${p.output().slice(-3000)}`)), timeoutMs))),
  ]).finally(() => clearTimeout(timer));
  expect(res, p.output().slice(-3000)).toEqual({ code: 0, signal: null });
}

async function stopDaemon(p: Proc): Promise<void> {
  p.child.kill('SIGTERM');
  await expectExit0(p, 30_000);
}

/** Session ids = names of the main transcripts (<root>/projects/<dir>/<sessionId>.jsonl). */
function sessionIds(root: string): Set<string> {
  const ids = new Set<string>();
  const projects = join(root, 'projects');
  for (const d of readdirSync(projects)) for (const f of readdirSync(join(projects, d))) if (f.endsWith('.jsonl')) ids.add(basename(f, '.jsonl'));
  return ids;
}

async function tokenTotals(col: Collector): Promise<Record<string, number>> {
  const out: Record<string, number> = { input: 0, output: 0, cache_read: 0, cache_creation: 0 };
  for (const p of await col.latestMetric('ccotel.token.usage')) out[String(p.attributes['type'])] = (out[String(p.attributes['type'])] ?? 0) + (p.value ?? 0);
  return out;
}

/** Token totals by metric `type` label, from a stats report or the generator's Expected. */
function expTokens(t: { tokens: Record<keyof typeof TOKEN_TYPES, number> }): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(TOKEN_TYPES)) out[v] = t.tokens[k as keyof typeof TOKEN_TYPES];
  return out;
}

async function metricSum(col: Collector, name: string): Promise<number> {
  return (await col.latestMetric(name)).reduce((a, p) => a + (p.value ?? 0), 0);
}

/** Sums of the latest points of `name` grouped by one attribute. */
async function metricBy(col: Collector, name: string, attr: string): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const p of await col.latestMetric(name)) out[String(p.attributes[attr])] = (out[String(p.attributes[attr])] ?? 0) + (p.value ?? 0);
  return out;
}

/** Model requests by model, from Expected (API errors are `<synthetic>` and not requests). */
function expRequestsByModel(exp: Expected): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [m, v] of Object.entries(exp.models)) if (m !== '<synthetic>') out[m] = v.requests;
  return out;
}

/** Tool call counters as the metrics split them: completed by outcome, pending by tool. */
function expToolCalls(exp: Expected): { success: Record<string, number>; error: Record<string, number>; pending: Record<string, number> } {
  const success: Record<string, number> = {};
  const error: Record<string, number> = {};
  for (const [tool, t] of Object.entries(exp.tools)) {
    const ok = t.calls - t.errors - (exp.pendingTools[tool] ?? 0);
    if (ok) success[tool] = ok;
    if (t.errors) error[tool] = t.errors;
  }
  return { success, error, pending: { ...exp.pendingTools } };
}

/**
 * Every ledger counter the collector received (latest cumulative points) against Expected: tokens
 * by type, cost (1e-6 USD), tool calls by tool and outcome, pending tools, requests by model, API
 * errors, sessions, subagents, prompts, compactions. Returns the differences (empty = equal).
 */
async function otlpMetricDiffs(col: Collector, exp: Expected): Promise<string[]> {
  const diffs: string[] = [];
  const eq = (what: string, got: unknown, want: unknown): void => {
    if (JSON.stringify(got) !== JSON.stringify(want)) diffs.push(`${what}: got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
  };
  const sorted = (o: Record<string, number>): Record<string, number> => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== 0).sort(([a], [b]) => (a < b ? -1 : 1)));
  eq('tokens', await tokenTotals(col), expTokens(exp));
  const cost = await metricSum(col, 'ccotel.cost.usage');
  if (!(Math.abs(cost - exp.costUSD) <= 1e-6)) diffs.push(`cost: got ${cost}, want ${exp.costUSD}`);
  const want = expToolCalls(exp);
  const points = await col.latestMetric('ccotel.tool.calls');
  for (const outcome of ['success', 'error'] as const) {
    const got: Record<string, number> = {};
    for (const p of points.filter((x) => x.attributes['outcome'] === outcome)) got[String(p.attributes['tool'])] = (got[String(p.attributes['tool'])] ?? 0) + (p.value ?? 0);
    eq(`tool calls (${outcome})`, sorted(got), sorted(want[outcome]));
  }
  eq('pending tool calls', sorted(await metricBy(col, 'ccotel.tool.calls.pending', 'tool')), sorted(want.pending));
  eq('requests by model', sorted(await metricBy(col, 'ccotel.model.requests', 'model')), sorted(expRequestsByModel(exp)));
  for (const [name, n] of [
    ['ccotel.api.errors', exp.apiErrors],
    ['ccotel.sessions', exp.sessions],
    ['ccotel.subagents', exp.subagents],
    ['ccotel.prompts', exp.prompts],
    ['ccotel.compactions', exp.compactions],
  ] as const) eq(name, await metricSum(col, name), n);
  return diffs;
}

const roots = (spans: FlatSpan[]): FlatSpan[] => spans.filter((s) => !s.parentSpanId);

/** Transcript bytes the state dir has checkpointed (0 before the first commit). */
function checkpointed(state: string): number {
  try {
    const s = JSON.parse(readFileSync(join(state, 'state.json'), 'utf8')) as { files: Record<string, { offset: number }> };
    return Object.values(s.files).reduce((a, f) => a + f.offset, 0);
  } catch {
    return 0;
  }
}

interface PromSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Samples of the Prometheus text format (comments skipped; label values unescaped). */
function parseProm(text: string): PromSample[] {
  const out: PromSample[] = [];
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) throw new Error(`bad prometheus line: ${line}`);
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]!] = l[2]!.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
    out.push({ name: m[1]!, labels, value: m[3] === '+Inf' ? Infinity : Number(m[3]) });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------

describe('e2e export through a real collector', () => {
  beforeAll(async () => {
    requireBuiltCli();
    await ensureCollectorBinary();
  });

  it('backfill exports exactly what the generator expects', async () => {
    const root = await tempDir('root');
    const exp = generateHistory(root, { sessions: 20, seed: 11, faults: true });
    const col = await collector();
    const bf = await backfill(root, await tempDir('state'), col);
    await expectExit0(bf);

    // ---- traces: wait until every expected span arrived, then check nothing more comes
    const spanTotal = exp.requests + exp.apiErrors + exp.operations + exp.sessions + exp.subagents + exp.prompts;
    const spans = await waitFor(async () => {
      const s = await col.readSpans();
      return s.length >= spanTotal ? s : undefined;
    }, { timeoutMs: 30_000, what: `${spanTotal} spans` }).catch(async (err) => {
      throw new Error(`${(err as Error).message}: got ${(await col.readSpans()).length}`);
    });

    const byTrace = new Map<string, FlatSpan[]>();
    for (const s of spans) (byTrace.get(s.traceId) ?? byTrace.set(s.traceId, []).get(s.traceId)!).push(s);
    expect(byTrace.size).toBe(exp.sessions);
    const ids = sessionIds(root);
    expect(ids.size).toBe(exp.sessions);
    expect(new Set(spans.map((s) => s.attributes['gen_ai.conversation.id']))).toEqual(ids);
    expect(new Set(spans.map((s) => s.spanId)).size, 'span ids unique').toBe(spans.length);
    for (const [traceId, ts] of byTrace) {
      const r = roots(ts);
      expect(r.map((s) => s.name), `roots of ${traceId}`).toEqual(['invoke_agent claude-code']);
      const conv = new Set(ts.map((s) => s.attributes['gen_ai.conversation.id']));
      expect(conv.size, `one conversation id in ${traceId}`).toBe(1);
      const local = new Set(ts.map((s) => s.spanId));
      const dangling = ts.filter((s) => s.parentSpanId && !local.has(s.parentSpanId));
      expect(dangling.map((s) => `${s.name} → ${s.parentSpanId}`), `dangling parents in ${traceId}`).toEqual([]);
    }

    const chat = spans.filter((s) => s.name.startsWith('chat '));
    const tools = spans.filter((s) => s.name.startsWith('execute_tool '));
    const agents = spans.filter((s) => s.name.startsWith('invoke_agent '));
    const turns = spans.filter((s) => s.name === 'turn');
    expect({ chat: chat.length, tools: tools.length, agents: agents.length, turns: turns.length, total: spans.length }).toEqual({
      chat: exp.requests + exp.apiErrors,
      tools: exp.operations,
      agents: exp.sessions + exp.subagents, // one root per session, one span per subagent
      turns: exp.prompts,
      total: spanTotal,
    });
    const toolErrors = Object.values(exp.tools).reduce((a, t) => a + t.errors, 0);
    expect(tools.filter((s) => s.status.code === 2).length).toBe(toolErrors);
    const toolNames: Record<string, number> = {};
    for (const s of tools) toolNames[String(s.attributes['gen_ai.tool.name'])] = (toolNames[String(s.attributes['gen_ai.tool.name'])] ?? 0) + 1;
    expect(toolNames).toEqual(Object.fromEntries(Object.entries(exp.tools).map(([k, v]) => [k, v.calls])));

    const lo = BigInt(Date.parse('2026-01-05T00:00:00Z')) * 1_000_000n;
    const hi = BigInt(Date.parse('2026-03-01T00:00:00Z')) * 1_000_000n;
    const badTimes = spans.filter((s) => {
      const a = BigInt(s.startTimeUnixNano);
      const b = BigInt(s.endTimeUnixNano);
      return a < lo || b > hi || b < a;
    });
    expect(badTimes.map((s) => `${s.name} ${s.startTimeUnixNano}..${s.endTimeUnixNano}`).slice(0, 5)).toEqual([]);

    for (const s of spans) {
      expect(s.resource['service.name']).toBe('claude-code');
      expect(s.resource['team']).toBe(TEAM);
      expect(typeof s.attributes['gen_ai.conversation.id']).toBe('string');
    }
    const missing = (list: FlatSpan[], keys: string[]): string[] =>
      list.flatMap((s) => keys.filter((k) => s.attributes[k] === undefined || s.attributes[k] === '').map((k) => `${s.name}: ${k}`));
    expect(missing(chat, ['gen_ai.operation.name', 'gen_ai.provider.name', 'gen_ai.request.model']).slice(0, 5)).toEqual([]);
    // execute_tool spans: the GenAI conventions list no gen_ai.provider.name for them, and ccotel sets none.
    expect(missing(tools, ['gen_ai.operation.name', 'gen_ai.tool.name', 'gen_ai.tool.call.id']).slice(0, 5)).toEqual([]);
    expect(missing(agents, ['gen_ai.operation.name', 'gen_ai.provider.name'])).toEqual([]);
    for (const s of [...chat, ...agents]) expect(s.attributes['gen_ai.provider.name']).toBe('anthropic');
    expect(new Set(agents.map((s) => s.attributes['gen_ai.operation.name']))).toEqual(new Set(['invoke_agent']));
    expect(new Set(chat.map((s) => s.attributes['gen_ai.operation.name']))).toEqual(new Set(['chat']));
    expect(new Set(tools.map((s) => s.attributes['gen_ai.operation.name']))).toEqual(new Set(['execute_tool']));
    for (const s of tools) expect(s.name).toBe(`execute_tool ${s.attributes['gen_ai.tool.name']}`);
    // Session token totals on the roots add up to Expected (the per-session split is the builder's).
    const rootSum = (k: string): number => roots(spans).reduce((a, s) => a + Number(s.attributes[k] ?? 0), 0);
    expect(rootSum('gen_ai.usage.output_tokens')).toBe(exp.tokens.output);

    // ---- metrics (OTLP side): backfill flushes its final metrics before it exits
    await waitFor(async () => ((await otlpMetricDiffs(col, exp)).length === 0 ? true : undefined), { timeoutMs: 15_000, what: 'OTLP metrics equal Expected' }).catch(async (err) => {
      throw new Error(`${(err as Error).message}:\n${(await otlpMetricDiffs(col, exp)).join('\n')}`);
    });
    const tokenPoints = await col.latestMetric('ccotel.token.usage');
    for (const p of tokenPoints) {
      expect(p.temporality).toBe('cumulative');
      expect(p.resource['team']).toBe(TEAM);
    }

    // ---- Prometheus side: values, not only names
    const promNames = [
      'ccotel_token_usage_total',
      'ccotel_cost_usage_USD_total',
      'ccotel_tool_calls_total',
      ...(Object.keys(exp.pendingTools).length ? ['ccotel_tool_calls_pending'] : []), // no series without pending calls
      'ccotel_model_requests_total',
      'ccotel_api_errors_total',
      'ccotel_sessions_total',
      'ccotel_subagents_total',
      'ccotel_prompts_total',
      'ccotel_compactions_total',
      'ccotel_tool_duration_seconds_bucket',
      'ccotel_token_usage_per_request_bucket',
      'ccotel_budget_cost_USD',
      'ccotel_budget_cost_total_USD',
      'ccotel_exporter_last_event_timestamp_seconds',
    ];
    const series = await waitFor(async () => {
      const s = parseProm(await (await fetch(col.prometheusUrl)).text());
      return promNames.every((n) => s.some((x) => x.name === n)) ? s : undefined;
    }, { timeoutMs: 10_000, what: 'every prometheus series' }).catch(async (err) => {
      const s = parseProm(await (await fetch(col.prometheusUrl)).text());
      throw new Error(`${(err as Error).message}: missing ${promNames.filter((n) => !s.some((x) => x.name === n)).join(', ')}`);
    });
    for (const n of promNames) {
      const lines = series.filter((l) => l.name === n);
      expect(lines.every((l) => l.labels['team'] === TEAM), `${n} has team label`).toBe(true);
    }
    const promBy = (name: string, label: string, where: Record<string, string> = {}): Record<string, number> => {
      const out: Record<string, number> = {};
      for (const x of series) {
        if (x.name !== name || !Object.entries(where).every(([k, v]) => x.labels[k] === v)) continue;
        const key = label ? (x.labels[label] ?? '') : '';
        out[key] = (out[key] ?? 0) + x.value;
      }
      return out;
    };
    const nonZero = (o: Record<string, number>): Record<string, number> => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== 0));
    const want = expToolCalls(exp);
    const completedTools = Object.values(want.success).reduce((a, b) => a + b, 0) + Object.values(want.error).reduce((a, b) => a + b, 0);
    expect(promBy('ccotel_token_usage_total', 'type')).toEqual(expTokens(exp));
    expect(Math.abs(promBy('ccotel_cost_usage_USD_total', '')['']! - exp.costUSD)).toBeLessThan(1e-6);
    expect(nonZero(promBy('ccotel_tool_calls_total', 'tool', { outcome: 'success' }))).toEqual(want.success);
    expect(nonZero(promBy('ccotel_tool_calls_total', 'tool', { outcome: 'error' }))).toEqual(want.error);
    expect(nonZero(promBy('ccotel_tool_calls_pending', 'tool'))).toEqual(want.pending);
    expect(promBy('ccotel_model_requests_total', 'model')).toEqual(expRequestsByModel(exp));
    expect({
      apiErrors: promBy('ccotel_api_errors_total', '')[''],
      sessions: promBy('ccotel_sessions_total', '')[''],
      subagents: promBy('ccotel_subagents_total', '')[''],
      prompts: promBy('ccotel_prompts_total', '')[''],
      compactions: promBy('ccotel_compactions_total', '')[''] ?? 0,
    }).toEqual({ apiErrors: exp.apiErrors, sessions: exp.sessions, subagents: exp.subagents, prompts: exp.prompts, compactions: exp.compactions });
    expect(promBy('ccotel_tool_duration_seconds_bucket', '', { le: '+Inf' })['']).toBe(completedTools);
    expect(promBy('ccotel_tool_duration_seconds_count', '')['']).toBe(completedTools);
    // Every request of the (weeks old, so settled) history is in the per-request histogram once per type.
    const perRequest = promBy('ccotel_token_usage_per_request_bucket', 'model', { le: '+Inf', type: 'output' });
    expect(perRequest).toEqual(expRequestsByModel(exp));
    expect(promBy('ccotel_token_usage_per_request_sum', 'type')).toEqual(expTokens(exp));
    // Budget periods are calendar periods around "now": history that ended a month ago costs 0 in each.
    if (Date.now() >= Date.parse('2026-04-01T00:00:00Z')) {
      expect(promBy('ccotel_budget_cost_total_USD', 'period')).toEqual({ today: 0, week: 0, month: 0 });
      expect(nonZero(promBy('ccotel_budget_cost_USD', 'period'))).toEqual({});
    }
    const lastEvent = promBy('ccotel_exporter_last_event_timestamp_seconds', '')['']!;
    expect(lastEvent * 1e9).toBeGreaterThan(Number(lo));
    expect(lastEvent * 1e9).toBeLessThan(Number(hi));

    // Stopped, the collector has flushed everything it got: exactly the expected spans, no more.
    await col.stop();
    expect((await col.readSpans()).length).toBe(spanTotal);
    expect(await otlpMetricDiffs(col, exp)).toEqual([]);
  }, 180_000);

  it('planted secrets never reach the collector: only the redaction markers do', async () => {
    // Fake secrets, assembled at run time so no file holds a whole token-shaped string.
    const antKey = 'sk-ant-' + 'api03-' + 'Qw7'.repeat(14);
    const awsKey = 'AKIA' + 'ZQ3XK7PLM2NB4VC8';
    const urlPass = 'Tr0ub4dor' + '-and-3';
    const root = await tempDir('root');
    const sid = 'a11ce000-5ec2-4e75-9000-000000000001';
    const cwd = '/home/dev/projects/leaky';
    const dir = join(root, 'projects', '-home-dev-projects-leaky');
    mkdirSync(dir, { recursive: true });
    const t0 = Date.parse('2026-02-02T10:00:00Z');
    const base = (i: number, type: string) => ({ parentUuid: i ? `a11ce000-0000-4000-8000-00000000000${i - 1}` : null, isSidechain: false, userType: 'external', cwd, sessionId: sid, version: '2.1.42', gitBranch: 'main', type, uuid: `a11ce000-0000-4000-8000-00000000000${i}`, timestamp: new Date(t0 + i * 1000).toISOString() });
    const tool = (i: number, id: string, name: string, input: Record<string, unknown>) => ({
      ...base(i, 'assistant'),
      requestId: `req_leak${i}`,
      message: { model: 'claude-haiku-4-5-20251001', id: `msg_leak${i}`, type: 'message', role: 'assistant', content: [{ type: 'tool_use', id, name, input }], stop_reason: 'tool_use', stop_sequence: null, usage: { input_tokens: 10, output_tokens: 20, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 } },
    });
    const result = (i: number, id: string, isError: boolean) => ({ ...base(i, 'user'), message: { role: 'user', content: [{ tool_use_id: id, type: 'tool_result', content: isError ? 'exit 1' : 'ok', is_error: isError }] } });
    const commands = {
      toolu_leak01: `curl -H "x-api-key: ${antKey}" https://api.anthropic.com/v1/models`,
      toolu_leak02: `aws s3 ls --profile ci && echo ${awsKey}`,
      toolu_leak03: `psql postgres://admin:${urlPass}@db.internal:5432/app -c 'select 1'`,
    };
    const lines = [
      { ...base(0, 'user'), message: { role: 'user', content: 'check the credentials' } },
      tool(1, 'toolu_leak01', 'Bash', { command: commands.toolu_leak01, description: 'call' }),
      result(2, 'toolu_leak01', true),
      tool(3, 'toolu_leak02', 'Bash', { command: commands.toolu_leak02 }),
      result(4, 'toolu_leak02', true),
      tool(5, 'toolu_leak03', 'Bash', { command: commands.toolu_leak03 }),
      result(6, 'toolu_leak03', false),
      tool(7, 'toolu_leak04', 'WebFetch', { url: `https://deploy:${urlPass}@ci.example.com/api`, prompt: 'status' }),
      result(8, 'toolu_leak04', false),
    ];
    writeFileSync(join(dir, `${sid}.jsonl`), lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
    const col = await collector();
    const state = await tempDir('state');
    await expectExit0(await backfill(root, state, col));

    // 1 root + 1 turn + 4 chat + 4 execute_tool spans
    const spans = await waitFor(async () => {
      const s = await col.readSpans();
      return s.length >= 10 ? s : undefined;
    }, { timeoutMs: 30_000, what: 'the 10 spans of the planted session' });
    const cmd = (id: string) => spans.find((s) => s.attributes['gen_ai.tool.call.id'] === id)?.attributes['ccotel.bash.command'];
    expect(cmd('toolu_leak01')).toBe('curl -H "x-api-key: [REDACTED:anthropic-key]" https://api.anthropic.com/v1/models');
    expect(cmd('toolu_leak02')).toBe('aws s3 ls --profile ci && echo [REDACTED:aws-access-key]');
    expect(cmd('toolu_leak03')).toBe(`psql postgres://admin:[REDACTED:url-password]@db.internal:5432/app -c 'select 1'`);
    expect(spans.find((s) => s.attributes['gen_ai.tool.call.id'] === 'toolu_leak04')?.attributes['url.full']).toBe('https://deploy:[REDACTED:url-password]@ci.example.com/api');
    await waitFor(async () => ((await metricSum(col, 'ccotel.tool.calls')) === 4 ? true : undefined), { timeoutMs: 15_000, what: 'tool call metrics' });

    // Raw bytes of everything the collector wrote (traces, metrics, logs, its own log; stopped, so
    // flushed) and of ccotel's own state: no planted secret anywhere, the markers in the traces.
    await col.stop();
    const files = (d: string): string[] => readdirSync(d, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
    const leaks: string[] = [];
    for (const f of [...files(col.dir), ...files(state)]) {
      const bytes = readFileSync(f);
      for (const secret of [antKey, awsKey, urlPass]) if (bytes.includes(Buffer.from(secret))) leaks.push(`${f} contains ${secret.slice(0, 8)}…`);
    }
    expect(leaks).toEqual([]);
    const traces = readFileSync(col.tracesFile);
    for (const marker of ['[REDACTED:anthropic-key]', '[REDACTED:aws-access-key]', '[REDACTED:url-password]@db.internal']) expect(traces.includes(Buffer.from(marker)), marker).toBe(true);
  });

  it('collector down during backfill: backfill exits 0, no span lost or duplicated', async () => {
    const root = await tempDir('root');
    const exp = generateHistory(root, { sessions: 400, seed: 23, faults: true, targetBytes: 240_000_000 });

    const col = await collector();
    const t0 = Date.now();
    const bf = await backfill(root, await tempDir('state'), col);
    // first spans written by the collector (stat, not parse: the outage must start early)
    await waitFor(async () => ((await stat(col.tracesFile).catch(() => undefined))?.size ? true : undefined), { timeoutMs: 60_000, intervalMs: 10, what: 'first spans' });
    const stopping = col.stop();
    const beforeStop = (await col.readSpans()).length;
    await stopping;
    const stoppedWhileRunning = bf.child.exitCode === null;
    const atStop = (await col.readSpans()).length; // the collector flushed its files on the way down
    await new Promise((r) => setTimeout(r, 3000)); // the outage itself: backfill keeps running meanwhile
    await col.restart();
    await expectExit0(bf, 170_000);
    const seconds = (Date.now() - t0) / 1000;
    // Stopped, the collector has flushed its batch and files: nothing is still in flight.
    await col.stop();
    expect(await otlpMetricDiffs(col, exp)).toEqual([]);
    const spans = await col.readSpans();
    const want = exp.requests + exp.apiErrors + exp.operations + exp.sessions + exp.subagents + exp.prompts;
    console.log(`[e2e] outage run ${seconds.toFixed(1)} s: ${beforeStop} spans seen before stop, ${atStop} at stop, stopped while running: ${stoppedWhileRunning}, ${spans.length} spans total of ${want}`);
    expect(stoppedWhileRunning, 'the collector went down while backfill was still running').toBe(true);
    // the outage interrupted span delivery: some spans only reached the restarted collector
    expect(atStop, 'spans delivered before the outage').toBeLessThan(want);
    const seen = new Set<string>();
    const dup = spans.filter((s) => seen.has(s.spanId) || !seen.add(s.spanId)).map((s) => s.spanId);
    expect(dup.length, `duplicate span ids (e.g. ${dup.slice(0, 3).join(', ')})`).toBe(0);
    expect(spans.length).toBe(want);
    expect(new Set(roots(spans).map((s) => s.attributes['gen_ai.conversation.id']))).toEqual(sessionIds(root));
  }, 360_000);

  it('daemon SIGKILLed mid-backfill resumes: metrics exact, every root span arrives', async () => {
    const root = await tempDir('root');
    const exp = generateHistory(root, { sessions: 80, seed: 31, faults: true, targetBytes: 50_000_000 });
    const ids = sessionIds(root);
    const col = await collector();
    const state = await tempDir('state');

    let completeBytes = 0;
    for (const f of listJsonl(root)) {
      const buf = readFileSync(f);
      completeBytes += buf.length - scanTranscript(buf).tornBytes;
    }

    // Kill point observed from outside, not timed: the collector has accepted a batch of spans and
    // the daemon has checkpointed some (not all) of the history.
    const d1 = runDaemon(root, state, col);
    await waitFor(async () => {
      const spansWritten = (await stat(col.tracesFile).catch(() => undefined))?.size ?? 0;
      return spansWritten > 0 && checkpointed(state) > 0 ? true : undefined;
    }, { timeoutMs: 60_000, intervalMs: 5, what: 'first accepted spans and a first checkpoint' });
    d1.child.kill('SIGKILL');
    expect((await d1.exit).signal).toBe('SIGKILL');
    const atKill = checkpointed(state);
    console.log(`[e2e] SIGKILL after ${roots(await col.readSpans()).length} of ${ids.size} root spans, ${(atKill / 1e6).toFixed(1)} of ${(completeBytes / 1e6).toFixed(1)} MB checkpointed`);
    expect(atKill, 'killed before the backfill finished').toBeLessThan(completeBytes);

    const d2 = runDaemon(root, state, col);
    await waitFor(async () => ((await otlpMetricDiffs(col, exp)).length === 0 ? true : undefined), { timeoutMs: 120_000, intervalMs: 500, what: 'metrics to equal Expected' }).catch(async (err) => {
      throw new Error(`${(err as Error).message}:\n${(await otlpMetricDiffs(col, exp)).join('\n')}`);
    });
    await waitFor(async () => {
      const r = new Set(roots(await col.readSpans()).map((s) => String(s.attributes['gen_ai.conversation.id'])));
      return [...ids].every((id) => r.has(id)) ? true : undefined;
    }, { timeoutMs: 60_000, what: 'every root span' });
    expect(await otlpMetricDiffs(col, exp)).toEqual([]);
    const spans = await col.readSpans();
    // Re-sent spans after a crash keep their ids; each session still has a single root id.
    const rootIds = new Set(roots(spans).map((s) => s.spanId));
    expect(rootIds.size).toBe(ids.size);
    await stopDaemon(d2);
  }, 240_000);

  it('live append and a new session reach the collector within seconds', async () => {
    const root = await tempDir('root');
    const exp = generateHistory(root, { sessions: 4, seed: 41, faults: false });
    const ids = sessionIds(root);
    const col = await collector();
    const state = await tempDir('state');
    const d = runDaemon(root, state, col);
    await waitFor(async () => (roots(await col.readSpans()).length >= ids.size ? true : undefined), { timeoutMs: 60_000, what: 'backfill root spans' });
    await waitFor(async () => ((await otlpMetricDiffs(col, exp)).length === 0 ? true : undefined), { timeoutMs: 30_000, what: 'baseline metrics equal Expected' }).catch(async (err) => {
      throw new Error(`${(err as Error).message}:\n${(await otlpMetricDiffs(col, exp)).join('\n')}`);
    });

    // append to an existing transcript
    const projects = join(root, 'projects');
    const dir = readdirSync(projects)[0]!;
    const file = readdirSync(join(projects, dir)).find((f) => f.endsWith('.jsonl'))!;
    const path = join(projects, dir, file);
    const last = readFileSync(path, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l)).reverse().find((o) => o.cwd && o.sessionId)!;
    const sid = basename(file, '.jsonl');
    const now = Date.now();
    const iso = (ms: number): string => new Date(ms).toISOString();
    const toolId = 'toolu_e2eLiveAppend000000001';
    const usage1 = { input: 17, output: 230, cache_read: 4000, cache_creation: 1200 };
    const usage2 = { input: 5, output: 40, cache_read: 900, cache_creation: 0 };
    const assistant = (o: { id: string; req: string; ts: number; content: unknown[]; u: typeof usage1; cwd: string; session: string; uuid: string; parent: string | null }) => ({
      parentUuid: o.parent,
      isSidechain: false,
      userType: 'external',
      cwd: o.cwd,
      sessionId: o.session,
      version: '2.1.42',
      gitBranch: 'main',
      message: {
        model: 'claude-sonnet-4-5-20250929',
        id: o.id,
        type: 'message',
        role: 'assistant',
        content: o.content,
        stop_reason: 'tool_use',
        stop_sequence: null,
        usage: { input_tokens: o.u.input, cache_creation_input_tokens: o.u.cache_creation, cache_read_input_tokens: o.u.cache_read, output_tokens: o.u.output, service_tier: 'standard' },
      },
      requestId: o.req,
      type: 'assistant',
      uuid: o.uuid,
      timestamp: iso(o.ts),
    });
    const lines = [
      assistant({ id: 'msg_e2eLive0001', req: 'req_e2eLive0001', ts: now, content: [{ type: 'tool_use', id: toolId, name: 'Bash', input: { command: 'ls -la', description: 'list' } }], u: usage1, cwd: last.cwd, session: sid, uuid: 'e2e00000-0000-4000-8000-000000000001', parent: last.uuid ?? null }),
      {
        parentUuid: 'e2e00000-0000-4000-8000-000000000001',
        isSidechain: false,
        userType: 'external',
        cwd: last.cwd,
        sessionId: sid,
        version: '2.1.42',
        gitBranch: 'main',
        type: 'user',
        message: { role: 'user', content: [{ tool_use_id: toolId, type: 'tool_result', content: 'total 0', is_error: false }] },
        uuid: 'e2e00000-0000-4000-8000-000000000002',
        timestamp: iso(now + 800),
        toolUseResult: { stdout: 'total 0', stderr: '', interrupted: false, isImage: false },
      },
    ];
    appendFileSync(path, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');

    // a brand-new session in a brand-new project directory
    const newSid = 'e2e11111-2222-4333-8444-555555555555';
    const newCwd = '/home/dev/projects/e2e-new';
    const newDir = join(projects, '-home-dev-projects-e2e-new');
    mkdirSync(newDir);
    const promptUuid = 'e2e00000-0000-4000-8000-000000000003';
    writeFileSync(
      join(newDir, `${newSid}.jsonl`),
      [
        { parentUuid: null, isSidechain: false, userType: 'external', cwd: newCwd, sessionId: newSid, version: '2.1.42', gitBranch: 'main', type: 'user', message: { role: 'user', content: 'List the files' }, uuid: promptUuid, timestamp: iso(now + 100) },
        assistant({ id: 'msg_e2eLive0002', req: 'req_e2eLive0002', ts: now + 1500, content: [{ type: 'text', text: 'Done.' }], u: usage2, cwd: newCwd, session: newSid, uuid: 'e2e00000-0000-4000-8000-000000000004', parent: promptUuid }),
      ]
        .map((l) => JSON.stringify(l))
        .join('\n') + '\n',
    );
    const appendedAt = Date.now();

    const toolSpan = await waitFor(async () => (await col.readSpans()).find((s) => s.attributes['gen_ai.tool.call.id'] === toolId), { timeoutMs: 15_000, what: 'appended execute_tool span' });
    expect(toolSpan.name).toBe('execute_tool Bash');
    expect(toolSpan.traceId).toBe((await col.readSpans()).find((s) => s.attributes['gen_ai.conversation.id'] === sid && !s.parentSpanId)!.traceId);
    const toolLatency = (Date.now() - appendedAt) / 1000;
    const newSpans = await waitFor(async () => {
      const s = (await col.readSpans()).filter((x) => x.attributes['gen_ai.conversation.id'] === newSid);
      return s.some((x) => !x.parentSpanId) && s.some((x) => x.name.startsWith('chat ')) ? s : undefined;
    }, { timeoutMs: 15_000, what: 'new session spans' });
    expect(roots(newSpans).map((s) => s.name)).toEqual(['invoke_agent claude-code']);
    const newLatency = (Date.now() - appendedAt) / 1000;

    const want = expTokens(exp);
    for (const u of [usage1, usage2]) for (const k of Object.keys(want)) want[k]! += u[k as keyof typeof u];
    await waitFor(async () => (JSON.stringify(await tokenTotals(col)) === JSON.stringify(want) ? true : undefined), { timeoutMs: 15_000, what: 'token metrics to rise by the appended usage' }).catch(
      async (err) => {
        throw new Error(`${(err as Error).message}: got ${JSON.stringify(await tokenTotals(col))}, want ${JSON.stringify(want)}`);
      },
    );
    const { report: after } = await runStats(root, await tempDir('stats1'));
    expect(expTokens(after)).toEqual(want);
    console.log(`[e2e] live: tool span after ${toolLatency.toFixed(1)} s, new session after ${newLatency.toFixed(1)} s`);
    await stopDaemon(d);
  }, 180_000);
});
