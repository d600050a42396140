// One hook payload (the JSON Claude Code gives a hook on stdin, spooled by hooks/ccotel-hook.sh)
// → a HookEvent. Field names are in ../../docs/hooks.md; unknown events are kept by name (newer
// Claude Code versions add some), a payload that is not a JSON object with a session id is rejected.
import type { HookEvent, HookToolInfo } from './events.js';
import { redactLabel, redactSecrets } from '../detection/redact.js';

const TOOL_EVENTS: Record<string, HookToolInfo['phase']> = { PreToolUse: 'pre', PostToolUse: 'post', PostToolUseFailure: 'failure' };
/** Payload fields copied into `detail` (all short, label-like values). */
const DETAIL_FIELDS = ['notification_type', 'trigger', 'source', 'reason', 'agent_type', 'permission_mode', 'tool_name', 'decision'];
/** Boolean payload fields copied into `detail` as "true"/"false" (Stop, SubagentStop). */
const FLAG_FIELDS = ['stop_hook_active'];

export type HookParse = { ok: true; event: HookEvent } | { ok: false; reason: string };

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const size = (v: unknown): number => (v === undefined ? 0 : typeof v === 'string' ? v.length : JSON.stringify(v)?.length ?? 0);

/**
 * `ts` is the hook's time (epoch ms); `transcriptExists` says whether the transcript the payload
 * names is on this machine (injected: tests and the activity import decide it themselves).
 */
export function parseHookPayload(id: string, ts: number, text: string, transcriptExists: (path: string) => boolean): HookParse {
  let p: unknown;
  try {
    p = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'not JSON' };
  }
  if (p === null || typeof p !== 'object' || Array.isArray(p)) return { ok: false, reason: 'not a JSON object' };
  const o = p as Record<string, unknown>;
  const sessionId = str(o.session_id);
  const event = str(o.hook_event_name);
  if (!sessionId) return { ok: false, reason: 'no session_id' };
  if (!event) return { ok: false, reason: 'no hook_event_name' };
  const transcriptPath = str(o.transcript_path);
  const detail: Record<string, string> = {};
  for (const f of DETAIL_FIELDS) {
    const v = o[f];
    // Labels and span attributes: redacted like the transcript's strings (model/normalize.ts).
    if (typeof v === 'string' && v.length <= 200) detail[f] = redactSecrets(v);
  }
  for (const f of FLAG_FIELDS) if (typeof o[f] === 'boolean') detail[f] = String(o[f]);
  const out: HookEvent = {
    kind: 'hook',
    ctx: { sessionId, cwd: redactLabel(str(o.cwd) ?? ''), agentId: str(o.agent_id) },
    ts,
    id,
    event,
    transcript: transcriptPath !== undefined && transcriptExists(transcriptPath),
    detail,
  };
  const phase = TOOL_EVENTS[event];
  if (phase) {
    const toolId = str(o.tool_use_id);
    const raw = str(o.tool_name);
    const name = raw && redactSecrets(raw);
    if (!toolId || !name) return { ok: false, reason: `${event} without tool_use_id or tool_name` };
    const input = o.tool_input !== null && typeof o.tool_input === 'object' && !Array.isArray(o.tool_input) ? (o.tool_input as Record<string, unknown>) : {};
    out.tool = { phase, id: toolId, name, input, inputChars: size(o.tool_input) };
    if (phase === 'post') out.tool.resultChars = size(o.tool_response);
    if (phase === 'failure') {
      out.tool.errorText = (str(o.error) ?? 'tool failed').split('\n')[0]!.slice(0, 300);
      if (o.is_interrupt === true) out.tool.interrupt = true;
    }
  }
  if (event === 'UserPromptSubmit') out.promptChars = size(o.prompt);
  return { ok: true, event: out };
}

/** Estimated tokens (about 4 characters per token, the monitoring guide's rule). */
export const estimateTokens = (chars: number): number => Math.ceil(chars / 4);

/**
 * What a hook event says about tokens of a session with no transcript here: the prompt and tool
 * results were model input, tool inputs were model output.
 */
export function hookEstimate(e: HookEvent): { input: number; output: number } | undefined {
  if (e.transcript) return undefined;
  if (e.promptChars !== undefined) return { input: estimateTokens(e.promptChars), output: 0 };
  const t = e.tool;
  if (!t) return undefined;
  if (t.phase === 'pre') return { input: 0, output: estimateTokens(t.inputChars) };
  if (t.phase === 'post') return { input: estimateTokens(t.resultChars ?? 0), output: 0 };
  return { input: estimateTokens(t.errorText?.length ?? 0), output: 0 };
}
