// Small hand-written transcripts: one session per call, one prompt and one priced model call each,
// at a chosen instant. Tests compute their expected numbers from the same plain values (token
// counts, price per million) with their own arithmetic, never through ccotel.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface HandCall {
  sessionId: string;
  cwd: string;
  ts: number;
  model?: string;
  input: number;
  output: number;
  cacheCreation?: number;
  cacheRead?: number;
  /** Tool calls made by the reply, each answered by a tool_result line at `endTs`. */
  tools?: HandTool[];
}

export interface HandTool {
  id: string;
  name: string;
  input: Record<string, unknown>;
  isError: boolean;
  endTs: number;
}

/** Claude Code's folder name for a cwd: every non-alphanumeric becomes '-'. */
export const encodeCwd = (cwd: string): string => cwd.replace(/[^A-Za-z0-9]/g, '-');

/** Lines of one session: a user prompt, then the assistant's reply with usage. */
export function sessionLines(c: HandCall): string[] {
  const iso = new Date(c.ts).toISOString();
  const base = { sessionId: c.sessionId, cwd: c.cwd, version: '2.1.0', gitBranch: 'main', isSidechain: false, userType: 'external' };
  const prompt = { ...base, type: 'user', uuid: `${c.sessionId}-u1`, parentUuid: null, timestamp: iso, message: { role: 'user', content: `question of ${c.sessionId}` } };
  const reply = {
    ...base,
    type: 'assistant',
    uuid: `${c.sessionId}-a1`,
    parentUuid: `${c.sessionId}-u1`,
    timestamp: iso,
    requestId: `req_${c.sessionId}`,
    message: {
      id: `msg_${c.sessionId}`,
      type: 'message',
      role: 'assistant',
      model: c.model ?? 'claude-sonnet-4-6',
      content: [{ type: 'text', text: 'answer' }, ...(c.tools ?? []).map((t) => ({ type: 'tool_use', id: t.id, name: t.name, input: t.input }))],
      stop_reason: 'end_turn',
      usage: { input_tokens: c.input, output_tokens: c.output, cache_creation_input_tokens: c.cacheCreation ?? 0, cache_read_input_tokens: c.cacheRead ?? 0 },
    },
  };
  const results = (c.tools ?? []).map((t, i) => ({
    ...base,
    type: 'user',
    uuid: `${c.sessionId}-r${i}`,
    parentUuid: `${c.sessionId}-a1`,
    timestamp: new Date(t.endTs).toISOString(),
    message: { role: 'user', content: [{ type: 'tool_result', tool_use_id: t.id, content: t.isError ? 'failed' : 'done', is_error: t.isError }] },
  }));
  return [JSON.stringify(prompt), JSON.stringify(reply), ...results.map((r) => JSON.stringify(r))];
}

/** Writes each call as its own session file under <root>/projects/<encoded cwd>/<sessionId>.jsonl. */
export function writeSessions(root: string, calls: readonly HandCall[]): void {
  for (const c of calls) {
    const dir = join(root, 'projects', encodeCwd(c.cwd));
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `${c.sessionId}.jsonl`), sessionLines(c).join('\n') + '\n');
  }
}
