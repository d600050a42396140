// Start-up cost (issue 8): a command loads its own module only, `--version` none, and `--help`
// still lists every command. Seen through a loader hook that records every module the CLI resolves.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CLI, cliEnv, requireBuiltCli } from './support/ccotel-cli.js';

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
      const { stdout } = await promisify(execFile)(process.execPath, ['--import', register, CLI, ...args], { env: { ...cliEnv(), CCOTEL_LOAD_LOG: log } });
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
