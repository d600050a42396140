// redactSecrets skips a pattern when the text holds none of the words every match of that pattern
// spells out (src/detection/redact.ts, `words`): only faster, never different. Compared here with
// the search of every pattern everywhere (byWords false) on planted secrets of every kind in many
// cases and contexts, the unit cases' look-alikes, and every string of the real transcripts and of a
// generated history (tool outputs, prompts, commands).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findSecretKinds, redactSecrets } from '../src/detection/redact.js';
import { SecretFactory } from './support/secrets.js';
import { generateHistory, listJsonl } from './support/history-generator.js';
import { tempDir, useCleanups } from './support/temp.js';

useCleanups();

function stringsOf(v: unknown, out: string[]): void {
  if (typeof v === 'string') out.push(v);
  else if (Array.isArray(v)) for (const x of v) stringsOf(x, out);
  else if (typeof v === 'object' && v !== null) for (const [k, x] of Object.entries(v)) (out.push(k), stringsOf(x, out));
}

function transcriptStrings(files: string[]): string[] {
  const out: string[] = [];
  for (const f of files) {
    for (const line of readFileSync(f, 'utf8').split('\n')) {
      try {
        stringsOf(JSON.parse(line), out);
      } catch {
        // a malformed line: its text still counts as text
        if (line) out.push(line);
      }
    }
  }
  return out;
}

function expectSame(texts: string[]): number {
  const diffs: string[] = [];
  let redacted = 0;
  for (const t of texts) {
    const fast = redactSecrets(t);
    const full = redactSecrets(t, false);
    if (fast !== full || findSecretKinds(t).join() !== findSecretKinds(t, false).join()) diffs.push(`${JSON.stringify(t.slice(0, 200))}\n  words: ${fast.slice(0, 200)}\n  all:   ${full.slice(0, 200)}`);
    if (full !== t) redacted++;
  }
  expect(diffs.slice(0, 5)).toEqual([]);
  return redacted;
}

const cases = (s: string): string[] => [s, s.toUpperCase(), s.toLowerCase(), s.replace(/[a-z]/g, (c, i: number) => (i % 2 ? c.toUpperCase() : c))];

describe('the words filter of redactSecrets', () => {
  it('gives what the search of every pattern gives, on planted secrets of every kind in any case', () => {
    const f = new SecretFactory(11);
    const texts: string[] = [];
    for (let round = 0; round < 20; round++) {
      const planted = f.all();
      for (const p of planted) texts.push(...cases(p.text), `before\n${p.text}\nafter`, `{"command":${JSON.stringify(p.text)}}`);
      // Several in one text: a replacement by one pattern changes what the next one sees.
      texts.push(planted.map((p) => p.text).join(' ; '), planted.map((p) => p.text).join('\n').toUpperCase());
    }
    // Each alternative of each pattern that has words, alone in its text (so no other word lets it through).
    const v = 'Zq8vR2mT5wX1';
    for (const w of ['KEY', 'PASS', 'PWD', 'AUTH', 'TOKEN', 'SECRET', 'PASSWORD', 'PASSWD', 'CREDENTIAL', 'CREDENTIALS']) texts.push(...cases(`run X_${w}=${v} now`), ...cases(`X_${w} = "${v}"`));
    for (const w of ['AUTH_TOKEN', 'AUTHTOKEN', '_AUTH_TOKEN', 'API_KEY', 'APIKEY', 'TOKEN', 'SECRET', 'PASSWORD', 'PASSWD', 'CREDENTIAL', 'CREDENTIALS']) texts.push(...cases(`${w}=${v}`));
    for (const w of ['api_key', 'apikey', 'access_key', 'accesskey', 'secret_key', 'private_key', 'auth_token', 'authtoken', 'access_token', 'token', 'secret', 'password', 'passwd']) texts.push(...cases(`${w}: ${v}`), ...cases(`x_${w}: "${v}"`));
    for (const w of ['x-api-key', 'api-key', 'apikey', 'auth-token', 'access-token', 'goog-api-key', 'private-token', 'amz-security-token']) texts.push(...cases(`-H "${w}: ${v}"`));
    for (const w of ['password', 'passwd', 'passphrase', 'token', 'secret', 'api-key', 'apikey', 'auth-token', 'access-token', 'storepass', 'keypass', 'passin', 'passout', 'db-password']) texts.push(...cases(`tool --${w} ${v}`), ...cases(`tool -${w}=${v}`));
    for (const w of ['curl', 'wget', 'http', 'https', 'xh']) texts.push(`${w} -u bob:${v} x`, `${w} --user=bob:${v} x`, `${w} -a bob:${v} x`, `${w.toUpperCase()} -u bob:${v} x`);
    texts.push(`db postgres://bob:${v}@h/x`, `DB POSTGRES://BOB:${v}@H/X`, `aws configure set AWS_SECRET_ACCESS_KEY ${v}`, `npm config set //r/:_authToken ${v}`);
    // Look-alikes and words without a value, and a non-ASCII letter that lower-cases to ASCII (K, Kelvin sign).
    texts.push('api_key()', 'PASSWORD', 'token = config.token', 'x\u212aEY=abc', 'PRIMARY KEY (id)', 'OLDPWD=/x', 'curl -u', 'https://', 'mysql -p', 'sshpass -p x', 'İSECRET=abc123', 'ſecret=abc123');
    const redacted = expectSame(texts);
    expect(redacted).toBeGreaterThan(texts.length / 2);
    for (const t of texts) expect({ t, kinds: findSecretKinds(t) }).toEqual({ t, kinds: findSecretKinds(t, false) });
  });

  it('gives what the search of every pattern gives, on every string of the real transcripts and a generated history', async () => {
    const real = transcriptStrings(listJsonl(join(__dirname, 'fixtures', 'real')));
    expect(real.length).toBeGreaterThan(1000);
    expectSame(real);
    const d = await tempDir('redact-words');
    generateHistory(d, { sessions: 8, seed: 23, faults: true, shape: 'heavy' });
    const gen = transcriptStrings(listJsonl(d));
    expect(gen.length).toBeGreaterThan(1000);
    expectSame(gen);
  }, 120_000);
});
