// The line extractor (src/model/line-extract.c, model/line-extract.ts) must change nothing but
// speed: for every line, its events equal those normalizeLine gives for JSON.parse of the line's
// latin1 text (what the reader did before it), in the default, the ledger-only and the text mode, compared
// strictly (property order and undefined-valued properties counted), or it gives up and adds
// nothing. A line JSON.parse refuses never yields events. The reference is always normalizeLine of
// JSON.parse's whole value.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { clangAvailable, compileLineExtract } from '../scripts/build-wasm.js';
import { LINE_EXTRACT_WASM } from '../src/model/line-extract-wasm.js';
import { extractCounts, extractEvents, lineExtractAvailable } from '../src/model/line-extract.js';
import { COMPARED_LITERALS } from '../src/model/compared-literals.js';
import { normalizeLine, TEXT_KEEP } from '../src/model/normalize.js';
import { REDACT_MARGIN } from '../src/detection/redact.js';
import { lineEncoding } from '../src/model/line-text.js';
import type { ModelEvent } from '../src/model/events.js';
import { generateHistory, listJsonl } from './support/history-generator.js';
import { prng } from './support/prng.js';
import { generatedLines as generatedHistoryLines, realLines } from './support/transcript-lines.js';
import { strictDiff } from './support/strict-diff.js';
import { readAllSlices, readerModules, READER_MODES } from './support/reader-slices.js';
import { bigLines, fuzzMutation, handLines, targetedMutations } from './support/line-reduce-corpus.js';

const hints = { sessionId: 'hint-session', agentId: 'hint-agent' };

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

let generated: Buffer[] | undefined;
const generatedLines = (): Buffer[] =>
  (generated ??= generatedHistoryLines(() => {
    const d = mkdtempSync(join(tmpdir(), 'ccotel-line-extract-'));
    dirs.push(d);
    return d;
  }));
const diff = strictDiff;


interface Tally {
  lines: number;
  /** Lines that are UTF-8 (the reader refuses others before parsing). */
  utf8: number;
  /** Lines JSON.parse accepts (and valid UTF-8: the reader refuses others before parsing). */
  valid: number;
  /** Valid lines the extractor read (per mode), and those it gave up on. */
  extracted: number;
  gaveUp: number;
  events: number;
  /** Events with text for the sessions index (text mode, JSON.parse path). */
  texts: number;
  diffs: string[];
}
const tally = (): Tally => ({ lines: 0, utf8: 0, valid: 0, extracted: 0, gaveUp: 0, events: 0, texts: 0, diffs: [] });
const show = (b: Buffer): string => JSON.stringify(b.toString('latin1').slice(0, 200));

// The reader's three modes: ledger only (`stats`), default, and text (the sessions index: `backfill`, `run`).
const MODES = [
  ['full', false, false],
  ['ledger', true, false],
  ['text', false, true],
] as const;

/** One line through both paths, in each mode. */
function check(line: Buffer, t: Tally): void {
  t.lines++;
  // The reader refuses a line that is not UTF-8: the extractor says so (null) or gives up (the
  // reader's own check then refuses it), never reads it.
  const encoding = lineEncoding(line, 0, line.length);
  if (encoding !== null) t.utf8++;
  const latin1 = encoding === 'bytes';
  const text = line.toString('latin1');
  let value: unknown;
  let valid = true;
  try {
    value = JSON.parse(text);
  } catch {
    valid = false;
  }
  if (valid && encoding !== null) t.valid++;
  // Bytes around the line in the caller's buffer: only the line's own are read.
  const pre = Buffer.from('{"type":"user","x":"\\u0000"}\n'.repeat(t.lines % 3));
  const buf = Buffer.concat([pre, line, Buffer.from('\n"}]\\"\\u')]);
  for (const [mode, lean, withText] of MODES) {
    const got: ModelEvent[] = [];
    const ok = extractEvents(buf, pre.length, pre.length + line.length, hints, 'k@0', got, lean, withText);
    if (encoding === null) {
      if (ok !== null && ok !== undefined) t.diffs.push(`${show(line)}\n  not UTF-8, the extractor read it (${ok})`);
      if (got.length > 0) t.diffs.push(`${show(line)}\n  not UTF-8, the extractor added events`);
      continue;
    }
    if (ok === null) {
      t.diffs.push(`${show(line)}\n  valid UTF-8, the extractor refused it as not UTF-8`);
      continue;
    }
    if (ok === undefined) {
      if (got.length > 0) t.diffs.push(`${show(line)}\n  gave up after adding events`);
      if (valid) t.gaveUp++;
      continue;
    }
    if (!valid) {
      t.diffs.push(`${show(line)}\n  JSON.parse refuses it, the extractor read it (${ok}, ${got.length} events)`);
      continue;
    }
    t.extracted++;
    const want: ModelEvent[] = [];
    // The reader's path without the extractor: JSON.parse of the latin1 text, the text given as raw.
    const wantOk = normalizeLine(JSON.parse(text), hints, 'k@0', want, latin1, withText, lean, latin1 ? text : undefined);
    t.events += want.length;
    if (withText) t.texts += want.filter((ev) => typeof (ev as { text?: unknown }).text === 'string').length;
    const d = ok !== wantOk ? `normalizeLine ${wantOk}, extractor ${ok}` : diff(got, want);
    if (d) t.diffs.push(`${show(line)}\n  ${mode}: ${d}`);
  }
}

function checkAll(lines: Iterable<Buffer>): Tally {
  const t = tally();
  for (const l of lines) check(l, t);
  expect(t.diffs.slice(0, 5)).toEqual([]);
  if (process.env.CCOTEL_EXTRACT_TALLY) console.log(JSON.stringify({ ...t, diffs: t.diffs.length }));
  return t;
}

