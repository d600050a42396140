// The transcript listing of a start (issues 8 and 14): the walk of every folder under projects/,
// without the listing cache, with a cold cache (every folder read, the cache filled) and with a warm
// one (listing.json of the previous start: folders stat'ed, not read; its load and parse counted).
// Best of BENCH_LISTING_RUNS (default 10) in one process, and the first listing of fresh processes.
//
//   node --import tsx bench/listing.ts <claude-dir>
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveRoots } from '../src/sources/roots.js';
import { listTranscripts } from '../src/sources/transcript-files.js';
import { ListingCache } from '../src/sources/listing-cache.js';

const RUNS = Number(process.env.BENCH_LISTING_RUNS ?? 10);
type Mode = 'none' | 'cold' | 'warm';

/** One listing; `cacheFile` holds the warm cache (read and parsed inside the timing, as a start does). */
async function once(claude: string, mode: Mode, cacheFile: string): Promise<{ ms: number; files: number; cache?: ListingCache }> {
  const roots = resolveRoots([claude]);
  const t = performance.now();
  const cache = mode === 'none' ? undefined : mode === 'cold' ? ListingCache.empty() : ListingCache.parse(readFileSync(cacheFile, 'utf8'));
  const files = await listTranscripts(roots, undefined, cache);
  return { ms: performance.now() - t, files: files.length, cache };
}

async function main(): Promise<void> {
  const [claude, child, mode, childCache] = process.argv.slice(2);
  if (child === '--once') {
    const r = await once(claude!, mode as Mode, childCache!);
    process.stdout.write(JSON.stringify({ ms: r.ms, files: r.files }));
    return;
  }
  if (!claude) throw new Error('usage: bench/listing.ts <claude-dir>');
  const dir = mkdtempSync(join(tmpdir(), 'ccotel-listing-bench-'));
  const cacheFile = join(dir, 'listing.json');
  try {
    const first = await once(claude, 'cold', cacheFile);
    writeFileSync(cacheFile, first.cache!.serialize());
    const check = await once(claude, 'warm', cacheFile);
    console.log(`${first.files} transcripts, ${first.cache!.read} folders; warm: ${check.cache!.reused} reused, ${check.cache!.read} read; listing.json ${readFileSync(cacheFile).length} bytes`);
    for (const m of ['none', 'cold', 'warm'] as Mode[]) {
      let best = Infinity;
      for (let i = 0; i < RUNS; i++) best = Math.min(best, (await once(claude, m, cacheFile)).ms);
      let fresh = Infinity;
      for (let i = 0; i < RUNS; i++) {
        const out = execFileSync(process.execPath, ['--import', 'tsx', import.meta.filename, claude, '--once', m, cacheFile], { encoding: 'utf8' });
        fresh = Math.min(fresh, (JSON.parse(out) as { ms: number }).ms);
      }
      console.log(`listing, ${m === 'none' ? 'no cache  ' : m === 'cold' ? 'cold cache' : 'warm cache'}: best ${best.toFixed(1)} ms in one process, ${fresh.toFixed(1)} ms in a fresh process`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main().catch((err) => {
  console.error(err);
  process.exit(1);
});
