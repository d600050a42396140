// A session seen first through hooks alone, then through its transcript (arriving in two halves, in
// separate commits): collected through the real metric producer at every step, every counter (and
// every histogram bucket) only grows, the exact totals equal the history generator's, and the
// estimate gauges carry the hook-only numbers and fall to 0 once the transcript is read.
import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { DataPointType, type MetricData } from '@opentelemetry/sdk-metrics';
import { StateStore } from '../src/state/store.js';
import { attachFold } from '../src/fold/fold-file.js';
import { IngestManager } from '../src/ingest/manager.js';
import { SpoolConsumer } from '../src/ingest/spool-consumer.js';
import { listTranscripts } from '../src/sources/transcript-files.js';
import { resolveRoots } from '../src/sources/roots.js';
import { Pricer } from '../src/pricing/cost.js';
import { EMBEDDED_PRICES } from '../src/pricing/price-table.js';
import { LedgerMetricProducer } from '../src/export/metrics/ledger-producer.js';
import { METRIC } from '../src/export/metrics/ledger-metrics.js';
import { createLogger } from '../src/log.js';
import { generateHistory, listJsonl } from './support/history-generator.js';
import { tempDir, useCleanups } from './support/temp.js';

useCleanups();
const pricer = new Pricer(EMBEDDED_PRICES);
const log = createLogger({ level: 'silent', json: false });

type Values = Map<string, number>;

/** Every cumulative value of a collection: counter points, histogram buckets (cumulative) and counts. */
function cumulative(ms: MetricData[]): Values {
  const out: Values = new Map();
  for (const m of ms) {
    for (const p of m.dataPoints) {
      const key = `${m.descriptor.name}${JSON.stringify(Object.entries(p.attributes).sort())}`;
      if (m.dataPointType === DataPointType.SUM) out.set(key, p.value as number);
      if (m.dataPointType === DataPointType.HISTOGRAM) {
        const h = p.value as { count: number; buckets: { counts: number[] } };
        out.set(`${key}count`, h.count);
        let acc = 0;
        h.buckets.counts.forEach((n, i) => out.set(`${key}le${i}`, (acc += n)));
      }
    }
  }
  return out;
}

function gaugePoints(ms: MetricData[], name: string): Array<{ attributes: Record<string, unknown>; value: number }> {
  const m = ms.find((x) => x.descriptor.name === name);
  if (!m) return [];
  expect(m.dataPointType, name).toBe(DataPointType.GAUGE);
  return m.dataPoints.map((p) => ({ attributes: p.attributes, value: p.value as number }));
}

const sumOf = (ms: MetricData[], name: string, where: (a: Record<string, unknown>) => boolean = () => true): number =>
  (ms.find((x) => x.descriptor.name === name)?.dataPoints ?? []).filter((p) => where(p.attributes)).reduce((a, p) => a + (p.value as number), 0);

