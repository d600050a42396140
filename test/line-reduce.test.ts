// The WebAssembly string scan (src/model/string-scan.wat, model/line-reduce.ts) must change nothing
// but speed. For every line — real transcripts, generated histories, hand-made edge cases, targeted
// and random corruptions of them — parseLine must accept exactly what JSON.parse accepts (same error
// message when not), its value with every placeholder resolved must deep-equal JSON.parse's, and
// the normalizer must give the same events from it in all three of its modes. The reference is
// always JSON.parse of the line's latin1 text (what the reader parsed before the scan).
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual, promisify } from 'node:util';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { compileStringScan } from '../scripts/build-wasm.js';
import { STRING_SCAN_WASM } from '../src/model/string-scan-wasm.js';
import { parseLine, placeholders, stringScanAvailable, wideEscapesPossible, type Placeholders } from '../src/model/line-reduce.js';
import { normalizeLine } from '../src/model/normalize.js';
import { lineEncoding } from '../src/model/line-text.js';
import type { ModelEvent } from '../src/model/events.js';
import { generateHistory } from './support/history-generator.js';
import { cliEnv, reportDiffs, requireBuiltCli, statsArgs } from './support/ccotel-cli.js';
import { prng } from './support/prng.js';
import { generatedLines as generatedHistoryLines, realLines } from './support/transcript-lines.js';
import { bigLines, fuzzMutation, handLines, stringSpans, targetedMutations } from './support/line-reduce-corpus.js';

const execFileAsync = promisify(execFile);
const hints = { sessionId: 'hint-session' };

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), 'ccotel-line-reduce-'));
  dirs.push(d);
  return d;
}

let generated: Buffer[] | undefined;
const generatedLines = (): Buffer[] => (generated ??= generatedHistoryLines(tmp));

type Outcome = { ok: true; value: unknown } | { ok: false; error: string };
const outcome = (f: () => unknown): Outcome => {
  try {
    return { ok: true, value: f() };
  } catch (err) {
    return { ok: false, error: `${(err as Error).constructor.name}: ${(err as Error).message}` };
  }
};

/** The value with every placeholder resolved (strings only: keys are never replaced, so they are compared as they are). */
function resolved(v: unknown, ph: Placeholders, count: { n: number }): unknown {
  if (typeof v === 'string') {
    if (v.charCodeAt(0) !== 0) return v;
    count.n++;
    return ph.text(v);
  }
  if (Array.isArray(v)) return v.map((x) => resolved(x, ph, count));
  if (typeof v === 'object' && v !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      Object.defineProperty(out, k, { value: resolved(x, ph, count), enumerable: true, writable: true, configurable: true });
    }
    return out;
  }
  return v;
}

/** A parsed line with what the reader passes normalizeLine beside it. */
interface Parsed {
  value: unknown;
  raw: string | undefined;
  ph: Placeholders | undefined;
}
/** The reader's path before the scan: JSON.parse of the latin1 text, given as raw for a latin1 line. */
const plainParse = (text: string, latin1: boolean) => (): Parsed => ({ value: JSON.parse(text), raw: latin1 ? text : undefined, ph: undefined });
/** The reader's path now: parseLine, its placeholders, and the text only when wide escapes are possible. */
const scanParse = (buf: Buffer, s: number, e: number, text: string, latin1: boolean) => (): Parsed => {
  const value = parseLine(buf, s, e);
  return { value, raw: latin1 && wideEscapesPossible() ? text : undefined, ph: placeholders() };
};

/**
 * normalizeLine's result in its three modes (default, text, ledger only), as the reader calls it,
 * each from a parse of its own (the placeholder path resolves a tool input in place: a value
 * normalized once would reach the other modes already resolved).
 */
function events(parse: () => Parsed, latin1: boolean): unknown[] {
  const out: unknown[] = [];
  for (const [text, lean] of [[false, false], [true, false], [false, true]]) {
    const es: ModelEvent[] = [];
    const p = parse();
    const ok = normalizeLine(p.value, hints, 'k@0', es, latin1, text, lean, p.raw, p.ph);
    out.push(ok, es);
  }
  return out;
}

interface Tally {
  lines: number;
  accepted: number;
  refused: number;
  /** Accepted lines parsed with placeholders. */
  reduced: number;
  placeholders: number;
  /** Accepted lines whose events were compared, and those of them with non-ASCII bytes. */
  normalized: number;
  latin1: number;
  diffs: string[];
}
const tally = (): Tally => ({ lines: 0, accepted: 0, refused: 0, reduced: 0, placeholders: 0, normalized: 0, latin1: 0, diffs: [] });

