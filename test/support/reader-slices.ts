// Reader against reader: a whole file read slice by slice by a FileReader module in each of its
// modes. Tests load the module twice (with and without WebAssembly, see readerModules) and compare.
import { expect, vi } from 'vitest';
import type { FileHints } from '../../src/model/normalize.js';
import type { FileCheckpoint } from '../../src/sources/checkpoint.js';
import type { ReaderOptions, Slice } from '../../src/sources/file-reader.js';

type ReaderModule = typeof import('../../src/sources/file-reader.js');

/** The reader's modes: ledger only (`stats`), default (traces), text (the sessions index). */
export const READER_MODES: Record<string, ReaderOptions> = {
  ledger: { maxLineBytes: 64 << 20, sliceBytes: 1 << 20, ledgerOnly: true },
  full: { maxLineBytes: 64 << 20, sliceBytes: 1 << 20 },
  text: { maxLineBytes: 64 << 20, sliceBytes: 1 << 20, text: true },
};

const log = { debug() {}, info() {}, warn() {}, error() {} };
const fresh = (): FileCheckpoint => ({ dev: 0, ino: 0, size: 1 << 30, mtimeMs: 0, offset: 0, lines: 0, malformed: 0, oversized: 0, fp: '', fpLen: 0, sinks: {} });

/** Every slice of the file at `path`, from 0 to its end. */
export async function readAllSlices(mod: ReaderModule, path: string, opts: ReaderOptions, hints: FileHints): Promise<Slice[]> {
  const out: Slice[] = [];
  const reader = new mod.FileReader(log, opts);
  let cp = fresh();
  for (let from = 0, more = true; more; ) {
    const slice = await reader.readSlice({ path, hints }, cp, from);
    out.push(slice);
    cp = slice.next;
    from = slice.end;
    more = slice.more;
  }
  return out;
}

/**
 * The reader module twice: `pure` without WebAssembly (CCOTEL_WASM=0: every line JSON.parse'd whole)
 * and `fast` with it. The caller restores CCOTEL_WASM (and resets modules) when done.
 */
export async function readerModules(): Promise<{ pure: ReaderModule; fast: ReaderModule }> {
  process.env.CCOTEL_WASM = '0';
  vi.resetModules();
  const pure = await import('../../src/sources/file-reader.js');
  // The modules decide on their first use whether WebAssembly is on: decided now, with the variable set.
  expect((await import('../../src/model/line-extract.js')).lineExtractAvailable()).toBe(false);
  expect((await import('../../src/model/line-reduce.js')).stringScanAvailable()).toBe(false);
  delete process.env.CCOTEL_WASM;
  vi.resetModules();
  const fast = await import('../../src/sources/file-reader.js');
  expect((await import('../../src/model/line-extract.js')).lineExtractAvailable()).toBe(true);
  return { pure, fast };
}
