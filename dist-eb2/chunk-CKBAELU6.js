import { createRequire as __cr } from 'module'; const require = __cr(import.meta.url);

// src/export/traces/ids.ts
import { createHash } from "node:crypto";
function hex(kind, key, chars) {
  const h = createHash("sha256").update(kind).update("\0").update(key).digest("hex").slice(0, chars);
  return /^0+$/.test(h) ? "1".padStart(chars, "0") : h;
}
var traceIdFor = (sessionId) => hex("trace", sessionId, 32);
var sessionSpanId = (sessionId) => hex("session", sessionId, 16);
var turnSpanId = (sessionId, promptKey) => hex("turn", `${sessionId}/${promptKey}`, 16);
var chatSpanId = (sessionId, callKey) => hex("chat", `${sessionId}/${callKey}`, 16);
var toolSpanId = (sessionId, toolUseId) => hex("tool", `${sessionId}/${toolUseId}`, 16);
var agentSpanId = (sessionId, agentId) => hex("agent", `${sessionId}/${agentId}`, 16);
var callDigest = (callKey) => hex("call", callKey, 12);

export {
  traceIdFor,
  sessionSpanId,
  turnSpanId,
  chatSpanId,
  toolSpanId,
  agentSpanId,
  callDigest
};
