// Start-up cost (issue 8): a command loads its own module only, `--version` none, and `--help`
// still lists every command. Seen through a loader hook that records every module the CLI resolves,
// on the program as tsc emitted it (one file per module, so each command's module has its name);
// the linked program users run keeps each dynamic import a chunk of its own (scripts/bundle.ts).
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CLI, CLI_MODULES, cliEnv, requireBuiltCli } from './support/ccotel-cli.js';

const COMMANDS = ['audit', 'backfill', 'doctor', 'hooks', 'import-activity', 'prune', 'run', 'sessions', 'stats'];

describe('command modules load lazily', () => {
  it('sessions loads only its own command module, --version none, --help all of them', async () => {
    requireBuiltCli();
    const dir = mkdtempSync(join(tmpdir(), 'ccotel-lazy-'));
    const hooks = join(dir, 'hooks.mjs');
    writeFileSync(hooks, `import { appendFileSync } from 'node:fs';\nexport async function resolve(s, c, next) { const r = await next(s, c); appendFileSync(process.env.CCOTEL_LOAD_LOG, r.url + '\\n'); return r; }\n`);
    const register = join(dir, 'register.mjs');
    writeFileSync(register, `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hooks).href)});\n`);
    let runs = 0;
    const run = async (args: string[]): Promise<{ stdout: string; commands: string[] }> => {
      const log = join(dir, `load-${++runs}.log`);
      writeFileSync(log, '');
      const { stdout } = await promisify(execFile)(process.execPath, ['--import', register, CLI_MODULES, ...args], { env: { ...cliEnv(), CCOTEL_LOAD_LOG: log } });
      const loaded = readFileSync(log, 'utf8').split('\n');
      expect(loaded.some((u) => u.endsWith('/dist/cli/main.js')), `${args.join(' ')} was traced`).toBe(true);
      const commands = [...new Set(loaded.map((u) => /\/dist\/cli\/commands\/([\w-]+)\.js$/.exec(u)?.[1]).filter((c): c is string => c !== undefined))].sort();
      return { stdout, commands };
    };
    mkdirSync(join(dir, 'claude', 'projects'), { recursive: true });
    const common = ['--claude-dir', join(dir, 'claude'), '--state-dir', join(dir, 'state'), '--json'];
    expect((await run(['sessions', ...common])).commands).toEqual(['sessions']);
    expect((await run(['--version'])).commands).toEqual([]);
    const help = await run(['--help']);
    expect(help.commands).toEqual(expect.arrayContaining(COMMANDS));
    // Every command is still listed by the top-level help.
    for (const c of COMMANDS) expect(help.stdout).toMatch(new RegExp(`^  ${c}\\b`, 'm'));
  });
});

// `stats` and `sessions` end with process.exit() once their output is written (cli/main.ts): Node's
// natural exit waits for V8's background tasks first. Nothing may be cut by that: a reader that is
// slow to drain a pipe still gets every byte, and the exit code of a user's mistake survives.
describe('short readers exit once their output is out', () => {
  it('a slow reader gets the whole answer, and exit codes are kept', async () => {
    requireBuiltCli();
    const { generateHistory } = await import('./support/history-generator.js');
    const { spawn } = await import('node:child_process');
    const dir = mkdtempSync(join(tmpdir(), 'ccotel-exit-'));
    const exp = generateHistory(join(dir, 'claude'), { sessions: 400, seed: 11, days: 20 });
    const common = ['--claude-dir', join(dir, 'claude'), '--state-dir', join(dir, 'state'), '--timezone', 'UTC'];
    // Larger than a pipe's buffer (64 kB): the process blocks on the pipe until this reader drains it.
    const slowly = (args: string[]): Promise<{ code: number | null; out: string; err: string }> =>
      new Promise((resolve) => {
        const child = spawn(process.execPath, [CLI, ...args], { env: cliEnv() });
        const out: Buffer[] = [];
        let err = '';
        child.stderr.on('data', (d: Buffer) => (err += d));
        // Listening at once (an exited child's unread stdout is otherwise drained unseen), reading late.
        child.stdout.on('data', (d: Buffer) => out.push(d)).pause();
        setTimeout(() => child.stdout.resume(), 500);
        child.on('close', (code) => resolve({ code, out: Buffer.concat(out).toString('utf8'), err }));
      });
    const listed = await slowly(['sessions', ...common, '-n', '400', '--json']);
    expect(listed.code, listed.err).toBe(0);
    expect(listed.out.length).toBeGreaterThan(128 * 1024);
    const ids = (JSON.parse(listed.out) as { sessions: Array<{ sessionId: string }> }).sessions.map((s) => s.sessionId).sort();
    expect(ids).toEqual(Object.keys(exp.bySession).sort());
    const stats = await slowly(['stats', ...common, '--range', 'all', '--json']);
    expect(stats.code, stats.err).toBe(0);
    expect(JSON.parse(stats.out).requests).toBe(exp.requests);
    const unknown = await slowly(['sessions', ...common, '--show', 'zzzzzzzz']);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toMatch(/no session id starts with "zzzzzzzz"/);
  }, 120_000);
});
