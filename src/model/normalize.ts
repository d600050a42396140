// Turns one parsed transcript line into model events. Unknown line types and fields are ignored:
// Claude Code adds both often, and a reader that fails on them loses data.
import type { EventContext, ModelEvent, Usage } from './events.js';
import { REDACT_MARGIN, redactCut, redactLabel } from '../detection/redact.js';
import { hasWideEscape, mapStringsInPlace, utf16Length, utf8Deep, utf8Of } from './line-text.js';
import type { Placeholders } from './line-reduce.js';

type Json = Record<string, unknown>;

const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : 0);
// The line being normalized came from latin1 text (see line-text.ts): every string kept is decoded,
// every length counted from the bytes. Set for the duration of one normalizeLine call.
let bytes = false;
// Text for the sessions index is wanted (set per call, like `bytes`): redacting every prompt and
// answer costs time a command without that index should not pay.
let withText = false;
// Only what the ledger reads is wanted (a read with no sinks: `stats`). The ledger never reads the
// size of a tool's output, error text, stop reasons or turn ends, and measuring every tool output's
// length in UTF-16 units was the largest cost of normalizing. Set per call, like `bytes`.
let lean = false;
// The latin1 line not yet looked at for wide escapes (see line-text.ts): looked at once, before the
// first string taken from it is decoded or measured. One holding some is normalized again from its
// UTF-8 decode (a string taken before held only ASCII, which both decodes read alike).
let unchecked: string | undefined;
class WideEscapes extends Error {}
function checked(): void {
  const t = unchecked;
  if (t === undefined) return;
  unchecked = undefined;
  if (hasWideEscape(t)) throw new WideEscapes();
}
// The line's placeholders (line-reduce.ts), when it was parsed with its long strings replaced:
// every string read goes through own() (or len(), keptText()) first. Set per call, like `bytes`.
let placeholders: Placeholders | undefined;
const isPlaceholder = (s: string): boolean => placeholders !== undefined && s.charCodeAt(0) === 0;
/** A string as the line holds it (a placeholder resolved). */
const own = (s: string): string => (isPlaceholder(s) ? placeholders!.text(s) : s);
const NON_ASCII = /[^\x00-\x7f]/;
/** A string taken from a latin1 line, decoded (see utf8Of). */
const dec = (s: string): string => {
  if (!NON_ASCII.test(s)) return s;
  checked();
  return utf8Of(s);
};
const str = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? (bytes ? dec(own(v)) : own(v)) : undefined);
const len = (v: string): number => {
  if (bytes) checked();
  // A placeholder's length is counted from its bytes: a tool output's is read for every result.
  if (isPlaceholder(v)) return placeholders!.units(v);
  return bytes ? utf16Length(v) : v.length;
};
const time = (v: unknown): number | undefined => {
  if (typeof v !== 'string') return undefined;
  // Most lines' times are read from their bytes, never decoded (line-extract.ts).
  const t = isPlaceholder(v) ? placeholders!.time?.(v) : undefined;
  // (Decoded like any string kept: Date.parse takes some non-ASCII whitespace, which latin1 text misspells.)
  return t ?? parseTimestamp(bytes ? dec(own(v)) : own(v));
};

/** What the file itself tells us when a line omits it (subagent files name the agent in their path). */
export interface FileHints {
  sessionId?: string;
  agentId?: string;
}

export function parseTimestamp(v: unknown): number | undefined {
  if (typeof v !== 'string') return undefined;
  const t = Date.parse(v);
  return Number.isFinite(t) ? t : undefined;
}

/** A string field that becomes a label (branch, model, tool name): redacted like everything that leaves. */
const label = (v: unknown): string | undefined => {
  const s = str(v);
  return s === undefined ? undefined : redactLabel(s);
};

// The context of the last line, given again to the next line with the same one: consecutive lines
// of a transcript almost always share it, and one object for them is fewer allocations here and, in
// a read worker, one copy in the message instead of one per event (structured clone sends a
// repeated object once). Contexts are never modified once made (the events of one line already
// share theirs). One per kind of line: their properties come in different orders.
let lastLineCtx: EventContext | undefined;
let lastProgressCtx: EventContext | undefined;
const sameCtx = (c: EventContext | undefined, sessionId: string, cwd: string, branch: string | undefined, version: string | undefined, agentId: string | undefined): c is EventContext =>
  c !== undefined && c.sessionId === sessionId && c.cwd === cwd && c.gitBranch === branch && c.version === version && c.agentId === agentId;

