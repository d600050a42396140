// The search's raw-journal prefilter (src/sessions/text-scan.ts) must find exactly the sessions a
// plain decode-everything search finds. The texts are random mixes of words, accents, CJK, emoji,
// quotes, backslashes, newlines and tabs (the characters JSON escapes), Kelvin sign and long s
// (which fold to ASCII k and s), and the queries are drawn from the texts with their case changed,
// phrases spanning escaped newlines, and words found nowhere.
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { appendRowsAsync, type TextRow } from '../src/sessions/index-file.js';
import { isCaseless, itemsOf, pathsHoldingAll, readTextJournal, surelyMissing } from '../src/sessions/text-scan.js';
import { matchItems, parseQuery } from '../src/sessions/search.js';
import { prng } from './support/prng.js';


const WORDS = ['alpha', 'Beta', 'gamma', 'café', 'Größe', 'été', 'σοφία', 'ΣΟΦΊΑ', 'データベース', '移行', '😀', 'say "hi"', 'C:\\temp', 'tab\there', 'line\nbreak', 'kelvin', '\u212Aelvin', 'mi\u017Fs', 'miss', 'ok', 'x', 'key=val', 'a.b*c'];
const SEPS = [' ', '  ', '\n', '\t', ' \n '];

/** Plain search: every term in some live prompt or answer (tool output with allText) of the path. */
function naive(rows: TextRow[], query: string, paths: Set<string>, allText: boolean): Set<string> {
  const q = parseQuery(query);
  const live = new Map<string, Map<string, string>>();
  for (const r of rows) {
    if (r[0] === 'X') live.delete(r[1]);
    else if (r[0] === 'p' || r[0] === 'a' || (allText && r[0] === 'o')) {
      let m = live.get(r[1]);
      if (!m) live.set(r[1], (m = new Map()));
      m.set(r[0] + r[2], String(r[4]));
    } else if (r[0] === 'o' && !live.has(r[1])) live.set(r[1], new Map());
  }
  const out = new Set<string>();
  for (const [p, m] of live) if (paths.has(p) && q.res.every((re) => [...m.values()].some((t) => re.test(t)))) out.add(p);
  return out;
}

describe('search prefilter over the raw journal', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  for (const seed of [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]) {
    // Seeds past 8 write as the sink does, a file's rows together (runs of one path, which the
    // search skips over once it has settled a path), with torn and foreign lines between appends.
    const runs = seed > 8;
    it(`seed ${seed}: finds exactly the sessions a decode-everything search finds${runs ? ' (runs of rows, torn lines)' : ''}`, async () => {
      const r = prng(seed);
      const dir = mkdtempSync(join(tmpdir(), 'ccotel-search-'));
      dirs.push(dir);
      const file = join(dir, 'text.ndjson');
      const paths = Array.from({ length: 12 }, (_, i) => `/p/${i % 3 === 0 ? 'dir "q"' : 'dir'}/s${i}.jsonl`);
      const rows: TextRow[] = [];
      const texts: string[] = [];
      let prev = paths[0]!;
      for (let i = 0; i < 400; i++) {
        const path = runs && r.chance(0.85) ? prev : r.pick(paths);
        prev = path;
        if (r.chance(0.02)) {
          rows.push(['X', path]);
          continue;
        }
        let text = '';
        for (let w = r.int(1, 6); w > 0; w--) text += r.pick(WORDS) + r.pick(SEPS);
        text = text.normalize('NFC');
        texts.push(text);
        const kind = r.pick(['p', 'a', 'o', 'f']);
        // Some ids hold characters JSON escapes (a row's key is its id as decoded).
        const id = `${kind === 'o' ? 't' : 'u'}${runs && r.chance(0.2) ? r.pick(['"', '\\', '\\"']) : ''}${r.int(0, 300)}`;
        rows.push(kind === 'f' ? ['f', path, `t${i}`, i, text, 'Read'] : [kind, path, id, 1000 + i, text]);
      }
      // Written in several appends, as commits would.
      for (let at = 0; at < rows.length; at += 37) {
        await appendRowsAsync(file, rows.slice(at, at + 37));
        // A kill mid-append (cut before the row's path ends: no reader takes it as a row), or a foreign line.
        if (runs && r.chance(0.5)) appendFileSync(file, r.chance(0.5) ? JSON.stringify(rows[at]).slice(0, r.int(2, 12)) : 'not a row\n');
      }
      const j = readTextJournal(file);
      const queries = ['zzznothing', 'ALPHA', 'Café', 'CAFÉ gamma', 'größe', 'ΣΟΦΊΑ', 'σοφία', 'データ', '移行 alpha', '😀', '"say "hi""', '"hi"', 'C:\\temp', 'tab', '"line break"', '"tab here"', 'KELVIN', 'kelvin', 'MISS', 'mis', 'key=val', 'a.b*c', 'b*c ok', '\u212Aelvin', 'MI\u017FS', 'ÉTÉ', 'Été', 'GRÖßE', 'σοφιασ', 'ΣΟΦΙΑ', 'べ', '😀 ok'];
      for (let k = 0; k < 15; k++) {
        // A random two-word phrase from a text (whitespace between them may be a newline or a tab).
        const words = r.pick(texts).split(/\s+/).filter(Boolean);
        if (words.length >= 2) queries.push(`"${words[0]} ${words[1]}"`.toUpperCase());
      }
      const some = new Set(paths.filter((_, i) => i % 4 !== 1));
      for (const query of queries) {
        for (const allText of [false, true]) {
          for (const within of [new Set(paths), some]) {
            const want = naive(rows, query, within, allText);
            const got = pathsHoldingAll([j], parseQuery(query), within, allText);
            expect([...got].sort(), `${query} allText=${allText}`).toEqual([...want].sort());
            // The snippets from the items that may hold a word are those from every item.
            const every = itemsOf([j], got);
            const maybe = itemsOf([j], got, [], parseQuery(query));
            for (const p of got) expect(matchItems(maybe.get(p) ?? [], parseQuery(query), allText), `${query} ${p}`).toEqual(matchItems(every.get(p) ?? [], parseQuery(query), allText));
            // The shortcut for a term found nowhere is only taken when nothing matches.
            if (surelyMissing([j.raw], parseQuery(query), allText)) expect(naive(rows, query, new Set(paths), allText).size, query).toBe(0);
          }
        }
      }
      // Pending rows (a read-only reader's) count as if appended.
      const extra: TextRow[] = [['X', paths[0]!], ['p', paths[0]!, 'new', 5000, 'pending zebra'], ['a', paths[1]!, 'new', 5001, 'zebra too']];
      expect([...pathsHoldingAll([j], parseQuery('zebra'), new Set(paths), false, extra)].sort()).toEqual([paths[0], paths[1]].sort());
      expect(surelyMissing([j.raw], parseQuery('zzznothing'), true)).toBe(true);
      expect(surelyMissing([j.raw], parseQuery('alpha zebra'), false)).toBe(true);
      expect(surelyMissing([j.raw], parseQuery('alpha zebra'), false, extra)).toBe(false); // pending rows hold it
      expect([...pathsHoldingAll([j], parseQuery('alpha'), new Set(paths), false, extra)]).not.toContain(paths[0]);
      // The items of a path are its live rows, file rows apart.
      const items = itemsOf([j], new Set([paths[2]!]));
      const live: string[] = [];
      for (const row of rows) {
        if (row[1] !== paths[2]) continue;
        if (row[0] === 'X') live.length = 0;
        else if (row[0] !== 'f') live.push(row[0] + row[2]);
      }
      expect((items.get(paths[2]!) ?? []).map((i) => i.k + i.id).sort()).toEqual([...new Set(live)].sort());
    });
  }
});

