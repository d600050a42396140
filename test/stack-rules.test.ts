// The alerting config as shipped: Prometheus rules checked and unit-tested with the real promtool
// (Prometheus 3.16, scripts/build-prometheus.sh), Alertmanager routing and inhibition with the real
// amtool, the collector config with the real collector distribution. Every alert carries the
// annotations people act on, and every runbook link lands on a section of docs/runbooks.md.
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { alertmanagerBinary, buildScript, DEPLOY, prometheusBinaries, REPO_ROOT, STACK_CONFIG_FILES } from './support/stack.js';

const run = promisify(execFile);
const RULES_DIR = STACK_CONFIG_FILES.rules;
const TESTS_DIR = join(DEPLOY, 'prometheus', 'tests');
const ruleFiles = readdirSync(RULES_DIR).filter((f) => f.endsWith('.yml')).map((f) => join(RULES_DIR, f));

interface Rule {
  alert?: string;
  record?: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}
const rules: Rule[] = ruleFiles.flatMap((f) => (parse(readFileSync(f, 'utf8')) as { groups: { rules: Rule[] }[] }).groups.flatMap((g) => g.rules));
const alerts = rules.filter((r) => r.alert);

let promtool: string;
beforeAll(async () => {
  ({ promtool } = await prometheusBinaries());
});

async function tool(bin: string, args: string[]): Promise<{ ok: boolean; out: string }> {
  try {
    const r = await run(bin, args, { cwd: REPO_ROOT, maxBuffer: 16 << 20 });
    return { ok: true, out: r.stdout + r.stderr };
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string; message: string };
    return { ok: false, out: `${err.stdout ?? ''}${err.stderr ?? ''}` || err.message };
  }
}

describe('Prometheus rules (promtool 3.16)', () => {
  it('promtool check config accepts prometheus.yml with its rule files', async () => {
    const r = await tool(promtool, ['check', 'config', STACK_CONFIG_FILES.prometheus]);
    expect(r.out, r.out).toContain('SUCCESS');
    expect(r.ok, r.out).toBe(true);
    expect(r.out).toMatch(new RegExp(`SUCCESS: ${ruleFiles.length} rule files found`));
  });

  it('promtool check rules accepts every rule file', async () => {
    const r = await tool(promtool, ['check', 'rules', ...ruleFiles]);
    expect(r.ok, r.out).toBe(true);
  });

  it('promtool test rules: every unit test passes, and every alert has one that sees it fire', async () => {
    const tests = readdirSync(TESTS_DIR).filter((f) => f.endsWith('.test.yml')).map((f) => join(TESTS_DIR, f));
    const r = await tool(promtool, ['test', 'rules', ...tests]);
    expect(r.ok, r.out).toBe(true);
    // "fires when it should": each alert is expected firing (non-empty exp_alerts) somewhere.
    const fired = new Set<string>();
    for (const f of tests) {
      const doc = parse(readFileSync(f, 'utf8')) as { tests: { alert_rule_test?: { alertname: string; exp_alerts?: unknown[] }[] }[] };
      for (const t of doc.tests) for (const a of t.alert_rule_test ?? []) if ((a.exp_alerts ?? []).length > 0) fired.add(a.alertname);
    }
    expect([...fired].sort()).toEqual(alerts.map((a) => a.alert!).sort());
  });

  it('promtool test rules fails when an expectation is wrong (the harness can fail)', async () => {
    const { mkdtemp, writeFile } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const dir = await mkdtemp(join(tmpdir(), 'ccotel-promtool-'));
    const bad = readFileSync(join(TESTS_DIR, 'budgets.test.yml'), 'utf8')
      .replaceAll('../rules/', `${RULES_DIR}/`)
      .replace('alice spent 60.00 USD', 'alice spent 61.00 USD');
    await writeFile(join(dir, 'bad.test.yml'), bad);
    const r = await tool(promtool, ['test', 'rules', join(dir, 'bad.test.yml')]);
    expect(r.ok).toBe(false);
    expect(r.out).toContain('alice spent 60.00 USD');
  });
});

