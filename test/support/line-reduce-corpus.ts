// Lines for test/line-reduce.test.ts: hand-made lines aimed at the string scan's edges (long strings
// at every depth, as keys, with every escape, across its 64-byte steps, past its span table and its
// line size), and malformed lines made from valid ones by mutating them inside long strings and
// between tokens. Every line is a Buffer of its bytes (UTF-8 where it holds non-ASCII text).
import type { Rng } from './prng.js';

/** A JSON string token of exactly `bytes` bytes, quotes included, of ASCII text (no escape). */
export function tok(bytes: number, fill = 'abcdefghijklmnopqrstuvwxyz0123456789 ._-/'): string {
  let s = '';
  for (let i = 0; s.length < bytes - 2; i++) s += fill[i % fill.length];
  return `"${s}"`;
}

/** A string of `n` characters (no escape needed) starting with `head`: long enough for a placeholder. */
export const long = (head: string, n = 90): string => head + '.'.repeat(Math.max(0, n - head.length));

/** Where the string tokens of a line are ([start, end), quotes included), read the way JSON does it. */
export function stringSpans(b: Buffer): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (let i = 0; i < b.length; i++) {
    if (b[i] !== 0x22) continue;
    let j = i + 1;
    while (j < b.length && b[j] !== 0x22) j += b[j] === 0x5c ? 2 : 1;
    if (j >= b.length) break;
    out.push([i, j + 1]);
    i = j;
  }
  return out;
}

const ESCAPES = ['\\"', '\\\\', '\\/', '\\b', '\\f', '\\n', '\\r', '\\t', '\\u00e9', '\\ud83d\\ude00', '\\uD800', '\\udfff', '\\u0041', '\\uFFFF', '\\u001f'];

/** Transcript-shaped records whose every string the normalizer reads is long (plus their ASCII/non-ASCII variants). */
function records(x: string): unknown[] {
  const sid = long(`sess-${x}-`);
  const base = {
    sessionId: sid,
    cwd: long(`/home/u/projects/${x}/`),
    gitBranch: long(`feature/${x}`),
    version: long('2.1.'),
    timestamp: '2026-01-05T10:00:00.000Z',
  };
  const usage = { input_tokens: 3, output_tokens: 5, cache_creation_input_tokens: 7, cache_read_input_tokens: 11, speed: long('fast') };
  const input = {
    command: long(`ls ${x}`),
    [long('a long key ')]: { deep: [long(`deep ${x}`), 1, { [long('k2')]: long(`v2 ${x}`) }] },
    short: 'ok',
    ['__proto__']: { polluted: long('p') },
  };
  return [
    {
      ...base,
      type: 'assistant',
      uuid: long('uuid-a-'),
      requestId: long('req_'),
      message: {
        id: long('msg_'),
        model: long('claude-sonnet-4-5-'),
        stop_reason: long('tool_use'),
        usage,
        content: [
          { type: 'thinking', thinking: long(`think ${x}`, 3000), signature: long('sig', 500) },
          { type: 'text', text: long(`answer ${x}`, 9000) },
          { type: 'tool_use', id: long('toolu_'), name: long('Bash'), input },
        ],
      },
    },
    {
      ...base,
      type: 'assistant',
      isApiErrorMessage: true,
      message: { id: long('msg_e'), model: '<synthetic>', usage, content: [{ type: 'text', text: long(`  API Error ${x}\nsecond line`, 300) }] },
    },
    { ...base, type: 'assistant', message: { model: long('claude-opus-'), usage, content: long(`plain content ${x}`) } },
    {
      ...base,
      type: 'user',
      uuid: long('uuid-u-'),
      toolUseResult: { agentId: long('agent-') },
      message: {
        content: [
          { type: 'tool_result', tool_use_id: long('toolu_'), content: long(`out ${x}`, 5000) },
          {
            type: 'tool_result',
            tool_use_id: long('toolu_2'),
            is_error: true,
            content: [{ type: 'text', text: long(`\n  error ${x}\nmore`, 200) }, { type: 'text', text: long('t2') }],
          },
          { type: 'tool_result', tool_use_id: long('toolu_3'), content: [{ type: 'x', content: [{ type: 'text', text: long(`nested ${x}`) }] }] },
        ],
      },
    },
    { ...base, type: 'user', uuid: long('uuid-p-'), message: { content: long(`prompt ${x}`, 12000) } },
    {
      ...base,
      type: 'user',
      uuid: long('uuid-q-'),
      message: { content: [{ type: 'text', text: long(`prompt block ${x}`) }, { type: 'image', source: long('data') }] },
    },
    { ...base, type: 'system', subtype: 'compact_boundary', compactMetadata: { trigger: long(`auto ${x}`), preTokens: 1000 } },
    { ...base, type: 'system', subtype: 'turn_duration', durationMs: 1234 },
    {
      ...base,
      type: 'progress',
      parentToolUseID: long('toolu_parent'),
      data: {
        type: 'agent_progress',
        agentId: long('agent-p'),
        message: {
          timestamp: '2026-01-05T10:00:01.000Z',
          requestId: long('req_p'),
          message: { id: long('msg_p'), model: long('claude-haiku-'), usage, content: [{ type: 'text', text: long(x) }] },
        },
      },
    },
    {
      ...base,
      type: 'progress',
      data: { type: 'agent_progress', message: { message: { id: long('msg_q'), model: 'claude-haiku-4-5', usage } } },
      parentToolUseID: long('toolu_q'),
    },
    // A long timestamp (Date.parse takes this form too), read through own() like any string.
    { ...base, timestamp: 'Monday, January 5, 2026 10:00:00 GMT+0000 (Coordinated Universal Time)', type: 'user', message: { content: 'hi' } },
  ];
}

