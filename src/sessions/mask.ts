// The index keeps free text, where a credential has no telltale context (`my key is X`) for the
// redaction patterns to catch. So, for the index only, every long token that looks random (letters
// mixed with digits) is masked too. Searching for such a token is rare; leaking one is not an option.
// A token: a run of at least 16 of [A-Za-z0-9+/=_~.-] (the test keeps that regular expression as the reference).

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

// The characters of a token (TOKEN's class), by char code.
const IN_TOKEN = new Uint8Array(128);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=_~.-') IN_TOKEN[c.charCodeAt(0)] = 1;
const MIN = 16;

const inToken = (text: string, i: number): boolean => {
  const c = text.charCodeAt(i);
  return c < 128 && IN_TOKEN[c] === 1;
};

/**
 * What TOKEN's replace gives, found without the regular expression: a token is a maximal run of
 * those characters, 16 or more. Most text is short words, so the scan looks 15 characters ahead
 * first: a character there outside the class means no token covers any of the 16 before it (the
 * regular expression tried each start, ~a fifth of the index's cost of masking).
 */
export function maskTokens(text: string): string {
  const n = text.length;
  let out = '';
  let from = 0;
  // `i` is always where a run could start (the text's start or just after a character outside the class).
  let i = 0;
  while (i + MIN <= n) {
    const j = i + MIN - 1;
    if (!inToken(text, j)) {
      i = j + 1;
      continue;
    }
    // The run that holds j: where it starts (not before i), and whether it reaches back to i.
    let k = j;
    while (k > i && inToken(text, k - 1)) k--;
    if (k > i) {
      i = k;
      continue;
    }
    let end = j + 1;
    while (end < n && inToken(text, end)) end++;
    const t = text.slice(i, end);
    const m = maskToken(t);
    if (m !== t) {
      out += text.slice(from, i) + m;
      from = end;
    }
    i = end + 1;
  }
  return from === 0 ? text : out + text.slice(from);
}

function maskToken(t: string): string {
  // Paths and dotted names keep their readable parts; only the random-looking segments go.
  if (!looksRandom(t)) return t;
  const parts = t.split(/([/.])/);
  // Base64 holds `/` too: a random-looking piece of 6+ characters goes with the whole token.
  if (parts.some((p) => p.length >= 6 && looksRandom(p) && /[A-Z]/.test(p) && /[a-z]/.test(p))) return '[MASKED]';
  const out = parts.map((p) => (p.length >= 16 && looksRandom(p) ? '[MASKED]' : p));
  return out.join('');
}