describe('every alert is actionable', () => {
  const runbook = readFileSync(join(REPO_ROOT, 'docs', 'runbooks.md'), 'utf8');
  const anchors = new Set([...runbook.matchAll(/^## (.+)$/gm)].map((m) => m[1]!.trim().toLowerCase().replace(/[^a-z0-9 -]/g, '').replace(/ /g, '-')));

  it.each(alerts.map((a) => [a.alert!, a] as const))('%s: severity, summary, templated description, runbook and dashboard links', (name, a) => {
    expect(['critical', 'warning', 'info']).toContain(a.labels?.['severity']);
    expect(a.annotations?.['summary']).toBeTruthy();
    expect(a.annotations?.['description']).toMatch(/\{\{.*\$(labels|value).*\}\}/);
    const url = a.annotations?.['runbook_url'] ?? '';
    expect(url).toMatch(/docs\/runbooks\.md#/);
    const anchor = url.split('#')[1]!;
    expect(anchor).toBe(name.toLowerCase());
    expect(anchors.has(anchor), `docs/runbooks.md has no section "## ${name}"`).toBe(true);
    expect(a.annotations?.['dashboard_url']).toMatch(/^https?:\/\/.+\/d\/ccotel-/);
  });

  it('docs/runbooks.md has a section for every alert and no section for an alert that does not exist', () => {
    expect([...anchors].sort()).toEqual(alerts.map((a) => a.alert!.toLowerCase()).sort());
  });

  it('budget limits live in thresholds.yml only: no rule compares spend with a literal number', () => {
    for (const a of alerts.filter((x) => /budget/i.test(x.alert!))) {
      expect(a.expr).toContain('ccotel:budget_limit:USD');
      expect(a.expr).not.toMatch(/[<>]=?\s*\d/);
    }
    const limits = rules.filter((r) => r.record === 'ccotel:budget_limit:USD');
    expect(limits.map((r) => `${r.labels?.['scope']}/${r.labels?.['period']}`).sort()).toEqual(
      ['project/month', 'project/today', 'project/week', 'user/month', 'user/today', 'user/week'],
    );
  });

  it('no budget rule reads the cost counter (a backfill steps it up at once)', () => {
    for (const a of alerts.filter((x) => /budget/i.test(x.alert!))) expect(a.expr).not.toContain('ccotel_cost_usage_USD_total');
  });
});

describe('Alertmanager config (amtool 0.25)', () => {
  const amtool = (() => {
    try {
      return join(alertmanagerBinary(), '..', 'amtool');
    } catch {
      return undefined;
    }
  })();

  it('amtool check-config accepts alertmanager.yml', async () => {
    expect(amtool, 'amtool not found: apt-get install prometheus-alertmanager').toBeDefined();
    const r = await tool(amtool!, ['check-config', STACK_CONFIG_FILES.alertmanager]);
    expect(r.ok, r.out).toBe(true);
    expect(r.out).toContain('SUCCESS');
  });

  it.each([
    ['critical', 'pager'],
    ['warning', 'team'],
    ['info', 'digest'],
  ])('severity=%s routes to %s (info never reaches the pager)', async (severity, receiver) => {
    const r = await tool(amtool!, ['config', 'routes', 'test', `--config.file=${STACK_CONFIG_FILES.alertmanager}`, `severity=${severity}`, 'alertname=CcotelSensitiveInfo', 'user=alice']);
    expect(r.ok, r.out).toBe(true);
    expect(r.out.trim().split('\n').filter((l) => !l.startsWith('Warning:'))).toEqual([receiver]);
  });

  it('inhibition: a collector outage silences what depends on it; the pipeline alerts carry the labels it matches', () => {
    const am = parse(readFileSync(STACK_CONFIG_FILES.alertmanager, 'utf8')) as { inhibit_rules: { source_matchers: string[]; target_matchers: string[] }[] };
    const targets = am.inhibit_rules.filter((r) => r.target_matchers.includes('depends_on="collector"'));
    expect(targets.map((r) => r.source_matchers[0]).sort()).toEqual(['alertname="CcotelCollectorExportFailing"', 'alertname="CcotelScrapeTargetDown"']);
    expect(alerts.filter((a) => a.labels?.['depends_on'] === 'collector').map((a) => a.alert)).toEqual(['CcotelDaemonSilent']);
  });
});

describe('otel-collector.yaml', () => {
  it('is valid for the collector distribution the stack runs (otelcol-ccotel validate)', async () => {
    const bin = process.env['CCOTEL_OTELCOL_BIN'] || (await buildScript('build-collector'));
    const r = await tool(bin, ['validate', `--config=${STACK_CONFIG_FILES.collector}`]);
    expect(r.ok, r.out).toBe(true);
  });

  it('sends no pipeline to the debug exporter (off by default) and has health_check and memory_limiter first', () => {
    const cfg = parse(readFileSync(STACK_CONFIG_FILES.collector, 'utf8')) as {
      service: { extensions: string[]; pipelines: Record<string, { processors: string[]; exporters: string[] }> };
    };
    expect(cfg.service.extensions).toContain('health_check');
    for (const p of Object.values(cfg.service.pipelines)) {
      expect(p.exporters).not.toContain('debug');
      expect(p.processors[0]).toBe('memory_limiter');
    }
  });
});
