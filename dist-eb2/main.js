#!/usr/bin/env node
import { createRequire as __cr } from 'module'; const require = __cr(import.meta.url);
import {
  VERSION
} from "./chunk-GOIYL6WC.js";
import {
  Command,
  CommanderError
} from "./chunk-ZBR56UWZ.js";
import {
  stripUserInfo
} from "./chunk-CUIUVQIK.js";
import {
  UserError
} from "./chunk-EM5NTX2M.js";

// src/cli/main.ts
var COMMANDS = {
  stats: async () => (await import("./stats-7VAZTDTM.js")).registerStats,
  run: async () => (await import("./run-TTWKSTC2.js")).registerRun,
  backfill: async () => (await import("./backfill-ZYPSSZSI.js")).registerBackfill,
  doctor: async () => (await import("./doctor-SY7POE5R.js")).registerDoctor,
  hooks: async () => (await import("./hooks-GJJOB2IU.js")).registerHooks,
  audit: async () => (await import("./audit-WD42CUY3.js")).registerAudit,
  "import-activity": async () => (await import("./import-activity-QNY3PJWW.js")).registerImportActivity,
  prune: async () => (await import("./prune-QK4FMM3P.js")).registerPrune,
  sessions: async () => (await import("./sessions-FQCMMZHO.js")).registerSessions
};
function commandsFor(args) {
  const first = args[0];
  if (first !== void 0 && Object.hasOwn(COMMANDS, first)) return [first];
  if (args.length > 0 && args.every((a) => a === "--version" || a === "-V")) return [];
  return Object.keys(COMMANDS);
}
async function buildProgram(args) {
  const program = new Command().name("ccotel").description("Claude Code observability: exact cost and activity from transcripts, exported as OpenTelemetry traces and metrics").version(VERSION).showSuggestionAfterError().exitOverride().configureOutput({ outputError: (str, write) => write(str) }).addHelpText("after", `
Examples:
  $ ccotel stats --range week          cost and activity this week, locally
  $ ccotel run                         daemon: backfill, then follow live sessions
  $ ccotel backfill --since 2026-01-01 export history once and exit
  $ ccotel doctor                      check config, transcripts, state and collector
  $ ccotel hooks install               live tool timings, permissions and notifications from hooks
  $ ccotel sessions "flaky test"       find a past session and the line that resumes it`);
  const registers = await Promise.all(commandsFor(args).map((name) => COMMANDS[name]()));
  for (const register of registers) register(program);
  return program;
}
async function main(argv) {
  try {
    const program = await buildProgram(argv.slice(2));
    await program.parseAsync(argv);
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 2;
    if (err instanceof UserError) {
      process.stderr.write(stripUserInfo(`ccotel: ${err.message}
`));
      return err.exitCode;
    }
    process.stderr.write(stripUserInfo(`ccotel: internal error: ${err?.stack ?? String(err)}
`));
    return 1;
  }
}
process.stdout.on("error", (err) => {
  if (err.code === "EPIPE") process.exit(0);
  throw err;
});
main(process.argv).then((code) => {
  if (code !== 0) process.exitCode = code;
});
export {
  buildProgram,
  commandsFor,
  main
};
