// A transcript line's events without JSON.parse of the line. The WebAssembly extractor (compiled
// from line-extract.c) validates the whole line as JSON.parse would and records the values at the
// paths normalize.ts reads; from them a skeleton of the line is built (those paths only, strings as
// placeholders decoded from the line's bytes when read, tool inputs parsed from their own spans) and given to
// normalizeLine, so the events come from the one implementation of the rules, and are the events of
// JSON.parse's whole value: normalizeLine reads nothing the skeleton leaves out.
//
// Where the extractor gives up (invalid JSON, which JSON.parse must word; nesting past its limit; a
// key spelled with an escape; a \u0000 escape; a \u escape above U+007F in a line read as latin1;
// a line over MAX_LINE) the caller parses the line as before. In the sessions index's text mode the
// skeleton is the same (the text read is at paths the other modes read too: content, text blocks,
// uuid); only a start of a long text is decoded, as line-reduce.ts decodes it. CCOTEL_WASM=0 turns
// it off, as it does the string scan.
import { isUtf8 } from 'node:buffer';
import { COMPARED_LITERALS } from './compared-literals.js';
import { LINE_EXTRACT_WASM } from './line-extract-wasm.js';
import { normalizeLine, type FileHints } from './normalize.js';
import type { ModelEvent } from './events.js';
import { stringStart, type Placeholders } from './line-reduce.js';
import { latin1Of } from './line-text.js';

/** Key names by id: the order of line-extract.c's K_ enum. */
const KEYS = [
  'type', 'timestamp', 'sessionId', 'cwd', 'gitBranch', 'version', 'isSidechain', 'agentId', 'subtype', 'compactMetadata',
  'durationMs', 'message', 'requestId', 'isApiErrorMessage', 'uuid', 'toolUseResult', 'isMeta', 'isCompactSummary', 'data',
  'parentToolUseID', 'usage', 'id', 'model', 'stop_reason', 'content', 'cache_creation', 'input_tokens', 'output_tokens',
  'cache_creation_input_tokens', 'cache_read_input_tokens', 'speed', 'ephemeral_5m_input_tokens', 'ephemeral_1h_input_tokens',
  'trigger', 'preTokens', 'name', 'input', 'tool_use_id', 'is_error', 'text',
] as const;
const K_INPUT = KEYS.indexOf('input');
const K_TYPE = KEYS.indexOf('type');
const K_SUBTYPE = KEYS.indexOf('subtype');
const K_SPEED = KEYS.indexOf('speed');
const T_STRING = 1;
const T_NUMBER = 2;
const T_TRUE = 3;
const T_FALSE = 4;
const T_NULL = 5;
const T_OBJECT = 6;
// (T_ARRAY = 7.) Flag: a string holds a backslash; a number's value is in nums.
const F_FLAG = 16;
const MAX_NODES = 4096;
// Longer lines are parsed as before: the module's memory never shrinks, so it stays this small.
const MAX_LINE = 4 << 20;
// The extractor writes a guard byte after the line and reads up to 68 bytes past its end (a step of
// 64 bytes from the end, and the 4 digits of a \u escape in it).
const SLACK = 80;

interface Extractor {
  memory: WebAssembly.Memory;
  extract: (line: number, len: number) => number;
  units: (p: number, len: number) => number;
  wide: () => number;
  nonascii: () => number;
  nodesAt: number;
  numsAt: number;
  heap: number;
  bytes: Buffer;
  nodes: Int32Array;
  nums: Float64Array;
}

let extractor: Extractor | null | undefined;

function load(): Extractor | null {
  if (process.env.CCOTEL_WASM === '0') return null;
  try {
    const x = new WebAssembly.Instance(new WebAssembly.Module(Buffer.from(LINE_EXTRACT_WASM, 'base64'))).exports as Record<string, unknown>;
    const memory = x.memory as WebAssembly.Memory;
    const ex: Extractor = {
      memory,
      extract: x.extract as Extractor['extract'],
      units: x.units as Extractor['units'],
      wide: x.wide_seen as Extractor['wide'],
      nonascii: x.nonascii_seen as Extractor['nonascii'],
      nodesAt: (x.nodes_at as () => number)(),
      numsAt: (x.nums_at as () => number)(),
      heap: (x.heap_at as () => number)(),
      bytes: Buffer.alloc(0),
      nodes: new Int32Array(0),
      nums: new Float64Array(0),
    };
    views(ex);
    return ex;
  } catch {
    // No WebAssembly, or no SIMD in this runtime: lines are parsed.
    return null;
  }
}

