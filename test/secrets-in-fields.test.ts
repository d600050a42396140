// Secrets planted in the transcript and hook fields planted-secrets.test.ts leaves alone (gitBranch,
// model names, MCP tool names, subagent types, compaction triggers, slash-command arguments, hook
// payload fields, the cwd a hook reports), each a distinct self-evident token, go through one
// `ccotel backfill` (transcripts and the hook spool) into a real collector, then audit, stats and
// sessions; every byte the collector and ccotel wrote or printed is searched for each token.
import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { onCleanup, probablyFreePort, tempDir, useCleanups } from './support/temp.js';
import { ensureCollectorBinary, startCollector } from './support/collector.js';
import { requireBuiltCli } from './support/ccotel-cli.js';
import { runCli, startCli } from './support/cli-process.js';
import { encodeCwd } from './support/hand-transcripts.js';
import { runHook } from './support/hook-script.js';
import { SecretFactory } from './support/secrets.js';
import { waitFor } from './support/wait.js';
import { filesUnder } from './support/state-files.js';

useCleanups();

/** Field name → the token planted in it, by where it was planted. */
const transcriptFields: Record<string, string> = {};
const hookFields: Record<string, string> = {};
let blobs: Array<[string, string]> = [];
let inputs: Array<[string, string]> = [];

/** "<field> in <output>" for each planted token found in an output (`fold`: ignoring case). */
function leaks(planted: Record<string, string>, fold = false, outputs = blobs): string[] {
  const found: string[] = [];
  const norm = (t: string): string => (fold ? t.toLowerCase() : t);
  for (const [field, s] of Object.entries(planted)) for (const [name, text] of outputs) if (norm(text).includes(norm(s))) found.push(`${field} in ${name}`);
  return found;
}

/** The planted session: a main transcript, a subagent's and its meta file; `t(field)` gives the field's token. */
function writeTranscripts(root: string, t: (field: string) => string): void {
  const cwd = `/home/dev/${t('transcript cwd')}/shop`;
  const sid = 'f1e1d000-0000-4000-8000-000000000001';
  const dir = join(root, 'projects', encodeCwd(cwd));
  mkdirSync(join(dir, sid, 'subagents'), { recursive: true });
  const file = join(dir, `${sid}.jsonl`);
  const t0 = Date.parse('2026-03-02T09:00:00Z');
  const iso = (ms: number): string => new Date(t0 + ms).toISOString();
  const base = { sessionId: sid, cwd, version: '2.1.0', gitBranch: `fix/${t('gitBranch')}`, isSidechain: false, userType: 'external' };
  const w = (p: string, o: object): void => appendFileSync(p, JSON.stringify(o) + '\n');
  const usage = { input_tokens: 10, output_tokens: 5, cache_read_input_tokens: 0, cache_creation_input_tokens: 0 };
  const agentId = 'a1b2c3d4';
  w(file, { ...base, type: 'user', uuid: 'u1', parentUuid: null, timestamp: iso(0), message: { role: 'user', content: `<command-name>/deploy</command-name>\n<command-args>${t('slash command args')}</command-args>` } });
  w(file, { ...base, type: 'assistant', uuid: 'a1', parentUuid: 'u1', requestId: 'req_1', timestamp: iso(100), message: { id: 'msg_1', type: 'message', role: 'assistant', model: `claude.${t('model')}`, content: [
    // MCP tool names are user-defined (the server's name in the user's config).
    { type: 'tool_use', id: 'toolu_mcp', name: `mcp.acme.${t('MCP tool name')}`, input: { q: 'x' } },
    { type: 'tool_use', id: 'toolu_task', name: 'Task', input: { subagent_type: t('Task subagent_type'), description: 'd', prompt: 'p' } },
    { type: 'tool_use', id: 'toolu_grep', name: 'Grep', input: { pattern: t('Grep pattern'), path: `/home/dev/${t('Grep path')}` } },
    { type: 'tool_use', id: 'toolu_ws', name: 'WebSearch', input: { query: t('WebSearch query') } },
    { type: 'tool_use', id: 'toolu_bad', name: 'Bash', input: { command: 'ls' } },
  ], stop_reason: 'tool_use', usage } });
  w(file, { ...base, type: 'user', uuid: 'r1', parentUuid: 'a1', timestamp: iso(500), message: { role: 'user', content: [
    { type: 'tool_result', tool_use_id: 'toolu_mcp', content: 'ok', is_error: false },
    { type: 'tool_result', tool_use_id: 'toolu_task', content: 'done', is_error: false },
    { type: 'tool_result', tool_use_id: 'toolu_grep', content: 'ok', is_error: false },
    { type: 'tool_result', tool_use_id: 'toolu_ws', content: 'ok', is_error: false },
    { type: 'tool_result', tool_use_id: 'toolu_bad', content: `error: token ${t('tool error text')} rejected`, is_error: true },
  ] }, toolUseResult: { agentId } });
  w(file, { ...base, type: 'system', subtype: 'compact_boundary', uuid: 'c1', timestamp: iso(600), compactMetadata: { trigger: t('compaction trigger'), preTokens: 1000 } });
  w(file, { ...base, type: 'user', uuid: 'cs', parentUuid: 'c1', isCompactSummary: true, timestamp: iso(610), message: { role: 'user', content: `summary ${t('compaction summary')}` } });
  w(file, { ...base, type: 'system', subtype: 'turn_duration', uuid: 'd1', timestamp: iso(900), durationMs: 900 });
  const agentFile = join(dir, sid, 'subagents', `agent-${agentId}.jsonl`);
  writeFileSync(join(dir, sid, 'subagents', `agent-${agentId}.meta.json`), JSON.stringify({ agentType: t('meta agentType') }));
  w(agentFile, { ...base, isSidechain: true, agentId, type: 'user', uuid: 's1', parentUuid: null, timestamp: iso(200), message: { role: 'user', content: 'p' } });
  w(agentFile, { ...base, isSidechain: true, agentId, type: 'assistant', uuid: 's2', parentUuid: 's1', requestId: 'req_2', timestamp: iso(300), message: { id: 'msg_2', type: 'message', role: 'assistant', model: 'claude-haiku-4-5', content: [{ type: 'text', text: 'hi' }], stop_reason: 'end_turn', usage } });
}

