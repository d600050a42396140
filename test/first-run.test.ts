// What a new user meets first, through the real CLI:
// - `stats` on a history with nothing in the range says when the last activity was and which range
//   to ask for;
// - a Claude directory the user named that does not exist is an error (exit 2), the default
//   locations are not;
// - `doctor` accepts a missing default location when another holds the transcripts, fails on
//   transcripts it cannot read (EACCES), and lists the unpriced models in history;
// - the daemon's log says at start how much it will read (checked against the files' sizes), and
//   start and stop report the same span count when nothing new happened.
import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, chownSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, cliEnv, requireBuiltCli } from './support/ccotel-cli.js';
import { expectOneLineError, runCli, startCli, type CliResult } from './support/cli-process.js';
import { freePorts } from './support/collector.js';
import { writeSessions, type HandCall } from './support/hand-transcripts.js';
import { waitFor } from './support/wait.js';
import { filesUnder } from './support/state-files.js';

const OLD = Date.parse('2025-08-01T09:05:00Z');
const CALLS: HandCall[] = [0, 1, 2, 3].map((i) => ({ sessionId: `first-${i}`, cwd: `/home/dev/p${i % 2}`, ts: OLD + i * 60_000, input: 10 + i, output: 20 + i }));

/** Runs the CLI as the unprivileged user `nobody` (root reads any file, so EACCES needs another user). */
function runAsNobody(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: { ...cliEnv(), ...env }, uid: 65534, gid: 65534, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    child.once('error', reject);
    child.once('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

describe('first run', () => {
  let dir: string;
  let root: string;
  let n = 0;
  const state = () => join(dir, `state-${++n}`);

  beforeAll(() => {
    requireBuiltCli();
    dir = mkdtempSync(join(tmpdir(), 'ccotel-first-'));
    chmodSync(dir, 0o755);
    root = join(dir, 'claude');
    writeSessions(root, CALLS);
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('stats with nothing today names the last activity and suggests a range; none when the range has data', async () => {
    const r = await runCli(['stats', '--json', '--timezone', 'UTC', '--claude-dir', root, '--state-dir', state()]);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).requests).toBe(0);
    // The last call is at 09:08 UTC on 2025-08-01; today (2026 or later) is long after.
    expect(r.stderr.trim()).toBe('no activity today (' + new Date().toISOString().slice(0, 10) + '); the last was on 2025-08-01 09:08 (UTC): try --range all (or --since 2025-08-01)');
    const text = await runCli(['stats', '--timezone', 'Asia/Tokyo', '--claude-dir', root, '--state-dir', state()]);
    expect(text.stderr).toMatch(/the last was on 2025-08-01 18:08 \(Asia\/Tokyo\)/);
    const all = await runCli(['stats', '--json', '--range', 'all', '--timezone', 'UTC', '--claude-dir', root, '--state-dir', state()]);
    expect(all.code).toBe(0);
    expect(all.stderr).toBe('');
    expect(JSON.parse(all.stdout).requests).toBe(CALLS.length);
  });

  for (const [what, args, env] of [
    ['--claude-dir', ['--claude-dir', '/nonexistent/claude'], {}],
    ['CLAUDE_CONFIG_DIR', [], { CLAUDE_CONFIG_DIR: '/nonexistent/claude' }],
  ] as Array<[string, string[], NodeJS.ProcessEnv]>) {
    it(`a ${what} that does not exist: stats and backfill exit 2 with one line`, async () => {
      for (const cmd of ['stats', 'backfill']) {
        const r = await runCli([cmd, ...args, '--state-dir', state()], env);
        expect(r.code, `${cmd}: ${r.stderr}`).toBe(2);
        expect(expectOneLineError(r)).toMatch(/no Claude Code projects folder at \/nonexistent\/claude\/projects/);
        expect(r.stdout).toBe('');
      }
    });
  }

  it('missing default locations are not an error: a warning and zeros', async () => {
    const home = join(dir, 'empty-home');
    mkdirSync(home);
    const r = await runCli(['stats', '--json', '--range', 'all', '--state-dir', state()], { HOME: home });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/no Claude Code transcripts found/);
    expect(JSON.parse(r.stdout).requests).toBe(0);
  });

  it('doctor: a missing default location is fine when the other holds the transcripts', async () => {
    const home = join(dir, 'home');
    writeSessions(join(home, '.claude'), CALLS);
    // cliEnv() points XDG_CONFIG_HOME at a folder without claude/: the first default is missing.
    const r = await runCli(['doctor', '--json', '--state-dir', state()], { HOME: home });
    expect(r.code, r.stdout).toBe(0);
    const checks = JSON.parse(r.stdout).checks as Array<{ verdict: string; what: string; detail: string }>;
    const roots = checks.filter((c) => c.what === 'transcripts');
    expect(roots).toHaveLength(2);
    expect(roots.every((c) => c.verdict === 'ok'), JSON.stringify(roots)).toBe(true);
    expect(roots.map((c) => c.detail)).toContainEqual(`${join(home, '.claude', 'projects')}: ${CALLS.length} transcript files (default)`);
  });

  it('doctor: an unreadable transcript is a failure, as stats reports it', async () => {
    const r2 = join(dir, 'claude-locked');
    writeSessions(r2, CALLS);
    const files = filesUnder(join(r2, 'projects'));
    for (const d of readdirSync(join(r2, 'projects'))) chmodSync(join(r2, 'projects', d), 0o755);
    chmodSync(files[0]!, 0o000);
    // The state directory belongs to the user running ccotel (one it does not own is refused).
    const st = join(dir, 'state-locked');
    mkdirSync(st, { mode: 0o700 });
    chownSync(st, 65534, 65534);
    const stats = await runAsNobody(['stats', '--json', '--range', 'all', '--claude-dir', r2, '--state-dir', st]);
    expect(stats.code, stats.stderr).toBe(0);
    expect(stats.stderr).toMatch(/EACCES/);
    const d = await runAsNobody(['doctor', '--json', '--claude-dir', r2, '--state-dir', st]);
    expect(d.code, d.stdout + d.stderr).toBe(1);
    const checks = JSON.parse(d.stdout).checks as Array<{ verdict: string; what: string; detail: string }>;
    expect(checks).toContainEqual({ verdict: 'fail', what: 'transcripts', detail: expect.stringMatching(new RegExp(`^1 transcript files cannot be read .*${files[0]!.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} \\(EACCES\\)`)) });
  });

  it('doctor lists the unpriced models in history', async () => {
    const r3 = join(dir, 'claude-unpriced');
    writeSessions(r3, [
      { sessionId: 'up-1', cwd: '/home/dev/x', ts: OLD, model: 'claude-opus-4-8-20270101', input: 1, output: 1 },
      { sessionId: 'up-2', cwd: '/home/dev/x', ts: OLD + 1000, model: 'claude-opus-4-8-20270101', input: 1, output: 1 },
      { sessionId: 'up-3', cwd: '/home/dev/x', ts: OLD + 2000, model: 'claude-sonnet-4-5-20250929', input: 1, output: 1 },
    ]);
    const st = state();
    expect((await runCli(['stats', '--range', 'all', '--claude-dir', r3, '--state-dir', st])).code).toBe(0);
    const d = await runCli(['doctor', '--json', '--claude-dir', r3, '--state-dir', st]);
    const checks = JSON.parse(d.stdout).checks as Array<{ verdict: string; what: string; detail: string }>;
    expect(checks.filter((c) => c.what === 'pricing')).toEqual([{ verdict: 'warn', what: 'pricing', detail: expect.stringMatching(/unpriced models .*: claude-opus-4-8-20270101 \(2 calls\)$/) }]);
  });

  it('run logs at start how many files and bytes it will read; start and stop report the same span count', async () => {
    const bytes = filesUnder(join(root, 'projects')).reduce((a, f) => a + statSync(f).size, 0);
    const [port] = await freePorts(1);
    const run = startCli(['run', '--claude-dir', root, '--state-dir', state(), '--timezone', 'UTC', '--prometheus-port', String(port)]);
    const records = () => run.stderr.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
    try {
      const start = await waitFor(() => records().find((r) => r.msg === 'backfill done; following live sessions'), { what: 'backfill done', timeoutMs: 30_000 });
      const reading = records().find((r) => typeof r.msg === 'string' && r.msg.includes('of new transcript data'));
      expect(reading, run.stderr).toMatchObject({ files: CALLS.length, bytesTotal: bytes });
      expect(reading!.msg).toBe(`reading ${(bytes / 1e6).toFixed(1)} MB of new transcript data from ${CALLS.length} files`);
      run.child.kill('SIGTERM');
      await run.done;
      const stop = records().find((r) => r.msg === 'stopped');
      expect(stop, run.stderr).toBeDefined();
      expect(stop!.spansSent).toBe(start.spansSent);
    } finally {
      run.child.kill('SIGKILL');
      await run.done;
    }
  });
});
