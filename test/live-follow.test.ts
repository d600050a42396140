// `ccotel run` following transcripts that are being written, against a real collector: what a user
// sees while Claude Code works. The transcript lines are written by hand here, so what must arrive is
// known without asking ccotel.
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import { onCleanup, tempDir, useCleanups } from './support/temp.js';
import { ensureCollectorBinary, startCollector, type Collector } from './support/collector.js';
import { requireBuiltCli } from './support/ccotel-cli.js';
import { killCli, startCli, type CliRun } from './support/cli-process.js';
import { waitFor } from './support/wait.js';
import { generateHistory } from './support/history-generator.js';

useCleanups();

function runDaemon(root: string, state: string, col: Collector, extra: string[] = []): CliRun {
  const run = startCli(['run', '--claude-dir', root, '--state-dir', state, '--timezone', 'UTC', '--metrics-interval', '1s', '--log-format', 'text', ...extra], { OTEL_EXPORTER_OTLP_ENDPOINT: col.endpoint });
  onCleanup(() => killCli(run));
  return run;
}

const output = (r: CliRun): string => r.stderr + r.stdout;

const SID = 'aaaaaaaa-1111-4222-8333-444444444444';
// Sorts before the generated projects, so the daemon reads this file first and is still backfilling
// the others when the rest of its torn line arrives.
const CWD = '/home/dev/projects/aaa-live';
const base = { isSidechain: false, userType: 'external', cwd: CWD, sessionId: SID, version: '2.1.42', gitBranch: 'main' };
const iso = (ms: number): string => new Date(ms).toISOString();

function prompt(uuid: string, ts: number, text: string): object {
  return { ...base, parentUuid: null, type: 'user', message: { role: 'user', content: text }, uuid, timestamp: iso(ts) };
}
function assistant(o: { id: string; req: string; uuid: string; ts: number; content: unknown[]; output: number; stop: string | null; sid?: string }): object {
  return {
    ...base,
    sessionId: o.sid ?? SID,
    parentUuid: null,
    type: 'assistant',
    requestId: o.req,
    uuid: o.uuid,
    timestamp: iso(o.ts),
    message: { model: 'claude-sonnet-4-5-20250929', id: o.id, type: 'message', role: 'assistant', content: o.content, stop_reason: o.stop, usage: { input_tokens: 3, cache_creation_input_tokens: 100, cache_read_input_tokens: 1000, output_tokens: o.output } },
  };
}
function toolResult(uuid: string, ts: number, toolUseId: string): object {
  return { ...base, parentUuid: null, type: 'user', message: { role: 'user', content: [{ type: 'tool_result', tool_use_id: toolUseId, content: 'ok', is_error: false }] }, uuid, timestamp: iso(ts) };
}
const line = (o: object): string => JSON.stringify(o) + '\n';

async function promptsCounter(col: Collector): Promise<number> {
  return (await col.latestMetric('ccotel.prompts', { project: CWD })).reduce((a, p) => a + (p.value ?? 0), 0);
}

/** The daemon's committed read position in a file (0 before its first checkpoint). */
function committedOffset(state: string, file: string): number {
  try {
    return JSON.parse(readFileSync(join(state, 'state.json'), 'utf8')).files?.[file]?.offset ?? 0;
  } catch {
    return 0;
  }
}

