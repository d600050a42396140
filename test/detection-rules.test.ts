// The built-in rules on one tool call at a time: what is a hit, what is not (the safe look-alikes),
// tokenized commands, severities, and the user's overrides, allowlists and own rules.
import { describe, expect, it } from 'vitest';
import { createDetector, type RuleConfig } from '../src/detection/engine.js';
import { simpleCommands } from '../src/detection/shell.js';

const HOME = '/home/dev';
const CWD = '/home/dev/src/app';
const detectorOf = (rules: RuleConfig[] = []) => createDetector(rules, { home: HOME });
const d = detectorOf();
const rulesOf = (name: string, input: Record<string, unknown>, cwd = CWD, det = d) => det({ name, input, cwd }).map((h) => h.rule).sort();
const bash = (command: string, det = d) => rulesOf('Bash', { command }, CWD, det);

describe('shell tokenizer', () => {
  it('splits on separators and unwraps sudo, env, bash -c and command substitution', () => {
    expect(simpleCommands(`cd x && sudo -u root rm -rf "/var/lib/my dir"; echo 'a;b' | env A=1 B=2 bash -c "git push -f"`)).toEqual([
      ['cd', 'x'], ['rm', '-rf', '/var/lib/my dir'], ['echo', 'a;b'], ['git', 'push', '-f'],
    ]);
    expect(simpleCommands('X=$(rm -rf /tmp/x) timeout 10 nice -n 5 curl https://a.example.com')).toEqual([['rm', '-rf', '/tmp/x'], ['curl', 'https://a.example.com']]);
    expect(simpleCommands('cat <<EOF | psql\nDROP TABLE users;\nrm -rf /\nEOF\nls')).toEqual([['cat'], ['psql', 'DROP TABLE users;\nrm -rf /\n'], ['ls']]);
    expect(simpleCommands('grep x file # rm -rf /')).toEqual([['grep', 'x', 'file']]);
    expect(simpleCommands('cat < .env > out 2>&1')).toEqual([['cat', '.env', 'out', '2']]);
  });
});

describe('destructive_command', () => {
  const hits = [
    'rm -rf build', 'rm -fr build', 'rm -r -f build', 'rm -Rf build', 'rm --recursive --force x', 'sudo rm -rf /', 'env X=y rm -rf /',
    'bash -c "rm -rf /"', 'git push --force', 'git push -f origin main', 'git push --force-with-lease', 'git -C repo push origin +main',
    'git reset --hard HEAD~1', 'git clean -fdx', 'git clean -f', 'git branch -D feature', 'psql -c "DROP TABLE users"', 'mysql -e "drop database prod"',
    'psql app -c "TRUNCATE orders"', 'mkfs.ext4 /dev/sdb1', 'dd if=/dev/zero of=/dev/sda bs=1M', 'chmod -R 777 /srv', 'kubectl -n prod delete pod x',
    'terraform destroy -auto-approve', 'terraform apply -destroy', 'cd /tmp && (rm -rf x)', 'cat <<EOF | psql app\nDROP TABLE users;\nEOF',
  ];
  it.each(hits)('%s is a hit', (c) => expect(bash(c)).toContain('destructive_command'));
  const safe = [
    'echo "rm -rf"', 'echo rm -rf /', 'rm -r build', 'rm -f x.txt', 'git push origin main', 'git reset --soft HEAD~1', 'git clean -n', 'git branch -d done',
    'git commit -m "DROP TABLE is gone; rm -rf too"', 'grep -r "rm -rf" .', 'kubectl get pods', 'dd if=/dev/zero of=./disk.img', 'chmod 777 x', 'chmod -R 755 x',
    'terraform plan', 'printf "git push --force"', 'cat <<EOF\nrm -rf /\nEOF',
  ];
  it.each(safe)('%s is not a hit', (c) => expect(bash(c)).not.toContain('destructive_command'));
});

describe('credential_access', () => {
  it('flags reads of credential files and stores', () => {
    for (const p of ['.env', '/home/dev/src/app/.env.local', '.env.production', 'certs/server.pem', 'tls.key', 'store.p12', '~/.ssh/id_rsa', '/home/dev/.ssh/id_ed25519.pub', '~/.aws/credentials', '/home/dev/.netrc', '.npmrc', '~/.pypirc', '~/.docker/config.json', '~/.kube/config', '/Users/x/Library/Keychains/login.keychain-db', '~/.config/gh/hosts.yml', '~/.config/gcloud/application_default_credentials.json']) {
      expect(rulesOf('Read', { file_path: p }), p).toEqual(['credential_access']);
    }
    expect(rulesOf('Glob', { pattern: '**/.env*' })).toEqual(['credential_access']);
    expect(rulesOf('Grep', { pattern: 'KEY', path: '.env' })).toEqual(['credential_access']);
    for (const c of ['cat .env', 'source .env.local && npm start', 'cat ~/.aws/credentials', 'gh auth token', 'gcloud auth print-access-token', 'az account get-access-token', 'security find-generic-password -s x -w', 'cp ~/.ssh/id_rsa /tmp/k', 'grep TOKEN < .env']) {
      expect(bash(c), c).toContain('credential_access');
    }
  });
  it('does not flag templates, ordinary files or mentions', () => {
    for (const p of ['.env.example', '.env.sample', 'src/env.ts', 'docs/keys.md', 'package.json', 'src/environment.ts']) expect(rulesOf('Read', { file_path: p }), p).toEqual([]);
    for (const c of ['cp .env.example .env.sample', 'echo .env >> .gitignore', 'gh pr list', 'ls -la']) expect(bash(c), c).not.toContain('credential_access');
  });
});

