// Parses a transcript line without copying the bytes nothing reads. Most bytes of a transcript are
// tool output, thinking text, signatures and progress copies; JSON.parse copied every one of them
// into a string, to be collected again at once. Here a WebAssembly scan (string-scan.wat, 64 bytes
// a step) checks every string as JSON.parse would and replaces each long string value by a short
// placeholder; JSON.parse then reads the much shorter copy, and a placeholder the normalizer reads
// is decoded from the line's bytes then (Placeholders: its text, its length counted without
// decoding it, or only the start of it that the sessions index keeps).
//
// Exact by construction: a placeholder stands for a string the scan checked valid, so the copy is
// valid JSON exactly when the line is, and a restored string is decoded from the line's own bytes
// by JSON.parse. Where the scan gives up (a control byte or bad escape in a string, a "\u0000"
// escape, which marks placeholders) or WebAssembly is missing, the line is parsed whole, as before:
// that path is the pure TypeScript one (CCOTEL_WASM=0 forces it).
import { COMPARED_LITERALS } from './compared-literals.js';
import { STRING_SCAN_WASM } from './string-scan-wasm.js';

// Strings shorter than this (bytes, quotes included) stay: a placeholder read costs a decode from
// the bytes, and short strings are most of what is read (ids, names, times, paths). Over 64: the
// scan replaces only strings that do not fit in one of its 64-byte steps.
const MIN_STRING = 65;
// Spans per line; a line with more keeps its later strings.
const SPANS = 8192;
const TABLE = 0;
const BASE = SPANS * 8;
// Longer lines are parsed whole: the module's memory never shrinks, so it stays this small.
const MAX_LINE = 4 << 20;
// The scan reads up to 64 bytes past a line's end (masked).
const SLACK = 64;

/** How the normalizer reads the placeholders of a line (a placeholder is a string starting with "\0"). */
export interface Placeholders {
  /** The string it stands for. */
  text(placeholder: string): string;
  /** That string's length in UTF-16 units, counted from the line's bytes without decoding it. */
  units(placeholder: string): number;
  /** That string, or a start of it at least `atLeast` characters long (decoding only that much). */
  start(placeholder: string, atLeast: number): string;
  /** Date.parse of that string when it is read from its bytes at once (plain UTC ISO times), else undefined. */
  time?(placeholder: string): number | undefined;
  /** Tool inputs were parsed whole: none of their strings is a placeholder. */
  wholeInputs?: boolean;
}

interface Scanner {
  memory: WebAssembly.Memory;
  scan: (base: number, len: number, min: number, table: number, cap: number) => number;
  units: (p: number, len: number) => number;
  count: WebAssembly.Global;
  wide: WebAssembly.Global;
  bytes: Buffer;
  spans: Int32Array;
}

let scanner: Scanner | null | undefined;

function load(): Scanner | null {
  if (process.env.CCOTEL_WASM === '0') return null;
  try {
    const instance = new WebAssembly.Instance(new WebAssembly.Module(Buffer.from(STRING_SCAN_WASM, 'base64')));
    const x = instance.exports as unknown as Pick<Scanner, 'memory' | 'scan' | 'units' | 'count' | 'wide'>;
    return { memory: x.memory, scan: x.scan, units: x.units, count: x.count, wide: x.wide, bytes: Buffer.from(x.memory.buffer), spans: new Int32Array(x.memory.buffer, TABLE, SPANS * 2) };
  } catch {
    // No WebAssembly, or no SIMD in this runtime: every line is parsed whole.
    return null;
  }
}

/** Whether lines are read through the WebAssembly scan in this process. */
export function stringScanAvailable(): boolean {
  if (scanner === undefined) scanner = load();
  return scanner !== null;
}

// The line parsed last with placeholders: the caller's buffer, read by Placeholders until its next line.
const NO_LINE = Buffer.alloc(0);
let lineBuf: Buffer = NO_LINE;
let lineStart = 0;
let lineReduced = false;
let lineWide = false;
// The line's placeholders decoded so far: the normalizer may read one string several times (a tool
// output's length, then its text for the sessions index), and a decode copies the whole string.
const decoded = new Map<string, string>();

/**
 * The line buf[s, e) parsed, long strings possibly replaced by placeholders (see placeholders()).
 * Throws JSON.parse's own error for a line that is not JSON.
 */
export function parseLine(buf: Buffer, s: number, e: number): unknown {
  // The previous line's buffer is let go (a long line spanning chunks is a buffer of its own; the
  // last line's stays until the next call, in this thread).
  lineReduced = false;
  lineBuf = NO_LINE;
  if (decoded.size > 0) decoded.clear();
  const text = reducedText(buf, s, e);
  if (text !== undefined) {
    let v: unknown;
    try {
      v = JSON.parse(text);
    } catch {
      // The line is not JSON either: parsed whole below, for JSON.parse's own message.
    }
    if (v !== undefined) {
      lineBuf = buf;
      lineStart = s;
      lineReduced = true;
      lineWide = (scanner!.wide.value as number) !== 0;
      return v;
    }
  }
  return JSON.parse(buf.toString('latin1', s, e));
}

/**
 * How to read the placeholders of the line parseLine returned last (valid until it is called again),
 * or undefined when that line has none: then no string of it may be taken for one.
 */
export function placeholders(): Placeholders | undefined {
  return lineReduced ? PLACEHOLDERS : undefined;
}

