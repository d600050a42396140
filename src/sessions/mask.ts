// The index keeps free text, where a credential has no telltale context (`my key is X`) for the
// redaction patterns to catch. So, for the index only, every long token that looks random (letters
// mixed with digits) is masked too. Searching for such a token is rare; leaking one is not an option.
const TOKEN = /[A-Za-z0-9+/=_~.-]{16,}/g;

const CAMEL = /^[A-Z]?[a-z]+(?:[A-Z][a-z]+)*$/;

function looksRandom(t: string): boolean {
  // One pass over the characters (this runs on every long token of the index's text).
  let digits = 0;
  let letters = 0;
  let upper = false;
  let lower = false;
  for (let i = 0; i < t.length; i++) {
    const c = t.charCodeAt(i);
    if (c >= 48 && c <= 57) digits++;
    else if (c >= 65 && c <= 90) (letters++, (upper = true));
    else if (c >= 97 && c <= 122) (letters++, (lower = true));
  }
  if (digits >= 1 && letters >= 2) return true;
  // Mixed case with no digit at all: random too when long (a generated password, a webhook path).
  return t.length >= 16 && upper && lower && !CAMEL.test(t);
}

export function maskTokens(text: string): string {
  return text.replace(TOKEN, (t) => {
    // Paths and dotted names keep their readable parts; only the random-looking segments go.
    if (!looksRandom(t)) return t;
    const parts = t.split(/([/.])/);
    // Base64 holds `/` too: a random-looking piece of 6+ characters goes with the whole token.
    if (parts.some((p) => p.length >= 6 && looksRandom(p) && /[A-Z]/.test(p) && /[a-z]/.test(p))) return '[MASKED]';
    const out = parts.map((p) => (p.length >= 16 && looksRandom(p) ? '[MASKED]' : p));
    return out.join('');
  });
}