function contextOf(line: Json, hints: FileHints): EventContext | undefined {
  const sessionId = str(line.sessionId) ?? hints.sessionId;
  if (!sessionId) return undefined;
  const cwd = redactLabel(str(line.cwd) ?? '');
  const branch = label(line.gitBranch);
  const version = str(line.version);
  const agentId = line.isSidechain === true ? (str(line.agentId) ?? hints.agentId) : undefined;
  // (str() gives undefined, never '', so an absent property and an undefined one compare alike.)
  if (sameCtx(lastLineCtx, sessionId, cwd, branch, version, agentId || undefined)) return lastLineCtx;
  const ctx: EventContext = { sessionId, cwd };
  if (branch) ctx.gitBranch = branch;
  if (version) ctx.version = version;
  if (agentId) ctx.agentId = agentId;
  return (lastLineCtx = ctx);
}

export function usageOf(u: Json, speed?: unknown): Usage {
  const split = isObj(u.cache_creation) ? u.cache_creation : undefined;
  const c5 = split ? num(split.ephemeral_5m_input_tokens) : 0;
  const c1 = split ? num(split.ephemeral_1h_input_tokens) : 0;
  // With a split present, ccusage counts cache writes as 5m + 1h, even when both are 0 and
  // cache_creation_input_tokens says otherwise (checked against ccusage 20.0.24).
  const cacheSplit = split !== undefined;
  return {
    input: num(u.input_tokens),
    output: num(u.output_tokens),
    cacheCreation: cacheSplit ? c5 + c1 : num(u.cache_creation_input_tokens),
    cacheCreation1h: cacheSplit ? c1 : 0,
    cacheSplit,
    cacheRead: num(u.cache_read_input_tokens),
    fast: (speed ?? u.speed) === 'fast',
  };
}

export function usageTotal(u: Usage): number {
  return u.input + u.output + u.cacheCreation + u.cacheRead;
}

// Claude Code nests content blocks two or three levels deep; anything far deeper is not a
// transcript line but garbage, and walking it must not cost the rest of the file.
const MAX_CONTENT_DEPTH = 64;

/** A line that parses as JSON but cannot be a transcript line. */
class UnusableLineError extends Error {}

/**
 * Characters of text in a content value, walked without recursion. `measure` false: the walk only
 * (a value nested too deep still makes the line unusable), every length counted as 0.
 */
function textLength(content: unknown, measure = true): number {
  if (typeof content === 'string') return measure ? len(content) : 0;
  if (!Array.isArray(content)) return 0;
  let n = 0;
  const stack: Array<{ blocks: unknown[]; depth: number }> = [{ blocks: content, depth: 1 }];
  for (let top = stack.pop(); top; top = stack.pop()) {
    for (const b of top.blocks) {
      if (!isObj(b)) continue;
      if (typeof b.text === 'string') n += measure ? len(b.text) : 0;
      else if (typeof b.content === 'string') n += measure ? len(b.content) : 0;
      else if (Array.isArray(b.content)) {
        if (top.depth >= MAX_CONTENT_DEPTH) throw new UnusableLineError(`content nested deeper than ${MAX_CONTENT_DEPTH} levels`);
        stack.push({ blocks: b.content, depth: top.depth + 1 });
      }
    }
  }
  return n;
}

/** What the sessions index keeps of one text (characters): enough to search and show, bounded. */
export const TEXT_KEEP = { prompt: 8000, assistant: 4000, toolOutput: 1000 } as const;

// Characters of a long text decoded past those kept: room for leading whitespace, which trim() drops.
const START_SLACK = 64;

/**
 * The text of a content value (a string, or its `text` blocks), decoded, cut and redacted. Only
 * called when the sessions index asked for text.
 */
