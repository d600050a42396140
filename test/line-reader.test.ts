// Unit tests of the byte-range line reader (src/sources/line-reader.ts).
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHUNK, readLines, type LineReadResult } from '../src/sources/line-reader.js';

const BIG = 64 << 20;
let dir: string;
let n = 0;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ccotel-lines-'));
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function file(content: string | Buffer): string {
  const p = join(dir, `f${n++}.jsonl`);
  writeFileSync(p, content);
  return p;
}

async function all(path: string, from = 0, maxLineBytes = BIG, maxBytes?: number) {
  const got: Array<{ text: string | null; start: number; index: number }> = [];
  const res = await readLines(path, from, (text, start, index) => got.push({ text, start, index }), { maxLineBytes, maxBytes });
  return { got, res };
}

describe('readLines', () => {
  it('strips CRLF and LF endings and reports start offsets', async () => {
    const p = file('{"a":1}\r\n{"b":2}\n{"c":3}\r\n');
    const { got, res } = await all(p);
    expect(got.map((g) => g.text)).toEqual(['{"a":1}', '{"b":2}', '{"c":3}']);
    expect(got.map((g) => g.start)).toEqual([0, 9, 17]);
    expect(res).toMatchObject({ endOffset: 26, lines: 3, pendingBytes: 0, oversized: [] });
  });

  it('skips blank and whitespace-only lines but counts them as lines', async () => {
    // One-byte lines too: a blank check that skipped a line's first byte would drop "x" and " y".
    const p = file('\n{"a":1}\n   \n\t\r\n\r\n{"b":2}\nx\n y\r\n');
    const { got, res } = await all(p);
    expect(got.map((g) => g.text)).toEqual(['{"a":1}', '{"b":2}', 'x', ' y']);
    expect(got.map((g) => g.index)).toEqual([1, 5, 6, 7]);
    expect(res.lines).toBe(8);
  });

  it('never emits a torn (unterminated) last line, and resumes it once complete', async () => {
    const p = file('{"a":1}\n{"b":');
    const first = await all(p);
    expect(first.got.map((g) => g.text)).toEqual(['{"a":1}']);
    expect(first.res).toMatchObject({ endOffset: 8, lines: 1, pendingBytes: 5 });
    writeFileSync(p, '{"a":1}\n{"b":2}\n');
    const second = await all(p, first.res.endOffset);
    expect(second.got).toEqual([{ text: '{"b":2}', start: 8, index: 0 }]);
    expect(second.res).toMatchObject({ endOffset: 16, lines: 1, pendingBytes: 0 });
  });

  it('a file with no newline at all yields nothing', async () => {
    const { got, res } = await all(file('{"a":1}'));
    expect(got).toEqual([]);
    expect(res).toMatchObject({ endOffset: 0, lines: 0, pendingBytes: 7 });
  });

  it('parses a 30 MB single line', async () => {
    const payload = 'x'.repeat(30 << 20);
    const p = file(`{"a":1}\n{"big":"${payload}"}\n{"c":3}\n`);
    const { got, res } = await all(p);
    expect(got).toHaveLength(3);
    expect(JSON.parse(got[1]!.text!).big.length).toBe(30 << 20);
    expect(got[2]).toEqual({ text: '{"c":3}', start: 8 + payload.length + 11, index: 2 });
    expect(res.oversized).toEqual([]);
  });

  it('skips and reports lines over maxLineBytes (within one chunk and across chunks)', async () => {
    const small = 'y'.repeat(5000);
    const huge = 'z'.repeat(3 << 20); // spans several 1 MB read chunks
    const p = file(`{"a":1}\n"${small}"\n{"b":2}\n"${huge}"\n{"c":3}\n`);
    const { got, res } = await all(p, 0, 4096);
    expect(got.map((g) => g.text)).toEqual(['{"a":1}', '{"b":2}', '{"c":3}']);
    const o1 = 8;
    const o2 = o1 + small.length + 3 + 8;
    expect(res.oversized).toEqual([o1, o2]);
    expect(res.lines).toBe(5);
    expect(got[2]!.start).toBe(o2 + huge.length + 3);
  });

  it('gives null for invalid UTF-8 and keeps a literal U+FFFD', async () => {
    const p = file(Buffer.concat([Buffer.from('{"a":"'), Buffer.from([0xc3, 0x28]), Buffer.from('"}\n{"b":"\uFFFD"}\n'), Buffer.from([0xff, 0xfe, 0x0a])]));
    const { got } = await all(p);
    expect(got.map((g) => g.text)).toEqual([null, '{"b":"\uFFFD"}', null]);
  });

  // A read shorter than asked ends the file's reading (no extra read only to meet its end): files
  // ending just before, at and just after a read's size, and a line ending exactly where one ends.
  it('reads every line once at the sizes around a read of CHUNK bytes', async () => {
    for (const size of [CHUNK - 1, CHUNK, CHUNK + 1, 2 * CHUNK, 2 * CHUNK + 7]) {
      const lines: string[] = [];
      let used = 0;
      for (let i = 0; used < size; i++) {
        // The last line fills the file to exactly `size` bytes (its newline included).
        const body = JSON.stringify({ i, pad: '' });
        const want = Math.min(1000 + ((i * 7919) % 5000), size - used - 1);
        const line = want > body.length + 2 ? JSON.stringify({ i, pad: 'p'.repeat(want - body.length) }) : 'x'.repeat(Math.max(0, size - used - 1));
        lines.push(line);
        used += line.length + 1;
      }
      const content = lines.map((l) => l + '\n').join('');
      expect(content.length).toBe(size);
      const path = file(content);
      const { got, res } = await all(path);
      const nonBlank = lines.filter((l) => l.length > 0);
      expect(got.map((g) => g.text), `size ${size}`).toEqual(nonBlank);
      expect(res.endOffset).toBe(size);
      expect(res.pendingBytes).toBe(0);
      expect(res.bytesRead).toBe(size);
      // Appended after that read: the next read from its end gets exactly the new line.
      appendFileSync(path, '{"late":1}\n');
      const next = await all(path, res.endOffset);
      expect(next.got.map((g) => g.text)).toEqual(['{"late":1}']);
    }
  });

  it('maxBytes slices resume exactly: no line lost or repeated', async () => {
    // Lines of very different sizes, some longer than the reader's 1 MB chunk, CRLF mixed in.
    const lines: string[] = [];
    let seed = 7;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
    for (let i = 0; i < 400; i++) {
      const len = rnd() < 0.02 ? 1_200_000 + Math.floor(rnd() * 900_000) : Math.floor(rnd() * 3000);
      lines.push(JSON.stringify({ i, pad: 'p'.repeat(len) }));
    }
    const content = lines.map((l, i) => (i % 5 === 0 ? `${l}\r\n` : i % 17 === 0 ? `${l}\n\n` : `${l}\n`)).join('') + '{"torn":';
    const p = file(content);
    for (const maxBytes of [1, 4096, 100_000, 1 << 20, 3 << 20]) {
      const seen: number[] = [];
      let offset = 0;
      let last: LineReadResult | undefined;
      for (let guard = 0; guard < 100_000; guard++) {
        const { got, res } = await all(p, offset, BIG, maxBytes);
        for (const g of got) {
          expect(content.slice(g.start, g.start + 12)).toBe(g.text!.slice(0, 12));
          seen.push(JSON.parse(g.text!).i);
        }
        last = res;
        if (res.endOffset === offset) break;
        offset = res.endOffset;
      }
      expect(seen).toEqual(lines.map((_, i) => i));
      expect(last!.endOffset).toBe(content.length - '{"torn":'.length);
      expect(last!.pendingBytes).toBe('{"torn":'.length);
    }
  });
});
