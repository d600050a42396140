// Reading the generated dashboards the way Grafana would: their variables, their queries, and
// Grafana's macro substitution ($__range, $__rate_interval, $__interval, ${__from:date:seconds},
// single / multi / All variable values), shared by the lint test and the proof against Prometheus.
import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';

export interface Target {
  refId: string;
  datasource?: { type: string; uid: string };
  expr?: string;
  instant?: boolean;
  queryType?: string;
  service?: string;
  operation?: string;
  tags?: string;
  limit?: number;
}
export interface PanelJson {
  type: string;
  title: string;
  description?: string;
  targets?: Target[];
  fieldConfig?: { defaults: { unit?: string; thresholds?: unknown; links?: { url: string }[] } };
  options?: { content?: string };
}
export interface VariableJson {
  type: string;
  name: string;
  query?: unknown;
  definition?: string;
  allValue?: string;
  multi?: boolean;
  includeAll?: boolean;
}

export const panelsOf = (d: Dashboard): PanelJson[] => (d.panels ?? []) as unknown as PanelJson[];
export const variablesOf = (d: Dashboard): VariableJson[] => ((d.templating as { list?: VariableJson[] }).list ?? []);

/** How a variable is set for one query run: All, one value or several. */
export type Choice = { all: true } | { values: string[] };

export interface Macros {
  fromMs: number;
  toMs: number;
  /** Grafana's $__interval for the panel (ms). */
  intervalMs: number;
  /** The datasource's scrape interval (Grafana's "timeInterval"), ms. */
  scrapeMs: number;
}

const dur = (ms: number): string => (ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`);
/**
 * Grafana's prometheusSpecialRegexEscape, for a multi-value / include-All variable inside a PromQL
 * string literal: a regex metacharacter gets two backslashes (one for the string, one for the regex).
 */
const regexEscape = (s: string): string => s.replace(/\\/g, '\\\\\\\\').replace(/[$^*{}[\]'+?.()|]/g, '\\\\$&');

/** Grafana's $__rate_interval: max($__interval + scrape interval, 4 × scrape interval). */
export const rateIntervalMs = (m: Macros): number => Math.max(m.intervalMs + m.scrapeMs, 4 * m.scrapeMs);

/**
 * Substitutes Grafana's macros and the given variables in a PromQL expression, as Grafana's
 * Prometheus datasource does: a multi value becomes (a|b) with regex escaping, All its allValue.
 */
export function substitute(expr: string, m: Macros, vars: Record<string, { choice: Choice; allValue: string; raw?: boolean }>): string {
  let e = expr
    .replaceAll('$__rate_interval', dur(rateIntervalMs(m)))
    .replaceAll('$__interval', dur(m.intervalMs))
    .replaceAll('$__range', dur(Math.round((m.toMs - m.fromMs) / 1000) * 1000))
    .replaceAll('${__from:date:seconds}', String(Math.floor(m.fromMs / 1000)))
    .replaceAll('${__to:date:seconds}', String(Math.floor(m.toMs / 1000)));
  for (const [name, { choice, allValue, raw }] of Object.entries(vars)) {
    const value = 'all' in choice ? allValue : raw ? choice.values.join(',') : choice.values.length === 1 ? regexEscape(choice.values[0]!) : `(${choice.values.map(regexEscape).join('|')})`;
    e = e.replaceAll(`\${${name}}`, value).replace(new RegExp(`\\$${name}\\b`, 'g'), value);
  }
  return e;
}

/** `$name` / `${name}` / `[[name]]` references in a string. */
export function referencedVariables(s: string): string[] {
  const out = new Set<string>();
  for (const m of s.matchAll(/\$\{([A-Za-z_][\w]*)(?::[^}]*)?\}|\$([A-Za-z_]\w*)|\[\[(\w+)\]\]/g)) out.add((m[1] ?? m[2] ?? m[3])!);
  return [...out];
}