describe('secrets in transcript and hook fields other than tool inputs', () => {
  beforeAll(async () => {
    requireBuiltCli();
    await ensureCollectorBinary();
    const f = new SecretFactory(4242);
    // One self-evident token per field, so a leak names its field. Separators around it are ones the
    // patterns accept as a boundary (`/`, `.`, space).
    const plant = (into: Record<string, string>, field: string): string => (into[field] = `ghp_${f.s(36)}`);
    const t = (field: string): string => plant(transcriptFields, field);
    const h = (field: string): string => plant(hookFields, field);
    const d = await tempDir('secrets');
    const root = join(d, 'claude');
    const state = join(d, 'state');
    writeTranscripts(root, t);
    inputs = filesUnder(root).map((p) => [p, readFileSync(p, 'utf8')]);

    // A session known only through its hooks (its transcript is on another machine), spooled by the real hook script.
    const hsid = 'f1e1d000-0000-4000-8000-000000000002';
    const hb = { session_id: hsid, transcript_path: join(d, 'elsewhere', `${hsid}.jsonl`), cwd: `/home/dev/${h('hook cwd')}/hooked`, permission_mode: 'default' };
    const hook = async (p: Record<string, unknown>): Promise<void> => {
      inputs.push(['hook payload', JSON.stringify(p)]);
      expect((await runHook(JSON.stringify(p), [state])).code).toBe(0);
    };
    const mcp = `mcp.acme.${h('hook tool_name')}`;
    await hook({ ...hb, hook_event_name: 'SessionStart', source: h('hook source') });
    await hook({ ...hb, hook_event_name: 'UserPromptSubmit', prompt: 'hello' });
    await hook({ ...hb, hook_event_name: 'PreToolUse', tool_name: mcp, tool_input: { q: 1 }, tool_use_id: 'toolu_h1' });
    await hook({ ...hb, hook_event_name: 'PostToolUse', tool_name: mcp, tool_input: { q: 1 }, tool_response: 'r', tool_use_id: 'toolu_h1' });
    await hook({ ...hb, hook_event_name: 'PreToolUse', tool_name: 'Bash', tool_input: { command: 'make' }, tool_use_id: 'toolu_h2' });
    // Already redacted before this change (the two fields below): kept as guards.
    await hook({ ...hb, hook_event_name: 'PostToolUseFailure', tool_name: 'Bash', tool_input: { command: 'make' }, error: `failed: ${t('hook error text')}`, tool_use_id: 'toolu_h2' });
    await hook({ ...hb, hook_event_name: 'Notification', message: `see ${t('notification message')}`, notification_type: h('notification_type') });
    await hook({ ...hb, hook_event_name: 'PermissionRequest', tool_name: `mcp.acme.${h('permission tool_name')}`, tool_input: { q: 1 }, decision: h('permission decision') });
    await hook({ ...hb, hook_event_name: 'PreCompact', trigger: h('hook trigger') });
    const agentType = h('hook agent_type');
    await hook({ ...hb, hook_event_name: 'SubagentStart', agent_id: 'ah1', agent_type: agentType });
    await hook({ ...hb, hook_event_name: 'SubagentStop', agent_id: 'ah1', agent_type: agentType });
    await hook({ ...hb, hook_event_name: 'SessionEnd', reason: h('hook reason') });

    const col = await startCollector();
    onCleanup(() => col.stop());
    const common = ['--claude-dir', root, '--state-dir', state, '--timezone', 'UTC'];
    const backfill = await runCli(['backfill', ...common], { OTEL_EXPORTER_OTLP_ENDPOINT: col.endpoint });
    expect(backfill.code, backfill.stderr).toBe(0);
    const outs = [
      backfill,
      await runCli(['audit', ...common, '--json']),
      await runCli(['audit', ...common]),
      await runCli(['stats', ...common, '--range', 'all', '--json']),
      await runCli(['stats', ...common, '--range', 'all']),
      await runCli(['sessions', ...common, '--json']),
      await runCli(['sessions', ...common, '--show', 'f1e1d000-0000-4000-8000-000000000001']),
    ];
    for (const r of outs) expect(r.code, r.stderr).toBe(0);
    // Both sessions' tool spans arrived (the transcript's failed call, the hook-only session's).
    await waitFor(async () => {
      const ids = new Set((await col.readSpans()).map((s) => s.attributes['gen_ai.tool.call.id']));
      return ids.has('toolu_bad') && ids.has('toolu_h2') ? true : undefined;
    }, { timeoutMs: 30_000 });
    await col.stop();
    blobs = [...filesUnder(col.dir), ...filesUnder(state)].map((p) => [p.replace(d, '').replace(col.dir, '<collector>'), readFileSync(p, 'latin1')]);
    outs.forEach((r, i) => blobs.push([`stdout#${i}`, r.stdout], [`stderr#${i}`, r.stderr]));
  }, 900_000);

  it('the search works: every token is in the input, and the outputs hold redaction markers', () => {
    for (const s of [...Object.values(transcriptFields), ...Object.values(hookFields)]) expect(inputs.some(([, text]) => text.includes(s))).toBe(true);
    const traces = blobs.find(([n]) => n.endsWith('traces.jsonl'));
    expect(traces?.[1]).toContain('[REDACTED:github-token]');
    expect(blobs.find(([n]) => n.endsWith('metrics.jsonl'))?.[1]).toContain('[REDACTED:github-token]');
  });

  it('no token planted in a transcript field (nor in the error or notification text of a hook) reaches the collector, the state dir or the output', () => {
    expect(leaks(transcriptFields)).toEqual([]);
  });

  // The hook's cwd, tool_name and detail fields (source, trigger, reason, agent_type,
  // notification_type, decision) become metric labels (project, tool), span names and attributes,
  // ledger fields and stats: src/model/hook-payload.ts redacts them where the payload is parsed.
  it('no token planted in a hook payload field leaks', () => {
    expect(leaks(hookFields)).toEqual([]);
  });

  // The metric label `agent` is agentTypeLabel(agentType) (src/model/agent-type.ts), a lower-cased
  // copy of the meta file's agentType: redacted before lower-casing (a token lower-cased is still
  // most of the token, and the patterns no longer find it).
  it('no token planted in a subagent type reaches anything, even lower-cased', () => {
    expect(leaks({ 'meta agentType': transcriptFields['meta agentType']!, 'Task subagent_type': transcriptFields['Task subagent_type']! }, true)).toEqual([]);
  });
});

