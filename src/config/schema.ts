// The config file's one schema (zod): it gives the TypeScript types, the defaults, the error a user
// sees (file, key path, reason) and the table in docs/config.md (configTable(), kept in step by
// test/config-schema.test.ts). Unknown keys are errors at every depth: a typo must not be ignored.
import { homedir } from 'node:os';
import { join } from 'node:path';
import { isIP } from 'node:net';
import { createRequire } from 'node:module';
import type { z as Zod } from 'zod';
import { checkTimeZone } from '../calendar/time-range.js';
import { DEFAULT_PROMETHEUS_HOST, DEFAULT_PROMETHEUS_PORT } from './defaults.js';

/** `~` and `~/…` name the home directory, in the config file as on a command line. */
export function expandHome(p: string): string {
  if (p === '~') return homedir();
  if (p.startsWith('~/')) return join(homedir(), p.slice(2));
  return p;
}

// zod (~15 ms to load, more to build the schema) loads only when a config file is read (or the docs
// table made): a command with no config file, such as most warm `stats`, never pays for it. Loaded
// through require (its CommonJS build) so the config API stays synchronous.
let zodNs: typeof Zod | undefined;
const zod = (): typeof Zod => (zodNs ??= (createRequire(import.meta.url)('zod') as typeof import('zod')).z);

