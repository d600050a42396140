// The line reader stops early on a short read only once it has reached the size the caller just
// stat'ed (src/sources/line-reader.ts): a filesystem may return fewer bytes than asked in the
// middle of a file (FUSE, network mounts). Here every read returns at most 1,000 bytes.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';

const reads = vi.hoisted(() => ({ cap: Infinity, calls: 0 }));
vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  const readSync = (fd: number, buf: NodeJS.ArrayBufferView, offset: number, length: number, position: number | null): number => {
    reads.calls++;
    return fs.readSync(fd, buf, offset, Math.min(length, reads.cap), position);
  };
  return { ...fs, readSync, default: { ...fs, readSync } };
});
const { readLines } = await import('../src/sources/line-reader.js');

const dir = mkdtempSync(join(tmpdir(), 'ccotel-short-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const lines = Array.from({ length: 400 }, (_, i) => JSON.stringify({ i, pad: 'x'.repeat(i % 97) }));
const path = join(dir, 'f.jsonl');
writeFileSync(path, lines.join('\n') + '\n');
const size = Buffer.byteLength(lines.join('\n') + '\n');

async function read(opts: { size?: number }): Promise<string[]> {
  const got: string[] = [];
  const res = await readLines(path, 0, (text) => got.push(text ?? 'INVALID'), { maxLineBytes: 1 << 20, ...opts });
  expect(res.endOffset).toBe(Buffer.byteLength(got.map((l) => l + '\n').join('')));
  return got;
}

describe('short reads', () => {
  it('read every line when reads return fewer bytes than asked mid-file, with or without the stat size', async () => {
    reads.cap = 1000;
    expect(size).toBeGreaterThan(10 * reads.cap);
    expect(await read({ size })).toEqual(lines);
    expect(await read({})).toEqual(lines);
    // A stat older than the file (it grew since): at least every line within the stat's size is
    // read; the rest is for the next read, as bytes appended after a stat are.
    const early = await read({ size: 5000 });
    expect(early).toEqual(lines.slice(0, early.length));
    expect(Buffer.byteLength(early.map((l) => l + '\n').join('')) + reads.cap).toBeGreaterThan(5000);
    // A size larger than the file (truncated since the stat): the reader ends at the real end.
    expect(await read({ size: size + 5000 })).toEqual(lines);
  });

  it('make no read only to meet the end once the stat size is reached', async () => {
    reads.cap = Infinity;
    reads.calls = 0;
    await read({ size });
    expect(reads.calls).toBe(1);
    reads.calls = 0;
    await read({});
    expect(reads.calls).toBe(2);
  });
});
