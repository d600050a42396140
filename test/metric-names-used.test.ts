// Every ccotel_* series a dashboard panel, an alert or recording rule, or a rule unit test reads is a
// series ccotel exports. The catalog is what the exporter itself describes (metricData: name, unit,
// kind) through the collector's naming rules, not the dashboard generator's own list (M repeats the
// units by hand), so a unit or kind changed on one side only is caught here.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Ledger } from '../src/state/ledger.js';
import { Pricer } from '../src/pricing/cost.js';
import { EMBEDDED_PRICES } from '../src/pricing/price-table.js';
import { Fold } from '../src/fold/fold.js';
import { metricData } from '../src/export/metrics/ledger-metrics.js';
import { prometheusName } from '../src/export/metrics/prometheus-names.js';
import { REPO_ROOT } from './support/stack.js';

/** Every series name a scrape of ccotel can hold (histograms as their three series). */
function catalog(): Set<string> {
  const metrics = metricData(Fold.of(new Ledger(), { pricer: new Pricer(EMBEDDED_PRICES) }), { user: 'u', timezone: 'UTC', nowMs: Date.UTC(2026, 0, 1), heartbeat: true });
  const out = new Set<string>();
  for (const m of metrics) {
    const base = prometheusName(m.name, m.unit, m.kind);
    if (m.kind === 'histogram') for (const s of ['_bucket', '_sum', '_count']) out.add(base + s);
    else out.add(base);
  }
  return out;
}

function files(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && /\.(json|ya?ml)$/.test(e.name))
    .map((e) => join(e.parentPath, e.name));
}

describe('metric names used by dashboards/ and deploy/', () => {
  const names = catalog();

  it('the catalog holds the documented names (docs/metrics.md tables)', () => {
    // The docs' Prometheus column, read independently of the code: each documented name is exported.
    const doc = readFileSync(join(REPO_ROOT, 'docs', 'metrics.md'), 'utf8');
    const documented = new Set([...doc.matchAll(/^\| `ccotel\.[\w.]+` \| `[^`]*` \| `(ccotel_\w+)`/gm)].map((m) => m[1]!));
    expect(documented.size).toBeGreaterThan(20);
    for (const n of documented) expect(names.has(n) || names.has(`${n}_bucket`), `${n} (docs/metrics.md)`).toBe(true);
  });

  for (const top of ['dashboards', 'deploy']) {
    it(`every ccotel_* series in ${top}/ is exported`, () => {
      const unknown: string[] = [];
      let seen = 0;
      for (const f of files(join(REPO_ROOT, top))) {
        // Recording rules (ccotel:…) are the rules' own names; \b keeps them out.
        for (const [n] of readFileSync(f, 'utf8').matchAll(/\bccotel_[A-Za-z0-9_]+/g)) {
          seen++;
          if (!names.has(n)) unknown.push(`${f.slice(REPO_ROOT.length)}: ${n}`);
        }
      }
      expect(seen, `${top}/ reads ccotel series`).toBeGreaterThan(0);
      expect([...new Set(unknown)]).toEqual([]);
    });
  }
});