function views(x: Extractor): void {
  x.bytes = Buffer.from(x.memory.buffer);
  x.nodes = new Int32Array(x.memory.buffer, x.nodesAt, MAX_NODES * 4);
  x.nums = new Float64Array(x.memory.buffer, x.numsAt, MAX_NODES);
}

// The reader's chunk may live in the module's memory (readerChunk): a line read there is extracted
// where it lies instead of being copied in (a copy of every line cost ~40 ms over a 417 MB history).
// Room for that chunk and for a copied line (one spanning chunks, up to MAX_LINE) is made at once,
// so the memory never grows after: growing would detach the reader's view of its chunk.
let chunkBytes = 0;
const scratchOf = (x: Extractor): number => x.heap + chunkBytes;

/**
 * A buffer of `bytes` (plus the slack the extractor reads past a line) in the module's memory, for
 * the reader to read its chunks into; undefined without the extractor. One per thread: the same one
 * on every call.
 */
export function readerChunk(bytes: number): Buffer | undefined {
  if (!lineExtractAvailable()) return undefined;
  const x = extractor!;
  if (chunkBytes === 0) {
    chunkBytes = bytes + SLACK;
    const need = scratchOf(x) + MAX_LINE + SLACK;
    if (x.memory.buffer.byteLength < need) x.memory.grow(Math.ceil((need - x.memory.buffer.byteLength) / 65536));
    views(x);
  }
  if (chunkBytes !== bytes + SLACK) return undefined;
  return x.bytes.subarray(x.heap, x.heap + bytes);
}

/** Whether lines are read through the extractor in this process. */
export function lineExtractAvailable(): boolean {
  if (extractor === undefined) extractor = load();
  return extractor !== null;
}

/** Lines read through the extractor, and those it gave up on (by reason), since the process started. */
export const extractCounts = { lines: 0, gaveUp: 0, invalid: 0, depth: 0, nodes: 0, key: 0, nul: 0, wide: 0, long: 0 };
const REASONS = ['invalid', 'invalid', 'depth', 'nodes', 'key', 'nul'] as const;

// The line extracted last: its buffer and start, read by the placeholders during normalizeLine.
let lineBuf: Buffer = Buffer.alloc(0);
let lineStart = 0;
// Where the module read it (its units() reads there).
let lineBase = 0;
// Strings too long for a slot (see text()) decoded in this line: a tool output may be read twice.
const decoded = new Map<number, string>();

/**
 * The events of the line buf[s, e), as normalizeLine gives them for JSON.parse of the line's latin1
 * text in the ledger-only, default or text (`withText`) mode (a line with non-ASCII bytes is read
 * as latin1 text, see line-text.ts): normalizeLine's result; null when the line is not valid UTF-8;
 * undefined when the extractor gave up (the caller parses the line, and nothing was added to `out`).
 * The module reports whether the line holds a byte above 0x7F: only such a line's UTF-8 is checked.
 */
export function extractEvents(
  buf: Buffer,
  s: number,
  e: number,
  hints: FileHints,
  fallbackKey: string,
  out: ModelEvent[],
  ledgerOnly: boolean,
  withText = false,
): boolean | null | undefined {
  if (extractor === undefined) extractor = load();
  const x = extractor;
  if (x === null) return undefined;
  extractCounts.lines++;
  const len = e - s;
  if (len > MAX_LINE) {
    extractCounts.gaveUp++;
    extractCounts.long++;
    return undefined;
  }
  let base: number;
  if (buf.buffer === x.memory.buffer && chunkBytes > 0) {
    // In the reader's chunk (readerChunk): the guard byte written after it is the line's own
    // newline (or CR), which the reader has passed.
    base = buf.byteOffset + s;
  } else {
    base = scratchOf(x);
    if (x.bytes.length < base + len + SLACK) {
      x.memory.grow(Math.ceil((base + len + SLACK - x.memory.buffer.byteLength) / 65536));
      views(x);
    }
    buf.copy(x.bytes, base, s, e);
  }
  const n = x.extract(base, len);
  if (n < 0) {
    extractCounts.gaveUp++;
    extractCounts[REASONS[-n]!]++;
    return undefined;
  }
  const latin1 = x.nonascii() !== 0;
  if (latin1) {
    if (!isUtf8(buf.subarray(s, e))) return null;
    if (x.wide() !== 0) {
      extractCounts.gaveUp++;
      extractCounts.wide++;
      return undefined;
    }
  }
  // A third of a history's lines are progress lines of hooks and commands: no events, no skeleton.
  if (yieldsNothing(x.nodes, n)) return true;
  lineBuf = buf;
  lineStart = s;
  lineBase = base;
  if (decoded.size > 0) decoded.clear();
  return normalizeLine(skeleton(x, buf, s, n), hints, fallbackKey, out, latin1, withText, ledgerOnly, undefined, PLACEHOLDERS);
}

