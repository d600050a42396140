import { createRequire as __cr } from 'module'; const require = __cr(import.meta.url);
import {
  REDACT_MARGIN,
  redactCut
} from "./chunk-IZPOGKRA.js";

// src/model/line-text.ts
import { isAscii, isUtf8 } from "node:buffer";
var NON_ASCII = /[^\x00-\x7f]/;
var WIDE_ESCAPE = /\\u(?!00[0-7])/;
function lineText(buf, start, end) {
  const view = buf.subarray(start, end);
  if (isAscii(view)) return { text: buf.toString("latin1", start, end), bytes: false };
  if (!isUtf8(view)) return null;
  const text = buf.toString("latin1", start, end);
  if (text.includes("\\u") && WIDE_ESCAPE.test(text)) return { text: buf.toString("utf8", start, end), bytes: false };
  return { text, bytes: true };
}
function utf8Of(s) {
  return NON_ASCII.test(s) ? Buffer.from(s, "latin1").toString("utf8") : s;
}
function utf16Length(s) {
  if (!NON_ASCII.test(s)) return s.length;
  if (s.length >= 256) return Buffer.from(s, "latin1").toString("utf8").length;
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 128 || c >= 192) n += c >= 240 ? 2 : 1;
  }
  return n;
}
function utf8Deep(v) {
  if (typeof v === "string") return utf8Of(v);
  if (Array.isArray(v)) return v.map(utf8Deep);
  if (typeof v === "object" && v !== null) {
    const out = {};
    for (const [k, x] of Object.entries(v)) Object.defineProperty(out, utf8Of(k), { value: utf8Deep(x), enumerable: true, writable: true, configurable: true });
    return out;
  }
  return v;
}

