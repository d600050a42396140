// The events of a slice read by a worker thread (read-pool.ts), packed for the trip to the main
// thread. Structured clone writes every property name of every event and builds each object on the
// receiving side property by property: on a 417 MB history that was ~350 ms of the main thread's
// time, more than the parsing the worker took off it. Here events travel as three flat arrays
// (words, numbers, string bytes) in one transferred buffer, and are rebuilt as object literals of
// the shapes normalize.ts makes. Only what has no flat form goes by structured clone beside them:
// contexts (few, shared by many events), tool inputs, and strings that do not survive UTF-8 (lone
// surrogates).
//
// Exact: decode(encode(lines)) has the same events with the same own properties, in the same order,
// undefined-valued ones included (test/event-codec.test.ts).
import type { EventContext, ModelEvent, Usage } from '../model/events.js';
import type { LineEvents } from './file-reader.js';
import { latin1Of } from '../model/line-text.js';

export interface PackedLines {
  /** Words, then numbers (8-aligned), then string bytes: sizes in `words`, `numbers`, `bytes`. */
  buffer: ArrayBuffer;
  words: number;
  numbers: number;
  bytes: number;
  /** Contexts, tool inputs and strings without a UTF-8 form, by index. */
  objects: unknown[];
}

// Event kinds; each writes its fields in the order its decoder reads them.
const K_CALL = 1;
const K_CALL_PROGRESS = 2; // an agent_progress copy: has parentToolUseId
const K_TOOL_USE = 3;
const K_TOOL_RESULT = 4;
const K_PROMPT = 5;
const K_PROMPT_TEXT = 6;
const K_COMPACTION = 7;
const K_TURN_END = 8;
const K_ASSISTANT_TEXT = 9;

// A string field: undefined, a string in the byte area (ASCII or UTF-8), or an object (a string
// that has no UTF-8 form). normalize.ts sets every optional string property, undefined or not.
const S_UNDEFINED = 0;
const S_ASCII = 1;
const S_UTF8 = 2;
const S_OBJECT = 3;

// Usage flags.
const U_SPLIT = 1;
const U_FAST = 2;
// A number field that is undefined (durationMs, preTokens): its flag word says so.
const N_UNDEFINED = 0;
const N_SET = 1;

type Str = string | undefined;
// Buffer's own UTF-8 methods (Node has had them since 0.x; @types/node leaves them out): no
// encoding switch per call, which counts at a million strings. ASCII strings go through latin1Of.
interface RawBuffer {
  utf8Write(s: string, offset: number): number;
  utf8Slice(start: number, end: number): string;
}
const raw = (b: Buffer): RawBuffer => b as unknown as RawBuffer;

class Writer {
  words = new Uint32Array(4096);
  w = 0;
  nums = new Float64Array(1024);
  n = 0;
  bytes = Buffer.allocUnsafeSlow(1 << 16);
  b = 0;
  readonly objects: unknown[] = [];
  private readonly objectIndex = new Map<unknown, number>();

  word(v: number): void {
    if (this.w === this.words.length) {
      const next = new Uint32Array(this.words.length * 2);
      next.set(this.words);
      this.words = next;
    }
    this.words[this.w++] = v;
  }

  num(v: number): void {
    if (this.n === this.nums.length) {
      const next = new Float64Array(this.nums.length * 2);
      next.set(this.nums);
      this.nums = next;
    }
    this.nums[this.n++] = v;
  }

  object(o: unknown): void {
    let i = this.objectIndex.get(o);
    if (i === undefined) {
      i = this.objects.push(o) - 1;
      this.objectIndex.set(o, i);
    }
    this.word(i);
  }

  str(s: Str): void {
    if (s === undefined) return this.word(S_UNDEFINED);
    const need = this.b + s.length * 3;
    if (need > this.bytes.length) {
      const next = Buffer.allocUnsafeSlow(Math.max(need, this.bytes.length * 2));
      this.bytes.copy(next, 0, 0, this.b);
      this.bytes = next;
    }
    const written = raw(this.bytes).utf8Write(s, this.b);
    if (written === s.length) {
      this.word(S_ASCII);
    } else if ((s as unknown as { isWellFormed(): boolean }).isWellFormed()) {
      this.word(S_UTF8);
    } else {
      // A lone surrogate (a JSON "\ud800" escape): UTF-8 would replace it.
      this.word(S_OBJECT);
      this.objects.push(s);
      this.word(this.objects.length - 1);
      return;
    }
    this.word(written);
    this.b += written;
  }

