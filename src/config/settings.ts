// The settings in effect for one command: where things are (locate.ts), prices and the
// sensitive-action rules, resolved once (flags > environment > config file > defaults).
import type { Pricer } from '../pricing/cost.js';
import { pricesFor } from './prices.js';
import { loadConfigFile } from './rules.js';
import { locate, type CommonOptions, type Located } from './locate.js';
import { createDetector, type Detector, type RuleConfig } from '../detection/engine.js';
import { configureRedaction } from '../detection/redact.js';

export type { CommonOptions } from './locate.js';

export interface Settings extends Located {
  pricer: Pricer;
  flatRate: boolean;
  /** The sensitive-action rules in effect (built-in, adjusted and extended by the config). */
  detector: Detector;
  /** The config file's rule entries (overrides of built-in rules and the user's own), for doctor. */
  rules: RuleConfig[];
}

export function loadSettings(o: CommonOptions, env: NodeJS.ProcessEnv = process.env): Settings {
  const file = loadConfigFile(o.config, env);
  const { detection, config } = file;
  // Redaction runs deep in the model (no settings there): the user's patterns are set once, here.
  configureRedaction(detection.redaction);
  return {
    ...locate(o, env, file),
    ...pricesFor(config, env),
    detector: createDetector(detection.rules),
    rules: detection.rules,
  };
}