const show = (b: Buffer): string => JSON.stringify(b.toString('latin1').slice(0, 160));
const cut = (x: unknown): string => (JSON.stringify(x) ?? String(x)).slice(0, 300);

/**
 * Claims 1-3 for one line: parseLine (of the line inside a larger buffer, as the reader hands it)
 * accepts and refuses as JSON.parse does, with its message; resolved, its value is JSON.parse's;
 * normalizeLine gives the same events from both.
 */
function check(line: Buffer, t: Tally): void {
  t.lines++;
  const text = line.toString('latin1');
  const want = outcome(() => JSON.parse(text));
  // Bytes around the line in the caller's buffer: resolve() must read the line's own bytes only.
  const pre = Buffer.from('{"before":"\\"\\\\"}\n'.repeat(t.lines % 4));
  const buf = Buffer.concat([pre, line, Buffer.from('\n"\\"\\u0000""}]')]);
  const got = outcome(() => parseLine(buf, pre.length, pre.length + line.length));
  const ph = placeholders();
  if (want.ok !== got.ok || (!want.ok && !got.ok && want.error !== got.error)) {
    t.diffs.push(`${show(line)}\n  JSON.parse: ${want.ok ? 'accepts' : want.error}\n  parseLine:  ${got.ok ? 'accepts' : got.error}`);
    return;
  }
  if (!want.ok || !got.ok) {
    t.refused++;
    if (ph !== undefined) t.diffs.push(`${show(line)}\n  refused, yet placeholders() is defined`);
    return;
  }
  t.accepted++;
  const count = { n: 0 };
  const value = ph === undefined ? got.value : resolved(got.value, ph, count);
  if (ph !== undefined) t.reduced++;
  t.placeholders += count.n;
  if (!isDeepStrictEqual(value, want.value)) {
    t.diffs.push(`${show(line)}\n  JSON.parse: ${cut(want.value)}\n  parseLine:  ${cut(value)}`);
    return;
  }
  const encoding = lineEncoding(line, 0, line.length);
  // Not UTF-8: the reader counts the line as malformed before parsing it.
  if (encoding === null) return;
  const latin1 = encoding === 'bytes';
  t.normalized++;
  if (latin1) t.latin1++;
  const a = events(plainParse(text, latin1), latin1);
  const b = events(scanParse(buf, pre.length, pre.length + line.length, text, latin1), latin1);
  if (!isDeepStrictEqual(b, a)) t.diffs.push(`${show(line)}\n  events from JSON.parse: ${cut(a)}\n  events from parseLine:  ${cut(b)}`);
}

function checkAll(lines: Iterable<Buffer>): Tally {
  const t = tally();
  for (const l of lines) check(l, t);
  expect(t.diffs.slice(0, 5)).toEqual([]);
  return t;
}

