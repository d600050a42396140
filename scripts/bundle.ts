// Links the compiled modules (dist/, from tsc) into dist/bin/, the program users run: `npm run build`.
// Why: Node 20's ES module loader costs about a quarter of a millisecond per file (resolve, read,
// link), and a command touches 50-200 of our small files. Linked into a few chunks, `ccotel
// sessions` without a daemon starts ~20 ms sooner.
//
// Two programs from the same modules, and main.js, a launcher that picks one by the command name:
// - cli.js and its chunks: every command. Each command's module is still loaded only when that
//   command runs: every dynamic import() stays a chunk of its own (code splitting), so `--help` and
//   `doctor` never load the OpenTelemetry SDK. Packages are linked in as well (CommonJS ones
//   wrapped, `require` given by the banner), chokidar aside: it stays in node_modules.
// - quick.js and its q-* chunks: the short readers (cli/quick-commands.ts) alone. Linked without the
//   other commands, their code falls into far fewer chunks: a cold `stats` loads 12 files instead of
//   ~40 (callgrind: 720 -> 670 M instructions for `stats` on an empty history, ~15 ms), and one
//   beside a running daemon no more than before (its local read, cli/stats-local.ts, is one import()).
//   All in one file was tried: as fast cold, but 6-8% more instructions beside a daemon. Packages
//   stay in node_modules (commander, yaml and zod load through createRequire when needed). What
//   quick.js must not hold (the other commands, and any import() that reaches a package: the SDK,
//   chokidar) is replaced by a module that throws, and the build fails if a quick chunk imports a
//   package up front. Nothing crosses between the two programs: each has its own copy of every
//   class (an `instanceof UserError` holds within one program only).
// Everything sits flat in dist/bin/: src/sources/read-pool.ts finds read-worker.js beside itself,
// src/hooks/install.ts finds hooks/ two folders up, as they do in dist/<folder>/.
import { chmodSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Metafile, type Plugin } from 'esbuild';
import { QUICK_COMMANDS } from '../src/cli/quick-commands.js';

const COMMON = { bundle: true, format: 'esm', platform: 'node', target: 'node20', logLevel: 'warning' } as const;
const STUB = 'ccotel-not-in-quick-program';

export async function bundle(repo: string): Promise<void> {
  const dist = join(repo, 'dist');
  const out = join(dist, 'bin');
  rmSync(out, { recursive: true, force: true });
  // Paths in the metafiles are relative to the repository.
  const common = { ...COMMON, absWorkingDir: repo };
  const split = await build({
    ...common,
    entryPoints: { cli: join(dist, 'cli', 'main.js'), 'read-worker': join(dist, 'sources', 'read-worker.js') },
    outdir: out,
    splitting: true,
    // The OpenTelemetry SDK is hundreds of small CommonJS files: resolving, reading and compiling
    // them one by one cost `backfill` and `run` ~0.15 s of CPU before any work (0.31 -> 0.17 s).
    external: ['chokidar', 'fsevents'],
    banner: { js: "import { createRequire as __ccotelRequire } from 'node:module'; const require = __ccotelRequire(import.meta.url);" },
    entryNames: '[name]',
    chunkNames: '[name]-[hash]',
    metafile: true,
  });
  const quick = await build({
    ...common,
    entryPoints: { quick: join(dist, 'cli', 'main.js') },
    outdir: out,
    packages: 'external',
    splitting: true,
    entryNames: '[name]',
    chunkNames: 'q-[name]-[hash]',
    metafile: true,
    plugins: [leaveOut(dist, reachesPackage(split.metafile, repo))],
  });
  const upFront = Object.values(quick.metafile.outputs).flatMap((o) => o.imports.filter((i) => i.external && i.kind === 'import-statement' && !i.path.startsWith('node:')));
  if (upFront.length > 0) throw new Error(`quick.js would load ${upFront.map((i) => i.path).join(', ')} up front: reach it through an import() in its own module`);
  const launcher = join(out, 'main.js');
  writeFileSync(
    launcher,
    `#!/usr/bin/env node
// Written by scripts/bundle.ts: ${QUICK_COMMANDS.join(' and ')} run quick.js, every other command line cli.js.
const QUICK = ${JSON.stringify(QUICK_COMMANDS)};
import(QUICK.includes(process.argv[2]) ? './quick.js' : './cli.js');
`,
  );
  chmodSync(launcher, 0o755);
}

/**
 * Leaves out of quick.js the commands that are not quick (cli/main.ts imports each by its path) and
 * every import() whose module reaches a package: both become a module that throws if ever loaded.
 */
function leaveOut(dist: string, heavy: ReadonlySet<string>): Plugin {
  const commands = join(dist, 'cli', 'commands') + sep;
  return {
    name: 'quick-program',
    setup(b) {
      b.onResolve({ filter: /.*/ }, async (a) => {
        if (a.kind !== 'dynamic-import' || a.pluginData === STUB || !a.path.startsWith('.')) return undefined;
        const r = await b.resolve(a.path, { kind: a.kind, importer: a.importer, resolveDir: a.resolveDir, pluginData: STUB });
        const notQuick = r.path.startsWith(commands) && !QUICK_COMMANDS.some((c) => r.path === `${commands}${c}.js`);
        return notQuick || heavy.has(r.path) ? { path: relative(dist, r.path), namespace: STUB } : r;
      });
      b.onLoad({ filter: /.*/, namespace: STUB }, (a) => ({
        contents: `throw new Error(${JSON.stringify(`${a.path} is not in quick.js, the program of ${QUICK_COMMANDS.join(' and ')} (scripts/bundle.ts)`)});`,
        loader: 'js',
      }));
    },
  };
}

/**
 * Absolute paths of the modules (dynamic import targets of the split build) that load a package up
 * front: a chunk that links one in (an input under node_modules/) or imports one, or statically
 * imports such a chunk.
 */
function reachesPackage(meta: Metafile, repo: string): Set<string> {
  const outputs = meta.outputs;
  const memo = new Map<string, boolean>();
  const reaches = (file: string): boolean => {
    const known = memo.get(file);
    if (known !== undefined) return known;
    memo.set(file, false); // a cycle adds nothing
    const o = outputs[file]!;
    const r =
      Object.keys(o.inputs).some((input) => input.includes('node_modules/')) ||
      o.imports.some((i) => i.kind === 'import-statement' && (i.external ? !i.path.startsWith('node:') : reaches(i.path)));
    memo.set(file, r);
    return r;
  };
  const heavy = new Set<string>();
  for (const [file, o] of Object.entries(outputs)) if (o.entryPoint && reaches(file)) heavy.add(join(repo, o.entryPoint));
  return heavy;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await bundle(fileURLToPath(new URL('..', import.meta.url)));
}
