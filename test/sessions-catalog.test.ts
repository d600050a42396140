// The catalog snapshot (src/sessions/catalog-snapshot.ts): a listing read through it gives exactly
// the answer of folding the whole listing journal, whatever state the snapshot is in: taken at any
// point of the journal and the rest replayed, missing, torn, of another version, left beside a
// journal that was rewritten or replaced, or unable to take a row exactly. The reference answer is
// the catalog folded from the journal alone (loadCatalog(..., false)), checked itself against rows
// whose result is known.
import { copyFileSync, existsSync, readFileSync, renameSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir, useCleanups } from './support/temp.js';
import { appendRowsAsync, indexFiles, pathNeedles, readRows, type MetaRow, type TextRow } from '../src/sessions/index-file.js';
import { CatalogCache, loadCatalog } from '../src/sessions/catalog.js';
import { catalogFile, foldJournal, refreshCatalogSnapshot } from '../src/sessions/catalog-snapshot.js';
import { compactIndex } from '../src/sessions/compact.js';

useCleanups();
const stateDir = (): Promise<string> => tempDir('catalog');

const P = ['/c/projects/-w-a/s1.jsonl', '/c/projects/-w-a/s2.jsonl', '/c/projects/-w-b/s3.jsonl', '/c/projects/-w-b/s4.jsonl'];

/**
 * Rows as the sink writes them over a followed history: file rows (a cwd named late), time spans
 * per commit, prompts (one arriving out of order, before the first), bytes delivered twice, s2
 * replaced (X) and re-read with other prompts, s4 never given a span (not listed).
 */
function history(): MetaRow[] {
  const rows: MetaRow[] = [];
  let ts = 10_000;
  for (let round = 0; round < 30; round++) {
    for (const [i, path] of P.entries()) {
      // s1's session id is its file's name, as Claude Code names them (the snapshot leaves it out).
      if (round === 0) rows.push(['F', path, i === 0 ? 's1' : `sid-${i}`, i === 2 ? '' : `/w/${i}`]);
      if (round === 4 && i === 2) rows.push(['F', path, 'sid-2', '/w/2']);
      rows.push(['q', path, `u${round}-${i}`, ts, `prompt ${round} of ${i}`]);
      if (i !== 3) rows.push(['W', path, ts, ts + 500]);
      if (round % 7 === 3) rows.push(['q', path, `u${round}-${i}`, ts, `prompt ${round} of ${i}`], ...(i !== 3 ? [['W', path, ts, ts + 500] as MetaRow] : []));
      ts += 1000;
    }
    // A prompt typed earlier than every other of s1, indexed late.
    if (round === 12) rows.push(['q', P[0]!, 'early', 1_000, 'the earliest prompt']);
    if (round === 20) rows.push(['X', P[1]!], ['F', P[1]!, 'sid-1b', '/w/1']);
  }
  return rows;
}

const reference = (dir: string) => loadCatalog(dir, undefined, undefined, false);