describe('estimates never lower a counter', () => {
  it('a hook-only session, then its transcript in two commits: counters only grow, exact totals match, estimate gauges fall to 0', async () => {
    const d = await tempDir('hook-estimates');
    // The history exists, but not yet where ccotel reads transcripts: the session is hook-only at first.
    const later = join(d, 'later');
    const exp = generateHistory(later, { sessions: 1, projects: 1, seed: 11 });
    const claude = join(d, 'claude');
    mkdirSync(join(claude, 'projects'), { recursive: true });
    const files = listJsonl(later);
    const main = files.find((f) => !f.includes('/subagents/'))!;
    const lines = readFileSync(main, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
    const first = lines.find((l) => typeof l.sessionId === 'string' && typeof l.cwd === 'string')!;
    const sessionId = first.sessionId as string;
    const cwd = first.cwd as string;
    const toolUse = lines.flatMap((l) => ((l.message as { content?: unknown })?.content as Array<Record<string, unknown>> | undefined) ?? []).find((c) => Array.isArray(c) === false && c?.type === 'tool_use')!;
    expect(toolUse, 'the generated session has a tool call').toBeTruthy();
    const transcriptPath = join(claude, 'projects', relative(join(later, 'projects'), main));

    // The hooks of that session: a prompt and one tool call of the transcript (same tool_use_id).
    const state = join(d, 'state');
    const spoolNew = join(state, 'spool', 'new');
    mkdirSync(spoolNew, { recursive: true });
    const prompt = 'please fix the failing test and explain why';
    const toolResponse = { stdout: 'x'.repeat(801), exitCode: 0 };
    const payloads = [
      { hook_event_name: 'UserPromptSubmit', prompt },
      { hook_event_name: 'PreToolUse', tool_name: toolUse.name, tool_input: toolUse.input, tool_use_id: toolUse.id },
      { hook_event_name: 'PostToolUse', tool_name: toolUse.name, tool_input: toolUse.input, tool_response: toolResponse, tool_use_id: toolUse.id },
    ];
    const t0 = Date.parse(first.timestamp as string);
    payloads.forEach((p, i) => writeFileSync(join(spoolNew, `${t0 + i}000000.${i + 1}`), JSON.stringify({ session_id: sessionId, cwd, transcript_path: transcriptPath, ...p })));
    // Independent truth: the estimate rule (~4 characters a token) applied to the payloads.
    const chars = (v: unknown) => (typeof v === 'string' ? v.length : JSON.stringify(v).length);
    const estInput = Math.ceil(chars(prompt) / 4) + Math.ceil(chars(toolResponse) / 4);
    const estOutput = Math.ceil(chars(toolUse.input) / 4);

    const open = async () => {
      const store = await StateStore.open(state, { allowReadOnly: false });
      const { fold } = await attachFold(store, { pricer });
      const manager = new IngestManager(store, [], log);
      const spool = new SpoolConsumer(store, manager, join(state, 'spool'), log);
      const producer = new LedgerMetricProducer(fold, resourceFromAttributes({}), { user: 'u', timezone: 'UTC' });
      const collect = async () => (await producer.collect()).resourceMetrics.scopeMetrics[0]?.metrics ?? [];
      const roots = resolveRoots([claude]);
      const syncTranscripts = async () => manager.syncAll(await listTranscripts(roots));
      return { store, spool, collect, syncTranscripts };
    };

    let s = await open();
    expect(await s.spool.sync()).toBe(3);
    const steps: MetricData[][] = [await s.collect()];
    const hookOnly = steps[0]!;
    // Hook-only: estimates on the gauges, nothing on the exact counters but the one tool call.
    expect(sumOf(hookOnly, METRIC.tokenUsage)).toBe(0);
    expect(sumOf(hookOnly, METRIC.prompts)).toBe(0);
    const est = gaugePoints(hookOnly, METRIC.tokenEstimate);
    expect(est.every((p) => p.attributes.estimated === 'true' && p.attributes.project === cwd)).toBe(true);
    expect(Object.fromEntries(est.map((p) => [p.attributes.type, p.value]))).toEqual({ input: estInput, output: estOutput });
    expect(gaugePoints(hookOnly, METRIC.promptsEstimate).map((p) => p.value)).toEqual([1]);
    expect(gaugePoints(hookOnly, METRIC.costEstimate)[0]!.value).toBeCloseTo((estInput * 3 + estOutput * 15) / 1e6, 12);
    expect(sumOf(hookOnly, METRIC.toolCalls)).toBe(1);

    // The transcript arrives in two halves, each its own commit (the usage before all the prompts).
    const full = files.map((f) => ({ from: f, to: join(claude, 'projects', relative(join(later, 'projects'), f)), text: readFileSync(f, 'utf8') }));
    for (const f of full) {
      mkdirSync(dirname(f.to), { recursive: true });
      const ls = f.text.split('\n').filter(Boolean);
      writeFileSync(f.to, ls.slice(0, Math.ceil(ls.length / 2)).map((l) => l + '\n').join(''));
    }
    await s.syncTranscripts();
    steps.push(await s.collect());
    for (const f of full) {
      const ls = f.text.split('\n').filter(Boolean);
      appendFileSync(f.to, ls.slice(Math.ceil(ls.length / 2)).map((l) => l + '\n').join(''));
    }
    await s.syncTranscripts();
    steps.push(await s.collect());
    // And after a restart (the fold restored from its file).
    s.store.close();
    s = await open();
    await s.syncTranscripts();
    steps.push(await s.collect());
    s.store.close();

    for (let i = 1; i < steps.length; i++) {
      const before = cumulative(steps[i - 1]!);
      const after = cumulative(steps[i]!);
      for (const [k, v] of before) expect(after.get(k) ?? -1, `step ${i}: ${k}`).toBeGreaterThanOrEqual(v);
    }
    const done = steps.at(-1)!;
    expect({
      input: sumOf(done, METRIC.tokenUsage, (a) => a.type === 'input'),
      output: sumOf(done, METRIC.tokenUsage, (a) => a.type === 'output'),
      cacheRead: sumOf(done, METRIC.tokenUsage, (a) => a.type === 'cache_read'),
      cacheCreation: sumOf(done, METRIC.tokenUsage, (a) => a.type === 'cache_creation'),
      prompts: sumOf(done, METRIC.prompts),
      requests: sumOf(done, METRIC.modelRequests),
    }).toEqual({ input: exp.tokens.input, output: exp.tokens.output, cacheRead: exp.tokens.cacheRead, cacheCreation: exp.tokens.cacheCreation, prompts: exp.prompts, requests: exp.requests });
    expect(sumOf(done, METRIC.costUsage)).toBeCloseTo(exp.costUSD, 9);
    expect(Object.values(exp.tools).reduce((a, t) => a + t.calls, 0) - Object.values(exp.pendingTools).reduce((a, n) => a + n, 0)).toBe(sumOf(done, METRIC.toolCalls));
    // No counter carries an estimate; the gauges still have their points, at 0.
    expect(done.filter((m) => m.dataPointType === DataPointType.SUM).flatMap((m) => m.dataPoints).filter((p) => p.attributes.estimated !== undefined)).toEqual([]);
    for (const name of [METRIC.tokenEstimate, METRIC.costEstimate, METRIC.promptsEstimate]) {
      const pts = gaugePoints(done, name);
      expect(pts.length, name).toBeGreaterThan(0);
      expect(pts.map((p) => p.value), name).toEqual(pts.map(() => 0));
    }
  });
});

describe('a fold saved by the older counting rules', () => {
  it('(hook prompts on the prompts counter) is rebuilt with a new start time, so the lower value is a reset, not a decrease', async () => {
    const d = await tempDir('fold-version');
    let store = await StateStore.open(d, { allowReadOnly: false });
    let a = await attachFold(store, { pricer, now: () => 5_000 });
    store.ledger.apply({ kind: 'prompt', ctx: { sessionId: 's', cwd: '/p' }, ts: 1_000, uuid: 'u', chars: 3 });
    await store.commit();
    store.close();
    const file = join(d, 'fold.json');
    const saved = JSON.parse(readFileSync(file, 'utf8')) as { version: number };
    writeFileSync(file, JSON.stringify({ ...saved, version: saved.version - 1 }));
    store = await StateStore.open(d, { allowReadOnly: false });
    a = await attachFold(store, { pricer, now: () => 9_000 });
    expect([a.source, a.fold.startMs, a.fold.series.prompts.get('/p')]).toEqual(['rebuilt', 9_000, 1]);
    store.close();
  });
});