/** A JSON text of a value with `ws` between every token (JSON.stringify cannot put it everywhere). */
function ser(v: unknown, ws = ''): string {
  if (Array.isArray(v)) return `[${ws}${v.map((x) => ser(x, ws)).join(`${ws},${ws}`)}${ws}]`;
  if (typeof v === 'object' && v !== null) return `{${ws}${Object.entries(v).map(([k, x]) => `${JSON.stringify(k)}${ws}:${ws}${ser(x, ws)}`).join(`${ws},${ws}`)}${ws}}`;
  return JSON.stringify(v);
}

const TS = '2026-01-05T10:00:00.000Z';
const USAGE = {
  input_tokens: 3,
  cache_creation_input_tokens: 70,
  cache_read_input_tokens: 11,
  cache_creation: { ephemeral_5m_input_tokens: 30, ephemeral_1h_input_tokens: 40 },
  output_tokens: 5,
  speed: 'fast',
};
/** Transcript records with every path the normalizer reads present (inputs to the edits below). */
function records(): Record<string, unknown>[] {
  const base = { parentUuid: null, isSidechain: true, agentId: 'a1', cwd: '/home/u/p', sessionId: 'S', version: '2.1.3', gitBranch: 'main', timestamp: TS, uuid: 'u1' };
  return [
    {
      ...base,
      type: 'assistant',
      requestId: 'req_1',
      isApiErrorMessage: false,
      message: {
        id: 'msg_1',
        model: 'claude-sonnet-4-5',
        stop_reason: 'tool_use',
        usage: USAGE,
        content: [
          { type: 'thinking', thinking: 'hmm', signature: 'sig' },
          { type: 'text', text: 'answer' },
          { type: 'tool_use', id: 'toolu_1', name: 'Bash', input: { command: 'ls', n: [1, { a: 'b' }] } },
        ],
      },
    },
    { ...base, type: 'assistant', isApiErrorMessage: true, message: { id: 'msg_e', model: '<synthetic>', usage: USAGE, content: [{ type: 'text', text: ' API Error\nmore' }] } },
    {
      ...base,
      type: 'user',
      toolUseResult: { agentId: 'ag-9' },
      message: {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'toolu_1', content: 'output text' },
          { type: 'tool_result', tool_use_id: 'toolu_2', is_error: true, content: [{ type: 'text', text: '\n error line\nmore' }, { type: 'x', content: [{ text: 'deep' }] }] },
        ],
      },
    },
    { ...base, type: 'user', isMeta: false, isCompactSummary: false, message: { role: 'user', content: 'a prompt' } },
    { ...base, type: 'user', message: { role: 'user', content: [{ type: 'text', text: 'block prompt' }, { type: 'x', content: 'c' }, { content: [{ text: 'n' }] }] } },
    { ...base, type: 'system', subtype: 'compact_boundary', compactMetadata: { trigger: 'auto', preTokens: 1000 } },
    { ...base, type: 'system', subtype: 'turn_duration', durationMs: 1234 },
    {
      ...base,
      type: 'progress',
      parentToolUseID: 'toolu_p',
      data: {
        type: 'agent_progress',
        agentId: 'agent-p',
        message: {
          timestamp: TS,
          requestId: 'req_p',
          isApiErrorMessage: false,
          message: { id: 'msg_p', model: 'claude-haiku-4-5', stop_reason: 'end_turn', usage: USAGE, content: [{ type: 'text', text: 'x' }] },
        },
      },
    },
  ];
}

// Values put at each path: every JSON type, numbers num() takes or refuses, escapes, long strings,
// and the strings the normalizer compares with.
const ALT = [
  '"x"', '""', '0', '7', '-3', '1.5', '1e2', '-0', '1E400', '123456789012345678901', '9007199254740993', '0.1e-5', 'true', 'false', 'null', '{}', '[]',
  '{"a":[1,{"b":"c"}],"text":"t"}', '["x",{"text":"t"},[{"content":"c"}]]', '"\\u0041\\u00e9\\ud83d\\ude00\\n"', `"${'L'.repeat(100)}"`, `"${'\\t'.repeat(40)}é"`,
  '"tool_use"', '"tool_result"', '"text"', '"fast"', '"<synthetic>"', `"${TS}"`, '"compact_boundary"', '"agent_progress"', '"progress"', '"assistant"', '"user"',
];

/** Every [path of an object, key] of a value (array elements by index). */
function memberPaths(v: unknown, at: Array<string | number> = [], out: Array<[Array<string | number>, string]> = []): Array<[Array<string | number>, string]> {
  if (Array.isArray(v)) v.forEach((x, i) => memberPaths(x, [...at, i], out));
  else if (typeof v === 'object' && v !== null) {
    for (const [k, x] of Object.entries(v)) {
      out.push([at, k]);
      if (k !== 'input') memberPaths(x, [...at, k], out);
    }
  }
  return out;
}

/** The record's text with the member `key` of the object at `path` edited: its value replaced, or a duplicate put before or after it. */
function edited(rec: unknown, path: Array<string | number>, key: string, alt: string, how: 'replace' | 'before' | 'after'): string {
  const walk = (v: unknown, depth: number): string => {
    if (Array.isArray(v)) return `[${v.map((x, i) => (depth < path.length && path[depth] === i ? walk(x, depth + 1) : ser(x))).join(',')}]`;
    if (typeof v !== 'object' || v === null) return JSON.stringify(v);
    const here = depth === path.length;
    const members = Object.entries(v).map(([k, x]) => {
      const own = `${JSON.stringify(k)}:${depth < path.length && path[depth] === k ? walk(x, depth + 1) : ser(x)}`;
      if (!here || k !== key) return own;
      const dup = `${JSON.stringify(k)}:${alt}`;
      return how === 'replace' ? dup : how === 'before' ? `${dup},${own}` : `${own},${dup}`;
    });
    return `{${members.join(',')}}`;
  };
  return walk(rec, 0);
}

