// The layering of docs/architecture.md, checked on the source: every relative import goes in the
// allowed direction, and the light commands never load the OpenTelemetry SDK or chokidar.
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CLI, REPO, cliEnv, requireBuiltCli } from './support/ccotel-cli.js';

const SRC = join(REPO, 'src');
const TOP = '.';
/** docs/architecture.md's table. */
const ALLOWED: Record<string, string[]> = {
  [TOP]: [],
  calendar: [],
  detection: [],
  query: [],
  model: ['detection'],
  pricing: ['model'],
  sources: ['model'],
  state: ['detection', 'model', 'sources'],
  config: ['calendar', 'detection', 'pricing', 'sources'],
  ingest: ['model', 'sources', 'state', 'config', 'fold'],
  fold: ['calendar', 'model', 'pricing', 'state'],
  stats: ['calendar', 'fold', 'model', 'pricing', 'query', 'sources', 'state'],
  export: ['calendar', 'config', 'detection', 'fold', 'model', 'pricing', 'state'],
  hooks: ['config', 'sources', 'state', 'model'],
  audit: ['calendar', 'detection', 'model', 'state'],
  budget: ['calendar', 'config', 'fold', 'state'],
  activity: ['calendar', 'config', 'model', 'sources', 'state'],
  sessions: ['calendar', 'export', 'fold', 'model', 'pricing', 'query', 'state'],
  cli: ['*'],
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? sourceFiles(p) : p.endsWith('.ts') ? [p] : [];
  });
}

const folderOf = (file: string): string => {
  const rel = relative(SRC, file).split('/');
  return rel.length === 1 ? TOP : rel[0]!;
};

/** Imports against the direction, for files given as path (under src/) and text. */
function violations(files: ReadonlyArray<{ path: string; text: string }>): string[] {
  const bad: string[] = [];
  for (const { path, text } of files) {
    const from = folderOf(path);
    const allowed = ALLOWED[from];
    if (!allowed) {
      bad.push(`${relative(REPO, path)}: folder "${from}" is not in docs/architecture.md`);
      continue;
    }
    for (const m of text.matchAll(/(?:from|import\()\s*'(\.[^']+)'/g)) {
      const to = folderOf(resolve(dirname(path), m[1]!));
      if (to === from || to === TOP || allowed.includes('*') || allowed.includes(to)) continue;
      bad.push(`${relative(REPO, path)} imports ${m[1]} (${from} → ${to})`);
    }
  }
  return bad;
}

describe('architecture', () => {
  it('imports follow the direction of docs/architecture.md', () => {
    const files = sourceFiles(SRC).map((path) => ({ path, text: readFileSync(path, 'utf8') }));
    expect(files.length).toBeGreaterThan(20);
    expect(violations(files)).toEqual([]);
  });

  it('the check reports an import against the direction and an unknown folder', () => {
    expect(
      violations([
        { path: join(SRC, 'sources', 'x.ts'), text: "import { StateStore } from '../state/store.js';\nimport { a } from './y.js';" },
        { path: join(SRC, 'export', 'x.ts'), text: "const m = await import('../cli/main.js');" },
        { path: join(SRC, 'newthing', 'x.ts'), text: '' },
      ]),
    ).toEqual(['src/sources/x.ts imports ../state/store.js (sources → state)', 'src/export/x.ts imports ../cli/main.js (export → cli)', 'src/newthing/x.ts: folder "newthing" is not in docs/architecture.md']);
  });

  // The SDK, protobufjs or chokidar among loaded modules: a package loaded from node_modules, or a
  // chunk of dist/bin that links one in (esbuild names each linked module in a comment).
  const heavy = (urls: string[]): string[] =>
    urls.flatMap((u) => {
      if (/@opentelemetry|protobufjs|chokidar/.test(u)) return [u];
      if (!/\/dist\/bin\/[^/]+\.js$/.test(u)) return [];
      const linked = readFileSync(fileURLToPath(u), 'utf8').match(/^\/\/ \S*node_modules\/(@opentelemetry\/[^/\n]+|protobufjs|chokidar)\//m);
      return linked ? [`${u} (links ${linked[1]})`] : [];
    });

  it('--help, stats and doctor load neither the OpenTelemetry SDK nor chokidar', async () => {
    requireBuiltCli();
    const dir = mkdtempSync(join(tmpdir(), 'ccotel-arch-'));
    const hooks = join(dir, 'hooks.mjs');
    writeFileSync(hooks, `import { appendFileSync } from 'node:fs';\nexport async function resolve(s, c, next) { const r = await next(s, c); appendFileSync(process.env.CCOTEL_LOAD_LOG, r.url + '\\n'); return r; }\n`);
    const register = join(dir, 'register.mjs');
    writeFileSync(register, `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hooks).href)});\n`);
    const common = ['--claude-dir', join(dir, 'claude'), '--state-dir', join(dir, 'state')];
    for (const args of [['--help'], ['stats', '--range', 'all', ...common], ['doctor', ...common], ['run', '--help']]) {
      const log = join(dir, `load-${args[0]}.log`);
      await promisify(execFile)(process.execPath, ['--import', register, CLI, ...args], { env: { ...cliEnv(), CCOTEL_LOAD_LOG: log } }).catch(() => undefined);
      const loaded = readFileSync(log, 'utf8').split('\n');
      expect(loaded.some((u) => u.includes('/dist/bin/main.js')), `${args.join(' ')} was traced`).toBe(true);
      expect(heavy(loaded), args.join(' ')).toEqual([]);
    }
    // The same probe sees the SDK where it is used, so an empty list above is meaningful.
    const log = join(dir, 'load-backfill.log');
    await promisify(execFile)(process.execPath, ['--import', register, CLI, 'backfill', ...common], { env: { ...cliEnv(), CCOTEL_LOAD_LOG: log } }).catch(() => undefined);
    expect(heavy(readFileSync(log, 'utf8').split('\n')).join('\n')).toMatch(/@opentelemetry/);
  });
});
