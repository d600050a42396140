// `ccotel run` with no OTLP endpoint anywhere: the embedded default serves ccotel_* series on a local
// Prometheus endpoint and writes OTLP-JSON trace files under <state>/traces/, rotated by size.
// Expected values are computed here from the hand-written sessions and the literal price table.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { userInfo } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { requireBuiltCli } from './support/ccotel-cli.js';
import { startCli, type CliRun } from './support/cli-process.js';
import { writeSessions, type HandCall } from './support/hand-transcripts.js';
import { waitFor } from './support/wait.js';
import { createFileSpanExporter } from '../src/export/traces/span-exporters.js';
import { toReadableSpan } from '../src/export/traces/readable-span.js';
import { probablyFreePort } from './support/temp.js';

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Text exposition format: `name{k="v",...} value` lines (escaped quotes and backslashes handled). */
function parseExposition(text: string): Sample[] {
  const out: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) throw new Error(`unparsable exposition line: ${line}`);
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]!] = l[2]!.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
    out.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return out;
}

/** Sum of the samples of a series whose labels include `match`. */
const sumOf = (samples: Sample[], name: string, match: Record<string, string> = {}): number =>
  samples.filter((s) => s.name === name && Object.entries(match).every(([k, v]) => s.labels[k] === v)).reduce((a, s) => a + s.value, 0);


interface FlatSpan {
  name: string;
  traceId: string;
  attributes: Record<string, unknown>;
}

/** Spans of an OTLP-JSON trace file (one ExportTraceServiceRequest per line). */
function spansOf(path: string): FlatSpan[] {
  const out: FlatSpan[] = [];
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (line === '') continue;
    const req = JSON.parse(line);
    for (const rs of req.resourceSpans)
      for (const ss of rs.scopeSpans)
        for (const s of ss.spans) {
          const attributes: Record<string, unknown> = {};
          for (const kv of s.attributes ?? []) attributes[kv.key] = kv.value.stringValue ?? (kv.value.intValue !== undefined ? Number(kv.value.intValue) : (kv.value.doubleValue ?? kv.value.boolValue ?? kv.value.arrayValue));
          out.push({ name: s.name, traceId: s.traceId, attributes });
        }
  }
  return out;
}

const USER = userInfo().username;
const HOUR = 3600_000;

