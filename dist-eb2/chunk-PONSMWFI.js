import { createRequire as __cr } from 'module'; const require = __cr(import.meta.url);
import {
  Option
} from "./chunk-ZBR56UWZ.js";
import {
  parseLogLevel
} from "./chunk-CUIUVQIK.js";

// src/cli/options.ts
var collect = (v, prev) => [...prev ?? [], v];
function addCommonOptions(cmd) {
  return cmd.option("--claude-dir <dir>", "Claude config directory holding projects/ (repeatable; default: $CLAUDE_CONFIG_DIR, else ~/.config/claude and ~/.claude)", collect).option("--config <file>", "config file (default: ~/.config/ccotel/config.yaml)").option("--state-dir <dir>", "where checkpoints live (default: $XDG_STATE_HOME/ccotel)").option("--reset-state", "forget checkpoints and rebuild from the transcripts (nothing is counted twice)").option("--timezone <tz>", "IANA time zone for day/week/month boundaries (default: local)").addOption(new Option("--log-level <level>", "debug | info | warn | error | silent").default("info"));
}
function logLevelOf(o) {
  return parseLogLevel(o.logLevel ?? "info");
}

export {
  addCommonOptions,
  logLevelOf
};
