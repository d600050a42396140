// The one redaction step for everything that leaves ccotel (span attributes and events, metric
// labels, logs, trace files, `audit`, the state). Secrets become `[REDACTED:<kind>]`.
//
// Precision matters as much as recall: a pattern fires only where that secret really occurs (a `-p`
// flag is a standalone argument of a mysql-like command, never the inside of `spotter-plugin`), and
// text with no secret comes back unchanged. Cost must stay linear in the input: every pattern starts
// at a boundary its first repeated class cannot cross (so a long run of look-alike characters is
// scanned once, not once per start position), repeats are bounded, and nothing nests quantifiers.
// bench/redact.ts measures the worst inputs.

export interface SecretPattern {
  kind: string;
  re: RegExp;
  /** Keep capture group 1 (the lead-in: header name, flag, `user:`) and replace the rest. */
  keepLead?: boolean;
  /**
   * Every match holds one of these (lower-case ASCII words the pattern spells out, in any case):
   * text without any of them is not searched with `re`, whose lookbehinds and bounded repeats cost
   * far more per character than a substring search of the lower-cased text.
   */
  words?: readonly string[];
}

// "Not inside a token": the match may not continue a run of these characters.
const NB = '(?<![A-Za-z0-9_-])';
// An assignment or flag value: quoted, or unquoted up to whitespace or a shell separator.
// Values that are shell expansions (`$VAR`, `$(cmd)`, `"${X}"`) hold no secret and are kept.
const VALUE = `("(?!\\$[A-Za-z_{(])[^"\\n]{1,512}"|'[^'\\n]{1,512}'|(?![$"'])[^\\s;&|'"\`<>]{1,512})`;
// A code reference is not a secret either: `api_key: anthropic_api_key()`, `token = config.token`.
const NOT_CODE = '(?![A-Za-z_][A-Za-z0-9_.]{0,200}\\()';
const NOT_NAME = '(?![A-Za-z_][A-Za-z_.]{0,200}(?![A-Za-z0-9_.]))';
/** The value of `name: value` (YAML, JSON, code): quoted, or an unquoted literal that is not an identifier. */
const COLON_VALUE = `("(?!\\$[A-Za-z_{(])[^"\\n]{1,512}"|'[^'\\n]{1,512}'|(?![$"'])${NOT_CODE}${NOT_NAME}[^\\s;&|'"\`<>,(){}[\\]]{1,512})`;

