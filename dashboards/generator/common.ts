// Shared pieces of the generated dashboards: metric names (from METRIC, the one list), datasource
// and label variables, label selectors, and a few panel shortcuts so each dashboard file only says
// which questions it answers and with which query.
import * as cog from '@grafana/grafana-foundation-sdk/cog';
import {
  ConstantVariableBuilder,
  DashboardBuilder,
  DashboardLinkBuilder,
  DashboardLinkType,
  DatasourceVariableBuilder,
  QueryVariableBuilder,
  ThresholdsConfigBuilder,
  ThresholdsMode,
  VariableRefresh,
  VariableSort,
  type Threshold,
} from '@grafana/grafana-foundation-sdk/dashboard';
import { DataqueryBuilder, PromQueryFormat } from '@grafana/grafana-foundation-sdk/prometheus';
import { METRIC } from '../../src/export/metrics/ledger-metrics.js';
import { prometheusName } from '../../src/export/metrics/prometheus-names.js';

/** Prometheus names of ccotel's series, derived from METRIC with the collector's naming rules. */
const counter = (n: string, unit: string): string => prometheusName(n, unit, 'counter');
const gauge = (n: string, unit: string): string => prometheusName(n, unit, 'gauge');
export const M = {
  tokens: counter(METRIC.tokenUsage, '{token}'),
  cost: counter(METRIC.costUsage, 'USD'),
  cacheSavings: counter(METRIC.cacheSavings, 'USD'),
  toolCalls: counter(METRIC.toolCalls, '{call}'),
  toolCallsPending: gauge(METRIC.toolCallsPending, '{call}'),
  requests: counter(METRIC.modelRequests, '{request}'),
  apiErrors: counter(METRIC.apiErrors, '{error}'),
  sessions: counter(METRIC.sessions, '{session}'),
  subagents: counter(METRIC.subagents, '{agent}'),
  prompts: counter(METRIC.prompts, '{prompt}'),
  compactions: counter(METRIC.compactions, '{compaction}'),
  toolDuration: prometheusName(METRIC.toolDuration, 's', 'histogram'),
  tokensPerRequest: prometheusName(METRIC.tokensPerRequest, '{token}', 'histogram'),
  budgetCost: gauge(METRIC.budgetCost, 'USD'),
  budgetCostTotal: gauge(METRIC.budgetCostTotal, 'USD'),
  lastEvent: gauge(METRIC.lastEventTimestamp, 's'),
  lastExport: gauge(METRIC.lastExportTimestamp, 's'),
  permissions: counter(METRIC.permissionRequests, '{request}'),
  notifications: counter(METRIC.notifications, '{notification}'),
  sensitiveHits: counter(METRIC.sensitiveHits, '{hit}'),
  // Hook-only sessions' estimates: gauges that fall to 0 once the transcript arrives (docs/metrics.md).
  tokenEstimate: gauge(METRIC.tokenEstimate, '{token}'),
  costEstimate: gauge(METRIC.costEstimate, 'USD'),
  promptsEstimate: gauge(METRIC.promptsEstimate, '{prompt}'),
  // Recent sessions only (bounded: recentSessions.windowHours / .max), labels session_id and trace_id.
  sessionCost: gauge(METRIC.sessionCost, 'USD'),
  sessionTokens: gauge(METRIC.sessionTokens, '{token}'),
  sessionToolCalls: gauge(METRIC.sessionToolCalls, '{call}'),
  sessionToolErrors: gauge(METRIC.sessionToolErrors, '{error}'),
  sessionSubagents: gauge(METRIC.sessionSubagents, '{agent}'),
  sessionPrompts: gauge(METRIC.sessionPrompts, '{prompt}'),
} as const;

/** The service name ccotel's traces carry (OTEL_SERVICE_NAME default). */
export const TRACE_SERVICE = 'claude-code';
export const PROM = { type: 'prometheus', uid: '${datasource}' } as const;
export const JAEGER = { type: 'jaeger', uid: '${jaeger}' } as const;

export type Label = 'team' | 'user' | 'project' | 'model';

/** Label variables in dashboard order; each narrows by the ones before it (chained). */
export function labelVariables(labels: Label[]): QueryVariableBuilder[] {
  const out: QueryVariableBuilder[] = [];
  const before: Label[] = [];
  for (const l of labels) {
    const metric = M.cost; // every user, project, model and team that ever spent carries it
    const q = `label_values(${metric}${selector(before)}, ${l})`;
    out.push(
      new QueryVariableBuilder(l)
        .label(l)
        .description(VAR_DESCRIPTION[l])
        .datasource(PROM)
        .query({ qryType: 1, query: q, refId: 'PrometheusVariableQueryEditor-VariableQuery' })
        .definition(q)
        .refresh(VariableRefresh.OnTimeRangeChanged)
        .sort(VariableSort.AlphabeticalAsc)
        .multi(true)
        .includeAll(true)
        // .* (not Grafana's a|b|c list): also matches series without the label, e.g. no `team` set.
        .allValue('.*')
        .current({ text: ['All'], value: ['$__all'] }),
    );
    before.push(l);
  }
  return out;
}

