// A differential fuzz of the line extractor (src/model/line-extract.ts + line-extract.c) against
// JSON.parse: transcript-shaped lines (hand-made records with every path the normalizer reads, real
// fixture lines, lines of generated histories) re-serialized with seeded mutations the other tests
// make few of: escapes of every kind in keys and values (literals the normalizer compares with
// included), duplicate keys at every read path, odd numbers and timestamps, whitespace between tokens,
// long texts whose kept start is cut near an escape or a UTF-8 sequence, nested tool inputs, non-ASCII
// lines with and without wide escapes, lines at the extractor's size and node limits, and byte
// corruptions. Each line is read in the three modes (ledger-only, default, text) through the extractor
// or, where it gives up, the string scan's path (line-reduce.ts) as the reader does, and compared
// strictly with normalizeLine of JSON.parse's value: of its latin1 text (what the reader parses) and,
// independently, of its UTF-8 text. A line is refused exactly when JSON.parse (or the UTF-8 check)
// refuses it. Files of such lines are read by the reader with and without WebAssembly.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { extractCounts, extractEvents, lineExtractAvailable } from '../src/model/line-extract.js';
import { normalizeLine, TEXT_KEEP } from '../src/model/normalize.js';
import { REDACT_MARGIN } from '../src/detection/redact.js';
import { lineEncoding } from '../src/model/line-text.js';
import { parseLine, placeholders, stringScanAvailable, wideEscapesPossible } from '../src/model/line-reduce.js';
import type { ModelEvent } from '../src/model/events.js';
import type { Slice } from '../src/sources/file-reader.js';
import { prng, type Rng } from './support/prng.js';
import { generatedLines, realLines } from './support/transcript-lines.js';
import { strictDiff } from './support/strict-diff.js';
import { readAllSlices, readerModules, READER_MODES } from './support/reader-slices.js';
import { fuzzMutation } from './support/line-reduce-corpus.js';

const hints = { sessionId: 'hint-session', agentId: 'hint-agent' };
// A longer or another run, by hand: CCOTEL_FUZZ_SCALE=20 CCOTEL_FUZZ_SEED=7 (the counts asserted below scale with it).
const SCALE = Number(process.env.CCOTEL_FUZZ_SCALE ?? 1);
const SEED = Number(process.env.CCOTEL_FUZZ_SEED ?? 0);
const MODES = [
  ['full', false, false],
  ['ledger', true, false],
  ['text', false, true],
] as const;

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

interface Tally {
  lines: number;
  valid: number;
  extracted: number;
  gaveUp: number;
  events: number;
  texts: number;
  diffs: string[];
}
const tally = (): Tally => ({ lines: 0, valid: 0, extracted: 0, gaveUp: 0, events: 0, texts: 0, diffs: [] });
const clip = (s: string, n: number): string => (s.length > n ? `${s.slice(0, n >> 1)}…(${s.length})…${s.slice(-(n >> 1))}` : s);
const show = (b: Buffer): string => clip(JSON.stringify(b.toString('latin1')), 300);

/** normalizeLine of a JSON.parse value: its events, or null when normalizeLine refuses the line. */
function reference(value: unknown, latin1: boolean, lean: boolean, withText: boolean, raw?: string): ModelEvent[] | null {
  const out: ModelEvent[] = [];
  return normalizeLine(value, hints, 'k@0', out, latin1, withText, lean, raw) ? out : null;
}

/**
 * One line through the extractor in each mode (and, where it gives up, through the string scan's path,
 * which the reader takes then), against JSON.parse of its latin1 text (the reader's own reference) and
 * of its UTF-8 text (an independent one). The line sits between other bytes in the caller's buffer, as
 * in a reader's chunk.
 */
function check(line: Buffer, t: Tally, utf8Reference = true): void {
  t.lines++;
  const encoding = lineEncoding(line, 0, line.length);
  const latin1 = encoding === 'bytes';
  const text = line.toString('latin1');
  let value: unknown;
  let utf8Value: unknown;
  let valid = encoding !== null;
  if (valid) {
    try {
      value = JSON.parse(text);
      utf8Value = latin1 ? JSON.parse(line.toString('utf8')) : value;
    } catch {
      valid = false;
    }
  }
  if (valid) t.valid++;
  const pre = Buffer.from('{"type":"user","x":"\\u00e9"}\n'.repeat(t.lines % 3));
  const buf = Buffer.concat([pre, line, Buffer.from('\n"}]\\"\\u0', 'latin1')]);
  const [s, e] = [pre.length, pre.length + line.length];
  for (const [mode, lean, withText] of MODES) {
    const got: ModelEvent[] = [];
    const fail = (what: string): number => t.diffs.push(`${show(line)}\n  ${mode}: ${clip(what, 300)}`);
    let ok = extractEvents(buf, s, e, hints, 'k@0', got, lean, withText);
    let path = 'extractor';
    if (ok === undefined) {
      if (got.length > 0) fail('gave up after adding events');
      if (valid) t.gaveUp++;
      // The reader parses the line then, long strings as placeholders (line-reduce.ts).
      path = 'string scan path';
      if (encoding !== null) {
        let v: unknown;
        try {
          v = parseLine(buf, s, e);
        } catch {
          ok = false;
        }
        if (ok === undefined) ok = normalizeLine(v, hints, 'k@0', got, latin1, withText, lean, latin1 && wideEscapesPossible() ? text : undefined, placeholders());
      }
    } else if (ok !== null) t.extracted++;
    if (!valid) {
      if (ok === true || (ok === null && encoding !== null)) fail(`JSON.parse or the UTF-8 check refuses it, the ${path} gave ${ok} (${got.length} events)`);
      continue;
    }
    if (ok === null) {
      fail('valid UTF-8, the extractor refused it as not UTF-8');
      continue;
    }
    const want = reference(value, latin1, lean, withText, latin1 ? text : undefined);
    if (want) t.events += want.length;
    if (want && withText) t.texts += want.filter((ev) => typeof (ev as { text?: unknown }).text === 'string').length;
    const d = ok !== (want !== null) ? `normalizeLine ${want !== null}, ${path} ${ok}` : strictDiff(got, want ?? []);
    if (d) fail(`${path} against JSON.parse of the latin1 text: ${d}`);
    if (utf8Reference && latin1) {
      const plain = reference(utf8Value, false, lean, withText);
      const dd = ok !== (plain !== null) ? `normalizeLine ${plain !== null}, ${path} ${ok}` : strictDiff(got, plain ?? []);
      if (dd) fail(`${path} against JSON.parse of the UTF-8 text: ${dd}`);
    }
  }
}

