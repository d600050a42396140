// Options every command shares.
import type { Command } from 'commander';
import { parseLogLevel, type LogLevel } from '../log.js';
import type { CommonOptions } from '../config/settings.js';
import { addOptions, type OptionSpec } from './command-spec.js';

export interface GlobalOptions extends CommonOptions {
  logLevel?: string;
  quiet?: boolean;
}

export const COMMON_OPTIONS: readonly OptionSpec[] = [
  { flags: '--claude-dir <dir>', description: 'Claude config directory holding projects/ (repeatable; default: $CLAUDE_CONFIG_DIR, else ~/.config/claude and ~/.claude)', repeat: true },
  { flags: '--config <file>', description: 'config file (default: ~/.config/ccotel/config.yaml)' },
  { flags: '--state-dir <dir>', description: 'where checkpoints live (default: $XDG_STATE_HOME/ccotel)' },
  { flags: '--reset-state', description: 'forget checkpoints and rebuild from the transcripts (nothing is counted twice)' },
  { flags: '--timezone <tz>', description: 'IANA time zone for day/week/month boundaries (default: local)' },
  { flags: '--log-level <level>', description: 'debug | info | warn | error | silent', default: 'info' },
];

export function addCommonOptions(cmd: Command): Command {
  return addOptions(cmd, COMMON_OPTIONS);
}

export function logLevelOf(o: GlobalOptions): LogLevel {
  return parseLogLevel(o.logLevel ?? 'info');
}
