// The `rules:` and `redaction:` sections of the config file, checked before anything runs: a bad
// rule stops `run`, `stats`, `doctor`, … at start with the file, the line and the reason.
import { LineCounter, parseDocument } from 'yaml';
import { BUILTIN_RULES, SEVERITIES, type Severity } from './rules.js';
import type { RuleConfig } from './engine.js';
import { checkHostPattern } from './hosts.js';
import { checkUserPattern } from './redact.js';

export interface DetectionConfig {
  rules: RuleConfig[];
  redaction: Array<{ name: string; regex: string }>;
}

/** A config mistake with its place; the caller turns it into the one-line user error. */
export class DetectionConfigError extends Error {
  constructor(
    readonly line: number | undefined,
    readonly reason: string,
  ) {
    super(reason);
  }
}

const RULE_KEYS = new Set(['id', 'tools', 'field', 'regex', 'glob', 'severity', 'allowlist', 'enabled']);
const BUILTIN_KEYS = new Set(['id', 'severity', 'allowlist', 'enabled']);

/** Validates the two sections of an already parsed config (`text` is only used to find lines). */
export function checkDetectionConfig(text: string, rules: unknown, redaction: unknown): DetectionConfig {
  let lines: ((path: Array<string | number>) => number | undefined) | undefined;
  const lineOf = (path: Array<string | number>): number | undefined => {
    if (!lines) {
      const lc = new LineCounter();
      const doc = parseDocument(text, { lineCounter: lc });
      lines = (p) => {
        for (let k = p.length; k > 0; k--) {
          const node = doc.getIn(p.slice(0, k), true) as { range?: [number, number, number] } | undefined;
          if (node && typeof node === 'object' && node.range) return lc.linePos(node.range[0]).line;
        }
        return undefined;
      };
    }
    return lines(path);
  };
  const fail = (path: Array<string | number>, reason: string): never => {
    throw new DetectionConfigError(lineOf(path), reason);
  };
  const strings = (v: unknown, path: Array<string | number>, what: string): string[] => {
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'string' || x.length === 0)) fail(path, `${what} must be a list of non-empty strings`);
    return v as string[];
  };

  const out: DetectionConfig = { rules: [], redaction: [] };
  if (rules !== undefined && rules !== null) {
    if (!Array.isArray(rules)) fail(['rules'], 'rules must be a list of rules (each with an id)');
    const seen = new Set<string>();
    (rules as unknown[]).forEach((r, i) => {
      const at = (k?: string): Array<string | number> => (k ? ['rules', i, k] : ['rules', i]);
      if (typeof r !== 'object' || r === null || Array.isArray(r)) fail(at(), `rules[${i}] must be a mapping with an id`);
      const o = r as Record<string, unknown>;
      const id = o.id;
      if (typeof id !== 'string' || !/^[a-z][a-z0-9_]{0,63}$/.test(id)) fail(at('id'), `rules[${i}]: id must be lower_snake_case (a-z, 0-9, _), got ${JSON.stringify(id)}`);
      const name = `rule "${id as string}"`;
      const builtin = BUILTIN_RULES.find((b) => b.id === id);
      for (const k of Object.keys(o)) {
        if (!RULE_KEYS.has(k)) fail(at(k), `${name}: unknown key "${k}" (known: ${[...RULE_KEYS].join(', ')})`);
        if (builtin && !BUILTIN_KEYS.has(k)) fail(at(k), `${name} is built in: it takes only severity, enabled and allowlist (give your own rule another id)`);
      }
      const rule: RuleConfig = { id: id as string };
      if (o.severity !== undefined) {
        if (!SEVERITIES.includes(o.severity as Severity)) fail(at('severity'), `${name}: severity must be one of ${SEVERITIES.join(', ')}, got ${JSON.stringify(o.severity)}`);
        rule.severity = o.severity as Severity;
      }
      if (o.enabled !== undefined) {
        if (typeof o.enabled !== 'boolean') fail(at('enabled'), `${name}: enabled must be true or false`);
        rule.enabled = o.enabled as boolean;
      }
      if (o.allowlist !== undefined) {
        rule.allowlist = strings(o.allowlist, at('allowlist'), `${name}: allowlist`);
        if (id === 'external_fetch') for (const h of rule.allowlist) { const why = checkHostPattern(h); if (why) fail(at('allowlist'), `${name}: allowlist entry ${why}`); }
      }
      if (!builtin) {
        if (seen.has(id as string)) fail(at('id'), `${name} is defined twice`);
        seen.add(id as string);
        if ((o.regex === undefined) === (o.glob === undefined)) fail(at(), `${name}: give exactly one of regex or glob`);
        if (o.regex !== undefined) {
          if (typeof o.regex !== 'string') fail(at('regex'), `${name}: regex must be a string`);
          const why = checkUserPattern(o.regex as string);
          if (why) fail(at('regex'), `${name}: regex ${why}`);
          rule.regex = o.regex as string;
        }
        if (o.glob !== undefined) {
          if (typeof o.glob !== 'string' || o.glob.length === 0) fail(at('glob'), `${name}: glob must be a non-empty string`);
          rule.glob = o.glob as string;
        }
        if (o.tools !== undefined) rule.tools = strings(o.tools, at('tools'), `${name}: tools`);
        if (o.field !== undefined) {
          if (typeof o.field !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(o.field)) fail(at('field'), `${name}: field must name a tool input field (command, file_path, url, …) or be "target"`);
          rule.field = o.field as string;
        }
      }
      out.rules.push(rule);
    });
  }
  if (redaction !== undefined && redaction !== null) {
    if (typeof redaction !== 'object' || Array.isArray(redaction)) fail(['redaction'], 'redaction must be a mapping (redaction.patterns: a list of {name, regex})');
    const r = redaction as Record<string, unknown>;
    for (const k of Object.keys(r)) if (k !== 'patterns') fail(['redaction', k], `redaction: unknown key "${k}" (known: patterns)`);
    const pats = r.patterns ?? [];
    if (!Array.isArray(pats)) fail(['redaction', 'patterns'], 'redaction.patterns must be a list of {name, regex}');
    (pats as unknown[]).forEach((p, i) => {
      const at = (k?: string): Array<string | number> => (k ? ['redaction', 'patterns', i, k] : ['redaction', 'patterns', i]);
      const o = (typeof p === 'object' && p !== null ? p : {}) as Record<string, unknown>;
      for (const k of Object.keys(o)) if (k !== 'name' && k !== 'regex') fail(at(k), `redaction.patterns[${i}]: unknown key "${k}" (known: name, regex)`);
      if (typeof o.name !== 'string' || !/^[a-z0-9][a-z0-9-]{0,39}$/.test(o.name)) fail(at('name'), `redaction.patterns[${i}]: name must be lower-case-with-dashes (it becomes [REDACTED:<name>])`);
      if (typeof o.regex !== 'string') fail(at('regex'), `redaction.patterns[${i}] "${o.name as string}": regex must be a string`);
      const why = checkUserPattern(o.regex as string);
      if (why) fail(at('regex'), `redaction.patterns[${i}] "${o.name as string}": regex ${why}`);
      out.redaction.push({ name: o.name as string, regex: o.regex as string });
    });
  }
  return out;
}
