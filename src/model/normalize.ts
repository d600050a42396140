// Turns one parsed transcript line into model events. Unknown line types and fields are ignored:
// Claude Code adds both often, and a reader that fails on them loses data.
import type { EventContext, ModelEvent, Usage } from './events.js';
import { redactCut } from '../detection/redact.js';

type Json = Record<string, unknown>;

const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : 0);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);

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

// The cwd becomes a metric label and a span attribute: redacted like everything else that leaves.
// Every line repeats it, so the answer is remembered (a handful of distinct values per history).
const cwdCache = new Map<string, string>();
function cleanCwd(cwd: string): string {
  let c = cwdCache.get(cwd);
  if (c === undefined) {
    if (cwdCache.size > 1000) cwdCache.clear();
    c = redactCut(cwd, 4096);
    cwdCache.set(cwd, c);
  }
  return c;
}

function contextOf(line: Json, hints: FileHints): EventContext | undefined {
  const sessionId = str(line.sessionId) ?? hints.sessionId;
  if (!sessionId) return undefined;
  const ctx: EventContext = { sessionId, cwd: cleanCwd(str(line.cwd) ?? '') };
  const branch = str(line.gitBranch);
  if (branch) ctx.gitBranch = branch;
  const version = str(line.version);
  if (version) ctx.version = version;
  const agentId = line.isSidechain === true ? (str(line.agentId) ?? hints.agentId) : undefined;
  if (agentId) ctx.agentId = agentId;
  return ctx;
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

/** Characters of text in a content value, walked without recursion. */
function textLength(content: unknown): number {
  if (typeof content === 'string') return content.length;
  if (!Array.isArray(content)) return 0;
  let n = 0;
  const stack: Array<{ blocks: unknown[]; depth: number }> = [{ blocks: content, depth: 1 }];
  for (let top = stack.pop(); top; top = stack.pop()) {
    for (const b of top.blocks) {
      if (!isObj(b)) continue;
      if (typeof b.text === 'string') n += b.text.length;
      else if (typeof b.content === 'string') n += b.content.length;
      else if (Array.isArray(b.content)) {
        if (top.depth >= MAX_CONTENT_DEPTH) throw new UnusableLineError(`content nested deeper than ${MAX_CONTENT_DEPTH} levels`);
        stack.push({ blocks: b.content, depth: top.depth + 1 });
      }
    }
  }
  return n;
}

function firstLine(content: unknown): string | undefined {
  const text = typeof content === 'string' ? content : Array.isArray(content) ? content.map((b) => (isObj(b) && typeof b.text === 'string' ? b.text : '')).join('\n') : '';
  // Error text reaches span status messages and the trace sink's saved state: redacted here, once.
  const line = text.trim().split('\n', 1)[0];
  return line ? redactCut(line, 200) : undefined;
}

/**
 * Events of one transcript line. `fallbackKey` identifies the line when it carries usage but no
 * message id (such lines are not deduplicated, matching ccusage, but must stay stable across re-reads).
 * Returns false, adding nothing, for a line that cannot be normalized: the caller counts it as
 * malformed, like a line that is not JSON.
 */
export function normalizeLine(line: unknown, hints: FileHints, fallbackKey: string, out: ModelEvent[]): boolean {
  // Under its own guard: one line that cannot be normalized never costs the rest of the file.
  const before = out.length;
  try {
    eventsOf(line, hints, fallbackKey, out);
    return true;
  } catch {
    out.length = before;
    return false;
  }
}

function eventsOf(line: unknown, hints: FileHints, fallbackKey: string, out: ModelEvent[]): void {
  if (!isObj(line)) return;
  const type = line.type;
  if (type === 'progress' || type === 'file-history-snapshot' || type === 'queue-operation' || type === 'summary') return;
  const ts = parseTimestamp(line.timestamp);
  if (ts === undefined) return;
  const ctx = contextOf(line, hints);
  if (!ctx) return;
  const message = isObj(line.message) ? line.message : undefined;

  if (type === 'system') {
    if (line.subtype === 'compact_boundary') {
      const meta = isObj(line.compactMetadata) ? line.compactMetadata : {};
      out.push({ kind: 'compaction', ctx, ts, trigger: str(meta.trigger), preTokens: num(meta.preTokens) || undefined });
    } else if (line.subtype === 'turn_duration') {
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
    const model = str(message.model) ?? 'unknown';
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
      stopReason: str(message.stop_reason),
      apiError,
      errorText: apiError ? firstLine(message.content) : undefined,
    });
    if (Array.isArray(message.content)) {
      for (const block of message.content) {
        if (isObj(block) && block.type === 'tool_use' && str(block.id) && str(block.name)) {
          out.push({ kind: 'tool_use', ctx, ts, id: block.id as string, name: block.name as string, callKey: key, input: isObj(block.input) ? block.input : {} });
        }
      }
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
          toolUseId: b.tool_use_id as string,
          isError,
          resultChars: textLength(b.content),
          agentId: tur ? str(tur.agentId) : undefined,
          errorText: isError ? firstLine(b.content) : undefined,
        });
      }
      return;
    }
    // A prompt: not injected reminders, not the compaction summary.
    if (line.isMeta === true || line.isCompactSummary === true) return;
    const chars = textLength(content);
    if (chars > 0) out.push({ kind: 'prompt', ctx, ts, uuid: str(line.uuid) ?? fallbackKey, chars });
  }
}
