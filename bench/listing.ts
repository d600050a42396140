// The transcript listing of a start (issues 8 and 14): the walk of every folder under projects/,
// without the listing cache, with a cold cache (every folder read, the cache filled) and with a warm
// one (listing.json of the previous start: folders stat'ed, not read; its load and parse counted).
// Best of N in one process, and the first listing of N fresh processes (what a command start pays:
// nothing JIT-compiled yet). bench/daemon.ts prints the warm figures as one row.
//
//   node --import tsx bench/listing.ts <claude-dir>      BENCH_LISTING_RUNS (default 10)
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { resolveRoots } from '../src/sources/roots.js';
import { listTranscripts } from '../src/sources/transcript-files.js';
import { ListingCache } from '../src/sources/listing-cache.js';

type Mode = 'none' | 'cold' | 'warm';
export interface ListingFigures {
  files: number;
  folders: number;
  cacheBytes: number;
  /** Folders a warm listing still read (changed, or changed under RACY_MS before the cache was taken). */
  warmRead: number;
  /** Best ms per mode: in one process, and as the first listing of a fresh process. */
  inProcess: Record<Mode, number>;
  fresh: Record<Mode, number>;
}

/** One listing; `cacheFile` holds the warm cache (read and parsed inside the timing, as a start does). */
async function once(claude: string, mode: Mode, cacheFile: string): Promise<{ ms: number; files: number; cache?: ListingCache }> {
  const roots = resolveRoots([claude]);
  const t = performance.now();
  const cache = mode === 'none' ? undefined : mode === 'cold' ? ListingCache.empty() : ListingCache.parse(readFileSync(cacheFile, 'utf8'));
  const files = await listTranscripts(roots, undefined, cache);
  return { ms: performance.now() - t, files: files.length, cache };
}

export async function benchListing(claude: string, runs: number, modes: readonly Mode[] = ['none', 'cold', 'warm']): Promise<ListingFigures> {
  const dir = mkdtempSync(join(tmpdir(), 'ccotel-listing-bench-'));
  const cacheFile = join(dir, 'listing.json');
  try {
    const first = await once(claude, 'cold', cacheFile);
    writeFileSync(cacheFile, first.cache!.serialize());
    const check = await once(claude, 'warm', cacheFile);
    const inProcess = { none: NaN, cold: NaN, warm: NaN };
    const fresh = { none: NaN, cold: NaN, warm: NaN };
    for (const m of modes) {
      inProcess[m] = Infinity;
      for (let i = 0; i < runs; i++) inProcess[m] = Math.min(inProcess[m], (await once(claude, m, cacheFile)).ms);
      fresh[m] = Infinity;
      for (let i = 0; i < runs; i++) {
        const out = execFileSync(process.execPath, ['--import', 'tsx', import.meta.filename, claude, '--once', m, cacheFile], { encoding: 'utf8' });
        fresh[m] = Math.min(fresh[m], (JSON.parse(out) as { ms: number }).ms);
      }
    }
    return { files: first.files, folders: first.cache!.read, cacheBytes: readFileSync(cacheFile).length, warmRead: check.cache!.read, inProcess, fresh };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const [claude, child, mode, cacheFile] = process.argv.slice(2);
  if (child === '--once') {
    const r = await once(claude!, mode as Mode, cacheFile!);
    process.stdout.write(JSON.stringify({ ms: r.ms, files: r.files }));
    return;
  }
  if (!claude) throw new Error('usage: bench/listing.ts <claude-dir>');
  const f = await benchListing(claude, Number(process.env.BENCH_LISTING_RUNS ?? 10));
  console.log(`${f.files} transcripts in ${f.folders} folders (a warm listing read ${f.warmRead} again); listing.json ${(f.cacheBytes / 1024).toFixed(0)} KB`);
  for (const m of ['none', 'cold', 'warm'] as const) {
    const label = { none: 'no cache  ', cold: 'cold cache', warm: 'warm cache' }[m];
    console.log(`listing, ${label}: best ${f.inProcess[m].toFixed(1)} ms in one process, ${f.fresh[m].toFixed(1)} ms in a fresh process`);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
