// The whole stack with real servers, no Docker: a generated history → `ccotel backfill` and
// `ccotel run` (the built CLI) → the OpenTelemetry Collector running otel-collector.yaml → Prometheus
// 3.16 (OTLP push, deploy/prometheus rules) + Alertmanager + Jaeger v2, all started by the native
// harness (test/support/stack.ts) with the repo's own config files.
//
// Truth is independent of ccotel: the history generator's Expected (totals, per-project cost), and
// budget thresholds chosen from it so that exactly one user-day and one project-week are over.
// The only changes to the shipped rules are time scales (`for:` and PromQL windows divided by 60, a
// 2 s evaluation interval, a 20 s lookback) and the numbers in thresholds.yml (a user's config).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { hostname, tmpdir, userInfo } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { CLI, cliEnv, requireBuiltCli, runStats } from './support/ccotel-cli.js';
import { writeSessions } from './support/hand-transcripts.js';
import { generateHistory, type Expected } from './support/history-generator.js';
import { promLabelValues, promQuery, STACK_CONFIG_FILES, startStack, type Stack } from './support/stack.js';
import { waitFor } from './support/wait.js';

// ccotel's `user` label: the OS user running it (src/export/resource.ts), read the same way.
const USER = userInfo().username;

// ---------------------------------------------------------------------------------------------
// time: "today" in a time zone where it is about noon now, so the test never straddles midnight

/** An Etc/GMT zone in which the local hour is 12 right now (Etc/GMT-k is UTC+k). */
function noonZone(now = new Date()): { tz: string; offsetHours: number } {
  const k = 12 - now.getUTCHours(); // -11 … 12
  return { tz: k === 0 ? 'Etc/GMT' : `Etc/GMT${k > 0 ? '-' : '+'}${Math.abs(k)}`, offsetHours: k };
}

const ISO = /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/g;

/**
 * Moves a generated one-day history (UTC day `day`) into [to, to + 1h): every timestamp t becomes
 * to + (t - day) / 24. Order is kept; tokens, costs and counts (all that Expected holds) do not
 * depend on time, so Expected stays exact while every call lands in "today" and in the past.
 */
function squeezeDay(root: string, day: string, to: number): void {
  const from = Date.parse(`${day}T00:00:00.000Z`);
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.jsonl') || e.name.endsWith('.json')) {
        const text = readFileSync(p, 'utf8');
        writeFileSync(p, text.replace(ISO, (iso) => new Date(to + Math.floor((Date.parse(iso) - from) / 24)).toISOString()));
      }
    }
  };
  walk(root);
}

function mergeExpected(a: Expected, b: Expected) {
  const tokens = { input: a.tokens.input + b.tokens.input, output: a.tokens.output + b.tokens.output, cacheRead: a.tokens.cacheRead + b.tokens.cacheRead, cacheCreation: a.tokens.cacheCreation + b.tokens.cacheCreation };
  const pending = (e: Expected): number => Object.values(e.pendingTools).reduce((s, n) => s + n, 0);
  return {
    tokens,
    costUSD: a.costUSD + b.costUSD,
    sessions: a.sessions + b.sessions,
    subagents: a.subagents + b.subagents,
    prompts: a.prompts + b.prompts,
    operations: a.operations + b.operations,
    requests: a.requests + b.requests,
    apiErrors: a.apiErrors + b.apiErrors,
    compactions: a.compactions + b.compactions,
    pending: pending(a) + pending(b),
  };
}

