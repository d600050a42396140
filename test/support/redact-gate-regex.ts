// The redaction literal gate as it was before literal-gate.ts (one regex lookahead at every
// position, longest literal first), kept as the reference the automaton is tested against
// (test/redact-gate-diff.test.ts): the same gate decisions and the same redacted text, on every text.
import { BUILTIN_PATTERNS, type SecretPattern } from '../../src/detection/redact.js';

const lits = [...new Set(BUILTIN_PATTERNS.flatMap((p) => (p.any ?? []).map((l) => l.toLowerCase())))].sort((a, b) => b.length - a.length || (a < b ? -1 : 1));
const re = new RegExp(`(?=(${lits.map((l) => l.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')).join('|')}))`, 'gi');
const holding = new Map<SecretPattern, ReadonlySet<string>>();
for (const p of BUILTIN_PATTERNS) if (p.any) holding.set(p, new Set(lits.filter((c) => p.any!.some((l) => c.includes(l.toLowerCase())))));

/** The old gate: whether each pattern can match `text`. */
export function regexMayMatch(text: string): (p: SecretPattern) => boolean {
  let seen: Set<string> | undefined;
  return (p) => {
    const need = holding.get(p);
    if (!need) return true;
    if (p.also !== undefined && !text.includes(p.also)) return false;
    if (!seen) {
      seen = new Set();
      for (const m of text.matchAll(re)) seen.add(m[1]!.toLowerCase());
    }
    for (const c of seen) if (need.has(c)) return true;
    return false;
  };
}

/** redactSecrets as it was, with the old gate (built-in patterns only). */
export function regexGatedRedact(text: string): string {
  let out = text;
  let may = regexMayMatch(out);
  for (const p of BUILTIN_PATTERNS) {
    if (!may(p)) continue;
    const r = new RegExp(p.re.source, p.re.flags);
    if (!r.test(out)) continue;
    r.lastIndex = 0;
    const marker = `[REDACTED:${p.kind}]`;
    out = p.keepLead ? out.replace(r, (m: string, lead: string) => (/^["']?\[REDACTED:/.test(m.slice(lead.length)) ? m : lead + marker)) : out.replace(r, marker);
    may = regexMayMatch(out);
  }
  return out;
}