describe('string scan line parser', () => {
  it('the committed module is the compiled string-scan.wat (npm run wasm after editing it)', async () => {
    expect(Buffer.from(await compileStringScan()).toString('base64')).toBe(STRING_SCAN_WASM);
  });

  it('is active in this test run (else the tests below would only see the JSON.parse fallback)', () => {
    expect(stringScanAvailable()).toBe(true);
    const line = Buffer.from(`{"a":"${'x'.repeat(100)}"}`);
    const v = parseLine(line, 0, line.length) as { a: string };
    expect(v.a).toBe('\u00000');
    expect(placeholders()!.text(v.a)).toBe('x'.repeat(100));
  });

  // MIN_STRING in line-reduce.ts: 65 bytes, quotes included (a string that fits in one 64-byte step stays).
  it('replaces values from 65 bytes (quotes included) only, never keys', () => {
    for (const n of [63, 64, 65, 66]) {
      const s = 'y'.repeat(n - 2);
      const line = Buffer.from(`{"${s}":"${s}","k":"${s}"}`);
      const v = parseLine(line, 0, line.length) as Record<string, string>;
      const ph = placeholders();
      expect(ph === undefined).toBe(n < 65);
      expect(Object.keys(v)).toEqual([s, 'k']);
      if (ph) expect([ph.text(v[s]!), ph.text(v.k!)]).toEqual([s, s]);
      else expect(v).toEqual(JSON.parse(line.toString()));
    }
  });

  it('equals JSON.parse on every line of the real transcripts', () => {
    const t = checkAll(realLines());
    expect(t.accepted).toBe(t.lines);
    // Most real lines with a message hold a long string; non-ASCII lines take the latin1 path.
    expect(t.reduced).toBeGreaterThan(500);
    expect(t.latin1).toBeGreaterThan(100);
  });

  it('equals JSON.parse on generated histories of both shapes, faults included', () => {
    const t = checkAll(generatedLines());
    expect(t.reduced).toBeGreaterThan(100);
    expect(t.refused).toBeGreaterThan(0);
    expect(t.latin1).toBeGreaterThan(0);
  });

  it('equals JSON.parse on hand-made lines: every depth, keys, escapes, 64-byte steps, 64/65/66 bytes, > 8192 strings', () => {
    const lines = handLines();
    const t = checkAll(lines);
    expect(t.accepted).toBe(t.lines);
    expect(t.latin1).toBeGreaterThan(10);
    // The 9000-string line: exactly the span table's 8192 become placeholders, the rest stay strings.
    const many = lines.find((l) => l.toString('latin1', 0, 8) === '["s0-s0-')!;
    const v = parseLine(many, 0, many.length) as string[];
    const ph = placeholders()!;
    expect(v.filter((s) => s.charCodeAt(0) === 0)).toHaveLength(8192);
    expect(v.map((s) => (s.charCodeAt(0) === 0 ? ph.text(s) : s))).toEqual(JSON.parse(many.toString('latin1')));
  });

  it('equals JSON.parse on lines of 4 MiB and more (parsed whole above 4 MiB), and on short lines after them', () => {
    const big = bigLines();
    const t = tally();
    for (const l of big) {
      check(l, t);
      // Stale bytes of the big line stay in the scan's memory past a short line's end.
      for (const s of handLines().slice(0, 40)) check(s, t);
    }
    expect(t.diffs.slice(0, 5)).toEqual([]);
    expect(t.accepted).toBe(t.lines);
    expect(big.map((l) => l.length)).toEqual([4 << 20, (4 << 20) + 1, 5 << 20]);
    parseLine(big[0]!, 0, big[0]!.length);
    expect(placeholders()).toBeDefined();
    parseLine(big[1]!, 0, big[1]!.length);
    expect(placeholders()).toBeUndefined();
  });

  /** Lines to corrupt: real, generated and hand-made lines of moderate size holding long strings. */
  function baseLines(): Buffer[] {
    const pick = (ls: Buffer[], n: number): Buffer[] => {
      const ok = ls.filter((l) => l.length < 30_000 && stringSpans(l).some(([a, b]) => b - a >= 64) && outcome(() => JSON.parse(l.toString('latin1'))).ok);
      return Array.from({ length: Math.min(n, ok.length) }, (_, i) => ok[Math.floor((i * ok.length) / n)]!);
    };
    return [...pick(realLines(), 30), ...pick(generatedLines(), 20), ...pick(handLines(), 40)];
  }

  it('refuses what JSON.parse refuses, with its message, for lines corrupted inside long strings and between tokens', () => {
    const bases = baseLines();
    const t = tally();
    for (const base of bases) {
      // The valid line first: its bytes past the corrupted copies' ends stay in the scan's memory.
      check(base, t);
      for (const m of targetedMutations(base)) check(m, t);
    }
    expect(t.diffs.slice(0, 5)).toEqual([]);
    expect(t.refused).toBeGreaterThan(5000);
    // Some corruptions leave valid JSON (a \u0000 escape, a tab escaped...): those compare their values and events.
    expect(t.accepted).toBeGreaterThan(500);
  });

  it('refuses and accepts as JSON.parse does under 20000 random byte mutations (seeded)', () => {
    const r = prng(20261126);
    const bases = baseLines();
    const t = tally();
    for (let i = 0; i < 20_000; i++) {
      const base = r.pick(bases);
      if (i % 8 === 0) check(base, t);
      check(fuzzMutation(base, r), t);
    }
    expect(t.diffs.slice(0, 5)).toEqual([]);
    expect(t.refused).toBeGreaterThan(5000);
    expect(t.accepted).toBeGreaterThan(5000);
  });

  // With placeholders, normalize.ts resolves a tool_use input's strings (in place in an ASCII line,
  // through utf8Deep in a latin1 one). When that copy recursed, an ASCII line whose input nests some
  // thousands of levels overflowed the stack and was counted as malformed, while the JSON.parse
  // path kept it.
  it('gives the same events for a tool input nested 100000 levels deep', () => {
    const depth = 100_000;
    const input = '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
    const line = Buffer.from(
      `{"type":"assistant","sessionId":"s","timestamp":"2026-01-05T10:00:00.000Z","message":{"id":"m","model":"claude-x","usage":{"input_tokens":1},` +
        `"content":[{"type":"text","text":"${'x'.repeat(100)}"},{"type":"tool_use","id":"t","name":"Bash","input":${input}}]}}`,
    );
    const a = events(plainParse(line.toString('latin1'), false), false);
    parseLine(line, 0, line.length);
    expect(placeholders()).toBeDefined();
    const b = events(scanParse(line, 0, line.length, line.toString('latin1'), false), false);
    // Compared shallowly: a deep compare of the inputs would overflow the stack itself.
    const kinds = (x: unknown[]) => x.map((r) => (Array.isArray(r) ? (r as ModelEvent[]).map((e) => e.kind).join() : r));
    expect(kinds(a)).toEqual([true, 'model_call,tool_use', true, 'model_call,tool_use,assistant_text', true, 'model_call,tool_use']);
    expect(kinds(b)).toEqual(kinds(a));
  });

  it('with CCOTEL_WASM=0 parses every line whole, with no placeholders', async () => {
    const prev = process.env.CCOTEL_WASM;
    const lines = [...handLines().slice(0, 200), ...realLines().slice(0, 200), ...targetedMutations(handLines()[0]!)];
    try {
      process.env.CCOTEL_WASM = '0';
      vi.resetModules();
      const pure = await import('../src/model/line-reduce.js');
      expect(pure.stringScanAvailable()).toBe(false);
      const diffs: string[] = [];
      for (const l of lines) {
        const want = outcome(() => JSON.parse(l.toString('latin1')));
        const got = outcome(() => pure.parseLine(l, 0, l.length));
        if (!isDeepStrictEqual(got, want) || pure.placeholders() !== undefined) diffs.push(show(l));
      }
      expect(diffs.slice(0, 5)).toEqual([]);
      // A fresh instance without the variable scans again: the variable is what turned it off.
      delete process.env.CCOTEL_WASM;
      vi.resetModules();
      const scanning = await import('../src/model/line-reduce.js');
      expect(scanning.stringScanAvailable()).toBe(true);
    } finally {
      if (prev === undefined) delete process.env.CCOTEL_WASM;
      else process.env.CCOTEL_WASM = prev;
      vi.resetModules();
    }
  });

  it('stats --json of the built CLI is the same with CCOTEL_WASM=0 and by default, and matches the generator', async () => {
    requireBuiltCli();
    const d = tmp();
    const root = join(d, 'claude');
    const exp = generateHistory(root, { sessions: 8, seed: 5, faults: true, shape: 'heavy', dropSubagentFiles: 0.3 });
    expect(exp.input.malformedLines).toBeGreaterThan(0);
    const run = async (env: NodeJS.ProcessEnv, state: string) =>
      (await execFileAsync(process.execPath, statsArgs(root, join(d, state)), { maxBuffer: 256 << 20, env: { ...cliEnv(), ...env } })).stdout;
    const pure = await run({ CCOTEL_WASM: '0' }, 'state-pure');
    const scanned = await run({ CCOTEL_WASM: '' }, 'state-scan');
    expect(scanned).toBe(pure);
    expect(reportDiffs(JSON.parse(scanned), exp)).toEqual([]);
  });
});