describe('search prefilter, one case each', () => {
  it('finds text whose characters fold to ASCII, accents in either case, and phrases over escapes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ccotel-search-'));
    try {
      const file = join(dir, 'text.ndjson');
      const texts = ['\u212Aelvin scale', 'mi\u017Fs you', 'ÉTÉ chaud', 'two\nlines here', 'tab\tsep', 'quote "me"', 'データベース移行', 'ΣΟΦΙΑΣ'];
      await appendRowsAsync(file, texts.map((t, i): TextRow => ['p', `/p/s${i}.jsonl`, `u${i}`, i, t]));
      const j = readTextJournal(file);
      const all = new Set(texts.map((_, i) => `/p/s${i}.jsonl`));
      const find = (q: string) => [...pathsHoldingAll([j], parseQuery(q), all, false)].sort();
      expect(find('KELVIN')).toEqual(['/p/s0.jsonl']);
      expect(find('kelvin scale')).toEqual(['/p/s0.jsonl']);
      expect(find('MISS')).toEqual(['/p/s1.jsonl']);
      expect(find('été')).toEqual(['/p/s2.jsonl']);
      expect(find('"two lines"')).toEqual(['/p/s3.jsonl']);
      expect(find('"TAB SEP"')).toEqual(['/p/s4.jsonl']);
      expect(find('quote "me')).toEqual(['/p/s5.jsonl']); // a term with a quote: no raw pass
      expect(find('移行')).toEqual(['/p/s6.jsonl']);
      expect(find('σοφιας')).toEqual(['/p/s7.jsonl']);
      expect(find('s7')).toEqual([]); // in the path, not the text
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('search prefilter, a transcript with more rows than a run holds', () => {
  it('finds words past the cut, and a row replaced from the far side of it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ccotel-search-'));
    try {
      const file = join(dir, 'text.ndjson');
      const A = '/p/long.jsonl';
      const rows: TextRow[] = Array.from({ length: 70_000 }, (_, i): TextRow => ['p', A, `u${i}`, i, i === 5 ? 'needle here' : i === 69_000 ? 'past the cut' : `filler ${i}`]);
      rows.push(['p', A, 'u5', 70_001, 'replaced']); // u5's needle is no longer text a reader keeps
      rows.push(['a', '/p/other.jsonl', 'x1', 70_002, 'needle too']);
      await appendRowsAsync(file, rows);
      const j = readTextJournal(file);
      const all = new Set([A, '/p/other.jsonl']);
      const find = (q: string) => [...pathsHoldingAll([j], parseQuery(q), all, false)].sort();
      expect(find('needle')).toEqual(['/p/other.jsonl']);
      expect(find('replaced')).toEqual([A]);
      expect(find('"past the cut"')).toEqual([A]);
      expect(find('filler')).toEqual([A]);
      const items = itemsOf([j], new Set([A])).get(A)!;
      expect([items.length, items.find((i) => i.id === 'u5')?.text]).toEqual([70_000, 'replaced']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('caseless scripts (searched by their bytes)', () => {
  it('hold no character with a case partner, and no character outside them folds into them', () => {
    for (let cp = 0; cp <= 0x10ffff; cp++) {
      if (cp >= 0xd800 && cp <= 0xdfff) continue;
      const c = String.fromCodePoint(cp);
      const partners = [c.toLowerCase(), c.toUpperCase()].filter((x) => x !== c && [...x].length === 1);
      if (isCaseless(cp)) expect(partners, `U+${cp.toString(16)}`).toEqual([]);
      else for (const x of partners) expect(isCaseless(x.codePointAt(0)!), `U+${cp.toString(16)} → ${x}`).toBe(false);
    }
  });
});
