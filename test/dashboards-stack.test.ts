// What a Grafana server would do with each generated dashboard, against the real Prometheus and
// Jaeger of the native harness (no Grafana can run here): after a backfill of a generated history,
// every variable query and every panel query runs with Grafana's macros substituted ($__range,
// $__rate_interval, $__interval, ${__from:date:seconds}) and the variables set to All, one value
// and several values; each returns data, and the totals equal the history generator's Expected
// (independent truth) and `ccotel stats --json`. Every Jaeger link template and Jaeger panel query
// resolves to traces that Jaeger's API returns.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { dashboards } from '../dashboards/generator/index.js';
import { NATIVE } from '../dashboards/generator/native.js';
import { CLI, cliEnv, requireBuiltCli, runStats } from './support/ccotel-cli.js';
import { panelsOf, substitute, variablesOf, type Choice, type Macros, type Target } from './support/dashboards.js';
import { generateHistory, type Expected, type SessionExpected } from './support/history-generator.js';
import { writePlantedHistory } from './support/planted-history.js';
import { promQuery, startStack, type Stack } from './support/stack.js';
import { waitFor } from './support/wait.js';

const USER = userInfo().username;
const TEAM = 'qa';
const PLANTED_CWD = '/work/planted/secrets';
const SCRAPE_MS = 2000;
const ISO = /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/g;

/** Moves one UTC day of transcripts into [to, to + 1h) (order kept; Expected does not depend on time). */
function squeezeDay(root: string, day: string, to: number): void {
  const from = Date.parse(`${day}T00:00:00.000Z`);
  for (const e of readdirSync(root, { withFileTypes: true, recursive: true })) {
    if (!e.isFile() || !/\.jsonl?$/.test(e.name)) continue;
    const p = join(e.parentPath, e.name);
    writeFileSync(p, readFileSync(p, 'utf8').replace(ISO, (iso) => new Date(to + Math.floor((Date.parse(iso) - from) / 24)).toISOString()));
  }
}

