// The linked program (scripts/bundle.ts): `stats` and `sessions` run quick.js and its q-* chunks, every
// other command line cli.js and its chunks. Both programs give the generator's exact totals, the quick
// one loads no package up front, and what it leaves out fails loudly instead of mixing the two programs.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CLI, cliEnv, reportDiffs, requireBuiltCli } from './support/ccotel-cli.js';
import { generateHistory } from './support/history-generator.js';

const run = promisify(execFile);
const BIN = dirname(CLI);

describe('the linked program', () => {
  it('stats and sessions load the quick program alone, in at most 16 files; --help and doctor the other one', async () => {
    requireBuiltCli();
    const dir = mkdtempSync(join(tmpdir(), 'ccotel-quick-'));
    const hooks = join(dir, 'hooks.mjs');
    writeFileSync(hooks, `import { appendFileSync } from 'node:fs';\nexport async function resolve(s, c, next) { const r = await next(s, c); appendFileSync(process.env.CCOTEL_LOAD_LOG, r.url + '\\n'); return r; }\n`);
    const register = join(dir, 'register.mjs');
    writeFileSync(register, `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hooks).href)});\n`);
    mkdirSync(join(dir, 'claude', 'projects'), { recursive: true });
    const common = ['--claude-dir', join(dir, 'claude'), '--state-dir', join(dir, 'state')];
    let runs = 0;
    const ours = async (args: string[]): Promise<string[]> => {
      const log = join(dir, `load-${++runs}.log`);
      writeFileSync(log, '');
      await run(process.execPath, ['--import', register, CLI, ...args], { env: { ...cliEnv(), CCOTEL_LOAD_LOG: log } }).catch(() => undefined);
      const urls = readFileSync(log, 'utf8').split('\n').filter((u) => u.startsWith('file:'));
      return [...new Set(urls.filter((u) => u.startsWith(pathToFileURL(BIN).href + '/')).map((u) => basename(u)))].sort();
    };
    const quickOnly = (files: string[], what: string): void => {
      expect(files, what).toContain('main.js');
      expect(files, what).toContain('quick.js');
      expect(files.filter((f) => f !== 'main.js' && f !== 'quick.js' && !f.startsWith('q-')), what).toEqual([]);
      // Each file costs the module loader a resolve, a read and a link: ~40 before quick.js.
      expect(files.length, what).toBeLessThanOrEqual(16);
    };
    const stats = await ours(['stats', '--range', 'all', '--json', ...common]);
    quickOnly(stats, 'stats');
    // The local read is one import() of its own (cli/stats-local.ts), so an answer from a daemon skips it.
    expect(stats.some((f) => f.startsWith('q-stats-local-')), 'stats').toBe(true);
    quickOnly(await ours(['sessions', '--json', ...common]), 'sessions');
    // A mistake goes through commander, in the same program.
    quickOnly(await ours(['stats', '--no-such-option']), 'a mistake');
    for (const args of [['--help'], ['doctor', ...common]]) {
      const files = await ours(args);
      expect(files, args.join(' ')).toContain('cli.js');
      expect(files, args.join(' ')).not.toContain('quick.js');
      expect(files.some((f) => f.startsWith('chunk-')), args.join(' ')).toBe(true);
    }
  });

  it('quick.js and cli.js both give the exact totals of a generated history', async () => {
    requireBuiltCli();
    const dir = mkdtempSync(join(tmpdir(), 'ccotel-quick-totals-'));
    const exp = generateHistory(join(dir, 'claude'), { sessions: 60, seed: 23, days: 10 });
    const args = (state: string): string[] => ['stats', '--range', 'all', '--json', '--timezone', 'UTC', '--claude-dir', join(dir, 'claude'), '--state-dir', join(dir, state)];
    for (const [program, state] of [[CLI, 'quick'], [join(BIN, 'cli.js'), 'cli']] as const) {
      const { stdout } = await run(process.execPath, [program, ...args(state)], { env: cliEnv(), maxBuffer: 64 << 20 });
      expect(reportDiffs(JSON.parse(stdout), exp), basename(program)).toEqual([]);
    }
  }, 60_000);

  it('the quick program imports no package up front, and a module it leaves out throws when loaded', () => {
    requireBuiltCli();
    const files = readdirSync(BIN).filter((f) => f === 'quick.js' || f.startsWith('q-'));
    expect(files.length).toBeGreaterThan(2);
    const text = files.map((f) => readFileSync(join(BIN, f), 'utf8')).join('\n');
    // Static imports sit at the top level of each file; node: built-ins are free.
    const packages = [...text.matchAll(/^import\s[^;]*?from\s*"([^"]+)"/gm)].map((m) => m[1]!).filter((p) => !p.startsWith('node:') && !p.startsWith('./'));
    expect(packages).toEqual([]);
    // The daemon's follower reaches chokidar: replaced, never linked in.
    expect(text).not.toMatch(/from\s*"chokidar"/);
    expect(text).toMatch(/throw new Error\("ingest\/follow\.js is not in quick\.js/);
    expect(text).toMatch(/throw new Error\("cli\/commands\/run\.js is not in quick\.js/);
  });
});
