// redactSecrets, one pattern at a time: each planted secret is replaced by its marker (exact output),
// the text around it survives, and look-alikes that are not secrets stay as they are.
import { describe, expect, it } from 'vitest';
import { redactSecrets } from '../src/detection/redact.js';

// Fake secrets, built at run time so no file holds a whole token-shaped string.
const ANT = 'sk-ant-' + 'api03-' + 'Zx9'.repeat(12);
const OPENAI = 'sk-' + 'proj' + 'A1b2C3d4'.repeat(4);
const GHP = 'ghp_' + 'aB3dE5gH7j'.repeat(4);
const GH_PAT = 'github_pat_' + '11ABCDEFG0'.repeat(3) + '_xyz';
const AWS = 'AKIA' + 'IOSFODNN7EXAMPLE';
const AWS_TEMP = 'ASIA' + 'QWERTYUIOP123456';
const SLACK = 'xoxb-' + '123456789012-abcdefABCDEF';
const GOOGLE = 'AIza' + 'SyA1234567890abcdefghijklmnopqrstuv';
const JWT = 'eyJ' + 'hbGciOiJIUzI1NiJ9' + '.' + 'eyJzdWIiOiIxMjM0NTY3ODkwIn0' + '.' + 'dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U';
const PEM = ['-----BEGIN RSA PRIVATE KEY-----', 'MIIEowIBAAKCAQEA0Z3VS5JJcds3xfn/ygWyF8PbnGy0AHB7MhgHcTz6sE2I2yPB', 'aFDrBz9vFqU4yQIDAQABAoIBAFt0', '-----END RSA PRIVATE KEY-----'].join('\n');

describe('redactSecrets', () => {
  it.each([
    ['Anthropic API key', `curl -H "x-api-key: ${ANT}" https://api.anthropic.com`, 'curl -H "x-api-key: [REDACTED:anthropic-key]" https://api.anthropic.com'],
    ['sk- API key (20+ chars)', `OPENAI=${OPENAI} run`, 'OPENAI=[REDACTED:openai-key] run'],
    ['GitHub token ghp_', `echo ${GHP} | gh auth login`, 'echo [REDACTED:github-token] | gh auth login'],
    ['GitHub fine-grained PAT', `GH=${GH_PAT} gh pr list`, 'GH=[REDACTED:github-token] gh pr list'],
    // The token rule runs first; the URL-credentials rule then masks the password after it.
    ['GitHub token as URL userinfo', `git clone https://${GHP}:x@github.com/o/r`, 'git clone https://[REDACTED:github-token]:[REDACTED:url-password]@github.com/o/r'],
    ['AWS access key id', `aws configure set aws_access_key_id ${AWS}`, 'aws configure set aws_access_key_id [REDACTED:aws-access-key]'],
    ['AWS temporary key id', `key ${AWS_TEMP} end`, 'key [REDACTED:aws-access-key] end'],
    ['Slack token', `slack post ${SLACK} #ops`, 'slack post [REDACTED:slack-token] #ops'],
    ['Google API key', `maps?key=${GOOGLE}&q=x`, 'maps?key=[REDACTED:google-api-key]&q=x'],
    ['JWT', `cookie session=${JWT}; path=/`, 'cookie session=[REDACTED:jwt]; path=/'],
    ['private key block', `cat <<EOF\n${PEM}\nEOF`, 'cat <<EOF\n[REDACTED:private-key]\nEOF'],
    ['unterminated private key block', `echo "${PEM.split('\n').slice(0, 2).join('\n')}`, 'echo "[REDACTED:private-key]'],
    ['password in a URL', 'psql postgres://admin:hunter2pass@db.internal:5432/app', 'psql postgres://admin:[REDACTED:url-password]@db.internal:5432/app'],
    ['password in an https URL', 'curl https://bob:s3cr3t@example.com/x', 'curl https://bob:[REDACTED:url-password]@example.com/x'],
    ['Authorization header', 'curl -H "Authorization: Basic dXNlcjpwYXNz" x', 'curl -H "Authorization: Basic [REDACTED:authorization]" x'],
    ['bearer token', 'curl -H "X-Auth: Bearer abcdef0123456789xyz" x', 'curl -H "X-Auth: Bearer [REDACTED:bearer]" x'],
    ['secret-named variable', 'DB_PASSWORD=hunter2 npm start', 'DB_PASSWORD=[REDACTED:secret-assignment] npm start'],
    ['quoted secret-named variable', `export MY_API_KEY="a b c" && x`, 'export MY_API_KEY=[REDACTED:secret-assignment] && x'],
    ['token-named variable, lower case', 'github_token=abc123 make', 'github_token=[REDACTED:secret-assignment] make'],
    ['--password flag', 'mysqladmin --password hunter2 status', 'mysqladmin --password [REDACTED:secret-flag] status'],
    ['--token= flag', 'deploy --token=abc.def.ghi now', 'deploy --token=[REDACTED:secret-flag] now'],
  ])('%s', (_name, input, want) => {
    expect(redactSecrets(input)).toBe(want);
  });

  // Once a gap: `\b(-p)` needed a word character before the dash, so the mysql form after a space
  // was not matched (and `build-prod` was). `-p` is now a standalone argument of mysql-like commands.
  it('-p<password> after a space (mysql -phunter2)', () => {
    expect(redactSecrets('mysql -uroot -phunter2 app')).toBe('mysql -uroot -p[REDACTED:password-flag] app');
    expect(redactSecrets('npm run build-prod -- --out spotter-plugin')).toBe('npm run build-prod -- --out spotter-plugin');
  });

  it('redacts several secrets in one string', () => {
    const out = redactSecrets(`AWS_ACCESS_KEY_ID=${AWS} curl -H "x-api-key: ${ANT}" https://u:p4ss@h/x`);
    for (const secret of [AWS, ANT, 'p4ss']) expect(out).not.toContain(secret);
    expect(out).toBe('AWS_ACCESS_KEY_ID=[REDACTED:aws-access-key] curl -H "x-api-key: [REDACTED:anthropic-key]" https://u:[REDACTED:url-password]@h/x');
  });

  it.each([
    ['a plain command', 'git status && npm test'],
    ['a file path', '/home/dev/project/src/task-runner.ts'],
    ['a URL without credentials', 'https://example.com/a:b/c@d'],
    ['short sk- words', 'npm run sk-build --mask=sk-short'],
    ['an AKIA-like word of the wrong length', 'AKIA1234'],
    ['a secret-named variable read, not assigned', 'echo $DB_PASSWORD'],
    ['-p with a short value', 'mkdir -p src'],
  ])('leaves %s alone', (_name, input) => {
    expect(redactSecrets(input)).toBe(input);
  });
});