// src/model/normalize.ts
var isObj = (v) => typeof v === "object" && v !== null && !Array.isArray(v);
var num = (v) => typeof v === "number" && Number.isFinite(v) && v > 0 ? v : 0;
var bytes = false;
var withText = false;
var str = (v) => typeof v === "string" && v.length > 0 ? bytes ? utf8Of(v) : v : void 0;
var len = (s) => bytes ? utf16Length(s) : s.length;
function parseTimestamp(v) {
  if (typeof v !== "string") return void 0;
  const t = Date.parse(v);
  return Number.isFinite(t) ? t : void 0;
}
var cwdCache = /* @__PURE__ */ new Map();
function cleanCwd(cwd) {
  let c = cwdCache.get(cwd);
  if (c === void 0) {
    if (cwdCache.size > 1e3) cwdCache.clear();
    c = redactCut(cwd, 4096);
    cwdCache.set(cwd, c);
  }
  return c;
}
function contextOf(line, hints) {
  const sessionId = str(line.sessionId) ?? hints.sessionId;
  if (!sessionId) return void 0;
  const ctx = { sessionId, cwd: cleanCwd(str(line.cwd) ?? "") };
  const branch = str(line.gitBranch);
  if (branch) ctx.gitBranch = branch;
  const version = str(line.version);
  if (version) ctx.version = version;
  const agentId = line.isSidechain === true ? str(line.agentId) ?? hints.agentId : void 0;
  if (agentId) ctx.agentId = agentId;
  return ctx;
}
function usageOf(u, speed) {
  const split = isObj(u.cache_creation) ? u.cache_creation : void 0;
  const c5 = split ? num(split.ephemeral_5m_input_tokens) : 0;
  const c1 = split ? num(split.ephemeral_1h_input_tokens) : 0;
  const cacheSplit = split !== void 0;
  return {
    input: num(u.input_tokens),
    output: num(u.output_tokens),
    cacheCreation: cacheSplit ? c5 + c1 : num(u.cache_creation_input_tokens),
    cacheCreation1h: cacheSplit ? c1 : 0,
    cacheSplit,
    cacheRead: num(u.cache_read_input_tokens),
    fast: (speed ?? u.speed) === "fast"
  };
}
function usageTotal(u) {
  return u.input + u.output + u.cacheCreation + u.cacheRead;
}
var MAX_CONTENT_DEPTH = 64;
var UnusableLineError = class extends Error {
};
function textLength(content) {
  if (typeof content === "string") return len(content);
  if (!Array.isArray(content)) return 0;
  let n = 0;
  const stack = [{ blocks: content, depth: 1 }];
  for (let top = stack.pop(); top; top = stack.pop()) {
    for (const b of top.blocks) {
      if (!isObj(b)) continue;
      if (typeof b.text === "string") n += len(b.text);
      else if (typeof b.content === "string") n += len(b.content);
      else if (Array.isArray(b.content)) {
        if (top.depth >= MAX_CONTENT_DEPTH) throw new UnusableLineError(`content nested deeper than ${MAX_CONTENT_DEPTH} levels`);
        stack.push({ blocks: b.content, depth: top.depth + 1 });
      }
    }
  }
  return n;
}
var TEXT_KEEP = { prompt: 8e3, assistant: 4e3, toolOutput: 1e3 };
function keptText(content, max) {
  let raw = "";
  if (typeof content === "string") raw = content;
  else if (Array.isArray(content)) {
    for (const b of content) {
      if (!isObj(b)) continue;
      if (b.type === "text" && typeof b.text === "string" && b.text) raw += (raw ? "\n" : "") + b.text;
      if (raw.length > (max + REDACT_MARGIN) * 4) break;
    }
  }
  if (!raw) return void 0;
  const decoded = bytes ? utf8Of(raw.slice(0, (max + REDACT_MARGIN) * 4)) : raw;
  const t = decoded.trim();
  return t ? redactCut(t, max) : void 0;
}
function firstLine(content) {
  const text = typeof content === "string" ? content : Array.isArray(content) ? content.map((b) => isObj(b) && typeof b.text === "string" ? b.text : "").join("\n") : "";
  const line = (bytes ? utf8Of(text) : text).trim().split("\n", 1)[0];
  return line ? redactCut(line, 200) : void 0;
}
function normalizeLine(line, hints, fallbackKey, out, latin1 = false, text = false) {
  const before = out.length;
  bytes = latin1;
  withText = text;
  try {
    eventsOf(line, hints, fallbackKey, out);
    return true;
  } catch {
    out.length = before;
    return false;
  } finally {
    bytes = false;
    withText = false;
  }
}
function eventsOf(line, hints, fallbackKey, out) {
  if (!isObj(line)) return;
  const type = line.type;
  if (type === "progress") return agentProgress(line, hints, out);
  if (type === "file-history-snapshot" || type === "queue-operation" || type === "summary") return;
  const ts = parseTimestamp(line.timestamp);
  if (ts === void 0) return;
  const ctx = contextOf(line, hints);
  if (!ctx) return;
  const message = isObj(line.message) ? line.message : void 0;
  if (type === "system") {
    if (line.subtype === "compact_boundary") {
      const meta = isObj(line.compactMetadata) ? line.compactMetadata : {};
      out.push({ kind: "compaction", ctx, ts, trigger: str(meta.trigger), preTokens: num(meta.preTokens) || void 0 });
    } else if (line.subtype === "turn_duration") {
      out.push({ kind: "turn_end", ctx, ts, durationMs: num(line.durationMs) || void 0 });
    }
    return;
  }
  if (!message) return;
  if (isObj(message.usage)) {
    const messageId = str(message.id);
    const requestId = str(line.requestId);
    const key = messageId ? requestId ? `${messageId}:${requestId}` : messageId : fallbackKey;
    const model = str(message.model) ?? "unknown";
    const apiError = line.isApiErrorMessage === true || model === "<synthetic>";
    out.push({
      kind: "model_call",
      ctx,
      ts,
      key,
      messageId: messageId ?? fallbackKey,
      requestId,
      model,
      usage: usageOf(message.usage, message.usage.speed),
      stopReason: str(message.stop_reason),
      apiError,
      errorText: apiError ? firstLine(message.content) : void 0
    });
    if (Array.isArray(message.content)) {
      for (const block of message.content) {
        if (isObj(block) && block.type === "tool_use" && str(block.id) && str(block.name)) {
          const input = isObj(block.input) ? bytes ? utf8Deep(block.input) : block.input : {};
          out.push({ kind: "tool_use", ctx, ts, id: str(block.id), name: str(block.name), callKey: key, input });
        }
      }
    }
    if (withText && !apiError && line.type === "assistant") {
      const text = keptText(message.content, TEXT_KEEP.assistant);
      if (text) out.push({ kind: "assistant_text", ctx, ts, uuid: str(line.uuid) ?? fallbackKey, text });
    }
    return;
  }
  if (type === "user") {
    const content = message.content;
    if (Array.isArray(content) && content.some((b) => isObj(b) && b.type === "tool_result")) {
      const tur = isObj(line.toolUseResult) ? line.toolUseResult : void 0;
      for (const b of content) {
        if (!isObj(b) || b.type !== "tool_result" || !str(b.tool_use_id)) continue;
        const isError = b.is_error === true;
        out.push({
          kind: "tool_result",
          ctx,
          ts,
          toolUseId: str(b.tool_use_id),
          isError,
          resultChars: textLength(b.content),
          agentId: tur ? str(tur.agentId) : void 0,
          errorText: isError ? firstLine(b.content) : void 0,
          text: withText ? keptText(b.content, TEXT_KEEP.toolOutput) : void 0
        });
      }
      return;
    }
    if (line.isMeta === true || line.isCompactSummary === true) return;
    const chars = textLength(content);
    if (chars > 0) {
      const text = withText ? keptText(content, TEXT_KEEP.prompt) : void 0;
      out.push(text === void 0 ? { kind: "prompt", ctx, ts, uuid: str(line.uuid) ?? fallbackKey, chars } : { kind: "prompt", ctx, ts, uuid: str(line.uuid) ?? fallbackKey, chars, text });
    }
  }
}
function agentProgress(line, hints, out) {
  const data = line.data;
  if (!isObj(data) || data.type !== "agent_progress") return;
  const copy = data.message;
  if (!isObj(copy) || !isObj(copy.message)) return;
  const message = copy.message;
  const usage = message.usage;
  if (!isObj(usage)) return;
  const messageId = str(message.id);
  if (!messageId) return;
  const ts = parseTimestamp(copy.timestamp) ?? parseTimestamp(line.timestamp);
  if (ts === void 0) return;
  const sessionId = str(line.sessionId) ?? hints.sessionId;
  const task = str(line.parentToolUseID);
  const agentId = str(data.agentId) ?? (task ? `task-${task}` : void 0);
  if (!sessionId || !agentId) return;
  const ctx = { sessionId, cwd: cleanCwd(str(line.cwd) ?? ""), agentId };
  const branch = str(line.gitBranch);
  if (branch) ctx.gitBranch = branch;
  const version = str(line.version);
  if (version) ctx.version = version;
  const requestId = str(copy.requestId);
  const key = requestId ? `${messageId}:${requestId}` : messageId;
  const model = str(message.model) ?? "unknown";
  const apiError = copy.isApiErrorMessage === true || model === "<synthetic>";
  out.push({
    kind: "model_call",
    ctx,
    ts,
    key,
    messageId,
    requestId,
    model,
    usage: usageOf(usage, usage.speed),
    stopReason: str(message.stop_reason),
    apiError,
    errorText: apiError ? firstLine(message.content) : void 0,
    parentToolUseId: task
  });
}

export {
  lineText,
  usageTotal,
  normalizeLine
};