describe('ccotel run following live transcripts', () => {
  beforeAll(async () => {
    requireBuiltCli();
    await ensureCollectorBinary();
  });

  it('a torn last line at start does not stall following: the rest arrives with every span', async () => {
    const root = await tempDir('root');
    generateHistory(root, { sessions: 60, seed: 5, targetBytes: 80_000_000 });
    const dir = join(root, 'projects', '-home-dev-projects-aaa-live');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `${SID}.jsonl`);
    const t0 = Date.now() - 3 * 3600_000; // older than --session-idle: the session is closed at start
    const first = line(prompt('u-0001', t0, 'first prompt')) + line(assistant({ id: 'msg_L1', req: 'req_L1', uuid: 'u-0002', ts: t0 + 1000, content: [{ type: 'text', text: 'hi' }], output: 5, stop: 'end_turn' }));
    const second = line(prompt('u-0003', t0 + 20_000, 'second prompt'));
    const cut = Math.floor(second.length / 2);
    writeFileSync(file, first + second.slice(0, cut)); // Claude Code is in the middle of writing line 3

    const col = await startCollector();
    onCleanup(() => col.stop());
    const state = await tempDir('state');
    const d = runDaemon(root, state, col);
    // Complete the line once the daemon has read (and checkpointed) the torn file, while it is still
    // backfilling the rest of the history: before its watcher is up.
    await waitFor(() => (committedOffset(state, file) === first.length ? true : undefined), { timeoutMs: 60_000, intervalMs: 5, what: 'the torn file checkpointed' });
    expect(output(d), 'still backfilling when the line completes').not.toContain('following live sessions');

    const toolId = 'toolu_LiveTorn00000000000001';
    appendFileSync(
      file,
      second.slice(cut) +
        line(assistant({ id: 'msg_L2', req: 'req_L2', uuid: 'u-0004', ts: t0 + 21_000, content: [{ type: 'tool_use', id: toolId, name: 'Bash', input: { command: 'ls' } }], output: 7, stop: 'tool_use' })) +
        line(toolResult('u-0005', t0 + 22_000, toolId)) +
        line({ ...base, type: 'system', subtype: 'turn_duration', durationMs: 3000, uuid: 'u-0006', timestamp: iso(t0 + 23_000) }),
    );
    await waitFor(async () => (output(d).includes('following live sessions') ? true : undefined), { timeoutMs: 90_000, what: 'daemon following' });
    await waitFor(async () => ((await promptsCounter(col)) === 2 ? true : undefined), { timeoutMs: 10_000, what: 'ccotel.prompts = 2 after the torn line completed' });
    const spans = await waitFor(async () => {
      const s = (await col.readSpans()).filter((x) => x.attributes['gen_ai.conversation.id'] === SID);
      return s.filter((x) => x.name === 'turn').length === 2 && s.some((x) => x.attributes['gen_ai.tool.call.id'] === toolId) ? s : undefined;
    }, { timeoutMs: 10_000, what: 'both turn spans and the execute_tool span' });
    expect(spans.filter((s) => s.name.startsWith('chat ')).map((s) => s.attributes['gen_ai.response.id']).sort()).toEqual(['msg_L1', 'msg_L2']);
    d.child.kill('SIGTERM');
    expect((await d.done).code, output(d)).toBe(0);
  }, 120_000);

  // Claude Code writes one line per content block of a response (thinking, text, each tool_use),
  // all with the same message.id/requestId, stop_reason null, and growing usage; a second apart in
  // real transcripts (median ~1 s, p90 ~6 s). A response is one model call: one chat span, with the
  // final usage, and the session's totals count it once.
  async function streamedSession(opts: { restartMidResponse: boolean }): Promise<void> {
    const sid = opts.restartMidResponse ? 'bbbbbbbb-1111-4222-8333-444444444444' : 'cccccccc-1111-4222-8333-444444444444';
    const root = await tempDir('root');
    const dir = join(root, 'projects', '-home-dev-projects-aaa-live');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `${sid}.jsonl`);
    const at = (o: object): object => ({ ...o, sessionId: sid });
    writeFileSync(file, line(at(prompt('s-0001', Date.now(), 'stream it'))));
    const col = await startCollector();
    onCleanup(() => col.stop());
    const state = await tempDir('state');
    const args = ['--session-idle', '6s'];
    let d = runDaemon(root, state, col, args);
    await waitFor(async () => (output(d).includes('following live sessions') ? true : undefined), { timeoutMs: 60_000, what: 'daemon following' });

    const tool = 'toolu_Streamed000000000000001';
    // Response 1: thinking, text, tool_use; output 4 → 21 → 57 (the final, largest copy).
    const r1 = [
      { type: 'thinking', thinking: 'plan', signature: 'x' },
      { type: 'text', text: 'Listing.' },
      { type: 'tool_use', id: tool, name: 'Bash', input: { command: 'ls' } },
    ];
    const outputs1 = [4, 21, 57];
    const append = (o: object): void => appendFileSync(file, line(at(o)));
    for (let i = 0; i < r1.length; i++) {
      append(assistant({ id: 'msg_S1', req: 'req_S1', uuid: `s-01${i}`, ts: Date.now(), content: [r1[i]], output: outputs1[i]!, stop: null, sid }));
      if (opts.restartMidResponse && i === 1) {
        // Stop the daemon after it has read (and checkpointed) two of the three copies.
        const size = readFileSync(file).length;
        await waitFor(() => (committedOffset(state, file) === size ? true : undefined), { timeoutMs: 15_000, what: 'two copies checkpointed' });
        d.child.kill('SIGTERM');
        expect((await d.done).code, output(d)).toBe(0);
        d = runDaemon(root, state, col, args);
        await waitFor(async () => (output(d).includes('following live sessions') ? true : undefined), { timeoutMs: 60_000, what: 'daemon following again' });
      }
      await sleep(1000);
    }
    append(toolResult('s-0201', Date.now(), tool));
    await sleep(1000);
    // Response 2: two copies, output 9 → 33, then the turn ends.
    append(assistant({ id: 'msg_S2', req: 'req_S2', uuid: 's-0301', ts: Date.now(), content: [{ type: 'text', text: 'Done' }], output: 9, stop: null, sid }));
    await sleep(1000);
    append(assistant({ id: 'msg_S2', req: 'req_S2', uuid: 's-0302', ts: Date.now(), content: [{ type: 'text', text: ' here.' }], output: 33, stop: null, sid }));
    append({ ...base, sessionId: sid, type: 'system', subtype: 'turn_duration', durationMs: 5000, uuid: 's-0401', timestamp: iso(Date.now()) });

    const spans = await waitFor(async () => {
      const s = (await col.readSpans()).filter((x) => x.attributes['gen_ai.conversation.id'] === sid);
      return s.some((x) => !x.parentSpanId) ? s : undefined;
    }, { timeoutMs: 30_000, what: 'the session closed (root span)' });
    const chats = spans.filter((x) => x.name.startsWith('chat '));
    expect(chats.map((c) => [c.attributes['gen_ai.response.id'], c.attributes['gen_ai.usage.output_tokens']]).sort()).toEqual([
      ['msg_S1', 57],
      ['msg_S2', 33],
    ]);
    expect(new Set(chats.map((c) => c.spanId)).size).toBe(2);
    const rootSpan = spans.find((x) => !x.parentSpanId)!;
    expect(rootSpan.attributes['gen_ai.usage.output_tokens']).toBe(57 + 33);
    // input (inclusive of the cache) per call: 3 + 100 + 1000
    expect(rootSpan.attributes['gen_ai.usage.input_tokens']).toBe(2 * 1103);
    expect(spans.filter((x) => x.name === 'execute_tool Bash').length).toBe(1);
    d.child.kill('SIGTERM');
    expect((await d.done).code, output(d)).toBe(0);
  }

  it('a response streamed block by block, a second apart, is one chat span with its final usage', async () => {
    await streamedSession({ restartMidResponse: false });
  }, 120_000);

  it('the same across a daemon restart in the middle of the response', async () => {
    await streamedSession({ restartMidResponse: true });
  }, 120_000);
});
