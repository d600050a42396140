// Vitest global setup: tests that spawn the CLI run dist/, so dist/ must be built from the current
// src/. Rebuilds (tsc -p tsconfig.build.json, then scripts/bundle.ts into dist/bin/) when dist/ is
// missing, any file under src/ (or the tsconfigs, or the bundle script) is newer than the newest file
// in dist/, or dist/bin/ is older than what tsc wrote (a bare tsc run). --noEmitOnError: a failed
// build leaves dist/ stale, so the next run tries again instead of running half-broken output. Node
// on dist/ starts faster than tsx, which matters for the tests that spawn the CLI dozens of times.
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO } from './ccotel-cli.js';
import { bundle } from '../../scripts/bundle.js';

/** Newest mtime (ms) of any file under `dir` (but those under `skip`), or -Infinity when it has none. */
function newestMtime(dir: string, skip?: string): number {
  let newest = -Infinity;
  if (!existsSync(dir)) return newest;
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!e.isFile() || (skip !== undefined && e.parentPath.startsWith(skip))) continue;
    newest = Math.max(newest, statSync(join(e.parentPath, e.name)).mtimeMs);
  }
  return newest;
}

/** Why dist/ must be rebuilt, or undefined when it is up to date. */
export function staleReason(repo = REPO): string | undefined {
  const dist = newestMtime(join(repo, 'dist'));
  if (dist === -Infinity) return 'dist/ is missing';
  const inputs = Math.max(newestMtime(join(repo, 'src')), ...['tsconfig.json', 'tsconfig.build.json', join('scripts', 'bundle.ts')].map((f) => statSync(join(repo, f)).mtimeMs));
  if (inputs > dist) return 'src/ is newer than dist/';
  const bin = join(repo, 'dist', 'bin');
  const main = join(bin, 'main.js');
  if (!existsSync(main) || newestMtime(join(repo, 'dist'), bin) > statSync(main).mtimeMs) return 'dist/bin/ is older than dist/';
  return undefined;
}

/**
 * One temporary folder for the whole run, removed at its end: the test processes (forked after this
 * runs) and everything they start inherit it as TMPDIR. Many tests leave what they made in tmpdir()
 * (a collector's output alone is 0.5-1 GB), and runs piled up tens of GB in /tmp.
 */
function runTempDir(): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'ccotel-test-run-'));
  // As /tmp is: tests that run the CLI as another user (nobody) reach their folders in it.
  chmodSync(dir, 0o1777);
  process.env.TMPDIR = dir;
  return () => rmSync(dir, { recursive: true, force: true });
}

export default async function setup(): Promise<() => void> {
  const teardown = runTempDir();
  await rebuild();
  return teardown;
}

async function rebuild(): Promise<void> {
  const reason = staleReason();
  if (!reason) return;
  const t0 = Date.now();
  const tsc = join(REPO, 'node_modules', 'typescript', 'bin', 'tsc');
  try {
    execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json', '--noEmitOnError'], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (err) {
    const e = err as { stdout?: Buffer; stderr?: Buffer };
    throw new Error(`global setup: ${reason}, and \`tsc -p tsconfig.build.json\` failed:\n${e.stdout ?? ''}${e.stderr ?? ''}`);
  }
  await bundle(REPO);
  console.log(`[global-setup] ${reason}: rebuilt dist/ in ${Date.now() - t0} ms`);
}