const BUILTIN: SecretPattern[] = [
  // Private key blocks run to their END line, or to the end of the text when cut.
  { kind: 'private-key', re: /-----BEGIN [A-Z0-9 ]{0,40}PRIVATE KEY( BLOCK)?-----[\s\S]*?(?:-----END [A-Z0-9 ]{0,40}PRIVATE KEY( BLOCK)?-----|$)/g },
  { kind: 'anthropic-key', re: new RegExp(`${NB}sk-ant-[A-Za-z0-9_-]{20,400}`, 'g') },
  { kind: 'openai-key', re: new RegExp(`${NB}sk-(?:proj-|svcacct-|admin-|None-)?[A-Za-z0-9_-]{20,400}`, 'g') },
  { kind: 'aws-access-key', re: /(?<![A-Z0-9])(?:AKIA|ASIA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA|ABIA|ACCA)[A-Z0-9]{16}(?![A-Z0-9])/g },
  { kind: 'github-token', re: new RegExp(`${NB}(?:gh[pousr]_[A-Za-z0-9]{30,255}|github_pat_[A-Za-z0-9_]{22,255})`, 'g') },
  { kind: 'gitlab-token', re: new RegExp(`${NB}(?:glpat|gldt|glrt|glptt|glft|glsoat|glcbt|gloas)-[A-Za-z0-9_-]{20,255}`, 'g') },
  { kind: 'slack-webhook', re: /https:\/\/hooks\.slack\.com\/(?:services|workflows|triggers)\/[A-Za-z0-9_/-]{8,255}/g },
  { kind: 'slack-token', re: new RegExp(`${NB}xox[abposre]-[A-Za-z0-9-]{10,255}|${NB}xapp-[0-9]-[A-Za-z0-9-]{10,255}`, 'g') },
  { kind: 'stripe-key', re: new RegExp(`${NB}(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{10,255}|${NB}whsec_[A-Za-z0-9]{20,255}`, 'g') },
  { kind: 'google-api-key', re: new RegExp(`${NB}AIza[0-9A-Za-z_-]{35}(?![A-Za-z0-9_-])`, 'g') },
  { kind: 'npm-token', re: new RegExp(`${NB}npm_[A-Za-z0-9]{36}(?![A-Za-z0-9])`, 'g') },
  { kind: 'pypi-token', re: new RegExp(`${NB}pypi-AgE[A-Za-z0-9_-]{20,400}`, 'g') },
  { kind: 'jwt', re: new RegExp(`${NB}eyJ[A-Za-z0-9_-]{8,2000}\\.[A-Za-z0-9_-]{8,4000}\\.[A-Za-z0-9_-]{8,2000}`, 'g') },
  // scheme://user:password@host
  { kind: 'url-password', re: /(?<![A-Za-z0-9+.-])([a-z][a-z0-9+.-]{0,30}:\/\/(?:\[REDACTED:[a-z0-9-]{1,40}\]|[^\s/:@'"[\]]{0,128}):)[^\s/@'"]{1,256}(?=@)/gi, keepLead: true, words: ['://'] },
  // Authorization / Proxy-Authorization headers (scheme word kept: it tells a reader what was there).
  { kind: 'authorization', re: /(?<![A-Za-z0-9-])((?:proxy-)?authorization\s{0,4}:\s{0,4}(?:(?:bearer|basic|token|digest|negotiate|aws4-hmac-sha256)\s{1,4}|(?!(?:bearer|basic|token|digest|negotiate|aws4-hmac-sha256)\s)))(?!\$[A-Za-z_{(])("[^"\n]{1,1024}"|'[^'\n]{1,1024}'|[^\s'"]{1,1024})/gi, keepLead: true },
  { kind: 'bearer', re: /(?<![A-Za-z0-9_-])(bearer\s{1,4})[A-Za-z0-9._~+/=-]{12,2048}/gi, keepLead: true },
  { kind: 'basic-auth', re: /(?<![A-Za-z0-9_-])(basic\s{1,4})[A-Za-z0-9+/]{12,1024}={0,2}(?![A-Za-z0-9+/=])/gi, keepLead: true },
  // API-key headers: `X-Api-Key: …`, `api-key: …`, `Private-Token: …`.
  { kind: 'api-key-header', re: /(?<![A-Za-z0-9_-])((?:x-)?(?:api-?key|auth-token|access-token|goog-api-key|private-token|amz-security-token)\s{0,4}:\s{0,4})(?!\$[A-Za-z_{(])("[^"\n]{1,1024}"|'[^'\n]{1,1024}'|[^\s'"]{1,1024})/gi, keepLead: true, words: ['key', 'token'] },
  // `name value` forms of known tools: aws configure set aws_secret_access_key …, npm config set …_authToken …
  { kind: 'aws-secret-key', re: new RegExp(`(?<![A-Za-z0-9_])((?:aws_secret_access_key|aws_session_token|secret_access_key)["']?(?:\\s{0,4}[=:]\\s{0,4}|\\s{1,4}))${VALUE}`, 'gi'), keepLead: true },
  { kind: 'config-secret', re: new RegExp(`(?<![A-Za-z0-9_])((?:config|configure)\\s{1,4}set\\s{1,4}[^\\s=]{0,200}(?:_authToken|_auth|_password|npmAuthToken|token|password|secret)["']?(?:\\s{0,4}=\\s{0,4}|\\s{1,4}))${VALUE}`, 'gi'), keepLead: true },
  // NAME=value (and "name": value, name: value) where the name says secret. `PWD`, `OLDPWD` and
  // `PRIMARY KEY` are not: only the suffixes below, after an underscore, or the whole word.
  { kind: 'secret-assignment', re: new RegExp(`(?<![A-Za-z0-9_-])((?:[A-Za-z0-9_]{0,64}_(?:KEY|PASS|PWD|AUTH|TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIALS?)|_?AUTH_?TOKEN|API_?KEY|TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIALS?)["']?(?:=|\\s{1,4}=\\s{0,4}(?=["'])))${NOT_CODE}${VALUE}`, 'gi'), keepLead: true, words: ['key', 'pass', 'pwd', 'auth', 'token', 'secret', 'credential'] },
  { kind: 'secret-assignment', re: new RegExp(`(?<![A-Za-z0-9_])((?:[A-Za-z0-9_]{0,64}_)?(?:api_?key|access_?key|secret_?key|private_?key|auth_?token|access_?token|token|secret|password|passwd)["']?\\s{0,4}:\\s{0,4})${COLON_VALUE}`, 'gi'), keepLead: true, words: ['key', 'token', 'secret', 'pass'] },
  // --password X, --password=X, --api-key X, -storepass X; never a value that is another flag.
  { kind: 'secret-flag', re: new RegExp(`(?<![A-Za-z0-9_-])(--?(?:[a-z0-9]{1,20}-){0,3}(?:password|passwd|passphrase|token|secret|api-?key|apikey|auth-token|access-token|storepass|keypass|passin|passout)(?:=|\\s{1,4}))(?!-)${VALUE}`, 'gi'), keepLead: true, words: ['pass', 'token', 'secret', 'key'] },
  // mysql -u root -pSECRET (a standalone argument of a mysql-like command), sshpass -p SECRET.
  { kind: 'password-flag', re: /(?<![A-Za-z0-9_-])((?:mysql|mysqldump|mysqladmin|mysqlimport|mysqlcheck|mysqlshow|mysqlpump|mysqlsh|mariadb|mariadb-dump|mariadb-admin)(?=\s)[^\n;&|]{0,200}?\s-p)("[^"\n]{1,256}"|'[^'\n]{1,256}'|[^\s'"]{1,256})/g, keepLead: true },
  { kind: 'password-flag', re: /(?<![A-Za-z0-9_-])(sshpass\s{1,4}-p\s{0,4})("[^"\n]{1,256}"|'[^'\n]{1,256}'|[^\s'"]{1,256})/g, keepLead: true },
  // curl -u user:pass / --user user:pass (also wget --user, httpie -a/--auth).
  { kind: 'basic-auth', re: /(?<![A-Za-z0-9_-])((?:curl|wget|http|https|xh)(?=\s)[^\n;&|]{0,200}?\s(?:-u|--user|-a|--auth|--proxy-user|-U)(?:\s{1,4}|=)["']?[^\s:'"]{1,128}:)[^\s'"]{1,256}/g, keepLead: true, words: ['curl', 'wget', 'http', 'xh'] },
];

let extra: SecretPattern[] = [];

/** Adds the user's own patterns (config `redaction.patterns`), already validated. */
export function configureRedaction(patterns: ReadonlyArray<{ name: string; regex: string }>): void {
  extra = patterns.map((p) => ({ kind: p.name, re: new RegExp(p.regex, 'g') }));
}

function patterns(): SecretPattern[] {
  return extra.length > 0 ? [...BUILTIN, ...extra] : BUILTIN;
}

/**
 * Replaces every secret in `text` by `[REDACTED:<kind>]`. Text without a secret is returned as is.
 * `byWords` false searches every pattern everywhere (the same result, slower: tests compare both).
 */
export function redactSecrets(text: string, byWords = true): string {
  let out = text;
  // The patterns' words are looked for in the text lower-cased once (again only after a
  // replacement). ASCII letters stay next to each other whatever else lower-casing does (a few
  // non-ASCII letters lower-case to ASCII: only more texts pass), so a match's word is always found.
  let words: WordTest | undefined;
  for (const p of patterns()) {
    if (byWords && p.words !== undefined && !(words ??= wordTest(out))(p.words)) continue;
    p.re.lastIndex = 0;
    if (!p.re.test(out)) continue;
    p.re.lastIndex = 0;
    const marker = `[REDACTED:${p.kind}]`;
    // A value an earlier, more specific pattern already replaced keeps its kind (`x-api-key: sk-ant-…`
    // says anthropic-key, not api-key-header).
    out = p.keepLead ? out.replace(p.re, (m: string, lead: string) => (/^["']?\[REDACTED:/.test(m.slice(lead.length)) ? m : lead + marker)) : out.replace(p.re, marker);
    words = undefined;
  }
  return out;
}

type WordTest = (words: readonly string[]) => boolean;

/** Whether a text holds one of some words, each word searched for at most once per text. */
function wordTest(text: string): WordTest {
  const lower = text.toLowerCase();
  const seen = new Map<string, boolean>();
  const has = (w: string): boolean => {
    let r = seen.get(w);
    if (r === undefined) seen.set(w, (r = lower.includes(w)));
    return r;
  };
  return (words) => words.some(has);
}

/** The kinds of secret in `text` (empty when none), without building the redacted copy. */
export function findSecretKinds(text: string, byWords = true): string[] {
  const kinds: string[] = [];
  let words: WordTest | undefined;
  for (const p of patterns()) {
    if (byWords && p.words !== undefined && !(words ??= wordTest(text))(p.words)) continue;
    p.re.lastIndex = 0;
    if (p.re.test(text) && !kinds.includes(p.kind)) kinds.push(p.kind);
  }
  return kinds;
}

/** How many characters past a cut redaction looks, so a secret straddling the cut is still caught. */
export const REDACT_MARGIN = 2048;

/**
 * Cut first, then redact what is kept: the first `max` characters (plus `…` when cut) with every
 * secret in them, or straddling the cut, replaced. Never runs patterns over more than max + margin.
 */
export function redactCut(text: string, max: number): string {
  if (text.length <= max) return redactSecrets(text);
  const clean = redactSecrets(text.slice(0, max + REDACT_MARGIN));
  return clean.slice(0, max) + '…';
}

/** Checks a user pattern: it must compile and may not nest quantifiers (they can take exponential time). */
export function checkUserPattern(regex: string): string | undefined {
  try {
    new RegExp(regex, 'g');
  } catch (err) {
    return `invalid regular expression: ${(err as Error).message}`;
  }
  if (/\((?:[^()\\]|\\.)*[+*}](?:[^()\\]|\\.)*\)[+*{]/.test(regex)) return 'nested quantifier (a repeated group that itself repeats) can take exponential time; rewrite without it';
  if (new RegExp(regex).test('')) return 'matches the empty string';
  return undefined;
}
