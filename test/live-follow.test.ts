// `ccotel run` following transcripts that are being written, against a real collector: what a user
// sees while Claude Code works. The transcript lines are written by hand here, so what must arrive is
// known without asking ccotel.
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ensureCollectorBinary, startCollector, type Collector } from './support/collector.js';
import { CLI, cliEnv, requireBuiltCli } from './support/ccotel-cli.js';
import { waitFor } from './support/wait.js';
import { generateHistory } from './support/history-generator.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!().catch(() => {});
});

async function tempDir(prefix: string): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), `ccotel-live-${prefix}-`));
  cleanups.push(() => rm(d, { recursive: true, force: true }));
  return d;
}

function runDaemon(root: string, state: string, col: Collector): { child: ChildProcess; output: () => string; exit: Promise<number | null> } {
  const child = spawn(process.execPath, [CLI, 'run', '--claude-dir', root, '--state-dir', state, '--timezone', 'UTC', '--metrics-interval', '1s', '--log-format', 'text'], {
    env: { ...cliEnv(), OTEL_EXPORTER_OTLP_ENDPOINT: col.endpoint },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (out += d));
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  cleanups.push(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exit;
  });
  return { child, output: () => out, exit };
}

const SID = 'aaaaaaaa-1111-4222-8333-444444444444';
// Sorts before the generated projects, so the daemon reads this file first and is still backfilling
// the others when the rest of its torn line arrives.
const CWD = '/home/dev/projects/aaa-live';
const base = { isSidechain: false, userType: 'external', cwd: CWD, sessionId: SID, version: '2.1.42', gitBranch: 'main' };
const iso = (ms: number): string => new Date(ms).toISOString();

function prompt(uuid: string, ts: number, text: string): object {
  return { ...base, parentUuid: null, type: 'user', message: { role: 'user', content: text }, uuid, timestamp: iso(ts) };
}
function assistant(o: { id: string; req: string; uuid: string; ts: number; content: unknown[]; output: number; stop: string | null }): object {
  return {
    ...base,
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
    cleanups.push(() => col.stop());
    const state = await tempDir('state');
    const d = runDaemon(root, state, col);
    // Complete the line once the daemon has read (and checkpointed) the torn file, while it is still
    // backfilling the rest of the history: before its watcher is up.
    await waitFor(() => (committedOffset(state, file) === first.length ? true : undefined), { timeoutMs: 60_000, intervalMs: 5, what: 'the torn file checkpointed' });
    expect(d.output(), 'still backfilling when the line completes').not.toContain('following live sessions');

    const toolId = 'toolu_LiveTorn00000000000001';
    appendFileSync(
      file,
      second.slice(cut) +
        line(assistant({ id: 'msg_L2', req: 'req_L2', uuid: 'u-0004', ts: t0 + 21_000, content: [{ type: 'tool_use', id: toolId, name: 'Bash', input: { command: 'ls' } }], output: 7, stop: 'tool_use' })) +
        line(toolResult('u-0005', t0 + 22_000, toolId)) +
        line({ ...base, type: 'system', subtype: 'turn_duration', durationMs: 3000, uuid: 'u-0006', timestamp: iso(t0 + 23_000) }),
    );
    await waitFor(async () => (d.output().includes('following live sessions') ? true : undefined), { timeoutMs: 90_000, what: 'daemon following' });
    await waitFor(async () => ((await promptsCounter(col)) === 2 ? true : undefined), { timeoutMs: 10_000, what: 'ccotel.prompts = 2 after the torn line completed' });
    const spans = await waitFor(async () => {
      const s = (await col.readSpans()).filter((x) => x.attributes['gen_ai.conversation.id'] === SID);
      return s.filter((x) => x.name === 'turn').length === 2 && s.some((x) => x.attributes['gen_ai.tool.call.id'] === toolId) ? s : undefined;
    }, { timeoutMs: 10_000, what: 'both turn spans and the execute_tool span' });
    expect(spans.filter((s) => s.name.startsWith('chat ')).map((s) => s.attributes['gen_ai.response.id']).sort()).toEqual(['msg_L1', 'msg_L2']);
    d.child.kill('SIGTERM');
    expect(await d.exit, d.output()).toBe(0);
  }, 120_000);
});