// ---- Values to serialize -------------------------------------------------------------------------

const TS = '2026-01-05T10:00:00.000Z';
const usage = (): Record<string, unknown> => ({
  input_tokens: 3,
  cache_creation_input_tokens: 70,
  cache_read_input_tokens: 11,
  cache_creation: { ephemeral_5m_input_tokens: 30, ephemeral_1h_input_tokens: 40 },
  output_tokens: 5,
  speed: 'fast',
});

/** Transcript records with every path the normalizer reads present, in ASCII or with non-ASCII text (`x`). */
function records(x: string): unknown[] {
  // (Keys nothing reads, next to those read: empty, non-ASCII, one character off.)
  const base = () => ({ parentUuid: null, isSidechain: true, agentId: `a1${x}`, cwd: `/home/u/p${x}`, sessionId: `S${x}`, version: '2.1.3', gitBranch: `main${x}`, timestamp: TS, uuid: `u1${x}`, '': 1, [`typ${x}`]: 'user', types: 'system' });
  const input = { command: `ls ${x} /tmp`, n: [1, { a: 'b', deep: { more: [null, true, 1.5, { k: `v${x}` }] } }], ['__proto__']: { p: 'q' }, [`k${x}`]: [[], {}], '': '' };
  return [
    {
      ...base(),
      type: 'assistant',
      requestId: `req_1${x}`,
      isApiErrorMessage: false,
      message: {
        id: `msg_1${x}`,
        model: 'claude-sonnet-4-5',
        stop_reason: 'tool_use',
        usage: usage(),
        content: [
          { type: 'thinking', thinking: `hmm ${x}`, signature: 'sig' },
          { type: 'text', text: `answer ${x}` },
          { type: 'tool_use', id: 'toolu_1', name: 'Bash', input },
          { type: 'tool_use', id: 'toolu_2', name: `Edit${x}`, input: { file_path: `/a/${x}`, old_string: 'a\n"b"\\', new_string: '\u2028\u00a0\ufeff' } },
        ],
      },
    },
    { ...base(), type: 'assistant', isApiErrorMessage: true, message: { id: 'msg_e', model: '<synthetic>', usage: usage(), content: [{ type: 'text', text: ` API Error ${x}\nmore` }] } },
    { ...base(), type: 'assistant', requestId: 'r2', message: { id: 'msg_2', model: `claude-x${x}`, usage: usage(), content: `plain answer ${x}` } },
    {
      ...base(),
      type: 'user',
      toolUseResult: { agentId: `ag-9${x}` },
      message: {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'toolu_1', content: `output text ${x}` },
          { type: 'tool_result', tool_use_id: 'toolu_2', is_error: true, content: [{ type: 'text', text: `\n error line ${x}\nmore` }, { type: 'x', content: [{ text: 'deep' }] }] },
        ],
      },
    },
    { ...base(), type: 'user', isMeta: false, isCompactSummary: false, message: { role: 'user', content: `a prompt ${x}` } },
    { ...base(), type: 'user', message: { role: 'user', content: [{ type: 'text', text: `block prompt ${x}` }, { type: 'x', content: 'c' }, { content: [{ text: 'n' }] }] } },
    { ...base(), type: 'system', subtype: 'compact_boundary', compactMetadata: { trigger: `auto${x}`, preTokens: 1000 } },
    { ...base(), type: 'system', subtype: 'turn_duration', durationMs: 1234 },
    {
      ...base(),
      type: 'progress',
      parentToolUseID: `toolu_p${x}`,
      data: {
        type: 'agent_progress',
        agentId: `agent-p${x}`,
        message: {
          timestamp: TS,
          requestId: 'req_p',
          isApiErrorMessage: false,
          message: { id: `msg_p${x}`, model: 'claude-haiku-4-5', stop_reason: 'end_turn', usage: usage(), content: [{ type: 'text', text: `x${x}` }] },
        },
      },
    },
    { ...base(), type: 'progress', data: { type: 'hook_progress', hookName: 'h' } },
    { type: 'file-history-snapshot', messageId: 'm', snapshot: {} },
    { type: 'summary', summary: `s${x}`, leafUuid: 'l' },
    // Values that are not records.
    'progress', [{ ...base(), type: 'user', message: { content: 'in an array' } }], 42, null, `${x}`,
  ];
}