/** Valid lines aimed at the scan's edges. */
export function handLines(): Buffer[] {
  const out: string[] = [];
  const L = tok(100);
  // Long strings at every depth, in arrays, as keys (a long key must stay a key), with whitespace.
  let nested = L;
  for (let d = 0; d < 30; d++) nested = d % 2 ? `[${L},${nested},${tok(64 + d)}]` : `{"k${d}":${nested},${tok(70 + d)}:${tok(65 + d)}}`;
  out.push(nested);
  out.push(`[${L},${L},1,${L},"short",${tok(64)},[${tok(63)}],{}]`);
  out.push(`{${tok(200)}:${tok(200)},${tok(80)} \t\r\n : 1, ${tok(90)}\t:[${tok(90)}]}`);
  out.push(` \t { "a" \t: \t${L} \t, "b":[ \t${L} \t, ${L}\t] \t} \t`);
  out.push(L);
  out.push(`[${L}]`);
  // Every escape inside a long string, at its start, middle and end (before the closing quote).
  for (const e of ESCAPES) {
    const fill = 'x'.repeat(70);
    out.push(`{"a":"${e}${fill}","b":"${fill}${e}${fill}","c":"${fill}${e}","d":"${e}${e}${e}${e}${e}${e}${e}${e}${e}${e}${e}${e}","e":"${e}"}`);
  }
  out.push(`{"all":"${ESCAPES.join('')}${'y'.repeat(64)}${ESCAPES.join('')}"}`);
  // Escaped backslashes that look like the placeholders' mark or end a string.
  out.push(`{"a":"\\\\u0000${'z'.repeat(70)}","b":"${'z'.repeat(70)}\\\\","c":"\\\\\\"${'q'.repeat(70)}\\\\\\\\"}`);
  // Bytes that are not control bytes: DEL and every byte from 0x80 (latin1 text; not all valid UTF-8).
  let hi = '';
  for (let c = 0x7f; c <= 0xff; c++) hi += String.fromCharCode(c);
  out.push(`{"hi":"${hi}${hi}","k${hi}":1}`);
  // String tokens around the placeholder threshold (65 bytes) and the scan's 64-byte steps, at every
  // offset of a step, ending at the line's end too.
  for (let pad = 0; pad < 130; pad++) {
    for (const n of [62, 63, 64, 65, 66, 67, 127, 128, 129, 130]) {
      out.push(`{"k":${' '.repeat(pad)}${tok(n)}}`);
      out.push(`${' '.repeat(pad)}${tok(n)}`);
      out.push(`[${' '.repeat(pad)}"\\n${'w'.repeat(n - 4)}"]`);
    }
    // Runs of backslashes and escaped quotes across a step's end (the scan carries them to the next step).
    for (let k = 1; k <= 4; k++) {
      const run = '\\\\'.repeat(k);
      out.push(`["${'a'.repeat(pad)}${run}","${'b'.repeat(pad)}${run}\\"${'c'.repeat(70)}${run}"]`);
      out.push(`{"${'a'.repeat(pad)}${run}\\"":"${'d'.repeat(pad)}\\u00e9${run}\\/${'e'.repeat(64)}\\"","x":${k}}`);
    }
    out.push(`{"a":"${'q'.repeat(pad)}\\u0041\\ud83d\\ude00${'r'.repeat(70)}"}`);
    // A long key whose colon comes after whitespace running into the next step: it stays a key.
    out.push(`{"${'q'.repeat(pad + 63)}"${' \t'.repeat(32 - (pad % 32))}:"${'r'.repeat(70)}"}`);
  }
  // More long strings than the span table holds (8192): the later ones stay strings (all are 65 bytes or more).
  out.push(`[${Array.from({ length: 9000 }, (_, i) => tok(65 + (i % 7), `s${i}-`)).join(',')}]`);
  out.push(`{${Array.from({ length: 8300 }, (_, i) => `"k${i}":"${i % 3 === 0 ? '\\t' : ''}${'v'.repeat(64)}${i}"`).join(',')}}`);
  // Numbers, literals and nesting around long strings.
  out.push(`{"n":-0.5e+10,"t":true,"f":false,"z":null,"s":${L},"a":[1,2.5,-3E-2,${L},null],"o":{"p":{"q":${L}}}}`);
  // Transcript records: ASCII, non-ASCII bytes (UTF-8), and wide escapes (\u00e9: normalized from the decode).
  for (const x of ['ascii', 'caf\u00e9 \u{1f600} \u4e2d\u6587']) for (const r of records(x)) out.push(JSON.stringify(r));
  for (const x of ['w', 'w \u00e9\u{1f600}']) for (const r of records(x)) out.push(JSON.stringify(r).replace(/\.\.\.\./g, '..\\u00e9.'));
  for (const r of records('e')) out.push(JSON.stringify(r).replace(/\.\.\.\./g, '.\\n\\"\\\\\\/.'));
  return out.map((s) => Buffer.from(s, s.includes('\u0080') || s.includes('\u00ff') ? 'latin1' : 'utf8'));
}

