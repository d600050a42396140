// Options every command shares.
import type { Command } from 'commander';
import { parseLogLevel, type LogLevel } from '../log.js';
import type { CommonOptions } from '../config/settings.js';

export interface GlobalOptions extends CommonOptions {
  logLevel?: string;
  quiet?: boolean;
}

const collect = (v: string, prev: string[] | undefined): string[] => [...(prev ?? []), v];

export function addCommonOptions(cmd: Command): Command {
  return cmd
    .option('--claude-dir <dir>', 'Claude config directory holding projects/ (repeatable; default: $CLAUDE_CONFIG_DIR, else ~/.config/claude and ~/.claude)', collect)
    .option('--config <file>', 'config file (default: ~/.config/ccotel/config.yaml)')
    .option('--state-dir <dir>', 'where checkpoints live (default: $XDG_STATE_HOME/ccotel)')
    .option('--reset-state', 'forget checkpoints and rebuild from the transcripts (nothing is counted twice)')
    .option('--timezone <tz>', 'IANA time zone for day/week/month boundaries (default: local)')
    .addOption(cmd.createOption('--log-level <level>', 'debug | info | warn | error | silent').default('info'));
}

export function logLevelOf(o: GlobalOptions): LogLevel {
  return parseLogLevel(o.logLevel ?? 'info');
}
