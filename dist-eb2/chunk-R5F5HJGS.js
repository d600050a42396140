import { createRequire as __cr } from 'module'; const require = __cr(import.meta.url);
import {
  estimateTokens
} from "./chunk-4KT5NHGZ.js";

// src/activity/activity-log.ts
import { homedir } from "node:os";
import { basename, join } from "node:path";
var ACTIVITY_FILE = /^activity-(\d{4}-\d{2}-\d{2})\.jsonl$/;
function activitySettings(env = process.env) {
  const dir = env.CLAUDE_LOG_DIR ? env.CLAUDE_LOG_DIR.replace(/^~(?=\/|$)/, homedir()) : join(homedir(), ".claude", "logs");
  return { dir, tokens: !/^(false|0|no|off)$/i.test(env.CLAUDE_LOG_TOKENS ?? ""), sessionId: env.CLAUDE_SESSION_ID || void 0 };
}
var activityEnabled = (configOn, env = process.env) => configOn || !!env.CLAUDE_LOG_DIR;
function fileOf(input) {
  for (const k of ["file_path", "notebook_path", "path"]) if (typeof input[k] === "string") return input[k];
  return "";
}
function activityLine(f, s) {
  const o = { timestamp: new Date(f.ts).toISOString(), session_id: s.sessionId ?? f.sessionId, tool: f.tool, file: f.file, project: basename(f.cwd) || f.cwd };
  if (s.tokens) {
    const input = estimateTokens(f.inputChars);
    const output = estimateTokens(f.resultChars);
    o.tokens = { input, output, total: input + output };
  }
  return JSON.stringify(o);
}

export {
  ACTIVITY_FILE,
  activitySettings,
  activityEnabled,
  fileOf,
  activityLine
};
