// Spans carry the git branch of each turn (vcs.ref.head.name, from the lines' gitBranch, which
// changes within a session) and the repository (vcs.repository.url.full) read from the cwd's git
// config, found by walking up, worktrees and submodules included; credentials never leave.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { execFileSync, spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { canonicalRepoUrl, gitConfigPath, remoteUrlOf, RepoUrls } from '../src/export/traces/git-remote.js';
import { TraceBuilder, DEFAULT_TRACE_OPTIONS } from '../src/export/traces/trace-builder.js';
import { Pricer } from '../src/pricing/cost.js';
import { EMBEDDED_PRICES } from '../src/pricing/price-table.js';
import { Ledger } from '../src/state/ledger.js';
import type { EventContext, ModelEvent } from '../src/model/events.js';

const dir = mkdtempSync(join(tmpdir(), 'ccotel-vcs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(path: string, text: string): void {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, text);
}

describe('repository url from .git/config', () => {
  it('prefers origin, reads quoted values, ignores other sections', () => {
    const cfg = `[core]\n\turl = nope\n[remote "upstream"]\n\turl = https://github.com/up/stream.git\n[remote "origin"]\n\tfetch = +refs/heads/*:refs/remotes/origin/*\n\tURL = "git@github.com:me/app.git"\n`;
    expect(remoteUrlOf(cfg)).toBe('git@github.com:me/app.git');
    expect(remoteUrlOf(`[remote "fork"]\n  url = ssh://git@gitlab.example.com:2222/team/x.git\n`)).toBe('ssh://git@gitlab.example.com:2222/team/x.git');
    expect(remoteUrlOf('[core]\n\tbare = false\n')).toBeUndefined();
  });

  it('canonical https form without .git or credentials; local paths give nothing', () => {
    expect(canonicalRepoUrl('git@github.com:me/app.git')).toBe('https://github.com/me/app');
    expect(canonicalRepoUrl('ssh://git@gitlab.example.com:2222/team/x.git')).toBe('https://gitlab.example.com/team/x');
    expect(canonicalRepoUrl('https://github.com/me/app')).toBe('https://github.com/me/app');
    const withToken = canonicalRepoUrl('https://alice:ghp_abcdefghijklmnopqrstuvwxyz0123456789@github.com/me/app.git')!;
    expect(withToken).toBe('https://github.com/me/app');
    expect(canonicalRepoUrl('https://oauth2:glpat-abcdefghijklmnopqrstuv@gitlab.com:8443/g/p/')).toBe('https://gitlab.com:8443/g/p');
    expect(canonicalRepoUrl('/srv/git/app.git')).toBeUndefined();
    expect(canonicalRepoUrl('file:///srv/git/app.git')).toBeUndefined();
    expect(canonicalRepoUrl('C:\\repos\\app')).toBeUndefined();
  });

  it('url.<base>.insteadOf aliases are expanded the way git does (longest prefix), credentials in the base dropped', () => {
    const cfg = `[url "git@github.com:"]\n\tinsteadOf = gh:\n[url "https://bot:ghp_abcdefghijklmnopqrstuvwxyz0123456789@github.com/acme-private/"]\n\tinsteadOf = gh:acme-private/\n[remote "origin"]\n\turl = gh:acme/app.git\n[remote "priv"]\n\turl = gh:acme-private/tool\n`;
    expect(canonicalRepoUrl(remoteUrlOf(cfg)!)).toBe('https://github.com/acme/app');
    const priv = canonicalRepoUrl(remoteUrlOf(cfg.replace('[remote "origin"]\n\turl = gh:acme/app.git\n', ''))!);
    expect(priv).toBe('https://github.com/acme-private/tool');
  });

  it('userinfo-like text in the path (a mistyped scheme, an odd scp form) or a query never leaves', () => {
    // git reads `https:/u:p@host/x` (one slash) as scp-like: host `https`, path `/u:p@host/x`.
    for (const url of ['https:/alice:hunter2pass@github.com/me/app.git', 'github.com:alice:hunter2pass@me/app', 'https://github.com/alice:hunter2pass@me/app', 'git@github.com:me/app?pass=hunter2pass', 'git@github.com:me/app#hunter2pass']) {
      expect(canonicalRepoUrl(url) ?? '', url).not.toContain('hunter2pass');
    }
    expect(canonicalRepoUrl('git@github.com:me/app.git?x=1')).toBe('https://github.com/me/app');
  });

  it('walks up from the cwd; a worktree\'s .git file leads to the common config; a submodule has its own', () => {
    const main = join(dir, 'main');
    write(join(main, '.git', 'config'), '[remote "origin"]\n\turl = git@github.com:acme/main.git\n');
    mkdirSync(join(main, 'src', 'deep'), { recursive: true });
    expect(gitConfigPath(join(main, 'src', 'deep'))).toBe(join(main, '.git', 'config'));
    // git worktree add ../wt: .git is a file naming .git/worktrees/wt, whose commondir is ../..
    const wt = join(dir, 'wt');
    mkdirSync(wt, { recursive: true });
    write(join(main, '.git', 'worktrees', 'wt', 'commondir'), '../..\n');
    writeFileSync(join(wt, '.git'), `gitdir: ${join(main, '.git', 'worktrees', 'wt')}\n`);
    // A submodule: relative gitdir into the parent's modules, with a config of its own.
    const sub = join(main, 'vendor', 'lib');
    mkdirSync(sub, { recursive: true });
    writeFileSync(join(sub, '.git'), 'gitdir: ../../.git/modules/lib\n');
    write(join(main, '.git', 'modules', 'lib', 'config'), '[remote "origin"]\n\turl = https://github.com/acme/lib.git\n');
    const repos = new RepoUrls();
    expect(repos.of(join(main, 'src', 'deep'))).toBe('https://github.com/acme/main');
    expect(repos.of(wt)).toBe('https://github.com/acme/main');
    expect(repos.of(sub)).toBe('https://github.com/acme/lib');
    expect(repos.of(join(dir, 'nowhere'))).toBeUndefined();
    expect(repos.of('relative/path')).toBeUndefined();
    // Read once per cwd.
    write(join(main, '.git', 'config'), '[remote "origin"]\n\turl = git@github.com:acme/renamed.git\n');
    expect(repos.of(join(main, 'src', 'deep'))).toBe('https://github.com/acme/main');
    expect(new RepoUrls().of(join(main, 'src', 'deep'))).toBe('https://github.com/acme/renamed');
  });
});

describe('a .git/config that is not a small regular file', () => {
  // Read synchronously on the trace path: a FIFO or a device must be skipped, never waited on or
  // read to the end (the lookup runs in a child so a hang fails the test instead of blocking it).
  it('a FIFO, /dev/zero, or a .git file whose commondir is a FIFO gives no url and returns at once', () => {
    const fifoRepo = join(dir, 'fifo-repo');
    mkdirSync(join(fifoRepo, '.git'), { recursive: true });
    execFileSync('mkfifo', [join(fifoRepo, '.git', 'config')]);
    const zeroRepo = join(dir, 'zero-repo');
    mkdirSync(join(zeroRepo, '.git'), { recursive: true });
    symlinkSync('/dev/zero', join(zeroRepo, '.git', 'config'));
    const wtRepo = join(dir, 'fifo-wt');
    mkdirSync(join(wtRepo, 'gitdir'), { recursive: true });
    execFileSync('mkfifo', [join(wtRepo, 'gitdir', 'commondir')]);
    writeFileSync(join(wtRepo, '.git'), `gitdir: ${join(wtRepo, 'gitdir')}\n`);
    const loopRepo = join(dir, 'loop-repo');
    mkdirSync(join(loopRepo, '.git'), { recursive: true });
    symlinkSync(join(loopRepo, '.git', 'config'), join(loopRepo, '.git', 'config'));
    const mod = new URL('../src/export/traces/git-remote.ts', import.meta.url).href;
    const code = `import(${JSON.stringify(mod)}).then((m) => { const r = new m.RepoUrls(); console.log(JSON.stringify(${JSON.stringify([fifoRepo, zeroRepo, wtRepo, loopRepo])}.map((d) => r.of(d) ?? null))); });`;
    const child = spawnSync(process.execPath, ['--import', 'tsx', '-e', code], { encoding: 'utf8', timeout: 20_000, env: { ...process.env, NODE_OPTIONS: '--max-old-space-size=256' } });
    expect(child.signal, child.stderr).toBeNull();
    expect(JSON.parse(child.stdout)).toEqual([null, null, null, null]);
  }, 30_000);
});

describe('trace spans', () => {
  const T0 = Date.parse('2026-01-05T10:00:00Z');
  const ctx = (branch?: string): EventContext => ({ sessionId: 's1', cwd: '/work/app', ...(branch ? { gitBranch: branch } : {}) });
  const prompt = (uuid: string, ts: number, branch?: string): ModelEvent => ({ kind: 'prompt', ctx: ctx(branch), ts, uuid, chars: 3 });
  const call = (key: string, ts: number, branch?: string): ModelEvent => ({ kind: 'model_call', ctx: ctx(branch), ts, key, messageId: key, model: 'claude-sonnet-4-5', usage: { input: 1, output: 1, cacheCreation: 0, cacheCreation1h: 0, cacheSplit: false, cacheRead: 0, fast: false }, apiError: false });

  function spans(repoOf?: (cwd: string) => string | undefined) {
    const events = [prompt('p1', T0, 'main'), call('c1', T0 + 1000, 'main'), prompt('p2', T0 + 60_000, 'feature/login'), call('c2', T0 + 61_000, 'feature/login'), prompt('p3', T0 + 120_000), call('c3', T0 + 121_000, 'fix-1')];
    const ledger = new Ledger();
    for (const e of events) ledger.apply(e);
    const seen: string[] = [];
    const b = new TraceBuilder(new Pricer(EMBEDDED_PRICES), DEFAULT_TRACE_OPTIONS, (k) => ledger.usage.get(k), () => T0 + 86_400_000, undefined, repoOf && ((cwd) => (seen.push(cwd), repoOf(cwd))));
    b.accept(events);
    b.tick(T0 + 86_400_000, true);
    return { out: b.drain(), seen };
  }

  it('each turn has the branch its lines name; the root the latest; the repository on both', () => {
    const { out, seen } = spans((cwd) => (cwd === '/work/app' ? 'https://github.com/acme/app' : undefined));
    const turns = out.filter((s) => s.name === 'turn').sort((a, b) => Number(a.attributes['ccotel.turn.index']) - Number(b.attributes['ccotel.turn.index']));
    // Turn 3's prompt line names no branch: its first line that does (fix-1) gives it.
    expect(turns.map((t) => t.attributes['vcs.ref.head.name'])).toEqual(['main', 'feature/login', 'fix-1']);
    expect(turns.every((t) => t.attributes['vcs.ref.type'] === 'branch' && t.attributes['vcs.repository.url.full'] === 'https://github.com/acme/app')).toBe(true);
    const root = out.find((s) => s.name === 'invoke_agent claude-code')!;
    expect(root.attributes['vcs.ref.head.name']).toBe('fix-1');
    expect(root.attributes['vcs.repository.url.full']).toBe('https://github.com/acme/app');
    expect(new Set(seen)).toEqual(new Set(['/work/app']));
    // Branches are span attributes only: chat spans do not repeat them.
    expect(out.filter((s) => s.name.startsWith('chat ')).every((s) => !('vcs.ref.head.name' in s.attributes))).toBe(true);
  });

  it('no repository attribute without a remote', () => {
    const { out } = spans(() => undefined);
    expect(out.some((s) => 'vcs.repository.url.full' in s.attributes)).toBe(false);
    expect(out.filter((s) => s.name === 'turn').every((s) => typeof s.attributes['vcs.ref.head.name'] === 'string')).toBe(true);
  });
});
