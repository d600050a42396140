// The settings in effect for one command: config file, roots, state directory, time zone and
// prices, resolved once (flags > environment > config file > defaults).
import { Pricer } from '../pricing/cost.js';
import { loadConfigFile, priceTable, defaultStateDir, type FileConfig } from './config.js';
import { expandHome } from './schema.js';
import { resolveRoots, type Root } from '../sources/roots.js';
import { checkTimeZone, localTimeZone } from '../calendar/time-range.js';
import { createDetector, type Detector, type RuleConfig } from '../detection/engine.js';
import { configureRedaction } from '../detection/redact.js';

export interface CommonOptions {
  claudeDir?: string[];
  config?: string;
  stateDir?: string;
  resetState?: boolean;
  timezone?: string;
}

export interface Settings {
  config: FileConfig;
  configPath: string;
  configFound: boolean;
  roots: Root[];
  stateDir: string;
  timezone: string;
  pricer: Pricer;
  flatRate: boolean;
  /** The sensitive-action rules in effect (built-in, adjusted and extended by the config). */
  detector: Detector;
  /** The config file's rule entries (overrides of built-in rules and the user's own), for doctor. */
  rules: RuleConfig[];
}

export function loadSettings(o: CommonOptions, env: NodeJS.ProcessEnv = process.env): Settings {
  const { path, config, found, detection } = loadConfigFile(o.config, env);
  // Redaction runs deep in the model (no settings there): the user's patterns are set once, here.
  configureRedaction(detection.redaction);
  const roots = resolveRoots(o.claudeDir?.length ? o.claudeDir.map(expandHome) : config.claudeDirs, env);
  const { table, flatRate } = priceTable(config, env);
  return {
    config,
    configPath: path,
    configFound: found,
    roots,
    stateDir: o.stateDir !== undefined ? expandHome(o.stateDir) : (config.stateDir ?? defaultStateDir(env)),
    timezone: checkTimeZone(o.timezone ?? config.timezone ?? localTimeZone()),
    pricer: new Pricer(table, { prefixKeys: new Set(Object.keys(config.pricing ?? {})) }),
    flatRate,
    detector: createDetector(detection.rules),
    rules: detection.rules,
  };
}

