// A folder's entries, as the walk keeps them (and listing.json saves them): folders, links and
// .jsonl files, in the order of JavaScript's `<` on names (UTF-16 code units), whatever the case,
// accents or characters outside the BMP; other files left out. The listing itself stays in path order.
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ListingCache } from '../src/sources/listing-cache.js';
import { listTranscripts } from '../src/sources/transcript-files.js';

const byLessThan = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

describe('listing order', () => {
  it('keeps each folder\'s entries in `<` order, and lists the files in path order', async () => {
    const projects = join(mkdtempSync(join(tmpdir(), 'ccotel-order-')), 'projects');
    const project = join(projects, '-p');
    mkdirSync(project, { recursive: true });
    // Code units, not code points or locale: 'Z' < '_' < 'a' < 'é' < '\uFF21' (fullwidth A) < '\u{1D4B3}' (a surrogate pair, 0xD835).
    const files = ['a.jsonl', 'Z.jsonl', '_x.jsonl', 'é.jsonl', '\uFF21.jsonl', '\u{1D4B3}.jsonl', 'a-b.jsonl', 'a.b.jsonl', '10.jsonl', '9.jsonl'];
    for (const f of files) writeFileSync(join(project, f), '');
    writeFileSync(join(project, 'notes.txt'), ''); // not a transcript: left out
    writeFileSync(join(project, 'agent-x.meta.json'), '{}');
    const dirs = ['a', 'Sess', '\u{1D4B3}'];
    for (const d of dirs) {
      mkdirSync(join(project, d, 'subagents'), { recursive: true });
      writeFileSync(join(project, d, 'subagents', 'agent-1.jsonl'), '');
    }
    symlinkSync(join(project, 'a'), join(project, 'link'));
    const cache = ListingCache.empty();
    const listed = await listTranscripts([{ projectsDir: projects, exists: true } as never], undefined, cache);
    const rows = (JSON.parse(cache.serialize()) as { dirs: Array<[number, string, number, number, number, number, string, string[]]> }).dirs;
    const row = rows.find((r) => r[1] === '-p')!;
    const want = [...files, ...dirs, 'link'].sort(byLessThan);
    expect(row[7]).toEqual(want);
    const kind = (n: string): string => (n === 'link' ? 'l' : dirs.includes(n) ? 'd' : 'f');
    expect(row[6]).toBe(want.map(kind).join(''));
    // The linked folder is the same as 'a': its file is listed once, under the path walked first.
    const paths = listed.map((f) => f.path);
    expect(paths).toEqual([...paths].sort(byLessThan));
    expect(paths.length).toBe(files.length + dirs.length);
  });
});
