// The monitoring guide's activity log: `$CLAUDE_LOG_DIR/activity-YYYY-MM-DD.jsonl`, one JSON object
// per tool call with exactly its fields, so the guide's jq recipes keep working:
//   {"timestamp","session_id","tool","file","project","tokens":{"input","output","total"}}
// Its settings are the guide's environment variables: CLAUDE_LOG_DIR (default ~/.claude/logs),
// CLAUDE_LOG_TOKENS=false (no `tokens`), CLAUDE_SESSION_ID (overrides the session id).
import { homedir } from 'node:os';
import { basename, join } from 'node:path';
import { estimateTokens } from '../model/hook-payload.js';

export const ACTIVITY_FILE = /^activity-(\d{4}-\d{2}-\d{2})\.jsonl$/;

export interface ActivitySettings {
  dir: string;
  tokens: boolean;
  sessionId?: string;
}

/** Where and how the guide's logger would write, from its environment variables. */
export function activitySettings(env: NodeJS.ProcessEnv = process.env): ActivitySettings {
  const dir = env.CLAUDE_LOG_DIR ? env.CLAUDE_LOG_DIR.replace(/^~(?=\/|$)/, homedir()) : join(homedir(), '.claude', 'logs');
  return { dir, tokens: !/^(false|0|no|off)$/i.test(env.CLAUDE_LOG_TOKENS ?? ''), sessionId: env.CLAUDE_SESSION_ID || undefined };
}

/** On when the config says so or CLAUDE_LOG_DIR is set (the guide's own switch). */
export const activityEnabled = (configOn: boolean, env: NodeJS.ProcessEnv = process.env): boolean => configOn || !!env.CLAUDE_LOG_DIR;

export interface ToolCallFacts {
  /** End of the call (epoch ms): the moment the guide's PostToolUse logger runs. */
  ts: number;
  sessionId: string;
  cwd: string;
  tool: string;
  file: string;
  inputChars: number;
  resultChars: number;
}

/** The file a tool call's `tool_input` names (the guide's `file`), or "". */
export function fileOf(input: Record<string, unknown>): string {
  for (const k of ['file_path', 'notebook_path', 'path']) if (typeof input[k] === 'string') return input[k];
  return '';
}

/** One line (without newline), fields in the guide's order; tokens at ~4 characters per token. */
export function activityLine(f: ToolCallFacts, s: ActivitySettings): string {
  const o: Record<string, unknown> = { timestamp: new Date(f.ts).toISOString(), session_id: s.sessionId ?? f.sessionId, tool: f.tool, file: f.file, project: basename(f.cwd) || f.cwd };
  if (s.tokens) {
    const input = estimateTokens(f.inputChars);
    const output = estimateTokens(f.resultChars);
    o.tokens = { input, output, total: input + output };
  }
  return JSON.stringify(o);
}
