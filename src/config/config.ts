// Settings in effect: defaults < config file (~/.config/ccotel/config.yaml or --config) < environment
// < command-line flags. The file is checked against one schema (./schema.ts): unknown keys at any
// depth, wrong types and bad values are one line naming the file, the key path and the reason.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { UserError } from '../errors.js';
import { xdgDir } from '../xdg.js';
import { DEFAULT_PROMETHEUS_HOST, DEFAULT_PROMETHEUS_PORT } from './defaults.js';
import { describeIssues, expandHome, schemas, type FileConfig, type OtlpSettings } from './schema.js';

// The YAML parser is loaded only when there is a config file: it costs a warm `stats` ~0.1 s.
const parseYaml = (text: string): unknown => (createRequire(import.meta.url)('yaml') as typeof import('yaml')).parse(text);

export type { FileConfig, OtlpSettings } from './schema.js';
export type OtlpProtocol = NonNullable<OtlpSettings['protocol']>;
export type OtlpCompression = NonNullable<OtlpSettings['compression']>;

export function defaultConfigPath(env: NodeJS.ProcessEnv = process.env): string {
  return join(xdgDir('XDG_CONFIG_HOME', env), 'ccotel', 'config.yaml');
}

export function defaultStateDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.CCOTEL_STATE_DIR) return expandHome(env.CCOTEL_STATE_DIR);
  return join(xdgDir('XDG_STATE_HOME', env), 'ccotel');
}

export interface ConfigFile {
  path: string;
  config: FileConfig;
  found: boolean;
  /** The file's text (undefined when there is none), for the checks that name a line (the rules). */
  text: string | undefined;
}

/**
 * Reads the config file and checks it against the schema; a missing default file is fine, a missing
 * explicit one is an error. Its rules and redaction patterns are checked by config/rules.ts.
 */
export function readConfigFile(path: string | undefined, env: NodeJS.ProcessEnv = process.env): ConfigFile {
  const explicit = path !== undefined;
  const p = path !== undefined ? expandHome(path) : defaultConfigPath(env);
  let text: string;
  try {
    text = readFileSync(p, 'utf8');
  } catch (err) {
    if (!explicit && (err as NodeJS.ErrnoException).code === 'ENOENT') return { path: p, config: DEFAULT_CONFIG, found: false, text: undefined };
    throw new UserError(`cannot read config file ${p}: ${(err as Error).message}`);
  }
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (err) {
    throw new UserError(`config file ${p} is not valid YAML: ${(err as Error).message.split('\n')[0]}`);
  }
  if (doc !== null && doc !== undefined && (typeof doc !== 'object' || Array.isArray(doc))) throw new UserError(`config file ${p} must be a mapping of settings`);
  const parsed = schemas().configSchema.safeParse(doc ?? {});
  if (!parsed.success) throw new UserError(`config file ${p}: ${describeIssues(parsed.error)}`);
  return { path: p, config: parsed.data, found: true, text };
}

/**
 * The settings in effect with no config file: the schema's defaults, written out so that a command
 * without a config file never loads zod (test/config-schema.test.ts checks they equal the schema's).
 */
export const DEFAULT_CONFIG: FileConfig = {
  serviceName: 'claude-code',
  prometheus: { host: DEFAULT_PROMETHEUS_HOST, port: DEFAULT_PROMETHEUS_PORT },
  recentSessions: { windowHours: 24, max: 50 },
  activityLog: false,
};