const VAR_DESCRIPTION: Record<Label, string> = {
  team: 'Resource attribute team (OTEL_RESOURCE_ATTRIBUTES=team=…) of the ccotel daemon that sent the series; see docs/team.md.',
  user: 'OS user running ccotel (label user).',
  project: 'Working directory of the session (label project).',
  model: 'Raw model id from the transcript (label model).',
};

/** `{team=~"$team",user=~"$user",…}` for the given labels plus extra matchers. */
export function selector(labels: Label[], ...extra: string[]): string {
  const m = [...labels.map((l) => `${l}=~"$${l}"`), ...extra];
  return m.length ? `{${m.join(',')}}` : '';
}

export function datasourceVariables(withJaeger: boolean): cog.Builder<any>[] {
  const v: cog.Builder<any>[] = [
    new DatasourceVariableBuilder('datasource').label('Prometheus').type('prometheus').current({ text: 'Prometheus', value: 'prometheus' }),
  ];
  if (withJaeger) {
    v.push(new DatasourceVariableBuilder('jaeger').label('Jaeger').type('jaeger').current({ text: 'Jaeger', value: 'jaeger' }));
    // Links open Jaeger's own UI (its search by tag); Grafana cannot compute a trace id from a session id.
    v.push(new ConstantVariableBuilder('jaeger_url').value('http://127.0.0.1:16686').description("Jaeger UI base URL for links (edit for your deployment)"));
  }
  return v;
}

/**
 * One of the recent sessions (the ccotel.session.* gauges carry session_id only for the sessions
 * whose last event is within recentSessions.windowHours, at most recentSessions.max: a bounded list).
 */
export function sessionVariable(labels: Label[]): QueryVariableBuilder {
  const q = `label_values(${M.sessionCost}${selector(labels)}, session_id)`;
  return new QueryVariableBuilder('session')
    .label('session id')
    .description('A recent Claude Code session (the transcript file name): those whose last event is within recentSessions.windowHours (default 24 h), the newest recentSessions.max (default 50).')
    .datasource(PROM)
    .query({ qryType: 1, query: q, refId: 'PrometheusVariableQueryEditor-VariableQuery' })
    .definition(q)
    .refresh(VariableRefresh.OnTimeRangeChanged)
    .sort(VariableSort.AlphabeticalAsc)
    .multi(false)
    .includeAll(false);
}

export function promQuery(expr: string, legend = '', ref = 'A'): DataqueryBuilder {
  return new DataqueryBuilder().datasource(PROM).expr(expr).legendFormat(legend || '__auto').refId(ref);
}

export function instantQuery(expr: string, legend = '', ref = 'A'): DataqueryBuilder {
  return promQuery(expr, legend, ref).instant();
}

/** An instant query whose labels become table columns. */
export function tableQuery(expr: string, legend = '', ref = 'A'): DataqueryBuilder {
  return instantQuery(expr, legend, ref).format(PromQueryFormat.Table);
}

/** A Jaeger datasource search (Grafana's Jaeger query model); tags in logfmt. */
export interface JaegerSearch {
  refId: string;
  datasource: typeof JAEGER;
  queryType: 'search';
  service: string;
  operation?: string;
  tags?: string;
  limit: number;
}
export function jaegerSearch(q: Omit<JaegerSearch, 'refId' | 'datasource' | 'queryType' | 'service'>): cog.Builder<cog.Dataquery> {
  const built: JaegerSearch = { refId: 'A', datasource: JAEGER, queryType: 'search', service: TRACE_SERVICE, ...q };
  return { build: () => built as unknown as cog.Dataquery };
}

/** Jaeger UI search URL for spans with these tags (what a link template resolves to). */
export function jaegerSearchLink(tags: Record<string, string>, operation?: string): string {
  // Jaeger's UI takes tags as a JSON object; ${…} placeholders stay unencoded for Grafana to fill.
  const enc = (s: string): string => s.split(/(\$\{[^}]+\})/).map((part) => (part.startsWith('${') ? part : encodeURIComponent(part))).join('');
  const op = operation ? `&operation=${encodeURIComponent(operation)}` : '';
  return `\${jaeger_url}/search?service=${TRACE_SERVICE}${op}&limit=20&lookback=custom&start=\${__from}000&end=\${__to}000&tags=${enc(JSON.stringify(tags))}`;
}

