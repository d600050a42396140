// Where things are for one command: config file, transcript roots, state directory and time zone
// (flags > environment > config file > defaults). What `ccotel sessions` needs to ask a running
// daemon; settings.ts adds prices and the sensitive-action rules for commands that read transcripts.
import { defaultStateDir, readConfigFile, type ConfigFile, type FileConfig } from './config.js';
import { expandHome } from './schema.js';
import { resolveRoots, type Root } from '../sources/roots.js';
import { checkTimeZone, localTimeZone } from '../calendar/time-range.js';

export interface CommonOptions {
  claudeDir?: string[];
  config?: string;
  stateDir?: string;
  resetState?: boolean;
  timezone?: string;
}

export interface Located {
  config: FileConfig;
  configPath: string;
  configFound: boolean;
  roots: Root[];
  stateDir: string;
  timezone: string;
}

/** The locations in effect, from the config file already read (or read here). */
export function locate(o: CommonOptions, env: NodeJS.ProcessEnv = process.env, file: ConfigFile = readConfigFile(o.config, env)): Located {
  const { config } = file;
  return {
    config,
    configPath: file.path,
    configFound: file.found,
    roots: resolveRoots(o.claudeDir?.length ? o.claudeDir.map(expandHome) : config.claudeDirs, env),
    stateDir: o.stateDir !== undefined ? expandHome(o.stateDir) : (config.stateDir ?? defaultStateDir(env)),
    timezone: checkTimeZone(o.timezone ?? config.timezone ?? localTimeZone()),
  };
}