/** Real fixture lines (and lines of small generated histories, faults included) of moderate size, parsed (as UTF-8). */
function realValues(withGenerated = false): unknown[] {
  const out: unknown[] = [];
  const generated = withGenerated
    ? generatedLines(() => {
        const d = mkdtempSync(join(tmpdir(), 'ccotel-extract-fuzz-history-'));
        dirs.push(d);
        return d;
      })
    : [];
  for (const l of [...realLines(), ...generated]) {
    if (l.length > 40_000) continue;
    try {
      out.push(JSON.parse(l.toString('utf8')));
    } catch {
      // (A fault line of the fixtures: not a base.)
    }
  }
  return out;
}

// Odd spellings of numbers, and odd numbers.
const ODD_NUMBERS = [
  '-0', '0', '-0.0', '0e5', '1e400', '-1e400', '1E+2', '1e-2', '1E-400', '123456789012345678901234567890', '9007199254740993', '999999999999999', '1000000000000000',
  '-5', '2.5', '5e-324', '1.7976931348623157e308', '0.1e1', '10E-1', '-1E+0', '7', '4096', '1e21',
];
const two = (n: number): string => String(n).padStart(2, '0');
/** Timestamps of every odd form: days past the 28th, leap days, out-of-range fields, other forms Date.parse takes or refuses. */
function oddTimestamp(r: Rng): string {
  const y = r.pick([1969, 1970, 2000, 2023, 2024, 2025, 2100, 9999]);
  const form = r.int(0, 5);
  if (form <= 2) return `${y}-${two(r.int(0, 13))}-${two(r.int(0, 32))}T${two(r.int(0, 24))}:${two(r.int(0, 60))}:${two(r.int(0, 60))}.${String(r.int(0, 999)).padStart(3, '0')}Z`;
  if (form === 3) return `${y}-02-${two(r.int(27, 31))}T${two(r.int(22, 24))}:59:59.999Z`;
  return r.pick([
    '2026-01-05T10:00:00Z', '2026-01-05T10:00:00.5Z', '2026-01-05T10:00:00.1234Z', '2026-01-05T10:00:00.000z', '2026-01-05t10:00:00.000Z', '2026-01-05 10:00:00.000Z',
    '2026-01-05T10:00:00.000+00:00', '2026-01-05T10:00:00.000-05:00', '2026-01-05T10:00:00.000', '0025-01-05T10:00:00.000Z', '+002026-01-05T10:00:00.000Z',
    '2026-1-05T10:00:00.000Z', '2026-01-05T10:00:00,000Z', '2026-01-05T1a:00:00.000Z', ' 2026-01-05T10:00:00.000Z', '2026-01-05T10:00:00.000Z ', 'Mon, 05 Jan 2026 10:00:00 GMT',
    'yesterday', '', '2026-01-05T10:00:00.000ZZ', '2026-01-05T10:00:0.0000Z', '2026/01/05T10:00:00.000Z', '2026-01-05T10-00-00.000Z', '2026-01-05T10:00:00.00\u00e9Z',
    '2026-01-05T10:00:00.000\u00e9', '２０２６-01-05T10:00:00.000Z',
    // Forms Date.parse takes with non-ASCII whitespace in them (decoded, not read as latin1).
    '5 Jan 2026\u00a010:00', '2026-01-05\u3000', 'Jan\u20005 2026 10:00:00 GMT', '\u00a0Mon, 05 Jan 2026 10:00:00 GMT', 'Jan 5 2026 (é)', '-271821-04-20T00:00:00.000Z', '275760-09-13T00:00:00.001Z',
  ]);
}

// Strings the normalizer compares with: escapes in them must not change what they compare equal to.
const LITERALS = ['progress', 'file-history-snapshot', 'queue-operation', 'summary', 'system', 'user', 'assistant', 'compact_boundary', 'turn_duration', 'agent_progress', 'tool_use', 'tool_result', 'text', 'fast', '<synthetic>'];
// Non-ASCII text: 2, 3 and 4 UTF-8 bytes, whitespace that trim() drops, a character that is its own escape in JSON.stringify's view.
const NON_ASCII = ['é', '中', '😀', '\u00a0', '\u3000', '\u2028', '\ufeff', 'Ω', '\u0080', '\uffff'];

/** A value with mutations at the paths the normalizer reads (each applied with some chance). */
function mutate(v: unknown, r: Rng, level: number): unknown {
  const walk = (x: unknown, key: string | undefined): unknown => {
    if (Array.isArray(x)) {
      const out = x.map((y) => walk(y, undefined));
      if (r.chance(0.05 * level)) out.splice(r.int(0, out.length), 0, r.pick([null, 'text', 7, [], [{ type: 'text', text: 'in' }], { type: 'text', text: 'extra block' }]));
      return out;
    }
    if (typeof x === 'object' && x !== null) {
      const out: Record<string, unknown> = {};
      for (const [k, y] of Object.entries(x)) out[k] = walk(y, k);
      return out;
    }
    if (typeof x === 'number') return r.chance(0.15 * level) ? new OddNumber(r.pick(ODD_NUMBERS)) : x;
    if (typeof x === 'string') {
      if (key === 'timestamp' && r.chance(0.3 * level)) return oddTimestamp(r);
      if (r.chance(0.1 * level)) return x + r.pick(NON_ASCII);
      if (r.chance(0.04 * level)) return LITERALS.includes(x) ? r.pick(LITERALS) : x.slice(0, r.int(0, x.length));
      if (r.chance(0.03 * level)) return x + r.pick(['\ud800', '\udfff', '\ud83d', 'a\ude00', '\u0000', '\u0001\u001f']);
    }
    return x;
  };
  return walk(v, undefined);
}

