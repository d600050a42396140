// Security: sensitive-action rule hits by rule, severity, user and project, with the traces behind them.
import { M, bars, crossLinks, dashboard, datasourceVariables, instantQuery, jaegerSearchLink, labelVariables, tableQuery, promQuery, selector, stat, table, thresholds, timeseries } from './common.js';
import { DashboardLinkBuilder, DashboardLinkType } from '@grafana/grafana-foundation-sdk/dashboard';

export function security() {
  const s = (...x: string[]) => selector(['team', 'user', 'project'], ...x);
  const src = `${M.sensitiveHits} (one per rule per tool call, counted when the call is first read; docs/security.md)`;
  const traceLink = new DashboardLinkBuilder('Open the sessions in Jaeger')
    .type(DashboardLinkType.Link)
    .url(jaegerSearchLink({ 'ccotel.sensitive.rule': '${__data.fields.rule}' }))
    .tooltip('Traces whose tool calls matched this rule in the selected time range')
    .targetBlank(true);
  return dashboard('ccotel-security', 'ccotel · Security', 'Sensitive-action rule hits (credential access, destructive commands, external fetches, writes outside the project, secrets in commands) and the sessions behind them.')
    .link(crossLinks())
    .variables([...datasourceVariables(true), ...labelVariables(['team', 'user', 'project'])])
    .withPanel(stat({ title: 'Critical hits to date', question: 'Did anything critical happen (the hits that page)?', source: `${src}, severity="critical".`, unit: 'short', w: 6, thresholds: thresholds([[null, 'green'], [1, 'red']]) }, instantQuery(`sum(${M.sensitiveHits}${s('severity="critical"')}) or vector(0)`)))
    .withPanel(bars({ title: 'Hits by rule and severity (to date)', question: 'Which rules match, and how severe are they?', source: `sum by (rule, severity) of ${src}.`, unit: 'short', w: 18, h: 6 }, instantQuery(`sum by (rule, severity) (${M.sensitiveHits}${s()})`, '{{rule}} ({{severity}})')))
    .withPanel(timeseries({ title: 'Hits over time by severity', question: 'When did the hits happen (as they arrived)?', source: `increase(${M.sensitiveHits}[$__rate_interval]) per severity; a backfill shows at the time it was exported.`, unit: 'short', w: 24, h: 7 }, promQuery(`sum by (severity) (increase(${M.sensitiveHits}${s()}[$__rate_interval]))`, '{{severity}}')))
    .withPanel(table({ title: 'Hits by user, project and rule', question: 'Who triggered which rule where? Click a row to open the sessions\' traces in Jaeger.', source: `${src}, to date; the link searches Jaeger for tool spans with the event attribute ccotel.sensitive.rule.`, unit: 'short', w: 24, h: 9 }, tableQuery(`sort_desc(sum by (user, project, rule, severity) (${M.sensitiveHits}${s()}))`)).dataLinks([traceLink]));
}
