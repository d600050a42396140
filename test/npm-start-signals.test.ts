// `npm start` (the README's main command) is what users stop with Ctrl-C, `kill` or a process
// manager: the signal goes to npm. SIGTERM and SIGINT to npm's pid must stop the daemon within a
// few seconds with everything checkpointed, its port and state directory free for the next start;
// an npm killed outright (SIGKILL, nothing forwarded) must not leave the daemon behind either.
// npm builds into a copy of the repository (src, scripts, tsconfigs, package.json; node_modules
// linked), so its build never rewrites the dist/ other tests are running.
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO, cliEnv } from './support/ccotel-cli.js';
import { runCli } from './support/cli-process.js';
import { freePorts } from './support/collector.js';
import { writeSessions, type HandCall } from './support/hand-transcripts.js';
import { waitFor } from './support/wait.js';

const T = Date.parse('2025-08-01T09:00:00Z');
const CALLS: HandCall[] = Array.from({ length: 12 }, (_, i) => ({ sessionId: `npm-${i}`, cwd: `/home/dev/p${i % 2}`, ts: T + i * 60_000, model: 'claude-haiku-4-5', input: 10 + i, output: 100 + i }));
// Each closed session: root span, one turn, one chat span.
const SPANS = CALLS.length * 3;

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

const portFree = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });

/** Pids whose command line names this state directory. */
function processesUsing(state: string): number[] {
  return readdirSync('/proc')
    .filter((n) => /^\d+$/.test(n) && Number(n) !== process.pid)
    .filter((n) => {
      try {
        return readFileSync(`/proc/${n}/cmdline`, 'utf8').split('\0').includes(state);
      } catch {
        return false;
      }
    })
    .map(Number);
}

/** Spans in the daemon's local OTLP-JSON trace files. */
function localSpans(state: string): number {
  const f = join(state, 'traces', 'traces.jsonl');
  if (!existsSync(f)) return 0;
  let n = 0;
  for (const line of readFileSync(f, 'utf8').split('\n')) {
    if (!line) continue;
    for (const rs of JSON.parse(line).resourceSpans ?? []) for (const ss of rs.scopeSpans ?? []) n += (ss.spans ?? []).length;
  }
  return n;
}

describe('npm start stops with its signal', () => {
  let dir: string;
  let app: string;
  let root: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'ccotel-npmstart-'));
    app = join(dir, 'app');
    mkdirSync(app);
    for (const f of ['package.json', 'tsconfig.json', 'tsconfig.build.json', 'src', 'scripts']) cpSync(join(REPO, f), join(app, f), { recursive: true });
    symlinkSync(join(REPO, 'node_modules'), join(app, 'node_modules'));
    root = join(dir, 'claude');
    writeSessions(root, CALLS);
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  for (const signal of ['SIGTERM', 'SIGINT', 'SIGKILL'] as const) {
    it(`${signal} to npm's pid stops the daemon with its data checkpointed and port and state released`, async () => {
      const state = join(dir, `state-${signal}`);
      const [port] = await freePorts(1);
      const npm = spawn('npm', ['start', '--', '--claude-dir', root, '--state-dir', state, '--timezone', 'UTC', '--session-idle', '1s', '--prometheus-port', String(port)], {
        cwd: app,
        env: { ...cliEnv(), OTEL_EXPORTER_OTLP_ENDPOINT: '' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      npm.stdout!.setEncoding('utf8').on('data', (s: string) => (out += s));
      npm.stderr!.setEncoding('utf8').on('data', (s: string) => (out += s));
      const npmExit = new Promise<void>((r) => npm.once('close', () => r()));
      let daemon = 0;
      try {
        // Started (the build takes a while), every session closed and written, following.
        daemon = await waitFor(() => {
          const m = /"msg":"reading transcripts".*?"pid":(\d+)/.exec(out);
          return m && /following live sessions/.test(out) && localSpans(state) === SPANS ? Number(m[1]) : undefined;
        }, { what: 'daemon following with every span written', timeoutMs: 90_000 });
        expect(alive(daemon)).toBe(true);
        npm.kill(signal);
        await waitFor(() => (alive(daemon) ? undefined : true), { what: `daemon ${daemon} gone after ${signal} to npm`, timeoutMs: 5_000 });
        expect(await portFree(port!)).toBe(true);
        if (signal !== 'SIGKILL') expect(out, out).toMatch(/"msg":"stopped"/);
      } finally {
        if (npm.exitCode === null && npm.signalCode === null) npm.kill('SIGKILL');
        // Whatever was left running for this state directory (a daemon npm did not stop).
        for (const pid of processesUsing(state)) process.kill(pid, 'SIGKILL');
        await npmExit;
      }
      // The state is free at once (no wait for a lock) and has everything: nothing left to send.
      const r = await runCli(['backfill', '--json', '--claude-dir', root, '--state-dir', state, '--timezone', 'UTC', '--session-idle', '1s', '--log-level', 'warn']);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toBe('');
      expect(JSON.parse(r.stdout)).toMatchObject({ sessions: CALLS.length, spans: 0 });
      expect(localSpans(state)).toBe(SPANS);
    });
  }
});