  pack(): PackedLines {
    const wordBytes = this.w * 4;
    const numAt = (wordBytes + 7) & ~7;
    const byteAt = numAt + this.n * 8;
    const buffer = new ArrayBuffer(byteAt + this.b);
    new Uint32Array(buffer, 0, this.w).set(this.words.subarray(0, this.w));
    new Float64Array(buffer, numAt, this.n).set(this.nums.subarray(0, this.n));
    new Uint8Array(buffer, byteAt, this.b).set(this.bytes.subarray(0, this.b));
    return { buffer, words: this.w, numbers: this.n, bytes: this.b, objects: this.objects };
  }
}

function writeUsage(wr: Writer, u: Usage): void {
  wr.word((u.cacheSplit ? U_SPLIT : 0) | (u.fast ? U_FAST : 0));
  wr.num(u.input);
  wr.num(u.output);
  wr.num(u.cacheCreation);
  wr.num(u.cacheCreation1h);
  wr.num(u.cacheRead);
}

function writeOptionalNumber(wr: Writer, v: number | undefined): void {
  if (v === undefined) wr.word(N_UNDEFINED);
  else {
    wr.word(N_SET);
    wr.num(v);
  }
}

function writeEvent(wr: Writer, e: ModelEvent): void {
  switch (e.kind) {
    case 'model_call': {
      const progress = 'parentToolUseId' in e;
      wr.word(progress ? K_CALL_PROGRESS : K_CALL);
      wr.object(e.ctx);
      wr.num(e.ts);
      wr.str(e.key);
      wr.str(e.messageId);
      wr.str(e.requestId);
      wr.str(e.model);
      writeUsage(wr, e.usage);
      wr.str(e.stopReason);
      wr.word(e.apiError ? 1 : 0);
      wr.str(e.errorText);
      if (progress) wr.str(e.parentToolUseId);
      return;
    }
    case 'tool_use':
      wr.word(K_TOOL_USE);
      wr.object(e.ctx);
      wr.num(e.ts);
      wr.str(e.id);
      wr.str(e.name);
      wr.str(e.callKey);
      wr.object(e.input);
      return;
    case 'tool_result':
      wr.word(K_TOOL_RESULT);
      wr.object(e.ctx);
      wr.num(e.ts);
      wr.str(e.toolUseId);
      wr.word(e.isError ? 1 : 0);
      wr.num(e.resultChars);
      wr.str(e.agentId);
      wr.str(e.errorText);
      wr.str(e.text);
      return;
    case 'prompt': {
      const withText = 'text' in e;
      wr.word(withText ? K_PROMPT_TEXT : K_PROMPT);
      wr.object(e.ctx);
      wr.num(e.ts);
      wr.str(e.uuid);
      wr.num(e.chars);
      if (withText) wr.str(e.text);
      return;
    }
    case 'compaction':
      wr.word(K_COMPACTION);
      wr.object(e.ctx);
      wr.num(e.ts);
      wr.str(e.trigger);
      writeOptionalNumber(wr, e.preTokens);
      return;
    case 'turn_end':
      wr.word(K_TURN_END);
      wr.object(e.ctx);
      wr.num(e.ts);
      writeOptionalNumber(wr, e.durationMs);
      return;
    case 'assistant_text':
      wr.word(K_ASSISTANT_TEXT);
      wr.object(e.ctx);
      wr.num(e.ts);
      wr.str(e.uuid);
      wr.str(e.text);
      return;
    case 'hook':
      // Hook events come from the spool, never from a transcript slice.
      throw new Error('hook events are not read from transcripts');
  }
}

