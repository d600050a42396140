#!/usr/bin/env node
// ccotel's command line. Commands are thin: they parse options, open an ingest session
// (src/ingest/session.ts), pick sinks, and print. User mistakes become one line on stderr and exit code 2.
import { Command, CommanderError } from 'commander';
import { UserError } from '../errors.js';
import { stripUserInfo } from '../log.js';
import { registerStats } from './commands/stats.js';
import { registerRun } from './commands/run.js';
import { registerBackfill } from './commands/backfill.js';
import { registerDoctor } from './commands/doctor.js';
import { registerHooks } from './commands/hooks.js';
import { registerAudit } from './commands/audit.js';
import { registerImportActivity } from './commands/import-activity.js';
import { registerPrune } from './commands/prune.js';
import { registerSessions } from './commands/sessions.js';
import { VERSION } from '../version.js';

export function buildProgram(): Command {
  const program = new Command()
    .name('ccotel')
    .description('Claude Code observability: exact cost and activity from transcripts, exported as OpenTelemetry traces and metrics')
    .version(VERSION)
    .showSuggestionAfterError()
    // Set before subcommands are added: commander copies these settings into each of them.
    .exitOverride()
    .configureOutput({ outputError: (str, write) => write(str) })
    .addHelpText('after', `
Examples:
  $ ccotel stats --range week          cost and activity this week, locally
  $ ccotel run                         daemon: backfill, then follow live sessions
  $ ccotel backfill --since 2026-01-01 export history once and exit
  $ ccotel doctor                      check config, transcripts, state and collector
  $ ccotel hooks install               live tool timings, permissions and notifications from hooks
  $ ccotel sessions "flaky test"       find a past session and the line that resumes it`);
  registerStats(program);
  registerRun(program);
  registerBackfill(program);
  registerDoctor(program);
  registerHooks(program);
  registerAudit(program);
  registerImportActivity(program);
  registerPrune(program);
  registerSessions(program);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 2;
    if (err instanceof UserError) {
      process.stderr.write(stripUserInfo(`ccotel: ${err.message}\n`));
      return err.exitCode;
    }
    process.stderr.write(stripUserInfo(`ccotel: internal error: ${(err as Error)?.stack ?? String(err)}\n`));
    return 1;
  }
}

// `ccotel stats | head` closes the pipe early: that is not an error.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});

main(process.argv).then((code) => {
  // A command may already have set a non-zero exit code (doctor's failed checks).
  if (code !== 0) process.exitCode = code;
});