const K_DATA = KEYS.indexOf('data');
const L_PROGRESS = 1;
const L_SUMMARY = 4; // file-history-snapshot, queue-operation and summary are 2 to 4
const L_AGENT_PROGRESS = 10;

/**
 * The last value of key `k` in object node `parent` (as JSON.parse keeps the last duplicate):
 * its node, or -1.
 */
function lastChild(nodes: Int32Array, n: number, parent: number, k: number): number {
  let found = -1;
  for (let i = parent + 1; i < n; i++) if (nodes[4 * i] === parent && ((nodes[4 * i + 1]! >> 10) & 63) === k) found = i;
  return found;
}

/** A plain string node's literal (LITERALS), 0 for any other string, -1 for another value or an escaped string (it may spell one). */
function literalOf(nodes: Int32Array, i: number): number {
  if (i < 0) return -1;
  const w = nodes[4 * i + 1]!;
  return (w & 15) === T_STRING && (w & F_FLAG) === 0 ? (w >> 5) & 31 : -1;
}

/**
 * Whether normalize.ts returns at once, with no event, for the line these nodes record: a `progress`
 * line whose `data` is not an agent_progress object, or a file-history-snapshot, queue-operation or
 * summary line (its eventsOf's first tests). False whenever unsure: the skeleton is built then.
 */
function yieldsNothing(nodes: Int32Array, n: number): boolean {
  if (n === 0 || (nodes[1]! & 15) !== T_OBJECT) return false;
  const type = literalOf(nodes, lastChild(nodes, n, 0, K_TYPE));
  if (type > L_PROGRESS && type <= L_SUMMARY) return true;
  if (type !== L_PROGRESS) return false;
  const data = lastChild(nodes, n, 0, K_DATA);
  if (data < 0 || (nodes[4 * data + 1]! & 15) !== T_OBJECT) return true;
  const dataType = lastChild(nodes, n, data, K_TYPE);
  if (dataType < 0) return true;
  // Not a string, or a plain one other than agent_progress (an escaped one may spell it).
  const w = nodes[4 * dataType + 1]!;
  return (w & 15) !== T_STRING || ((w & F_FLAG) === 0 && literalOf(nodes, dataType) !== L_AGENT_PROGRESS);
}

// Placeholders by node: "\0" and one character, the node's number plus 1 (never "\0" itself).
const PH = Array.from({ length: MAX_NODES }, (_, i) => String.fromCharCode(0, i + 1));
// The strings line-extract.c's known() names by number (0: none).
const LITERALS: readonly string[] = ['', ...COMPARED_LITERALS];
// The string decoded last at each slot, and its version (line-extract.c's known()).
const SLOTS = 11 * 40;
const slotText: string[] = new Array<string>(SLOTS).fill('');
const slotVersion = new Float64Array(SLOTS).fill(-1);
// The values of one line's nodes (a packed array of fixed size: cleared after each line, not shrunk).
const vals: unknown[] = new Array<unknown>(MAX_NODES).fill(undefined);

/**
 * o[KEYS[k]] = v, each key stored at a site of its own: one keyed store for every key of every
 * object was megamorphic, and the skeleton's objects come in few shapes per key.
 */
