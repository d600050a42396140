// Runs the real hooks/ccotel-hook.sh the way Claude Code does: a child process with the payload on
// stdin. Used by the hook tests and the end-to-end tests.
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO } from './ccotel-cli.js';

export const HOOK_SCRIPT = join(REPO, 'hooks', 'ccotel-hook.sh');
export const GUARD_SCRIPT = join(REPO, 'hooks', 'ccotel-budget-guard.sh');

export interface HookRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a hook script with `input` on stdin (args: the state dir, usually). */
export function runHook(input: string | Buffer, args: string[], env: NodeJS.ProcessEnv = {}, script = HOOK_SCRIPT): Promise<HookRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(script, args, { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.on('error', () => {}); // a script that stops reading early must not fail the test here
    child.stdin.end(input);
  });
}

/** Contents of spool/new, by file name. */
export function spooled(stateDir: string): Map<string, string> {
  const dir = join(stateDir, 'spool', 'new');
  let names: string[] = [];
  try {
    names = readdirSync(dir);
  } catch {
    return new Map();
  }
  return new Map(names.map((n) => [n, readFileSync(join(dir, n), 'utf8')]));
}

export const PAYLOADS = join(REPO, 'test', 'fixtures', 'hooks', 'payloads.jsonl');

/** The recorded payloads, one per hook event type, with their session id replaced. */
export function payloads(sessionId?: string, transcriptPath?: string): Array<Record<string, unknown>> {
  return readFileSync(PAYLOADS, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => {
      const p = JSON.parse(l) as Record<string, unknown>;
      if (sessionId) p.session_id = sessionId;
      if (transcriptPath !== undefined) p.transcript_path = transcriptPath;
      return p;
    });
}
