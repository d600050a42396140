// The built-in rule engine as it was before its prefilters (a frozen copy of src/detection/engine.ts,
// rules.ts and paths.ts): the reference test/detection-engine-diff.test.ts holds the engine to.
// Shared, not copied: redaction (src/detection/redact.ts), the shell tokenizer (shell.ts) and the host
// allowlist (hosts.ts), which the prefilters did not change. A change to the tokenizer still meets
// the reference: the rules' prefilters must then agree with the full check over the new tokenizer.
// The rule engine: built-in rules (./rules.ts) with the user's overrides, disabled rules, extended
// allowlists and own rules (config `rules:`, validated in ./rule-config.ts), applied once per tool
// call at ingest. One call may trip several rules; each counts once.
import { homedir } from 'node:os';
import { BUILTIN_RULES, VALUE_MAX, type Match, type RuleEnv, type Severity, type ToolCall } from './rules.js';
import { DEFAULT_HOST_ALLOWLIST } from '../../../src/detection/hosts.js';
import { globMatcher, resolvePath } from './paths.js';
import { redactCut } from '../../../src/detection/redact.js';

export type { Severity, ToolCall } from './rules.js';

/** One rule as the config file states it (all but `id` optional). */
export interface RuleConfig {
  id: string;
  /** Tool names the rule applies to (user rules; default all). */
  tools?: string[];
  /** Input field matched (user rules): `command`, `file_path`, `url`, … or `target` (the call's path, command or URL). */
  field?: string;
  regex?: string;
  glob?: string;
  severity?: Severity;
  allowlist?: string[];
  enabled?: boolean;
}

export interface RuleHit {
  rule: string;
  severity: Severity;
  field: string;
  /** Redacted, at most 300 characters (+ `…`). */
  value: string;
}

export type Detector = (call: ToolCall) => RuleHit[];

interface Compiled {
  id: string;
  severity: Severity;
  check: (call: ToolCall) => Match | undefined;
}

const TARGET_FIELDS = ['file_path', 'notebook_path', 'command', 'url', 'path', 'pattern', 'query'];

function fieldValue(call: ToolCall, field: string): { field: string; value: string } | undefined {
  const fields = field === 'target' ? TARGET_FIELDS : [field];
  for (const f of fields) {
    const v = call.input[f];
    if (typeof v === 'string' && v.length > 0) return { field: f, value: v };
  }
  return undefined;
}

function userRule(r: RuleConfig, env: RuleEnv): Compiled {
  const tools = r.tools && r.tools.length > 0 ? new Set(r.tools) : undefined;
  const re = r.regex !== undefined ? new RegExp(r.regex) : undefined;
  const glob = r.glob !== undefined ? globMatcher(r.glob, env.home) : undefined;
  const allow = (r.allowlist ?? []).map((g) => globMatcher(g, env.home));
  return {
    id: r.id,
    severity: r.severity ?? 'warning',
    check(call) {
      if (tools && !tools.has(call.name)) return undefined;
      const fv = fieldValue(call, r.field ?? 'target');
      if (!fv) return undefined;
      const text = fv.value.slice(0, 1 << 20);
      const path = text.length < 4096 ? resolvePath(text, call.cwd, env.home) : undefined;
      const hit = re ? re.test(text) : glob!(path ?? text) || glob!(text);
      if (!hit) return undefined;
      if (allow.some((a) => a(text) || (path !== undefined && a(path)))) return undefined;
      return { field: fv.field, value: redactCut(text, VALUE_MAX) };
    },
  };
}

/** Built-in rules adjusted by the config, then the user's own rules, in config order. */
export function createDetector(config: readonly RuleConfig[] = [], env: RuleEnv = { home: homedir() }): Detector {
  const compiled: Compiled[] = [];
  for (const b of BUILTIN_RULES) {
    const overrides = config.filter((r) => r.id === b.id);
    if (overrides.some((r) => r.enabled === false) && !overrides.some((r) => r.enabled === true)) continue;
    const severity = overrides.reduce<Severity>((s, r) => r.severity ?? s, b.severity);
    const allow = overrides.flatMap((r) => r.allowlist ?? []);
    if (b.id === 'external_fetch') allow.unshift(...DEFAULT_HOST_ALLOWLIST);
    compiled.push({ id: b.id, severity, check: (call) => b.check(call, env, allow) });
  }
  for (const r of config) if (!BUILTIN_RULES.some((b) => b.id === r.id) && r.enabled !== false) compiled.push(userRule(r, env));
  return (call) => {
    const hits: RuleHit[] = [];
    for (const c of compiled) {
      let m: Match | undefined;
      try {
        m = c.check(call);
      } catch {
        m = undefined; // a rule must never stop ingestion; a bad input is simply not a hit
      }
      if (m && !hits.some((h) => h.rule === c.id)) hits.push({ rule: c.id, severity: c.severity, field: m.field, value: m.value });
    }
    return hits;
  };
}

export const BUILTIN_RULE_IDS: readonly string[] = BUILTIN_RULES.map((b) => b.id);
