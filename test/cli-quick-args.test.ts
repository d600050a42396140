// `stats` and `sessions` read an ordinary command line with util.parseArgs instead of loading
// commander (src/cli/command-spec.ts). Commander stays the reference: wherever the quick path
// answers, it must give exactly the options and words commander gives, and for help, mistakes and
// forms it reads differently it must step aside (undefined) so commander answers as before.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import type * as Commander from 'commander';
import { quickParse, registerSpec, type CommandSpec } from '../src/cli/command-spec.js';
import { sessionsCommand } from '../src/cli/commands/sessions.js';
import { statsCommand } from '../src/cli/commands/stats.js';
import { CLI, cliEnv, requireBuiltCli } from './support/ccotel-cli.js';

const { Command } = createRequire(import.meta.url)('commander') as typeof Commander;

/** What commander hands the command's action for these arguments, or its error. */
async function viaCommander(spec: CommandSpec<unknown>, args: string[]): Promise<{ words: string[]; o: unknown } | { error: string }> {
  let got: { words: string[]; o: unknown } | undefined;
  const program = new Command().exitOverride().configureOutput({ writeOut: () => {}, writeErr: () => {} });
  registerSpec(program, { ...spec, run: async (words, o) => void (got = { words, o }) });
  try {
    await program.parseAsync(['node', 'ccotel', spec.name, ...args]);
  } catch (err) {
    return { error: (err as Error).message };
  }
  return got ?? { error: 'no action' };
}

const SESSIONS_READ: string[][] = [
  [],
  ['foo', 'bar'],
  ['"cache key"', 'different', '--json'],
  ['-n', '5', '--project', 'api', '--since', '7d', '--until', '2026-01-02'],
  ['--show', 'abcd1234', '--json'],
  ['--claude-dir', 'a', '--claude-dir', 'b', '--state-dir', 's', '--timezone', 'UTC', '--log-level', 'debug'],
  ['--all-text', 'Todos', '--rebuild', '--reset-state', '--config', 'c.yaml'],
  ['--project=api', 'x', '--claude-dir=d'],
  ['--', '--json', '-n'],
  ['word', '--json', 'other', '-n', '3'],
  ['-n', '5', '-n', '7', '--show', 'a', '--show', 'bcde'],
  ['--json', '--json'],
  ['--project', ''],
  ['ünïcode', 'straße', '日本'],
];
const SESSIONS_DECLINED: string[][] = [['--help'], ['-h'], ['foo', '--help'], ['--bogus'], ['--n', '5'], ['-n5'], ['-n=5'], ['--json=1'], ['--project'], ['--project', '--json'], ['-n', '-5'], ['-x']];
const STATS_READ: string[][] = [
  [],
  ['--range', 'all', '--json'],
  ['--since', '2026-01-01', '--until', '2026-01-31', '--project', 'myrepo'],
  ['--date', '2026-01-05', '--timezone', 'Europe/Paris', '--log-level', 'warn', '--range', 'week'],
  ['--claude-dir', 'x', '--', ],
];
const STATS_DECLINED: string[][] = [['extra'], ['--range'], ['--help'], ['--', 'extra'], ['--range', 'all', 'word']];

describe('the quick command line reader', () => {
  for (const [spec, read, declined] of [
    [sessionsCommand, SESSIONS_READ, SESSIONS_DECLINED],
    [statsCommand, STATS_READ, STATS_DECLINED],
  ] as const) {
    it(`${spec.name}: reads ordinary command lines exactly as commander does`, async () => {
      for (const args of read) {
        const quick = quickParse(args, spec as CommandSpec<unknown>);
        expect(quick, JSON.stringify(args)).toBeDefined();
        expect(quick, JSON.stringify(args)).toStrictEqual(await viaCommander(spec as CommandSpec<unknown>, args));
      }
    });

    it(`${spec.name}: leaves help, mistakes and unusual forms to commander`, async () => {
      for (const args of declined) expect(quickParse(args, spec as CommandSpec<unknown>), JSON.stringify(args)).toBeUndefined();
    });
  }

  it('the program users run answers sessions without loading commander, and still uses it for mistakes', async () => {
    requireBuiltCli();
    const dir = mkdtempSync(join(tmpdir(), 'ccotel-quick-'));
    mkdirSync(join(dir, 'claude', 'projects'), { recursive: true });
    // require() is how commander loads (cli/main.ts): a preload logs every CommonJS module loaded.
    const trace = join(dir, 'trace.cjs');
    writeFileSync(trace, `const M = require('node:module'); const fs = require('node:fs'); const load = M._load; M._load = function (id, ...a) { fs.appendFileSync(process.env.CCOTEL_REQ_LOG, id + '\\n'); return load.call(this, id, ...a); };\n`);
    const run = async (args: string[]): Promise<{ loaded: string[]; code: number; stdout: string; stderr: string }> => {
      const log = join(dir, `req-${args.length}-${Math.random()}.log`);
      writeFileSync(log, '');
      const r = await promisify(execFile)(process.execPath, ['-r', trace, CLI, ...args], { env: { ...cliEnv(), CCOTEL_REQ_LOG: log } }).then(
        (x) => ({ ...x, code: 0 }),
        (e: { code: number; stdout: string; stderr: string }) => e,
      );
      return { loaded: readFileSync(log, 'utf8').split('\n').filter(Boolean), code: r.code, stdout: r.stdout, stderr: r.stderr };
    };
    const common = ['--claude-dir', join(dir, 'claude'), '--state-dir', join(dir, 'state'), '--timezone', 'UTC'];
    const listed = await run(['sessions', '--json', ...common]);
    expect(listed.code, listed.stderr).toBe(0);
    expect(JSON.parse(listed.stdout)).toMatchObject({ total: 0, sessions: [] });
    expect(listed.loaded.filter((id) => /commander/.test(id))).toEqual([]);
    const stats = await run(['stats', '--range', 'all', '--json', ...common]);
    expect(stats.code, stats.stderr).toBe(0);
    expect(stats.loaded.filter((id) => /commander/.test(id))).toEqual([]);
    // A mistake is commander's to answer, as before: the same probe then sees it load.
    const wrong = await run(['sessions', '--bogus', ...common]);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/unknown option '--bogus'/);
    expect(wrong.loaded.some((id) => /commander/.test(id))).toBe(true);
  });
});