function editedLines(): Buffer[] {
  const out: string[] = [];
  for (const rec of records()) {
    out.push(ser(rec), ser(rec, ' \t\r\n '));
    for (const [path, key] of memberPaths(rec)) for (const alt of ALT) for (const how of ['replace', 'before', 'after'] as const) out.push(edited(rec, path, key, alt, how));
  }
  return out.map((s) => Buffer.from(s));
}

describe('line extractor', () => {
  it("names the normalizer's compared literals by the numbers line-extract.ts gives them", () => {
    // The C module returns a literal's number (1 on); line-extract.ts turns it back into the string.
    const c = readFileSync(new URL('../src/model/line-extract.c', import.meta.url), 'utf8');
    const list = /static const char \*const literals\[\] = \{([^}]*)\}/.exec(c)?.[1];
    expect(list, 'literals[] in line-extract.c').toBeDefined();
    expect([...list!.matchAll(/"([^"]*)"/g)].map((m) => m[1])).toEqual([...COMPARED_LITERALS]);
  });

  it.skipIf(!clangAvailable())('the committed module is the compiled line-extract.c (npm run wasm after editing it)', () => {
    expect(Buffer.from(compileLineExtract()).toString('base64')).toBe(LINE_EXTRACT_WASM);
  });

  it('is active in this test run (else every line below would be a give-up)', () => {
    expect(lineExtractAvailable()).toBe(true);
    const line = Buffer.from(`{"type":"user","sessionId":"s","timestamp":"${TS}","uuid":"u","message":{"content":"hello"}}`);
    const out: ModelEvent[] = [];
    expect(extractEvents(line, 0, line.length, hints, 'k', out, true)).toBe(true);
    expect(out).toEqual([{ kind: 'prompt', ctx: { sessionId: 's', cwd: '' }, ts: Date.parse(TS), uuid: 'u', chars: 5 }]);
  });

  it('gives the events of JSON.parse on every real transcript line, giving up on few', () => {
    const t = checkAll(realLines());
    expect(t.valid).toBe(t.lines);
    expect(t.events).toBeGreaterThan(1000);
    // Prompts, answers and tool outputs kept for the sessions index, compared in text mode.
    expect(t.texts).toBeGreaterThan(200);
    expect(t.gaveUp).toBeLessThan(t.extracted / 100);
  });

  it('gives the events of JSON.parse on generated histories of both shapes, faults included, giving up on few', () => {
    const t = checkAll(generatedLines());
    expect(t.valid).toBeLessThan(t.lines);
    expect(t.texts).toBeGreaterThan(300);
    expect(t.gaveUp).toBeLessThan(t.extracted / 100);
  });

  it('gives the events of JSON.parse with every value at every path replaced or duplicated (the last duplicate wins)', () => {
    const lines = editedLines();
    const t = checkAll(lines);
    expect(t.lines).toBeGreaterThan(10_000);
    expect(t.valid).toBe(t.lines);
    // ASCII lines, shallow, no key spelled with an escape, no \u0000: none is given up on.
    expect(t.gaveUp).toBe(0);
  });

  it('skips progress and snapshot lines only where JSON.parse\'s value yields nothing: types spelled with escapes, duplicated, or of another kind', () => {
    // A line the extractor deems to yield nothing gets no skeleton (line-extract.ts yieldsNothing):
    // each variant below must still give JSON.parse's events, agent_progress copies among them.
    const yields = (l: Buffer): number => {
      const out: ModelEvent[] = [];
      normalizeLine(JSON.parse(l.toString('latin1')), hints, 'k', out);
      return out.length;
    };
    const agent = generatedLines().find((l) => l.includes('"type":"agent_progress"') && l.includes('"type":"progress"') && yields(l) > 0)!.toString('latin1');
    const hook = generatedLines().find((l) => l.includes('"type":"hook_progress"'))!.toString('latin1');
    const data = agent.slice(agent.indexOf('"data":') + 7);
    // A prompt line with a hook's data: a type spelled with an escape is not taken for progress.
    const prompt = generatedLines().find((l) => l.includes('"type":"user"') && !l.includes('"data":') && yields(l) > 0)!.toString('latin1');
    const variants = [
      agent,
      agent.replace('"type":"agent_progress"', '"type":"agent\\u005fprogress"'),
      agent.replace('"type":"agent_progress"', '"type":"hook_progress","type":"agent_progress"'),
      agent.replace('"type":"agent_progress"', '"type":"agent_progress","type":"hook_progress"'),
      agent.replace('"type":"agent_progress"', '"type":["agent_progress"]'),
      agent.replace('"data":', '"data":{"type":"hook_progress"},"data":'),
      agent.replace('"data":', '"data":null,"data":'),
      agent.replace('"type":"progress"', '"type":"progr\\u0065ss"'),
      agent.replace('"type":"progress"', '"type":"file-history-snapshot","type":"progress"'),
      agent.replace('"type":"progress"', '"type":"progress","type":"summary"'),
      hook,
      hook.replace('"type":"hook_progress"', '"type":"agent\\u005fprogress"'),
      hook.replace(/}$/, `,"data":${data}`),
      hook.replace('"type":"progress"', '"type":"queue-operation"'),
      hook.replace('"type":"progress"', '"type":"queue\\u002doperation"'),
      prompt.replace('"type":"user"', '"type":"\\u0075ser"').replace(/}$/, ',"data":{"type":"hook_progress"}}'),
    ].map((l) => Buffer.from(l, 'latin1'));
    const t = checkAll(variants);
    expect(t.valid).toBe(variants.length);
    expect(t.gaveUp).toBe(0);
    // The agent_progress copies among them were counted, not skipped.
    expect(t.events).toBeGreaterThanOrEqual(7 * MODES.length);
  });

  it('gives the events of JSON.parse on the string scan\'s hand-made lines (escapes, non-ASCII, 64-byte steps)', () => {
    const t = checkAll(handLines());
    expect(t.valid).toBe(t.utf8);
    expect(t.extracted).toBeGreaterThan(t.utf8);
  });

  it('gives the events of JSON.parse for content nested at every depth, and gives up past its limit', () => {
    const lines: Buffer[] = [];
    for (let d = 1; d <= 70; d++) {
      let content: unknown = [{ type: 'text', text: `depth ${d} é` }];
      for (let i = 0; i < d; i++) content = [{ type: 'x', content }, { text: 'side' }];
      lines.push(Buffer.from(JSON.stringify({ type: 'user', sessionId: 's', timestamp: TS, uuid: 'u', message: { content } })));
      const result = { type: 'tool_result', tool_use_id: 't', is_error: true, content };
      lines.push(Buffer.from(JSON.stringify({ type: 'user', sessionId: 's', timestamp: TS, message: { content: [result] } })));
    }
    const t = checkAll(lines);
    expect(t.extracted).toBeGreaterThan(80);
    expect(t.gaveUp).toBeGreaterThan(0);
  });

  /** Valid lines of moderate size to corrupt. */
  function baseLines(): Buffer[] {
    const ok = (l: Buffer): boolean => {
      try {
        JSON.parse(l.toString('latin1'));
        return l.length < 30_000;
      } catch {
        return false;
      }
    };
    const pick = (ls: Buffer[], n: number): Buffer[] => {
      const good = ls.filter(ok);
      return Array.from({ length: Math.min(n, good.length) }, (_, i) => good[Math.floor((i * good.length) / n)]!);
    };
    return [...pick(realLines(), 40), ...pick(generatedLines(), 30), ...pick(editedLines(), 30)];
  }

  it('never reads a line JSON.parse refuses: targeted corruptions of strings, numbers and structure', () => {
    const t = tally();
    for (const base of baseLines()) {
      check(base, t);
      for (const m of targetedMutations(base)) check(m, t);
    }
    expect(t.diffs.slice(0, 5)).toEqual([]);
    expect(t.lines - t.valid).toBeGreaterThan(5000);
  });

  it('never reads a line JSON.parse refuses, and agrees on those it accepts, under 20000 random byte mutations (seeded)', () => {
    const r = prng(20261127);
    const bases = baseLines();
    const t = tally();
    for (let i = 0; i < 20_000; i++) {
      const base = r.pick(bases);
      check(fuzzMutation(base, r), t);
    }
    expect(t.diffs.slice(0, 5)).toEqual([]);
    expect(t.lines - t.valid).toBeGreaterThan(5000);
    expect(t.extracted).toBeGreaterThan(5000);
  });

  it('gives up on every structural and lexical error JSON.parse refuses, where keys are read and where they are not', () => {
    const bad = [
      '{"a":1 "b":2}', '{"a" 1}', '{"a":1,}', '{"a":1,,"b":2}', '{,"a":1}', '{"a":}', '{"a"::1}', '{"a":1}}', '{"a":1', '{"a":[1,2}', '{"a":[1 2]}', '{"a":[1,]}',
      '{"a":[,1]}', '{a:1}', "{'a':1}", '{"a":tru}', '{"a":True}', '{"a":nul}', '{"a":+1}', '{"a":.5}', '{"a":1.}', '{"a":1e}', '{"a":1e+}', '{"a":-}', '{"a":01}',
      '{"a":-01}', '{"a":0x1}', '{"a":NaN}', '{"a":Infinity}', '{"a":"\\x"}', '{"a":"\\u12"}', '{"a":"\\u12G4"}', '{"a":"\t"}', '{"a":"x}', '{"a":1}x', '{"a":1} {}', '[1]]',
    ];
    const lines: Buffer[] = [];
    for (const b of bad) {
      // At the root (keys read), inside message.usage (keys read) and inside a tool input (keys not read).
      lines.push(Buffer.from(`{"type":"user","sessionId":"s","timestamp":"${TS}","x":${b}}`));
      lines.push(Buffer.from(`{"type":"assistant","sessionId":"s","timestamp":"${TS}","message":{"id":"m","usage":${b}}}`));
      const tool = `{"type":"tool_use","id":"t","name":"n","input":${b}}`;
      lines.push(Buffer.from(`{"type":"assistant","sessionId":"s","timestamp":"${TS}","message":{"id":"m","usage":{},"content":[${tool}]}}`));
      lines.push(Buffer.from(b));
    }
    for (const l of lines) {
      expect(() => JSON.parse(l.toString('latin1')), l.toString()).toThrow();
      expect(extractEvents(l, 0, l.length, hints, 'k', [], true), l.toString()).toBeUndefined();
    }
  });

  // A prompt's length is counted from its bytes (units() in line-extract.c), never decoded: it must
  // be the UTF-16 length of JSON.parse's string, for every mix of UTF-8 and escapes, short or long.
  it('counts prompt and tool output lengths as JSON.parse\'s strings have them', () => {
    const pieces = ['abc', ' ', '\\n', '\\"', '\\\\', '\\/', '\\t', '\\u0041', '\\u00e9', '\\ud83d\\ude00', '\\uD800', 'x'.repeat(60), 'é', '中', '😀', 'Ω'.repeat(30)];
    const rand = prng(91).next;
    const lines: Buffer[] = [];
    for (let i = 0; i < 600; i++) {
      let body = '';
      const bytes = [1, 10, 40, 63, 64, 65, 200, 3000][i % 8]!;
      // Even-numbered lines without wide escapes (latin1 lines with them are given up on).
      while (Buffer.byteLength(body) < bytes) {
        const p = pieces[Math.floor(rand() * pieces.length)]!;
        if (i % 2 === 0 && /\\u(?!00[0-7])/.test(p)) continue;
        body += p;
      }
      lines.push(Buffer.from(`{"type":"user","sessionId":"s","timestamp":"${TS}","uuid":"u","message":{"content":"${body}"}}`));
      lines.push(Buffer.from(`{"type":"user","sessionId":"s","timestamp":"${TS}","message":{"content":[{"type":"tool_result","tool_use_id":"t","content":"${body}"}]}}`));
      lines.push(Buffer.from(`{"type":"user","sessionId":"s","timestamp":"${TS}","message":{"content":[{"type":"text","text":"${body}"},{"content":[{"text":"${body}"}]}]}}`));
    }
    const t = checkAll(lines);
    expect(t.events).toBeGreaterThan(1500);
    expect(t.extracted).toBeGreaterThan(lines.length);
  });

  // units() counts 64 bytes a step, an escape's bytes taken off by count: an escape, a run of
  // backslashes or a UTF-8 sequence across a step's end, and a string ending at every offset.
  it('counts lengths as JSON.parse\'s strings have them with escapes and UTF-8 across the 64-byte steps', () => {
    const lines: Buffer[] = [];
    for (const piece of ['\\n', '\\\\', '\\\\\\\\\\"', '\\u0041', '\\ud83d\\ude00', '😀', '中', 'é', '\\\\\\u0041']) {
      for (let at = 0; at < 140; at++) {
        const body = 'a'.repeat(at) + piece + 'b'.repeat(at % 7);
        lines.push(Buffer.from(`{"type":"user","sessionId":"s","timestamp":"${TS}","uuid":"u","message":{"content":"${body}"}}`));
      }
    }
    const t = checkAll(lines);
    expect(t.gaveUp).toBe(0);
    expect(t.events).toBe(lines.length * MODES.length);
  });

  it('at its limits: lines of 4 MiB and more, more nodes than its table, nesting at its depth limit; short lines after long ones', () => {
    const t = tally();
    const before = { ...extractCounts };
    for (const l of bigLines()) {
      check(l, t);
      // Stale bytes of the long line stay in the module's memory past a short line's end.
      for (const s of handLines().slice(0, 40)) check(s, t);
    }
    // 5000 content blocks: more nodes than the table holds (a give-up), and 1000 (read).
    for (const blocks of [5000, 1000]) {
      const content = Array.from({ length: blocks }, (_, i) => ({ type: 'tool_result', tool_use_id: `t${i}`, content: 'x' }));
      check(Buffer.from(JSON.stringify({ type: 'user', sessionId: 's', timestamp: TS, message: { content } })), t);
    }
    // Nesting (48 open at most): a value 47 and 48 levels under the root, and a root array 48 and 49 deep.
    for (const d of [47, 48]) check(Buffer.from(`{"type":"user","sessionId":"s","timestamp":"${TS}","x":${'['.repeat(d)}${']'.repeat(d)},"message":{"content":"hi"}}`), t);
    for (const d of [48, 49]) check(Buffer.from(`${'['.repeat(d)}${']'.repeat(d)}`), t);
    expect(t.diffs.slice(0, 5)).toEqual([]);
    expect(t.valid).toBe(t.utf8);
    // Each line is read in three modes: the lines over 4 MiB (two), the 5000-block line, the 48-deep
    // value and the 49-deep array are given up on three times each.
    expect(extractCounts.long - before.long).toBe(6);
    expect(extractCounts.nodes - before.nodes).toBe(3);
    expect(extractCounts.depth - before.depth).toBe(6);
  });

  it('numbers: every form JSON allows, read as JSON.parse reads them', () => {
    const nums = ['0', '-0', '1', '-1', '1.0', '1e2', '1E+2', '1e-2', '2.5e3', '0.5', '9007199254740991', '9007199254740992', '9007199254740993'];
    nums.push('999999999999999', '1000000000000000', '12345678901234567890123', '1e308', '1e309', '-1e309', '5e-324', '0.000001');
    const lines = nums.flatMap((n) =>
      ['input_tokens', 'output_tokens', 'cache_read_input_tokens', 'cache_creation_input_tokens'].map((k) =>
        Buffer.from(`{"type":"assistant","sessionId":"s","timestamp":"${TS}","message":{"id":"m","usage":{"${k}":${n},"cache_creation":{"ephemeral_1h_input_tokens":${n}}}}}`),
      ),
    );
    lines.push(...nums.map((n) => Buffer.from(`{"type":"system","subtype":"compact_boundary","sessionId":"s","timestamp":"${TS}","compactMetadata":{"preTokens":${n}}}`)));
    const t = checkAll(lines);
    expect(t.gaveUp).toBe(0);
    expect(t.extracted).toBe(MODES.length * lines.length);
  });

  it('timestamps: read from their bytes as Date.parse reads them, every other form left to Date.parse', () => {
    const rnd = prng(7);
    const pick = (n: number): number => Math.floor(rnd.next() * n);
    const two = (n: number): string => String(n).padStart(2, '0');
    const stamps: string[] = [];
    for (let i = 0; i < 3000; i++) {
      const y = [1969, 1970, 1999, 2000, 2024, 2025, 2026, 2100][pick(8)]!;
      // Out-of-range fields on purpose (month 0 and 13, day 0 to 32, hour 24, minute and second 60).
      stamps.push(`${y}-${two(pick(14))}-${two(pick(33))}T${two(pick(25))}:${two(pick(61))}:${two(pick(61))}.${String(pick(1000)).padStart(3, '0')}Z`);
    }
    // Every day of a leap and a common February, and month ends.
    for (const y of [2024, 2025]) for (let d = 25; d <= 31; d++) for (const m of ['02', '04', '12']) stamps.push(`${y}-${m}-${two(d)}T23:59:59.999Z`);
    stamps.push(
      '2026-01-05T10:00:00Z', '2026-01-05T10:00:00.5Z', '2026-01-05T10:00:00.12Z', '2026-01-05T10:00:00.1234Z', '2026-01-05T10:00:00.000z',
      '2026-01-05t10:00:00.000Z', '2026-01-05 10:00:00.000Z', '2026-01-05T10:00:00.000+00:00', '2026-01-05T10:00:00.000-05:00', '2026-01-05T10:00:00.000',
      '0025-01-05T10:00:00.000Z', '+02026-01-05T10:00:00.000Z', '2026-1-05T10:00:00.000Z', '2026-01-05T10:00:00,000Z', '2026-01-05T1a:00:00.000Z',
      '2026-01-05T10:00:00.00aZ', '2026-01-05T10:00:00.000Z ', ' 2026-01-05T10:00:00.000Z', 'Mon, 05 Jan 2026 10:00:00 GMT', 'yesterday',
      '2026-01-05T10:00:00.000ZZ', '2026-01-05T10:00:0.0000Z', '2026/01/05T10:00:00.000Z', '2026-01-05T10-00-00.000Z',
    );
    const lines = stamps.flatMap((ts) => [
      `{"type":"user","sessionId":"s","uuid":"u","timestamp":"${ts}","message":{"content":"hi"}}`,
      `{"type":"assistant","sessionId":"s","timestamp":"${ts}","requestId":"r","message":{"id":"m","model":"x","usage":{"input_tokens":1}}}`,
      // An escaped digit: decoded, then Date.parse.
      `{"type":"user","sessionId":"s","uuid":"u","timestamp":"${ts.replace(/\d/, (c) => `\\u003${c}`)}","message":{"content":"hi"}}`,
    ]);
    const t = checkAll(lines.map((l) => Buffer.from(l)));
    expect(t.gaveUp).toBe(0);
    // The comparison above is only as good as its times: most of them are real ones.
    const read = stamps.filter((ts) => Number.isFinite(Date.parse(ts))).length;
    expect(read).toBeGreaterThan(stamps.length / 2);
  });

  it('gives up on a key spelled with an escape where keys are read, and a \\u0000 escape anywhere', () => {
    const lines = [
      `{"\\u0074ype":"user","sessionId":"s","timestamp":"${TS}","message":{"content":"hi"}}`,
      `{"type":"user","sessionId":"s","timestamp":"${TS}","message":{"con\\u0074ent":"hi"}}`,
      `{"type":"user","sessionId":"s","timestamp":"${TS}","message":{"content":"h\\u0000i"}}`,
    ].map((s) => Buffer.from(s));
    for (const l of lines) expect(extractEvents(l, 0, l.length, hints, 'k', [], true)).toBeUndefined();
    // A key with an escape where no key is read (a tool input) is no reason to give up.
    const tool = '{"type":"tool_use","id":"t","name":"n","input":{"\\u0041\\n":"\\u00e9"}}';
    const ok = Buffer.from(`{"type":"assistant","sessionId":"s","timestamp":"${TS}","message":{"id":"m","usage":{},"content":[${tool}]}}`);
    const out: ModelEvent[] = [];
    expect(extractEvents(ok, 0, ok.length, hints, 'k', out, true)).toBe(true);
    expect((out[1] as { input: unknown }).input).toEqual({ 'A\n': 'é' });
    checkAll([...lines, ok]);
  });

  it('with CCOTEL_WASM=0 is off', async () => {
    const prev = process.env.CCOTEL_WASM;
    try {
      process.env.CCOTEL_WASM = '0';
      vi.resetModules();
      const pure = await import('../src/model/line-extract.js');
      expect(pure.lineExtractAvailable()).toBe(false);
      const l = Buffer.from(`{"type":"user","sessionId":"s","timestamp":"${TS}","message":{"content":"hi"}}`);
      expect(pure.extractEvents(l, 0, l.length, hints, 'k', [], true)).toBeUndefined();
    } finally {
      if (prev === undefined) delete process.env.CCOTEL_WASM;
      else process.env.CCOTEL_WASM = prev;
      vi.resetModules();
    }
  });
});

