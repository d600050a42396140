// The one redaction step for everything that leaves ccotel (span attributes and events, metric
// labels, logs, trace files, `audit`, the state). Secrets become `[REDACTED:<kind>]`.
//
// Precision matters as much as recall: a pattern fires only where that secret really occurs (a `-p`
// flag is a standalone argument of a mysql-like command, never the inside of `spotter-plugin`), and
// text with no secret comes back unchanged. Cost must stay linear in the input: every pattern starts
// at a boundary its first repeated class cannot cross (so a long run of look-alike characters is
// scanned once, not once per start position), repeats are bounded, and nothing nests quantifiers.
// bench/redact.ts measures the worst inputs.
//
// Most text holds no secret, and each pattern would try every position of it. So a text is first
// scanned once for the literals the patterns need (`any`, `also`): a pattern whose literals are not
// there cannot match and is not run. On transcript text that halves the cost of redaction.
import { literalScan, type LiteralScan } from './literal-gate.js';

export interface SecretPattern {
  kind: string;
  re: RegExp;
  /** Keep capture group 1 (the lead-in: header name, flag, `user:`) and replace the rest. */
  keepLead?: boolean;
  /** Every match holds one of these (ASCII, compared ignoring case)... */
  any?: readonly string[];
  /** ...and this character. */
  also?: string;
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
  { any: ['-----BEGIN '], kind: 'private-key', re: /-----BEGIN [A-Z0-9 ]{0,40}PRIVATE KEY( BLOCK)?-----[\s\S]*?(?:-----END [A-Z0-9 ]{0,40}PRIVATE KEY( BLOCK)?-----|$)/g },
  { any: ['sk-ant-'], kind: 'anthropic-key', re: new RegExp(`${NB}sk-ant-[A-Za-z0-9_-]{20,400}`, 'g') },
  { any: ['sk-'], kind: 'openai-key', re: new RegExp(`${NB}sk-(?:proj-|svcacct-|admin-|None-)?[A-Za-z0-9_-]{20,400}`, 'g') },
  { any: ['AKIA', 'ASIA', 'AGPA', 'AIDA', 'AROA', 'AIPA', 'ANPA', 'ANVA', 'ABIA', 'ACCA'], kind: 'aws-access-key', re: /(?<![A-Z0-9])(?:AKIA|ASIA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA|ABIA|ACCA)[A-Z0-9]{16}(?![A-Z0-9])/g },
  { any: ['ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_', 'github_pat_'], kind: 'github-token', re: new RegExp(`${NB}(?:gh[pousr]_[A-Za-z0-9]{30,255}|github_pat_[A-Za-z0-9_]{22,255})`, 'g') },
  { any: ['glpat-', 'gldt-', 'glrt-', 'glptt-', 'glft-', 'glsoat-', 'glcbt-', 'gloas-'], kind: 'gitlab-token', re: new RegExp(`${NB}(?:glpat|gldt|glrt|glptt|glft|glsoat|glcbt|gloas)-[A-Za-z0-9_-]{20,255}`, 'g') },
  { any: ['https://hooks.slack.com/'], kind: 'slack-webhook', re: /https:\/\/hooks\.slack\.com\/(?:services|workflows|triggers)\/[A-Za-z0-9_/-]{8,255}/g },
  { any: ['xox', 'xapp-'], kind: 'slack-token', re: new RegExp(`${NB}xox[abposre]-[A-Za-z0-9-]{10,255}|${NB}xapp-[0-9]-[A-Za-z0-9-]{10,255}`, 'g') },
  { any: ['sk_live_', 'sk_test_', 'rk_live_', 'rk_test_', 'whsec_'], kind: 'stripe-key', re: new RegExp(`${NB}(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{10,255}|${NB}whsec_[A-Za-z0-9]{20,255}`, 'g') },
  { any: ['AIza'], kind: 'google-api-key', re: new RegExp(`${NB}AIza[0-9A-Za-z_-]{35}(?![A-Za-z0-9_-])`, 'g') },
  { any: ['npm_'], kind: 'npm-token', re: new RegExp(`${NB}npm_[A-Za-z0-9]{36}(?![A-Za-z0-9])`, 'g') },
  { any: ['pypi-AgE'], kind: 'pypi-token', re: new RegExp(`${NB}pypi-AgE[A-Za-z0-9_-]{20,400}`, 'g') },
  { any: ['eyJ'], kind: 'jwt', re: new RegExp(`${NB}eyJ[A-Za-z0-9_-]{8,2000}\\.[A-Za-z0-9_-]{8,4000}\\.[A-Za-z0-9_-]{8,2000}`, 'g') },
  // scheme://user:password@host
  { any: ['://'], also: '@', kind: 'url-password', re: /(?<![A-Za-z0-9+.-])([a-z][a-z0-9+.-]{0,30}:\/\/(?:\[REDACTED:[a-z0-9-]{1,40}\]|[^\s/:@'"[\]]{0,128}):)[^\s/@'"]{1,256}(?=@)/gi, keepLead: true },
  // Authorization / Proxy-Authorization headers (scheme word kept: it tells a reader what was there).
  { any: ['authorization'], also: ':', kind: 'authorization', re: /(?<![A-Za-z0-9-])((?:proxy-)?authorization\s{0,4}:\s{0,4}(?:(?:bearer|basic|token|digest|negotiate|aws4-hmac-sha256)\s{1,4}|(?!(?:bearer|basic|token|digest|negotiate|aws4-hmac-sha256)\s)))(?!\$[A-Za-z_{(])("[^"\n]{1,1024}"|'[^'\n]{1,1024}'|[^\s'"]{1,1024})/gi, keepLead: true },
  { any: ['bearer'], kind: 'bearer', re: /(?<![A-Za-z0-9_-])(bearer\s{1,4})[A-Za-z0-9._~+/=-]{12,2048}/gi, keepLead: true },
  { any: ['basic'], kind: 'basic-auth', re: /(?<![A-Za-z0-9_-])(basic\s{1,4})[A-Za-z0-9+/]{12,1024}={0,2}(?![A-Za-z0-9+/=])/gi, keepLead: true },
  // API-key headers: `X-Api-Key: …`, `api-key: …`, `Private-Token: …`.
  { any: ['api-key', 'apikey', 'auth-token', 'access-token', 'private-token', 'security-token'], also: ':', kind: 'api-key-header', re: /(?<![A-Za-z0-9_-])((?:x-)?(?:api-?key|auth-token|access-token|goog-api-key|private-token|amz-security-token)\s{0,4}:\s{0,4})(?!\$[A-Za-z_{(])("[^"\n]{1,1024}"|'[^'\n]{1,1024}'|[^\s'"]{1,1024})/gi, keepLead: true },
  // `name value` forms of known tools: aws configure set aws_secret_access_key …, npm config set …_authToken …
  { any: ['secret_access_key', 'aws_session_token'], kind: 'aws-secret-key', re: new RegExp(`(?<![A-Za-z0-9_])((?:aws_secret_access_key|aws_session_token|secret_access_key)["']?(?:\\s{0,4}[=:]\\s{0,4}|\\s{1,4}))${VALUE}`, 'gi'), keepLead: true },
  { any: ['config'], kind: 'config-secret', re: new RegExp(`(?<![A-Za-z0-9_])((?:config|configure)\\s{1,4}set\\s{1,4}[^\\s=]{0,200}(?:_authToken|_auth|_password|npmAuthToken|token|password|secret)["']?(?:\\s{0,4}=\\s{0,4}|\\s{1,4}))${VALUE}`, 'gi'), keepLead: true },
  // NAME=value (and "name": value, name: value) where the name says secret. `PWD`, `OLDPWD` and
  // `PRIMARY KEY` are not: only the suffixes below, after an underscore, or the whole word (and
  // PGPASSWORD, SSHPASS: psql and sshpass -e read the password from them).
  { any: ['key', 'pass', 'pwd', 'auth', 'token', 'secret', 'credential'], also: '=', kind: 'secret-assignment', re: new RegExp(`(?<![A-Za-z0-9_-])((?:[A-Za-z0-9_]{0,64}_(?:KEY|PASS|PWD|AUTH|TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIALS?)|_?AUTH_?TOKEN|API_?KEY|TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIALS?|PGPASSWORD|SSHPASS)["']?(?:=|\\s{1,4}=\\s{0,4}(?=["'])))${NOT_CODE}${VALUE}`, 'gi'), keepLead: true },
  { any: ['key', 'token', 'secret', 'passw'], also: ':', kind: 'secret-assignment', re: new RegExp(`(?<![A-Za-z0-9_])((?:[A-Za-z0-9_]{0,64}_)?(?:api_?key|access_?key|secret_?key|private_?key|auth_?token|access_?token|token|secret|password|passwd)["']?\\s{0,4}:\\s{0,4})${COLON_VALUE}`, 'gi'), keepLead: true },
  // --password X, --password=X, --api-key X, -storepass X; never a value that is another flag.
  { any: ['pass', 'token', 'secret', 'key'], also: '-', kind: 'secret-flag', re: new RegExp(`(?<![A-Za-z0-9_-])(--?(?:[a-z0-9]{1,20}-){0,3}(?:password|passwd|passphrase|token|secret|api-?key|apikey|auth-token|access-token|storepass|keypass|passin|passout)(?:=|\\s{1,4}))(?!-)${VALUE}`, 'gi'), keepLead: true },
  // mysql -u root -pSECRET (a standalone argument of a mysql-like command), sshpass -p SECRET.
  { any: ['mysql', 'mariadb'], kind: 'password-flag', re: /(?<![A-Za-z0-9_-])((?:mysql|mysqldump|mysqladmin|mysqlimport|mysqlcheck|mysqlshow|mysqlpump|mysqlsh|mariadb|mariadb-dump|mariadb-admin)(?=\s)[^\n;&|]{0,200}?\s-p)("[^"\n]{1,256}"|'[^'\n]{1,256}'|[^\s'"]{1,256})/g, keepLead: true },
  { any: ['sshpass'], kind: 'password-flag', re: /(?<![A-Za-z0-9_-])(sshpass\s{1,4}-p\s{0,4})("[^"\n]{1,256}"|'[^'\n]{1,256}'|[^\s'"]{1,256})/g, keepLead: true },
  // curl -u user:pass / --user user:pass (also wget --user, httpie -a/--auth).
  { any: ['curl', 'wget', 'http', 'xh'], also: ':', kind: 'basic-auth', re: /(?<![A-Za-z0-9_-])((?:curl|wget|http|https|xh)(?=\s)[^\n;&|]{0,200}?\s(?:-u|--user|-a|--auth|--proxy-user|-U)(?:\s{1,4}|=)["']?[^\s:'"]{1,128}:)[^\s'"]{1,256}/g, keepLead: true },
];

let extra: SecretPattern[] = [];

/** Adds the user's own patterns (config `redaction.patterns`), already validated. */
export function configureRedaction(patterns: ReadonlyArray<{ name: string; regex: string }>): void {
  extra = patterns.map((p) => ({ kind: p.name, re: new RegExp(p.regex, 'g') }));
}

function patterns(): SecretPattern[] {
  return extra.length > 0 ? [...BUILTIN, ...extra] : BUILTIN;
}

/** The built-in patterns (the literal gate's test reads them). */
export const BUILTIN_PATTERNS: readonly SecretPattern[] = BUILTIN;

// The literal gate: one pass (literal-gate.ts) finds which patterns' literals a text holds, and which
// of the `also` characters. Bits 0..n-1 are the built-in patterns (a literal of pattern i is there),
// the bits after them the `also` characters.
let gate: { scan: LiteralScan; bit: Map<SecretPattern, number>; alsoBit: Map<SecretPattern, number> } | undefined;

function literalGate(): NonNullable<typeof gate> {
  if (gate) return gate;
  const bit = new Map<SecretPattern, number>();
  const alsoBit = new Map<SecretPattern, number>();
  const groups: string[][] = [];
  for (const p of BUILTIN) if (p.any) bit.set(p, groups.push([...p.any]) - 1);
  const chars = [...new Set(BUILTIN.flatMap((p) => (p.any && p.also !== undefined ? [p.also] : [])))];
  for (const c of chars) {
    // A letter would be found ignoring case, unlike text.includes (no pattern has one).
    if (c.length !== 1 || /[A-Za-z]/.test(c)) throw new Error(`redaction: \`also\` must be one non-letter character, not ${JSON.stringify(c)}`);
    groups.push([c]);
  }
  for (const p of BUILTIN) if (p.any && p.also !== undefined) alsoBit.set(p, bit.size + chars.indexOf(p.also));
  return (gate = { scan: literalScan(groups), bit, alsoBit });
}

/** Whether each pattern can match `text`: false only when a literal every match holds is missing. */
export function mayMatch(text: string): (p: SecretPattern) => boolean {
  const { scan, bit, alsoBit } = literalGate();
  let found: Uint32Array | undefined;
  const has = (b: number): boolean => (found![b >> 5]! & (1 << (b & 31))) !== 0;
  return (p) => {
    const b = bit.get(p);
    if (b === undefined) return true; // the user's own patterns have no literals
    found ??= scan.scan(text);
    const a = alsoBit.get(p);
    return has(b) && (a === undefined || has(a));
  };
}

/** Replaces every secret in `text` by `[REDACTED:<kind>]`. Text without a secret is returned as is. */
export function redactSecrets(text: string): string {
  let out = text;
  let may = mayMatch(out);
  for (const p of patterns()) {
    if (!may(p)) continue;
    p.re.lastIndex = 0;
    if (!p.re.test(out)) continue;
    p.re.lastIndex = 0;
    const marker = `[REDACTED:${p.kind}]`;
    // A value an earlier, more specific pattern already replaced keeps its kind (`x-api-key: sk-ant-…`
    // says anthropic-key, not api-key-header).
    out = p.keepLead ? out.replace(p.re, (m: string, lead: string) => (/^["']?\[REDACTED:/.test(m.slice(lead.length)) ? m : lead + marker)) : out.replace(p.re, marker);
    // A marker holds literals of its own (`token`, `key`, `:`): the gate is taken again on the new text.
    may = mayMatch(out);
  }
  return out;
}

/** The kinds of secret in `text` (empty when none), without building the redacted copy. */
export function findSecretKinds(text: string): string[] {
  const kinds: string[] = [];
  const may = mayMatch(text);
  for (const p of patterns()) {
    if (!may(p)) continue;
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

// Label-like values (cwd, git branch, model and tool names) become metric labels, span attributes
// and ledger fields; every transcript line and hook event repeats them, so each answer is remembered
// (a handful of distinct values per history).
const labelCache = new Map<string, string>();

/** redactCut(value, 4096), remembered: for a label-like value that comes again and again. */
export function redactLabel(value: string): string {
  let c = labelCache.get(value);
  if (c === undefined) {
    if (labelCache.size > 1000) labelCache.clear();
    c = redactCut(value, 4096);
    labelCache.set(value, c);
  }
  return c;
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
