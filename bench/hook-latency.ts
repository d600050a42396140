// Wall time of one hooks/ccotel-hook.sh invocation as Claude Code makes it (spawn, a PostToolUse
// payload with a 10 kB tool_response on stdin, wait for exit), 1,000 runs, next to `node -e ''`
// (what a Node hook would cost at least). Target: p99 < 10 ms.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

export interface Latency {
  p50: number;
  p99: number;
  runs: number;
}

function once(cmd: string, args: string[], input: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const t = process.hrtime.bigint();
    const c = spawn(cmd, args, { stdio: ['pipe', 'ignore', 'ignore'] });
    c.once('error', reject);
    c.once('exit', () => resolve(Number(process.hrtime.bigint() - t) / 1e6));
    c.stdin.on('error', () => {});
    c.stdin.end(input);
  });
}

const pct = (xs: number[], p: number): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))]!;

async function measure(cmd: string, args: string[], input: string, runs: number): Promise<Latency> {
  const xs: number[] = [];
  for (let i = 0; i < runs; i++) xs.push(await once(cmd, args, input));
  return { p50: pct(xs, 0.5), p99: pct(xs, 0.99), runs };
}

export async function benchHookLatency(script: string, runs = Number(process.env.BENCH_HOOK_RUNS ?? 1000)): Promise<{ hook: Latency; node: Latency }> {
  const state = mkdtempSync(join(tmpdir(), 'ccotel-bench-hook-'));
  try {
    const payload = JSON.stringify({
      session_id: '6f1c3a52-0d7e-4c1e-9a3b-1f2e3d4c5b6a',
      transcript_path: '/home/user/.claude/projects/-home-user-proj/6f1c3a52-0d7e-4c1e-9a3b-1f2e3d4c5b6a.jsonl',
      cwd: '/home/user/proj',
      hook_event_name: 'PostToolUse',
      tool_name: 'Read',
      tool_input: { file_path: '/home/user/proj/src/app.ts' },
      tool_response: { type: 'text', file: { filePath: '/home/user/proj/src/app.ts', content: 'x'.repeat(10_000) } },
      tool_use_id: 'toolu_01',
    });
    const hook = await measure(script, [state], payload, runs);
    const node = await measure(process.execPath, ['-e', ''], payload, Math.min(runs, 200));
    return { hook, node };
  } finally {
    rmSync(state, { recursive: true, force: true });
  }
}

/**
 * The budget guard (hooks/ccotel-budget-guard.sh) on a UserPromptSubmit, over budget and not enforced:
 * its longest path (reads the status file, `date`, prints the warning).
 */
export async function benchGuardLatency(script: string, runs = Number(process.env.BENCH_HOOK_RUNS ?? 1000)): Promise<Latency> {
  const state = mkdtempSync(join(tmpdir(), 'ccotel-bench-guard-'));
  try {
    const now = Math.floor(Date.now() / 1000);
    writeFileSync(join(state, 'budget-status'), ['# bench', `written=${now}`, 'daily=12.000000/10', 'weekly=12.000000', 'monthly=12.000000', 'enforce=0', 'over=daily', `until=${now + 3600}`, 'block=ccotel budget spent: today $12.00 of the $10.00 daily budget.', 'warn={"systemMessage":"ccotel budget spent: today $12.00 of the $10.00 daily budget."}'].join('\n') + '\n');
    const payload = JSON.stringify({ session_id: '6f1c3a52-0d7e-4c1e-9a3b-1f2e3d4c5b6a', transcript_path: '/home/user/.claude/projects/x/6f1c3a52.jsonl', cwd: '/home/user/proj', hook_event_name: 'UserPromptSubmit', prompt: 'p'.repeat(2000) });
    return await measure(script, [state, 'UserPromptSubmit'], payload, runs);
  } finally {
    rmSync(state, { recursive: true, force: true });
  }
}

/**
 * The figures measured from a fresh, small Node process. Starting a child costs its parent time in
 * proportion to the parent's memory (its page tables are copied): from `npm run bench`'s own
 * process, after the daemon bench has grown it, every run would be slower than Claude Code's spawn.
 */
export function latencyInFreshProcess(which: 'hook' | 'guard', script: string): { hook: Latency; node?: Latency } {
  const out = execFileSync(process.execPath, ['--import', 'tsx', import.meta.filename, which, script], { encoding: 'utf8', env: process.env, maxBuffer: 1 << 20 });
  return JSON.parse(out) as { hook: Latency; node?: Latency };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [which, script] = process.argv.slice(2);
  if ((which !== 'hook' && which !== 'guard') || !script) {
    process.stderr.write('usage: node --import tsx bench/hook-latency.ts hook|guard <script>\n');
    process.exitCode = 2;
  } else {
    const r = which === 'hook' ? await benchHookLatency(script) : { hook: await benchGuardLatency(script) };
    process.stdout.write(JSON.stringify(r) + '\n');
  }
}