// Text mode keeps a start of each prompt, answer and tool output (normalize.ts's keptText): of a long
// string only a start is decoded (Placeholders.start, line-reduce.ts's cut, shared), from a budget
// of 2 bytes a character asked, cut never inside an escape. The budgets are worked out here from the
// constants (keep = TEXT_KEEP + REDACT_MARGIN characters; asked: 2 * keep in an ASCII line, 4 * keep
// in one with non-ASCII bytes), so escapes, whitespace and UTF-8 can be put exactly at the cut; the
// reference is still normalizeLine of JSON.parse's whole value, in all three modes.
describe('line extractor in text mode: the kept text of long prompts, answers and tool outputs', () => {
  type Kind = keyof typeof TEXT_KEEP;
  /** The byte offset (in a string's content) where the start is cut: 2 bytes for each character asked. */
  const cutAt = (kind: Kind, latin1: boolean): number => 2 * (latin1 ? 4 : 2) * (TEXT_KEEP[kind] + REDACT_MARGIN);
  const HEAD = `"sessionId":"s","cwd":"/p","timestamp":"${TS}","uuid":"u-1"`;
  /** A line whose text of `kind` is the JSON value `content` (a string token's content when a string). */
  function lineOf(kind: Kind, content: string | unknown[], opts: { apiError?: boolean; isError?: boolean } = {}): Buffer {
    const c = typeof content === 'string' ? `"${content}"` : JSON.stringify(content);
    if (kind === 'prompt') return Buffer.from(`{"type":"user",${HEAD},"message":{"role":"user","content":${c}}}`);
    if (kind === 'toolOutput') {
      const err = opts.isError ? ',"is_error":true' : '';
      return Buffer.from(`{"type":"user",${HEAD},"message":{"role":"user","content":[{"type":"tool_result","tool_use_id":"t1"${err},"content":${c}}]}}`);
    }
    const api = opts.apiError ? ',"isApiErrorMessage":true' : '';
    return Buffer.from(`{"type":"assistant",${HEAD}${api},"requestId":"r","message":{"id":"m","model":"claude-x","usage":{"input_tokens":1},"content":${c}}}`);
  }
  const KINDS: Kind[] = ['prompt', 'assistant', 'toolOutput'];

  it('cuts the start never inside an escape, with the escape at every offset around the cut', () => {
    const t = tally();
    const escapes = ['\\n', '\\\\', '\\"', '\\/', '\\u0041', '\\u00e9', '\\ud83d\\ude00', '\\\\\\n', '\\t\\t\\t'];
    for (const kind of KINDS) {
      for (const latin1 of [false, true]) {
        const cut = cutAt(kind, latin1);
        // A leading "é" (2 bytes) makes the line non-ASCII: read as latin1, with 4 characters asked per character kept.
        const head = latin1 ? 'é' : '';
        for (const esc of escapes) {
          for (let at = cut - 8; at <= cut + 2; at++) {
            const body = head + 'a'.repeat(at - Buffer.byteLength(head)) + esc + 'b'.repeat(3000);
            check(lineOf(kind, body), t);
            // The same with the string ending just past the escape: the start is the whole string or falls short of it.
            check(lineOf(kind, head + 'a'.repeat(at - Buffer.byteLength(head)) + esc), t);
          }
        }
      }
    }
    expect(t.diffs.slice(0, 5)).toEqual([]);
    // Every line read but the latin1 ones with a wide escape (\u00e9, \ud83d\ude00: given up on, in all three modes),
    // each of them with its one kept text.
    expect(t.gaveUp).toBe(3 * 2 * 11 * 2 * MODES.length);
    expect(t.texts).toBe(3 * (2 * 9 - 2) * 11 * 2);
  });

  it('keeps what JSON.parse\'s whole string gives, for long texts of every mix around the budgets, whitespace starts included', () => {
    // Plain text, whitespace (escaped, raw, non-ASCII), UTF-8 of every length, narrow escapes.
    const ASCII = ['abc', ' ', '   ', '\\n', '\\"', '\\\\', '\\t', '\\u0041', '\\u0020', 'x'.repeat(60), 'sk-ant-api03-' + 'A'.repeat(40)];
    const UTF8 = ['é', '中', '😀', 'Ω'.repeat(30), '\u00a0', '\u3000'];
    const LEADS = ['', ' ', '\\n', '\\u0020', '\\t', '\u00a0', '\u3000'];
    const rand = prng(5151).next;
    const t = tally();
    for (let i = 0; i < 500; i++) {
      const kind = KINDS[i % 3]!;
      const latin1 = i % 2 === 1;
      // Some without a backslash: their start is their bytes, not decoded.
      const plain = (p: string): boolean => Math.floor(i / 4) % 3 !== 1 || !p.includes('\\');
      const pieces = (latin1 ? [...ASCII, ...UTF8] : ASCII).filter(plain);
      const leads = (latin1 ? LEADS : LEADS.filter((l) => !/[^\x00-\x7f]/.test(l))).filter(plain);
      const cut = cutAt(kind, latin1);
      // Around the cut, around keep, and far past it.
      const bytes = [cut - 40, cut, cut + 40, cut >> 1, cut >> 2, 3 * cut][Math.floor(rand() * 6)]! + Math.floor(rand() * 64);
      // (A latin1 line starts with a non-ASCII character, so the budget is the one worked out above.)
      let body = latin1 ? 'é' : '';
      // Whitespace in front of and through the budget: the trimmed start falls short of keep.
      if (Math.floor(i / 2) % 2 === 0) {
        const lead = leads[Math.floor(rand() * leads.length)]!;
        const n = [1, cut >> 3, cut >> 2, cut >> 1, cut][Math.floor(rand() * 5)]! / Math.max(1, Buffer.byteLength(lead));
        body += lead.repeat(Math.floor(n));
      }
      for (let b = Buffer.byteLength(body), end = b + bytes; b < end; ) {
        const piece = pieces[Math.floor(rand() * pieces.length)]!;
        body += piece;
        b += Buffer.byteLength(piece);
      }
      check(lineOf(kind, body), t);
      // Whitespace only.
      if (i % 25 === 0) check(lineOf(kind, ' '.repeat(bytes)), t);
    }
    // Whitespace of 1, 2 and 6 bytes a character through and past the budget, then text: the start
    // decoded from the budget falls short of the characters asked (or its trimmed text of keep).
    for (const kind of KINDS) {
      for (const latin1 of [false, true]) {
        const keep = TEXT_KEEP[kind] + REDACT_MARGIN;
        for (const lead of [' ', '\\n', '\\u0020', '\\t ']) {
          for (const chars of [keep - 1, keep + 1, keep * 1.5, keep * 2 - 1, keep * 2 + 3, keep * 3, keep * 4 + 1, keep * 5]) {
            const body = (latin1 ? 'é' : '') + lead.repeat(chars / (lead === '\\t ' ? 2 : 1)) + 'text after the whitespace '.repeat(keep / 8);
            check(lineOf(kind, body), t);
          }
        }
      }
    }
    expect(t.diffs.slice(0, 5)).toEqual([]);
    expect(t.gaveUp).toBe(0);
    expect(t.texts).toBeGreaterThan(400);
  });

  it('keeps the text of text blocks mixed with other blocks, strings and non-objects, long or not', () => {
    const rand = prng(5252).next;
    const t = tally();
    const long = (n: number, nonAscii: boolean): string => {
      let s = '';
      while (s.length < n) s += nonAscii && rand() < 0.1 ? 'é中 ' : rand() < 0.05 ? '\n' : 'word ';
      return s;
    };
    for (let i = 0; i < 300; i++) {
      const kind = KINDS[i % 3]!;
      const nonAscii = i % 2 === 1;
      const n = [10, 3000, 9000, 40_000][Math.floor(rand() * 4)]!;
      const others: unknown[] = [
        { type: 'text', text: long(n, nonAscii) },
        { type: 'thinking', thinking: long(n, nonAscii), signature: 'sig' },
        { type: 'tool_use', id: 'tu', name: 'Bash', input: { command: long(50, nonAscii) } },
        { type: 'image', source: { type: 'base64', data: 'A'.repeat(n) } },
        { type: 'text', text: '' },
        { type: 'text', text: 7 },
        { text: long(100, nonAscii) },
        { type: 'text', text: '   \n  ' },
        { type: 'text', text: long(n >> 1, nonAscii) },
        'bare string',
        null,
        [{ type: 'text', text: 'nested' }],
        { type: 'tool_result', tool_use_id: 'x', content: long(200, nonAscii) },
      ];
      const blocks = Array.from({ length: 1 + Math.floor(rand() * 6) }, () => others[Math.floor(rand() * others.length)]);
      check(lineOf(kind, blocks), t);
      check(lineOf(kind, blocks, { apiError: true, isError: true }), t);
    }
    expect(t.diffs.slice(0, 5)).toEqual([]);
    expect(t.gaveUp).toBe(0);
    expect(t.texts).toBeGreaterThan(150);
  });

  it('keeps the text of long text blocks whose start is mostly whitespace, around every budget', () => {
    const t = tally();
    // Whitespace runs (spaces, newlines and tabs: one or two bytes each in the line) at the start or
    // after a short word, long enough to fill the part of a block that is decoded first, then text:
    // the kept text must be the whole block's (trimmed, cut and redacted as one).
    for (const kind of KINDS) {
      for (const ws of [' ', '\n', '\t ']) {
        for (const run of [500, 3000, 6100, 7000, 13_000, 20_000]) {
          for (const head of ['', 'x', 'word '.repeat(250), 'word '.repeat(700)]) {
            const text = head + ws.repeat(run) + 'tail API_KEY=abcdefgh12345678 ' + 'z'.repeat(9000);
            check(lineOf(kind, [{ type: 'text', text: 'short' }, { type: 'text', text }]), t);
            check(lineOf(kind, [{ type: 'text', text }, { type: 'text', text: 'after' }]), t);
          }
        }
      }
    }
    expect(t.diffs.slice(0, 5)).toEqual([]);
    expect(t.gaveUp).toBe(0);
    expect(t.texts).toBe(432);
  });

  it('keeps no answer of an API error line, and gives its first line as the error text', () => {
    const t = tally();
    for (const content of [' \\n API Error: 529 ' + 'x'.repeat(30_000), [{ type: 'text', text: '\nAPI Error: overloaded\n' + 'y'.repeat(20_000) }]]) {
      check(lineOf('assistant', content, { apiError: true }), t);
      const synthetic = lineOf('assistant', content).toString().replace('"claude-x"', '"<synthetic>"');
      check(Buffer.from(synthetic), t);
      // An error tool output: its first line is its error text, its start the kept text.
      check(lineOf('toolOutput', content, { isError: true }), t);
    }
    expect(t.diffs.slice(0, 5)).toEqual([]);
    expect(t.gaveUp).toBe(0);
    // The tool outputs' texts only (two lines): an API error's answer is not kept.
    expect(t.texts).toBe(2);
  });
});

