// Deterministic trace and span ids: the same session, message or tool call always maps to the same
// id, so a re-export after a crash or --reset-state lands as the same spans, not new ones.
import { hash } from 'node:crypto';

function hex(kind: string, key: string, chars: number): string {
  // One-shot hash: the same digest as createHash().update(kind).update('\0').update(key), at a third
  // of the cost (a backfill computes a few ids per span: ~0.4 s of 7.5 s before).
  const h = hash('sha256', `${kind}\0${key}`, 'hex').slice(0, chars);
  // All-zero ids are invalid in OTLP; astronomically unlikely, but cheap to rule out (the pattern
  // only for the one id in 16 that starts with a zero).
  return h.charCodeAt(0) === 48 && /^0+$/.test(h) ? '1'.padStart(chars, '0') : h;
}

/**
 * Every span asks for its session's trace id, a tool's link its call's chat span id again: the ids of
 * the last few hundred keys are kept (a third of the hashing a backfill did).
 */
function recent(kind: string, chars: number): (key: string) => string {
  const ids = new Map<string, string>();
  return (key) => {
    let id = ids.get(key);
    if (id === undefined) {
      if (ids.size >= 512) ids.clear();
      ids.set(key, (id = hex(kind, key, chars)));
    }
    return id;
  };
}
const traceIds = recent('trace', 32);
const sessionIds = recent('session', 16);

/**
 * Span ids of a session's recent keys, by session, then key. Chat span ids are asked by the call's
 * span and again by each tool call it made; a subagent's by each of its calls and tools. Two maps,
 * not one keyed by `session/key`: a key made for each question had to be copied and hashed again
 * each time, which cost more than the map lookups.
 */
function recentOfSession(kind: string): (sessionId: string, key: string) => string {
  const sessions = new Map<string, Map<string, string>>();
  return (sessionId, key) => {
    let ids = sessions.get(sessionId);
    if (ids === undefined) {
      if (sessions.size >= 64) sessions.clear();
      sessions.set(sessionId, (ids = new Map()));
    }
    let id = ids.get(key);
    if (id === undefined) {
      if (ids.size >= 512) ids.clear();
      ids.set(key, (id = hex(kind, `${sessionId}/${key}`, 16)));
    }
    return id;
  };
}
const chatIds = recentOfSession('chat');
const agentIds = recentOfSession('agent');

export const traceIdFor = (sessionId: string): string => traceIds(sessionId);
export const sessionSpanId = (sessionId: string): string => sessionIds(sessionId);
export const turnSpanId = (sessionId: string, promptKey: string): string => hex('turn', `${sessionId}/${promptKey}`, 16);
export const chatSpanId = (sessionId: string, callKey: string): string => chatIds(sessionId, callKey);
export const toolSpanId = (sessionId: string, toolUseId: string): string => hex('tool', `${sessionId}/${toolUseId}`, 16);
export const agentSpanId = (sessionId: string, agentId: string): string => agentIds(sessionId, agentId);
/** A short digest of a model call key: what a closed session keeps to never send that call twice. */
export const callDigest = (callKey: string): string => hex('call', callKey, 12);
/** A short digest of a prompt's uuid: what a session keeps to open each turn once. */
export const promptDigest = (uuid: string): string => hex('prompt', uuid, 12);