function build(z: typeof Zod) {
  const path = z.string({ invalid_type_error: 'must be a path (text)' }).min(1, 'must not be empty').transform(expandHome);

  const httpUrl = z.string({ invalid_type_error: 'must be an http(s) URL (text)' }).refine((u) => {
    try {
      const p = new URL(u).protocol;
      return p === 'http:' || p === 'https:';
    } catch {
      return false;
    }
  }, 'must be an http(s) URL such as https://collector.example:4318');

  const HOSTNAME = /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/i;
  const host = z
    .string({ invalid_type_error: 'must be a host name or IP address (text)' })
    .min(1, 'must not be empty (use 127.0.0.1 for this machine only, 0.0.0.0 for every interface)')
    .refine((h) => isIP(h) !== 0 || HOSTNAME.test(h), 'must be a host name or IP address');

  const port = z.number({ invalid_type_error: 'must be a port number from 1 to 65535' }).int('must be a port number from 1 to 65535').min(1, 'must be a port number from 1 to 65535').max(65535, 'must be a port number from 1 to 65535');

  const usdPerMillion = z.number({ invalid_type_error: 'must be a non-negative number (USD per million tokens)', required_error: 'must be a non-negative number (USD per million tokens)' }).nonnegative('must be a non-negative number (USD per million tokens)');
  const usd = z.number({ invalid_type_error: 'must be a positive number (USD)' }).positive('must be a positive number (USD)');
  const tokenPrices = { input: usdPerMillion, output: usdPerMillion, cacheWrite: usdPerMillion, cacheRead: usdPerMillion };

  const modelPrice = z
    .object({
      ...tokenPrices,
      above200k: z.object(tokenPrices).strict().optional().describe('prices for the part of one call above 200k tokens of a type'),
      fastMultiplier: z.number().positive().optional().describe('multiplier for `speed: "fast"` requests'),
    }, { invalid_type_error: 'must be a mapping with input, output, cacheWrite and cacheRead' })
    .strict();

  const otlpSchema = z
    .object({
      endpoint: httpUrl.optional().describe('OTLP/HTTP base URL; /v1/traces and /v1/metrics are appended (OTEL_EXPORTER_OTLP_ENDPOINT wins)'),
      tracesEndpoint: httpUrl.optional().describe('full URL for spans, used as given (OTEL_EXPORTER_OTLP_TRACES_ENDPOINT wins)'),
      metricsEndpoint: httpUrl.optional().describe('full URL for metrics, used as given (OTEL_EXPORTER_OTLP_METRICS_ENDPOINT wins)'),
      protocol: z.enum(['http/protobuf', 'http/json']).optional().describe('wire format (OTEL_EXPORTER_OTLP_PROTOCOL wins; default http/protobuf)'),
      headers: z.record(z.string({ invalid_type_error: 'must be text' }), { invalid_type_error: 'must map header names to values' }).optional().describe('headers sent with every export, e.g. authorization (OTEL_EXPORTER_OTLP_HEADERS wins); never logged'),
      timeoutMs: z.number().int().positive().optional().describe('per-request timeout in milliseconds (OTEL_EXPORTER_OTLP_TIMEOUT wins; default 10000)'),
      compression: z.enum(['gzip', 'none']).optional().describe('request compression (OTEL_EXPORTER_OTLP_COMPRESSION wins; default none)'),
    }, { invalid_type_error: 'must be a mapping (endpoint, headers, …)' })
    .strict();

  const configSchema = z
    .object({
      claudeDirs: z.array(path, { invalid_type_error: 'must be a list of paths, e.g. [~/.claude]' }).optional().describe('Claude config directories holding projects/ (default: $CLAUDE_CONFIG_DIR, else ~/.config/claude and ~/.claude); --claude-dir wins'),
      stateDir: path.optional().describe('where checkpoints, the ledger and local trace files live (default: $CCOTEL_STATE_DIR, else $XDG_STATE_HOME/ccotel); --state-dir wins'),
      timezone: z
        .string({ invalid_type_error: 'must be an IANA time zone name (text)' })
        .refine((tz) => {
          try {
            checkTimeZone(tz);
            return true;
          } catch {
            return false;
          }
        }, 'must be an IANA time zone such as Europe/Berlin')
        .optional()
        .describe('IANA time zone for days, weeks and months (default: the system zone); --timezone wins'),
      serviceName: z.string({ invalid_type_error: 'must be text' }).min(1, 'must not be empty').default('claude-code').describe('service.name of every span and metric'),
      otlp: otlpSchema.optional().describe('where to send traces and metrics; the standard OTEL_EXPORTER_OTLP_* variables win'),
      pricing: z.record(modelPrice, { invalid_type_error: 'must map model names to prices' }).optional().describe('USD per million tokens by model name (input, output, cacheWrite, cacheRead): adds to or replaces the embedded table'),
      prometheus: z
        .object({
          host: host.default(DEFAULT_PROMETHEUS_HOST).describe('address the local /metrics endpoint binds (loopback unless told; another host gets a warning)'),
          port: port.default(DEFAULT_PROMETHEUS_PORT).describe('port of the local /metrics endpoint; --prometheus-port wins'),
        }, { invalid_type_error: 'must be a mapping (host, port)' })
        .strict()
        .default({})
        .describe('the embedded Prometheus endpoint `ccotel run` serves when no OTLP endpoint is set'),
      recentSessions: z
        .object({
          windowHours: z.number({ invalid_type_error: 'must be a positive number of hours' }).positive('must be a positive number of hours').default(24).describe('a session is on the ccotel.session.* gauges while its last event is at most this many hours old'),
          max: z.number({ invalid_type_error: 'must be a whole number from 0 to 1000' }).int('must be a whole number from 0 to 1000').min(0, 'must be a whole number from 0 to 1000').max(1000, 'must be a whole number from 0 to 1000').default(50).describe('at most this many sessions (the newest) on those gauges; 0 turns them off. Bounds their series count (docs/metrics.md)'),
        }, { invalid_type_error: 'must be a mapping (windowHours, max)' })
        .strict()
        .default({})
        .describe('the bounded set of recent sessions exported with a session_id label (the Session drill-down dashboard)'),
      budgets: z
        .object({
          daily: usd.optional().describe('USD per calendar day (in `timezone`), exact transcript costs of all projects'),
          weekly: usd.optional().describe('USD per week from Monday'),
          monthly: usd.optional().describe('USD per calendar month'),
          enforce: z.boolean({ invalid_type_error: 'must be true or false' }).default(false).describe('with the budget guard hook installed, block new prompts while a budget is spent (otherwise: a warning only)'),
        }, { invalid_type_error: 'must be a mapping (daily, weekly, monthly, enforce)' })
        .strict()
        .optional()
        .describe('spending limits the budget guard hook (`ccotel hooks install --budget-guard`) checks; `ccotel run` keeps its status file current (docs/hooks.md)'),
      activityLog: z.boolean({ invalid_type_error: 'must be true or false' }).default(false).describe("`ccotel run` writes the monitoring guide's activity-YYYY-MM-DD.jsonl (one line per tool call) to $CLAUDE_LOG_DIR (default ~/.claude/logs); also on when CLAUDE_LOG_DIR is set"),
      jaeger: z
        .object({
          url: z.string({ invalid_type_error: 'must be a URL (text)' }).url('must be a URL such as http://127.0.0.1:16686').optional().describe('base URL of the Jaeger UI: `ccotel sessions --show` prints a link to the session\'s trace'),
        }, { invalid_type_error: 'must be a mapping (url)' })
        .strict()
        .optional()
        .describe('where your traces can be looked at'),
      // Checked in detail, with line numbers, by src/detection/rule-config.ts.
      rules: z.unknown().optional().describe('sensitive-action rules: overrides of the built-in ones and your own (docs/security.md)'),
      redaction: z.unknown().optional().describe('extra redaction patterns, `patterns: [{name, regex}]` (docs/security.md)'),
    })
    .strict();
  // Names for the docs table of the value types used above.
  const kinds = new Map<Zod.ZodTypeAny, string>([
    [path, 'path (`~` expands)'],
    [httpUrl, 'http(s) URL'],
    [host, 'host name or IP'],
    [port, 'port (1-65535)'],
  ]);
  return { configSchema, otlpSchema, modelPrice, kinds };
}

