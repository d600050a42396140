// Compaction of the sessions index (src/sessions/compact.ts): after it, every answer a reader gives
// (the listing's catalog, search, one session's text and files) is the same as before, and the
// journals are smaller. Rows are written as the sink writes them: time spans per commit, a file
// replaced (X) and re-read, bytes delivered twice, a subagent's file rows, a torn last line.
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { appendRowsAsync, indexFiles, type MetaRow, type TextRow } from '../src/sessions/index-file.js';
import { loadCatalog, loadSession } from '../src/sessions/catalog.js';
import { itemsOf, pathsHoldingAll, readTextJournal } from '../src/sessions/text-scan.js';
import { parseQuery } from '../src/sessions/search.js';
import { compactIndex, CompactionTrigger, indexHealth, readMark } from '../src/sessions/compact.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
const stateDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'ccotel-compact-'));
  dirs.push(d);
  return d;
};

const P = ['/c/projects/-w-a/s1.jsonl', '/c/projects/-w-a/s2.jsonl', '/c/projects/-w-b/s3.jsonl'];
const SUB = '/c/projects/-w-a/s1/subagents/agent-1.jsonl';
const WORDS = ['apple', 'banana', 'cherry', 'durian', 'elder', 'fig'];

/** A history of commits as the sink writes them; `scale` repeats the live-following part. */
async function writeHistory(dir: string, scale: number, pad = ''): Promise<void> {
  const f = indexFiles(dir);
  let ts = 1_000;
  // Collected and appended at the end (one fsync): the order of the rows is what matters.
  const meta: MetaRow[] = [];
  const text: TextRow[] = [];
  let replaced = false;
  for (let round = 0; round < scale; round++) {
    for (const [i, path] of P.entries()) {
      // The sink writes a file row when it first meets a file, again after the file was replaced.
      if (round === 0 || round === 3 || (i === 1 && replaced)) meta.push(['F', path, `sid-${i}`, round === 0 && i === 2 ? '' : `/w/${i}`]);
      const word = WORDS[(round + i) % WORDS.length]!;
      text.push(['p', path, `u${round}`, ts, `${word} prompt ${round}${pad}`]);
      text.push(['a', path, `a${round}`, ts + 1, `answer with ${WORDS[(round * 7 + i) % WORDS.length]}`]);
      text.push(['o', path, `t${round}`, ts + 2, `tool output ${word}-out`]);
      text.push(['f', path, `t${round}`, ts + 2, `/w/file${round % 3}.ts`, round % 2 ? 'Read' : 'Edit']);
      meta.push(['q', path, `u${round}`, ts, `${word} prompt ${round}`]);
      meta.push(['W', path, ts, ts + 2]);
      // Bytes delivered twice (a crash between the index write and the checkpoint).
      if (round % 5 === 2) {
        text.push(['p', path, `u${round}`, ts, `${word} prompt ${round}${pad}`]);
        meta.push(['q', path, `u${round}`, ts, `${word} prompt ${round}`], ['W', path, ts, ts + 2]);
      }
      ts += 1000;
    }
    replaced = false;
    text.push(['f', SUB, `ts${round}`, ts, `/w/sub${round % 2}.ts`, 'Read']);
    // s2 is replaced twice: everything before its X is gone.
    if (round === Math.floor(scale / 3) || round === Math.floor((2 * scale) / 3)) {
      text.push(['X', P[1]!]);
      meta.push(['X', P[1]!]);
      replaced = true;
    }
    if (round === Math.floor(scale / 2)) text.push(['X', SUB]);
  }
  await appendRowsAsync(f.text, text);
  await appendRowsAsync(f.meta, meta);
}

function answers(dir: string) {
  const catalog = loadCatalog(dir);
  const j = readTextJournal(indexFiles(dir).text);
  const all = new Set(P);
  const search: Record<string, string[]> = {};
  for (const q of ['apple', 'banana cherry', '"prompt 7"', 'durian-out', 'zzz', 'answer fig']) {
    for (const allText of [false, true]) search[`${q}/${allText}`] = [...pathsHoldingAll([j], parseQuery(q), all, allText)].sort();
  }
  const items = Object.fromEntries([...itemsOf([j], all)].map(([p, xs]) => [p, xs]));
  const sessions = Object.fromEntries(P.map((p) => {
    const s = loadSession(dir, p);
    return [p, { items: s.items, files: [...s.files].map(([k, v]) => [k, [...v].sort()]).sort() }];
  }));
  return { catalog, search, items, sessions };
}

