// `ccotel sessions` on hand-written transcripts: exact result sets for searches (terms across lines,
// Unicode case, quoted phrases, a term only in tool output), first prompts past wrappers, subagent
// files never listed, the guide's fork and migration recipes, a replaced transcript, and no secret
// from a prompt in the index. Every expectation is the set of sessions the test wrote on purpose.
import { cpSync, mkdirSync, readFileSync, readdirSync, renameSync, writeFileSync, appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireBuiltCli } from './support/ccotel-cli.js';
import { expectOneLineError, runCli } from './support/cli-process.js';


const encode = (cwd: string): string => cwd.replace(/[^A-Za-z0-9]/g, '-');
const T0 = Date.parse('2026-03-02T10:00:00Z');
let n = 0;

interface Turn {
  prompt?: string;
  meta?: boolean;
  answer?: string;
  tool?: { output: string };
}

function lines(sessionId: string, cwd: string, start: number, turns: Turn[]): string[] {
  const out: string[] = [];
  let ts = start;
  const base = () => ({ sessionId, cwd, version: '2.1.0', gitBranch: 'main', timestamp: new Date((ts += 1000)).toISOString(), uuid: `u${++n}` });
  for (const t of turns) {
    if (t.prompt !== undefined) out.push(JSON.stringify({ ...base(), type: 'user', ...(t.meta ? { isMeta: true } : {}), message: { role: 'user', content: t.prompt } }));
    if (t.answer !== undefined || t.tool) {
      const content: unknown[] = [];
      if (t.answer !== undefined) content.push({ type: 'text', text: t.answer });
      const id = `toolu_${++n}`;
      if (t.tool) content.push({ type: 'tool_use', id, name: 'Bash', input: { command: 'ls' } });
      out.push(JSON.stringify({ ...base(), type: 'assistant', requestId: `req_${n}`, message: { id: `msg_${n}`, role: 'assistant', model: 'claude-sonnet-4-5-20250929', content, usage: { input_tokens: 100, output_tokens: 50 } } }));
      if (t.tool) out.push(JSON.stringify({ ...base(), type: 'user', message: { role: 'user', content: [{ type: 'tool_result', tool_use_id: id, content: t.tool.output, is_error: false }] }, toolUseResult: { stdout: t.tool.output } }));
    }
  }
  return out;
}

