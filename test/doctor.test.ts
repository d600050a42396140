// `ccotel doctor` verdicts and the CLI's exit codes: 0 for success and help, 1 when doctor finds a
// failure, 2 for usage mistakes (unknown command or option, bad value), never a stack trace.
import { createServer, type Server } from 'node:http';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireBuiltCli } from './support/ccotel-cli.js';
import { runCli, startCli, type CliResult } from './support/cli-process.js';
import { probablyFreePort } from './support/temp.js';
import { waitFor } from './support/wait.js';
import { writeSessions, type HandCall } from './support/hand-transcripts.js';

const CALLS: HandCall[] = [0, 1, 2].map((i) => ({ sessionId: `doc-${i}`, cwd: `/home/dev/p${i}`, ts: Date.parse('2025-07-01T10:00:00Z') + i * 1000, input: 10, output: 20 }));

interface Check {
  verdict: 'ok' | 'warn' | 'fail';
  what: string;
  detail: string;
}

const noStack = (r: CliResult): void => {
  expect(r.stderr).not.toMatch(/internal error|\n\s+at \S/);
};

describe('ccotel doctor', () => {
  let dir: string;
  let root: string;
  let empty: string;
  let server: Server;
  let base: string;
  let n = 0;

  beforeAll(async () => {
    requireBuiltCli();
    dir = mkdtempSync(join(tmpdir(), 'ccotel-doctor-'));
    root = join(dir, 'claude');
    empty = join(dir, 'empty-claude');
    mkdirSync(empty);
    writeSessions(root, CALLS);
    // A stand-in collector: /ok accepts, /auth answers 401, /drop hangs up without answering.
    server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        if (req.url!.startsWith('/ok/')) res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
        else if (req.url!.startsWith('/auth/')) res.writeHead(401).end();
        else req.socket.destroy();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server?.close(resolve));
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const doctor = async (claudeDir: string, env: NodeJS.ProcessEnv = {}, state = join(dir, `state-${++n}`)): Promise<{ r: CliResult; checks: Check[] }> => {
    const r = await runCli(['doctor', '--json', '--claude-dir', claudeDir, '--state-dir', state, '--timezone', 'UTC'], env);
    noStack(r);
    return { r, checks: JSON.parse(r.stdout).checks };
  };

  it('healthy, no endpoint: every check ok, transcript count and ledger size as written, exit 0', async () => {
    const state = join(dir, 'state-healthy');
    const warm = await runCli(['stats', '--json', '--claude-dir', root, '--state-dir', state]);
    expect(warm.code, warm.stderr).toBe(0);
    const { r, checks } = await doctor(root, {}, state);
    expect(r.code, r.stdout).toBe(0);
    expect(checks.every((c) => c.verdict === 'ok'), JSON.stringify(checks)).toBe(true);
    expect(checks.map((c) => c.what)).toEqual(expect.arrayContaining(['config', 'timezone', 'transcripts', 'state', 'export']));
    expect(checks.find((c) => c.what === 'transcripts')!.detail).toBe(`${join(root, 'projects')}: ${CALLS.length} transcript files (flag)`);
    expect(checks.find((c) => c.what === 'state')!.detail).toMatch(new RegExp(`^${state}: ${CALLS.length} files checkpointed, ${CALLS.length} model calls in the ledger; [\\d.]+ (B|KiB|MiB) on disk \\(ledger [\\d.]+ (B|KiB|MiB), 0% superseded rows\\), never compacted; never pruned$`));
    expect(checks.find((c) => c.what === 'timezone')!.detail).toBe('UTC');
  });

  it('a running daemon: doctor names its pid and the port it really serves, and forgets it once stopped', async () => {
    const state = join(dir, 'state-daemon');
    let run: ReturnType<typeof startCli> | undefined;
    let port = 0;
    for (let attempt = 1; attempt <= 5 && !run; attempt++) {
      port = await probablyFreePort();
      const r = startCli(['run', '--claude-dir', root, '--state-dir', state, '--timezone', 'UTC', '--log-format', 'text', '--prometheus-port', String(port)]);
      const up = await waitFor(() => (r.stderr.includes('following live sessions') ? 'up' : r.child.exitCode !== null ? 'exited' : undefined), { timeoutMs: 60_000, what: 'daemon following' });
      if (up === 'up') run = r;
      else if (!/EADDRINUSE/.test(r.stderr)) throw new Error(r.stderr);
    }
    try {
      const { checks } = await doctor(root, {}, state);
      const daemon = checks.find((c) => c.what === 'daemon');
      expect(daemon?.verdict).toBe('ok');
      expect(daemon?.detail).toContain(`running as pid ${run!.child.pid}`);
      expect(daemon?.detail).toContain(`:${port}/metrics`);
    } finally {
      run!.child.kill('SIGTERM');
      expect((await run!.done).code, run!.stderr).toBe(0);
    }
    const { checks } = await doctor(root, {}, state);
    expect(checks.find((c) => c.what === 'daemon')).toBeUndefined();
  });

  it('the text form prints one verdict per line', async () => {
    const r = await runCli(['doctor', '--claude-dir', root, '--state-dir', join(dir, `state-${++n}`)]);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines.length).toBeGreaterThanOrEqual(5);
    for (const l of lines) expect(l).toMatch(/^OK {4}\w+: /);
  });

  it('no transcripts anywhere: a failed check, exit 1', async () => {
    const { r, checks } = await doctor(empty);
    expect(r.code).toBe(1);
    expect(checks).toContainEqual({ verdict: 'warn', what: 'transcripts', detail: `${join(empty, 'projects')}: not found (flag)` });
    expect(checks).toContainEqual({ verdict: 'fail', what: 'transcripts', detail: expect.stringMatching(/no Claude Code projects folder found/) });
  });

  it('a flat rate is a warning, not a failure: exit 0', async () => {
    const { r, checks } = await doctor(root, { CLAUDE_RATE_INPUT: '0.003' });
    expect(r.code).toBe(0);
    expect(checks).toContainEqual({ verdict: 'warn', what: 'pricing', detail: expect.stringMatching(/flat rate/) });
  });

  it('a reachable collector: both signals ok, exit 0', async () => {
    const { r, checks } = await doctor(root, { OTEL_EXPORTER_OTLP_ENDPOINT: `${base}/ok` });
    expect(r.code, r.stdout).toBe(0);
    expect(checks.filter((c) => c.what.startsWith('collector'))).toEqual([
      { verdict: 'ok', what: 'collector traces', detail: `${base}/ok/v1/traces: reachable (HTTP 200)` },
      { verdict: 'ok', what: 'collector metrics', detail: `${base}/ok/v1/metrics: reachable (HTTP 200)` },
    ]);
  });

  it('a collector that answers 401: failed with the headers hint, exit 1', async () => {
    const { r, checks } = await doctor(root, { OTEL_EXPORTER_OTLP_ENDPOINT: `${base}/auth` });
    expect(r.code).toBe(1);
    expect(checks).toContainEqual({ verdict: 'fail', what: 'collector traces', detail: `${base}/auth/v1/traces: HTTP 401: check OTEL_EXPORTER_OTLP_HEADERS (authentication)` });
  });

  it('a collector that hangs up: unreachable, exit 1', async () => {
    const { r, checks } = await doctor(root, { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${base}/drop/v1/traces` });
    expect(r.code).toBe(1);
    const t = checks.find((c) => c.what === 'collector traces')!;
    expect(t.verdict).toBe('fail');
    expect(t.detail).toMatch(new RegExp(`^${base.replace(/[.:/]/g, '\\$&')}/drop/v1/traces: unreachable \\(`));
  });
});

describe('exit codes', () => {
  let dir: string;
  beforeAll(() => {
    requireBuiltCli();
    dir = mkdtempSync(join(tmpdir(), 'ccotel-exit-'));
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  const common = () => ['--claude-dir', join(dir, 'claude'), '--state-dir', join(dir, 'state')];

  const cases: Array<[string, string[], number, RegExp | null]> = [
    ['--help', ['--help'], 0, null],
    ['help', ['help'], 0, null],
    ['stats --help', ['stats', '--help'], 0, null],
    ['--version', ['--version'], 0, null],
    ['no command (prints usage)', [], 2, /Usage: ccotel/],
    ['unknown command', ['frobnicate'], 2, /unknown command 'frobnicate'/],
    ['unknown option', ['stats', '--frob'], 2, /unknown option '--frob'/],
    ['option without its value', ['stats', '--range'], 2, /argument missing/],
    ['bad --prometheus-port', ['run', '--prometheus-port', 'abc'], 2, /^ccotel: --prometheus-port must be a port number/m],
    ['bad --session-idle', ['backfill', '--session-idle', '5x'], 2, /^ccotel: --session-idle expects a duration/m],
    ['bad --since', ['backfill', '--since', '2025-13-01'], 2, /^ccotel: --since: 2025-13-01 is not a calendar date/m],
    ['bad --log-level', ['stats', '--log-level', 'loud'], 2, /^ccotel: .*log.level|^ccotel: .*loud/m],
  ];
  for (const [what, args, code, stderr] of cases) {
    it(`${what} → ${code}`, async () => {
      const withDirs = args.length > 0 && ['stats', 'run', 'backfill'].includes(args[0]!) && !args.includes('--help') ? [args[0]!, ...common(), ...args.slice(1)] : args;
      const r = await runCli(withDirs);
      expect(r.code, r.stderr).toBe(code);
      noStack(r);
      if (code === 0) {
        expect(r.stdout.length).toBeGreaterThan(0);
        expect(r.stderr).toBe('');
      } else {
        expect(r.stdout).toBe('');
        expect(r.stderr).toMatch(stderr!);
      }
    });
  }
});