/** A number spelled as given (JSON.stringify would spell it its own way). */
class OddNumber {
  constructor(readonly text: string) {}
}

/** How a value is serialized: chances of whitespace between tokens, of escaping a character, of a duplicate key. */
interface Style {
  ws: number;
  esc: number;
  /** Escape chance for strings equal to a literal and for keys. */
  litEsc: number;
  /** Escape chance for keys (a key spelled with an escape where keys are read is a give-up). */
  keyEsc: number;
  dup: number;
  /** Whitespace may hold newlines (not in a file's lines). */
  newlines: boolean;
}

const hex4 = (c: number, r: Rng): string => {
  const h = c.toString(16).padStart(4, '0');
  return '\\u' + (r.chance(0.5) ? h : h.toUpperCase());
};

/** A JSON string token for s, escaping each character with chance p (lone surrogates and controls always). */
function strTok(s: string, p: number, r: Rng): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const hi = c >= 0xd800 && c <= 0xdbff;
    const lo = c >= 0xdc00 && c <= 0xdfff;
    if (hi && i + 1 < s.length && s.charCodeAt(i + 1) >= 0xdc00 && s.charCodeAt(i + 1) <= 0xdfff) {
      // A pair: raw, escaped as a pair, or half and half (still the one character).
      const d = s.charCodeAt(i + 1);
      const how = r.chance(p) ? r.int(1, 3) : 0;
      out += how === 0 ? s.slice(i, i + 2) : how === 1 ? hex4(c, r) + hex4(d, r) : how === 2 ? hex4(c, r) + hex4(d, r).toLowerCase() : hex4(c, r) + hex4(d, r).toUpperCase().replace('\\U', '\\u');
      i++;
      continue;
    }
    if (hi || lo) {
      out += hex4(c, r);
      continue;
    }
    const ch = s[i]!;
    const escape = c < 0x20 || ch === '"' || ch === '\\' || r.chance(p);
    if (!escape) {
      out += ch;
      continue;
    }
    const short: Record<string, string> = { '"': '\\"', '\\': '\\\\', '/': '\\/', '\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t' };
    out += short[ch] !== undefined && r.chance(0.6) ? short[ch] : hex4(c, r);
  }
  return out + '"';
}

const ALT_VALUES = ['null', 'true', 'false', '0', '-0', '1e400', '{}', '[]', '""', '"x"', `"${TS}"`, '[{"type":"text","text":"alt"}]', '{"input_tokens":9}', ...LITERALS.map((l) => JSON.stringify(l))];

/** JSON text of v in the given style: whitespace, escapes, odd numbers, and duplicate members (a random earlier or later value for the same key). */
function ser(v: unknown, st: Style, r: Rng, pool: string[]): string {
  const ws = (): string => {
    if (!r.chance(st.ws)) return '';
    let s = '';
    for (let n = r.int(1, 3); n > 0; n--) s += r.pick(st.newlines ? [' ', '\t', '\r', '\n'] : [' ', '\t', ' ']);
    return s;
  };
  const go = (x: unknown): string => {
    if (x instanceof OddNumber) return x.text;
    if (Array.isArray(x)) return `[${ws()}${x.map((y) => go(y)).join(`${ws()},${ws()}`)}${ws()}]`;
    if (typeof x === 'object' && x !== null) {
      const members: string[] = [];
      for (const [k, y] of Object.entries(x)) {
        const own = `${strTok(k, st.keyEsc, r)}${ws()}:${ws()}${go(y)}`;
        if (r.chance(st.dup)) {
          const alt = `${strTok(k, st.keyEsc, r)}${ws()}:${ws()}${r.chance(0.5) ? r.pick(ALT_VALUES) : r.pick(pool)}`;
          members.push(...(r.chance(0.5) ? [alt, own] : [own, alt]));
        } else members.push(own);
      }
      return `{${ws()}${members.join(`${ws()},${ws()}`)}${ws()}}`;
    }
    if (typeof x === 'string') return strTok(x, LITERALS.includes(x) ? st.litEsc : st.esc, r);
    if (typeof x === 'number') return Number.isSafeInteger(x) && r.chance(0.1) ? r.pick([`${x}.0`, `${x}e0`, `${x}E+0`, x === 0 ? '0.0e7' : `${x}0e-1`]) : JSON.stringify(x);
    return JSON.stringify(x) ?? 'null';
  };
  return `${ws()}${go(v)}${ws()}`;
}

/** Sub-values of v serialized plainly: alternatives for duplicate keys, of the shapes the line holds. */
function subValues(v: unknown, out: string[] = []): string[] {
  if (typeof v === 'object' && v !== null) {
    out.push(JSON.stringify(v));
    for (const y of Object.values(v)) subValues(y, out);
  } else out.push(JSON.stringify(v));
  return out;
}

