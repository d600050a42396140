// The fast path of the reader (bytes checked as UTF-8 natively and decoded as latin1:
// src/model/line-text.ts) must give exactly the events of the plain path (UTF-8 decode, JSON.parse,
// normalize) for every line: real transcripts, generated histories of both shapes with faults, and
// hand-made lines aimed at the decoding's edge cases.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { normalizeLine } from '../src/model/normalize.js';
import { countUtf16, mapStringsInPlace, utf16Length, utf8Deep, utf8Of } from '../src/model/line-text.js';
import { eagerLineText, lineText } from './support/eager-line-text.js';
import type { ModelEvent } from '../src/model/events.js';
import { generateHistory, listJsonl } from './support/history-generator.js';
import { prng } from './support/prng.js';

const hints = { sessionId: 'hint-session' };
const strict = new TextDecoder('utf-8', { fatal: true });

/** The plain path: what the reader did before the fast path. */
function plain(bytes: Buffer): string {
  const events: ModelEvent[] = [];
  const withText: ModelEvent[] = [];
  try {
    const line = JSON.parse(strict.decode(bytes));
    normalizeLine(line, hints, 'k', events);
    // With the sessions index's text too (prompts, answers, tool output: decoded, cut, redacted).
    normalizeLine(line, hints, 'k', withText, false, true);
  } catch {
    return 'malformed';
  }
  return JSON.stringify([events, withText]);
}

function fast(bytes: Buffer): string {
  const events: ModelEvent[] = [];
  const withText: ModelEvent[] = [];
  try {
    const t = eagerLineText(bytes, 0, bytes.length);
    if (t === null) throw new Error('invalid UTF-8');
    const line = JSON.parse(t.text);
    normalizeLine(line, hints, 'k', events, t.bytes);
    normalizeLine(line, hints, 'k', withText, t.bytes, true);
  } catch {
    return 'malformed';
  }
  return JSON.stringify([events, withText]);
}

/**
 * The reader's path: no scan for wide escapes before parsing; normalizeLine looks for them only
 * when a string it keeps needs decoding, and normalizes such a line again from its UTF-8 decode.
 * Also ledger-only (what `stats` reads), which must give the same model calls, tool calls and prompts.
 */
function deferred(bytes: Buffer): string {
  const events: ModelEvent[] = [];
  const withText: ModelEvent[] = [];
  const lean: ModelEvent[] = [];
  try {
    const t = lineText(bytes, 0, bytes.length);
    if (t === null) throw new Error('invalid UTF-8');
    const line = JSON.parse(t.text);
    normalizeLine(line, hints, 'k', events, t.bytes, false, false, t.text);
    normalizeLine(line, hints, 'k', withText, t.bytes, true, false, t.text);
    normalizeLine(line, hints, 'k', lean, t.bytes, false, true, t.text);
  } catch {
    return 'malformed';
  }
  const ledgerPart = (es: ModelEvent[]) => JSON.stringify(es.filter((e) => e.kind !== 'turn_end').map((e) => (e.kind === 'model_call' ? { ...e, stopReason: undefined, errorText: undefined } : e.kind === 'tool_result' ? { ...e, resultChars: 0, errorText: undefined } : e)));
  expect(ledgerPart(lean)).toBe(ledgerPart(events));
  return JSON.stringify([events, withText]);
}

function linesOf(file: string): Buffer[] {
  const buf = readFileSync(file);
  const out: Buffer[] = [];
  let s = 0;
  for (let nl = buf.indexOf(10); nl !== -1; nl = buf.indexOf(10, s)) {
    let e = nl;
    if (e > s && buf[e - 1] === 13) e--;
    if (e > s) out.push(buf.subarray(s, e));
    s = nl + 1;
  }
  return out;
}

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function expectSame(lines: Buffer[]): { latin1: number; malformed: number } {
  let latin1 = 0;
  let malformed = 0;
  const diffs: string[] = [];
  for (const l of lines) {
    const a = plain(l);
    const b = fast(l);
    if (a !== b) diffs.push(`${l.toString('utf8').slice(0, 120)}\n  plain: ${a.slice(0, 200)}\n  fast:  ${b.slice(0, 200)}`);
    const c = deferred(l);
    if (a !== c) diffs.push(`${l.toString('utf8').slice(0, 120)}\n  plain:    ${a.slice(0, 200)}\n  deferred: ${c.slice(0, 200)}`);
    if (a === 'malformed') malformed++;
    if (eagerLineText(l, 0, l.length)?.bytes) latin1++;
  }
  expect(diffs.slice(0, 5)).toEqual([]);
  return { latin1, malformed };
}

