// A history with planted secrets and planted sensitive actions, in Claude Code's transcript format.
// Secrets go everywhere a user's secrets end up: Bash commands, WebFetch URLs, file paths, written
// file contents, prompts, tool output, API error text, subagent transcripts and progress copies.
// Every planted tool call states which rules it must trip: that list, not ccotel, is the truth the
// test compares against. Safe look-alikes (.env.example, echo "rm -rf", curl to localhost, a write
// inside the project) trip nothing.
import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { encodeCwd } from './hand-transcripts.js';
import { SecretFactory, type PlantedSecret } from './secrets.js';

export interface PlantedHistory {
  /** Every secret planted (each must be absent from every byte ccotel and the collector write). */
  secrets: string[];
  /** Rule id → tool calls that must trip it. */
  expectedHits: Record<string, number>;
  /** Tool-call ids of the safe look-alikes: no hit on any of them. */
  safeIds: string[];
  /** Tool calls written (main and subagent). */
  toolCalls: number;
  /** Tool calls by tool name. */
  byTool: Record<string, number>;
  /** The project directory of every planted session. */
  cwd: string;
  /** Secrets at the start of malformed lines (a JSON error message quotes the line's first bytes). */
  inBadLines: string[];
}

interface Call {
  name: string;
  input: Record<string, unknown>;
  rules: string[];
  safe?: boolean;
  /** Text of the tool output (never exported). */
  output?: string;
}

const MODEL = 'claude-sonnet-4-5-20250929';
const T0 = Date.parse('2026-03-02T09:00:00Z');
/** Formats whose bare value is recognisable on its own (a password is only one in context). */
const SELF_EVIDENT = new Set(['anthropic-key', 'openai-key', 'aws-access-key', 'github-token', 'gitlab-token', 'slack-token', 'stripe-key', 'google-api-key', 'npm-token', 'pypi-token', 'jwt']);