function randomStyle(r: Rng, newlines: boolean): Style {
  return { ws: r.pick([0, 0, 0.1, 0.5]), esc: r.pick([0, 0, 0.02, 0.2, 1]), litEsc: r.pick([0, 0.1, 0.5]), keyEsc: r.pick([0, 0, 0, 0, 0, 0, 0, 0.003]), dup: r.pick([0, 0, 0.05, 0.2]), newlines };
}

/** One fuzzed line from a base value. */
function fuzzLine(base: unknown, r: Rng, newlines = true): Buffer {
  const v = mutate(base, r, r.pick([0, 1, 2]));
  const pool = subValues(base).filter((s) => s.length < 2000);
  return Buffer.from(ser(v, randomStyle(r, newlines), r, pool));
}

// ---- Long texts around the sessions index's budgets ------------------------------------------------

type Kind = keyof typeof TEXT_KEEP;
const KINDS: Kind[] = ['prompt', 'assistant', 'toolOutput'];
const HEAD = `"sessionId":"s","cwd":"/p","timestamp":"${TS}","uuid":"u-1"`;
/** A line whose text of `kind` is the JSON text `content`. */
function lineOf(kind: Kind, content: string, apiError = false): Buffer {
  if (kind === 'prompt') return Buffer.from(`{"type":"user",${HEAD},"message":{"role":"user","content":${content}}}`);
  if (kind === 'toolOutput') return Buffer.from(`{"type":"user",${HEAD},"message":{"role":"user","content":[{"type":"tool_result","tool_use_id":"t1","is_error":${apiError},"content":${content}}]}}`);
  return Buffer.from(`{"type":"assistant",${HEAD}${apiError ? ',"isApiErrorMessage":true' : ''},"requestId":"r","message":{"id":"m","model":"claude-x","usage":{"input_tokens":1},"content":${content}}}`);
}

// Pieces put at the cut: escapes of 2 and 6 bytes, pairs (split at the cut), UTF-8 of 2 to 4 bytes, whitespace.
const CUT_PIECES = ['\\n', '\\\\', '\\"', '\\/', '\\u0041', '\\u00e9', '\\ud83d\\ude00', '\\uD800', '\\\\\\n', 'é', '中', '😀', '\\u0020', ' ', '\\t', '\u00a0', '\\u00a0', '\\u2028'];

/** Long texts (string contents, text blocks after others) with a piece at every offset around each byte budget a start is cut at. */
function budgetLines(r: Rng): Buffer[] {
  const out: Buffer[] = [];
  for (const kind of KINDS) {
    const keep = TEXT_KEEP[kind] + REDACT_MARGIN;
    // Bytes decoded of a string content: 2 per character asked, keep + 64 asked in an ASCII line, keep * 4 in another;
    // of a text block (ASCII lines only): keep + 64; and decodedStart's first cut (keep + keep / 4 + 16 bytes) and keep * 4.
    const cuts = [2 * (keep + 64), 2 * 4 * keep, keep + (keep >> 2) + 16, 4 * keep, keep, keep + 64];
    for (const cut of cuts) {
      for (let d = -7; d <= 2; d++) {
        for (const piece of CUT_PIECES) {
          // Filler before the piece: text, whitespace or mostly whitespace (the trimmed start falls short).
          const fill = r.pick(['a', ' ', ' ', 'ab ', '\\n', '\u3000', '\u00a0 ']);
          const lead = r.chance(0.3) ? r.pick(['é', '中', '']) : '';
          const n = Math.max(0, Math.floor((cut + d - 6 - Buffer.byteLength(lead)) / Buffer.byteLength(fill)));
          let body = lead + fill.repeat(n);
          body += 'x'.repeat(Math.max(0, cut + d - Buffer.byteLength(body)));
          body += piece + r.pick(['', 'tail', 'b'.repeat(r.int(1, 3000)), ' '.repeat(r.int(1, 200)) + 'end']);
          const s = `"${body}"`;
          const blocks = r.pick([
            `[{"type":"text","text":${s}}]`,
            `[{"type":"text","text":"short first"},{"type":"text","text":${s}},{"type":"text","text":"after"}]`,
            `[{"type":"text","text":" "},{"type":"image"},{"type":"text","text":${s}}]`,
          ]);
          out.push(lineOf(kind, s, r.chance(0.1)), lineOf(kind, blocks, r.chance(0.1)));
        }
      }
    }
  }
  return out;
}

// ---- Lines at the extractor's limits -----------------------------------------------------------------

const MAX_LINE = 4 << 20;
/** A prompt line of exactly `bytes` bytes (a long content of whole `fill` pieces, then 'x's). */
function sizedLine(bytes: number, fill: string): Buffer {
  const head = `{"type":"user","sessionId":"s","timestamp":"${TS}","uuid":"u","message":{"content":"`;
  const tail = '"}}';
  const room = bytes - head.length - tail.length;
  const n = Math.floor(room / Buffer.byteLength(fill));
  return Buffer.from(head + fill.repeat(n) + 'x'.repeat(room - n * Buffer.byteLength(fill)) + tail);
}

