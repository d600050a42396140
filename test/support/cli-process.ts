// Runs the built CLI and keeps what a user would see: exit code, stdout and stderr (never throws on
// a non-zero exit). Environment isolated by cliEnv(), plus per-test overrides.
import { spawn, type ChildProcess } from 'node:child_process';
import { CLI, cliEnv } from './ccotel-cli.js';
import { onCleanup, probablyFreePort } from './temp.js';
import { waitFor } from './wait.js';

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CliRun {
  child: ChildProcess;
  /** Everything written so far (grows while the process runs). */
  readonly stdout: string;
  readonly stderr: string;
  done: Promise<CliResult>;
}

/** Starts `ccotel <args>`; `done` resolves when it exits. */
export function startCli(args: readonly string[], env: NodeJS.ProcessEnv = {}): CliRun {
  const child = spawn(process.execPath, [CLI, ...args], { env: { ...cliEnv(), ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (s: string) => (stdout += s));
  child.stderr!.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  const done = new Promise<CliResult>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return {
    child,
    get stdout() {
      return stdout;
    },
    get stderr() {
      return stderr;
    },
    done,
  };
}

/** Runs `ccotel <args>` to completion. */
export function runCli(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  return startCli(args, env).done;
}

/**
 * What every user-facing failure must look like: exactly one line on stderr, starting "ccotel: ",
 * no stack frame, no "internal error".
 */
export function expectOneLineError(r: CliResult): string {
  const lines = r.stderr.split('\n').filter((l) => l.trim() !== '');
  const problems: string[] = [];
  if (lines.length !== 1) problems.push(`expected one stderr line, got ${lines.length}`);
  if (!/^ccotel: /.test(lines[0] ?? '')) problems.push('stderr does not start with "ccotel: "');
  if (/internal error|\n\s+at |Error: .*\n/.test(r.stderr)) problems.push('stderr has a stack trace or internal error');
  if (problems.length) throw new Error(`${problems.join('; ')}\n--- stderr ---\n${r.stderr}--- stdout ---\n${r.stdout}`);
  return lines[0]!;
}

/** Ends a run that is still going (SIGKILL) and waits for it: for test cleanup. */
export async function killCli(run: CliRun): Promise<void> {
  if (run.child.exitCode === null && run.child.signalCode === null) run.child.kill('SIGKILL');
  await run.done.catch(() => undefined);
}

/** `ccotel run` on `root` with its own Prometheus port, once it follows live files; killed at the test's end. */
export async function startFollowing(root: string, state: string): Promise<CliRun> {
  const port = await probablyFreePort();
  const r = startCli(['run', '--claude-dir', root, '--state-dir', state, '--timezone', 'UTC', '--prometheus-port', String(port), '--log-format', 'text']);
  onCleanup(() => killCli(r));
  await waitFor(() => ((r.stderr + r.stdout).includes('following live sessions') ? true : undefined), { timeoutMs: 60_000, what: 'daemon following' });
  return r;
}