export function thresholds(steps: Array<[number | null, string]>): ThresholdsConfigBuilder {
  return new ThresholdsConfigBuilder().mode(ThresholdsMode.Absolute).steps(steps.map(([value, color]) => ({ value, color }) as Threshold));
}
export const NO_THRESHOLDS = (): ThresholdsConfigBuilder => thresholds([[null, 'green']]);

export function link(title: string, url: string, tooltip: string): DashboardLinkBuilder {
  return new DashboardLinkBuilder(title).type(DashboardLinkType.Link).url(url).tooltip(tooltip).includeVars(true).keepTime(true).targetBlank(false);
}

export function dashboard(uid: string, title: string, description: string): DashboardBuilder {
  return new DashboardBuilder(title).uid(uid).description(description).tags(['ccotel']).refresh('1m').time({ from: 'now-7d', to: 'now' }).timezone('browser').editable();
}

/** Links between the ccotel dashboards (same variables carried over). */
export function crossLinks(): DashboardLinkBuilder {
  return new DashboardLinkBuilder('ccotel').type(DashboardLinkType.Dashboards).tags(['ccotel']).asDropdown(true).includeVars(true).keepTime(true);
}

// ---------------------------------------------------------------------------------------------
// panels: every one states its question and source in its description, and sets unit and thresholds

import { PanelBuilder as StatPanel } from '@grafana/grafana-foundation-sdk/stat';
import { PanelBuilder as TimeseriesPanel } from '@grafana/grafana-foundation-sdk/timeseries';
import { PanelBuilder as BarGaugePanel } from '@grafana/grafana-foundation-sdk/bargauge';
import { PanelBuilder as TablePanel } from '@grafana/grafana-foundation-sdk/table';
import { PanelBuilder as PiePanel } from '@grafana/grafana-foundation-sdk/piechart';
import { PanelBuilder as TextPanel } from '@grafana/grafana-foundation-sdk/text';
import { BigValueGraphMode, VizOrientation, ReduceDataOptionsBuilder } from '@grafana/grafana-foundation-sdk/common';

export interface PanelSpec {
  title: string;
  /** The question it answers, then where the number comes from. */
  question: string;
  source: string;
  unit: string;
  w?: number;
  h?: number;
  thresholds?: ThresholdsConfigBuilder;
}
const describe = (p: PanelSpec): string => `${p.question} Source: ${p.source}`;

export function stat(p: PanelSpec, ...targets: cog.Builder<cog.Dataquery>[]): StatPanel {
  return new StatPanel()
    .title(p.title)
    .description(describe(p))
    .unit(p.unit)
    .thresholds(p.thresholds ?? NO_THRESHOLDS())
    .graphMode(BigValueGraphMode.None)
    .reduceOptions(new ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false))
    .targets(targets)
    .span(p.w ?? 4)
    .height(p.h ?? 4);
}

export function timeseries(p: PanelSpec, ...targets: cog.Builder<cog.Dataquery>[]): TimeseriesPanel {
  return new TimeseriesPanel().title(p.title).description(describe(p)).unit(p.unit).thresholds(p.thresholds ?? NO_THRESHOLDS()).targets(targets).span(p.w ?? 12).height(p.h ?? 8);
}

export function bars(p: PanelSpec, ...targets: cog.Builder<cog.Dataquery>[]): BarGaugePanel {
  return new BarGaugePanel()
    .title(p.title)
    .description(describe(p))
    .unit(p.unit)
    .thresholds(p.thresholds ?? NO_THRESHOLDS())
    .orientation(VizOrientation.Horizontal)
    .reduceOptions(new ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false))
    .targets(targets)
    .span(p.w ?? 12)
    .height(p.h ?? 8);
}

export function table(p: PanelSpec, ...targets: cog.Builder<cog.Dataquery>[]): TablePanel {
  return new TablePanel().title(p.title).description(describe(p)).unit(p.unit).thresholds(p.thresholds ?? NO_THRESHOLDS()).targets(targets).span(p.w ?? 12).height(p.h ?? 8);
}

export function pie(p: PanelSpec, ...targets: cog.Builder<cog.Dataquery>[]): PiePanel {
  return new PiePanel()
    .title(p.title)
    .description(describe(p))
    .unit(p.unit)
    .thresholds(p.thresholds ?? NO_THRESHOLDS())
    .reduceOptions(new ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false))
    .targets(targets)
    .span(p.w ?? 8)
    .height(p.h ?? 8);
}

export function text(title: string, question: string, markdown: string, w = 24, h = 4): TextPanel {
  return new TextPanel().title(title).description(question).content(markdown).span(w).height(h);
}