function cli(args: string[], env: NodeJS.ProcessEnv): { child: ChildProcess; exit: Promise<number | null>; output: () => string } {
  const child = spawn(process.execPath, [CLI, ...args], { env: { ...cliEnv(), ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (out += d));
  return { child, exit: new Promise((r) => child.once('exit', (c) => r(c))), output: () => out };
}

/** Grafana's $__interval: range / max data points, not below the datasource's scrape interval, rounded. */
function macrosFor(fromMs: number, toMs: number): Macros {
  const raw = (toMs - fromMs) / 1000; // 1000 data points
  const intervalMs = Math.max(SCRAPE_MS, Math.round(raw / 1000) * 1000);
  return { fromMs, toMs, intervalMs, scrapeMs: SCRAPE_MS };
}

interface Scenario {
  name: string;
  choose(variable: string, values: string[]): Choice;
}

describe('dashboards against the real stack (Prometheus, Jaeger) after a backfill', () => {
  let stack: Stack;
  let work: string;
  let roots: string[];
  let state: string;
  let daemon: ReturnType<typeof cli> | undefined;
  let old: Expected;
  let today: Expected;
  let genProjects: string[];
  let todaySessions: string[];
  let plantedHits: Record<string, number>;
  const all = dashboards();

  beforeAll(async () => {
    requireBuiltCli();
    work = await mkdtemp(join(tmpdir(), 'ccotel-dash-'));
    const [oldRoot, todayRoot, plantedRoot] = (roots = ['old', 'today', 'planted'].map((d) => join(work, d)));
    state = join(work, 'state');
    old = generateHistory(oldRoot!, { sessions: 8, seed: 1001, startDate: '2025-04-07', days: 20, missingRequestId: 0 });
    today = generateHistory(todayRoot!, { sessions: 6, seed: 1002, startDate: '2025-06-02', days: 1, projects: 3, missingRequestId: 0 });
    squeezeDay(todayRoot!, '2025-06-02', Date.now() - 2 * 3_600_000);
    plantedHits = writePlantedHistory(plantedRoot!, { rounds: 1, seed: 7, cwd: PLANTED_CWD }).expectedHits;
    squeezeDay(plantedRoot!, '2026-03-02', Date.now() - 2 * 3_600_000);
    genProjects = [...new Set([...Object.keys(old.projects), ...Object.keys(today.projects)])].sort();
    expect(genProjects).not.toContain(PLANTED_CWD);
    todaySessions = readdirSync(join(todayRoot!, 'projects'), { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile() && e.name.endsWith('.jsonl') && !e.parentPath.includes('subagents'))
      .map((e) => basename(e.name, '.jsonl'));
    stack = await startStack({ dir: join(work, 'stack'), prometheusGlobal: { scrape_interval: `${SCRAPE_MS / 1000}s`, evaluation_interval: '2s' } });

    const env = { OTEL_EXPORTER_OTLP_ENDPOINT: stack.otlpHttp, OTEL_RESOURCE_ATTRIBUTES: `team=${TEAM}` };
    const dirs = roots.flatMap((r) => ['--claude-dir', r]);
    const b = cli(['backfill', ...dirs, '--state-dir', state], env);
    expect(await b.exit, b.output().slice(-3000)).toBe(0);
    daemon = cli(['run', ...dirs, '--state-dir', state, '--metrics-interval', '1s', '--session-idle', '1s', '--log-format', 'text'], env);
    const tokens = [old, today].reduce((s, e) => s + e.tokens.output, 0);
    await waitFor(async () => ((await promQuery(stack.prometheus, `sum(ccotel_token_usage_total{type="output",project!="${PLANTED_CWD}"})`))[0]?.value[1] === String(tokens) ? true : undefined), { timeoutMs: 120_000, intervalMs: 500, what: 'the backfill in Prometheus' });
    await pushNative(stack);
  }, 900_000);

  afterAll(async () => {
    daemon?.child.kill('SIGKILL');
    await stack?.stop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  // ---------------------------------------------------------------------------------------------
  // Grafana's side

  async function variableValues(d: Dashboard, scenario: Scenario, m: Macros): Promise<{ vars: Record<string, { choice: Choice; allValue: string; raw?: boolean }>; failures: string[] }> {
    const vars: Record<string, { choice: Choice; allValue: string; raw?: boolean }> = {};
    const failures: string[] = [];
    for (const v of variablesOf(d)) {
      // constants and text boxes are used in links and Jaeger tags, unescaped
      if (v.type === 'constant') vars[v.name] = { choice: { values: [stack.jaegerQuery] }, allValue: '', raw: true };
      if (v.type === 'textbox') vars[v.name] = { choice: { values: [todaySessions[0]!] }, allValue: '', raw: true };
      if (v.type !== 'query') continue;
      // label_values(metric{selector}, label) → Prometheus' label values API, as Grafana runs it
      const def = substitute(v.definition!, m, vars);
      const [, match, label] = /^label_values\((.*),\s*(\w+)\)$/.exec(def)!;
      const q = new URLSearchParams({ 'match[]': match!, start: String(m.fromMs / 1000), end: String(m.toMs / 1000) });
      const body = (await (await fetch(`${stack.prometheus}/api/v1/label/${label}/values?${q}`)).json()) as { data?: string[]; error?: string };
      if (!body.data) throw new Error(`${d.uid} $${v.name}: ${def}: ${body.error}`);
      if (!body.data.length) failures.push(`${d.uid} $${v.name} (${scenario.name}): ${def} returned nothing`);
      // a single-value variable without All (the session) takes one value, as Grafana's picker allows
      let choice = scenario.choose(v.name, body.data);
      if (!v.includeAll && 'all' in choice) choice = { values: [[...body.data].sort()[0]!] };
      if (!v.multi && 'values' in choice && choice.values.length > 1) choice = { values: [choice.values[0]!] };
      vars[v.name] = { choice, allValue: v.allValue ?? '' };
    }
    return { vars, failures };
  }

  async function runTarget(t: Target, m: Macros, vars: Record<string, { choice: Choice; allValue: string; raw?: boolean }>): Promise<{ rows: number; values: number[]; expr: string }> {
    const expr = substitute(t.expr!, m, vars);
    const q = t.instant
      ? new URLSearchParams({ query: expr, time: String(m.toMs / 1000) })
      : new URLSearchParams({ query: expr, start: String(Math.floor(m.fromMs / m.intervalMs) * m.intervalMs / 1000), end: String(m.toMs / 1000), step: String(m.intervalMs / 1000) });
    const r = await fetch(`${stack.prometheus}/api/v1/${t.instant ? 'query' : 'query_range'}?${q}`);
    const body = (await r.json()) as { status: string; error?: string; data: { result: { value?: [number, string]; values?: [number, string][] }[] } };
    if (body.status !== 'success') throw new Error(`${expr}: ${body.error}`);
    const values = body.data.result.flatMap((s) => (s.value ? [s.value] : s.values ?? [])).map(([, v]) => Number(v));
    return { rows: body.data.result.length, values, expr };
  }

  /** Grafana's Jaeger search query → Jaeger's /api/traces (the same parameters its datasource sends). */
  async function jaegerSearch(t: Target, m: Macros, vars: Record<string, { choice: Choice; allValue: string; raw?: boolean }>): Promise<JaegerTrace[]> {
    const tags: Record<string, string> = {};
    for (const [, k, v] of substitute(t.tags ?? '', m, vars).matchAll(/([\w.]+)="([^"]*)"/g)) tags[k!] = v!;
    const q = new URLSearchParams({ service: t.service!, start: String(m.fromMs * 1000), end: String(m.toMs * 1000), limit: String(t.limit ?? 20) });
    if (t.operation) q.set('operation', t.operation);
    if (Object.keys(tags).length) q.set('tags', JSON.stringify(tags));
    return await jaegerApi(`/api/traces?${q}`);
  }

  async function jaegerApi(path: string): Promise<JaegerTrace[]> {
    const r = await fetch(`${stack.jaegerQuery}${path}`);
    if (!r.ok) throw new Error(`jaeger ${path}: ${r.status} ${await r.text()}`);
    return ((await r.json()) as { data: JaegerTrace[] | null }).data ?? [];
  }

  /** A Jaeger UI link (search or trace) with Grafana's variables filled → the API call the UI makes. */
  async function followJaegerLink(url: string): Promise<JaegerTrace[]> {
    const u = new URL(url);
    expect(u.origin).toBe(new URL(stack.jaegerQuery).origin);
    const trace = /^\/trace\/([0-9a-f]+)$/.exec(u.pathname);
    if (trace) return await jaegerApi(`/api/traces/${trace[1]}`);
    expect(u.pathname).toBe('/search');
    const q = new URLSearchParams();
    for (const k of ['service', 'operation', 'tags', 'start', 'end', 'limit']) if (u.searchParams.get(k)) q.set(k, u.searchParams.get(k)!);
    return await jaegerApi(`/api/traces?${q}`);
  }

  // ---------------------------------------------------------------------------------------------

  const everything: Scenario = { name: 'All', choose: () => ({ all: true }) };
  const one: Scenario = {
    name: 'one value',
    choose: (v, values) => ({ values: [{ team: TEAM, user: USER, project: genProjects[0]! }[v] ?? values.sort()[0]!] }),
  };
  const oneProject: Scenario = { name: 'one project', choose: (v) => (v === 'project' ? { values: [genProjects[0]!] } : { all: true }) };
  const several: Scenario = {
    name: 'several values',
    choose: (v, values) => ({ values: v === 'project' ? genProjects : values }),
  };

  for (const scenario of [everything, one, several]) {
    it(`every variable and panel query returns data (${scenario.name})`, async () => {
      const m = macrosFor(Date.now() - 3 * 3_600_000, Date.now());
      // rate() and the forecast's deriv() need two samples after the backfill: wait for them, with a deadline
      let failures: string[] = [];
      await waitFor(
        async () => {
          const f: string[] = [];
          failures = ['(no complete pass yet)'];
          const now = { ...m, toMs: Date.now() };
          for (const d of Object.values(all)) {
            const { vars, failures: vf } = await variableValues(d, scenario, now);
            f.push(...vf);
            for (const p of panelsOf(d)) {
              for (const t of p.targets ?? []) {
                if (t.datasource?.type === 'jaeger') {
                  if (!(await jaegerSearch(t, now, vars)).length) f.push(`${d.uid} / ${p.title}: Jaeger search empty`);
                  continue;
                }
                const r = await runTarget(t, now, vars).catch((e: Error) => ({ rows: 0, values: [], expr: e.message }));
                if (!r.rows || !r.values.some(Number.isFinite)) f.push(`${d.uid} / ${p.title} [${t.refId}]: no data for ${r.expr}`);
              }
            }
          }
          failures = f;
          return f.length ? undefined : true;
        },
        { timeoutMs: 90_000, intervalMs: 2000, what: 'every dashboard query with data' },
      ).catch(() => undefined);
      expect(failures).toEqual([]);
    });
  }

  /** The value of a stat panel's first query, by dashboard uid and panel title. */
  async function statValue(uid: string, title: string, scenario: Scenario): Promise<number> {
    const d = Object.values(all).find((x) => x.uid === uid)!;
    const p = panelsOf(d).find((x) => x.title === title);
    expect(p, `${uid} / ${title}`).toBeDefined();
    const m = macrosFor(Date.now() - 3 * 3_600_000, Date.now());
    const { vars } = await variableValues(d, scenario, m);
    const r = await runTarget(p!.targets![0]!, m, vars);
    expect(r.rows, r.expr).toBe(1);
    return r.values[0]!;
  }

  /** A panel's first query as { value of `label`: value } (bar gauges split by one label). */
  async function panelSeries(uid: string, title: string, scenario: Scenario, label: string): Promise<Record<string, number>> {
    const d = Object.values(all).find((x) => x.uid === uid)!;
    const p = panelsOf(d).find((x) => x.title === title);
    expect(p, `${uid} / ${title}`).toBeDefined();
    const m = macrosFor(Date.now() - 3 * 3_600_000, Date.now());
    const { vars } = await variableValues(d, scenario, m);
    const expr = substitute(p!.targets![0]!.expr!, m, vars);
    const body = (await (await fetch(`${stack.prometheus}/api/v1/query?${new URLSearchParams({ query: expr, time: String(m.toMs / 1000) })}`)).json()) as { data: { result: { metric: Record<string, string>; value: [number, string] }[] } };
    return Object.fromEntries(body.data.result.map((r) => [r.metric[label] ?? '', Number(r.value[1])]));
  }

  it("spend by agent, cache savings and cache writes by TTL equal the generator's Expected", async () => {
    const agents = [...new Set([...Object.keys(old.agents), ...Object.keys(today.agents)])].sort();
    expect(agents).toContain('main');
    expect(agents.length).toBeGreaterThan(2); // main, compact and at least one subagent type
    const byAgent = await panelSeries('ccotel-cost', 'Spend by agent (to date)', several, 'agent');
    expect(Object.keys(byAgent).sort()).toEqual(agents);
    for (const a of agents) expect(byAgent[a], a).toBeCloseTo((old.agents[a]?.costUSD ?? 0) + (today.agents[a]?.costUSD ?? 0), 6);
    expect(await statValue('ccotel-cost', 'What caching saved (to date)', several)).toBeCloseTo(old.cacheSavingsUSD + today.cacheSavingsUSD, 6);
    const ttl = await panelSeries('ccotel-cost', 'Cache writes: 1-hour vs 5-minute (to date)', several, 'cache_ttl');
    expect(ttl).toEqual({ '5m': old.cacheWrites['5m'] + today.cacheWrites['5m'], '1h': old.cacheWrites['1h'] + today.cacheWrites['1h'] });
  });

  it("totals (spend, tokens, sessions) equal the generator's Expected and `ccotel stats --json`", async () => {
    const sumP = (k: 'costUSD' | 'tokens' | 'sessions', only?: string): number => [old, today].reduce((s, e) => s + Object.entries(e.projects).filter(([p]) => !only || p === only).reduce((a, [, v]) => a + v[k], 0), 0);
    // several projects = every generated project (the planted one left out): the generator's truth
    expect(await statValue('ccotel-overview', 'Spend to date (exact)', several)).toBeCloseTo(sumP('costUSD'), 6);
    expect(await statValue('ccotel-overview', 'Tokens to date', several)).toBe(sumP('tokens'));
    expect(await statValue('ccotel-overview', 'Sessions to date', several)).toBe(sumP('sessions'));
    expect(sumP('costUSD')).toBeCloseTo(old.costUSD + today.costUSD, 6);
    // one project
    expect(await statValue('ccotel-overview', 'Spend to date (exact)', oneProject)).toBeCloseTo(sumP('costUSD', genProjects[0]), 6);
    expect(await statValue('ccotel-overview', 'Tokens to date', oneProject)).toBe(sumP('tokens', genProjects[0]));
    expect(await statValue('ccotel-overview', 'Sessions to date', oneProject)).toBe(sumP('sessions', genProjects[0]));
    // All = everything ccotel read, planted history included: `ccotel stats --json` over the same state
    const { report } = await runStats(roots[0]!, state, roots.slice(1).flatMap((r) => ['--claude-dir', r]));
    expect(await statValue('ccotel-overview', 'Spend to date (exact)', everything)).toBeCloseTo(report.costUSD, 6);
    expect(await statValue('ccotel-overview', 'Tokens to date', everything)).toBe(report.tokens.input + report.tokens.output + report.tokens.cacheRead + report.tokens.cacheCreation);
    expect(await statValue('ccotel-overview', 'Sessions to date', everything)).toBe(report.sessions);
    // the one user's newest event (today's history, 2 h ago) is inside the 3 h range
    expect(await statValue('ccotel-overview', 'Active users in range', everything)).toBe(1);
  });

  it("the session drill-down's stats equal the generator's truth for each of today's sessions", async () => {
    const titles: Record<string, keyof SessionExpected> = { Cost: 'costUSD', Tokens: 'tokens', 'Tool calls': 'toolCalls', 'Tool errors': 'toolErrors', Subagents: 'subagents', Prompts: 'prompts' };
    for (const id of todaySessions) {
      const truth = today.bySession[id]!;
      const pick: Scenario = { name: `session ${id}`, choose: (v, values) => (v === 'session' ? (expect(values).toContain(id), { values: [id] }) : { all: true }) };
      for (const [title, key] of Object.entries(titles)) {
        const v = await statValue('ccotel-session', title, pick);
        if (key === 'costUSD') expect(v, `${id} ${title}`).toBeCloseTo(truth.costUSD, 9);
        else expect(v, `${id} ${title}`).toBe(truth[key]);
      }
    }
    // the old history's sessions (2025) are far outside the 24 h window: not on the gauges
    const ids = (await promQuery(stack.prometheus, `group by (session_id) (ccotel_session_cost_USD)`)).map((r) => r.metric['session_id']!);
    for (const id of Object.keys(old.bySession)) expect(ids).not.toContain(id);
    for (const id of todaySessions) expect(ids).toContain(id);
  });

  it('Jaeger link templates resolve to the traces Jaeger returns', async () => {
    const m = macrosFor(Date.now() - 3 * 3_600_000, Date.now());
    const session = Object.values(all).find((d) => d.uid === 'ccotel-session')!;
    const { vars } = await variableValues(session, one, m);
    const fill = (url: string, extra: Record<string, string> = {}): string => {
      let u = substitute(url, m, vars).replaceAll('${__from}', String(m.fromMs)).replaceAll('${__to}', String(m.toMs));
      for (const [k, v] of Object.entries(extra)) u = u.replaceAll(`\${${k}}`, v);
      return u;
    };
    // the dashboard link: Jaeger's search for the selected session → exactly its trace
    const sessionId = (vars['session']!.choice as { values: string[] }).values[0]!;
    const link = (session.links ?? []).find((l) => l.title === 'Session in Jaeger')!;
    const found = await followJaegerLink(fill(link.url!));
    expect(found.map((t) => rootOf(t)?.conversation)).toEqual([sessionId]);
    // "Open this trace in Jaeger" on the Jaeger table: ${__value.raw} is the trace id column
    const jaegerTable = panelsOf(session).find((p) => p.targets?.[0]?.datasource?.type === 'jaeger')!;
    const byId = await followJaegerLink(fill(jaegerTable.fieldConfig!.defaults.links![0]!.url, { '__value.raw': found[0]!.traceID }));
    expect(byId.map((t) => t.traceID)).toEqual([found[0]!.traceID]);
    expect(rootOf(byId[0]!)?.costUSD).toBeGreaterThan(0);
    // the stats' link: ${__field.labels.trace_id} of the session gauges → that same trace
    for (const p of panelsOf(session).filter((x) => x.type === 'stat')) {
      const rows = await promQuery(stack.prometheus, substitute(p.targets![0]!.expr!, m, vars));
      expect(rows.map((r) => r.metric['session_id']), p.title).toEqual([sessionId]);
      const url = p.fieldConfig!.defaults.links![0]!.url.replaceAll('${__field.labels.trace_id}', rows[0]!.metric['trace_id']!);
      const traces = await followJaegerLink(fill(url));
      expect(traces.map((t) => rootOf(t)?.conversation), `${p.title}: ${url}`).toEqual([sessionId]);
    }
    // the recent-sessions table's link: ${__data.fields.trace_id} of each row → that row's session
    const recent = panelsOf(session).find((p) => p.type === 'table' && p.targets?.[0]?.datasource?.type === 'prometheus')!;
    const { vars: allVars } = await variableValues(session, everything, m);
    const recentRows = await promQuery(stack.prometheus, substitute(recent.targets![0]!.expr!, m, allVars));
    expect(recentRows.length).toBeGreaterThanOrEqual(todaySessions.length);
    for (const r of recentRows) {
      const url = recent.fieldConfig!.defaults.links![0]!.url.replaceAll('${__data.fields.trace_id}', r.metric['trace_id']!);
      expect((await followJaegerLink(fill(url))).map((t) => rootOf(t)?.conversation), url).toEqual([r.metric['session_id']]);
    }

    // security table rows → Jaeger search by rule → traces whose tool spans carry that rule's event
    const security = Object.values(all).find((d) => d.uid === 'ccotel-security')!;
    const table = panelsOf(security).find((p) => p.type === 'table')!;
    const { vars: sv } = await variableValues(security, everything, m);
    const rows = await promQuery(stack.prometheus, substitute(table.targets![0]!.expr!, m, sv));
    const rules = [...new Set(rows.map((r) => r.metric['rule']!))].sort();
    expect(rules).toEqual(Object.keys(plantedHits).filter((r) => plantedHits[r]! > 0).sort());
    for (const rule of rules) {
      const url = table.fieldConfig!.defaults.links![0]!.url.replaceAll('${__data.fields.rule}', rule);
      const traces = await followJaegerLink(fill(url));
      expect(traces.length, `Jaeger search for rule ${rule}`).toBeGreaterThan(0);
      for (const t of traces) expect(t.spans.some((s) => (s.logs ?? []).some((l) => l.fields.some((f) => f.key === 'ccotel.sensitive.rule' && f.value === rule))), `trace ${t.traceID} has a ${rule} hit`).toBe(true);
    }

    // tools dashboard: the trace-search links of its text panel
    const tools = Object.values(all).find((d) => d.uid === 'ccotel-tools')!;
    const { vars: tv } = await variableValues(tools, everything, m);
    const content = panelsOf(tools).find((p) => p.type === 'text')!.options!.content!;
    const links = [...content.matchAll(/\]\((\$\{jaeger_url\}[^)]+)\)/g)].map((x) => x[1]!);
    expect(links.length).toBe(3);
    for (const l of links) {
      const u = substitute(l, m, tv).replaceAll('${__from}', String(m.fromMs)).replaceAll('${__to}', String(m.toMs));
      const traces = await followJaegerLink(u);
      expect(traces.length, u).toBeGreaterThan(0);
      const op = new URL(u).searchParams.get('operation')!;
      for (const t of traces) expect(t.spans.some((s) => s.operationName === op), `${u}: ${op}`).toBe(true);
    }
  });
});

// ---------------------------------------------------------------------------------------------

interface JaegerTrace {
  traceID: string;
  spans: { operationName: string; tags: { key: string; value: unknown }[]; logs?: { fields: { key: string; value: unknown }[] }[] }[];
}

function rootOf(t: JaegerTrace): { conversation: string; costUSD: number } | undefined {
  const s = t.spans.find((x) => x.operationName === 'invoke_agent claude-code');
  if (!s) return undefined;
  const tag = (k: string): unknown => s.tags.find((x) => x.key === k)?.value;
  return { conversation: String(tag('gen_ai.conversation.id')), costUSD: Number(tag('ccotel.cost.usd')) };
}

/**
 * Claude Code's native telemetry, as its OTLP exporter sends it (names and units from Claude Code's
 * monitoring docs), two cumulative points a second apart so increase() has a window: the native
 * dashboard's names are then the ones Prometheus really gives these metrics.
 */
async function pushNative(stack: Stack): Promise<void> {
  const sums: [string, string, Record<string, string>][] = [
    ['claude_code.lines_of_code.count', 'count', { type: 'added' }],
    ['claude_code.commit.count', 'count', {}],
    ['claude_code.pull_request.count', 'count', {}],
    ['claude_code.active_time.total', 's', {}],
    ['claude_code.code_edit_tool.decision', 'count', { decision: 'accept', tool: 'Edit' }],
    ['claude_code.cost.usage', 'USD', { model: 'claude-sonnet-4-5' }],
  ];
  const start = (Date.now() - 60_000) * 1e6;
  for (const [i, value] of [1, 3].entries()) {
    const t = (Date.now() - 20_000 + i * 5000) * 1e6;
    const body = {
      resourceMetrics: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'claude-code' } }, { key: 'team', value: { stringValue: TEAM } }] },
          scopeMetrics: [
            {
              scope: { name: 'com.anthropic.claude_code' },
              metrics: sums.map(([name, unit, attrs]) => ({
                name,
                unit,
                sum: {
                  aggregationTemporality: 2,
                  isMonotonic: true,
                  dataPoints: [{ attributes: Object.entries(attrs).map(([key, v]) => ({ key, value: { stringValue: v } })), startTimeUnixNano: String(start), timeUnixNano: String(t), asDouble: value }],
                },
              })),
            },
          ],
        },
      ],
    };
    const r = await fetch(`${stack.otlpHttp}/v1/metrics`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(r.status, await r.text()).toBe(200);
  }
  for (const name of Object.values(NATIVE)) {
    await waitFor(async () => ((await promQuery(stack.prometheus, `count(${name})`)).length ? true : undefined), { timeoutMs: 30_000, intervalMs: 500, what: `${name} in Prometheus` });
  }
}
