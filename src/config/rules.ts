// The config file with its sensitive-action rules and redaction patterns checked too (they get
// their own checks, which name the line: docs/security.md). Apart from config.ts, so a command that
// only needs to know where things are (`ccotel sessions` asking the daemon) never loads detection.
import { UserError } from '../errors.js';
import { checkDetectionConfig, DetectionConfigError, type DetectionConfig } from '../detection/rule-config.js';
import { readConfigFile, type ConfigFile } from './config.js';

const NO_DETECTION: DetectionConfig = { rules: [], redaction: [] };

export function loadConfigFile(path: string | undefined, env: NodeJS.ProcessEnv = process.env): ConfigFile & { detection: DetectionConfig } {
  const file = readConfigFile(path, env);
  if (file.text === undefined) return { ...file, detection: NO_DETECTION };
  try {
    return { ...file, detection: checkDetectionConfig(file.text, file.config.rules, file.config.redaction) };
  } catch (err) {
    if (!(err instanceof DetectionConfigError)) throw err;
    throw new UserError(`config file ${file.path}${err.line !== undefined ? ` line ${err.line}` : ''}: ${err.reason}`);
  }
}
