// Hooks end to end: the real hook script spools payloads, `ccotel run` (built CLI) consumes them with
// the transcripts and exports to a real OpenTelemetry Collector. Expected values come from the
// payloads and transcripts this test writes (sizes, ids, the times the hooks ran), never from ccotel.
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { onCleanup, tempDir, useCleanups } from './support/temp.js';
import { ensureCollectorBinary, startCollector, type FlatSpan } from './support/collector.js';
import { CLI, cliEnv, requireBuiltCli } from './support/ccotel-cli.js';
import { encodeCwd, sessionLines, writeSessions } from './support/hand-transcripts.js';
import { runHook } from './support/hook-script.js';
import { waitFor } from './support/wait.js';

useCleanups();

const CWD_A = '/home/dev/app';
const CWD_B = '/home/dev/remote-only';
const ms = (nano: string): number => Number(BigInt(nano) / 1000n) / 1000;

function startRun(root: string, state: string, endpoint: string): { child: ChildProcess; out: () => string } {
  const child = spawn(process.execPath, [CLI, 'run', '--claude-dir', root, '--state-dir', state, '--timezone', 'UTC', '--metrics-interval', '1s', '--session-idle', '20s', '--log-format', 'text'], {
    env: { ...cliEnv(), OTEL_EXPORTER_OTLP_ENDPOINT: endpoint },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exit = new Promise((r) => child.once('exit', r));
  onCleanup(async () => {
    if (child.exitCode === null) child.kill('SIGKILL');
    await exit;
  });
  return { child, out: () => out };
}

describe('hooks through ccotel run into a real collector', () => {
  beforeAll(async () => {
    requireBuiltCli();
    await ensureCollectorBinary();
  });

  it('one span per tool call with hook timings and transcript ids, counted once; hook-only sessions estimated; notifications and permissions counted', async () => {
    const d = await tempDir('hooks-e2e');
    const root = join(d, 'claude');
    const state = join(d, 'state');
    const col = await startCollector();
    onCleanup(() => col.stop());
    const A = 'a0000000-0000-4000-8000-00000000000a';
    const B = 'b0000000-0000-4000-8000-00000000000b';
    const t0 = Date.now() - 60_000;
    const transcript = join(root, 'projects', encodeCwd(CWD_A), `${A}.jsonl`);
    // Session A: a transcript with one Bash call (T1), its transcript times a minute ago.
    writeSessions(root, [{ sessionId: A, cwd: CWD_A, ts: t0, input: 100, output: 20, tools: [{ id: 'toolu_T1', name: 'Bash', input: { command: 'ls' }, isError: false, endTs: t0 + 500 }] }]);
    const base = (sid: string, path: string, cwd: string) => ({ session_id: sid, transcript_path: path, cwd, permission_mode: 'default' });
    const hook = async (p: Record<string, unknown>) => expect((await runHook(JSON.stringify(p), [state])).code).toBe(0);

    // Phase 1, before the daemon runs: the hooks of T1 wait in the spool.
    const h1 = Date.now();
    await hook({ ...base(A, transcript, CWD_A), hook_event_name: 'SessionStart', source: 'startup' });
    await hook({ ...base(A, transcript, CWD_A), hook_event_name: 'PreToolUse', tool_name: 'Bash', tool_input: { command: 'ls' }, tool_use_id: 'toolu_T1' });
    await hook({ ...base(A, transcript, CWD_A), hook_event_name: 'PostToolUse', tool_name: 'Bash', tool_input: { command: 'ls' }, tool_response: { stdout: 'a\nb', stderr: '' }, tool_use_id: 'toolu_T1' });
    // Session B exists only through hooks (its transcript is on another machine).
    const prompt = 'p'.repeat(401);
    const toolInput = { command: 'make build', description: 'Build' };
    const toolResponse = { stdout: 'o'.repeat(3999), stderr: '' };
    const missing = join(d, 'elsewhere', `${B}.jsonl`);
    await hook({ ...base(B, missing, CWD_B), hook_event_name: 'UserPromptSubmit', prompt });
    await hook({ ...base(B, missing, CWD_B), hook_event_name: 'PreToolUse', tool_name: 'Bash', tool_input: toolInput, tool_use_id: 'toolu_B1' });
    await hook({ ...base(B, missing, CWD_B), hook_event_name: 'PostToolUse', tool_name: 'Bash', tool_input: toolInput, tool_response: toolResponse, tool_use_id: 'toolu_B1' });
    await hook({ ...base(B, missing, CWD_B), hook_event_name: 'PermissionRequest', tool_name: 'Bash', tool_input: toolInput });
    await hook({ ...base(B, missing, CWD_B), hook_event_name: 'Notification', message: 'Claude needs your permission to use Bash', notification_type: 'permission_prompt' });
    const h1end = Date.now();

    const run = startRun(root, state, col.endpoint);
    const spanOf = async (id: string): Promise<FlatSpan[]> => (await col.readSpans()).filter((s) => s.attributes['gen_ai.tool.call.id'] === id);
    const t1 = await waitFor(async () => ((await spanOf('toolu_T1')).length ? spanOf('toolu_T1') : undefined), { timeoutMs: 60_000, what: 'span of toolu_T1' });

    // Phase 2, live: T2's PreToolUse hook, then its transcript lines, then its failure hook.
    const h2 = Date.now();
    await hook({ ...base(A, transcript, CWD_A), hook_event_name: 'PreToolUse', tool_name: 'Read', tool_input: { file_path: '/home/dev/app/.env' }, tool_use_id: 'toolu_T2' });
    const t2ts = Date.now() - 30_000;
    const more = sessionLines({ sessionId: A, cwd: CWD_A, ts: t2ts, input: 50, output: 5, tools: [{ id: 'toolu_T2', name: 'Read', input: { file_path: '/home/dev/app/.env' }, isError: true, endTs: t2ts + 100 }] }).map((l) => l.replace(/-u1"/g, '-u2"').replace(/-a1"/g, '-a2"').replace(/msg_/g, 'msg2_').replace(/req_/g, 'req2_').replace(/-r0"/g, '-r9"'));
    appendFileSync(transcript, more.join('\n') + '\n');
    await new Promise((r) => setTimeout(r, 1500)); // the transcript's result is read first; the span waits for the hook
    await hook({ ...base(A, transcript, CWD_A), hook_event_name: 'PostToolUseFailure', tool_name: 'Read', tool_input: { file_path: '/home/dev/app/.env' }, tool_use_id: 'toolu_T2', error: 'EACCES: permission denied\nat open', is_interrupt: false });
    const h2end = Date.now();
    const t2 = await waitFor(async () => ((await spanOf('toolu_T2')).length ? spanOf('toolu_T2') : undefined), { timeoutMs: 60_000, what: 'span of toolu_T2' });

    // ONE span each, with the hooks' times (not the transcript's, a minute earlier) and the transcript's link to its chat span.
    expect(t1).toHaveLength(1);
    expect(ms(t1[0]!.startTimeUnixNano)).toBeGreaterThanOrEqual(h1 - 1);
    expect(ms(t1[0]!.endTimeUnixNano)).toBeLessThanOrEqual(h1end + 1);
    expect(ms(t1[0]!.endTimeUnixNano)).toBeGreaterThan(ms(t1[0]!.startTimeUnixNano));
    expect(t1[0]!.attributes['ccotel.tool.timing']).toBe('hook');
    expect(t1[0]!.links).toHaveLength(1);
    const chat = (await col.readSpans()).find((s) => s.name.startsWith('chat ') && s.attributes['gen_ai.response.id'] === `msg_${A}`);
    expect(chat?.spanId).toBe(t1[0]!.links[0]!.spanId);
    expect(t2).toHaveLength(1);
    expect(ms(t2[0]!.startTimeUnixNano)).toBeGreaterThanOrEqual(h2 - 1);
    expect(ms(t2[0]!.endTimeUnixNano)).toBeLessThanOrEqual(h2end + 1);
    expect(t2[0]!.status).toEqual({ code: 2, message: 'EACCES: permission denied' });
    expect(t2[0]!.links).toHaveLength(1);

    // Counters count each call once; B's tokens are estimates from the payload sizes (4 chars a token),
    // on the estimate gauge only: the token counter has no point of B at all.
    const est = (chars: number) => Math.ceil(chars / 4);
    const expectedInput = est(prompt.length) + est(JSON.stringify(toolResponse).length);
    const expectedOutput = est(JSON.stringify(toolInput).length);
    await waitFor(
      async () => {
        const calls = await col.latestMetric('ccotel.tool.calls');
        const v = (tool: string, outcome: string, project: string) => calls.filter((p) => p.attributes.tool === tool && p.attributes.outcome === outcome && p.attributes.project === project).map((p) => p.value);
        const tokens = await col.latestMetric('ccotel.token.estimate', { estimated: 'true', project: CWD_B });
        const tok = (type: string) => tokens.filter((p) => p.attributes.type === type).map((p) => p.value);
        const perm = (await col.latestMetric('ccotel.permission.requests', { tool: 'Bash', outcome: 'unknown', project: CWD_B })).map((p) => p.value);
        const notes = (await col.latestMetric('ccotel.notifications', { type: 'permission_prompt', project: CWD_B })).map((p) => p.value);
        const exactB = await col.latestMetric('ccotel.token.usage', { project: CWD_B });
        const got = { bashA: v('Bash', 'success', CWD_A), readA: v('Read', 'error', CWD_A), bashB: v('Bash', 'success', CWD_B), input: tok('input'), output: tok('output'), perm, notes, exactB: exactB.length };
        const want = { bashA: [1], readA: [1], bashB: [1], input: [expectedInput], output: [expectedOutput], perm: [1], notes: [1], exactB: 0 };
        return JSON.stringify(got) === JSON.stringify(want) ? got : (() => { throw new Error(JSON.stringify(got)); })();
      },
      { timeoutMs: 60_000, what: 'counters' },
    );
    // Every spooled event was consumed (and removed once committed).
    expect(readdirSync(join(state, 'spool', 'new'))).toEqual([]);
    // The session root carries SessionStart as a span event once it closes.
    const rootSpan = await waitFor(async () => (await col.readSpans()).find((s) => s.name === 'invoke_agent claude-code' && s.attributes['gen_ai.conversation.id'] === A), { timeoutMs: 90_000, what: 'root of A' });
    expect(rootSpan.events.map((e) => e.name)).toContain('SessionStart');
    run.child.kill('SIGTERM');
  }, 240_000);
});