/** A line longer than the scan's limit (4 MiB), and one exactly at it (the scan's memory grows for it). */
export function bigLines(): Buffer[] {
  const mk = (bytes: number): Buffer => {
    const parts: string[] = [];
    let n = 2;
    for (let i = 0; n < bytes - 300; i++) {
      const p = `${i ? ',' : ''}${i % 3 ? tok(100 + (i % 50), `b${i}-`) : `"\\t${tok(98 + (i % 50), `b${i}-`).slice(1)}`}`;
      parts.push(p);
      n += p.length;
    }
    const s = `[${parts.join('')}`;
    const last = `,${tok(bytes - s.length - 2)}]`;
    return Buffer.from(s + last);
  };
  return [mk(4 << 20), mk((4 << 20) + 1), mk(5 << 20)];
}

/** Malformed (and some still valid) variants of a valid line, mutated inside its long strings and between tokens. */
export function targetedMutations(line: Buffer): Buffer[] {
  const out: Buffer[] = [];
  const ins = (at: number, s: string | Buffer, del = 0): void => {
    out.push(Buffer.concat([line.subarray(0, at), typeof s === 'string' ? Buffer.from(s, 'latin1') : s, line.subarray(at + del)]));
  };
  const spans = stringSpans(line);
  const longs = spans.filter(([a, b]) => b - a >= 64);
  const shorts = spans.filter(([a, b]) => b - a < 64);
  const picks = [...new Set([longs[0], longs[longs.length - 1], longs[longs.length >> 1]])].filter((x) => x !== undefined);
  for (const [a, b] of picks) {
    // Near its ends and middle, and at the scan's 64-byte step boundaries (the line sits 64-aligned).
    const steps = [63, 64, 65, 127, 128].map((k) => a + 64 - (a % 64) + k - 64).filter((x) => x > a && x < b);
    for (const at of [a + 1, a + 17, (a + b) >> 1, b - 1, ...steps]) {
      for (const c of [0x00, 0x01, 0x09, 0x0a, 0x0d, 0x1f]) ins(at, Buffer.from([c]));
      for (const e of ['\\x', '\\u12G4', '\\u00', '\\u0', '\\', '\\u0000', '\\U0041', '\\a', '\\\'', '\\ ', '\\u00e9', '"', '\\\\']) ins(at, e);
    }
    // Cut in the middle of the string, and right after its opening quote / before its closing one.
    for (const at of [a + 1, (a + b) >> 1, b - 1, b - 2]) out.push(line.subarray(0, at));
    // The closing quote escaped: the string runs on to the next quote (or never closes).
    ins(b - 1, '\\');
    // A raw control byte instead of the closing quote, and the closing quote dropped.
    ins(b - 1, '\x01', 1);
    ins(b - 1, '', 1);
  }
  for (const [a, b] of shorts.slice(0, 2)) {
    ins(a + 1, '\\u0000');
    ins(b - 1, '\\u0000');
    ins(a + 1, '\x00');
  }
  const text = line.toString('latin1');
  const first = (re: RegExp): number => {
    const m = re.exec(text);
    return m ? m.index : -1;
  };
  // Unbalanced braces and brackets, trailing commas, a missing colon, garbage after the value.
  out.push(line.subarray(0, line.length - 1));
  ins(line.length, '}');
  ins(line.length, ']');
  ins(0, '[');
  ins(0, '{');
  ins(line.length - 1, ',');
  ins(line.length - 1, ' , ');
  const colon = first(/": ?/);
  if (colon >= 0) ins(colon + 1, '', 1);
  if (colon >= 0) ins(colon + 1, ',', 1);
  ins(line.length, ' x');
  ins(line.length, ' {}');
  ins(line.length, ` ${tok(80)}`);
  ins(line.length, `\n${tok(80)}`);
  ins(line.length, '\x00');
  // A backslash outside strings, right before a quote; a quote doubled.
  ins(1, '\\');
  if (spans[0]) ins(spans[0][0], '\\');
  if (spans[0]) ins(spans[0][0], '"');
  // Numbers made invalid.
  const num = first(/:-?\d/);
  if (num >= 0) for (const bad of ['01', '1.', '-', '+1', '.5', '1e', '0x1', '--1', '1.e5', 'NaN', 'Infinity']) ins(num + 1, bad);
  return out;
}

const ALPHABET = Buffer.from('"\\{}[]:,0123456789abcdefghijklmnopqrstuvwxyz \t\x00\x1f', 'latin1');

/** A random mutation of a line: 1 to 4 byte inserts, deletes or replaces, half of them inside long strings. */
export function fuzzMutation(line: Buffer, r: Rng): Buffer {
  let b = Buffer.from(line);
  const longs = stringSpans(line).filter(([a, e]) => e - a >= 64);
  for (let k = r.int(1, 4); k > 0; k--) {
    const span = longs.length > 0 && r.chance(0.5) ? r.pick(longs) : undefined;
    const at = Math.min(b.length, span ? r.int(span[0], span[1]) : r.int(0, b.length));
    const byte = Buffer.from([r.pick([...ALPHABET])]);
    const op = r.int(0, 2);
    if (op === 0) b = Buffer.concat([b.subarray(0, at), byte, b.subarray(at)]);
    else if (op === 1) b = Buffer.concat([b.subarray(0, at), b.subarray(at + 1)]);
    else b = Buffer.concat([b.subarray(0, at), byte, b.subarray(at + 1)]);
  }
  return b;
}
