// Settings in effect: defaults < config file (~/.config/ccotel/config.yaml or --config) < environment
// < command-line flags. Unknown keys are reported, not ignored silently: a typo must not go unseen.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { UserError } from '../errors.js';
import { xdgDir } from '../xdg.js';
import { EMBEDDED_PRICES, type ModelPrice, type PriceTable } from '../pricing/price-table.js';
import { checkDetectionConfig, DetectionConfigError, type DetectionConfig } from '../detection/rule-config.js';

export type OtlpProtocol = 'http/protobuf' | 'http/json';
export type OtlpCompression = 'gzip' | 'none';

// The YAML parser is loaded only when there is a config file: it costs a warm `stats` ~0.1 s.
const parseYaml = (text: string): unknown => (createRequire(import.meta.url)('yaml') as typeof import('yaml')).parse(text);

export interface OtlpSettings {
  endpoint?: string;
  tracesEndpoint?: string;
  metricsEndpoint?: string;
  protocol?: OtlpProtocol;
  headers?: Record<string, string>;
  timeoutMs?: number;
  compression?: OtlpCompression;
}

export interface FileConfig {
  claudeDirs?: string[];
  stateDir?: string;
  timezone?: string;
  serviceName?: string;
  otlp?: OtlpSettings;
  /** Extra or replacement model prices (USD per million tokens). */
  pricing?: Record<string, ModelPrice>;
  prometheus?: { host?: string; port?: number };
  /** Sensitive-action rules: overrides of the built-in ones and the user's own (docs/security.md). */
  rules?: unknown;
  /** Extra redaction patterns: `redaction.patterns: [{name, regex}]`. */
  redaction?: unknown;
}

const KNOWN = new Set(['claudeDirs', 'stateDir', 'timezone', 'serviceName', 'otlp', 'pricing', 'prometheus', 'rules', 'redaction']);
const NO_DETECTION: DetectionConfig = { rules: [], redaction: [] };

export function defaultConfigPath(env: NodeJS.ProcessEnv = process.env): string {
  return join(xdgDir('XDG_CONFIG_HOME', env), 'ccotel', 'config.yaml');
}

export function defaultStateDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.CCOTEL_STATE_DIR) return env.CCOTEL_STATE_DIR;
  return join(xdgDir('XDG_STATE_HOME', env), 'ccotel');
}

/** Reads the config file; a missing default file is fine, a missing explicit one is an error. */
export function loadConfigFile(path: string | undefined, env: NodeJS.ProcessEnv = process.env): { path: string; config: FileConfig; found: boolean; detection: DetectionConfig } {
  const explicit = path !== undefined;
  const p = path ?? defaultConfigPath(env);
  let text: string;
  try {
    text = readFileSync(p, 'utf8');
  } catch (err) {
    if (!explicit && (err as NodeJS.ErrnoException).code === 'ENOENT') return { path: p, config: {}, found: false, detection: NO_DETECTION };
    throw new UserError(`cannot read config file ${p}: ${(err as Error).message}`);
  }
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (err) {
    throw new UserError(`config file ${p} is not valid YAML: ${(err as Error).message.split('\n')[0]}`);
  }
  if (doc === null || doc === undefined) return { path: p, config: {}, found: true, detection: NO_DETECTION };
  if (typeof doc !== 'object' || Array.isArray(doc)) throw new UserError(`config file ${p} must be a mapping of settings`);
  for (const k of Object.keys(doc)) if (!KNOWN.has(k)) throw new UserError(`config file ${p}: unknown setting "${k}" (known: ${[...KNOWN].join(', ')})`);
  const c = doc as FileConfig;
  validatePricing(p, c.pricing);
  let detection: DetectionConfig;
  try {
    detection = checkDetectionConfig(text, c.rules, c.redaction);
  } catch (err) {
    if (!(err instanceof DetectionConfigError)) throw err;
    throw new UserError(`config file ${p}${err.line !== undefined ? ` line ${err.line}` : ''}: ${err.reason}`);
  }
  return { path: p, config: c, found: true, detection };
}

function validatePricing(path: string, pricing: unknown): void {
  if (pricing === undefined) return;
  if (typeof pricing !== 'object' || pricing === null) throw new UserError(`config file ${path}: pricing must map model names to prices`);
  for (const [model, p] of Object.entries(pricing)) {
    for (const f of ['input', 'output', 'cacheWrite', 'cacheRead'] as const) {
      const v = (p as Record<string, unknown>)?.[f];
      if (typeof v !== 'number' || !(v >= 0)) throw new UserError(`config file ${path}: pricing.${model}.${f} must be a non-negative number (USD per million tokens)`);
    }
  }
}

/**
 * The price table in effect. CLAUDE_RATE_INPUT / CLAUDE_RATE_OUTPUT (the guide's flat rates, USD per
 * 1K tokens) replace input/output prices for every model, with cache prices at the usual ratios
 * (write 1.25x, read 0.1x input).
 */
export function priceTable(config: FileConfig, env: NodeJS.ProcessEnv = process.env): { table: PriceTable; flatRate: boolean } {
  const table: PriceTable = { ...EMBEDDED_PRICES, ...(config.pricing ?? {}) };
  const rin = env.CLAUDE_RATE_INPUT;
  const rout = env.CLAUDE_RATE_OUTPUT;
  if (!rin && !rout) return { table, flatRate: false };
  const parse = (name: string, v: string | undefined): number | undefined => {
    if (v === undefined || v === '') return undefined;
    const n = Number(v);
    if (!Number.isFinite(n) || n < 0) throw new UserError(`${name} must be a non-negative number in USD per 1K tokens (got "${v}")`);
    return n * 1000; // per 1K -> per million
  };
  const inPerM = parse('CLAUDE_RATE_INPUT', rin);
  const outPerM = parse('CLAUDE_RATE_OUTPUT', rout);
  for (const [k, p] of Object.entries(table)) {
    const input = inPerM ?? p.input;
    table[k] = { input, output: outPerM ?? p.output, cacheWrite: inPerM !== undefined ? input * 1.25 : p.cacheWrite, cacheRead: inPerM !== undefined ? input * 0.1 : p.cacheRead, fastMultiplier: p.fastMultiplier };
  }
  return { table, flatRate: true };
}