/** The events of a slice's lines, packed (see the file's header). */
export function packLines(lines: readonly LineEvents[]): PackedLines {
  const wr = new Writer();
  wr.word(lines.length);
  for (const l of lines) {
    wr.num(l.start);
    wr.word(l.events.length);
    for (const e of l.events) writeEvent(wr, e);
  }
  return wr.pack();
}

/** The lines packLines() was given. */
export function unpackLines(p: PackedLines): LineEvents[] {
  const words = new Uint32Array(p.buffer, 0, p.words);
  const numAt = (p.words * 4 + 7) & ~7;
  const nums = new Float64Array(p.buffer, numAt, p.numbers);
  const bytes = Buffer.from(p.buffer, numAt + p.numbers * 8, p.bytes);
  const objects = p.objects;
  let w = 0;
  let n = 0;
  let b = 0;
  const str = (): Str => {
    const tag = words[w++]!;
    if (tag === S_UNDEFINED) return undefined;
    if (tag === S_OBJECT) return objects[words[w++]!] as string;
    const len = words[w++]!;
    const s = tag === S_ASCII ? latin1Of(bytes, b, b + len) : raw(bytes).utf8Slice(b, b + len);
    b += len;
    return s;
  };
  const must = (): string => str()!;
  const usage = (): Usage => {
    const flags = words[w++]!;
    const u: Usage = { input: nums[n]!, output: nums[n + 1]!, cacheCreation: nums[n + 2]!, cacheCreation1h: nums[n + 3]!, cacheSplit: (flags & U_SPLIT) !== 0, cacheRead: nums[n + 4]!, fast: (flags & U_FAST) !== 0 };
    n += 5;
    return u;
  };
  const optionalNumber = (): number | undefined => (words[w++] === N_SET ? nums[n++] : undefined);

  const count = words[w++]!;
  const lines: LineEvents[] = new Array(count);
  for (let i = 0; i < count; i++) {
    const start = nums[n++]!;
    const k = words[w++]!;
    const events: ModelEvent[] = new Array(k);
    for (let j = 0; j < k; j++) {
      const kind = words[w++]!;
      const ctx = objects[words[w++]!] as EventContext;
      const ts = nums[n++]!;
      let e: ModelEvent;
      switch (kind) {
        case K_CALL:
        case K_CALL_PROGRESS: {
          const key = must();
          const messageId = must();
          const requestId = str();
          const model = must();
          const u = usage();
          const stopReason = str();
          const apiError = words[w++] === 1;
          const errorText = str();
          e = { kind: 'model_call', ctx, ts, key, messageId, requestId, model, usage: u, stopReason, apiError, errorText };
          if (kind === K_CALL_PROGRESS) e.parentToolUseId = str();
          break;
        }
        case K_TOOL_USE: {
          const id = must();
          const name = must();
          const callKey = must();
          e = { kind: 'tool_use', ctx, ts, id, name, callKey, input: objects[words[w++]!] as Record<string, unknown> };
          break;
        }
        case K_TOOL_RESULT: {
          const toolUseId = must();
          const isError = words[w++] === 1;
          const resultChars = nums[n++]!;
          const agentId = str();
          const errorText = str();
          e = { kind: 'tool_result', ctx, ts, toolUseId, isError, resultChars, agentId, errorText, text: str() };
          break;
        }
        case K_PROMPT:
        case K_PROMPT_TEXT: {
          const uuid = must();
          const chars = nums[n++]!;
          e = kind === K_PROMPT ? { kind: 'prompt', ctx, ts, uuid, chars } : { kind: 'prompt', ctx, ts, uuid, chars, text: str() };
          break;
        }
        case K_COMPACTION: {
          const trigger = str();
          e = { kind: 'compaction', ctx, ts, trigger, preTokens: optionalNumber() };
          break;
        }
        case K_TURN_END:
          e = { kind: 'turn_end', ctx, ts, durationMs: optionalNumber() };
          break;
        case K_ASSISTANT_TEXT: {
          const uuid = must();
          e = { kind: 'assistant_text', ctx, ts, uuid, text: must() };
          break;
        }
        default:
          throw new Error(`packed events: unknown kind ${kind}`);
      }
      events[j] = e;
    }
    lines[i] = { start, events };
  }
  return lines;
}