function keptText(content: unknown, max: number): string | undefined {
  const keep = max + REDACT_MARGIN;
  let raw = '';
  // Of a long string (a placeholder), only a start that decides the result is decoded: in a latin1
  // line, decodedStart reads no more than keep * 4 characters; in a plain one, redactCut reads no
  // more than `keep` characters of the trimmed text (checked below: a start whose leading
  // whitespace leaves fewer is read whole).
  const long = typeof content === 'string' && isPlaceholder(content);
  if (long) raw = placeholders!.start(content, bytes ? keep * 4 : keep + START_SLACK);
  else if (typeof content === 'string') raw = content;
  else if (Array.isArray(content)) {
    // In a latin1 line, once its bytes pass the bound below: the join's length in UTF-16 units of its decode.
    let units = -1;
    for (const b of content) {
      if (!isObj(b)) continue;
      let piece = '';
      if (b.type === 'text' && typeof b.text === 'string' && b.text) {
        const sep = raw ? '\n' : '';
        // A long block (a tool's output) is decoded only as far as decides the result: once the
        // trimmed text runs past `keep`, its first `keep` characters (all redactCut reads) are
        // those of the whole, and nothing after them counts.
        if (!bytes && isPlaceholder(b.text)) {
          const joined = raw + sep + placeholders!.start(b.text, keep + START_SLACK);
          if (joined.trim().length > keep) {
            raw = joined;
            break;
          }
        }
        piece = sep + own(b.text);
        raw += piece;
      }
      if (raw.length > keep * 4) {
        // (A UTF-8 sequence decodes to at least a unit per 3 bytes: past 12 * keep bytes, nothing to count.)
        if (!bytes || raw.length > keep * 12) break;
        // Characters in a latin1 line too (those of the decode), not bytes: a byte count stopped the
        // join at other blocks than a UTF-8 decode's. Counted once, then block by block.
        checked();
        units = units < 0 ? utf16Length(raw) : units + utf16Length(piece);
        if (units > keep * 4) break;
      }
    }
  }
  if (!raw) return undefined;
  // Decoded before cutting (a cut could split a UTF-8 sequence), with a byte budget first so a huge
  // latin1 string is not decoded whole (unless whitespace fills the budget).
  let t = (bytes ? decodedStart(raw, keep) : raw).trim();
  // A start of a long string whose trimmed text falls short of `keep` (whitespace at its end, the
  // string's own end; in a latin1 line, a character cut at the budget too) may trim differently from
  // the whole: the whole is read.
  // (A latin1 start is at least keep * 4 characters long: a shorter one is the whole string.)
  if (long && (bytes ? raw.length >= keep * 4 && t.length < keep + 5 : t.length < keep)) t = (bytes ? decodedStart(own(content), keep) : own(content)).trim();
  return t ? redactCut(t, max) : undefined;
}

/**
 * The start of a latin1 string's UTF-8 decode, long enough that its first `keep` characters after
 * trim() are those of the whole string's decode after trim(). A start is used when, trimmed, it still
 * runs more than a few characters past `keep` (so neither a sequence split at the cut nor whitespace
 * trimmed at its end reaches them): mostly ASCII text needs little more than `keep` bytes, tried
 * first, then 4 * keep bytes (the budget a character needs at most); else the whole is decoded.
 */
function decodedStart(raw: string, keep: number): string {
  for (const budget of [keep + (keep >> 2) + 16, keep * 4]) {
    if (raw.length <= budget) break;
    const d = dec(raw.slice(0, budget));
    if (d.trim().length > keep + 4) return d;
  }
  // Whitespace fills the budgets (or the string fits in them): trimmed, their decode could fall
  // short of what the whole string keeps, so the whole is decoded.
  return dec(raw);
}

function firstLine(content: unknown): string | undefined {
  const text = typeof content === 'string' ? own(content) : Array.isArray(content) ? content.map((b) => (isObj(b) && typeof b.text === 'string' ? own(b.text) : '')).join('\n') : '';
  // Error text reaches span status messages and the trace sink's saved state: redacted here, once.
  // Decoded before trimming: a raw byte such as 0xA0 would pass for whitespace.
  const line = (bytes ? dec(text) : text).trim().split('\n', 1)[0];
  return line ? redactCut(line, 200) : undefined;
}

