// The team deployment: two developers' `ccotel run` (different OS users when the test runs as root,
// different `team` attributes) → the gateway collector of deploy/gateway/ with bearer-token auth →
// the harness' real Prometheus (and Jaeger through the harness' collector). Truth: the history
// generator's Expected for each developer. A developer whose token the gateway does not know yet is
// refused (401); once the token is added to the gateway's tokens file, that daemon's retries deliver
// everything (nothing lost), without restarting either side.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { appendFileSync, chmodSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { CLI, cliEnv, requireBuiltCli } from './support/ccotel-cli.js';
import { GATEWAY_CONFIG, startGateway, type Gateway } from './support/gateway.js';
import { generateHistory, type Expected } from './support/history-generator.js';
import { promQuery, REPO_ROOT, startStack, type Stack } from './support/stack.js';
import { waitFor } from './support/wait.js';

/**
 * The second developer: another OS user (ccotel's `user` label is the OS user) when the test runs as
 * root and that user can run the built CLI from where this checkout lives; else the same user.
 */
const OTHER = ((): { uid: number; gid: number; name: string } | undefined => {
  if (process.getuid?.() !== 0) return undefined;
  const as = { uid: 65534, gid: 65534 };
  const r = spawnSync(process.execPath, ['-e', `require('fs').accessSync(${JSON.stringify(CLI)}, require('fs').constants.R_OK); process.stdout.write(require('os').userInfo().username)`], { ...as, encoding: 'utf8' });
  return r.status === 0 && r.stdout ? { ...as, name: r.stdout } : undefined;
})();
const ME = userInfo().username;

interface Daemon {
  child: ChildProcess;
  output(): string;
}

function daemon(dir: string, root: string, env: Record<string, string>, as?: { uid: number; gid: number }): Daemon {
  const state = join(dir, 'state');
  const child = spawn(process.execPath, [CLI, 'run', '--claude-dir', root, '--state-dir', state, '--metrics-interval', '1s', '--session-idle', '1s', '--refused-retry', '1s', '--log-format', 'text'], {
    env: { ...cliEnv(), HOME: dir, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(as ?? {}),
  });
  let out = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (out += d));
  return { child, output: () => out };
}