type Schemas = ReturnType<typeof build>;
let built: Schemas | undefined;
/** The schemas, built on first use. */
export const schemas = (): Schemas => (built ??= build(zod()));

export type FileConfig = Zod.output<Schemas['configSchema']>;
export type OtlpSettings = Zod.output<Schemas['otlpSchema']>;
export type ModelPriceConfig = Zod.output<Schemas['modelPrice']>;

/** One line for the first problem: `<key path> <reason>` (more problems are counted). */
export function describeIssues(err: Zod.ZodError): string {
  const first = err.issues[0]!;
  const more = err.issues.length > 1 ? ` (and ${err.issues.length - 1} more)` : '';
  return describeIssue(first) + more;
}

function describeIssue(i: Zod.ZodIssue): string {
  const at = i.path.join('.');
  if (i.code === 'unrecognized_keys') {
    const key = i.keys[0]!;
    const known = Object.keys(shapeAt(i.path) ?? {});
    const near = known.find((k) => similar(k, key));
    return `unknown setting "${at ? `${at}.` : ''}${key}"${near ? ` (did you mean "${near}"?)` : ''} (known${at ? ` in ${at}` : ''}: ${known.join(', ')})`;
  }
  if (i.code === 'invalid_type') {
    const reason = i.message && !/^(Expected|Required)/.test(i.message) ? i.message : `must be ${article(i.expected)}`;
    return `${at} ${reason} (got ${i.received === 'undefined' ? 'nothing' : i.received === 'array' ? 'a list' : i.received})`;
  }
  if (i.code === 'invalid_enum_value') return `${at} must be one of ${i.options.map((o) => `"${String(o)}"`).join(', ')} (got "${String(i.received)}")`;
  return `${at} ${i.message}`;
}

const article = (t: string): string => (t === 'object' ? 'a mapping' : t === 'array' ? 'a list' : /^[aeiou]/.test(t) ? `an ${t}` : `a ${t}`);

/** Close enough to be a typo: one edit apart, or one is the other with a letter dropped/swapped. */
function similar(a: string, b: string): boolean {
  if (Math.abs(a.length - b.length) > 2) return false;
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) for (let j = 1; j <= b.length; j++) d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + (a[i - 1]!.toLowerCase() === b[j - 1]!.toLowerCase() ? 0 : 1));
  return d[a.length]![b.length]! <= 2;
}