/** The shipped rules with time scaled down 60× (not below 10 s) and the thresholds replaced. */
function testRules(dir: string, thresholds: Record<string, number>): string[] {
  const scale = (n: number, unit: string): string => `${Math.max(10, Math.round((n * (unit === 'h' ? 3600 : 60)) / 60))}s`;
  const out: string[] = [];
  for (const f of readdirSync(STACK_CONFIG_FILES.rules).filter((x) => x.endsWith('.yml'))) {
    let text = readFileSync(join(STACK_CONFIG_FILES.rules, f), 'utf8');
    if (f === 'thresholds.yml') {
      const doc = parse(text) as { groups: { rules: { record: string; expr: string; labels?: Record<string, string> }[] }[] };
      for (const r of doc.groups[0]!.rules) {
        const key = r.labels ? `${r.record}{${r.labels['scope']},${r.labels['period']}}` : r.record;
        if (!(key in thresholds)) throw new Error(`test thresholds miss ${key}`);
        r.expr = `vector(${thresholds[key]})`;
      }
      text = stringify(doc);
    } else {
      text = text
        .replace(/^(\s+for:\s*)(\d+)([mh])\s*$/gm, (_, pre: string, n: string, u: string) => `${pre}${scale(Number(n), u)}`)
        .replace(/\[(\d+)([mh])\]/g, (_, n: string, u: string) => `[${scale(Number(n), u)}]`)
        .replace(/offset (\d+)([mh])/g, (_, n: string, u: string) => `offset ${scale(Number(n), u)}`);
    }
    const p = join(dir, f);
    writeFileSync(p, text);
    out.push(p);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// processes

interface Proc {
  child: ChildProcess;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  output(): string;
}
const procs: Proc[] = [];

function cli(args: string[], endpoint: string): Proc {
  const child = spawn(process.execPath, [CLI, ...args], {
    env: { ...cliEnv(), OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_RESOURCE_ATTRIBUTES: 'team=qa' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (out += d));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const p = { child, exit, output: () => out };
  procs.push(p);
  return p;
}

async function exited(p: Proc, timeoutMs: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  let timer: NodeJS.Timeout | undefined;
  return await Promise.race([
    p.exit,
    new Promise<never>((_, rej) => (timer = setTimeout(() => rej(new Error(`no exit within ${timeoutMs} ms; output:\n${p.output().slice(-3000)}`)), timeoutMs))),
  ]).finally(() => clearTimeout(timer));
}

// ---------------------------------------------------------------------------------------------
// API helpers

async function scalar(s: Stack, q: string): Promise<number | undefined> {
  const r = await promQuery(s.prometheus, q);
  return r.length ? Number(r[0]!.value[1]) : undefined;
}

interface FiringAlert {
  alertname: string;
  labels: Record<string, string>;
}

async function firing(s: Stack): Promise<FiringAlert[]> {
  return (await promQuery(s.prometheus, 'ALERTS{alertstate="firing"}')).map((r) => {
    const { __name__: _n, alertstate: _s, ...labels } = r.metric;
    return { alertname: labels['alertname']!, labels };
  });
}

const key = (a: { labels: Record<string, string> }, names: string[]): string => names.map((n) => `${n}=${a.labels[n] ?? ''}`).join(',');

interface JaegerSpan {
  traceID: string;
  spanID: string;
  operationName: string;
  references?: { refType: string; traceID: string; spanID: string }[];
  warnings?: string[] | null;
  tags: { key: string; value: unknown }[];
}

async function jaegerTraces(s: Stack): Promise<{ traceID: string; spans: JaegerSpan[] }[]> {
  const params = new URLSearchParams({
    service: 'claude-code',
    start: String(Date.parse('2020-01-01T00:00:00Z') * 1000),
    end: String((Date.now() + 86_400_000) * 1000),
    limit: '100000',
  });
  const r = await fetch(`${s.jaegerQuery}/api/traces?${params}`);
  if (!r.ok) throw new Error(`jaeger /api/traces: ${r.status} ${await r.text()}`);
  return ((await r.json()) as { data: { traceID: string; spans: JaegerSpan[] }[] }).data ?? [];
}

// ---------------------------------------------------------------------------------------------

describe('the stack end to end (collector → Prometheus + Alertmanager, Jaeger)', () => {
  let stack: Stack;
  let work: string;
  let oldRoot: string;
  let todayRoot: string;
  let liveRoot: string;
  let state: string;
  let tz: string;
  let want: ReturnType<typeof mergeExpected>;
  let expectedFiring: string[];
  let overProject: string;
  let daemon: Proc | undefined;

  beforeAll(async () => {
    requireBuiltCli();
    work = await mkdtemp(join(tmpdir(), 'ccotel-stack-e2e-'));
    oldRoot = join(work, 'old');
    todayRoot = join(work, 'today');
    liveRoot = join(work, 'live');
    state = join(work, 'state');
    mkdirSync(join(liveRoot, 'projects'), { recursive: true });
    const zone = noonZone();
    tz = zone.tz;

    // Old history (2025): a large backfill that must not fire anything.
    const old = generateHistory(oldRoot, { sessions: 14, seed: 901, startDate: '2025-03-03', days: 40, missingRequestId: 0 });
    // Today's history, squeezed into the hour that ended an hour ago (all of it today, all past).
    const day = '2025-06-02';
    const today = generateHistory(todayRoot, { sessions: 8, seed: 904, startDate: day, days: 1, projects: 3, missingRequestId: 0 });
    squeezeDay(todayRoot, day, Date.now() - 2 * 3_600_000);
    want = mergeExpected(old, today);

    // Thresholds from the truth: the user is over today's budget (today's spend is all of
    // `today`); one project over the weekly project budget, the others under; everything else high.
    const projects = Object.entries(today.projects).sort((a, b) => b[1].costUSD - a[1].costUSD);
    expect(projects.length).toBeGreaterThanOrEqual(2);
    const [top, second] = [projects[0]!, projects[1]!];
    expect(top[1].costUSD, 'the generated projects must differ enough for a threshold between them').toBeGreaterThan(second[1].costUSD * 1.2);
    overProject = top[0];
    const HIGH = 1e9;
    const rulesDir = join(work, 'rules');
    mkdirSync(rulesDir);
    const ruleFiles = testRules(rulesDir, {
      'ccotel:budget_limit:USD{user,today}': today.costUSD / 2,
      'ccotel:budget_limit:USD{user,week}': HIGH,
      'ccotel:budget_limit:USD{user,month}': HIGH,
      'ccotel:budget_limit:USD{project,today}': HIGH,
      'ccotel:budget_limit:USD{project,week}': (top[1].costUSD + second[1].costUSD) / 2,
      'ccotel:budget_limit:USD{project,month}': HIGH,
      'ccotel:budget_utc_offset:seconds': zone.offsetHours * 3600,
      'ccotel:sensitive_warning_repeats:count': 3,
      'ccotel:daemon_silent_after:seconds': 15,
    });
    expectedFiring = [
      `CcotelUserBudgetExceeded|period=today,user=${USER}`,
      `CcotelProjectBudgetExceeded|period=week,project=${overProject}`,
    ];

    stack = await startStack({
      dir: join(work, 'stack'),
      ruleFiles,
      prometheusGlobal: { scrape_interval: '2s', evaluation_interval: '2s' },
      // The "expiration" of a pushed series: not refreshed for this long, it is gone from queries.
      prometheusArgs: ['--query.lookback-delta=20s'],
    });
  }, 900_000);

  afterAll(async () => {
    for (const p of procs) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
    await stack?.stop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('backfill: Prometheus totals equal the generator\'s Expected and `ccotel stats --json`', async () => {
    const b = cli(['backfill', '--claude-dir', oldRoot, '--claude-dir', todayRoot, '--claude-dir', liveRoot, '--state-dir', state, '--timezone', tz], stack.otlpHttp);
    expect(await exited(b, 300_000), b.output().slice(-3000)).toEqual({ code: 0, signal: null });
    // Keep the series fresh from here on (the backfill exported once and exited).
    daemon = cli(['run', '--claude-dir', oldRoot, '--claude-dir', todayRoot, '--claude-dir', liveRoot, '--state-dir', state, '--timezone', tz, '--metrics-interval', '1s', '--session-idle', '1s', '--log-format', 'text'], stack.otlpHttp);

    const sum = (q: string): Promise<number | undefined> => scalar(stack, `sum(${q})`);
    await waitFor(async () => ((await sum('ccotel_token_usage_total{type="output"}')) === want.tokens.output ? true : undefined), {
      timeoutMs: 60_000,
      intervalMs: 500,
      what: 'ccotel_token_usage_total in Prometheus',
    });
    expect(await sum('ccotel_token_usage_total{type="input"}')).toBe(want.tokens.input);
    expect(await sum('ccotel_token_usage_total{type="output"}')).toBe(want.tokens.output);
    expect(await sum('ccotel_token_usage_total{type="cache_read"}')).toBe(want.tokens.cacheRead);
    expect(await sum('ccotel_token_usage_total{type="cache_creation"}')).toBe(want.tokens.cacheCreation);
    expect(await sum('ccotel_cost_usage_USD_total')).toBeCloseTo(want.costUSD, 6);
    expect(await sum('ccotel_model_requests_total')).toBe(want.requests);
    expect((await sum('ccotel_api_errors_total')) ?? 0).toBe(want.apiErrors);
    expect(await sum('ccotel_sessions_total')).toBe(want.sessions);
    expect((await sum('ccotel_subagents_total')) ?? 0).toBe(want.subagents);
    expect(await sum('ccotel_prompts_total')).toBe(want.prompts);
    expect((await sum('ccotel_compactions_total')) ?? 0).toBe(want.compactions);
    expect(((await sum('ccotel_tool_calls_total')) ?? 0) + ((await sum('ccotel_tool_calls_pending')) ?? 0)).toBe(want.operations);
    // resource attributes as labels (promote_all_resource_attributes), scope as a label
    expect(await scalar(stack, 'count(ccotel_cost_usage_USD_total{team="qa",otel_scope_name="ccotel"})')).toBe(await scalar(stack, 'count(ccotel_cost_usage_USD_total)'));
    const one = (await promQuery(stack.prometheus, 'ccotel_cost_usage_USD_total'))[0]!.metric;
    expect(one).toMatchObject({ job: 'claude-code', user: USER, user_name: USER, host_name: hostname(), team: 'qa', telemetry_distro_name: 'ccotel' });
    expect(one['instance']).toMatch(/^[0-9a-f-]{36}$/);

    const { report } = await runStats(oldRoot, state, ['--claude-dir', todayRoot, '--claude-dir', liveRoot]);
    expect(await sum('ccotel_cost_usage_USD_total')).toBeCloseTo(report.costUSD, 6);
    expect(await sum('ccotel_token_usage_total')).toBe(report.tokens.input + report.tokens.output + report.tokens.cacheRead + report.tokens.cacheCreation);
    expect(await sum('ccotel_sessions_total')).toBe(report.sessions);
  });

  it('exactly the expected alerts fire in Prometheus (old history fires nothing) and reach Alertmanager', async () => {
    const summary = (as: FiringAlert[]): string[] =>
      as.map((a) => `${a.alertname}|${a.alertname === 'CcotelUserBudgetExceeded' ? key(a, ['period', 'user']) : a.alertname === 'CcotelProjectBudgetExceeded' ? key(a, ['period', 'project']) : key(a, Object.keys(a.labels).filter((l) => l !== 'alertname').sort())}`).sort();
    const got = await waitFor(
      async () => {
        const f = summary(await firing(stack));
        return expectedFiring.every((e) => f.includes(e)) ? f : undefined;
      },
      { timeoutMs: 90_000, intervalMs: 1000, what: `firing alerts ${expectedFiring.join(' ')}` },
    );
    expect(got).toEqual([...expectedFiring].sort());
    // The other projects and the user's week and month stay inactive (not even pending).
    const pendingOrFiring = await promQuery(stack.prometheus, 'ALERTS');
    expect(pendingOrFiring.map((r) => `${r.metric['alertname']}|${r.metric['alertstate']}`).sort()).toEqual(['CcotelProjectBudgetExceeded|firing', 'CcotelUserBudgetExceeded|firing']);

    // Alertmanager received them, routed by severity (warning → team).
    const am = await waitFor(
      async () => {
        const r = (await (await fetch(`${stack.alertmanager}/api/v2/alerts`)).json()) as { labels: Record<string, string>; status: { state: string }; receivers: { name: string }[]; annotations: Record<string, string> }[];
        return r.length >= 2 ? r : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 1000, what: 'alerts at Alertmanager' },
    );
    expect(am.map((a) => `${a.labels['alertname']}|${a.status.state}|${a.receivers.map((x) => x.name).join(',')}`).sort()).toEqual([
      'CcotelProjectBudgetExceeded|active|team',
      'CcotelUserBudgetExceeded|active|team',
    ]);
    const proj = am.find((a) => a.labels['alertname'] === 'CcotelProjectBudgetExceeded')!;
    expect(proj.labels['project']).toBe(overProject);
    expect(proj.annotations['runbook_url']).toMatch(/runbooks\.md#ccotelprojectbudgetexceeded$/);
  });

  it('Jaeger returns every session\'s trace with the expected spans, one tree each, no clock-skew warning', async () => {
    const sessionIds = new Set<string>();
    for (const root of [oldRoot, todayRoot]) {
      for (const d of readdirSync(join(root, 'projects'))) for (const f of readdirSync(join(root, 'projects', d))) if (f.endsWith('.jsonl')) sessionIds.add(basename(f, '.jsonl'));
    }
    expect(sessionIds.size).toBe(want.sessions);
    const traces = await waitFor(
      async () => {
        const t = await jaegerTraces(stack);
        const n = (prefix: string): number => t.reduce((a, x) => a + x.spans.filter((s) => s.operationName.startsWith(prefix)).length, 0);
        const done = t.length === sessionIds.size && n('chat ') === want.requests + want.apiErrors && n('execute_tool ') === want.operations && n('invoke_agent ') === want.sessions + want.subagents;
        return done ? t : undefined;
      },
      { timeoutMs: 120_000, intervalMs: 1000, what: `${sessionIds.size} traces in Jaeger` },
    ).catch(async (e: Error) => {
      const t = await jaegerTraces(stack);
      const n = (prefix: string): number => t.reduce((a, x) => a + x.spans.filter((s) => s.operationName.startsWith(prefix)).length, 0);
      throw new Error(`${e.message}; got ${t.length} traces, chat ${n('chat ')}/${want.requests + want.apiErrors}, execute_tool ${n('execute_tool ')}/${want.operations}, invoke_agent ${n('invoke_agent ')}/${want.sessions + want.subagents}`);
    });
    const ops = (prefix: string): number => traces.reduce((n, t) => n + t.spans.filter((s) => s.operationName.startsWith(prefix)).length, 0);
    expect(ops('chat ')).toBe(want.requests + want.apiErrors);
    expect(ops('execute_tool ')).toBe(want.operations);
    expect(ops('invoke_agent ')).toBe(want.sessions + want.subagents);
    const conversations = new Set<string>();
    for (const t of traces) {
      const ids = new Set(t.spans.map((s) => s.spanID));
      const roots = t.spans.filter((s) => !(s.references ?? []).some((r) => r.refType === 'CHILD_OF'));
      expect(roots.map((r) => r.operationName), `trace ${t.traceID}`).toEqual(['invoke_agent claude-code']);
      for (const s of t.spans) {
        for (const r of (s.references ?? []).filter((x) => x.refType === 'CHILD_OF')) expect(ids.has(r.spanID), `parent of ${s.operationName} in ${t.traceID}`).toBe(true);
        expect((s.warnings ?? []).filter((w) => /skew/i.test(w)), `${s.operationName} in ${t.traceID}`).toEqual([]);
      }
      conversations.add(String(roots[0]!.tags.find((x) => x.key === 'gen_ai.conversation.id')?.value));
    }
    expect([...conversations].sort()).toEqual([...sessionIds].sort());
  });

  it('Claude Code\'s native telemetry through the same collector lands beside ccotel\'s, no name in common', async () => {
    const now = `${Date.now()}000000`;
    const start = `${Date.now() - 600_000}000000`;
    const attrs = (o: Record<string, string>) => Object.entries(o).map(([key, v]) => ({ key, value: { stringValue: v } }));
    const base = { 'session.id': 'native-session-1', 'user.email': 'alice@example.com', 'user.account_uuid': 'acc-1', 'organization.id': 'org-1', 'terminal.type': 'vscode' };
    const sum = (name: string, unit: string, points: [Record<string, string>, number][]) => ({
      name,
      unit,
      sum: { aggregationTemporality: 2, isMonotonic: true, dataPoints: points.map(([a, v]) => ({ attributes: attrs({ ...base, ...a }), startTimeUnixNano: start, timeUnixNano: now, asDouble: v })) },
    });
    const body = {
      resourceMetrics: [
        {
          resource: { attributes: attrs({ 'service.name': 'claude-code', 'service.version': '2.1.39', 'os.type': 'linux', 'host.arch': 'amd64' }) },
          scopeMetrics: [
            {
              scope: { name: 'com.anthropic.claude_code', version: '2.1.39' },
              metrics: [
                sum('claude_code.cost.usage', 'USD', [[{ model: 'claude-opus-4-6' }, 1.25]]),
                sum('claude_code.token.usage', 'tokens', [[{ model: 'claude-opus-4-6', type: 'input' }, 1000], [{ model: 'claude-opus-4-6', type: 'output' }, 200]]),
                sum('claude_code.session.count', 'count', [[{}, 1]]),
                sum('claude_code.lines_of_code.count', 'count', [[{ type: 'added' }, 40], [{ type: 'removed' }, 7]]),
                sum('claude_code.commit.count', 'count', [[{}, 2]]),
                sum('claude_code.pull_request.count', 'count', [[{}, 1]]),
                // no unit: the observed name has none appended (claude_code_code_edit_tool_decision_total)
                sum('claude_code.code_edit_tool.decision', '', [[{ tool: 'Edit', decision: 'accept', language: 'TypeScript' }, 3]]),
                sum('claude_code.active_time.total', 's', [[{ type: 'user' }, 95]]),
              ],
            },
          ],
        },
      ],
    };
    const r = await fetch(`${stack.otlpHttp}/v1/metrics`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(r.status, await r.text()).toBe(200);
    // A second native session exporting with delta temporality (0.5 then 0.75 USD): Prometheus
    // stores the running total (otlp-deltatocumulative), 1.25.
    const delta = (from: number, to: number, v: number) => ({
      resourceMetrics: [{
        resource: body.resourceMetrics[0]!.resource,
        scopeMetrics: [{
          scope: { name: 'com.anthropic.claude_code', version: '2.1.39' },
          metrics: [{ name: 'claude_code.cost.usage', unit: 'USD', sum: { aggregationTemporality: 1, isMonotonic: true, dataPoints: [{ attributes: attrs({ ...base, 'session.id': 'native-session-2', model: 'claude-opus-4-6' }), startTimeUnixNano: `${from}000000`, timeUnixNano: `${to}000000`, asDouble: v }] } }],
        }],
      }],
    });
    const t = Date.now() - 20_000;
    for (const [from, to, v] of [[t, t + 10_000, 0.5], [t + 10_000, t + 20_000, 0.75]] as const) {
      const d = await fetch(`${stack.otlpHttp}/v1/metrics`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(delta(from, to, v)) });
      expect(d.status, await d.text()).toBe(200);
    }

    const NATIVE = [
      'claude_code_active_time_seconds_total',
      'claude_code_code_edit_tool_decision_total',
      'claude_code_commit_count_total',
      'claude_code_cost_usage_USD_total',
      'claude_code_lines_of_code_count_total',
      'claude_code_pull_request_count_total',
      'claude_code_session_count_total',
      'claude_code_token_usage_tokens_total',
    ];
    const names = await waitFor(
      async () => {
        const all = await promLabelValues(stack.prometheus, '__name__');
        return NATIVE.every((n) => all.includes(n)) ? all : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 1000, what: 'native claude_code_* series in Prometheus' },
    ).catch(async (e: Error) => {
      const all = await promLabelValues(stack.prometheus, '__name__');
      throw new Error(`${e.message}; claude_code names there: ${all.filter((n) => n.startsWith('claude_code')).join(', ')}`);
    });
    expect(names.filter((n) => n.startsWith('claude_code_')).sort()).toEqual(NATIVE);
    // Names by scope: ccotel's series and the native ones share none.
    const byScope = await promQuery(stack.prometheus, 'count by (__name__, otel_scope_name) ({__name__=~"(ccotel|claude_code)_.+"})');
    const ccotelNames = new Set(byScope.filter((s) => s.metric['otel_scope_name'] === 'ccotel').map((s) => s.metric['__name__']!));
    const nativeNames = new Set(byScope.filter((s) => s.metric['otel_scope_name'] === 'com.anthropic.claude_code').map((s) => s.metric['__name__']!));
    expect([...nativeNames].sort()).toEqual(NATIVE);
    expect(ccotelNames.size).toBeGreaterThanOrEqual(10);
    expect([...ccotelNames].filter((n) => nativeNames.has(n))).toEqual([]);
    expect([...ccotelNames].every((n) => n.startsWith('ccotel_'))).toBe(true);
    // Never added together: each sum is its own source's number.
    await waitFor(async () => ((await scalar(stack, 'claude_code_cost_usage_USD_total{session_id="native-session-2"}')) === 1.25 ? true : undefined), {
      timeoutMs: 30_000,
      intervalMs: 1000,
      what: 'the delta session summed to 1.25 USD',
    });
    expect(await scalar(stack, 'sum(claude_code_cost_usage_USD_total)')).toBe(2.5);
    expect(await scalar(stack, 'sum(ccotel_cost_usage_USD_total)')).toBeCloseTo(want.costUSD, 6);
    // The native labels people filter by arrive as labels.
    const native = await promQuery(stack.prometheus, 'claude_code_lines_of_code_count_total{type="added"}');
    expect(native.map((s) => [s.metric['session_id'], s.metric['user_email'], s.metric['organization_id'], s.value[1]])).toEqual([['native-session-1', 'alice@example.com', 'org-1', '40']]);
  });

  it('a quiet period longer than the 20 s lookback (the push "expiration") loses no series and changes no value', async () => {
    const snapshot = async (): Promise<Map<string, string>> => {
      const m = new Map<string, string>();
      for (const s of await promQuery(stack.prometheus, '{__name__=~"ccotel_.+_total"}')) m.set(JSON.stringify(Object.entries(s.metric).sort()), s.value[1]);
      return m;
    };
    const before = await snapshot();
    expect(before.size).toBeGreaterThan(20);
    const t0 = Number((await promQuery(stack.prometheus, 'time()'))[0]!.value[1]);
    // The collector restarts during the quiet period: with push, nothing lived in it to lose.
    await stack.services.collector.stop();
    await stack.services.collector.start();
    // Nothing is written to any transcript; wait until Prometheus' own clock passed 3 lookbacks.
    await waitFor(async () => (Number((await promQuery(stack.prometheus, 'time()'))[0]!.value[1]) - t0 > 60 ? true : undefined), { timeoutMs: 120_000, intervalMs: 2000, what: '60 s of quiet' });
    const after = await snapshot();
    expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
    for (const [k, v] of before) expect(after.get(k), k).toBe(v);
    // and never gone in between: at every 5 s step of the quiet minute, every series was visible
    // (a sample within the 20 s lookback)
    const total = await scalar(stack, 'count(ccotel_cost_usage_USD_total)');
    expect(await scalar(stack, 'min_over_time(count(ccotel_cost_usage_USD_total)[60s:5s])')).toBe(total);
  });

  it('a trace backend outage fires CcotelCollectorExportFailing and CcotelScrapeTargetDown for Jaeger', async () => {
    await stack.services.jaeger.stop();
    const span = (i: number) => ({
      resourceSpans: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'outage-probe' } }] }, scopeSpans: [{ spans: [{ traceId: '5b8efff798038103d269b633813fc60c', spanId: (i + 1).toString(16).padStart(16, '0'), name: 'probe', kind: 1, startTimeUnixNano: `${Date.now()}000000`, endTimeUnixNano: `${Date.now()}000000` }] }] }],
    });
    let i = 0;
    const alerts = await waitFor(
      async () => {
        // keep spans coming, as a working Claude Code day would
        await fetch(`${stack.otlpHttp}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(span(i++)) });
        const f = await firing(stack);
        const exp = f.find((a) => a.alertname === 'CcotelCollectorExportFailing');
        const down = f.find((a) => a.alertname === 'CcotelScrapeTargetDown');
        return exp && down ? { exp, down } : undefined;
      },
      { timeoutMs: 120_000, intervalMs: 1000, what: 'CcotelCollectorExportFailing and CcotelScrapeTargetDown firing' },
    );
    expect(alerts.exp.labels).toMatchObject({ exporter: 'otlp_http/traces', signal: 'traces', job: 'otel-collector', severity: 'critical' });
    expect(alerts.down.labels).toMatchObject({ job: 'jaeger', severity: 'critical' });
    // Prometheus' exporter is unaffected: no alert for it.
    expect((await firing(stack)).filter((a) => a.alertname === 'CcotelCollectorExportFailing').map((a) => a.labels['exporter'])).toEqual(['otlp_http/traces']);
    await stack.services.jaeger.start();
  });

  it('planted sensitive hits, seen live: critical pages, the third warning alerts, info goes to the digest', async (ctx) => {
    const cwd = '/home/dev/projects/vault';
    const ts = Date.now() - 60_000;
    const tool = (id: string, name: string, input: Record<string, unknown>) => ({ id, name, input, isError: false, endTs: ts + 5_000 });
    writeSessions(liveRoot, [
      {
        sessionId: 'e2e5e5e5-0000-4000-8000-00000000feed',
        cwd,
        ts,
        input: 10,
        output: 10,
        tools: [
          tool('toolu_cred', 'Read', { file_path: '/home/dev/.aws/credentials' }),
          tool('toolu_rm1', 'Bash', { command: 'rm -rf ./build' }),
          tool('toolu_rm2', 'Bash', { command: 'rm -rf ./dist' }),
          tool('toolu_rm3', 'Bash', { command: 'rm -rf ./coverage' }),
          tool('toolu_fetch', 'WebFetch', { url: 'https://example.com/docs', prompt: 'read' }),
        ],
      },
    ]);
    // The daemon read it once the session's cost is in Prometheus.
    await waitFor(async () => ((await scalar(stack, `sum(ccotel_cost_usage_USD_total{project="${cwd}"})`)) ? true : undefined), {
      timeoutMs: 60_000,
      intervalMs: 1000,
      what: 'the planted session in Prometheus',
    });
    const hits = await promQuery(stack.prometheus, `sum by (rule, severity) (ccotel_sensitive_hits_total{project="${cwd}"})`);
    if (hits.length === 0) {
      ctx.skip('ccotel does not export ccotel_sensitive_hits_total yet (the sensitive-pattern issue)');
      return;
    }
    if (!(await scalar(stack, 'count(ccotel_exporter_last_export_timestamp_seconds)'))) {
      ctx.skip('a first live hit needs the daemon heartbeat ccotel_exporter_last_export_timestamp_seconds (another issue)');
      return;
    }
    expect(Object.fromEntries(hits.map((h) => [`${h.metric['rule']}/${h.metric['severity']}`, Number(h.value[1])]))).toEqual({
      'credential_access/critical': 1,
      'destructive_command/warning': 3,
      'external_fetch/info': 1,
    });
    const want = ['CcotelSensitiveCritical|credential_access|critical', 'CcotelSensitiveInfo|external_fetch|info', 'CcotelSensitiveWarningRepeated|destructive_command|warning'];
    const got = await waitFor(
      async () => {
        const f = (await firing(stack)).filter((a) => a.alertname.startsWith('CcotelSensitive') && a.labels['project'] === cwd).map((a) => `${a.alertname}|${a.labels['rule']}|${a.labels['severity']}`).sort();
        return want.every((w) => f.includes(w)) ? f : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 1000, what: 'sensitive alerts firing' },
    );
    expect(got).toEqual(want);
    const am = await waitFor(
      async () => {
        const r = (await (await fetch(`${stack.alertmanager}/api/v2/alerts`)).json()) as { labels: Record<string, string>; receivers: { name: string }[] }[];
        const s = r.filter((a) => a.labels['alertname']?.startsWith('CcotelSensitive'));
        return s.length >= 3 ? s : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 1000, what: 'sensitive alerts at Alertmanager' },
    );
    expect(am.map((a) => `${a.labels['severity']}→${a.receivers.map((x) => x.name).join(',')}`).sort()).toEqual(['critical→pager', 'info→digest', 'warning→team']);
  });

  it('stopping the daemon fires CcotelDaemonSilent (needs the heartbeat gauge)', async (ctx) => {
    const heartbeat = await scalar(stack, 'count(ccotel_exporter_last_export_timestamp_seconds)');
    if (!heartbeat) {
      ctx.skip('ccotel does not export ccotel_exporter_last_export_timestamp_seconds yet (heartbeat gauge, another issue)');
      return;
    }
    daemon!.child.kill('SIGTERM');
    expect(await exited(daemon!, 30_000)).toEqual({ code: 0, signal: null });
    await waitFor(async () => ((await firing(stack)).some((a) => a.alertname === 'CcotelDaemonSilent' && a.labels['user'] === USER) ? true : undefined), {
      timeoutMs: 90_000,
      intervalMs: 1000,
      what: 'CcotelDaemonSilent firing',
    });
  });

  it('Alertmanager (alertmanager.yml as shipped) inhibits what depends on the collector during its outage, and the forecast once the budget is exceeded', async () => {
    const post = async (alerts: { labels: Record<string, string> }[]): Promise<void> => {
      const r = await fetch(`${stack.alertmanager}/api/v2/alerts`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(alerts.map((a) => ({ ...a, startsAt: new Date().toISOString() }))) });
      expect(r.status, await r.text()).toBe(200);
    };
    await post([
      { labels: { alertname: 'CcotelScrapeTargetDown', job: 'otel-collector', instance: 'probe:8888', severity: 'critical' } },
      { labels: { alertname: 'CcotelDaemonSilent', user: 'probe-a', host_name: 'h', instance: 'i', severity: 'warning', depends_on: 'collector' } },
      { labels: { alertname: 'CcotelUserBudgetExceeded', user: 'probe-b', period: 'today', severity: 'warning' } },
      { labels: { alertname: 'CcotelDailyBudgetForecast', user: 'probe-b', severity: 'warning' } },
      { labels: { alertname: 'CcotelDailyBudgetForecast', user: 'probe-c', severity: 'warning' } },
    ]);
    type AmAlert = { labels: Record<string, string>; status: { state: string; inhibitedBy: string[] } };
    const states = await waitFor(
      async () => {
        const r = (await (await fetch(`${stack.alertmanager}/api/v2/alerts`)).json()) as AmAlert[];
        const probe = r.filter((a) => (a.labels['user'] ?? '').startsWith('probe-') || a.labels['instance'] === 'probe:8888');
        const m = Object.fromEntries(probe.map((a) => [`${a.labels['alertname']}/${a.labels['user'] ?? '-'}`, a.status.state]));
        return Object.keys(m).length === 5 && m['CcotelDaemonSilent/probe-a'] === 'suppressed' && m['CcotelDailyBudgetForecast/probe-b'] === 'suppressed' ? m : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 500, what: 'inhibitions applied' },
    );
    expect(states).toEqual({
      'CcotelScrapeTargetDown/-': 'active',
      'CcotelDaemonSilent/probe-a': 'suppressed',
      'CcotelUserBudgetExceeded/probe-b': 'active',
      'CcotelDailyBudgetForecast/probe-b': 'suppressed',
      // another user's forecast is not silenced by probe-b's budget
      'CcotelDailyBudgetForecast/probe-c': 'active',
    });
  });
});