describe('the same transcript fields with no collector (local /metrics and trace files)', () => {
  beforeAll(() => requireBuiltCli());

  it('no token reaches the Prometheus endpoint, the local trace files or the state dir', async () => {
    const f = new SecretFactory(977);
    const planted: Record<string, string> = {};
    const d = await tempDir('secrets-local');
    const root = join(d, 'claude');
    const state = join(d, 'state');
    writeTranscripts(root, (field) => (planted[field] = `ghp_${f.s(36)}`));
    const port = await probablyFreePort();
    const run = startCli(['run', '--claude-dir', root, '--state-dir', state, '--timezone', 'UTC', '--prometheus-port', String(port), '--session-idle', '1s', '--log-format', 'json']);
    onCleanup(async () => {
      if (run.child.exitCode === null) run.child.kill('SIGKILL');
      await run.done;
    });
    await waitFor(() => (run.stderr.includes('backfill done') ? true : undefined), { timeoutMs: 60_000, what: 'run to finish its backfill' });
    const scrape = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    // The session is old: idle at once, its trace written whole (the failed Bash call's span last read here).
    const traceFile = join(state, 'traces', 'traces.jsonl');
    await waitFor(() => {
      try {
        return readFileSync(traceFile, 'utf8').includes('toolu_bad') ? true : undefined;
      } catch {
        return undefined;
      }
    }, { timeoutMs: 30_000, what: 'the session trace in traces.jsonl' });
    run.child.kill('SIGTERM');
    const exited = await run.done;
    const outputs: Array<[string, string]> = filesUnder(state).map((p) => [p.replace(d, ''), readFileSync(p, 'latin1')]);
    outputs.push(['/metrics', scrape], ['stdout', exited.stdout], ['stderr', exited.stderr]);
    expect(leaks(planted, false, outputs)).toEqual([]);
    // The search looked at the right text: the model label is there, redacted.
    expect(scrape).toContain('model="claude.[REDACTED:github-token]"');
  }, 120_000);
});