describe('ccotel run with no collector: local Prometheus endpoint and trace files', () => {
  let dir: string;
  let root: string;
  let state: string;
  let run: CliRun | undefined;
  let url: string;
  const t = Date.parse('2025-06-10T10:00:00Z');
  // claude-sonnet-4-6: 3 / 15 / 3.75 / 0.30 per million; claude-haiku-4-5: 1 / 5 / 1.25 / 0.10.
  const A: HandCall = {
    sessionId: 'nc-a',
    cwd: '/home/dev/alpha',
    ts: t,
    input: 100,
    output: 200,
    cacheCreation: 300,
    cacheRead: 400,
    tools: [
      { id: 'toolu_a1', name: 'Bash', input: { command: 'ls' }, isError: false, endTs: t + 1500 },
      { id: 'toolu_a2', name: 'Read', input: { file_path: '/home/dev/alpha/x.ts' }, isError: true, endTs: t + 2500 },
    ],
  };
  const B: HandCall = { sessionId: 'nc-b', cwd: '/home/dev/beta', ts: t + 60_000, model: 'claude-haiku-4-5', input: 10, output: 20 };
  let TODAY: HandCall; // placed today (UTC), for the budget gauges
  const costA = (100 * 3 + 200 * 15 + 300 * 3.75 + 400 * 0.3) / 1e6; // 0.004545
  const costB = (10 * 1 + 20 * 5) / 1e6; // 0.00011
  const costToday = (1000 * 1 + 3000 * 5) / 1e6; // 0.016

  beforeAll(async () => {
    requireBuiltCli();
    dir = mkdtempSync(join(tmpdir(), 'ccotel-nocollector-'));
    root = join(dir, 'claude');
    state = join(dir, 'state');
    // The budget gauges are checked against "today": stay clear of UTC midnight (rare, bounded wait).
    const toMidnight = 24 * HOUR - (Date.now() % (24 * HOUR));
    if (toMidnight < 120_000) await new Promise((r) => setTimeout(r, toMidnight + 5000));
    const now = Date.now();
    const startOfToday = now - (now % (24 * HOUR));
    TODAY = { sessionId: 'nc-today', cwd: '/home/dev/beta', ts: Math.max(startOfToday + 1000, now - HOUR), model: 'claude-haiku-4-5', input: 1000, output: 3000 };
    writeSessions(root, [A, B, TODAY]);

    // Start the daemon on a port that was free; if another process took it meanwhile (EADDRINUSE
    // reported as "cannot serve metrics"), try another.
    for (let attempt = 1; ; attempt++) {
      const port = await probablyFreePort();
      const r = startCli(['run', '--claude-dir', root, '--state-dir', state, '--timezone', 'UTC', '--prometheus-port', String(port), '--session-idle', '1s', '--log-format', 'json']);
      const outcome = await Promise.race([
        r.done.then((res) => ({ exited: res })),
        waitFor(() => (r.stderr.includes('backfill done') ? true : undefined), { timeoutMs: 60_000, what: 'run to finish its backfill' }).then(() => ({ exited: undefined })),
      ]);
      if (!outcome.exited) {
        run = r;
        url = `http://127.0.0.1:${port}/metrics`;
        break;
      }
      if (attempt >= 5 || !/cannot serve metrics/.test(outcome.exited.stderr)) throw new Error(`ccotel run exited early (${outcome.exited.code}):\n${outcome.exited.stderr}`);
    }
  });
  afterAll(async () => {
    if (run && run.child.exitCode === null) {
      run.child.kill('SIGKILL');
      await run.done;
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const scrape = async (): Promise<Sample[]> => {
    const res = await fetch(url);
    expect(res.status).toBe(200);
    return parseExposition(await res.text());
  };

  it('serves every ccotel_* series with the values of the sessions on disk', async () => {
    const s = await waitFor(async () => {
      const x = await scrape();
      return sumOf(x, 'ccotel_model_requests_total') === 3 ? x : undefined;
    }, { what: '3 model requests on the Prometheus endpoint' });

    const tok = (type: string, project: string) => sumOf(s, 'ccotel_token_usage_total', { type, project, user: USER });
    expect([tok('input', A.cwd), tok('output', A.cwd), tok('cache_creation', A.cwd), tok('cache_read', A.cwd)]).toEqual([100, 200, 300, 400]);
    expect([tok('input', B.cwd), tok('output', B.cwd), tok('cache_creation', B.cwd), tok('cache_read', B.cwd)]).toEqual([10 + 1000, 20 + 3000, 0, 0]);
    expect(sumOf(s, 'ccotel_cost_usage_USD_total', { project: A.cwd, model: 'claude-sonnet-4-6' })).toBeCloseTo(costA, 12);
    expect(sumOf(s, 'ccotel_cost_usage_USD_total', { project: B.cwd, model: 'claude-haiku-4-5' })).toBeCloseTo(costB + costToday, 12);
    expect(sumOf(s, 'ccotel_model_requests_total', { project: A.cwd })).toBe(1);
    expect(sumOf(s, 'ccotel_model_requests_total', { project: B.cwd })).toBe(2);
    expect(sumOf(s, 'ccotel_sessions_total', { project: A.cwd })).toBe(1);
    expect(sumOf(s, 'ccotel_sessions_total', { project: B.cwd })).toBe(2);
    expect(sumOf(s, 'ccotel_prompts_total')).toBe(3);
    expect(sumOf(s, 'ccotel_tool_calls_total', { tool: 'Bash', outcome: 'success' })).toBe(1);
    expect(sumOf(s, 'ccotel_tool_calls_total', { tool: 'Read', outcome: 'error' })).toBe(1);
    expect(sumOf(s, 'ccotel_tool_calls_total')).toBe(2);
    // Tool durations: tool_use to tool_result by event time, 1.5 s and 2.5 s.
    expect(sumOf(s, 'ccotel_tool_duration_seconds_sum', { tool: 'Bash' })).toBeCloseTo(1.5, 9);
    expect(sumOf(s, 'ccotel_tool_duration_seconds_sum', { tool: 'Read' })).toBeCloseTo(2.5, 9);
    expect(sumOf(s, 'ccotel_tool_duration_seconds_bucket', { tool: 'Bash', le: '1' })).toBe(0);
    expect(sumOf(s, 'ccotel_tool_duration_seconds_bucket', { tool: 'Bash', le: '2.5' })).toBe(1);
    // Budget gauges: only the session placed today counts for today/week/month.
    for (const period of ['today', 'week', 'month']) {
      expect(sumOf(s, 'ccotel_budget_cost_total_USD', { period })).toBeCloseTo(costToday, 12);
      expect(sumOf(s, 'ccotel_budget_cost_USD', { period, project: B.cwd })).toBeCloseTo(costToday, 12);
      expect(sumOf(s, 'ccotel_budget_cost_USD', { period, project: A.cwd })).toBe(0);
    }
    expect(sumOf(s, 'ccotel_exporter_last_event_timestamp_seconds')).toBe(TODAY.ts / 1000);
  });

  it('writes one OTLP-JSON trace per session under <state>/traces/', async () => {
    const file = join(state, 'traces', 'traces.jsonl');
    // Each session: root, turn, chat and one span per tool call (A: 5, B: 3, today: 3).
    const spans = await waitFor(() => {
      try {
        const x = spansOf(file);
        return x.length >= 11 ? x : undefined;
      } catch {
        return undefined;
      }
    }, { what: '11 spans in traces.jsonl', timeoutMs: 30_000 });
    expect(spans).toHaveLength(11);
    const bySession = new Map<string, string[]>();
    for (const s of spans) {
      const sid = String(s.attributes['gen_ai.conversation.id'] ?? s.attributes['session.id']);
      bySession.set(sid, [...(bySession.get(sid) ?? []), s.name].sort());
    }
    expect(Object.fromEntries(bySession)).toEqual({
      'nc-a': ['chat claude-sonnet-4-6', 'execute_tool Bash', 'execute_tool Read', 'invoke_agent claude-code', 'turn'],
      'nc-b': ['chat claude-haiku-4-5', 'invoke_agent claude-code', 'turn'],
      'nc-today': ['chat claude-haiku-4-5', 'invoke_agent claude-code', 'turn'],
    });
    expect(new Set(spans.map((s) => s.traceId)).size).toBe(3);
    const chatA = spans.find((s) => s.name === 'chat claude-sonnet-4-6')!;
    // GenAI conventions: input_tokens counts cached input too (100 uncached + 300 written + 400 read).
    expect(chatA.attributes).toMatchObject({ 'gen_ai.usage.input_tokens': 100 + 300 + 400, 'ccotel.usage.input_tokens.uncached': 100, 'gen_ai.usage.output_tokens': 200, 'gen_ai.usage.cache_creation.input_tokens': 300, 'gen_ai.usage.cache_read.input_tokens': 400 });
  });

  it('follows a session written while it runs, then stops cleanly on SIGTERM', async () => {
    const LIVE: HandCall = { sessionId: 'nc-live', cwd: '/home/dev/alpha', ts: Date.now(), input: 7, output: 11 };
    writeSessions(root, [LIVE]);
    const s = await waitFor(async () => {
      const x = await scrape();
      return sumOf(x, 'ccotel_model_requests_total') === 4 ? x : undefined;
    }, { what: 'the live session on the Prometheus endpoint', timeoutMs: 30_000 });
    expect(sumOf(s, 'ccotel_token_usage_total', { type: 'input', project: A.cwd })).toBe(100 + 7);
    expect(sumOf(s, 'ccotel_cost_usage_USD_total', { project: A.cwd })).toBeCloseTo(costA + (7 * 3 + 11 * 15) / 1e6, 12);
    run!.child.kill('SIGTERM');
    const r = await run!.done;
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toMatch(/internal error|"level":"error"/);
    expect(r.stderr).toMatch(/"msg":"stopped"/);
  });
});

describe('trace file rotation (createFileSpanExporter)', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'ccotel-rotate-'));
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const resource = resourceFromAttributes({ 'service.name': 'rotation-test' });
  const batch = (i: number) => [
    toReadableSpan({ traceId: i.toString(16).padStart(32, '0'), spanId: '1'.padStart(16, '0'), name: `batch-${i}`, kind: 'internal', startMs: 1_750_000_000_000 + i, endMs: 1_750_000_000_100 + i, attributes: { 'batch.index': i } }, resource),
  ];
  const namesIn = (d: string, f: string): string[] => spansOf(join(d, f)).map((s) => s.name);

  it('below the size limit everything stays in traces.jsonl, one request per line', async () => {
    const d = join(dir, 'big');
    const ex = createFileSpanExporter(d, { maxFileBytes: 1 << 20, keepFiles: 5 });
    for (let i = 1; i <= 4; i++) await ex.export(batch(i));
    expect(readdirSync(d)).toEqual(['traces.jsonl']);
    expect(namesIn(d, 'traces.jsonl')).toEqual(['batch-1', 'batch-2', 'batch-3', 'batch-4']);
  });

  it('past the limit the file is renamed to traces-NNNNNN.jsonl and the oldest beyond keepFiles are deleted', async () => {
    const d = join(dir, 'small');
    const oneLine = Buffer.byteLength(readFileSync(join(dir, 'big', 'traces.jsonl'), 'utf8').split('\n')[0]!) + 1;
    // One batch stays under the limit, two reach it: the third write rotates, so files hold two batches.
    const ex = createFileSpanExporter(d, { maxFileBytes: 2 * oneLine, keepFiles: 3 });
    for (let i = 1; i <= 11; i++) await ex.export(batch(i));
    expect(readdirSync(d).sort()).toEqual(['traces-000003.jsonl', 'traces-000004.jsonl', 'traces-000005.jsonl', 'traces.jsonl']);
    expect(namesIn(d, 'traces-000003.jsonl')).toEqual(['batch-5', 'batch-6']);
    expect(namesIn(d, 'traces-000004.jsonl')).toEqual(['batch-7', 'batch-8']);
    expect(namesIn(d, 'traces-000005.jsonl')).toEqual(['batch-9', 'batch-10']);
    expect(namesIn(d, 'traces.jsonl')).toEqual(['batch-11']);

    // A new exporter (a restarted daemon) continues the numbering, never overwriting a kept file.
    const again = createFileSpanExporter(d, { maxFileBytes: 2 * oneLine, keepFiles: 3 });
    for (let i = 12; i <= 15; i++) await again.export(batch(i));
    expect(readdirSync(d).sort()).toEqual(['traces-000005.jsonl', 'traces-000006.jsonl', 'traces-000007.jsonl', 'traces.jsonl']);
    expect(namesIn(d, 'traces-000006.jsonl')).toEqual(['batch-11', 'batch-12']);
    expect(namesIn(d, 'traces-000007.jsonl')).toEqual(['batch-13', 'batch-14']);
    expect(namesIn(d, 'traces.jsonl')).toEqual(['batch-15']);
  });
});