const sessionIds = (root: string): string[] =>
  readdirSync(join(root, 'projects'), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.jsonl') && !e.parentPath.includes('subagents'))
    .map((e) => basename(e.name, '.jsonl'));

async function scalar(stack: Stack, q: string): Promise<number | undefined> {
  const r = await promQuery(stack.prometheus, q);
  return r.length ? Number(r[0]!.value[1]) : undefined;
}

describe('team gateway (deploy/gateway): bearer-token auth, team labels, refusal and recovery', () => {
  let stack: Stack;
  let gateway: Gateway;
  let work: string;
  let tokens: string;
  const daemons: Daemon[] = [];
  const dev: { root: string; want: Expected; team: string; token: string; user: string }[] = [];

  beforeAll(async () => {
    requireBuiltCli();
    work = await mkdtemp(join(tmpdir(), 'ccotel-gateway-'));
    chmodSync(work, 0o755); // the second developer's daemon runs as another OS user
    stack = await startStack({ dir: join(work, 'stack') });
    tokens = join(work, 'tokens');
    writeFileSync(tokens, 'tok-alpha-3f9c # alice, team alpha\n');
    gateway = await startGateway({ binary: stack.binaries.collector, dir: work, tokensFile: tokens, prometheusOtlp: `${stack.prometheus}/api/v1/otlp/v1/metrics`, tracesOtlp: stack.otlpHttp });
    for (const [i, team] of ['alpha', 'beta'].entries()) {
      const dir = join(work, team);
      mkdirSync(dir);
      chmodSync(dir, 0o777); // the second developer (another OS user) writes its state here
      const root = join(dir, 'claude');
      const want = generateHistory(root, { sessions: 4, seed: 300 + i, startDate: '2025-05-05', days: 3, missingRequestId: 0 });
      dev.push({ root, want, team, token: `tok-${team}-${i === 0 ? '3f9c' : '81d2'}`, user: i === 1 && OTHER ? OTHER.name : ME });
    }
  }, 900_000);

  afterAll(async () => {
    for (const d of daemons) d.child.kill('SIGKILL');
    await gateway?.stop();
    await stack?.stop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('a request without the token is refused (401)', async () => {
    const r = await fetch(`${gateway.otlpHttp}/v1/metrics`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"resourceMetrics":[]}' });
    expect(r.status).toBe(401);
  });

  it("both developers' series arrive with their team and user; the refused one delivers everything once its token is added", async () => {
    for (const [i, d] of dev.entries()) {
      daemons.push(
        daemon(join(work, d.team), d.root, { OTEL_EXPORTER_OTLP_ENDPOINT: gateway.otlpHttp, OTEL_EXPORTER_OTLP_HEADERS: `Authorization=Bearer ${d.token}`, OTEL_RESOURCE_ATTRIBUTES: `team=${d.team}` }, i === 1 ? OTHER : undefined),
      );
    }
    const [alpha, beta] = dev as [(typeof dev)[0], (typeof dev)[0]];
    const sum = (q: string): Promise<number | undefined> => scalar(stack, `sum(${q})`);
    // alpha's token is known: its totals arrive exactly
    await waitFor(async () => ((await sum(`ccotel_token_usage_total{team="alpha",type="output"}`)) === alpha.want.tokens.output ? true : undefined), { timeoutMs: 90_000, intervalMs: 500, what: "alpha's series in Prometheus" });
    // beta is refused: its daemon says so (once, with the hint) and keeps retrying; nothing of beta in Prometheus
    await waitFor(() => (/401/.test(daemons[1]!.output()) ? true : undefined), { timeoutMs: 60_000, intervalMs: 200, what: `beta's refusal logged; output: ${daemons[1]!.output().slice(-2000)}` });
    expect(daemons[1]!.output()).toMatch(/OTEL_EXPORTER_OTLP_HEADERS/);
    expect(await sum('ccotel_cost_usage_USD_total{team="beta"}')).toBeUndefined();
    expect(daemons[1]!.child.exitCode).toBeNull();

    // the admin adds beta's token to the gateway's tokens file (re-read without a restart)
    appendFileSync(tokens, `${beta.token} # bob, team beta\n`);
    await waitFor(async () => ((await sum(`ccotel_token_usage_total{team="beta",type="output"}`)) === beta.want.tokens.output ? true : undefined), { timeoutMs: 120_000, intervalMs: 500, what: `beta's series after its token was added; gateway log: ${gateway.log().slice(-1500)}` });

    for (const d of dev) {
      const sel = `team="${d.team}"`;
      expect(await sum(`ccotel_cost_usage_USD_total{${sel}}`)).toBeCloseTo(d.want.costUSD, 6);
      expect(await sum(`ccotel_token_usage_total{${sel},type="input"}`)).toBe(d.want.tokens.input);
      expect(await sum(`ccotel_token_usage_total{${sel},type="cache_read"}`)).toBe(d.want.tokens.cacheRead);
      expect(await sum(`ccotel_sessions_total{${sel}}`)).toBe(d.want.sessions);
      expect(await sum(`ccotel_prompts_total{${sel}}`)).toBe(d.want.prompts);
      // every series of this team carries this developer's user, both as ccotel's label and the resource's
      const users = await promQuery(stack.prometheus, `count by (user, user_name) (ccotel_cost_usage_USD_total{${sel}})`);
      expect(users.map((u) => `${u.metric['user']}|${u.metric['user_name']}`)).toEqual([`${d.user}|${d.user}`]);
    }
    if (OTHER) expect(new Set(dev.map((d) => d.user)).size).toBe(2);

    // and the refused daemon's traces got through as well (retried, not dropped): one per session
    for (const d of dev) {
      for (const sid of sessionIds(d.root)) {
        await waitFor(
          async () => {
            const q = new URLSearchParams({ service: 'claude-code', start: String(Date.parse('2025-01-01') * 1000), end: String(Date.now() * 1000), limit: '5', tags: JSON.stringify({ 'gen_ai.conversation.id': sid }) });
            const r = (await (await fetch(`${stack.jaegerQuery}/api/traces?${q}`)).json()) as { data: unknown[] | null };
            return (r.data ?? []).length === 1 ? true : undefined;
          },
          { timeoutMs: 60_000, intervalMs: 500, what: `trace of ${d.team}'s session ${sid} in Jaeger` },
        );
      }
    }
  });

  it('a sender without a team gets the default team', async () => {
    const now = Date.now() * 1e6;
    const body = {
      resourceMetrics: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'claude-code' } }] },
          scopeMetrics: [{ metrics: [{ name: 'gateway_probe', gauge: { dataPoints: [{ timeUnixNano: String(now), asDouble: 1 }] } }] }],
        },
      ],
    };
    const r = await fetch(`${gateway.otlpHttp}/v1/metrics`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${dev[0]!.token}` }, body: JSON.stringify(body) });
    expect(r.status).toBe(200);
    await waitFor(async () => ((await promQuery(stack.prometheus, 'gateway_probe{team="unassigned"}')).length ? true : undefined), { timeoutMs: 30_000, intervalMs: 500, what: 'gateway_probe with team="unassigned"' });
  });

  it('the Helm values carry the same collector config as deploy/gateway/otel-gateway.yaml', () => {
    const gw = parse(readFileSync(GATEWAY_CONFIG, 'utf8')) as Record<string, Record<string, unknown>>;
    const values = parse(readFileSync(join(REPO_ROOT, 'deploy', 'gateway', 'helm', 'values.yaml'), 'utf8')) as { mode: string; config: Record<string, Record<string, unknown>>; autoscaling: { enabled: boolean } };
    expect(values.mode).toBe('deployment');
    expect(values.autoscaling.enabled).toBe(true);
    for (const section of ['processors', 'exporters'] as const) expect(Object.keys(values.config[section]!).sort(), section).toEqual(expect.arrayContaining(Object.keys(gw[section]!)));
    const pipelines = (c: Record<string, Record<string, unknown>>) => (c['service'] as { pipelines: Record<string, unknown> }).pipelines;
    expect(pipelines(values.config)).toEqual(pipelines(gw));
    expect((values.config['processors'] as Record<string, unknown>)['resource/team']).toEqual((gw['processors'] as Record<string, unknown>)['resource/team']);
    expect(Object.keys(values.config['extensions']!)).toContain('bearertokenauth/developers');
  });
});
