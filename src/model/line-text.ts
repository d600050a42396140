// Turning a transcript line's bytes into text for JSON.parse, cheaply. Most bytes of a transcript
// are tool output and thinking text that nothing reads; decoding them from UTF-8 into two-byte
// strings was the largest cost of a cold read. Instead a line is validated as UTF-8 (natively) and
// decoded as latin1: one char per byte, a one-byte string that V8 copies and parses fastest. The few
// strings the normalizer keeps are then decoded properly (`utf8Of`), and lengths are counted in
// UTF-16 units from the bytes (`utf16Length`), so every figure equals what a UTF-8 decode gives.
import { isAscii, isUtf8, transcode } from 'node:buffer';

const NON_ASCII = /[^\x00-\x7f]/;
const NON_ASCII_RUN = /[^\x00-\x7f]+/g;
// A \u escape above U+007F decodes to a real character, which would then be mistaken for a raw
// byte: such lines (rare: JSON.stringify escapes only control characters and lone surrogates) take
// the plain UTF-8 path. A false match (e.g. an escaped backslash before "u") is merely slower.
const WIDE_ESCAPE = /\\u(?!00[0-7])/;

/**
 * How a line's bytes are read: 'ascii'; 'bytes' (valid UTF-8 with non-ASCII bytes: parsed from its
 * latin1 text, every string kept goes through utf8Of); null when they are not valid UTF-8 (malformed).
 * A latin1 text may hold wide escapes: normalizeLine looks for them only when a string it keeps needs
 * decoding (hasWideEscape; most lines keep none, and scanning every long line for backslashes cost as
 * much as validating it).
 */
export function lineEncoding(buf: Buffer, start: number, end: number): 'ascii' | 'bytes' | null {
  // The reader hands its chunk with the line's bounds: the one view of the line made for the checks.
  const view = start === 0 && end === buf.length ? buf : buf.subarray(start, end);
  if (isAscii(view)) return 'ascii';
  return isUtf8(view) ? 'bytes' : null;
}

// Buffer's own latin1 decode (what toString('latin1') calls after checking its arguments: a third of
// its cost for the short strings the line extractor and the read worker's codec decode), where this
// Node has it.
type Latin1 = { latin1Slice?: (start: number, end: number) => string };
/** b.toString('latin1', start, end). */
export const latin1Of: (b: Buffer, start: number, end: number) => string =
  typeof (Buffer.prototype as Latin1).latin1Slice === 'function'
    ? (b, start, end) => (b as Latin1).latin1Slice!(start, end)
    : (b, start, end) => b.toString('latin1', start, end);

/** Whether a latin1 text holds a \u escape above U+007F: then it must be parsed from its UTF-8 decode. */
export function hasWideEscape(text: string): boolean {
  return text.includes('\\u') && WIDE_ESCAPE.test(text);
}

/** A string taken from a latin1 line, as the UTF-8 decode of its bytes. */
export function utf8Of(s: string): string {
  return NON_ASCII.test(s) ? Buffer.from(s, 'latin1').toString('utf8') : s;
}

/** UTF-16 length of the UTF-8 decode of a latin1 string's bytes (what .length gives after decoding). */
export function utf16Length(s: string): number {
  // Never decoded into a string: decoding a long tool output into a two-byte string only to take its
  // length was the largest cost of normalizing (~0.4 s of a cold read of 442 MB). A long string is
  // converted natively into UTF-16 bytes outside the heap (ICU; half the time of the count below).
  // Otherwise the regex skips ASCII natively and only runs of non-ASCII bytes are looked at: the
  // line passed a UTF-8 check, so every run is whole sequences; a continuation byte adds nothing, a
  // 4-byte sequence is a surrogate pair (its lead adds the second unit).
  if (s.length >= 256 && transcodeWorks) {
    if (!NON_ASCII.test(s)) return s.length;
    return transcode(Buffer.from(s, 'latin1'), 'utf8', 'utf16le').length >>> 1;
  }
  return countUtf16(s);
}

/** utf16Length counted in JavaScript (short strings; Node without ICU). */
export function countUtf16(s: string): number {
  let n = s.length;
  NON_ASCII_RUN.lastIndex = 0;
  for (let m = NON_ASCII_RUN.exec(s); m !== null; m = NON_ASCII_RUN.exec(s)) {
    for (let i = m.index, end = NON_ASCII_RUN.lastIndex; i < end; i++) {
      const c = s.charCodeAt(i);
      if (c < 0xc0) n--;
      else if (c >= 0xf0) n++;
    }
  }
  return n;
}

// Node built without ICU has no transcode(): the count above is used instead.
const transcodeWorks = ((): boolean => {
  try {
    return transcode(Buffer.from('\xc3\xa9\xf0\x9f\x98\x80', 'latin1'), 'utf8', 'utf16le').length === 6;
  } catch {
    return false;
  }
})();

/**
 * A parsed value from a latin1 line with every string in it decoded (tool inputs are kept whole).
 * Walked without recursion: JSON.parse builds values of any depth, and a tool input nested a few
 * thousand levels must not cost its line.
 */
export function utf8Deep(v: unknown, decode: (s: string) => string = utf8Of): unknown {
  if (typeof v === 'string') return decode(v);
  if (typeof v !== 'object' || v === null) return v;
  // Each source container is copied into its target when popped; nested containers get an empty
  // target at once (so order is kept) and are filled when their turn comes.
  const shell = (x: object): unknown[] | Record<string, unknown> => (Array.isArray(x) ? [] : {});
  const root = shell(v);
  const stack: Array<[object, unknown[] | Record<string, unknown>]> = [[v, root]];
  const copy = (x: unknown): unknown => {
    if (typeof x === 'string') return decode(x);
    if (typeof x !== 'object' || x === null) return x;
    const t = shell(x);
    stack.push([x, t]);
    return t;
  };
  for (let top = stack.pop(); top; top = stack.pop()) {
    const [src, dst] = top;
    if (Array.isArray(src)) for (const x of src) (dst as unknown[]).push(copy(x));
    else for (const [k, x] of Object.entries(src)) Object.defineProperty(dst, decode(k), { value: copy(x), enumerable: true, writable: true, configurable: true });
  }
  return root;
}

/**
 * `v` with `f` applied to every string value in it, in place (keys are left as they are): for a value
 * that is the caller's own parse result, where a copy would only cost allocations. Walked without
 * recursion, like utf8Deep.
 */
export function mapStringsInPlace(v: unknown, f: (s: string) => string): unknown {
  if (typeof v === 'string') return f(v);
  if (typeof v !== 'object' || v === null) return v;
  const stack: object[] = [v];
  for (let top = stack.pop(); top !== undefined; top = stack.pop()) {
    const o = top as Record<string, unknown>;
    for (const k of Array.isArray(o) ? o.keys() : Object.keys(o)) {
      const x = o[k];
      if (typeof x === 'string') {
        const y = f(x);
        if (y !== x) o[k] = y;
      } else if (typeof x === 'object' && x !== null) stack.push(x);
    }
  }
  return v;
}