/**
 * Whether the line parseLine returned last may hold a \u escape above U+007F, which a latin1 read
 * must look for (model/line-text.ts): false only when the scan read it and saw none, so its text
 * need not be made or searched.
 */
export function wideEscapesPossible(): boolean {
  return !lineReduced || lineWide;
}

/** The line's text with long string values as placeholders, or undefined (nothing replaced, or the scan gave up). */
function reducedText(buf: Buffer, s: number, e: number): string | undefined {
  const len = e - s;
  if (len < MIN_STRING || len > MAX_LINE) return undefined;
  if (scanner === undefined) scanner = load();
  const sc = scanner;
  if (sc === null) return undefined;
  if (sc.bytes.length < BASE + len + SLACK) grow(sc, BASE + len + SLACK);
  buf.copy(sc.bytes, BASE, s, e);
  const n = sc.scan(BASE, len, MIN_STRING, TABLE, SPANS);
  const count = sc.count.value as number;
  if (n < 0 || count === 0 || spellsLiteral(buf, s, count)) return undefined;
  return sc.bytes.toString('latin1', BASE, BASE + n);
}

// A placeholder equals none of the strings normalize.ts compares values with (compared-literals.ts).
const LITERALS: ReadonlySet<string> = new Set(COMPARED_LITERALS);
// A replaced string spelling one is all escapes or nearly (a literal is ASCII, of 21 characters at
// most, and an escape takes 6 bytes at most): its token holds a backslash and 128 bytes at most.
const LITERAL_TOKEN = 2 + 6 * 21;

/** Whether a string the scan replaced (of the line buf[s, ...)) spells a literal: then the line is parsed whole. */
function spellsLiteral(buf: Buffer, s: number, count: number): boolean {
  const spans = scanner!.spans;
  for (let i = 0; i < count; i++) {
    const a = s + spans[2 * i]!;
    const b = s + spans[2 * i + 1]!;
    if (b - a > LITERAL_TOKEN) continue;
    let k = a + 1;
    while (k < b && buf[k] !== 0x5c) k++;
    if (k < b && LITERALS.has(JSON.parse(buf.toString('latin1', a, b)) as string)) return true;
  }
  return false;
}

function grow(sc: Scanner, bytes: number): void {
  sc.memory.grow(Math.ceil((bytes - sc.memory.buffer.byteLength) / 65536));
  sc.bytes = Buffer.from(sc.memory.buffer);
  sc.spans = new Int32Array(sc.memory.buffer, TABLE, SPANS * 2);
}

/** The span (offsets in lineBuf, quotes included) of a placeholder ("\0" and its span's number). */
function span(placeholder: string): [number, number] {
  const spans = scanner!.spans;
  const i = Number(placeholder.slice(1));
  return [lineStart + spans[2 * i]!, lineStart + spans[2 * i + 1]!];
}

function text(placeholder: string): string {
  let s = decoded.get(placeholder);
  if (s === undefined) {
    const [a, b] = span(placeholder);
    s = JSON.parse(lineBuf.toString('latin1', a, b)) as string;
    decoded.set(placeholder, s);
  }
  return s;
}

function units(placeholder: string): number {
  const sc = scanner!;
  const [a, b] = span(placeholder);
  // The line's bytes in the module's memory were overwritten by its copy: this string's go there
  // again (the memory already holds the whole line, and 64 bytes more).
  lineBuf.copy(sc.bytes, BASE, a + 1, b - 1);
  return sc.units(BASE, b - a - 2);
}

// A start of a long string is decoded from a byte budget of twice the characters asked (most
// characters take one byte, an escaped newline two); the whole string when its bytes fit in that.
const START_BYTES_PER_CHAR = 2;

/**
 * A start of the JSON string buf[a, b) (quotes included; checked valid, as JSON.parse would) at
 * least `atLeast` characters long, decoded from its first atLeast * 2 bytes; undefined when the
 * whole string is to be decoded instead (it fits in that budget, or that start falls short).
 * `plain`: the string holds no backslash (its bytes are its latin1 text). Shared by line-extract.ts.
 */
export function stringStart(buf: Buffer, a: number, b: number, atLeast: number, plain = false): string | undefined {
  let cut = a + 1 + atLeast * START_BYTES_PER_CHAR;
  if (cut >= b - 1) return undefined;
  if (plain) return buf.toString('latin1', a + 1, cut);
  // Not inside an escape (at most 6 bytes): the last backslash before the cut, if it starts one
  // (an odd run) that the cut would split, moves the cut before it. Hex digits are never backslashes.
  for (let j = cut - 1; j > cut - 6; j--) {
    if (buf[j] !== 0x5c) continue;
    let k = j;
    while (buf[k - 1] === 0x5c) k--;
    if (((j - k) & 1) === 0 && j + (buf[j + 1] === 0x75 ? 6 : 2) > cut) cut = j;
    break;
  }
  const s = JSON.parse(buf.toString('latin1', a, cut) + '"') as string;
  return s.length >= atLeast ? s : undefined;
}

function start(placeholder: string, atLeast: number): string {
  const known = decoded.get(placeholder);
  if (known !== undefined) return known;
  const [a, b] = span(placeholder);
  return stringStart(lineBuf, a, b, atLeast) ?? text(placeholder);
}

const PLACEHOLDERS: Placeholders = { text, units, start };