function put(o: Record<string, unknown>, k: number, v: unknown): void {
  switch (k) {
    case 0:
      o.type = v;
      return;
    case 1:
      o.timestamp = v;
      return;
    case 2:
      o.sessionId = v;
      return;
    case 3:
      o.cwd = v;
      return;
    case 4:
      o.gitBranch = v;
      return;
    case 5:
      o.version = v;
      return;
    case 6:
      o.isSidechain = v;
      return;
    case 7:
      o.agentId = v;
      return;
    case 8:
      o.subtype = v;
      return;
    case 9:
      o.compactMetadata = v;
      return;
    case 10:
      o.durationMs = v;
      return;
    case 11:
      o.message = v;
      return;
    case 12:
      o.requestId = v;
      return;
    case 13:
      o.isApiErrorMessage = v;
      return;
    case 14:
      o.uuid = v;
      return;
    case 15:
      o.toolUseResult = v;
      return;
    case 16:
      o.isMeta = v;
      return;
    case 17:
      o.isCompactSummary = v;
      return;
    case 18:
      o.data = v;
      return;
    case 19:
      o.parentToolUseID = v;
      return;
    case 20:
      o.usage = v;
      return;
    case 21:
      o.id = v;
      return;
    case 22:
      o.model = v;
      return;
    case 23:
      o.stop_reason = v;
      return;
    case 24:
      o.content = v;
      return;
    case 25:
      o.cache_creation = v;
      return;
    case 26:
      o.input_tokens = v;
      return;
    case 27:
      o.output_tokens = v;
      return;
    case 28:
      o.cache_creation_input_tokens = v;
      return;
    case 29:
      o.cache_read_input_tokens = v;
      return;
    case 30:
      o.speed = v;
      return;
    case 31:
      o.ephemeral_5m_input_tokens = v;
      return;
    case 32:
      o.ephemeral_1h_input_tokens = v;
      return;
    case 33:
      o.trigger = v;
      return;
    case 34:
      o.preTokens = v;
      return;
    case 35:
      o.name = v;
      return;
    case 36:
      o.input = v;
      return;
    case 37:
      o.tool_use_id = v;
      return;
    case 38:
      o.is_error = v;
      return;
    case 39:
      o.text = v;
      return;
  }
}

/**
 * The line as JSON.parse gives it, restricted to the nodes the extractor recorded: strings other
 * than the literals the normalizer compares with are placeholders (decoded when read, the only way
 * the normalizer reads them); a string with an escape is decoded now, by JSON.parse of its token.
 */
function skeleton(x: Extractor, buf: Buffer, s: number, n: number): unknown {
  const nodes = x.nodes;
  for (let i = 0; i < n; i++) {
    const parent = nodes[4 * i]!;
    const w = nodes[4 * i + 1]!;
    const type = w & 15;
    let v: unknown;
    if (type === T_STRING) {
      // With an escape, a string compared with a literal (or in a content array, key 0) is decoded now: the escape may spell the literal.
      const k = (w >> 10) & 63;
      if (w & F_FLAG) v = k === K_TYPE || k === K_SUBTYPE || k === K_SPEED ? JSON.parse(latin1Of(buf, s + nodes[4 * i + 2]!, s + nodes[4 * i + 3]!)) : PH[i];
      // (The empty string stays itself: str() takes a placeholder for a nonempty string.)
      else v = (w >> 5) & 31 ? LITERALS[(w >> 5) & 31] : nodes[4 * i + 3]! - nodes[4 * i + 2]! === 2 ? '' : PH[i];
    } else if (type === T_NUMBER) v = w & F_FLAG ? x.nums[i] : Number(latin1Of(buf, s + nodes[4 * i + 2]!, s + nodes[4 * i + 3]!));
    else if (type === T_TRUE) v = true;
    else if (type === T_FALSE) v = false;
    else if (type === T_NULL) v = null;
    // A tool input is read whole (its strings are decoded by normalizeLine); nothing else in an object is recorded but what is read.
    else if (type === T_OBJECT) v = ((w >> 10) & 63) === K_INPUT ? JSON.parse(latin1Of(buf, s + nodes[4 * i + 2]!, s + nodes[4 * i + 3]!)) : {};
    else v = [];
    vals[i] = v;
    if (parent >= 0) {
      const p = vals[parent] as Record<string, unknown> | unknown[];
      if (Array.isArray(p)) p.push(v);
      else put(p, (w >> 10) & 63, v);
    }
  }
  const root = vals[0];
  vals.fill(undefined, 0, n);
  return root;
}