/** Lines whose recorded nodes number around the extractor's table (4096): tool results of 4 nodes each, text blocks of 3. */
function nodeLines(): Buffer[] {
  const out: Buffer[] = [];
  for (let n = 1018; n <= 1026; n++) {
    const content = Array.from({ length: n }, (_, i) => ({ type: 'tool_result', tool_use_id: `t${i}`, content: 'x' }));
    out.push(Buffer.from(JSON.stringify({ type: 'user', sessionId: 's', timestamp: TS, uuid: 'u', message: { content } })));
    // A last duplicate key past the table: a give-up, never the first value.
    out.push(Buffer.from(JSON.stringify({ type: 'user', sessionId: 's', timestamp: TS, message: { content } }).replace(/}$/, ',"type":"system","subtype":"turn_duration"}')));
  }
  for (let n = 1360; n <= 1368; n++) {
    const content = Array.from({ length: n }, (_, i) => ({ type: 'text', text: `w${i}` }));
    out.push(Buffer.from(JSON.stringify({ type: 'user', sessionId: 's', timestamp: TS, uuid: 'u', message: { content } })));
  }
  return out;
}

describe('line extractor against JSON.parse: a seeded differential fuzz', () => {
  it('is active in this test run', () => {
    expect(lineExtractAvailable()).toBe(true);
    expect(stringScanAvailable()).toBe(true);
  });

  it('gives the events of JSON.parse for hand-made records re-serialized with escapes, duplicates, odd numbers and times, whitespace, non-ASCII text', () => {
    const r = prng(SEED ^ 20261126);
    const bases = [...records(''), ...records(' é中😀'), ...records('\u00a0\u2028')];
    const t = tally();
    for (let i = 0; i < 6000 * SCALE; i++) check(fuzzLine(r.pick(bases), r), t);
    if (process.env.CCOTEL_EXTRACT_TALLY) console.log(JSON.stringify({ ...t, diffs: t.diffs.length }), JSON.stringify(extractCounts));
    expect(t.diffs.slice(0, 5)).toEqual([]);
    expect(t.valid).toBe(t.lines);
    expect(t.extracted).toBeGreaterThan(3 * 6000 * 0.5);
    expect(t.events).toBeGreaterThan(6000);
    expect(t.texts).toBeGreaterThan(700);
  });

  it('gives the events of JSON.parse for real and generated transcript lines re-serialized the same way', () => {
    const r = prng(SEED ^ 4242);
    const bases = realValues(true);
    expect(bases.length).toBeGreaterThan(2000);
    const t = tally();
    for (let i = 0; i < 2500 * SCALE; i++) check(fuzzLine(r.pick(bases), r), t);
    if (process.env.CCOTEL_EXTRACT_TALLY) console.log(JSON.stringify({ ...t, diffs: t.diffs.length }), JSON.stringify(extractCounts));
    expect(t.diffs.slice(0, 5)).toEqual([]);
    expect(t.valid).toBe(t.lines);
    expect(t.events).toBeGreaterThan(1500);
  });

  it('refuses exactly the lines JSON.parse refuses: fuzzed lines with random byte corruptions', () => {
    const r = prng(SEED ^ 777);
    const bases = [...records(''), ...records(' é中😀')];
    const t = tally();
    for (let i = 0; i < 4000 * SCALE; i++) check(fuzzMutation(fuzzLine(r.pick(bases), r), r), t);
    if (process.env.CCOTEL_EXTRACT_TALLY) console.log(JSON.stringify({ ...t, diffs: t.diffs.length }), JSON.stringify(extractCounts));
    expect(t.diffs.slice(0, 5)).toEqual([]);
    expect(t.lines - t.valid).toBeGreaterThan(1000);
    expect(t.extracted).toBeGreaterThan(1000);
  });

  it('keeps the text JSON.parse\'s strings give when a kept start is cut next to an escape, a surrogate pair, a UTF-8 sequence or whitespace', () => {
    const t = tally();
    for (const l of budgetLines(prng(31337))) check(l, t);
    if (process.env.CCOTEL_EXTRACT_TALLY) console.log(JSON.stringify({ ...t, diffs: t.diffs.length }), JSON.stringify(extractCounts));
    expect(t.diffs.slice(0, 5)).toEqual([]);
    expect(t.texts).toBeGreaterThan(1000);
  });

  it('at its limits: lines of 4 MiB and one byte more, and tables of nodes around 4096', () => {
    const t = tally();
    const before = { ...extractCounts };
    for (const fill of ['a', 'é', '\\n', '\\u0041']) for (const bytes of [MAX_LINE - 1, MAX_LINE, MAX_LINE + 1]) check(sizedLine(bytes, fill), t, false);
    for (const l of nodeLines()) check(l, t);
    if (process.env.CCOTEL_EXTRACT_TALLY) console.log(JSON.stringify({ ...t, diffs: t.diffs.length }), JSON.stringify(extractCounts));
    expect(t.diffs.slice(0, 5)).toEqual([]);
    // In each mode: the four lines of MAX_LINE + 1 bytes; the lines of more than 4096 nodes (7 + 4n
    // for n = 1023 to 1026, 8 + 4n for the same n: 4096 at n = 1022, read; 7 + 3n for n = 1364 to
    // 1368: 4096 at n = 1363, read).
    expect(extractCounts.long - before.long).toBe(3 * 4);
    expect(extractCounts.nodes - before.nodes).toBe(3 * (4 + 4 + 5));
    expect(t.valid).toBe(t.lines);
  });
});

