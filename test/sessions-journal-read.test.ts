// The journals a search reads are read while the command catches the index up (journal-read.ts):
// what it gives after the catch-up must be each journal exactly as it is on disk then, whatever
// happened meanwhile: rows appended, the journal replaced (compaction renames a new file over it),
// created, or removed.
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { indexFiles } from '../src/sessions/index-file.js';
import { JournalRead } from '../src/sessions/journal-read.js';

const row = (k: string, path: string, id: string, text: string): string => JSON.stringify([k, path, id, 1, text]) + '\n';

describe('journals read during the catch-up', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
  const state = (): { dir: string; text: string; out: string } => {
    const dir = mkdtempSync(join(tmpdir(), 'ccotel-jread-'));
    dirs.push(dir);
    mkdirSync(join(dir, 'sessions'));
    const f = indexFiles(dir);
    return { dir, text: f.text, out: f.out };
  };
  const onDisk = (p: string): string => {
    try {
      return readFileSync(p).toString('latin1');
    } catch {
      return '';
    }
  };

  it('gives each journal as it is after the catch-up: appended, replaced, created, removed or untouched', async () => {
    const cases: Array<{ name: string; before: (s: ReturnType<typeof state>) => void; during: (s: ReturnType<typeof state>) => void }> = [
      { name: 'untouched', before: (s) => writeFileSync(s.text, row('p', '/a.jsonl', 'u1', 'été ☃')), during: () => {} },
      { name: 'appended', before: (s) => writeFileSync(s.text, row('p', '/a.jsonl', 'u1', 'one')), during: (s) => appendFileSync(s.text, row('a', '/a.jsonl', 'u2', 'two ☃')) },
      {
        name: 'replaced by a longer file',
        before: (s) => writeFileSync(s.text, row('p', '/a.jsonl', 'u1', 'old')),
        during: (s) => {
          writeFileSync(`${s.text}.tmp`, row('p', '/b.jsonl', 'u9', 'a new and longer journal'));
          renameSync(`${s.text}.tmp`, s.text);
        },
      },
      {
        name: 'replaced by a shorter file',
        before: (s) => writeFileSync(s.text, row('p', '/a.jsonl', 'u1', 'an old and longer journal')),
        during: (s) => {
          writeFileSync(`${s.text}.tmp`, row('p', '/b.jsonl', 'u9', 'new'));
          renameSync(`${s.text}.tmp`, s.text);
        },
      },
      { name: 'created', before: () => {}, during: (s) => writeFileSync(s.text, row('p', '/a.jsonl', 'u1', 'late')) },
      { name: 'removed', before: (s) => writeFileSync(s.text, row('p', '/a.jsonl', 'u1', 'gone')), during: (s) => rmSync(s.text) },
    ];
    for (const c of cases) {
      for (const [allText, early] of [[false, false], [true, false], [false, true], [true, true]] as const) {
        const s = state();
        c.before(s);
        writeFileSync(s.out, row('o', '/a.jsonl', 't1', 'tool output'));
        const read = JournalRead.start(s.dir, allText);
        // The change lands after the early read, or (most likely) before it opened the files.
        if (early) await read.started();
        c.during(s);
        appendFileSync(s.out, row('o', '/a.jsonl', 't2', 'more output'));
        const got = await read.done();
        expect(got, `${c.name} allText=${allText} early=${early}`).toEqual(allText ? [onDisk(s.text), onDisk(s.out)] : [onDisk(s.text)]);
      }
    }
  });

  it('closes its files when the command gives up before its answer', async () => {
    const s = state();
    writeFileSync(s.text, row('p', '/a.jsonl', 'u1', 'x'));
    const read = JournalRead.start(s.dir, true);
    await read.abandon();
    await read.abandon(); // twice: nothing left to close
  });
});
