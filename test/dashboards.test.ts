// The committed dashboards are exactly the generator's output, and pass a lint in the spirit of
// Grafana's dashboard linter. Their queries are run against a real Prometheus in
// test/dashboards-stack.test.ts.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { dashboards, render } from '../dashboards/generator/index.js';
import { M } from '../dashboards/generator/common.js';
import { METRIC } from '../src/export/metrics/ledger-metrics.js';
import { NATIVE } from '../dashboards/generator/native.js';
import { panelsOf, referencedVariables, variablesOf } from './support/dashboards.js';
import { DEPLOY, REPO_ROOT } from './support/stack.js';

const DIR = join(REPO_ROOT, 'dashboards');
const generated = dashboards();

describe('generated dashboards', () => {
  it('the committed JSON is what `npm run dashboards` generates (run it after changing the generator)', () => {
    const committed = readdirSync(DIR).filter((f) => f.endsWith('.json')).sort();
    expect(committed).toEqual(Object.keys(generated).map((n) => `${n}.json`).sort());
    for (const [name, d] of Object.entries(generated)) expect(readFileSync(join(DIR, `${name}.json`), 'utf8'), `dashboards/${name}.json is stale`).toBe(render(d));
  });

  it('names every metric of METRIC (a new metric must be placed or consciously left out)', () => {
    expect(Object.keys(M).length).toBe(Object.keys(METRIC).length);
    const prom = Object.values(M);
    for (const name of Object.values(METRIC)) expect(prom.some((p) => p.startsWith(name.replaceAll('.', '_'))), name).toBe(true);
  });

  it('has the uids the alert rules link to (dashboard_url), each uid once', () => {
    const uids = Object.values(generated).map((d) => d.uid);
    expect(new Set(uids).size).toBe(uids.length);
    const rules = readdirSync(join(DEPLOY, 'prometheus', 'rules')).map((f) => readFileSync(join(DEPLOY, 'prometheus', 'rules', f), 'utf8')).join('\n');
    const linked = [...rules.matchAll(/dashboard_url: \S+\/d\/([\w-]+)\/[\w-]+(\?\S*)?/g)];
    expect(linked.length).toBeGreaterThan(0);
    for (const [, uid, query] of linked) {
      const d = Object.values(generated).find((x) => x.uid === uid);
      expect(d, `dashboard_url uid ${uid}`).toBeDefined();
      // var-user=… / var-project=… in the link must be variables of that dashboard
      for (const [, v] of (query ?? '').matchAll(/var-(\w+)=/g)) expect(variablesOf(d!).map((x) => x.name), `${uid} var-${v}`).toContain(v);
    }
  });

  it('is provisioned by the compose file', () => {
    const compose = parse(readFileSync(join(DEPLOY, 'docker-compose.yml'), 'utf8')) as { services: { grafana: { volumes: string[] } } };
    const mount = compose.services.grafana.volumes.find((v) => v.startsWith('../dashboards:'));
    expect(mount).toBeDefined();
    const provider = parse(readFileSync(join(DEPLOY, 'grafana', 'provisioning', 'dashboards', 'ccotel.yml'), 'utf8')) as { providers: { options: { path: string } }[] };
    expect(mount!.split(':')[1]).toBe(provider.providers[0]!.options.path);
  });

  describe('lint', () => {
    const known = new Set<string>([...Object.values(M), ...Object.values(NATIVE)]);
    for (const [name, d] of Object.entries(generated)) {
      it(name, () => {
        const vars = variablesOf(d);
        const varNames = new Set([...vars.map((v) => v.name), '__from', '__to', '__range', '__rate_interval', '__interval', '__value', '__data']);
        // datasource variables, never a fixed datasource uid
        expect(vars.find((v) => v.type === 'datasource' && v.name === 'datasource')).toBeDefined();
        const panels = panelsOf(d);
        expect(panels.length).toBeGreaterThan(0);
        expect(panels.length, 'few clear panels').toBeLessThanOrEqual(12);
        for (const p of panels) {
          const where = `${name} / ${p.title}`;
          expect(p.description?.length ?? 0, `${where}: description`).toBeGreaterThan(20);
          if (p.type !== 'text') {
            expect(p.description, `${where}: description names its source`).toMatch(/Source: |Jaeger/);
            expect(p.fieldConfig?.defaults.unit, `${where}: unit`).toBeTruthy();
            expect(p.fieldConfig?.defaults.thresholds, `${where}: thresholds`).toBeDefined();
            expect(p.targets?.length ?? 0, `${where}: targets`).toBeGreaterThan(0);
          }
          for (const t of p.targets ?? []) {
            expect(['${datasource}', '${jaeger}'], `${where}: datasource variable`).toContain(t.datasource?.uid);
            const text = t.expr ?? t.tags ?? '';
            for (const v of referencedVariables(text)) expect(varNames, `${where}: $${v} is defined`).toContain(v);
            if (!t.expr) continue;
            // no hard-coded windows: every range selector and offset is a Grafana macro
            for (const [w] of t.expr.matchAll(/\[[^\]]*\]/g)) expect(['[$__rate_interval]', '[$__range]'], `${where}: ${w}`).toContain(w);
            expect(t.expr, `${where}: offset`).not.toMatch(/offset\s+\d/);
            // ccotel series only by the names METRIC gives
            for (const [n] of t.expr.matchAll(/\b(ccotel|claude_code)_\w+/g)) expect(known.has(n.replace(/_(bucket|sum|count)$/, '')), `${where}: ${n} is in METRIC`).toBe(true);
            // counters are never summed across ccotel and Claude Code's native series
            expect(/ccotel_/.test(t.expr) && /claude_code_/.test(t.expr), `${where}: mixes ccotel_ and claude_code_`).toBe(false);
          }
          for (const l of p.fieldConfig?.defaults.links ?? []) for (const v of referencedVariables(l.url)) expect(varNames, `${where}: link $${v}`).toContain(v);
        }
      });
    }
  });
});
