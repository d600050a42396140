// The `agent` label of token and cost series: which agent made a model call. Values are bounded
// (a metric label): `main`, `compact` (compaction agents), a sanitized subagent type, or `unknown`.
import { redactSecrets } from '../detection/redact.js';

export const AGENT_MAIN = 'main';
export const AGENT_COMPACT = 'compact';
export const AGENT_UNKNOWN = 'unknown';
const MAX = 40;

/** A subagent type as a label value: lowercase, `[a-z0-9_-]` only (others become `_`), at most 40 characters. */
export function agentTypeLabel(raw: string): string {
  // Redacted before lower-casing: a lower-cased token is no longer found by the patterns.
  const v = redactSecrets(raw).trim().toLowerCase().replace(/[^a-z0-9_-]+/g, '_').slice(0, MAX);
  return v.replace(/_/g, '') ? v : AGENT_UNKNOWN;
}

/** Compaction agents write `agent-acompact-<id>.jsonl`. */
export const isCompactionAgent = (agentId: string): boolean => agentId.startsWith('acompact');

/** Tools that start a subagent (their input's `subagent_type` names it). */
export const isAgentTool = (name: string): boolean => name === 'Task' || name === 'Agent';