function write(projects: string, cwd: string, sessionId: string, turns: Turn[], start = T0): string {
  const dir = join(projects, encode(cwd));
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${sessionId}.jsonl`);
  writeFileSync(path, lines(sessionId, cwd, start, turns).join('\n') + '\n');
  return path;
}

const sid = (k: string): string => `${k.padEnd(8, '0')}-1111-4111-8111-111111111111`;

describe('ccotel sessions', () => {
  let dir: string;
  let projects: string;
  let args: string[];
  const cli = async (...extra: string[]) => {
    const r = await runCli(['sessions', ...args, ...extra]);
    expect(r.code, r.stderr).toBe(0);
    return extra.includes('--json') ? JSON.parse(r.stdout) : r.stdout;
  };
  const ids = async (...extra: string[]): Promise<string[]> => ((await cli(...extra, '-n', '100', '--json')).sessions as Array<{ sessionId: string }>).map((s) => s.sessionId).sort();

  beforeAll(async () => {
    requireBuiltCli();
    // One history for the whole file: the cases below build on each other (fork, rename, replace).
    dir = mkdtempSync(join(tmpdir(), 'ccotel-sessions-'));
    projects = join(dir, 'claude', 'projects');
    args = ['--claude-dir', join(dir, 'claude'), '--state-dir', join(dir, 'state'), '--timezone', 'UTC'];
    write(projects, '/work/alpha', sid('a1'), [{ prompt: 'please look at the alpha\nand then the beta module', answer: 'Done with it.' }]);
    write(projects, '/work/alpha', sid('a2'), [{ prompt: 'only alpha here', answer: 'beta is never mentioned by the user, but here it is' }], T0 + 60_000);
    write(projects, '/work/unicode', sid('b1'), [{ prompt: 'Überprüfe die Größe der Datei 😀 bitte', answer: 'ÉTÉ est fini' }], T0 + 120_000);
    write(projects, '/work/quotes', sid('c1'), [{ prompt: 'the exact phrase matters' }], T0 + 180_000);
    write(projects, '/work/quotes', sid('c2'), [{ prompt: 'the phrase is not exact' }], T0 + 240_000);
    write(projects, '/work/tools', sid('d1'), [{ prompt: 'run ls', tool: { output: 'zebrafish.txt\nother.txt' }, answer: 'listed' }], T0 + 300_000);
    write(projects, '/work/wrap', sid('e1'), [
      { prompt: '<command-name>/clear</command-name>\n<command-message>clear</command-message>' },
      { prompt: '<local-command-stdout></local-command-stdout>' },
      { prompt: 'injected reminder text', meta: true },
      { prompt: 'the real first question', answer: 'an answer' },
    ], T0 + 360_000);
    // A subagent transcript of a1: never a session of its own.
    const sub = join(projects, encode('/work/alpha'), sid('a1'), 'subagents');
    mkdirSync(sub, { recursive: true });
    writeFileSync(join(sub, 'agent-x1.jsonl'), lines(sid('a1'), '/work/alpha', T0, [{ prompt: 'subagent alpha beta gamma', answer: 'gamma' }]).map((l) => l.replace('"sessionId"', '"isSidechain":true,"agentId":"x1","sessionId"')).join('\n') + '\n');
  });

  afterAll(() => (process.env.KEEP ? console.log(dir) : rmSync(dir, { recursive: true, force: true })));

  it('lists sessions, most recent first, with first typed prompts and resume lines', async () => {
    const r = await cli('--json');
    expect(r.schema).toBe('ccotel.sessions/v1');
    expect(r.sessions.map((s: { sessionId: string }) => s.sessionId)).toEqual(['e1', 'd1', 'c2', 'c1', 'b1', 'a2', 'a1'].map(sid));
    expect(Object.keys(r.sessions[0])).toEqual(['sessionId', 'path', 'project', 'start', 'end', 'durationMs', 'firstPrompt', 'costUsd', 'toolCalls', 'subagents', 'resume']);
    const e1 = r.sessions[0];
    expect(e1.firstPrompt).toBe('the real first question');
    expect(e1.resume).toBe(`cd /work/wrap && claude --resume ${sid('e1')}`);
    const d1 = r.sessions[1];
    expect(d1.toolCalls).toBe(1);
    // One call of 100 in + 50 out at Sonnet 4.5's $3/$15 per million.
    expect(d1.costUsd).toBeCloseTo((100 * 3 + 50 * 15) / 1e6, 12);
    const a1 = r.sessions.find((s: { sessionId: string }) => s.sessionId === sid('a1'));
    expect(a1.subagents).toBe(1);
    expect((await cli('-n', '2', '--json')).sessions).toHaveLength(2);
  });

  it('finds exactly the sessions holding every term', async () => {
    expect(await ids('alpha', 'beta')).toEqual([sid('a1'), sid('a2')]); // across lines; answer text counts
    expect(await ids('größe')).toEqual([sid('b1')]);
    expect(await ids('ÜBERPRÜFE', 'été')).toEqual([sid('b1')]);
    expect(await ids('😀')).toEqual([sid('b1')]);
    expect(await ids('"exact phrase"')).toEqual([sid('c1')]);
    expect(await ids('exact', 'phrase')).toEqual([sid('c1'), sid('c2')]);
    expect(await ids('zebrafish')).toEqual([]);
    expect(await ids('zebrafish', '--all-text')).toEqual([sid('d1')]);
    expect(await ids('gamma')).toEqual([]); // only in a subagent transcript
    expect(await ids('alpha', '--project', 'quotes')).toEqual([]);
    expect(await ids('injected')).toEqual([]); // isMeta lines are not prompts
    const r = await cli('größe', '--json');
    expect(r.sessions[0].matches[0].kind).toBe('prompt');
    const m = r.sessions[0].matches[0];
    expect(m.marks.map(([s, e]: [number, number]) => m.snippet.slice(s, e))).toEqual(['Größe']);
  });

  it('shows one session by a unique id prefix', async () => {
    const d = await cli('--show', sid('e1').slice(0, 6), '--json');
    expect(d.sessionId).toBe(sid('e1'));
    expect(d.prompts.map((p: { text: string }) => p.text)).toEqual(['the real first question']);
    expect(d.traceId).toMatch(/^[0-9a-f]{32}$/);
    const bad = await runCli(['sessions', ...args, '--show', 'zzzzzz']);
    expectOneLineError(bad);
  });

  it('keeps secrets typed in a prompt out of the index', async () => {
    const secret = 'sk-ant-api03-' + 'Q'.repeat(80) + 'AA';
    write(projects, '/work/secret', sid('f1'), [{ prompt: `use the key ${secret} for the deploy`, answer: `ok, ${secret}` }], T0 + 420_000);
    expect(await ids('deploy')).toEqual([sid('f1')]);
    for (const f of readdirSync(join(dir, 'state', 'sessions'))) expect(readFileSync(join(dir, 'state', 'sessions', f), 'utf8')).not.toContain('Q'.repeat(40));
  });

  it('follows the guide: a fork is listed per folder, a migrated folder once, usage counted once', async () => {
    const stats = async () => {
      const r = JSON.parse((await runCli(['stats', ...args, '--range', 'all', '--json'])).stdout);
      return { sessions: r.sessions, subagents: r.subagents, requests: r.requests, tokens: r.tokens, costUSD: r.costUSD };
    };
    // Written above: 8 sessions, 7 calls of 100 in + 50 out (a1, its subagent, a2, b1, d1, e1, f1).
    const expected = { sessions: 8, subagents: 1, requests: 7, tokens: { input: 700, output: 350, cacheCreation: 0, cacheRead: 0, total: 1050 }, costUSD: (7 * (100 * 3 + 50 * 15)) / 1e6 };
    const statsBefore = await stats();
    expect({ ...statsBefore, costUSD: Math.round(statsBefore.costUSD * 1e9) }).toEqual({ ...expected, costUSD: Math.round(expected.costUSD * 1e9) });
    // Fork: cp -n of a1 (and its subagents/) into /work/quotes's folder.
    const from = join(projects, encode('/work/alpha'));
    const to = join(projects, encode('/work/quotes'));
    cpSync(join(from, `${sid('a1')}.jsonl`), join(to, `${sid('a1')}.jsonl`));
    cpSync(join(from, sid('a1')), join(to, sid('a1')), { recursive: true });
    const r = await cli('alpha', 'beta', '-n', '100', '--json');
    const a1 = r.sessions.filter((s: { sessionId: string }) => s.sessionId === sid('a1'));
    expect(a1.map((s: { resume: string }) => s.resume).sort()).toEqual([`cd /work/alpha && claude --resume ${sid('a1')}`, `cd /work/quotes && claude --resume ${sid('a1')}`]);
    expect(await stats()).toEqual(statsBefore);
    // Migration: the tools folder renamed; the session is listed once, under the new folder.
    renameSync(join(projects, encode('/work/tools')), join(projects, encode('/work/tools2')));
    const moved = (await cli('--all-text', 'zebrafish', '--json')).sessions;
    expect(moved.map((s: { path: string }) => s.path)).toEqual([join(projects, encode('/work/tools2'), `${sid('d1')}.jsonl`)]);
    expect(await stats()).toEqual(statsBefore);
  });

  it('forgets the text of a replaced transcript and indexes what is appended', async () => {
    const path = join(projects, encode('/work/quotes'), `${sid('c2')}.jsonl`);
    writeFileSync(path, lines(sid('c2'), '/work/quotes', T0 + 240_000, [{ prompt: 'a completely different question about kiwis' }]).join('\n') + '\n');
    expect(await ids('phrase', 'exact')).toEqual([sid('c1')]);
    expect(await ids('kiwis')).toEqual([sid('c2')]);
    appendFileSync(path, lines(sid('c2'), '/work/quotes', T0 + 500_000, [{ prompt: 'and mangos too' }]).join('\n') + '\n');
    expect(await ids('kiwis', 'mangos')).toEqual([sid('c2')]);
    // --rebuild gives the same answers.
    await cli('--rebuild', '--json');
    expect(await ids('kiwis', 'mangos')).toEqual([sid('c2')]);
    expect(await ids('alpha', 'beta')).toEqual([sid('a1'), sid('a1'), sid('a2')]);
  });
});
