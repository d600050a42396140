#!/usr/bin/env node
// ccotel's command line. Commands are thin: they parse options, open an ingest session
// (src/ingest/session.ts), pick sinks, and print. User mistakes become one line on stderr and exit code 2.
import { createRequire } from 'node:module';
import type * as Commander from 'commander';
import { UserError } from '../errors.js';
import { stripUserInfo } from '../log.js';
import { VERSION } from '../version.js';
import { quickParse, type CommandSpec } from './command-spec.js';
import { QUICK_COMMANDS, type QuickCommand } from './quick-commands.js';

// commander through require (its CommonJS build: the ESM wrapper costs ~8 ms more), and only when
// it is needed: `stats` and `sessions` read an ordinary command line without it (QUICK below).
let commander: typeof Commander | undefined;
const loadCommander = (): typeof Commander => (commander ??= createRequire(import.meta.url)('commander') as typeof Commander);
type Command = Commander.Command;

// Each command's module (and with it its whole dependency tree) loads only when that command runs:
// `ccotel sessions` does not pay for the exporters, doctor's checks or the hooks installer. The
// order here is the order `--help` lists them in.
const COMMANDS: Record<string, () => Promise<(program: Command) => void>> = {
  stats: async () => (await import('./commands/stats.js')).registerStats,
  run: async () => (await import('./commands/run.js')).registerRun,
  backfill: async () => (await import('./commands/backfill.js')).registerBackfill,
  doctor: async () => (await import('./commands/doctor.js')).registerDoctor,
  hooks: async () => (await import('./commands/hooks.js')).registerHooks,
  audit: async () => (await import('./commands/audit.js')).registerAudit,
  'import-activity': async () => (await import('./commands/import-activity.js')).registerImportActivity,
  prune: async () => (await import('./commands/prune.js')).registerPrune,
  sessions: async () => (await import('./commands/sessions.js')).registerSessions,
};

/**
 * Commands whose ordinary command lines are read without loading commander (cli/command-spec.ts):
 * the short readers, where commander's ~10 ms is a tenth of the answer. Help and mistakes still go
 * through commander.
 */
const QUICK: Record<QuickCommand, () => Promise<CommandSpec<never>>> = {
  stats: async () => (await import('./commands/stats.js')).statsCommand,
  sessions: async () => (await import('./commands/sessions.js')).sessionsCommand,
};

/**
 * The commands to register for these arguments (without node and the script): the named command
 * alone; none for `--version`; every one otherwise (`--help`, `help <cmd>`, no command, a typo that
 * commander answers with a suggestion). The program's own options take no value, so a command name
 * can only be the first argument.
 */
export function commandsFor(args: readonly string[]): string[] {
  const first = args[0];
  if (first !== undefined && Object.hasOwn(COMMANDS, first)) return [first];
  if (args.length > 0 && args.every((a) => a === '--version' || a === '-V')) return [];
  return Object.keys(COMMANDS);
}

export async function buildProgram(args: readonly string[]): Promise<Command> {
  const program = new (loadCommander().Command)()
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
  const registers = await Promise.all(commandsFor(args).map((name) => COMMANDS[name]!()));
  for (const register of registers) register(program);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  try {
    const args = argv.slice(2);
    const name = args[0] ?? '';
    if (Object.hasOwn(QUICK, name)) {
      const spec = await QUICK[name as QuickCommand]();
      const quick = quickParse(args.slice(1), spec);
      if (quick) {
        await spec.run(quick.words, quick.o);
        return 0;
      }
    }
    const program = await buildProgram(args);
    await program.parseAsync(argv);
    return 0;
  } catch (err) {
    if (commander && err instanceof commander.CommanderError) return err.exitCode === 0 ? 0 : 2;
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

// Short readers exit as soon as their output is written. Node's natural exit first waits for V8's
// background tasks (optimizing compiles, GC), 20–40 ms that a warm `stats` or `sessions` has no use
// for. Their actions await everything they start (state closed, lock released), so nothing is cut.
const EXIT_WHEN_DONE = new Set<string>(QUICK_COMMANDS);

main(process.argv).then((code) => {
  // A command may already have set a non-zero exit code (doctor's failed checks).
  if (code !== 0) process.exitCode = code;
  if (EXIT_WHEN_DONE.has(process.argv[2] ?? '')) {
    process.stdout.write('', () => process.stderr.write('', () => process.exit()));
  }
});
