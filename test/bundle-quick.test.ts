// The linked program (scripts/bundle.ts): `stats` and `sessions` run quick.js, one file, and every
// other command line the chunked cli.js. Both programs give the generator's exact totals, quick.js
// loads no package up front, and what it leaves out fails loudly instead of mixing the two programs.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
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
  it('stats and sessions load main.js and quick.js alone; --help and doctor the chunks', async () => {
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
    expect(await ours(['stats', '--range', 'all', '--json', ...common])).toEqual(['main.js', 'quick.js']);
    expect(await ours(['sessions', '--json', ...common])).toEqual(['main.js', 'quick.js']);
    // A mistake goes through commander, in the same file.
    expect(await ours(['stats', '--no-such-option'])).toEqual(['main.js', 'quick.js']);
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

  it('quick.js imports no package up front, and a module it leaves out throws when loaded', () => {
    requireBuiltCli();
    const text = readFileSync(join(BIN, 'quick.js'), 'utf8');
    // Static imports sit at the top level, one per line; node: built-ins are free.
    const packages = [...text.matchAll(/^import\s[^;]*?from\s*"([^"]+)"/gm)].map((m) => m[1]).filter((p) => !p!.startsWith('node:'));
    expect(packages).toEqual([]);
    // The daemon's follower reaches chokidar: replaced, never linked in.
    expect(text).not.toMatch(/from\s*"chokidar"/);
    expect(text).toMatch(/throw new Error\("ingest\/follow\.js is not in quick\.js/);
    expect(text).toMatch(/throw new Error\("cli\/commands\/run\.js is not in quick\.js/);
  });
});
