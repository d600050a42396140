// Reading what a run left in a state directory, for tests that compare it with another run's.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Every regular file below `dir`, recursively. */
export function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    const st = statSync(p);
    return st.isDirectory() ? filesUnder(p) : st.isFile() ? [p] : [];
  });
}

/**
 * The sessions index's keyed rows (all three journals), one string per row written, sorted: a
 * multiset. The listing's F and W rows are left out (one F per file per process, one W per slice
 * handed over: they depend on how the read was cut).
 */
export function keyedIndexRows(state: string): string[] {
  const rows: string[] = [];
  for (const name of ['meta.ndjson', 'text.ndjson', 'out.ndjson']) {
    const path = join(state, 'sessions', name);
    if (!existsSync(path)) continue;
    for (const line of readFileSync(path, 'utf8').split('\n')) {
      if (!line) continue;
      const row = JSON.parse(line) as unknown[];
      if (row[0] !== 'F' && row[0] !== 'W') rows.push(line);
    }
  }
  return rows.sort();
}
