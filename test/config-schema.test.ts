// The config file is checked against one schema (src/config/schema.ts), through the real CLI: each
// mistake a user was seen making is one line naming the file, the key path and the reason (exit 2,
// no stack), nothing read or saved; `~` expands in every path setting; docs/config.md's table is
// the one the schema generates.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, REPO, cliEnv, requireBuiltCli } from './support/ccotel-cli.js';
import { expectOneLineError, runCli } from './support/cli-process.js';
import { writeSessions, type HandCall } from './support/hand-transcripts.js';
import { configTable, schemas } from '../src/config/schema.js';
import { DEFAULT_CONFIG } from '../src/config/config.js';
import { BEGIN, END } from '../scripts/config-doc.js';

const CALLS: HandCall[] = [0, 1, 2].map((i) => ({ sessionId: `cfgs-${i}`, cwd: '/home/dev/cfgs', ts: Date.parse('2025-06-10T12:00:00Z') + i * 60_000, input: 100, output: 200 }));

describe('config schema', () => {
  let dir: string;
  let root: string;
  let n = 0;

  beforeAll(() => {
    requireBuiltCli();
    dir = mkdtempSync(join(tmpdir(), 'ccotel-cfgschema-'));
    root = join(dir, 'claude');
    writeSessions(root, CALLS);
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const configFile = (text: string): string => {
    const p = join(dir, `config-${++n}.yaml`);
    writeFileSync(p, text);
    return p;
  };

  const cases: Array<[string, string, RegExp]> = [
    ['a nested typo', 'otlp:\n  endpont: http://localhost:4318\n', /: unknown setting "otlp\.endpont" \(did you mean "endpoint"\?\)/],
    ['a typo in prometheus', 'prometheus:\n  prot: 9000\n', /unknown setting "prometheus\.prot" \(did you mean "port"\?\)/],
    ['a number where a URL is expected', 'otlp: {endpoint: 12345}\n', /: otlp\.endpoint must be an http\(s\) URL \(text\) \(got number\)/],
    ['a URL that is not http(s)', 'otlp: {endpoint: "ftp://x"}\n', /: otlp\.endpoint must be an http\(s\) URL/],
    ['a scalar where a list is expected', 'claudeDirs: /some/path\n', /: claudeDirs must be a list of paths, e\.g\. \[~\/\.claude\] \(got string\)/],
    ['an empty path in a list', 'claudeDirs: [""]\n', /: claudeDirs\.0 must not be empty/],
    ['a port given as text', 'prometheus: {port: "abc"}\n', /: prometheus\.port must be a port number from 1 to 65535 \(got string\)/],
    ['a port out of range', 'prometheus: {port: 70000}\n', /: prometheus\.port must be a port number from 1 to 65535/],
    ['an empty prometheus host', 'prometheus: {host: ""}\n', /: prometheus\.host must not be empty/],
    ['an invalid prometheus host', 'prometheus: {host: "not a host!"}\n', /: prometheus\.host must be a host name or IP address/],
    ['a list where text is expected', 'serviceName: [a, b]\n', /: serviceName must be text \(got a list\)/],
    ['an unknown time zone', 'timezone: Mars/Olympus\n', /: timezone must be an IANA time zone/],
    ['an unknown protocol', 'otlp: {protocol: grpc}\n', /: otlp\.protocol must be one of "http\/protobuf", "http\/json" \(got "grpc"\)/],
    ['a header value that is not text', 'otlp: {headers: {x-team: 5}}\n', /: otlp\.headers\.x-team must be text \(got number\)/],
    ['a recent-session cap out of range', 'recentSessions: {max: 5000}\n', /: recentSessions\.max must be a whole number from 0 to 1000/],
    ['a recent-session window of 0 hours', 'recentSessions: {windowHours: 0}\n', /: recentSessions\.windowHours must be a positive number of hours/],
    ['a typo inside a price', 'pricing:\n  acme: {input: 1, output: 1, cacheWrite: 1, cacheRead: 1, cachRead: 2}\n', /unknown setting "pricing\.acme\.cachRead"/],
  ];
  for (const [what, text, msg] of cases) {
    it(`${what}: one line with file, key path and reason`, async () => {
      const path = configFile(text);
      const state = join(dir, `state-${++n}`);
      const r = await runCli(['stats', '--json', '--range', 'all', '--config', path, '--claude-dir', root, '--state-dir', state]);
      expect(r.code, r.stderr).toBe(2);
      const line = expectOneLineError(r);
      expect(line).toContain(`config file ${path}: `);
      expect(line).toMatch(msg);
      expect(r.stdout).toBe('');
      expect(existsSync(state)).toBe(false); // nothing read or saved
    });
  }

  it('run reports a bad port as a config error, not as "another ccotel running?"', async () => {
    const path = configFile('prometheus: {port: "abc"}\n');
    const r = await runCli(['run', '--config', path, '--claude-dir', root, '--state-dir', join(dir, `state-${++n}`)]);
    expect(r.code, r.stderr).toBe(2);
    expect(expectOneLineError(r)).toMatch(/prometheus\.port must be a port number/);
  });

  it('~ expands in claudeDirs, stateDir and --state-dir; nothing named "~" is created', () => {
    const home = join(dir, 'home');
    const cwd = join(dir, 'cwd');
    mkdirSync(cwd, { recursive: true });
    writeSessions(join(home, 'my-claude'), CALLS);
    const path = configFile('claudeDirs: [~/my-claude]\nstateDir: ~/my-state\n');
    const env = { ...cliEnv(), HOME: home };
    const run = (args: string[]) => spawnSync(process.execPath, [CLI, 'stats', '--json', '--range', 'all', '--timezone', 'UTC', '--config', path, ...args], { cwd, env, encoding: 'utf8' });
    const a = run([]);
    expect(a.status, a.stderr).toBe(0);
    expect(JSON.parse(a.stdout).requests).toBe(CALLS.length);
    expect(existsSync(join(home, 'my-state', 'state.json'))).toBe(true);
    // A flag given without shell expansion (quoted, or --state-dir=~/x) too.
    const b = run(['--state-dir', '~/flag-state', '--claude-dir', '~/my-claude']);
    expect(b.status, b.stderr).toBe(0);
    expect(JSON.parse(b.stdout).requests).toBe(CALLS.length);
    expect(existsSync(join(home, 'flag-state', 'state.json'))).toBe(true);
    expect(existsSync(join(cwd, '~'))).toBe(false);
  });

  it('docs/config.md holds the table the schema generates, listing every setting', () => {
    const doc = readFileSync(join(REPO, 'docs', 'config.md'), 'utf8');
    const table = configTable();
    expect(doc.slice(doc.indexOf(BEGIN) + BEGIN.length, doc.indexOf(END)), 'run `npm run docs:config`').toBe('\n' + table);
    for (const key of ['claudeDirs', 'stateDir', 'timezone', 'serviceName', 'otlp.endpoint', 'otlp.headers', 'pricing', 'prometheus.host', 'prometheus.port']) expect(table).toContain(`| \`${key}\` |`);
  });

  it('the defaults written out for a missing config file are exactly the schema\'s', () => {
    expect(DEFAULT_CONFIG).toEqual(schemas().configSchema.parse({}));
  });

  it('zod loads only when there is a config file to check', () => {
    requireBuiltCli();
    const dir = mkdtempSync(join(tmpdir(), 'ccotel-zod-'));
    try {
      const probe = (config: string | undefined) => {
        const code = `import(${JSON.stringify(join(REPO, 'dist', 'config', 'settings.js'))}).then((m) => { m.loadSettings(${JSON.stringify(config === undefined ? {} : { config })}); process.stdout.write(String(Object.keys(require.cache).some((k) => k.includes('/node_modules/zod/')))); })`;
        const r = spawnSync(process.execPath, ['-e', code], { env: { ...cliEnv(), HOME: dir, XDG_CONFIG_HOME: join(dir, 'cfg') }, encoding: 'utf8' });
        expect(r.status, r.stderr).toBe(0);
        return r.stdout;
      };
      const file = join(dir, 'config.yaml');
      writeFileSync(file, 'serviceName: x\n');
      // The probe sees zod where it is used, so "false" below is meaningful.
      expect(probe(file)).toBe('true');
      const missing = join(dir, 'cfg', 'ccotel', 'config.yaml');
      expect(existsSync(missing)).toBe(false);
      expect(probe(undefined)).toBe('false'); // the default path, where there is none
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
