// `ccotel sessions` against transcripts written here, so every expected result set is known without
// asking ccotel: CJK, accents and Greek final sigma (Unicode case folding), a term only in a
// subagent's tool output, --since/--until/--project, --show's files (subagents' included); then a
// session that grows, is truncated and is replaced (new inode) while `ccotel run` follows it, with
// the answers read from the daemon's index once it committed: new text found, old text gone, every
// session listed once.
import { createServer, type Socket } from 'node:net';
import { appendFileSync, existsSync, rmSync, mkdirSync, readFileSync, readdirSync, renameSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { probablyFreePort, onCleanup, tempDir, useCleanups } from './support/temp.js';
import { REPO, requireBuiltCli } from './support/ccotel-cli.js';
import { killCli, runCli, startCli } from './support/cli-process.js';
import { waitFor } from './support/wait.js';

useCleanups();

const encode = (cwd: string): string => cwd.replace(/[^A-Za-z0-9]/g, '-');
const sid = (k: string): string => `${k.padEnd(8, '0')}-2222-4222-8222-222222222222`;
const DAY = 86_400_000;
let n = 0;

interface Turn {
  prompt?: string;
  answer?: string;
  /** A tool call: its name, input and output. */
  tool?: { name: string; input: Record<string, unknown>; output: string };
}

function lines(sessionId: string, cwd: string, start: number, turns: Turn[], agentId?: string): string {
  let ts = start;
  const base = () => ({ sessionId, cwd, version: '2.1.0', gitBranch: 'main', timestamp: new Date((ts += 1000)).toISOString(), uuid: `u${++n}-${sessionId.slice(0, 4)}`, ...(agentId ? { isSidechain: true, agentId } : {}) });
  const out: string[] = [];
  for (const t of turns) {
    if (t.prompt !== undefined) out.push(JSON.stringify({ ...base(), type: 'user', message: { role: 'user', content: t.prompt } }));
    if (t.answer !== undefined || t.tool) {
      const content: unknown[] = [];
      if (t.answer !== undefined) content.push({ type: 'text', text: t.answer });
      const id = `toolu_${++n}`;
      if (t.tool) content.push({ type: 'tool_use', id, name: t.tool.name, input: t.tool.input });
      out.push(JSON.stringify({ ...base(), type: 'assistant', requestId: `req_${n}`, message: { id: `msg_${n}`, role: 'assistant', model: 'claude-sonnet-4-5-20250929', content, usage: { input_tokens: 10, output_tokens: 5 } } }));
      if (t.tool) out.push(JSON.stringify({ ...base(), type: 'user', message: { role: 'user', content: [{ type: 'tool_result', tool_use_id: id, content: t.tool.output, is_error: false }] } }));
    }
  }
  return out.join('\n') + '\n';
}

function write(projects: string, cwd: string, sessionId: string, start: number, turns: Turn[]): string {
  const dir = join(projects, encode(cwd));
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${sessionId}.jsonl`);
  writeFileSync(path, lines(sessionId, cwd, start, turns));
  return path;
}

describe('ccotel sessions: planted history', () => {
  let args: string[];
  let projects: string;
  const cli = async (...extra: string[]) => {
    const r = await runCli(['sessions', ...args, ...extra]);
    expect(r.code, r.stderr).toBe(0);
    return extra.includes('--json') ? JSON.parse(r.stdout) : r.stdout;
  };
  /** Who answered a listing: the daemon's line at debug level, or '' when this process read the index. */
  const who = async (): Promise<string> => {
    const r = await runCli(['sessions', ...args, '--json', '--log-level', 'debug']);
    expect(r.code, r.stderr).toBe(0);
    return /answered by the running ccotel \(pid \d+\)/.exec(r.stderr)?.[0] ?? '';
  };
  /** A fresh history and state folder for one test: sets `projects` and `args`. */
  const fresh = async (name: string): Promise<{ dir: string; state: string }> => {
    const dir = await tempDir(name);
    const state = join(dir, 'state');
    projects = join(dir, 'claude', 'projects');
    args = ['--claude-dir', join(dir, 'claude'), '--state-dir', state, '--timezone', 'UTC'];
    return { dir, state };
  };
  const ids = async (...extra: string[]): Promise<string[]> => ((await cli(...extra, '-n', '100', '--json')).sessions as Array<{ sessionId: string }>).map((s) => s.sessionId).sort();

  beforeAll(() => requireBuiltCli());

  it('finds exactly the planted sessions: Unicode, filters, subagent tool output, files touched', async () => {
    const { dir } = await fresh('sessions-planted');
    const D1 = Date.parse('2026-04-01T09:00:00Z');
    const D2 = Date.parse('2026-04-03T23:30:00Z');
    const D3 = Date.parse('2026-04-06T12:00:00Z');
    write(projects, '/srv/shop', sid('c1'), D1, [{ prompt: 'データベースの移行を確認して', answer: '移行は完了しました' }]);
    write(projects, '/srv/shop', sid('c2'), D2, [{ prompt: 'Σοφία wrote the café menu', answer: 'the menu is ready' }]);
    write(projects, '/srv/blog', sid('c3'), D3, [{ prompt: 'publish the post', answer: 'ΣΟΦΙΑΣ approved it' }]);
    const c4 = write(projects, '/srv/blog', sid('c4'), D3 + 3600_000, [
      { prompt: 'edit the header', tool: { name: 'Edit', input: { file_path: '/srv/blog/header.html', old_string: 'a', new_string: 'b' }, output: 'ok' } },
      { tool: { name: 'Read', input: { file_path: '/srv/blog/header.html' }, output: 'ok' } },
    ]);
    // c4's subagent reads a file and sees a word nowhere else; it is not a session of its own.
    const sub = join(c4.replace(/\.jsonl$/, ''), 'subagents');
    mkdirSync(sub, { recursive: true });
    writeFileSync(join(sub, 'agent-q1.jsonl'), lines(sid('c4'), '/srv/blog', D3 + 3700_000, [{ prompt: 'look around', tool: { name: 'Read', input: { file_path: '/srv/blog/footer.html' }, output: 'the footer mentions platypus' } }], 'q1'));

    expect(await ids()).toEqual(['c1', 'c2', 'c3', 'c4'].map(sid));
    expect(await ids('移行')).toEqual([sid('c1')]); // CJK: a substring, no word boundaries
    expect(await ids('データベース', '完了')).toEqual([sid('c1')]); // prompt and answer together
    expect(await ids('CAFÉ')).toEqual([sid('c2')]);
    expect(await ids('σοφία')).toEqual([sid('c2')]); // Σοφία
    expect(await ids('σοφιας')).toEqual([sid('c3')]); // ΣΟΦΙΑΣ: final sigma folds to the same letter
    expect(await ids('menu', 'the')).toEqual([sid('c2')]);
    expect(await ids('"the menu is"')).toEqual([sid('c2')]);
    expect(await ids('"menu the"')).toEqual([]);
    expect(await ids('platypus')).toEqual([]);
    expect(await ids('platypus', '--all-text')).toEqual([]); // subagent text is not the session's
    expect(await ids('the', '--project', 'blog')).toEqual([sid('c3'), sid('c4')]);
    expect(await ids('the', '--project', 'SHOP')).toEqual([sid('c2')]);
    expect(await ids('--since', '2026-04-02')).toEqual(['c2', 'c3', 'c4'].map(sid));
    expect(await ids('--until', '2026-04-03')).toEqual(['c1', 'c2'].map(sid)); // --until takes its whole day
    expect(await ids('--since', '2026-04-02', '--until', '2026-04-05')).toEqual([sid('c2')]);
    expect(await ids('--since', '2026-04-07')).toEqual([]);

    const show = await cli('--show', sid('c4').slice(0, 8), '--json');
    expect(show.files).toEqual([
      { path: '/srv/blog/footer.html', tools: ['Read'] },
      { path: '/srv/blog/header.html', tools: ['Edit', 'Read'] },
    ]);
    expect(show.tools).toEqual([{ name: 'Read', calls: 2, errors: 0 }, { name: 'Edit', calls: 1, errors: 0 }]);
    expect(show.subagents).toEqual([{ agentId: 'q1', modelCalls: 1, toolCalls: 1 }]);
    // 3 calls (two of c4, one of its subagent) of 10 in + 5 out at $3/$15 per million.
    expect(Math.round(show.costUsd * 1e9)).toBe(3 * (10 * 3000 + 5 * 15000));
    expect(show.models).toEqual([{ model: 'claude-sonnet-4-5-20250929', calls: 3, tokens: 45, costUsd: show.costUsd }]);
  });

  it('follows a session that grows, is truncated and is replaced while ccotel run indexes it', async () => {
    const { dir, state } = await fresh('sessions-live');
    const now = Date.now() - 3600_000;
    const grow = write(projects, '/srv/live', sid('l1'), now, [{ prompt: 'start with apples', answer: 'apples noted' }]);
    const cut = write(projects, '/srv/live', sid('l2'), now - DAY, [{ prompt: 'bananas first', answer: 'ok' }, { prompt: 'then cherries', answer: 'ok' }]);
    const swap = write(projects, '/srv/live', sid('l3'), now - 2 * DAY, [{ prompt: 'durian question', answer: 'durian answer' }]);
    const port = await probablyFreePort();
    const run = startCli(['run', ...args, '--prometheus-port', String(port), '--log-format', 'text']);
    onCleanup(() => killCli(run));
    const index = join(state, 'sessions', 'text.ndjson');
    const indexed = (word: string) => () => {
      try {
        return readFileSync(index, 'utf8').includes(word) || undefined;
      } catch {
        return undefined;
      }
    };
    await waitFor(indexed('durian'), { timeoutMs: 30_000, what: 'the daemon indexing the history' });

    // Grows: a prompt appended is found once the daemon committed it, and the session stays one row.
    appendFileSync(grow, lines(sid('l1'), '/srv/live', now + 60_000, [{ prompt: 'now add elderberries' }]));
    await waitFor(indexed('elderberries'), { timeoutMs: 30_000, what: 'the appended prompt in the index' });
    // Truncated (same file, shorter): only what it holds now.
    truncateSync(cut, 0);
    appendFileSync(cut, lines(sid('l2'), '/srv/live', now - DAY, [{ prompt: 'figs only' }]));
    await waitFor(indexed('figs'), { timeoutMs: 30_000, what: 'the truncated file re-read' });
    // Replaced: a new file renamed over it (a new inode), as an editor or a sync tool does.
    const tmp = `${swap}.tmp`;
    writeFileSync(tmp, lines(sid('l3'), '/srv/live', now - 2 * DAY, [{ prompt: 'guava question', answer: 'guava answer' }]));
    renameSync(tmp, swap);
    await waitFor(indexed('guava'), { timeoutMs: 30_000, what: 'the replaced file re-read' });

    const check = async (when: string) => {
      expect(await ids('elderberries'), when).toEqual([sid('l1')]);
      expect(await ids('apples', 'elderberries'), when).toEqual([sid('l1')]);
      expect(await ids('figs'), when).toEqual([sid('l2')]);
      expect(await ids('bananas'), when).toEqual([]);
      expect(await ids('cherries'), when).toEqual([]);
      expect(await ids('guava'), when).toEqual([sid('l3')]);
      expect(await ids('durian'), when).toEqual([]);
      const all = (await cli('-n', '100', '--json')).sessions as Array<{ sessionId: string; path: string; firstPrompt: string }>;
      expect(all.map((s) => s.sessionId).sort(), when).toEqual(['l1', 'l2', 'l3'].map(sid));
      expect(Object.fromEntries(all.map((s) => [s.sessionId, s.firstPrompt])), when).toEqual({ [sid('l1')]: 'start with apples', [sid('l2')]: 'figs only', [sid('l3')]: 'guava question' });
      const shown = await cli('--show', sid('l1').slice(0, 8), '--json');
      expect(shown.prompts.map((p: { text: string }) => p.text), when).toEqual(['start with apples', 'now add elderberries']);
      // The replaced and the truncated files show only what they hold now.
      for (const [k, prompts] of [['l2', ['figs only']], ['l3', ['guava question']]] as const) {
        const d = await cli('--show', sid(k).slice(0, 8), '--json');
        expect(d.prompts.map((p: { text: string }) => p.text), `${when} ${k}`).toEqual(prompts);
      }
    };
    // The listings above read the catalog snapshot the daemon wrote after indexing the history, and
    // replayed what the daemon appended since (catalog-snapshot.ts): the journal is past it.
    const snapshot = JSON.parse(readFileSync(join(state, 'sessions', 'catalog.json'), 'utf8').split('\n')[0]!) as { metaBytes: number };
    expect(snapshot.metaBytes).toBeGreaterThan(0);
    expect(statSync(join(state, 'sessions', 'meta.ndjson')).size).toBeGreaterThan(snapshot.metaBytes);
    // Beside the daemon, the daemon answers (from memory, over its query socket): the same answers.
    await waitFor(() => existsSync(join(state, 'query.sock')) || undefined, { timeoutMs: 30_000, what: 'the daemon answering queries' });
    await check('beside the daemon');
    expect(await who(), 'beside the daemon').toBe(`answered by the running ccotel (pid ${run.child.pid})`);
    run.child.kill('SIGTERM');
    const r = await run.done;
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(join(state, 'query.sock')), 'a stopped daemon removes its socket').toBe(false);
    // The daemon's index alone (nothing new to read): the same answers.
    await check('from the index the daemon left');
    expect(await who(), 'no daemon').toBe('');
  });

  it('a killed daemon\'s socket, something else on it, or a silent one: the command reads the index itself, same answers', async () => {
    const { dir, state } = await fresh('sessions-socket');
    const now = Date.now() - 3600_000;
    write(projects, '/srv/k', sid('k1'), now, [{ prompt: 'kiwi plan', answer: 'kiwi done' }]);
    write(projects, '/srv/k', sid('k2'), now - DAY, [{ prompt: 'lime plan', answer: 'lime done' }]);
    const sock = join(state, 'query.sock');
    const port = await probablyFreePort();
    const run = startCli(['run', ...args, '--prometheus-port', String(port), '--log-format', 'text']);
    onCleanup(() => killCli(run));
    await waitFor(() => existsSync(sock) || undefined, { timeoutMs: 30_000, what: 'the daemon answering queries' });
    const expectAnswers = async (when: string) => {
      expect(await ids('kiwi'), when).toEqual([sid('k1')]);
      expect(await ids(), when).toEqual([sid('k1'), sid('k2')].sort());
      expect((await cli('--show', sid('k2').slice(0, 8), '--json')).prompts.map((p: { text: string }) => p.text), when).toEqual(['lime plan']);
      // A user's mistake is the same one line whoever answers.
      const bad = await runCli(['sessions', ...args, '--show', 'ffffffff']);
      expect([bad.code, bad.stderr.trim().split('\n').length, /^ccotel: /.test(bad.stderr)], `${when}: ${bad.stderr}`).toEqual([2, 1, true]);
    };
    await expectAnswers('the daemon');
    expect(await who()).toBe(`answered by the running ccotel (pid ${run.child.pid})`);
    const search = await runCli(['sessions', ...args, 'kiwi', '--json', '--log-level', 'debug']);
    expect(search.stderr, 'a search of prompts and answers: the daemon runs it').toMatch(/answered by the running ccotel/);
    const allText = await runCli(['sessions', ...args, '--all-text', 'kiwi', '--json', '--log-level', 'debug']);
    // A search of tool output never runs in the daemon's loop: it names its candidates, the command
    // searches the journals (without reading transcripts or state), then it gives the found rows.
    expect(allText.stderr, 'a search of tool output is run here').not.toMatch(/answered by the running ccotel|reading the state here/);
    expect(allText.stderr).toMatch(new RegExp(`searched here, in the order the running ccotel gave \\(pid ${run.child.pid}\\)`));
    expect(JSON.parse(allText.stdout).sessions.map((x: { sessionId: string }) => x.sessionId)).toEqual([sid('k1')]);
    expect(JSON.parse(allText.stdout).sessions[0].matches.length).toBeGreaterThan(0);
    expect(JSON.parse(allText.stdout).sessions[0].costUsd).toBe((await cli('kiwi', '--json')).sessions[0].costUsd);
    expect((await cli('--all-text', 'kiwi', 'zqxjvw', '--json')).sessions).toEqual([]);
    // A session that appears, then is deleted: the daemon lists it, then no longer (it asks its
    // watcher, not the file system, which file exists).
    const doomed = write(projects, '/srv/k', sid('k3'), now + 60_000, [{ prompt: 'quince plan' }]);
    await waitFor(async () => ((await ids()).includes(sid('k3')) ? true : undefined), { timeoutMs: 30_000, what: 'the new session listed by the daemon' });
    rmSync(doomed);
    await waitFor(async () => (!(await ids()).includes(sid('k3')) ? true : undefined), { timeoutMs: 30_000, what: 'the deleted session gone from the daemon\'s answers' });
    expect(await who()).toBe(`answered by the running ccotel (pid ${run.child.pid})`);
    // Other transcript folders than the daemon reads: not its question to answer.
    const other = join(dir, 'other');
    write(join(other, 'projects'), '/srv/m', sid('m1'), now, [{ prompt: 'mango plan' }]);
    const mine = await runCli(['sessions', '--claude-dir', other, '--state-dir', state, '--timezone', 'UTC', '--json', '--log-level', 'debug']);
    expect(mine.code, mine.stderr).toBe(0);
    expect(JSON.parse(mine.stdout).sessions.map((x: { sessionId: string }) => x.sessionId)).toEqual([sid('m1')]);
    expect(mine.stderr).toMatch(/not asking the running ccotel \(the daemon reads other transcript folders\)/);
    // Killed: its socket file stays behind, and nobody listens on it.
    run.child.kill('SIGKILL');
    await run.done;
    expect(existsSync(sock)).toBe(true);
    await expectAnswers('a dead daemon\'s socket');
    expect(await who()).toBe('');
    // Something else listening there: an answer that is not one, or none at all.
    for (const [what, onLine] of [
      ['garbage', (c: Socket) => c.end('{"v":1,"ok":true,"pid":1,"answer":{"op":"nonsense"}}\n')],
      ['silence', () => {}],
    ] as const) {
      rmSync(sock, { force: true });
      const server = createServer((c) => c.on('data', () => onLine(c)));
      await new Promise<void>((resolve) => server.listen(sock, resolve));
      try {
        await expectAnswers(what);
        expect(await who(), what).toBe('');
      } finally {
        await new Promise((resolve) => server.close(resolve));
      }
    }
  });

  it('lists the real fixtures: two sessions, cost per session as ccusage reports it, first typed prompts', async () => {
    const root = join(REPO, 'test', 'fixtures', 'real');
    const dir = await tempDir('sessions-real');
    args = ['--claude-dir', root, '--state-dir', join(dir, 'state'), '--timezone', 'UTC'];
    // ccusage 20.0.24 `session --json --offline` on this directory: totalCost per session.
    const ccusage: Record<string, number> = { '4d5611e5-241a-462a-8d15-5122611a9569': 10.113695550000003, 'd6e0bada-1959-4eec-a9d2-0bfade768d8f': 0.2266455 };
    // Independent scan: tool calls (main file and subagents), subagents, and the first prompt typed
    // (a user line with text content that is not injected: not isMeta, not a <tag> wrapper).
    const truth = new Map<string, { tools: Set<string>; agents: Set<string>; first?: string }>();
    const projectsDir = join(root, 'projects');
    for (const rel of (readdirSync(projectsDir, { recursive: true }) as string[]).filter((r) => r.endsWith('.jsonl')).sort()) {
      const sub = rel.includes('/subagents/');
      for (const line of readFileSync(join(projectsDir, rel), 'utf8').split('\n')) {
        if (!line.trim()) continue;
        const o = JSON.parse(line);
        let t = truth.get(o.sessionId);
        if (!t) truth.set(o.sessionId, (t = { tools: new Set(), agents: new Set() }));
        if (sub && o.agentId) t.agents.add(o.agentId);
        if (o.type === 'assistant') for (const b of o.message?.content ?? []) if (b.type === 'tool_use') t.tools.add(b.id);
        const c = o.message?.content;
        const text = typeof c === 'string' ? c : Array.isArray(c) && c.every((b: { type: string }) => b.type === 'text') ? c.map((b: { text: string }) => b.text).join('\n') : undefined;
        if (!sub && o.type === 'user' && !o.isMeta && !o.isCompactSummary && text !== undefined && !text.trimStart().startsWith('<') && t.first === undefined) t.first = text.trim().replace(/\s+/g, ' ');
      }
    }
    const r = await cli('--json');
    expect(r.sessions.map((s: { sessionId: string }) => s.sessionId).sort()).toEqual(Object.keys(ccusage).sort());
    for (const s of r.sessions) {
      const t = truth.get(s.sessionId)!;
      expect(Math.round(s.costUsd * 1e9), s.sessionId).toBe(Math.round(ccusage[s.sessionId]! * 1e9));
      expect(s.toolCalls, s.sessionId).toBe(t.tools.size);
      expect(s.subagents, s.sessionId).toBe(t.agents.size);
      expect(t.first!.startsWith(s.firstPrompt.replace(/…$/, '')), `${s.sessionId}: ${s.firstPrompt}`).toBe(true);
    }
  });
});