/**
 * Events of one transcript line. `fallbackKey` identifies the line when it carries usage but no
 * message id (such lines are not deduplicated, matching ccusage, but must stay stable across re-reads).
 * Returns false, adding nothing, for a line that cannot be normalized: the caller counts it as
 * malformed, like a line that is not JSON. `longStrings`: how to read the placeholders of a line
 * parsed by line-reduce.ts (only then: no string of any other line may be taken for one).
 */
export function normalizeLine(
  line: unknown,
  hints: FileHints,
  fallbackKey: string,
  out: ModelEvent[],
  latin1 = false,
  text = false,
  ledgerOnly = false,
  raw?: string,
  longStrings?: Placeholders,
): boolean {
  // Under its own guard: one line that cannot be normalized never costs the rest of the file.
  const before = out.length;
  bytes = latin1;
  placeholders = longStrings;
  withText = text;
  lean = ledgerOnly;
  // `raw`: the latin1 text of the line, not yet looked at for wide escapes (line-text.ts); none when
  // the caller knows it holds none (line-reduce.ts).
  unchecked = latin1 ? raw : undefined;
  try {
    eventsOf(line, hints, fallbackKey, out);
    return true;
  } catch (err) {
    out.length = before;
    if (!(err instanceof WideEscapes)) return false;
    // Its decode is valid UTF-8 (checked before) and the same JSON: parsed again, as plain text.
    bytes = false;
    unchecked = undefined;
    placeholders = undefined;
    try {
      eventsOf(JSON.parse(Buffer.from(raw!, 'latin1').toString('utf8')), hints, fallbackKey, out);
      return true;
    } catch {
      out.length = before;
      return false;
    }
  } finally {
    bytes = false;
    placeholders = undefined;
    withText = false;
    lean = false;
    unchecked = undefined;
  }
}

function eventsOf(line: unknown, hints: FileHints, fallbackKey: string, out: ModelEvent[]): void {
  if (!isObj(line)) return;
  const type = line.type;
  if (type === 'progress') return agentProgress(line, hints, out);
  if (type === 'file-history-snapshot' || type === 'queue-operation' || type === 'summary') return;
  const ts = time(line.timestamp);
  if (ts === undefined) return;
  const ctx = contextOf(line, hints);
  if (!ctx) return;
  const message = isObj(line.message) ? line.message : undefined;

  if (type === 'system') {
    if (line.subtype === 'compact_boundary') {
      const meta = isObj(line.compactMetadata) ? line.compactMetadata : {};
      out.push({ kind: 'compaction', ctx, ts, trigger: str(meta.trigger), preTokens: num(meta.preTokens) || undefined });
    } else if (line.subtype === 'turn_duration' && !lean) {
      out.push({ kind: 'turn_end', ctx, ts, durationMs: num(line.durationMs) || undefined });
    }
    return;
  }
  if (!message) return;

  // Usage counts on any line that carries message.usage (ccusage does not look at `type`).
  if (isObj(message.usage)) {
    const messageId = str(message.id);
    const requestId = str(line.requestId);
    const key = messageId ? (requestId ? `${messageId}:${requestId}` : messageId) : fallbackKey;
    const model = label(message.model) ?? 'unknown';
    const apiError = line.isApiErrorMessage === true || model === '<synthetic>';
    out.push({
      kind: 'model_call',
      ctx,
      ts,
      key,
      messageId: messageId ?? fallbackKey,
      requestId,
      model,
      usage: usageOf(message.usage, (message.usage as Json).speed),
      stopReason: lean ? undefined : str(message.stop_reason),
      apiError,
      errorText: apiError && !lean ? firstLine(message.content) : undefined,
    });
    if (Array.isArray(message.content)) {
      for (const block of message.content) {
        if (isObj(block) && block.type === 'tool_use' && str(block.id) && str(block.name)) {
          const input = !isObj(block.input) ? {} : bytes ? (utf8Deep(block.input, (x) => dec(own(x))) as Json) : placeholders && !placeholders.wholeInputs ? (mapStringsInPlace(block.input, own) as Json) : block.input;
          out.push({ kind: 'tool_use', ctx, ts, id: str(block.id)!, name: label(block.name)!, callKey: key, input });
        }
      }
    }
    if (withText && !apiError && line.type === 'assistant') {
      const text = keptText(message.content, TEXT_KEEP.assistant);
      if (text) out.push({ kind: 'assistant_text', ctx, ts, uuid: str(line.uuid) ?? fallbackKey, text });
    }
    return;
  }

  if (type === 'user') {
    const content = message.content;
    if (Array.isArray(content) && content.some((b) => isObj(b) && b.type === 'tool_result')) {
      const tur = isObj(line.toolUseResult) ? line.toolUseResult : undefined;
      for (const b of content) {
        if (!isObj(b) || b.type !== 'tool_result' || !str(b.tool_use_id)) continue;
        const isError = b.is_error === true;
        out.push({
          kind: 'tool_result',
          ctx,
          ts,
          toolUseId: str(b.tool_use_id)!,
          isError,
          resultChars: textLength(b.content, !lean),
          agentId: tur ? str(tur.agentId) : undefined,
          errorText: isError && !lean ? firstLine(b.content) : undefined,
          text: withText ? keptText(b.content, TEXT_KEEP.toolOutput) : undefined,
        });
      }
      return;
    }
    // A prompt: not injected reminders, not the compaction summary.
    if (line.isMeta === true || line.isCompactSummary === true) return;
    const chars = textLength(content);
    if (chars > 0) {
      const text = withText ? keptText(content, TEXT_KEEP.prompt) : undefined;
      out.push(text === undefined ? { kind: 'prompt', ctx, ts, uuid: str(line.uuid) ?? fallbackKey, chars } : { kind: 'prompt', ctx, ts, uuid: str(line.uuid) ?? fallbackKey, chars, text });
    }
  }
}

