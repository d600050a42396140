// What a Node process needs at the very least to go through a history, as a floor beside ccotel's
// and ccusage's figures (bench/ingest-speed.ts): it reads every transcript and, per line, either
//   scan    finds each JSON string's end with Buffer.indexOf (memchr) and skips it: decodes nothing,
//           counts nothing, validates nothing (the least a parser that "skips long strings" does);
//   parse   decodes the line and runs JSON.parse on it, keeping nothing;
//   reduce  the string scan's parse (ccotel's before the line extractor, src/model/line-extract.ts,
//           now its fallback), without the rest of ccotel: the WebAssembly string scan
//           (src/model/string-scan.wat, its bytes read from string-scan-wasm.ts) copies the line with
//           long string values as placeholders, and JSON.parse reads the copy (without the reader's
//           UTF-8 check, and a line over 4 MB read as latin1: a lower bound, like the others);
//   extract ccotel's line extractor alone (src/model/line-extract.c, its bytes read from
//           line-extract-wasm.ts): chunks read into the module's memory, every line validated as
//           JSON.parse would and its fields located, a line with non-ASCII bytes UTF-8-checked;
//           no skeleton, no events, no ledger. What ccotel's parse costs before any of its own work.
// Files are shared out between THREADS threads (default 2: ccotel's main thread and its reader).
// Run as its own process, so Node's start-up is in the figure as it is in ccotel's and ccusage's.
//
// Plain JavaScript, so no loader (tsx) adds to the figure:
//   node bench/scan-floor.mjs scan|parse|reduce|extract <projects dir> [threads]
import { closeSync, fstatSync, openSync, readdirSync, readFileSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { isUtf8 } from 'node:buffer';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const NEWLINE = 0x0a;

function listJsonl(dir, out = []) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) listJsonl(p, out);
    else if (e.name.endsWith('.jsonl')) out.push(p);
  }
  return out;
}

/** Skips the strings of buf[start, end): returns how many it found (so the work is not dead code). */
function skipStrings(buf, start, end) {
  let n = 0;
  let p = start;
  for (;;) {
    const open = buf.indexOf(QUOTE, p);
    if (open < 0 || open >= end) return n;
    let close = open + 1;
    for (;;) {
      close = buf.indexOf(QUOTE, close);
      if (close < 0 || close >= end) return n + 1;
      let b = close - 1;
      while (buf[b] === BACKSLASH) b--;
      if ((close - 1 - b) % 2 === 0) break; // an even run of backslashes: the quote is not escaped
      close++;
    }
    n++;
    p = close + 1;
  }
}

/** The exports of a WebAssembly module of src/model, from the base64 its <name>-wasm.ts holds. */
function moduleExports(file) {
  const text = readFileSync(new URL(`../src/model/${file}`, import.meta.url), 'utf8');
  return new WebAssembly.Instance(new WebAssembly.Module(Buffer.from(/'([A-Za-z0-9+/=]+)'/.exec(text)[1], 'base64'))).exports;
}

/** The scan of src/model/line-reduce.ts, loaded the same way (same constants). */
function stringScan() {
  const exports = moduleExports('string-scan-wasm.ts');
  const BASE = 8192 * 8;
  exports.memory.grow(80); // room for a 4 MB line
  const mem = Buffer.from(exports.memory.buffer);
  return (buf, s, e) => {
    if (e - s > 4 << 20) return buf.toString('latin1', s, e);
    buf.copy(mem, BASE, s, e);
    const n = exports.scan(BASE, e - s, 65, 0, 8192);
    return n < 0 || exports.count.value === 0 ? buf.toString('latin1', s, e) : mem.toString('latin1', BASE, BASE + n);
  };
}

/**
 * The line extractor of src/model/line-extract.ts, loaded the same way: returns the buffer to read
 * chunks into (in the module's memory, with the slack it reads past a line) and the per-line call.
 */
function lineExtractor(bytes) {
  const x = moduleExports('line-extract-wasm.ts');
  const heap = x.heap_at();
  const need = heap + bytes + 80;
  if (x.memory.buffer.byteLength < need) x.memory.grow(Math.ceil((need - x.memory.buffer.byteLength) / 65536));
  const buf = Buffer.from(x.memory.buffer, heap, bytes);
  // The guard byte after the line is its own newline, overwritten (the reader has passed it).
  const extract = (s, e) => x.extract(heap + s, e - s) >= 0 && (x.nonascii_seen() === 0 || isUtf8(buf.subarray(s, e)));
  return { buf, extract };
}

function run(mode, files) {
  const ex = mode === 'extract' ? lineExtractor(1 << 22) : undefined;
  const buf = ex ? ex.buf : Buffer.allocUnsafe(1 << 22);
  const reduced = mode === 'reduce' ? stringScan() : undefined;
  let found = 0;
  for (const path of files) {
    const fd = openSync(path, 'r');
    try {
      const size = fstatSync(fd).size;
      let off = 0;
      let carry = 0;
      while (off < size) {
        // A line longer than the buffer is cut there: a floor may skip what a reader must handle.
        const n = readSync(fd, buf, carry, buf.length - carry, off);
        if (n === 0) break;
        off += n;
        const end = carry + n;
        let s = 0;
        for (;;) {
          const nl = buf.indexOf(NEWLINE, s);
          if (nl < 0 || nl >= end) break;
          if (mode === 'scan') found += skipStrings(buf, s, nl);
          else if (ex) {
            if (ex.extract(s, nl)) found++;
          } else {
            try {
              if (JSON.parse(reduced ? reduced(buf, s, nl) : buf.toString('utf8', s, nl)) !== null) found++;
            } catch {
              // a malformed line costs its attempt, as in any reader
            }
          }
          s = nl + 1;
        }
        carry = end - s;
        if (carry === buf.length) carry = 0;
        else buf.copy(buf, 0, s, end);
      }
    } finally {
      closeSync(fd);
    }
  }
  return found;
}

if (isMainThread) {
  const [mode, dir, threadsArg] = process.argv.slice(2);
  if (!['scan', 'parse', 'reduce', 'extract'].includes(mode) || !dir) {
    process.stderr.write('usage: node bench/scan-floor.mjs scan|parse|reduce|extract <projects dir> [threads]\n');
    process.exit(2);
  }
  const threads = Math.max(1, Number(threadsArg ?? 2));
  const files = listJsonl(dir);
  // Round robin: each thread gets files of every size.
  const share = (t) => files.filter((_, i) => i % threads === t);
  const others = Array.from({ length: threads - 1 }, (_, k) => new Promise((resolve, reject) => {
    const w = new Worker(new URL(import.meta.url), { workerData: { mode, files: share(k + 1) } });
    w.once('message', resolve).once('error', reject);
  }));
  const mine = run(mode, share(0));
  const all = mine + (await Promise.all(others)).reduce((a, b) => a + b, 0);
  process.stdout.write(`${all}\n`);
} else {
  const { mode, files } = workerData;
  parentPort.postMessage(run(mode, files));
}