export function writePlantedHistory(root: string, opts: { rounds: number; seed: number; cwd?: string }): PlantedHistory {
  const cwd = opts.cwd ?? '/home/dev/src/shop';
  const dir = join(root, 'projects', encodeCwd(cwd));
  mkdirSync(dir, { recursive: true });
  const secrets: string[] = [];
  const expectedHits: Record<string, number> = {};
  const safeIds: string[] = [];
  const inBadLines: string[] = [];
  let toolCalls = 0;
  const byTool: Record<string, number> = {};
  let n = 0;
  let ts = T0;

  for (let round = 0; round < opts.rounds; round++) {
    const planted: PlantedSecret[] = new SecretFactory(opts.seed * 1000 + round).all();
    const sessionId = `5ec7e75e-0000-4000-8000-${String(round).padStart(12, '0')}`;
    const file = join(dir, `${sessionId}.jsonl`);
    const agentId = `a${round}planted`;
    const agentFile = join(dir, sessionId, 'subagents', `agent-${agentId}.jsonl`);
    mkdirSync(join(dir, sessionId, 'subagents'), { recursive: true });
    const base = { sessionId, cwd, version: '2.1.0', gitBranch: 'main', userType: 'external' };
    const write = (f: string, o: object) => appendFileSync(f, JSON.stringify(o) + '\n');

    const turn = (f: string, sidechain: boolean, prompt: string, calls: Call[], apiErrorText?: string) => {
      const extra = sidechain ? { isSidechain: true, agentId } : { isSidechain: false };
      const uuid = `u${++n}`;
      ts += 1000;
      write(f, { ...base, ...extra, type: 'user', uuid, parentUuid: null, timestamp: new Date(ts).toISOString(), message: { role: 'user', content: prompt } });
      const msgId = `msg_${n}`;
      const content = calls.map((c, i) => ({ type: 'tool_use', id: `toolu_${n}_${i}`, name: c.name, input: c.input }));
      const assistant = { ...base, ...extra, type: 'assistant', uuid: `a${n}`, parentUuid: uuid, requestId: `req_${n}`, timestamp: new Date(ts + 100).toISOString(), message: { id: msgId, type: 'message', role: 'assistant', model: MODEL, content, stop_reason: 'tool_use', usage: { input_tokens: 10, output_tokens: 5, cache_read_input_tokens: 0, cache_creation_input_tokens: 0 } } };
      write(f, assistant);
      // A progress line carries a copy of the message (Claude Code writes these for subagents).
      write(f, { ...base, ...extra, type: 'progress', uuid: `p${n}`, timestamp: new Date(ts + 150).toISOString(), data: { type: 'agent_progress', message: assistant, prompt } });
      calls.forEach((c, i) => {
        const id = `toolu_${n}_${i}`;
        toolCalls++;
        byTool[c.name] = (byTool[c.name] ?? 0) + 1;
        for (const r of c.rules) expectedHits[r] = (expectedHits[r] ?? 0) + 1;
        if (c.safe) safeIds.push(id);
        write(f, { ...base, ...extra, type: 'user', uuid: `r${n}_${i}`, parentUuid: `a${n}`, timestamp: new Date(ts + 500).toISOString(), message: { role: 'user', content: [{ type: 'tool_result', tool_use_id: id, content: c.output ?? 'ok', is_error: false }] }, toolUseResult: { stdout: c.output ?? 'ok' } });
      });
      if (apiErrorText) {
        write(f, { ...base, ...extra, type: 'assistant', uuid: `e${n}`, parentUuid: uuid, isApiErrorMessage: true, timestamp: new Date(ts + 600).toISOString(), message: { id: `msg_err_${n}`, role: 'assistant', model: '<synthetic>', content: [{ type: 'text', text: apiErrorText }], usage: { input_tokens: 0, output_tokens: 0 } } });
      }
      write(f, { ...base, ...extra, type: 'system', subtype: 'turn_duration', uuid: `d${n}`, timestamp: new Date(ts + 900).toISOString(), durationMs: 900 });
    };

    for (const [k, p] of planted.entries()) {
      secrets.push(p.secret);
      if (encodeURIComponent(p.secret) !== p.secret) secrets.push(encodeURIComponent(p.secret));
      const fetches = p.text.startsWith('curl ');
      // 1. The command as typed.
      turn(file, false, 'run it', [{ name: 'Bash', input: { command: p.text, description: 'run' }, rules: fetches ? ['secret_in_command', 'external_fetch'] : ['secret_in_command'] }]);
      // 2. Into a file the project keeps (content is scanned, never exported).
      turn(file, false, 'save it', [{ name: 'Write', input: { file_path: `${cwd}/scripts/run-${round}-${k}.sh`, content: `#!/bin/sh\n${p.text}\n` }, rules: ['secret_in_command'] }]);
      // 3. In a URL fetched.
      turn(file, false, 'fetch', [{ name: 'WebFetch', input: { url: `https://hooks.example.com/in?access_token=${encodeURIComponent(p.secret)}`, prompt: 'summarize' }, rules: ['secret_in_command', 'external_fetch'] }]);
      // 4. In a prompt and in tool output (never exported), and in an API error's text.
      turn(file, false, `my key is ${p.secret}, please use it`, [{ name: 'Read', input: { file_path: `${cwd}/README.md` }, rules: [], output: `line 1\nTOKEN=${p.secret}\n` }], p.kind === 'anthropic-key' ? `API Error: 401 invalid x-api-key ${p.secret}` : undefined);
      // 5. In a file path (only formats recognisable on their own can be found there).
      if (SELF_EVIDENT.has(p.kind)) turn(file, false, 'open', [{ name: 'Read', input: { file_path: `${cwd}/tmp/${p.secret}.txt` }, rules: [] }]);
      // 6. In a subagent's command.
      turn(agentFile, true, 'subtask', [{ name: 'Bash', input: { command: p.text }, rules: fetches ? ['secret_in_command', 'external_fetch'] : ['secret_in_command'] }]);
    }

    // A torn, malformed line that starts with a secret.
    const torn = new SecretFactory(opts.seed * 7777 + round).pw();
    inBadLines.push(torn);
    secrets.push(torn);
    appendFileSync(file, `${torn} is not a transcript line\n`);

    // Sensitive actions without secrets, and their safe look-alikes.
    turn(file, false, 'misc', [
      { name: 'Read', input: { file_path: `${cwd}/.env` }, rules: ['credential_access'] },
      { name: 'Bash', input: { command: 'cat ~/.aws/credentials | head -3' }, rules: ['credential_access'] },
      { name: 'Bash', input: { command: 'cd build && sudo rm -rf ./out' }, rules: ['destructive_command'] },
      { name: 'Bash', input: { command: 'git push --force origin main' }, rules: ['destructive_command'] },
      { name: 'Write', input: { file_path: '/tmp/scratch.sh', content: 'echo hi' }, rules: ['write_outside_project'] },
      { name: 'Edit', input: { file_path: `${cwd}/../other-repo/a.ts`, old_string: 'a', new_string: 'b' }, rules: ['write_outside_project'] },
      { name: 'WebSearch', input: { query: 'opentelemetry collector file exporter' }, rules: ['external_fetch'] },
      { name: 'Read', input: { file_path: `${cwd}/.env.example` }, rules: [], safe: true },
      { name: 'Bash', input: { command: 'echo "rm -rf /"' }, rules: [], safe: true },
      { name: 'Bash', input: { command: 'curl -s http://localhost:8080/health' }, rules: [], safe: true },
      { name: 'Write', input: { file_path: `${cwd}/src/inside.ts`, content: 'export const x = 1;\n' }, rules: [], safe: true },
      { name: 'Edit', input: { file_path: 'src/relative.ts', old_string: 'a', new_string: 'b' }, rules: [], safe: true },
    ]);
  }
  return { secrets, expectedHits, safeIds, toolCalls, byTool, cwd, inBadLines };
}