/**
 * An `agent_progress` line copies one of a subagent's messages into the parent transcript. Its usage
 * is a source under the same key and max rule as the subagent file's own copy: it adds nothing when
 * that file holds the key, and is the only record of a paid call when the file is missing. Only the
 * usage counts (tool calls come from the subagent's own file), attributed to that subagent.
 */
function agentProgress(line: Json, hints: FileHints, out: ModelEvent[]): void {
  const data = line.data;
  if (!isObj(data) || data.type !== 'agent_progress') return;
  const copy = data.message;
  if (!isObj(copy) || !isObj(copy.message)) return;
  const message = copy.message;
  const usage = message.usage;
  if (!isObj(usage)) return;
  // Without a message id the copy cannot be matched with the subagent file's: counting it could double.
  const messageId = str(message.id);
  if (!messageId) return;
  // The copy's own time is the subagent line's time, so either copy yields the same record.
  const ts = time(copy.timestamp) ?? time(line.timestamp);
  if (ts === undefined) return;
  const sessionId = str(line.sessionId) ?? hints.sessionId;
  // Without data.agentId (older versions) the Task call that started the agent stands for it.
  const task = str(line.parentToolUseID);
  const agentId = str(data.agentId) ?? (task ? `task-${task}` : undefined);
  if (!sessionId || !agentId) return;
  const cwd = redactLabel(str(line.cwd) ?? '');
  const branch = label(line.gitBranch);
  const version = str(line.version);
  let ctx: EventContext;
  if (sameCtx(lastProgressCtx, sessionId, cwd, branch, version, agentId)) ctx = lastProgressCtx;
  else {
    ctx = { sessionId, cwd, agentId };
    if (branch) ctx.gitBranch = branch;
    if (version) ctx.version = version;
    lastProgressCtx = ctx;
  }
  const requestId = str(copy.requestId);
  const key = requestId ? `${messageId}:${requestId}` : messageId;
  const model = label(message.model) ?? 'unknown';
  const apiError = copy.isApiErrorMessage === true || model === '<synthetic>';
  out.push({
    kind: 'model_call',
    ctx,
    ts,
    key,
    messageId,
    requestId,
    model,
    usage: usageOf(usage, usage.speed),
    stopReason: lean ? undefined : str(message.stop_reason),
    apiError,
    errorText: apiError && !lean ? firstLine(message.content) : undefined,
    parentToolUseId: task,
  });
}
