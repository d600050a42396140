// The guide's activity log: written by `ccotel run` (built CLI) from hook events the real hook script
// spooled, once per tool call across a restart; imported back as estimated usage (exported to a real
// collector, counted once however often imported); pruned. Expected values come from the payloads
// and lines this test writes (their sizes at ~4 characters a token), never from ccotel.
import { existsSync, mkdirSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { onCleanup, probablyFreePort, tempDir, useCleanups } from './support/temp.js';
import { CLI, cliEnv, requireBuiltCli } from './support/ccotel-cli.js';
import { killCli, runCli, startCli, type CliRun } from './support/cli-process.js';
import { runHook } from './support/hook-script.js';
import { waitFor } from './support/wait.js';
import { ensureCollectorBinary, startCollector } from './support/collector.js';
import { spawn } from 'node:child_process';

useCleanups();

const tok = (chars: number) => Math.ceil(chars / 4);
const lines = (dir: string): string[] =>
  existsSync(dir)
    ? readdirSync(dir)
        .filter((n) => n.startsWith('activity-'))
        .sort()
        .flatMap((n) => readFileSync(join(dir, n), 'utf8').split('\n').filter(Boolean))
    : [];

async function daemon(root: string, state: string, env: NodeJS.ProcessEnv): Promise<CliRun> {
  const run = startCli(['run', '--claude-dir', root, '--state-dir', state, '--timezone', 'UTC', '--prometheus-port', String(await probablyFreePort()), '--log-format', 'text'], env);
  onCleanup(() => killCli(run));
  await waitFor(() => (run.stderr.includes('following live sessions') || run.stdout.includes('following live sessions') ? true : undefined), { timeoutMs: 60_000, what: 'daemon following' });
  return run;
}

describe('activity log written by ccotel run', () => {
  beforeAll(() => requireBuiltCli());

  it("one line per tool call with exactly the guide's fields, none twice across a restart; CLAUDE_LOG_TOKENS and CLAUDE_SESSION_ID", async () => {
    const d = await tempDir('activity');
    const root = join(d, 'claude');
    mkdirSync(join(root, 'projects'), { recursive: true });
    const state = join(d, 'state');
    const logs = join(d, 'logs');
    const S = 'c0000000-0000-4000-8000-00000000000c';
    const base = { session_id: S, transcript_path: join(d, 'elsewhere', `${S}.jsonl`), cwd: '/home/dev/shop', permission_mode: 'default' };
    const call = async (id: string, tool: string, input: Record<string, unknown>, response: unknown, fail = false) => {
      expect((await runHook(JSON.stringify({ ...base, hook_event_name: 'PreToolUse', tool_name: tool, tool_input: input, tool_use_id: id }), [state])).code).toBe(0);
      const before = Date.now();
      const end = fail ? { hook_event_name: 'PostToolUseFailure', error: response } : { hook_event_name: 'PostToolUse', tool_response: response };
      expect((await runHook(JSON.stringify({ ...base, ...end, tool_name: tool, tool_input: input, tool_use_id: id }), [state])).code).toBe(0);
      return { before, after: Date.now() };
    };
    let run = await daemon(root, state, { CLAUDE_LOG_DIR: logs });
    const readIn = { file_path: '/home/dev/shop/src/app.ts' };
    const readOut = { type: 'text', file: { filePath: '/home/dev/shop/src/app.ts', content: 'x'.repeat(999) } };
    const t1 = await call('toolu_A1', 'Read', readIn, readOut);
    const bashIn = { command: 'npm test' };
    const t2 = await call('toolu_A2', 'Bash', bashIn, 'Exit code 1: 3 failing', true);
    const got = await waitFor(() => (lines(logs).length >= 2 ? lines(logs) : undefined), { timeoutMs: 30_000, what: 'two activity lines' });
    const parsed = got.map((l) => JSON.parse(l));
    expect(got).toHaveLength(2);
    expect(Object.keys(parsed[0])).toEqual(['timestamp', 'session_id', 'tool', 'file', 'project', 'tokens']);
    const inWindow = (ts: string, w: { before: number; after: number }) => Date.parse(ts) >= w.before - 1 && Date.parse(ts) <= w.after + 1;
    expect(inWindow(parsed[0].timestamp, t1) && inWindow(parsed[1].timestamp, t2)).toBe(true);
    const i1 = tok(JSON.stringify(readIn).length);
    const o1 = tok(JSON.stringify(readOut).length);
    expect({ ...parsed[0], timestamp: 0 }).toEqual({ timestamp: 0, session_id: S, tool: 'Read', file: '/home/dev/shop/src/app.ts', project: 'shop', tokens: { input: i1, output: o1, total: i1 + o1 } });
    const i2 = tok(JSON.stringify(bashIn).length);
    const o2 = tok('Exit code 1: 3 failing'.length);
    expect({ ...parsed[1], timestamp: 0 }).toEqual({ timestamp: 0, session_id: S, tool: 'Bash', file: '', project: 'shop', tokens: { input: i2, output: o2, total: i2 + o2 } });
    // The file is named for the day of the entries (UTC here).
    expect(readdirSync(logs)).toEqual([`activity-${parsed[0].timestamp.slice(0, 10)}.jsonl`]);

    // A restart (SIGKILL: no clean shutdown) and a third call: the first two are not written again.
    await killCli(run);
    run = await daemon(root, state, { CLAUDE_LOG_DIR: logs });
    await call('toolu_A3', 'Glob', { pattern: '**/*.ts' }, { filenames: ['a.ts'] });
    await waitFor(() => (lines(logs).length >= 3 ? true : undefined), { timeoutMs: 30_000, what: 'third activity line' });
    // The daemon keeps running; the spool is consumed: wait for that, then the count is final.
    await waitFor(() => (readdirSync(join(state, 'spool', 'new')).length === 0 ? true : undefined), { timeoutMs: 30_000, what: 'spool consumed' });
    expect(lines(logs).map((l) => JSON.parse(l).tool)).toEqual(['Read', 'Bash', 'Glob']);
    await killCli(run);

    // The guide's switches: no tokens, and a session id from CLAUDE_SESSION_ID.
    const logs2 = join(d, 'logs2');
    run = await daemon(root, state, { CLAUDE_LOG_DIR: logs2, CLAUDE_LOG_TOKENS: 'false', CLAUDE_SESSION_ID: 'fixed-session' });
    await call('toolu_A4', 'Write', { file_path: '/home/dev/shop/b.ts', content: 'y' }, { type: 'create' });
    const l2 = await waitFor(() => (lines(logs2).length >= 1 ? lines(logs2) : undefined), { timeoutMs: 30_000, what: 'line without tokens' });
    expect(Object.keys(JSON.parse(l2[0]!))).toEqual(['timestamp', 'session_id', 'tool', 'file', 'project']);
    expect(JSON.parse(l2[0]!)).toMatchObject({ session_id: 'fixed-session', tool: 'Write', file: '/home/dev/shop/b.ts' });
    await killCli(run);
  }, 180_000);
});

describe('import-activity and prune', () => {
  beforeAll(async () => {
    requireBuiltCli();
    await ensureCollectorBinary();
  });

  it('imports activity logs as estimated usage, twice counts once, exported on the estimate gauge with estimated="true"', async () => {
    const d = await tempDir('import-activity');
    const root = join(d, 'claude');
    mkdirSync(join(root, 'projects'), { recursive: true });
    const state = join(d, 'state');
    const logs = join(d, 'logs');
    mkdirSync(logs);
    const day = new Date().toISOString().slice(0, 10);
    const entry = (i: number, input: number, output: number) => JSON.stringify({ timestamp: `${day}T00:0${i}:00Z`, session_id: 'remote-1', tool: 'Read', file: `/w/f${i}`, project: 'webapp', tokens: { input, output, total: input + output } });
    writeFileSync(join(logs, `activity-${day}.jsonl`), [entry(1, 100, 7), entry(2, 250, 3), 'not json', JSON.stringify({ timestamp: `${day}T00:03:00Z`, session_id: 'remote-1', tool: 'Bash', file: '', project: 'webapp' })].join('\n') + '\n');
    writeFileSync(join(logs, 'notes.txt'), 'ignored');
    const first = await runCli(['import-activity', logs, '--claude-dir', root, '--state-dir', state]);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain('2 imported as estimated usage, 0 already imported, 1 without tokens, 1 not activity entries');
    const again = await runCli(['import-activity', logs, '--claude-dir', root, '--state-dir', state]);
    expect(again.stdout).toContain('0 imported as estimated usage, 2 already imported');
    const missing = await runCli(['import-activity', join(d, 'nope'), '--state-dir', state]);
    expect(missing.code).toBe(2);
    expect(missing.stderr.trim()).toMatch(/^ccotel: cannot read .*nope: no such directory$/);

    const col = await startCollector();
    onCleanup(() => col.stop());
    const child = spawn(process.execPath, [CLI, 'backfill', '--claude-dir', root, '--state-dir', state, '--timezone', 'UTC'], { env: { ...cliEnv(), OTEL_EXPORTER_OTLP_ENDPOINT: col.endpoint }, stdio: 'ignore' });
    expect(await new Promise((r) => child.once('exit', r))).toBe(0);
    const got = await waitFor(async () => {
      const pts = await col.latestMetric('ccotel.token.estimate', { estimated: 'true', project: 'webapp' });
      const v = (type: string) => pts.filter((p) => p.attributes.type === type).reduce((a, p) => a + (p.value ?? 0), 0);
      return pts.length ? { input: v('input'), output: v('output') } : undefined;
    }, { timeoutMs: 30_000, what: 'estimated token usage of webapp' });
    expect(got).toEqual({ input: 350, output: 10 });
  }, 120_000);

  it('prune --older-than removes old activity logs and committed, rejected and abandoned spool files, never waiting events; --dry-run lists only', async () => {
    const d = await tempDir('prune');
    const state = join(d, 'state');
    const logs = join(d, 'logs');
    mkdirSync(logs);
    const dayAgo = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString().slice(0, 10);
    for (const n of [45, 31, 29, 0]) writeFileSync(join(logs, `activity-${dayAgo(n)}.jsonl`), '{}\n');
    writeFileSync(join(logs, 'keep-me.txt'), 'x');
    const spool = join(state, 'spool');
    for (const s of ['new', 'tmp', 'rejected']) mkdirSync(join(spool, s), { recursive: true });
    const old = `${BigInt(Date.now() - 40 * 86_400_000) * 1_000_000n}.111`;
    const oldWaiting = `${BigInt(Date.now() - 40 * 86_400_000) * 1_000_000n}.222`;
    const recentDone = `${BigInt(Date.now() - 60_000) * 1_000_000n}.333`;
    for (const n of [old, oldWaiting, recentDone]) writeFileSync(join(spool, 'new', n), '{}');
    writeFileSync(join(state, 'state.json'), JSON.stringify({ format: 'ccotel-state', version: 1, files: {}, ledgerBytes: 0, sinks: { spool: { done: [old, recentDone] } } }), { mode: 0o600 });
    const past = (Date.now() - 40 * 86_400_000) / 1000;
    for (const [sub, n] of [['tmp', 'x.1'], ['rejected', 'y.2']]) {
      writeFileSync(join(spool, sub!, n!), 'junk');
      utimesSync(join(spool, sub!, n!), past, past);
    }
    writeFileSync(join(spool, 'rejected', 'fresh.3'), 'junk');
    const env = { CLAUDE_LOG_DIR: logs };
    const expected = [join(logs, `activity-${dayAgo(45)}.jsonl`), join(logs, `activity-${dayAgo(31)}.jsonl`), join(spool, 'new', old), join(spool, 'rejected', 'y.2'), join(spool, 'tmp', 'x.1')];
    const dry = await runCli(['prune', '--older-than', '30d', '--dry-run', '--state-dir', state, '--timezone', 'UTC'], env);
    expect(dry.code, dry.stderr).toBe(0);
    const listed = (out: string) => out.split('\n').filter((l) => / \(/.test(l)).map((l) => l.replace(/^(would delete|deleted) /, '').replace(/ \(.*$/, ''));
    expect(listed(dry.stdout).sort()).toEqual([...expected].sort());
    for (const p of expected) expect(existsSync(p)).toBe(true);
    const real = await runCli(['prune', '--older-than', '30d', '--state-dir', state, '--timezone', 'UTC'], env);
    expect(real.code, real.stderr).toBe(0);
    expect(listed(real.stdout).sort()).toEqual([...expected].sort());
    expect(real.stdout).toContain('deleted 5 files');
    for (const p of expected) expect(existsSync(p)).toBe(false);
    expect(readdirSync(logs).sort()).toEqual([`activity-${dayAgo(0)}.jsonl`, `activity-${dayAgo(29)}.jsonl`, 'keep-me.txt'].sort());
    expect(readdirSync(join(spool, 'new')).sort()).toEqual([oldWaiting, recentDone].sort());
    expect(readdirSync(join(spool, 'rejected'))).toEqual(['fresh.3']);
    const bad = await runCli(['prune', '--older-than', 'a month', '--state-dir', state]);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim()).toMatch(/^ccotel: --older-than expects a duration/);
  });
});
