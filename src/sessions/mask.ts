// The index keeps free text, where a credential has no telltale context (`my key is X`) for the
// redaction patterns to catch. So, for the index only, every long token that looks random (letters
// mixed with digits) is masked too. Searching for such a token is rare; leaking one is not an option.
const TOKEN = /[A-Za-z0-9+/=_~.-]{16,}/g;

function looksRandom(t: string): boolean {
  const digits = t.replace(/[^0-9]/g, '').length;
  const letters = t.replace(/[^A-Za-z]/g, '').length;
  if (digits >= 1 && letters >= 2) return true;
  // Mixed case with no digit at all: random too when long (a generated password, a webhook path).
  return t.length >= 16 && /[A-Z]/.test(t) && /[a-z]/.test(t) && !/^[A-Z]?[a-z]+(?:[A-Z][a-z]+)*$/.test(t);
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