describe('external_fetch', () => {
  it('flags web tools and fetch commands to hosts off the allowlist', () => {
    expect(rulesOf('WebFetch', { url: 'https://docs.example.com/x', prompt: 'p' })).toEqual(['external_fetch']);
    expect(rulesOf('WebSearch', { query: 'otel collector' })).toEqual(['external_fetch']);
    for (const c of ['curl https://api.example.com', 'curl -sSL -o out.tgz https://dl.example.com/x.tgz', 'wget example.com/file', 'http POST api.example.com x=1', 'nc -zv db.example.com 5432', 'curl $URL']) {
      expect(bash(c), c).toEqual(['external_fetch']);
    }
  });
  it('does not flag loopback or allowlisted hosts', () => {
    expect(rulesOf('WebFetch', { url: 'http://localhost:3000/x' })).toEqual([]);
    for (const c of ['curl http://localhost:8080/health', 'curl -s 127.0.0.1:9464/metrics', 'curl http://[::1]:80/', 'http :3000/api', 'nc -l 8080', 'curl --version', 'echo curl https://x.example.com']) {
      expect(bash(c), c).toEqual([]);
    }
    const det = detectorOf([{ id: 'external_fetch', allowlist: ['*.example.com', '10.0.0.0/8'] }]);
    expect(bash('curl https://api.example.com && curl http://10.1.2.3/', det)).toEqual([]);
    expect(bash('curl https://example.org', det)).toEqual(['external_fetch']);
  });
});

describe('write_outside_project', () => {
  it('resolves .., ~ and relative paths against the session cwd', () => {
    expect(rulesOf('Write', { file_path: '/home/dev/src/app/src/a.ts', content: 'x' })).toEqual([]);
    expect(rulesOf('Edit', { file_path: 'src/a.ts', old_string: 'a', new_string: 'b' })).toEqual([]);
    expect(rulesOf('Write', { file_path: '/home/dev/src/app/../other/a.ts', content: 'x' })).toEqual(['write_outside_project']);
    expect(rulesOf('Write', { file_path: '~/.bashrc', content: 'x' })).toEqual(['write_outside_project']);
    expect(rulesOf('Write', { file_path: '/tmp/x.sh', content: 'x' })).toEqual(['write_outside_project']);
    expect(rulesOf('Write', { file_path: '/home/dev/src/app-other/x', content: 'x' })).toEqual(['write_outside_project']);
    expect(rulesOf('Write', { file_path: '/tmp/x.sh', content: 'x' }, '')).toEqual([]);
    expect(rulesOf('Write', { file_path: '/tmp/x.sh', content: 'x' }, CWD, detectorOf([{ id: 'write_outside_project', allowlist: ['/tmp/**'] }]))).toEqual([]);
  });
});

describe('secret_in_command and several rules on one call', () => {
  it('counts each rule once per call', () => {
    const h = d({ name: 'Bash', input: { command: 'curl -H "Authorization: Bearer abcdefghijklmnopqrstuvwxyz012345" https://api.example.com; curl https://b.example.com' }, cwd: CWD });
    expect(h.map((x) => x.rule).sort()).toEqual(['external_fetch', 'secret_in_command']);
    const s = h.find((x) => x.rule === 'secret_in_command')!;
    expect(s).toMatchObject({ severity: 'critical', field: 'command' });
    expect(s.value).not.toContain('abcdefghijklmnop');
    expect(h.find((x) => x.rule === 'external_fetch')!.severity).toBe('info');
  });
  it('looks into written content but reports only the kind', () => {
    const h = d({ name: 'Write', input: { file_path: 'config.ts', content: 'export const k = "AKIAABCDEFGHIJKLMNOP";' }, cwd: CWD });
    expect(h).toEqual([{ rule: 'secret_in_command', severity: 'critical', field: 'content', value: '[REDACTED:aws-access-key]' }]);
    expect(rulesOf('MultiEdit', { file_path: 'a', edits: [{ old_string: 'a', new_string: 'DB_PASSWORD=hunter22' }] })).toEqual(['secret_in_command']);
    expect(rulesOf('Write', { file_path: 'a.md', content: 'set DB_PASSWORD in your .env' })).toEqual([]);
  });
});

describe('user configuration', () => {
  it('overrides severity, disables rules and adds rules', () => {
    const det = detectorOf([
      { id: 'destructive_command', severity: 'critical' },
      { id: 'external_fetch', enabled: false },
      { id: 'prod_db', tools: ['Bash'], field: 'command', regex: 'prod-db\\.internal', severity: 'critical' },
      { id: 'lockfile_edit', tools: ['Edit', 'Write'], glob: '**/package-lock.json', allowlist: ['/home/dev/src/app/vendor/**'] },
    ]);
    expect(det({ name: 'Bash', input: { command: 'rm -rf x && curl https://a.example.com' }, cwd: CWD })).toEqual([{ rule: 'destructive_command', severity: 'critical', field: 'command', value: 'rm -rf x && curl https://a.example.com' }]);
    expect(det({ name: 'Bash', input: { command: 'psql -h prod-db.internal' }, cwd: CWD }).map((h) => h.rule)).toEqual(['prod_db']);
    expect(det({ name: 'Edit', input: { file_path: 'package-lock.json' }, cwd: CWD })).toEqual([{ rule: 'lockfile_edit', severity: 'warning', field: 'file_path', value: 'package-lock.json' }]);
    expect(det({ name: 'Edit', input: { file_path: 'vendor/package-lock.json' }, cwd: CWD })).toEqual([]);
    const allowRm = detectorOf([{ id: 'destructive_command', allowlist: ['rm -rf node_modules', 'rm -rf ./dist*'] }]);
    expect(bash('rm -rf node_modules && rm -rf ./dist-old', allowRm)).toEqual([]);
    expect(bash('rm -rf src', allowRm)).toEqual(['destructive_command']);
  });
});