// Disagreements the fuzz found, each at its smallest: the line and what JSON.parse gives for it.
describe('regressions found by the fuzz', () => {
  const escaped = (s: string): string => [...s].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join('');
  const eventsOf = (line: Buffer, withText = false): ModelEvent[] => {
    const out: ModelEvent[] = [];
    normalizeLine(JSON.parse(line.toString('utf8')), hints, 'k@0', out, false, withText);
    return out;
  };

  // The extractor gives up on a key spelled with an escape where keys are read (here "\u0078" at the
  // root); the reader then parses the line with its long strings as placeholders (line-reduce.ts). A
  // literal the normalizer compares with, spelled with escapes, is 65 bytes or more and was replaced
  // by a placeholder, which equals no literal: the line's turn end, tool result or agent_progress copy was lost.
  it('a literal spelled with escapes long enough for the string scan is still that literal, on a line the extractor gives up on', () => {
    const lines = [
      `{"type":"system","subtype":"${escaped('turn_duration')}","sessionId":"s","timestamp":"${TS}","durationMs":5,"\\u0078":1}`,
      `{"type":"system","subtype":"${escaped('compact_boundary')}","sessionId":"s","timestamp":"${TS}","compactMetadata":{"trigger":"auto"},"\\u0078":1}`,
      `{"type":"user","sessionId":"s","timestamp":"${TS}","\\u0078":1,"message":{"content":[{"type":"${escaped('tool_result')}","tool_use_id":"t","content":"out"}]}}`,
      `{"type":"progress","sessionId":"s","timestamp":"${TS}","\\u0078":1,"data":{"type":"${escaped('agent_progress')}","agentId":"a","message":{"message":{"id":"m","usage":{"input_tokens":1}}}}}`,
      `{"type":"${escaped('file-history-snapshot')}","sessionId":"s","timestamp":"${TS}","\\u0078":1,"message":{"id":"m","usage":{"input_tokens":1}}}`,
    ].map((l) => Buffer.from(l));
    const t = tally();
    for (const l of lines) {
      expect(extractEvents(l, 0, l.length, hints, 'k', [], false)).toBeUndefined();
      check(l, t);
    }
    expect(t.diffs).toEqual([]);
    expect(t.gaveUp).toBe(lines.length * MODES.length);
    expect(lines.map((l) => eventsOf(l).length)).toEqual([1, 1, 1, 1, 0]);
  });

  // A line with non-ASCII bytes is read as latin1 (line-text.ts); the sessions index's text of it was
  // decoded from its first 4 * keep bytes only, then trimmed: whitespace filling those bytes left
  // nothing (or a piece of a character cut at the budget) where the whole text had more to keep.
  it('the kept text of a non-ASCII line whose first 4 * keep bytes are whitespace is the whole text\'s', () => {
    const keep = TEXT_KEEP.toolOutput + REDACT_MARGIN;
    const lines = [
      lineOf('toolOutput', `"é${' '.repeat(4 * keep)}tail"`),
      lineOf('toolOutput', `"${' '.repeat(4 * keep - 1)}é tail"`),
      lineOf('toolOutput', `[{"type":"text","text":"é${' '.repeat(4 * keep)}tail"}]`),
      lineOf('prompt', `"é${'\\n'.repeat(4 * (TEXT_KEEP.prompt + REDACT_MARGIN))}tail"`),
    ];
    const t = tally();
    for (const l of lines) check(l, t);
    expect(t.diffs).toEqual([]);
    const texts = lines.map((l) => (eventsOf(l, true)[0] as { text?: string }).text);
    // (Cut to the kept length, as the whole text is.)
    expect(texts).toEqual([`é${' '.repeat(999)}…`, 'é tail', `é${' '.repeat(999)}…`, `é${'\n'.repeat(7999)}…`]);
  });

  // A timestamp Date.parse reads only from a string's decode (non-ASCII whitespace in a form it
  // takes): in a latin1 line it was given the string's latin1 text, so the line had no time and no events.
  it('a timestamp with non-ASCII whitespace in a non-ASCII line is read from its UTF-8 decode', () => {
    const lines = ['5 Jan 2026\u00a010:00', '2026-01-05\u3000'].map((ts) => Buffer.from(`{"type":"user","sessionId":"s","uuid":"u","timestamp":"${ts}","message":{"content":"é"}}`));
    const t = tally();
    for (const l of lines) check(l, t);
    expect(t.diffs).toEqual([]);
    expect(lines.map((l) => eventsOf(l).map((ev) => ev.ts))).toEqual([[Date.UTC(2026, 0, 5, 10)], [Date.UTC(2026, 0, 5)]]);
  });

  // The text blocks of a content array are joined until the join is longer than 4 * keep characters;
  // in a latin1 line that length was counted in bytes, so a block of 3-byte whitespace stopped the join
  // before the block holding the text.
  it('text blocks of a non-ASCII line are joined up to 4 * keep characters, not bytes', () => {
    const keep = TEXT_KEEP.toolOutput + REDACT_MARGIN;
    const line = lineOf('toolOutput', `[{"type":"text","text":"${'\u3000'.repeat(2 * keep)}"},{"type":"text","text":"the text"}]`);
    const t = tally();
    check(line, t);
    expect(t.diffs).toEqual([]);
    expect((eventsOf(line, true)[0] as { text?: string }).text).toBe('the text');
  });
});