function text(placeholder: string): string {
  const i = placeholder.charCodeAt(1) - 1;
  const x = extractor!;
  const nodes = x.nodes;
  const a = lineStart + nodes[4 * i + 2]! + 1;
  const b = lineStart + nodes[4 * i + 3]! - 1;
  const version = x.nums[i]!;
  // A short string without escapes: decoded again only when it is not the one decoded last at its slot.
  if (version >= 0) {
    const slot = nodes[4 * i + 1]! >>> 16;
    if (slotVersion[slot] === version) return slotText[slot]!;
    const t = latin1Of(lineBuf, a, b);
    slotVersion[slot] = version;
    slotText[slot] = t;
    return t;
  }
  let t = decoded.get(i);
  if (t === undefined) {
    t = nodes[4 * i + 1]! & F_FLAG ? (JSON.parse(latin1Of(lineBuf, a - 1, b + 1)) as string) : latin1Of(lineBuf, a, b);
    decoded.set(i, t);
  }
  return t;
}

function units(placeholder: string): number {
  const x = extractor!;
  const i = placeholder.charCodeAt(1) - 1;
  // The line is still in the module's memory, where extract() read it.
  return x.units(lineBase + x.nodes[4 * i + 2]! + 1, x.nodes[4 * i + 3]! - x.nodes[4 * i + 2]! - 2);
}

// The sessions index keeps only a start of a long prompt, answer or tool output: that start is
// decoded as line-reduce.ts decodes it (the same cut, so the same events as its placeholders give).
function start(placeholder: string, atLeast: number): string {
  const i = placeholder.charCodeAt(1) - 1;
  const known = decoded.get(i);
  if (known !== undefined) return known;
  const nodes = extractor!.nodes;
  const a = lineStart + nodes[4 * i + 2]!;
  const b = lineStart + nodes[4 * i + 3]!;
  return stringStart(lineBuf, a, b, atLeast, (nodes[4 * i + 1]! & F_FLAG) === 0) ?? text(placeholder);
}

// Date.parse of a plain `YYYY-MM-DDTHH:MM:SS.mmmZ` string (what every transcript line's timestamp is),
// read from its bytes; undefined for any other form or a day past the 28th (Date.parse decides then:
// its rules for days, years below 1970 and other forms are left to it).
const D = (c: number): number => c - 48;
function time(placeholder: string): number | undefined {
  const i = placeholder.charCodeAt(1) - 1;
  const nodes = extractor!.nodes;
  const a = lineStart + nodes[4 * i + 2]! + 1;
  if (nodes[4 * i + 3]! - nodes[4 * i + 2]! !== 26 || nodes[4 * i + 1]! & F_FLAG) return undefined;
  const b = lineBuf;
  if (b[a + 4] !== 45 || b[a + 7] !== 45 || b[a + 10] !== 84 || b[a + 13] !== 58 || b[a + 16] !== 58 || b[a + 19] !== 46 || b[a + 23] !== 90) return undefined;
  for (const k of DIGITS) if (b[a + k]! - 48 > 9 || b[a + k]! < 48) return undefined;
  const year = D(b[a]!) * 1000 + D(b[a + 1]!) * 100 + D(b[a + 2]!) * 10 + D(b[a + 3]!);
  const month = D(b[a + 5]!) * 10 + D(b[a + 6]!);
  const day = D(b[a + 8]!) * 10 + D(b[a + 9]!);
  const hour = D(b[a + 11]!) * 10 + D(b[a + 12]!);
  const minute = D(b[a + 14]!) * 10 + D(b[a + 15]!);
  const second = D(b[a + 17]!) * 10 + D(b[a + 18]!);
  if (year < 1970 || month < 1 || month > 12 || day < 1 || day > 28 || hour > 23 || minute > 59 || second > 59) return undefined;
  return Date.UTC(year, month - 1, day, hour, minute, second, D(b[a + 20]!) * 100 + D(b[a + 21]!) * 10 + D(b[a + 22]!));
}
const DIGITS = [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18, 20, 21, 22];

// (skeleton() gives tool inputs as JSON.parse does, and a line with a \u0000 escape, which could
// spell a placeholder, is given up on.)
const PLACEHOLDERS: Placeholders = { text, units, start, time, wholeInputs: true };