// The reader with the extractor (and the string scan) against the reader of the pure TypeScript path
// (CCOTEL_WASM=0: every line JSON.parse'd whole), slice by slice, in each of its modes: the same
// lines, events, checkpoints and first-bad-line warning.
describe('FileReader with the extractor', () => {
  const hints = { sessionId: 'hint', agentId: 'hint-agent' };

  it('reads every generated and real transcript as the pure TypeScript path does, in each mode', async () => {
    const d = mkdtempSync(join(tmpdir(), 'ccotel-line-extract-reader-'));
    dirs.push(d);
    generateHistory(join(d, 'a'), { sessions: 6, seed: 4343, faults: true, shape: 'heavy', dropSubagentFiles: 0.3, longToolOutputs: 0.2 });
    generateHistory(join(d, 'b'), { sessions: 4, seed: 78, faults: true });
    const files = [...listJsonl(join(d, 'a')), ...listJsonl(join(d, 'b')), ...listJsonl(join(__dirname, 'fixtures', 'real'))];
    const prev = process.env.CCOTEL_WASM;
    try {
      const { pure, fast } = await readerModules();
      const counts = await import('../src/model/line-extract.js');
      expect(counts.lineExtractAvailable()).toBe(true);
      let events = 0;
      const perMode: Record<string, number> = {};
      for (const [mode, opts] of Object.entries(READER_MODES)) {
        const before = counts.extractCounts.lines - counts.extractCounts.gaveUp;
        for (const path of files) {
          const want = await readAllSlices(pure, path, opts, hints);
          const got = await readAllSlices(fast, path, opts, hints);
          expect(diff(got, want), `${mode} ${path}`).toBeUndefined();
          events += want.reduce((a, sl) => a + sl.lines.reduce((b, l) => b + l.events.length, 0), 0);
        }
        perMode[mode] = counts.extractCounts.lines - counts.extractCounts.gaveUp - before;
      }
      expect(events).toBeGreaterThan(3000);
      // The extractor read the lines of every mode, text mode included.
      expect(perMode.text).toBeGreaterThan(1000);
      expect(perMode.text).toBe(perMode.full);
      expect(counts.extractCounts.gaveUp).toBeLessThan(counts.extractCounts.lines / 20);
    } finally {
      if (prev === undefined) delete process.env.CCOTEL_WASM;
      else process.env.CCOTEL_WASM = prev;
      vi.resetModules();
    }
  });
});
