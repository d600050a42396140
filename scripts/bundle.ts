// Links the compiled modules (dist/, from tsc) into dist/bin/, the program users run: `npm run build`.
// Why: Node 20's ES module loader costs about a quarter of a millisecond per file (resolve, read,
// link), and a command touches 50-200 of our small files. Linked into a few chunks, `ccotel
// sessions` without a daemon starts ~20 ms sooner. Each command's module is still loaded only when
// that command runs: every dynamic import() stays a chunk of its own (code splitting), so `--help`
// and `stats` still never load the OpenTelemetry SDK. Packages are linked in as well (CommonJS ones
// wrapped, `require` given by the banner), chokidar aside: it stays in node_modules.
// The chunks sit flat beside main.js: src/sources/read-pool.ts finds read-worker.js beside itself,
// src/hooks/install.ts finds hooks/ two folders up, as they do in dist/<folder>/.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

export async function bundle(repo: string): Promise<void> {
  const dist = join(repo, 'dist');
  const out = join(dist, 'bin');
  rmSync(out, { recursive: true, force: true });
  await build({
    entryPoints: [join(dist, 'cli', 'main.js'), join(dist, 'sources', 'read-worker.js')],
    outdir: out,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    // The OpenTelemetry SDK is hundreds of small CommonJS files: resolving, reading and compiling
    // them one by one cost `backfill` and `run` ~0.15 s of CPU before any work (0.31 -> 0.17 s).
    external: ['chokidar', 'fsevents'],
    banner: { js: "import { createRequire as __ccotelRequire } from 'node:module'; const require = __ccotelRequire(import.meta.url);" },
    entryNames: '[name]',
    chunkNames: '[name]-[hash]',
    logLevel: 'warning',
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await bundle(fileURLToPath(new URL('..', import.meta.url)));
}
