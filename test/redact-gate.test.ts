// The literal gate in front of the redaction patterns (src/detection/redact.ts): a pattern is not run
// on a text that lacks every literal its matches hold. That is only safe if the literal lists are
// right, so: (1) on a corpus with a match of every alternative of every pattern (each literal the
// only one of its pattern's list in some match, so dropping any literal fails), real transcript text
// and planted secrets in mixed case and noise, every match of a pattern passes its gate; (2) the
// redacted output equals the patterns run one after another without any gate.
import { describe, expect, it } from 'vitest';
import { BUILTIN_PATTERNS, mayMatch, redactSecrets, type SecretPattern } from '../src/detection/redact.js';
import { SecretFactory } from './support/secrets.js';
import { fixtureStrings } from './support/fixture-strings.js';

const a = (n: number, c = 'a'): string => c.repeat(n);

/** For each pattern's literals (kind, then the literal), texts it matches holding that literal alone of its list. */
const ALTERNATIVES: Array<[string, string, string]> = [
  ['private-key', '-----BEGIN ', '-----BEGIN RSA PRIVATE KEY-----\nMIIBOgIBAAJB\n-----END RSA PRIVATE KEY-----'],
  ['anthropic-key', 'sk-ant-', `x sk-ant-${a(30)} y`],
  ['openai-key', 'sk-', `k=sk-${'A1b2'.repeat(6)}`],
  ...['AKIA', 'ASIA', 'AGPA', 'AIDA', 'AROA', 'AIPA', 'ANPA', 'ANVA', 'ABIA', 'ACCA'].map((p): [string, string, string] => ['aws-access-key', p, `id ${p}ABCDEFGH01234567 end`]),
  ...['ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_'].map((p): [string, string, string] => ['github-token', p, `${p}${a(36, 'b')}`]),
  ['github-token', 'github_pat_', `github_pat_${a(30, 'C')}`],
  ...['glpat-', 'gldt-', 'glrt-', 'glptt-', 'glft-', 'glsoat-', 'glcbt-', 'gloas-'].map((p): [string, string, string] => ['gitlab-token', p, `t ${p}${a(24, 'x')}`]),
  ['slack-webhook', 'https://hooks.slack.com/', 'post https://hooks.slack.com/services/T000/B000/XXXXXXXX now'],
  ['slack-token', 'xox', 'xoxb-1234567890-abcdef'],
  ['slack-token', 'xapp-', 'xapp-1-ABCDEFGHIJK'],
  ...['sk_live_', 'sk_test_', 'rk_live_', 'rk_test_'].map((p): [string, string, string] => ['stripe-key', p, `${p}${a(12, 'Z')}`]),
  ['stripe-key', 'whsec_', `whsec_${a(24, 'Q')}`],
  ['google-api-key', 'AIza', `key AIza${a(35, 'S')} end`],
  ['npm-token', 'npm_', `npm_${a(36, 'N')}`],
  ['pypi-token', 'pypi-AgE', `pypi-AgE${a(24, 'P')}`],
  ['jwt', 'eyJ', 'eyJhbGciOiJIUzI1.eyJzdWIiOiIxMjM0.c2lnbmF0dXJl'],
  ['url-password', '://', 'psql postgres://admin:hunter2@db:5432/app'],
  ['authorization', 'authorization', 'curl -H "Authorization: Basic dXNlcjpwYXNz" x'],
  ['bearer', 'bearer', 'X-Auth: Bearer abcdef0123456789xyz'],
  ['basic-auth', 'basic', 'basic QWxhZGRpbjpvcGVuIHNlc2FtZQ=='],
  ['api-key-header', 'api-key', 'X-Api-Key: abc123'],
  ['api-key-header', 'apikey', 'apikey: abc123'],
  ['api-key-header', 'auth-token', 'auth-token: abc123'],
  ['api-key-header', 'access-token', 'access-token: abc123'],
  ['api-key-header', 'private-token', 'Private-Token: abc123'],
  ['api-key-header', 'security-token', 'x-amz-security-token: abc123'],
  ['aws-secret-key', 'secret_access_key', 'aws configure set aws_secret_access_key abc123'],
  ['aws-secret-key', 'aws_session_token', 'AWS_SESSION_TOKEN abc123'],
  ['config-secret', 'config', 'npm config set //registry.npmjs.org/:_authToken abc123'],
  ['secret-assignment', 'key', 'MY_KEY=abc123'],
  ['secret-assignment', 'pass', 'DB_PASSWORD=hunter2'],
  ['secret-assignment', 'pwd', 'DB_PWD=hunter2'],
  ['secret-assignment', 'auth', 'MY_AUTH=hunter2'],
  ['secret-assignment', 'token', 'GH_TOKEN=hunter2'],
  ['secret-assignment', 'secret', 'APP_SECRET=hunter2'],
  ['secret-assignment', 'credential', 'CREDENTIALS=hunter2'],
  ['secret-assignment', 'key', 'api_key: "abc123"'],
  ['secret-assignment', 'token', 'token: "abc123"'],
  ['secret-assignment', 'secret', 'secret: "abc123"'],
  ['secret-assignment', 'passw', 'password: "abc123"'],
  ['secret-flag', 'pass', 'mysqladmin --password hunter2 status'],
  ['secret-flag', 'token', 'deploy --token=abc.def now'],
  ['secret-flag', 'secret', 'run --secret abc123'],
  ['secret-flag', 'key', 'run --api-key abc123'],
  ['password-flag', 'mysql', 'mysql -u root -phunter2 db'],
  ['password-flag', 'mariadb', 'mariadb -u root -phunter2 db'],
  ['password-flag', 'sshpass', 'sshpass -p hunter2 ssh host'],
  ['basic-auth', 'curl', 'curl -u bob:pw example.com'],
  ['basic-auth', 'wget', 'wget --user bob:pw example.com'],
  ['basic-auth', 'http', 'http -a bob:pw example.com'],
  ['basic-auth', 'xh', 'xh -a bob:pw example.com'],
];