// ---- introspection: the shape at a key path, and the docs table -----------------------------

type AnyZod = Zod.ZodTypeAny;

function unwrap(t: AnyZod): AnyZod {
  for (;;) {
    if (t instanceof zod().ZodOptional || t instanceof zod().ZodNullable) t = t.unwrap();
    else if (t instanceof zod().ZodDefault) t = t.removeDefault();
    else if (t instanceof zod().ZodEffects) t = t.innerType();
    else return t;
  }
}

function shapeAt(path: ReadonlyArray<string | number>): Record<string, AnyZod> | undefined {
  let t: AnyZod = schemas().configSchema;
  for (const k of path) {
    const u = unwrap(t);
    if (u instanceof zod().ZodObject) t = u.shape[k as string];
    else if (u instanceof zod().ZodRecord) t = u.valueSchema;
    else if (u instanceof zod().ZodArray) t = u.element;
    else return undefined;
    if (!t) return undefined;
  }
  const u = unwrap(t);
  return u instanceof zod().ZodObject ? (u.shape as Record<string, AnyZod>) : undefined;
}

function typeName(t: AnyZod): string {
  for (let cur: AnyZod | undefined = t; cur; ) {
    const kind = schemas().kinds.get(cur);
    if (kind) return kind;
    cur = cur instanceof zod().ZodOptional || cur instanceof zod().ZodNullable ? cur.unwrap() : cur instanceof zod().ZodDefault ? cur.removeDefault() : undefined;
  }
  const u = unwrap(t);
  if (u instanceof zod().ZodString) return 'text';
  if (u instanceof zod().ZodNumber) return 'number';
  if (u instanceof zod().ZodBoolean) return 'boolean';
  if (u instanceof zod().ZodEnum) return (u.options as string[]).map((o) => `\`${o}\``).join(' \\| ');
  if (u instanceof zod().ZodArray) return `list of ${typeName(u.element).replace(/^path/, 'paths')}`;
  if (u instanceof zod().ZodRecord) return 'mapping';
  if (u instanceof zod().ZodObject) return 'mapping';
  return 'value';
}

function defaultOf(t: AnyZod): string {
  let cur: AnyZod = t;
  for (;;) {
    if (cur instanceof zod().ZodDefault) {
      const v = cur._def.defaultValue();
      return typeof v === 'object' ? '' : `\`${String(v)}\``;
    }
    if (cur instanceof zod().ZodOptional || cur instanceof zod().ZodNullable) cur = cur.unwrap();
    else if (cur instanceof zod().ZodEffects) cur = cur.innerType();
    else return '';
  }
}

const describeOf = (t: AnyZod): string => {
  let cur: AnyZod | undefined = t;
  while (cur) {
    if (cur.description) return cur.description;
    cur = cur instanceof zod().ZodOptional || cur instanceof zod().ZodNullable ? cur.unwrap() : cur instanceof zod().ZodDefault ? cur.removeDefault() : cur instanceof zod().ZodEffects ? cur.innerType() : undefined;
  }
  return '';
};

/** The docs table (Markdown) of every setting, from the schema. */
export function configTable(): string {
  const rows: string[] = ['| setting | type | default | what it does |', '|---|---|---|---|'];
  const walk = (shape: Record<string, AnyZod>, prefix: string): void => {
    for (const [k, t] of Object.entries(shape)) {
      rows.push(`| \`${prefix}${k}\` | ${typeName(t)} | ${defaultOf(t)} | ${describeOf(t).replace(/\|/g, '\\|')} |`);
      const u = unwrap(t);
      if (u instanceof zod().ZodObject) walk(u.shape as Record<string, AnyZod>, `${prefix}${k}.`);
    }
  };
  walk(schemas().configSchema.shape as Record<string, AnyZod>, '');
  return rows.join('\n') + '\n';
}