// The reader with the extractor against the reader of the pure TypeScript path (CCOTEL_WASM=0), on
// a file of fuzzed lines: lines extracted where they lie in the reader's chunk, given-up lines
// parsed with the string scan's placeholders, corrupt lines counted as malformed alike.
describe('FileReader on fuzzed lines', () => {
  /** Each file read by the reader with and without WebAssembly, in each mode: the same slices. Their events, counted. */
  async function compareReaders(paths: string[]): Promise<{ events: number; malformed: number }> {
    const prev = process.env.CCOTEL_WASM;
    let events = 0;
    let malformed = 0;
    try {
      const { pure, fast } = await readerModules();
      for (const path of paths) {
        for (const [mode, opts] of Object.entries(READER_MODES)) {
          const want = await readAllSlices(pure, path, opts, hints);
          const got = await readAllSlices(fast, path, opts, hints);
          const d = strictDiff(got, want);
          if (d !== undefined) {
            // The first line whose events differ, shown.
            const byStart = (sl: Slice[]): Map<number, unknown> => new Map(sl.flatMap((x) => x.lines.map((l) => [l.start, l.events] as const)));
            const [g, w] = [byStart(got), byStart(want)];
            const at = [...new Set([...g.keys(), ...w.keys()])].sort((a, b) => a - b).find((k) => strictDiff(g.get(k), w.get(k)) !== undefined);
            const file = readFileSync(path);
            const line = at === undefined ? '' : file.toString('latin1', at, file.indexOf(10, at));
            expect.fail(`${mode}: ${d}\n  at byte ${at}: ${clip(JSON.stringify(line), 2000)}\n  ${clip(String(strictDiff(g.get(at!), w.get(at!))), 300)}`);
          }
          events += want.reduce((a, sl) => a + sl.lines.reduce((b, l) => b + l.events.length, 0), 0);
          malformed += want[want.length - 1]!.next.malformed;
        }
      }
    } finally {
      if (prev === undefined) delete process.env.CCOTEL_WASM;
      else process.env.CCOTEL_WASM = prev;
      vi.resetModules();
    }
    return { events, malformed };
  }

  const fileOf = (name: string, lines: Buffer[]): string => {
    const d = mkdtempSync(join(tmpdir(), 'ccotel-extract-fuzz-'));
    dirs.push(d);
    const path = join(d, name);
    writeFileSync(path, Buffer.concat(lines.flatMap((l, i) => [l, Buffer.from(i % 7 === 0 ? '\r\n' : '\n')])));
    return path;
  };

  it('reads a file of fuzzed lines as the pure TypeScript path does, in each mode', async () => {
    const r = prng(SEED ^ 9090);
    const bases = [...records(''), ...records(' é中😀'), ...realValues().slice(0, 300)];
    const lines: Buffer[] = [];
    for (let i = 0; i < 1500 * SCALE; i++) {
      const l = fuzzLine(r.pick(bases), r, false);
      lines.push(r.chance(0.1) ? (fuzzMutation(l, r).filter((c) => c !== 10) as Buffer) : l);
    }
    lines.push(...budgetLines(prng(5)).filter((_, i) => i % 20 === 0));
    const { events, malformed } = await compareReaders([fileOf('s.jsonl', lines)]);
    expect(events).toBeGreaterThan(1500);
    expect(malformed).toBeGreaterThan(3 * 50);
  });

  // The reader reads 4 MiB chunks into the extractor's memory and extracts a line where it lies (the
  // byte after it overwritten by the extractor's guard); a line spanning chunks is copied. Lines
  // whose newline falls around a chunk's end, and lines of 4 MiB and one byte more (given up on).
  it('reads lines around its chunks\' ends and at the extractor\'s size limit as the pure TypeScript path does', async () => {
    const CHUNK = 4 << 20;
    const small = (i: number): Buffer =>
      Buffer.from(`{"type":"user","sessionId":"s","timestamp":"${TS}","uuid":"u${i}","message":{"content":[{"type":"tool_result","tool_use_id":"t${i}","content":"out é ${i}"}]}}`);
    const paths: string[] = [];
    for (let lf = CHUNK - 3; lf <= CHUNK + 2; lf++) {
      for (const cr of [false, true]) {
        // A first line whose newline is the file's byte `lf` (a CR before it, or not), then short lines.
        const first = sizedLine(lf - (cr ? 1 : 0), lf % 2 ? 'ab ' : 'é');
        const d = mkdtempSync(join(tmpdir(), 'ccotel-extract-fuzz-'));
        dirs.push(d);
        paths.push(join(d, `c${lf - CHUNK}${cr ? 'r' : ''}.jsonl`));
        writeFileSync(paths[paths.length - 1]!, Buffer.concat([first, Buffer.from(cr ? '\r\n' : '\n'), ...Array.from({ length: 5 }, (_, i) => Buffer.from(`${small(i)}\n`))]));
      }
    }
    paths.push(fileOf('big.jsonl', [small(0), sizedLine(MAX_LINE, 'a'), small(1), sizedLine(MAX_LINE + 1, '\\n'), small(2), sizedLine(MAX_LINE - 1, 'é'), small(3)]));
    const { events } = await compareReaders(paths);
    // Every line yields its one event (a prompt or a tool result), in each mode.
    expect(events).toBe(3 * (12 * 6 + 7));
  });
});
