// A transcript line's events without JSON.parse of the line. The WebAssembly extractor (compiled
// from line-extract.c) validates the whole line as JSON.parse would and records the values at the
// paths normalize.ts reads; from them a skeleton of the line is built (those paths only, long strings
// as placeholders read from the line's bytes, tool inputs parsed from their own spans) and given to
// normalizeLine, so the events come from the one implementation of the rules, and are the events of
// JSON.parse's whole value: normalizeLine reads nothing the skeleton leaves out.
//
// Where the extractor gives up (invalid JSON, which JSON.parse must word; nesting past its limit; a
// key spelled with an escape; a \u0000 escape; a \u escape above U+007F in a line read as latin1;
// a line over MAX_LINE) the caller parses the line as before. The sessions index's text mode is not
// read here. CCOTEL_WASM=0 turns it off, as it does the string scan.
import { LINE_EXTRACT_WASM } from './line-extract-wasm.js';
import { normalizeLine, type FileHints } from './normalize.js';
import type { ModelEvent } from './events.js';
import type { Placeholders } from './line-reduce.js';

/** Key names by id: the order of line-extract.c's K_ enum. */
const KEYS = [
  'type', 'timestamp', 'sessionId', 'cwd', 'gitBranch', 'version', 'isSidechain', 'agentId', 'subtype', 'compactMetadata',
  'durationMs', 'message', 'requestId', 'isApiErrorMessage', 'uuid', 'toolUseResult', 'isMeta', 'isCompactSummary', 'data',
  'parentToolUseID', 'usage', 'id', 'model', 'stop_reason', 'content', 'cache_creation', 'input_tokens', 'output_tokens',
  'cache_creation_input_tokens', 'cache_read_input_tokens', 'speed', 'ephemeral_5m_input_tokens', 'ephemeral_1h_input_tokens',
  'trigger', 'preTokens', 'name', 'input', 'tool_use_id', 'is_error', 'text',
] as const;
const K_INPUT = KEYS.indexOf('input');
const T_STRING = 1;
const T_NUMBER = 2;
const T_TRUE = 3;
const T_FALSE = 4;
const T_NULL = 5;
const T_OBJECT = 6;
// (T_ARRAY = 7.) Flag: a string holds a backslash; a number's value is in nums.
const F_FLAG = 16;
const MAX_NODES = 4096;
// Strings from this many bytes (quotes included) are placeholders, read only if normalize reads
// them: most long strings are tool output and prompt text whose length alone is read, if anything.
const MIN_STRING = 65;
// Longer lines are parsed as before: the module's memory never shrinks, so it stays this small.
const MAX_LINE = 4 << 20;
// The extractor writes a guard byte after the line and reads 15 more.
const SLACK = 16;

interface Extractor {
  memory: WebAssembly.Memory;
  extract: (line: number, len: number) => number;
  units: (p: number, len: number) => number;
  wide: () => number;
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
const decoded = new Map<string, string>();

/**
 * The events of the line buf[s, e) (valid UTF-8; `latin1`: it holds non-ASCII bytes, as
 * lineEncoding says), as normalizeLine gives them for JSON.parse of the line's latin1 text in the
 * default or ledger-only mode: normalizeLine's result, or undefined when the extractor gave up (the
 * caller parses the line, and nothing was added to `out`).
 */
export function extractEvents(buf: Buffer, s: number, e: number, latin1: boolean, hints: FileHints, fallbackKey: string, out: ModelEvent[], ledgerOnly: boolean): boolean | undefined {
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
  if (x.bytes.length < x.heap + len + SLACK) {
    x.memory.grow(Math.ceil((x.heap + len + SLACK - x.memory.buffer.byteLength) / 65536));
    views(x);
  }
  buf.copy(x.bytes, x.heap, s, e);
  const n = x.extract(x.heap, len);
  if (n < 0 || (latin1 && x.wide() !== 0)) {
    extractCounts.gaveUp++;
    extractCounts[n < 0 ? REASONS[-n]! : 'wide']++;
    return undefined;
  }
  lineBuf = buf;
  lineStart = s;
  if (decoded.size > 0) decoded.clear();
  return normalizeLine(skeleton(x, buf, s, n), hints, fallbackKey, out, latin1, false, ledgerOnly, undefined, PLACEHOLDERS);
}

/** The line as JSON.parse gives it, restricted to the nodes the extractor recorded. */
function skeleton(x: Extractor, buf: Buffer, s: number, n: number): unknown {
  const nodes = x.nodes;
  const vals: unknown[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const parent = nodes[4 * i]!;
    const w = nodes[4 * i + 1]!;
    const a = s + nodes[4 * i + 2]!;
    const b = s + nodes[4 * i + 3]!;
    const type = w & 15;
    let v: unknown;
    if (type === T_STRING) v = b - a >= MIN_STRING ? `\0${i}` : w & F_FLAG ? JSON.parse(buf.toString('latin1', a, b)) : buf.toString('latin1', a + 1, b - 1);
    else if (type === T_NUMBER) v = w & F_FLAG ? x.nums[i] : Number(buf.toString('latin1', a, b));
    else if (type === T_TRUE) v = true;
    else if (type === T_FALSE) v = false;
    else if (type === T_NULL) v = null;
    // A tool input is read whole (its strings are decoded by normalizeLine); nothing else in an object is recorded but what is read.
    else if (type === T_OBJECT) v = w >> 8 === K_INPUT ? JSON.parse(buf.toString('latin1', a, b)) : {};
    else v = [];
    vals[i] = v;
    if (parent >= 0) {
      const p = vals[parent] as Record<string, unknown> | unknown[];
      if (Array.isArray(p)) p.push(v);
      else p[KEYS[w >> 8]!] = v;
    }
  }
  return vals[0];
}

/** The span of a placeholder's string in lineBuf (quotes included), and whether it holds a backslash. */
function node(placeholder: string): [number, number, boolean] {
  const i = Number(placeholder.slice(1));
  const nodes = extractor!.nodes;
  return [lineStart + nodes[4 * i + 2]!, lineStart + nodes[4 * i + 3]!, (nodes[4 * i + 1]! & F_FLAG) !== 0];
}

function text(placeholder: string): string {
  let t = decoded.get(placeholder);
  if (t === undefined) {
    const [a, b, escaped] = node(placeholder);
    t = escaped ? (JSON.parse(lineBuf.toString('latin1', a, b)) as string) : lineBuf.toString('latin1', a + 1, b - 1);
    decoded.set(placeholder, t);
  }
  return t;
}

function units(placeholder: string): number {
  const x = extractor!;
  const [a, b] = node(placeholder);
  // The line is still in the module's memory, where extract() read it.
  return x.units(x.heap + a - lineStart + 1, b - a - 2);
}

const PLACEHOLDERS: Placeholders = { text, units, start: (p) => text(p) };