function corpus(): string[] {
  const base = [...ALTERNATIVES.map(([, , t]) => t), ...[1, 2, 3].flatMap((seed) => new SecretFactory(seed).all().map((s) => s.text))];
  const flip = (t: string, seed: number): string => [...t].map((c, i) => ((i * 7 + seed) % 3 === 0 ? c.toUpperCase() : (i + seed) % 2 === 0 ? c.toLowerCase() : c)).join('');
  const noisy = base.flatMap((t, i) => [t.toUpperCase(), t.toLowerCase(), flip(t, i), `lorem ipsum ${t}\n${base[(i + 5) % base.length]} — dolor ${t}`]);
  return [...base, ...noisy, ...fixtureStrings()];
}

const fresh = (p: SecretPattern): RegExp => new RegExp(p.re.source, p.re.flags);
const matches = (p: SecretPattern, t: string): boolean => fresh(p).test(t);

/** The patterns run one after another without the gate (redact.ts before it): the reference output. */
function ungated(text: string): string {
  let out = text;
  for (const p of BUILTIN_PATTERNS) {
    const re = fresh(p);
    if (!re.test(out)) continue;
    re.lastIndex = 0;
    const marker = `[REDACTED:${p.kind}]`;
    out = p.keepLead ? out.replace(re, (m: string, lead: string) => (/^["']?\[REDACTED:/.test(m.slice(lead.length)) ? m : lead + marker)) : out.replace(re, marker);
  }
  return out;
}

describe('redaction literal gate', () => {
  const texts = corpus();

  it('every alternative of every pattern has a match holding only that literal of its list', () => {
    for (const [kind, literal, text] of ALTERNATIVES) {
      const hit = BUILTIN_PATTERNS.filter((p) => p.kind === kind && p.any?.includes(literal) && matches(p, text));
      expect(hit.length, `${kind} ${literal}: ${text}`).toBeGreaterThan(0);
      for (const p of hit) expect(p.any!.filter((l) => text.toLowerCase().includes(l.toLowerCase())), `${kind}: ${text}`).toEqual([literal]);
    }
    // And every literal of every pattern is covered by such a text.
    for (const p of BUILTIN_PATTERNS) {
      expect(p.any, `${p.kind} has literals`).toBeDefined();
      for (const l of p.any!) expect(ALTERNATIVES.some(([k, lit, t]) => k === p.kind && lit === l && matches(p, t)), `${p.kind} ${l}`).toBe(true);
    }
  });

  it('a pattern that matches a text always passes its gate', () => {
    let checked = 0;
    for (const t of texts) {
      const may = mayMatch(t);
      for (const p of BUILTIN_PATTERNS) {
        if (!matches(p, t)) continue;
        checked++;
        expect(may(p), `${p.kind} gated out of: ${t.slice(0, 200)}`).toBe(true);
      }
    }
    expect(checked).toBeGreaterThan(ALTERNATIVES.length * 4);
  });

  it('redacts exactly as the patterns without the gate, and the gate does skip patterns', () => {
    let skipped = 0;
    for (const t of texts) {
      expect(redactSecrets(t), t.slice(0, 200)).toBe(ungated(t));
      const may = mayMatch(t);
      skipped += BUILTIN_PATTERNS.filter((p) => !may(p)).length;
    }
    expect(skipped).toBeGreaterThan(texts.length * 10);
  });
});
