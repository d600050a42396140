// The literal gate's automaton (src/detection/literal-gate.ts) against the regex gate it replaced
// (test/support/redact-gate-regex.ts): on thousands of generated texts (literals and their prefixes
// run together, so matches overlap and restart; random case; Unicode that folds to ASCII letters in
// other modes; literals at the start and the very end) and hand-made edge cases, every gate decision
// and every redacted text must be the same. The corpus is checked to hold, for every literal of every
// pattern, a text where it is the only one of its pattern's literals: missing any one literal fails.
import { describe, expect, it } from 'vitest';
import { BUILTIN_PATTERNS, mayMatch, redactSecrets } from '../src/detection/redact.js';
import { literalScan } from '../src/detection/literal-gate.js';
import { regexGatedRedact, regexMayMatch } from './support/redact-gate-regex.js';
import { prng, type Rng } from './support/prng.js';
import { SecretFactory } from './support/secrets.js';

const LITERALS = [...new Set(BUILTIN_PATTERNS.flatMap((p) => p.any ?? []))];
const ALSO = [...new Set(BUILTIN_PATTERNS.flatMap((p) => (p.also ? [p.also] : [])))];
// Characters that fold to ASCII letters elsewhere (Kelvin sign, long s, dotless i, fullwidth, Turkish
// İ), other non-ASCII, a surrogate pair, and the ASCII that separates tokens.
const ODD = ['\u212A', '\u017F', '\u0131', '\u0130', '\uFF4B', '\uFF45', 'é', 'ß', 'Σ', '😀', '\u0000', '\n', '\t', ' ', '"', "'", '=', ':', '@', '-', '_', '/', '.', '$'];
const SECRETS = [1, 2].flatMap((seed) => new SecretFactory(seed).all().map((s) => s.text));

function randomCase(r: Rng, s: string): string {
  const mode = r.int(0, 3);
  if (mode === 0) return s;
  if (mode === 1) return s.toUpperCase();
  return [...s].map((c) => (r.chance(0.5) ? c.toUpperCase() : c.toLowerCase())).join('');
}

function piece(r: Rng): string {
  const lit = r.pick(LITERALS);
  switch (r.int(0, 7)) {
    case 0:
    case 1:
      return randomCase(r, lit);
    case 2: // a prefix: the automaton must fall back and still find what follows
      return randomCase(r, lit.slice(0, r.int(1, Math.max(1, lit.length - 1))));
    case 3: // a literal broken by one odd character
      return lit.slice(0, 1) + r.pick(ODD) + lit.slice(1);
    case 4:
      return r.pick(ODD);
    case 5:
      return r.pick(SECRETS);
    case 6:
      return String.fromCharCode(r.int(32, 126)).repeat(r.int(1, 3));
    default:
      return r.pick(ALSO);
  }
}

function generated(seed: number, n: number): string[] {
  const r = prng(seed);
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const parts: string[] = [];
    for (let k = r.int(0, 12); k > 0; k--) parts.push(piece(r));
    out.push(parts.join(r.chance(0.5) ? '' : r.pick([' ', '\n', '', 'x'])));
  }
  return out;
}

/** For each literal: texts where it is the only literal of its pattern (with the pattern's `also`), alone, at the start and at the end. */
function eachLiteralAlone(): string[] {
  const out: string[] = [];
  for (const p of BUILTIN_PATTERNS) {
    for (const l of p.any ?? []) {
      const also = p.also ?? '';
      out.push(l, `${l}${also}`, `${also}${l}`, `${also} zz ${l.toUpperCase()}`, `é${l}`, `${l}😀${also}`, `qq${also}q${randomCase(prng(l.length), l)}`);
    }
  }
  return out;
}

const EDGE: string[] = [
  '',
  'k',
  'key',
  'KEY',
  'ke',
  '\u212Aey', // Kelvin sign: not `key` in a non-Unicode regex either
  'pa\u017F\u017F=', // long s: not `pass`
  'sk-an',
  'sk-ant',
  'sk-ant-',
  'xsk-ant-', // a literal inside a longer word
  'sshpassw=', // sshpass and passw overlapping
  'glpglpat-', // a restart in the middle of a literal
  'aaws_session_token',
  'secret_access_keyauthorization:',
  'https://hooks.slack.com/', // holds http and :// too
  'https://hooks.slack.co',
  'httpxhttp',
  'basicbearerbasic',
  '-----BEGIN -----BEGIN',
  '----BEGIN ',
  'pypi-agepypi-AgE',
  'eyJeyJ',
  'AKIASIAKIA',
  'credentialcredentia',
  'token=' + 'é'.repeat(5000) + 'key',
  'a'.repeat(10_000) + 'passw',
  'mysql -u root -phunter2',
  'MARIADB -u root -pHUNTER2',
  'curl -u bob:pw x',
  'API_KEY=abc; Authorization: Bearer abcdefghijklmnop',
  '😀key=😀',
  'x'.repeat(3) + '\uD83D' + 'token=abc', // a lone surrogate
];

describe('redaction gate: automaton vs the regex gate', () => {
  const texts = [...EDGE, ...eachLiteralAlone(), ...[1, 2, 3, 4, 5].flatMap((s) => generated(s, 2000))];

  it('the corpus makes every literal decide its pattern somewhere (dropping one would be seen)', () => {
    for (const p of BUILTIN_PATTERNS) {
      for (const l of p.any!) {
        const alone = texts.some((t) => {
          const low = t.toLowerCase();
          return low.includes(l.toLowerCase()) && p.any!.every((o) => o === l || !low.includes(o.toLowerCase())) && (p.also === undefined || t.includes(p.also));
        });
        expect(alone, `${p.kind} ${l}`).toBe(true);
      }
    }
  });

  it('gives the same decision for every pattern on every text', () => {
    let open = 0;
    let shut = 0;
    for (const t of texts) {
      const a = mayMatch(t);
      const b = regexMayMatch(t);
      for (const p of BUILTIN_PATTERNS) {
        const got = a(p);
        if (got !== b(p)) expect.fail(`${p.kind} (${p.any!.join(' ')}): automaton ${got}, regex ${b(p)} on ${JSON.stringify(t.slice(0, 300))}`);
        if (got) open++;
        else shut++;
      }
    }
    // Both outcomes are well represented.
    expect(open).toBeGreaterThan(texts.length);
    expect(shut).toBeGreaterThan(texts.length * 5);
  });

  it('redacts every text exactly as before', () => {
    let changed = 0;
    for (const t of texts) {
      const got = redactSecrets(t);
      expect(got, JSON.stringify(t.slice(0, 300))).toBe(regexGatedRedact(t));
      if (got !== t) changed++;
    }
    expect(changed).toBeGreaterThan(1000);
  });

  it('finds groups by bit past the first word, ignoring ASCII case only', () => {
    const groups = Array.from({ length: 40 }, (_, i) => [`w${i}x`]);
    groups[35] = ['ab', 'bc-'];
    const s = literalScan(groups);
    expect(s.words).toBe(2);
    const bits = (t: string): number[] => {
      const f = s.scan(t);
      return groups.map((_, i) => i).filter((i) => (f[i >> 5]! & (1 << (i & 31))) !== 0);
    };
    expect(bits('W33X w1x')).toEqual([1, 33]);
    expect(bits('aBC-')).toEqual([35]);
    expect(bits('a\u212Ab')).toEqual([]);
    expect(bits('w39')).toEqual([]);
    expect(bits('w39X')).toEqual([39]);
    expect(() => literalScan([['k\u212A']])).toThrow(/not ASCII/);
  });
});