describe('fast line path', () => {
  it('equals the plain path on the real transcripts', () => {
    const lines = listJsonl(join(__dirname, 'fixtures', 'real')).flatMap(linesOf);
    const { latin1 } = expectSame(lines);
    expect(latin1).toBeGreaterThan(100); // lines with non-ASCII bytes take the latin1 path
  });

  it('equals the plain path on generated histories of both shapes, faults included', () => {
    for (const shape of ['bench', 'heavy'] as const) {
      const d = mkdtempSync(join(tmpdir(), 'ccotel-fastpath-'));
      dirs.push(d);
      generateHistory(d, { sessions: 12, seed: 41, faults: true, shape, dropSubagentFiles: 0.3 });
      const { latin1, malformed } = expectSame(listJsonl(d).flatMap(linesOf));
      expect(latin1).toBeGreaterThan(0);
      expect(malformed).toBeGreaterThan(0);
    }
  });

  const base = { sessionId: 's1', cwd: '/home/zoë/项目', timestamp: '2026-01-10T10:00:00.000Z', version: '2.1.42', gitBranch: 'main' };
  const usage = { input_tokens: 3, output_tokens: 7, cache_creation_input_tokens: 10, cache_read_input_tokens: 20 };
  const J = (o: object) => JSON.stringify(o);
  const hook = J({ ...base, type: 'progress', data: { type: 'hook_progress', hookEvent: 'PreToolUse', command: 'x' }, uuid: 'h1' });
  const crafted: Array<[string, string]> = [
    ['prompt with 2-, 3- and 4-byte characters', J({ ...base, type: 'user', uuid: 'u1', message: { role: 'user', content: 'café → 😀 done' } })],
    ['prompt with \\u escapes above U+007F (and a lone surrogate)', `{"sessionId":"s1","cwd":"/x","timestamp":"2026-01-10T10:00:00.000Z","type":"user","uuid":"u2","message":{"role":"user","content":"caf\\u00e9 \\ud83d and ö"}}`],
    ['ANSI escapes (\\u001b) beside raw non-ASCII bytes', J({ ...base, type: 'user', uuid: 'u3', message: { role: 'user', content: '\u001b[31mrot\u001b[0m über' } })],
    ['a tool input with a \\u escape above U+007F beside raw bytes (no text measured)', `{"sessionId":"s1","cwd":"/x","timestamp":"2026-01-10T10:00:00.000Z","type":"assistant","requestId":"r2","message":{"id":"m2","model":"claude-haiku-4-5","content":[{"type":"thinking","thinking":"über"},{"type":"tool_use","id":"toolu_9","name":"Bash","input":{"command":"echo caf\\u00e9 ü"}}],"usage":${J(usage)}}}`],
    ['a cwd with a \\u escape above U+007F beside raw bytes', `{"sessionId":"s1","cwd":"/home/zo\\u00eb/x","timestamp":"2026-01-10T10:00:00.000Z","type":"assistant","requestId":"r3","message":{"id":"m3","model":"claude-haiku-4-5","content":[{"type":"text","text":"ü"}],"usage":${J(usage)}}}`],
    ['an escaped backslash before "u" (a Windows path)', J({ ...base, type: 'user', uuid: 'u4', message: { role: 'user', content: 'C:\\users\\zoë' } })],
    ['an error result ending in a non-breaking space and à', J({ ...base, type: 'user', uuid: 'u5', message: { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', is_error: true, content: '  échec\u00a0à\u00a0\nsecond line' }] } })],
    ['tool result blocks with non-ASCII text', J({ ...base, type: 'user', uuid: 'u6', message: { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_2', content: [{ type: 'text', text: '→ 1\n→ 2 😀' }] }] }, toolUseResult: { agentId: 'aé1' } })],
    ['tool_use input with non-ASCII strings and a __proto__ key', `{"sessionId":"s1","cwd":"/x","timestamp":"2026-01-10T10:00:00.000Z","type":"assistant","requestId":"r1","message":{"id":"m1","model":"claude-haiku-4-5","content":[{"type":"tool_use","id":"toolu_3","name":"Bash","input":{"command":"grep -r 'naïve' ./dossier","__proto__":{"x":"é"}}}],"usage":${J(usage)}}}`],
    ['an assistant line with a non-ASCII model name and id', J({ ...base, type: 'assistant', requestId: 'réq', message: { id: 'msg_é', model: 'claude-ünknown', content: [{ type: 'text', text: 'x' }], usage } })],
    ['agent_progress copy with usage, non-ASCII agent id', J({ ...base, type: 'progress', data: { type: 'agent_progress', agentId: 'aö', message: { type: 'assistant', timestamp: '2026-01-10T10:00:01.000Z', requestId: 'r9', message: { id: 'm9', model: 'claude-haiku-4-5', content: [], usage } } } })],
    ['agent_progress copy of a tool result (no usage)', J({ ...base, type: 'progress', data: { type: 'agent_progress', agentId: 'a1', message: { type: 'user', message: { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't', content: 'ü'.repeat(100) }] } } } })],
    ['a progress line mentioning agent_progress inside a string', J({ ...base, type: 'progress', data: { type: 'bash_progress', output: '"type":"agent_progress" "usage"' } })],
    ['hook progress', hook],
    ['progress with nested arrays, numbers and literals', J({ ...base, type: 'progress', data: { type: 'bash_progress', n: [1, -2.5e3, 0, true, false, null, [], {}, { a: [{}] }] } })],
    ['torn progress line followed by a whole line', hook.slice(0, 60) + hook],
    ['progress line with trailing garbage', hook + ' x'],
    ['progress line with a missing comma', hook.replace('","data"', '" "data"')],
    ['progress line with a bad literal', hook.replace('"uuid":"h1"', '"uuid":tru')],
    ['progress line with a leading zero number', hook.replace('"uuid":"h1"', '"uuid":01')],
    ['progress line with a trailing comma', hook.replace('"uuid":"h1"}', '"uuid":"h1",}')],
    ['progress line whose string does not close', hook.slice(0, -3)],
    ['two objects on one line', hook + hook],
    ['not an object', '["progress"]'],
    // Tool output and prompts longer than what the index keeps: the decode of a first piece must
    // give the same kept text as the decode of the whole budget (whitespace, 4-byte characters and
    // non-ASCII runs around the cut, leading whitespace, text just past the first piece).
    ...[3000, 3040, 3048, 3060, 3826, 3830, 5000, 12_500].flatMap((n): Array<[string, string]> => [
      [`tool output of ${n} characters ending in non-ASCII`, J({ ...base, type: 'user', uuid: `ul${n}`, message: { role: 'user', content: [{ type: 'tool_result', tool_use_id: `t${n}`, content: '→ line\n'.repeat(Math.ceil(n / 7)).slice(0, n) + 'é😀' }] } })],
      [`tool output of ${n} characters with whitespace at the cut`, J({ ...base, type: 'user', uuid: `uw${n}`, message: { role: 'user', content: [{ type: 'tool_result', tool_use_id: `w${n}`, content: '  \n ' + 'ü'.repeat(n - 200) + ' '.repeat(400) + '😀x' }] } })],
      [`tool output of ${n} 4-byte characters`, J({ ...base, type: 'user', uuid: `u4${n}`, message: { role: 'user', content: [{ type: 'tool_result', tool_use_id: `f${n}`, content: [{ type: 'text', text: '😀'.repeat(n) }, { type: 'text', text: 'tail ü' }] }] } })],
      [`prompt of ${n} characters`, J({ ...base, type: 'user', uuid: `up${n}`, message: { role: 'user', content: '\n\t' + 'naïve '.repeat(Math.ceil(n / 6)) + ' \u00a0 ' + 'Z'.repeat(n) } })],
    ]),
    // A secret straddling the kept length, running past what a too-short piece would decode: only
    // a window of the whole budget redacts it (else its start would be kept).
    ...[990, 995, 1020].map((at): [string, string] => [
      `a long token at ${at} characters of 2-byte text`,
      J({ ...base, type: 'user', uuid: `us${at}`, message: { role: 'user', content: [{ type: 'tool_result', tool_use_id: `s${at}`, content: 'é'.repeat(at) + ' ' + 'eyJ' + 'A'.repeat(1200) + '.' + 'B'.repeat(700) + '.' + 'C'.repeat(20) + ' end' }] } }),
    ]),
    ['a top-level type given twice', J({ ...base, type: 'progress' }).replace('}', ',"type":"user","uuid":"u9","message":{"role":"user","content":"hi"}}')],
  ];

  it.each(crafted)('equals the plain path: %s', (_name, line) => {
    expectSame([Buffer.from(line, 'utf8')]);
  });

  it('rejects invalid UTF-8 like the plain path', () => {
    const bad = Buffer.concat([Buffer.from('{"type":"progress","data":{"type":"bash_progress","output":"bad '), Buffer.from([0xc3, 0x28]), Buffer.from('"}}')]);
    expect(fast(bad)).toBe('malformed');
    expect(plain(bad)).toBe('malformed');
  });

  it('counts UTF-16 units and decodes strings from their bytes', () => {
    for (const s of ['', 'ascii', 'é', '→', '😀', 'a😀b→cé', '\u00a0', '项目'.repeat(50), 'a😀b→cé\n'.repeat(200)]) {
      const latin1 = Buffer.from(s, 'utf8').toString('latin1');
      expect(utf16Length(latin1)).toBe(s.length);
      expect(utf8Of(latin1)).toBe(s);
    }
  });

  it('utf16Length counts from the bytes what a UTF-8 decode gives, for long mixed texts too', () => {
    // Seeded mixes of ASCII runs and 2-, 3- and 4-byte characters, short and long (tool outputs).
    const pieces = ['a', 'text ', '\n', 'é', 'ß', '→', '项目', '😀', '\u00a0', '\t"\\', '𝄞x'];
    let seed = 7;
    const rnd = (n: number): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
    for (let k = 0; k < 300; k++) {
      let s = '';
      const parts = rnd(k < 100 ? 20 : 3000);
      for (let i = 0; i < parts; i++) s += pieces[rnd(pieces.length)]!.repeat(1 + rnd(k % 2 ? 3 : 80));
      const latin1 = Buffer.from(s, 'utf8').toString('latin1');
      expect(utf16Length(latin1)).toBe(Buffer.from(latin1, 'latin1').toString('utf8').length);
      expect(utf16Length(latin1)).toBe(s.length);
      // The count used for short strings and where Node has no ICU (no transcode()).
      expect(countUtf16(latin1)).toBe(s.length);
    }
  });
});

// utf8Deep decodes every string and key of a value parsed from a latin1 line; mapStringsInPlace maps
// every string value of one in place. Both walk without recursion (a tool input may nest deeply).
describe('deep string walks', () => {
  /** Random JSON text: objects (non-ASCII and __proto__ keys among them), arrays, strings, numbers. */
  function randomJson(rand: () => number, depth: number): string {
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
    const str = (): string => JSON.stringify(Array.from({ length: Math.floor(rand() * 6) }, () => pick(['a', 'é', '中', '😀', '\n', '"', ' ', 'ÿ'])).join(''));
    const r = rand();
    if (depth > 5 || r < 0.3) return pick([str(), String(Math.floor(rand() * 1000)), 'true', 'null']);
    const n = Math.floor(rand() * 5);
    if (r < 0.6) return `[${Array.from({ length: n }, () => randomJson(rand, depth + 1)).join(',')}]`;
    const key = (): string => pick([str(), '"__proto__"', '"k"', '"ключ"']);
    return `{${Array.from({ length: n }, () => `${key()}:${randomJson(rand, depth + 1)}`).join(',')}}`;
  }

  it('utf8Deep of the latin1 parse equals the UTF-8 parse, keys, order and duplicates included', () => {
    const rand = prng(91).next;
    for (let i = 0; i < 3000; i++) {
      const bytes = Buffer.from(randomJson(rand, 0));
      const want = JSON.parse(bytes.toString('utf8')) as unknown;
      const got = utf8Deep(JSON.parse(bytes.toString('latin1')));
      // JSON.stringify keeps key order; own __proto__ keys are kept as data properties by both.
      expect(JSON.stringify(got)).toBe(JSON.stringify(want));
      expect(got).toStrictEqual(want);
    }
  });

  it('mapStringsInPlace maps every string value as a JSON.parse reviver would, keys untouched', () => {
    const rand = prng(92).next;
    const f = (s: string): string => `<${s}>`;
    for (let i = 0; i < 3000; i++) {
      const text = randomJson(rand, 0);
      const want = JSON.parse(text, (_k, v: unknown) => (typeof v === 'string' ? f(v) : v)) as unknown;
      expect(mapStringsInPlace(JSON.parse(text), f)).toStrictEqual(want);
    }
  });

  it('a latin1 line whose tool input nests 100,000 levels keeps its events (the walk does not recurse)', () => {
    const depth = 100_000;
    const line = Buffer.from(
      `{"type":"assistant","sessionId":"s","cwd":"/tmp/é","timestamp":"2026-01-05T10:00:00.000Z","message":{"id":"m","model":"claude-x","usage":{"input_tokens":1},` +
        `"content":[{"type":"tool_use","id":"t","name":"Bash","input":${'{"é":'.repeat(depth)}"ü"${'}'.repeat(depth)}}]}}`,
    );
    const text = line.toString('latin1');
    const es: ModelEvent[] = [];
    expect(normalizeLine(JSON.parse(text), hints, 'k', es, true, false, false, text)).toBe(true);
    expect(es.map((e) => e.kind)).toEqual(['model_call', 'tool_use']);
    // Down the decoded keys to the decoded leaf, without recursion.
    let v = (es[1] as { input: unknown }).input as Record<string, unknown>;
    for (let d = 1; d < depth; d++) v = v['é'] as Record<string, unknown>;
    expect(v['é']).toBe('ü');
  });
});