// A placeholder's length is counted from its bytes (units), and the sessions index decodes only a
// start of a long string (start): both must give what decoding the whole string gives.
describe('placeholders read without decoding the whole string', () => {
  // Pieces a long string is made of: plain text, whitespace, UTF-8 of every length, every escape,
  // narrow and wide \u escapes, surrogate pairs and lone surrogates, runs of backslashes.
  const ASCII_PIECES = ['abc', ' ', '   ', '\\n', '\\"', '\\\\', '\\/', '\\t', '\\u0041', '\\u00e9', '\\ud83d\\ude00', '\\uD800', '\\\\\\\\', 'x'.repeat(60)];
  const UTF8_PIECES = ['é', '中', '😀', 'Ω'.repeat(30)];
  const NARROW = (p: string): boolean => !/\\u(?!00[0-7])/.test(p);

  /** A JSON string token's content of about `bytes` bytes, from `pieces`, seeded. */
  function content(rand: () => number, pieces: readonly string[], bytes: number): string {
    let out = '';
    while (Buffer.byteLength(out) < bytes) out += pieces[Math.floor(rand() * pieces.length)]!;
    return out;
  }

  /** A tool_result line whose output is `body` (JSON string content), and the events both paths give. */
  function toolResult(body: string, lead = ''): Buffer {
    return Buffer.from(
      `{"type":"user","sessionId":"s","timestamp":"2026-01-05T10:00:00.000Z","message":{"role":"user","content":[{"type":"tool_result","tool_use_id":"t1","content":"${lead}${body}"}]}}`,
    );
  }
  function prompt(body: string): Buffer {
    return Buffer.from(`{"type":"user","sessionId":"s","timestamp":"2026-01-05T10:00:00.000Z","uuid":"u","message":{"role":"user","content":"${body}"}}`);
  }

  /** Events of the line through the JSON.parse path and through parseLine, as the reader calls them. */
  function both(line: Buffer): [unknown[], unknown[]] {
    const text = line.toString('latin1');
    const latin1 = lineEncoding(line, 0, line.length) === 'bytes';
    const a = events(plainParse(text, latin1), latin1);
    parseLine(line, 0, line.length);
    expect(placeholders()).toBeDefined();
    const b = events(scanParse(line, 0, line.length, text, latin1), latin1);
    return [a, b];
  }

  it('units() equals the length of the decoded string, across 64-byte steps', () => {
    const rand = prng(71).next;
    for (let i = 0; i < 1500; i++) {
      const pieces = i % 2 ? [...ASCII_PIECES, ...UTF8_PIECES].filter(NARROW) : ASCII_PIECES;
      const body = content(rand, pieces, 65 + Math.floor(rand() * 400));
      const line = Buffer.from(`{"k":"${body}"}`);
      const v = parseLine(line, 0, line.length) as { k: string };
      const ph = placeholders()!;
      // The UTF-16 length of the UTF-8 decode, as .length of JSON.parse's string gives it.
      expect(ph.units(v.k)).toBe((JSON.parse(line.toString('utf8')) as { k: string }).k.length);
    }
  });

  it('start() gives the whole string or a start of it at least as long as asked', () => {
    const rand = prng(72).next;
    for (let i = 0; i < 400; i++) {
      const body = content(rand, i % 2 ? [...ASCII_PIECES, ...UTF8_PIECES] : ASCII_PIECES, 2000 + Math.floor(rand() * 30000));
      const line = Buffer.from(`{"k":"${body}"}`);
      const v = parseLine(line, 0, line.length) as { k: string };
      const whole = (JSON.parse(line.toString('latin1')) as { k: string }).k;
      const atLeast = 500 + Math.floor(rand() * 8000);
      const got = placeholders()!.start(v.k, atLeast);
      expect(got === whole || (got.length >= atLeast && whole.startsWith(got))).toBe(true);
    }
    // Six bytes a character: the byte budget (two a character) decodes too few, so more is read.
    for (const esc of ['\\u0041', '\\u00e9', '\\ud83d\\ude00']) {
      const line = Buffer.from(`{"k":"${esc.repeat(4000)}"}`);
      const v = parseLine(line, 0, line.length) as { k: string };
      const got = placeholders()!.start(v.k, 3000);
      expect(got.length).toBeGreaterThanOrEqual(3000);
      expect((JSON.parse(line.toString('latin1')) as { k: string }).k.startsWith(got)).toBe(true);
    }
  });

  it('gives the events of the JSON.parse path for long tool outputs and prompts', () => {
    const rand = prng(73).next;
    const diffs: string[] = [];
    for (let i = 0; i < 240; i++) {
      const utf8 = i % 3 === 1;
      const pieces = utf8 ? [...ASCII_PIECES, ...UTF8_PIECES] : ASCII_PIECES;
      // Around and far past the start budgets: keep is 1000 + 2048 characters for a tool output.
      const body = content(rand, i % 4 === 0 ? pieces.filter(NARROW) : pieces, [100, 3000, 6100, 12200, 24400, 60000][i % 6]! + Math.floor(rand() * 200));
      // Whitespace in front of and through the budget: the trimmed start falls short of keep.
      const lead = i % 5 === 0 ? ' '.repeat(Math.floor(rand() * 14000)) : '';
      for (const line of [toolResult(body, lead), prompt(lead + body)]) {
        const [a, b] = both(line);
        if (!isDeepStrictEqual(b, a)) diffs.push(`${show(line)}\n  ${cut(a)}\n  ${cut(b)}`);
      }
    }
    expect(diffs.slice(0, 3)).toEqual([]);
  });

  it('cuts a start before an escape it would split, at every offset', () => {
    // The budget is 2 bytes per character asked: for a tool output in a plain line, 6096 characters
    // of 12192 bytes. An escape placed at each offset around that cut.
    const diffs: string[] = [];
    for (const esc of ['\\n', '\\\\', '\\"', '\\u0041', '\\ud83d\\ude00', '\\\\\\n']) {
      for (let at = 12192 - 14; at <= 12192 + 2; at++) {
        const body = 'a'.repeat(at - 1) + esc + 'b'.repeat(9000);
        const [a, b] = both(toolResult(body));
        if (!isDeepStrictEqual(b, a)) diffs.push(`${esc} at ${at}`);
      }
    }
    expect(diffs).toEqual([]);
  });
});