describe('sessions index compaction', () => {
  it('gives the same answers from smaller journals', async () => {
    const dir = stateDir();
    await writeHistory(dir, 40);
    const before = answers(dir);
    expect(before.catalog.map((e) => e.sessionId).sort()).toEqual(['sid-0', 'sid-1', 'sid-2']);
    expect(before.search['apple/false']!.length).toBeGreaterThan(0);
    const h = indexHealth(dir);
    expect(h.meta.live).toBeLessThan(h.meta.rows);
    expect(h.text.live).toBeLessThan(h.text.rows);
    const done = compactIndex(dir, 0);
    expect(done.map((d) => d.journal).sort()).toEqual(['meta', 'text']);
    for (const d of done) {
      expect(d.rowsAfter).toBeLessThan(d.rowsBefore);
      expect(d.bytesAfter).toBeLessThan(d.bytesBefore);
    }
    expect(answers(dir)).toEqual(before);
    const again = indexHealth(dir);
    expect([again.meta.rows - again.meta.live, again.text.rows - again.text.live]).toEqual([0, 0]);
    expect(compactIndex(dir, 0)).toEqual([]); // nothing left to drop
    // Appending after compaction works as before.
    await appendRowsAsync(indexFiles(dir).text, [['p', P[0]!, 'late', 99_999, 'a late kiwi']]);
    expect([...pathsHoldingAll([readTextJournal(indexFiles(dir).text)], parseQuery('kiwi'), new Set(P), false)]).toEqual([P[0]]);
  });

  it('leaves journals with few dead rows alone, and the writer looks only when the index doubled', async () => {
    const dir = stateDir();
    await writeHistory(dir, 6);
    const bytes = statSync(indexFiles(dir).text).size;
    expect(compactIndex(dir)).toEqual([]); // under COMPACT_MIN_DEAD
    expect(statSync(indexFiles(dir).text).size).toBe(bytes);

    const big = stateDir();
    await writeHistory(big, 900, ' '.repeat(400)); // > 1 MB, thousands of dead rows (W rows, a replaced file)
    const before = answers(big);
    const trigger = new CompactionTrigger(big);
    const done = trigger.afterFlush();
    expect(done.map((d) => d.journal)).toContain('meta');
    expect(answers(big)).toEqual(before);
    const mark = readMark(big)!;
    expect([mark.meta, mark.text]).toEqual([statSync(indexFiles(big).meta).size, statSync(indexFiles(big).text).size]);
    // A new writer (another process) remembers the look: no re-read until a journal doubles.
    expect(new CompactionTrigger(big).afterFlush()).toEqual([]);
    // The listing journal doubles (a followed session's time spans): looked at, and compacted, even
    // after the first flush; the text journals are left for the next process's first flush.
    const later = new CompactionTrigger(big);
    expect(later.afterFlush()).toEqual([]);
    const spans: MetaRow[] = [];
    for (let i = 0; i < 40_000; i++) spans.push(['W', P[0]!, 5_000_000 + i, 5_000_001 + i]);
    await appendRowsAsync(indexFiles(big).meta, spans);
    const textBefore = statSync(indexFiles(big).text).size;
    expect(later.afterFlush().map((d) => d.journal)).toEqual(['meta']);
    expect(statSync(indexFiles(big).text).size).toBe(textBefore);
    expect(loadCatalog(big).find((e) => e.path === P[0])!.lastTs).toBe(5_000_001 + 39_999);
  });

  it('a row appended after a torn last line is not lost', async () => {
    const dir = stateDir();
    const f = indexFiles(dir);
    await appendRowsAsync(f.text, [['p', P[0]!, 'u1', 1, 'first kiwi']]);
    appendFileSync(f.text, '["p","/c/projects/-w-a/s1.jsonl","u2",2,"torn'); // a kill mid-append
    await appendRowsAsync(f.text, [['p', P[0]!, 'u3', 3, 'third mango']]);
    expect(existsSync(f.text)).toBe(true);
    const items = itemsOf([readTextJournal(f.text)], new Set([P[0]!])).get(P[0]!)!;
    expect(items.map((i) => i.text)).toEqual(['first kiwi', 'third mango']);
    expect(readFileSync(f.text, 'utf8').split('\n').filter(Boolean)).toHaveLength(3);
  });
});