describe('catalog snapshot', () => {
  it('the journal alone folds to the known catalog', async () => {
    const dir = await stateDir();
    await appendRowsAsync(indexFiles(dir).meta, history());
    const c = reference(dir);
    expect(c.map((e) => [e.path, e.sessionId, e.cwd, e.firstPrompt?.short])).toEqual([
      // Most recent activity first: s3 is the last with a span in each round.
      [P[2], 'sid-2', '/w/2', 'prompt 0 of 2'],
      [P[1], 'sid-1b', '/w/1', 'prompt 21 of 1'],
      [P[0], 's1', '/w/0', 'the earliest prompt'],
    ]);
    expect(c.find((e) => e.path === P[1])!.firstTs).toBe(10_000 + 21 * 4000 + 1000);
  });

  it('taken at any point of the journal, with the rest replayed, gives the same catalog', async () => {
    const rows = history();
    for (let cut = 0; cut <= rows.length; cut += 9) {
      const dir = await stateDir();
      const meta = indexFiles(dir).meta;
      await appendRowsAsync(meta, rows.slice(0, cut));
      expect(await refreshCatalogSnapshot(dir)).toBe(cut > 0); // none yet: written (once there is a journal)
      await appendRowsAsync(meta, rows.slice(cut));
      const f = foldJournal(dir);
      expect(f.fromSnapshot, `cut ${cut}`).toBe(cut > 0);
      expect(loadCatalog(dir), `cut ${cut}`).toEqual(reference(dir));
      // The snapshot is recent enough (the rest is small): not rewritten (none without a journal).
      expect(await refreshCatalogSnapshot(dir)).toBe(cut === 0);
    }
  });

  it('missing, torn, of another version or not a catalog: the journal is folded instead', async () => {
    const dir = await stateDir();
    const rows = history();
    await appendRowsAsync(indexFiles(dir).meta, rows.slice(0, 100));
    await refreshCatalogSnapshot(dir);
    await appendRowsAsync(indexFiles(dir).meta, rows.slice(100));
    const want = reference(dir);
    const file = catalogFile(dir);
    const good = readFileSync(file, 'utf8');
    expect(foldJournal(dir).fromSnapshot).toBe(true);
    const variants: Record<string, string> = {
      torn: good.slice(0, Math.floor(good.length * 0.6)),
      'header only': good.slice(0, good.indexOf('\n') + 1),
      'another version': good.replace(/"version":\d+/, '"version":99'),
      'another format': good.replace('ccotel-sessions-catalog', 'something-else'),
      'slots not rows': good.replace(/\n.*\n$/, '\n{"a":1}\n'),
      'a slot of the wrong shape': good.replace(/\[\[0,/, '[[0,1,'),
      'a folder index out of range': good.replace(/\[\[0,/, '[[99,'),
      empty: '',
    };
    for (const [name, text] of Object.entries(variants)) {
      expect(text, name).not.toBe(good);
      writeFileSync(file, text);
      expect(foldJournal(dir).fromSnapshot, name).toBe(false);
      expect(loadCatalog(dir), name).toEqual(want);
    }
    rmSync(file);
    expect(loadCatalog(dir)).toEqual(want);
    // The writer replaces a snapshot it cannot use.
    writeFileSync(file, variants.torn!);
    expect(await refreshCatalogSnapshot(dir)).toBe(true);
    expect(foldJournal(dir).fromSnapshot).toBe(true);
    expect(loadCatalog(dir)).toEqual(want);
  });

  it('beside a journal rewritten or replaced under it, the snapshot is not used', async () => {
    const dir = await stateDir();
    const meta = indexFiles(dir).meta;
    await appendRowsAsync(meta, history());
    await refreshCatalogSnapshot(dir);
    const saved = join(dir, 'saved-catalog');
    copyFileSync(catalogFile(dir), saved);
    // Compaction drops the snapshot before it rewrites the journal.
    expect(compactIndex(dir, 0).map((c) => c.journal)).toContain('meta');
    expect(existsSync(catalogFile(dir))).toBe(false);
    const want = reference(dir);
    // A snapshot left from before (a writer that did not know of it): the journal is another file.
    copyFileSync(saved, catalogFile(dir));
    expect(foldJournal(dir).fromSnapshot).toBe(false);
    expect(loadCatalog(dir)).toEqual(want);
    // The same inode, rewritten in place to at least the covered length with other bytes at its end.
    const dir2 = await stateDir();
    const meta2 = indexFiles(dir2).meta;
    await appendRowsAsync(meta2, history());
    await refreshCatalogSnapshot(dir2);
    const size = statSync(meta2).size;
    const other = history().map((r) => (r[0] === 'q' ? (['q', r[1], r[2], r[3], `${String(r[4])}!`] as MetaRow) : r));
    truncateSync(meta2, 0);
    await appendRowsAsync(meta2, other);
    expect(statSync(meta2).size).toBeGreaterThanOrEqual(size);
    expect(foldJournal(dir2).fromSnapshot).toBe(false);
    expect(loadCatalog(dir2)[0]!.firstPrompt!.short).toBe('prompt 0 of 2!');
    expect(loadCatalog(dir2)).toEqual(reference(dir2));
    // Shorter than it covered (replaced by a smaller file): not used.
    const dir3 = await stateDir();
    await appendRowsAsync(indexFiles(dir3).meta, history());
    await refreshCatalogSnapshot(dir3);
    const tmp = `${indexFiles(dir3).meta}.new`;
    await appendRowsAsync(tmp, history().slice(0, 40));
    renameSync(tmp, indexFiles(dir3).meta);
    expect(foldJournal(dir3).fromSnapshot).toBe(false);
    expect(loadCatalog(dir3)).toEqual(reference(dir3));
  });

  it('a row that moves the first prompt later, in the journal or pending: the exact answer from the whole journal', async () => {
    const dir = await stateDir();
    const meta = indexFiles(dir).meta;
    await appendRowsAsync(meta, [
      ['F', P[0]!, 'sid', '/w'],
      ['W', P[0]!, 100, 900],
      ['q', P[0]!, 'a', 100, 'first'],
      ['q', P[0]!, 'b', 200, 'second'],
      ['q', P[0]!, 'c', 300, 'third'],
    ]);
    await refreshCatalogSnapshot(dir);
    // Pending rows (a read-only reader's): prompt a moves after b.
    const pending = { meta: [['q', P[0]!, 'a', 250, 'first, later']] as MetaRow[], text: [] };
    expect(loadCatalog(dir, pending)[0]!.firstPrompt!.short).toBe('second');
    await appendRowsAsync(meta, pending.meta);
    expect(foldJournal(dir).fromSnapshot).toBe(false); // the snapshot cannot take that row
    expect(loadCatalog(dir)[0]!.firstPrompt!.short).toBe('second');
    expect(loadCatalog(dir)).toEqual(reference(dir));
    // The same prompt again at its own time, or earlier: still first, through the snapshot.
    const dir2 = await stateDir();
    await appendRowsAsync(indexFiles(dir2).meta, [['F', P[0]!, 'sid', '/w'], ['W', P[0]!, 100, 900], ['q', P[0]!, 'a', 100, 'first'], ['q', P[0]!, 'b', 200, 'second']]);
    await refreshCatalogSnapshot(dir2);
    await appendRowsAsync(indexFiles(dir2).meta, [['q', P[0]!, 'a', 100, 'first again'], ['q', P[0]!, 'b', 50, 'second, earlier']]);
    expect(foldJournal(dir2).fromSnapshot).toBe(true);
    expect(loadCatalog(dir2)[0]!.firstPrompt!.short).toBe('second, earlier');
    expect(loadCatalog(dir2)).toEqual(reference(dir2));
  });

  it('is rewritten only once the journal grew past it by a quarter of its size (64 kB at least)', async () => {
    const dir = await stateDir();
    const meta = indexFiles(dir).meta;
    await appendRowsAsync(meta, history());
    expect(await refreshCatalogSnapshot(dir)).toBe(true);
    const covered = () => (JSON.parse(readFileSync(catalogFile(dir), 'utf8').split('\n')[0]!) as { metaBytes: number }).metaBytes;
    const first = covered();
    // A followed session: a span per commit.
    let ts = 1_000_000;
    let rewrites = 0;
    while (statSync(meta).size - first < 70 << 10) {
      // Forty commits' rows at a time (each append is fsynced).
      const spans: MetaRow[] = [];
      for (let k = 0; k < 40; k++, ts += 10) spans.push(['W', P[0]!, ts, ts + 10]);
      await appendRowsAsync(meta, spans);
      if (await refreshCatalogSnapshot(dir)) rewrites++;
      if (rewrites === 0) expect(covered()).toBe(first);
    }
    expect(rewrites).toBe(1);
    expect(covered()).toBeGreaterThanOrEqual(first + (64 << 10));
    expect(loadCatalog(dir)).toEqual(reference(dir));
    expect(loadCatalog(dir).find((e) => e.path === P[0])!.lastTs).toBe(ts);  
  });

  it("the daemon's cache answers like the journal through appends, a compaction and pending rows", async () => {
    const dir = await stateDir();
    const meta = indexFiles(dir).meta;
    const rows = history();
    const cache = new CatalogCache(dir);
    const viaCache = () => loadCatalog(dir, undefined, undefined, true, cache);
    expect(viaCache()).toEqual([]); // no journal yet
    for (let at = 0; at < rows.length; at += 23) {
      await appendRowsAsync(meta, rows.slice(at, at + 23));
      if (at === 46) await refreshCatalogSnapshot(dir);
      expect(viaCache(), `after ${at + 23} rows`).toEqual(reference(dir));
      // Unchanged journal: the same fold, not folded again.
      expect(cache.fold()).toBe(cache.fold());
    }
    const before = cache.fold();
    expect(compactIndex(dir, 0).map((c) => c.journal)).toContain('meta');
    expect(cache.fold()).not.toBe(before);
    expect(viaCache()).toEqual(reference(dir));
    // Rows not yet written apply to a fresh fold; the cached one stays the journal's.
    const pending = { meta: [['W', P[3]!, 5, 999_999] as MetaRow], text: [] };
    const withPending = loadCatalog(dir, pending, undefined, true, cache);
    expect(withPending).toEqual(loadCatalog(dir, pending, undefined, false));
    expect(withPending.map((e) => e.path)).toContain(P[3]);
    expect(viaCache().map((e) => e.path)).not.toContain(P[3]);
  });

  it("one transcript's rows are found in a journal read in pieces: rows across every read boundary, a row longer than a read, a torn end", async () => {
    const dir = await stateDir();
    const file = indexFiles(dir).text;
    const paths = ['/p/-w/a.jsonl', '/p/-w/a/subagents/agent-1.jsonl', '/p/-w/ab.jsonl', '/p/-w/b.jsonl'];
    const rows: TextRow[] = [];
    // ~9 MB of rows from 1 byte of text to 2.5 MB (several 1 MB reads for one row).
    for (let i = 0; rows.length < 2_600; i++) {
      const len = i === 4 || i === 701 || i === 1502 ? 2_500_000 + i : (i * 7919) % 3_000;
      rows.push(['a', paths[i % paths.length]!, `u${i}`, i, `é${'x'.repeat(len)}`]);
    }
    await appendRowsAsync(file, rows);
    writeFileSync(file, `${readFileSync(file, 'utf8')}["a","${paths[0]}","torn",1,"no end`);
    const wanted = (r: TextRow) => r[1] === paths[0] || r[1].startsWith('/p/-w/a/');
    const found = readRows<TextRow>(file, [...pathNeedles(paths[0]!), ...pathNeedles('/p/-w/a/', true)]);
    expect(found.length).toBe(rows.filter(wanted).length);
    expect(found).toEqual(rows.filter(wanted));
    expect(readRows<TextRow>(file, pathNeedles('/p/-w/none.jsonl'))).toEqual([]);
    expect(readRows<TextRow>(join(dir, 'missing.ndjson'), pathNeedles(paths[0]!))).toEqual([]);
  });
});
