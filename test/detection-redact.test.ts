// The redaction step: every planted kind is replaced by its marker, text without a secret comes back
// byte for byte (the `-p` inside `spotter-plugin` was a false positive that merged three files), and
// cutting happens before redaction without letting a secret straddling the cut through.
import { describe, expect, it } from 'vitest';
import { findSecretKinds, redactCut, redactSecrets, checkUserPattern, configureRedaction } from '../src/detection/redact.js';
import { SecretFactory } from './support/secrets.js';

describe('redaction', () => {
  const planted = new SecretFactory(7).all().concat(new SecretFactory(8).all());

  it.each(planted.map((p) => [p.kind, p] as const))('removes a %s and says what it was', (_kind, p) => {
    const out = redactSecrets(p.text);
    expect(out).not.toContain(p.secret);
    expect(out).toMatch(/\[REDACTED:[a-z-]+\]/);
    expect(findSecretKinds(p.text).length).toBeGreaterThan(0);
  });

  it('names the kind in the marker', () => {
    const f = new SecretFactory(3);
    const key = `sk-ant-api03-${f.s(80)}`;
    expect(redactSecrets(`x ${key} y`)).toBe('x [REDACTED:anthropic-key] y');
    expect(redactSecrets('mysql -u root -pHunter2secret app')).toBe('mysql -u root -p[REDACTED:password-flag] app');
    expect(redactSecrets('DB_PASS=hunter22 node migrate.js')).toBe('DB_PASS=[REDACTED:secret-assignment] node migrate.js');
    expect(redactSecrets('curl -u bob:s3cret https://x.example.com')).toBe('curl -u bob:[REDACTED:basic-auth] https://x.example.com');
    expect(redactSecrets('curl -H "X-Api-Key: abc123def456"')).toBe('curl -H "X-Api-Key: [REDACTED:api-key-header]"');
    expect(redactSecrets('password: "hunter22"')).toBe('password: [REDACTED:secret-assignment]');
    expect(redactSecrets('  api_key: sk9f8e7d6c5b4a')).toBe('  api_key: [REDACTED:secret-assignment]');
    expect(redactSecrets('git clone https://bob:pa55word@git.example.com/r.git')).toBe('git clone https://bob:[REDACTED:url-password]@git.example.com/r.git');
  });

  it('leaves text without a secret unchanged, however flag-like', () => {
    const clean = [
      '/home/u/src/spotter-a0y/spotter-plugin/src/index.ts',
      '/home/u/src/spotter-a0y/spotter-protocol/README.md',
      'mkdir -p /tmp/spotter-plugin/build',
      'ssh -p 2222 host uptime',
      'git log -p -5 --stat',
      'export PWD=/home/u OLDPWD=/tmp',
      'TOKEN=$(gh auth token) ./release.sh',
      'DB_PASS="$DB_PASS" node migrate.js',
      'curl -H "Authorization: Bearer $TOKEN" https://api.example.com',
      'npm run build -- --max-tokens 100',
      'SELECT id FROM users WHERE primary_key = 1',
      'rg "password" src/ --type ts',
      'grep -n "api-key" README.md',
      'docker run -u 1000:1000 -p 8080:80 nginx',
      'echo "basic auth is configured"',
      'cat package.json | jq .scripts',
      'node -e "console.log(process.env.HOME)"',
      'vim ~/.config/nvim/init.lua',
      'https://example.com/path?page=2&sort=asc',
      'uuid 3f2a1c9e-1b2d-4c5e-8f9a-0b1c2d3e4f5a',
      'api_key: anthropic_api_key()',
      'token: config.token,',
      'API_KEY=os.getenv("X")',
    ];
    for (const c of clean) expect(redactSecrets(c), c).toBe(c);
  });

  it('cuts first and still catches a secret straddling the cut', () => {
    const f = new SecretFactory(4);
    const key = `ghp_${f.s(36)}`;
    const cmd = 'x'.repeat(290) + ' ' + key + ' ' + 'y'.repeat(10_000);
    const out = redactCut(cmd, 300);
    expect(out.length).toBe(301);
    expect(out.endsWith('…')).toBe(true);
    for (let i = 8; i <= key.length; i++) expect(out).not.toContain(key.slice(i - 8, i));
    expect(out).toContain('[REDACTED');
  });

  it('applies the user\'s own patterns', () => {
    configureRedaction([{ name: 'ticket', regex: 'SHOP-[0-9]{4}' }]);
    try {
      expect(redactSecrets('git checkout SHOP-1234-fix')).toBe('git checkout [REDACTED:ticket]-fix');
      expect(findSecretKinds('SHOP-9999')).toEqual(['ticket']);
    } finally {
      configureRedaction([]);
    }
    expect(redactSecrets('git checkout SHOP-1234-fix')).toBe('git checkout SHOP-1234-fix');
  });

  it('rejects user patterns that can backtrack or do not compile', () => {
    expect(checkUserPattern('(a+)+$')).toMatch(/nested quantifier/);
    expect(checkUserPattern('([a-z]*x)*')).toMatch(/nested quantifier/);
    expect(checkUserPattern('[')).toMatch(/invalid regular expression/);
    expect(checkUserPattern('a*')).toMatch(/empty string/);
    expect(checkUserPattern('itk_[A-Za-z0-9]{32}')).toBeUndefined();
  });
});
