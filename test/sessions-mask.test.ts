// The sessions index masks every long token that looks random (src/sessions/mask.ts): free text has
// no context for the redaction patterns to catch `my key is X`. The character counting was rewritten
// for speed; this pins its behaviour to the definition it had (regular expressions), on chosen
// cases and on 20,000 generated tokens and sentences.
import { describe, expect, it } from 'vitest';
import { maskTokens } from '../src/sessions/mask.js';
import { prng } from './support/prng.js';

// The definition, as written before (test/ keeps it as the reference).
const TOKEN = /[A-Za-z0-9+/=_~.-]{16,}/g;
function looksRandomRef(t: string): boolean {
  const digits = t.replace(/[^0-9]/g, '').length;
  const letters = t.replace(/[^A-Za-z]/g, '').length;
  if (digits >= 1 && letters >= 2) return true;
  return t.length >= 16 && /[A-Z]/.test(t) && /[a-z]/.test(t) && !/^[A-Z]?[a-z]+(?:[A-Z][a-z]+)*$/.test(t);
}
function maskRef(text: string): string {
  return text.replace(TOKEN, (t) => {
    if (!looksRandomRef(t)) return t;
    const parts = t.split(/([/.])/);
    if (parts.some((p) => p.length >= 6 && looksRandomRef(p) && /[A-Z]/.test(p) && /[a-z]/.test(p))) return '[MASKED]';
    return parts.map((p) => (p.length >= 16 && looksRandomRef(p) ? '[MASKED]' : p)).join('');
  });
}

describe('maskTokens', () => {
  it('masks random-looking tokens and keeps words, paths and names', () => {
    expect(maskTokens('my key is AKIAIOSFODNN7EXAMPLE ok')).toBe('my key is [MASKED] ok');
    expect(maskTokens('see /home/dev/projects/app-0/src/index.ts')).toBe('see /home/dev/projects/app-0/src/index.ts');
    expect(maskTokens('password XkqPWLmZtrBvNSQe here')).toBe('password [MASKED] here');
    expect(maskTokens('a camelCase run XkqPwLmZtrBvNsQe stays')).toBe('a camelCase run XkqPwLmZtrBvNsQe stays');
    expect(maskTokens('call getElementByIdentifier now')).toBe('call getElementByIdentifier now');
    expect(maskTokens('übersetzung 日本語 AbCdEfGh12345678zz')).toBe('übersetzung 日本語 [MASKED]');
  });

  it('gives exactly what its definition gives, on 20,000 generated texts', () => {
    const r = prng(8);
    const alphabets = ['abcdefghijklmnopqrstuvwxyz', 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', '0123456789', '+/=_~.-', ' ,:;!é日'];
    for (let i = 0; i < 20_000; i++) {
      // Runs from a few alphabets at a time: words, camelCase, digits, base64, paths, dotted names.
      const use = alphabets.filter(() => r.chance(0.5));
      const chars = [...(use.length > 0 ? use : alphabets).join('')];
      let text = '';
      const len = r.int(0, 59);
      for (let j = 0; j < len; j++) text += r.pick(chars);
      expect(maskTokens(text), JSON.stringify(text)).toBe(maskRef(text));
    }
  });

  it('gives what its definition gives on long texts: tokens at either end, side by side, runs of 15, 16 and 17', () => {
    // The scan looks 15 characters ahead and skips what no token can cover: runs of every length
    // around 16, separated by one character or none of the class, at the start and the end.
    const r = prng(9);
    const tokenChars = [...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+/=_~.-'];
    const gaps = [' ', '\n', ',', 'é', '日', '"', '\u{1F600}'];
    for (let i = 0; i < 5_000; i++) {
      let text = '';
      const pieces = r.int(1, 12);
      for (let p = 0; p < pieces; p++) {
        if (p > 0 || r.chance(0.3)) for (let g = r.int(1, 3); g > 0; g--) text += r.pick(gaps);
        const len = r.chance(0.5) ? r.int(13, 19) : r.int(1, 60);
        for (let j = 0; j < len; j++) text += r.pick(tokenChars);
      }
      if (r.chance(0.3)) text += r.pick(gaps);
      expect(maskTokens(text), JSON.stringify(text)).toBe(maskRef(text));
    }
  });
});
