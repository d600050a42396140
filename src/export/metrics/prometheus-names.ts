// Prometheus-side metric names, computed exactly as the OpenTelemetry Collector's prometheusexporter
// (v0.155.0, default translation: UnderscoreEscapingWithSuffixes, i.e. add_metric_suffixes: true)
// computes them with github.com/prometheus/otlptranslator v1.0.0 `normalizeName`. The local
// Prometheus endpoint serves these same names, so a dashboard works against both paths.
import type { MetricKind } from './ledger-metrics.js';

const UNIT_MAP: Record<string, string> = {
  d: 'days', h: 'hours', min: 'minutes', s: 'seconds', ms: 'milliseconds', us: 'microseconds', ns: 'nanoseconds',
  By: 'bytes', KiBy: 'kibibytes', MiBy: 'mebibytes', GiBy: 'gibibytes', TiBy: 'tibibytes', KBy: 'kilobytes', MBy: 'megabytes', GBy: 'gigabytes', TBy: 'terabytes',
  m: 'meters', V: 'volts', A: 'amperes', J: 'joules', W: 'watts', g: 'grams',
  Cel: 'celsius', Hz: 'hertz', '1': '', '%': 'percent',
};
const PER_UNIT_MAP: Record<string, string> = { s: 'second', m: 'minute', h: 'hour', d: 'day', w: 'week', mo: 'month', y: 'year' };

const cleanUpUnit = (u: string): string => u.replace(/[^a-zA-Z0-9:]/g, '_').replace(/_{2,}/g, '_').replace(/^_/, '');

function unitSuffixes(unit: string): [string, string] {
  const [main = '', per] = splitOnce(unit, '/');
  let mainSuffix = '';
  let perSuffix = '';
  const m = main.trim();
  if (m !== '' && !/[{}]/.test(m)) mainSuffix = UNIT_MAP[m] ?? m;
  if (per !== undefined && per !== '') {
    const p = per.trim();
    if (p !== '' && !/[{}]/.test(p)) perSuffix = PER_UNIT_MAP[p] ?? p;
    if (perSuffix !== '') perSuffix = `per_${perSuffix}`;
  }
  return [mainSuffix, perSuffix];
}

function splitOnce(s: string, sep: string): [string, string | undefined] {
  const i = s.indexOf(sep);
  return i < 0 ? [s, undefined] : [s.slice(0, i), s.slice(i + 1)];
}

/**
 * The Prometheus metric family name the collector exposes for an OTLP metric (histograms then get
 * `_bucket`, `_sum` and `_count` series under it).
 */
export function prometheusName(name: string, unit: string, kind: MetricKind): string {
  let tokens = name.split(/[^a-zA-Z0-9:]/).filter((t) => t !== '');
  const [mainRaw, perRaw] = unitSuffixes(unit);
  let main = cleanUpUnit(mainRaw);
  let per = cleanUpUnit(perRaw);
  if (tokens.includes(main)) main = '';
  if (per === 'per_') per = '';
  else {
    per = per.replace(/_$/, '');
    if (tokens.includes(per)) per = '';
  }
  if (per !== '') main = main.replace(/_$/, '');
  if (main !== '') tokens.push(main);
  if (per !== '') tokens.push(per);
  if (kind === 'counter') tokens = [...tokens.filter((t) => t !== 'total'), 'total'];
  if (unit === '1' && kind === 'gauge') tokens = [...tokens.filter((t) => t !== 'ratio'), 'ratio'];
  let out = tokens.join('_');
  if (/^[0-9]/.test(out)) out = `_${out}`;
  return out;
}
