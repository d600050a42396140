// Every ccotel dashboard, built from the typed Grafana builders; `npm run dashboards` writes them to
// dashboards/*.json (committed, provisioned by deploy/docker-compose.yml), and a test fails when the
// committed files differ from this output.
import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { cost } from './cost.js';
import { native } from './native.js';
import { overview } from './overview.js';
import { pipeline } from './pipeline.js';
import { security } from './security.js';
import { session } from './session.js';
import { tools } from './tools.js';

/** File name (without .json) → dashboard. Uids are the ones the alert rules' dashboard_url use. */
export function dashboards(): Record<string, Dashboard> {
  return {
    'team-overview': overview().build(),
    'cost-budgets': cost().build(),
    'tools-quality': tools().build(),
    security: security().build(),
    'session-drilldown': session().build(),
    'pipeline-health': pipeline().build(),
    'native-telemetry': native().build(),
  };
}

export const render = (d: Dashboard): string => `${JSON.stringify(d, null, 2)}\n`;
