// The `agent` label of ccotel.token.usage / ccotel.cost.usage / ccotel.cost.cache_savings (issue 9),
// the cache_ttl split of cache writes and the cache-savings counter (issue 10). Truth: hand-made
// events, the history generator's Expected (which is told each subagent's type, and prices savings
// from its own table) and an independent scan of the real fixture.
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { execFileSync, spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Ledger, type Row } from '../src/state/ledger.js';
import { StateStore } from '../src/state/store.js';
import { IngestManager } from '../src/ingest/manager.js';
import { listTranscripts } from '../src/sources/transcript-files.js';
import { resolveRoots } from '../src/sources/roots.js';
import { Pricer } from '../src/pricing/cost.js';
import { EMBEDDED_PRICES } from '../src/pricing/price-table.js';
import { agentTypeLabel } from '../src/model/agent-type.js';
import { computeMetricData, METRIC, type LedgerMetric, type NumberMetric } from '../src/export/metrics/ledger-metrics.js';
import type { EventContext, ModelEvent, Usage } from '../src/model/events.js';
import { silentLogger } from '../src/log.js';
import { Follower } from '../src/ingest/follow.js';
import type { TranscriptFile } from '../src/sources/transcript-files.js';
import { waitFor } from './support/wait.js';
import { generateHistory, SUBAGENT_TYPES } from './support/history-generator.js';

const pricer = new Pricer(EMBEDDED_PRICES);
const dir = mkdtempSync(join(tmpdir(), 'ccotel-agent-'));
let n = 0;
const fresh = (name: string) => join(dir, `${name}-${n++}`);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const usage = (p: Partial<Usage>): Usage => ({ input: 0, output: 0, cacheCreation: 0, cacheCreation1h: 0, cacheSplit: false, cacheRead: 0, fast: false, ...p });
const ctx = (agentId?: string): EventContext => (agentId ? { sessionId: 's1', cwd: '/p', agentId } : { sessionId: 's1', cwd: '/p' });
const call = (c: EventContext, key: string, output: number, parentToolUseId?: string): ModelEvent => ({ kind: 'model_call', ctx: c, ts: 1_750_000_000_000 + n++, key, messageId: key, model: 'claude-sonnet-4-5', usage: usage({ input: 10, output }), apiError: false, parentToolUseId });
const task = (id: string, subagent_type: string): ModelEvent => ({ kind: 'tool_use', ctx: ctx(), ts: 1_750_000_000_000, id, name: 'Task', callKey: 'k', input: { subagent_type } });

const OPTS = { user: 'u', timezone: 'UTC', nowMs: Date.UTC(2030, 0, 1) };
function byLabel(ms: LedgerMetric[], name: string, label: string, filter: (a: Record<string, string>) => boolean = () => true): Record<string, number> {
  const m = ms.find((x) => x.name === name) as NumberMetric;
  const out: Record<string, number> = {};
  for (const p of m.points) if (filter(p.attributes)) out[p.attributes[label] ?? ''] = (out[p.attributes[label] ?? ''] ?? 0) + p.value;
  return out;
}
const labels = (l: Ledger): Record<string, string | undefined> => Object.fromEntries([...l.usage.values()].map((r) => [r.key, r.agentType]));

describe('agent label resolution (ledger)', () => {
  it('main, compact, meta-file type, Task type for progress copies, Task-result link, else unknown', () => {
    const l = new Ledger();
    l.apply(call(ctx(), 'm-main', 5));
    l.apply(call(ctx('acompact-1a2b3c'), 'm-compact', 5));
    l.noteAgentType('s1', 'a-meta', 'Explore');
    l.apply(call(ctx('a-meta'), 'm-meta', 5));
    l.apply(task('toolu_plan', 'Plan'));
    l.apply(call(ctx('a-progress'), 'm-progress', 5, 'toolu_plan'));
    // The subagent's own later call (no Task id on it) follows what its progress copy resolved.
    l.apply(call(ctx('a-progress'), 'm-progress-2', 5));
    // A Task result names its agentId: that subagent's calls take the Task's type.
    l.apply(task('toolu_rev', 'Code Reviewer'));
    l.apply({ kind: 'tool_result', ctx: ctx(), ts: 1_750_000_000_500, toolUseId: 'toolu_rev', isError: false, resultChars: 1, agentId: 'a-linked' });
    l.apply(call(ctx('a-linked'), 'm-linked', 5));
    l.apply(call(ctx('a-nothing'), 'm-unknown', 5));
    // A hook (SubagentStart and the hooks inside a subagent) names agent_id and agent_type.
    l.apply({ kind: 'hook', ctx: ctx('a-hook'), ts: 1_750_000_000_600, id: 'h1', event: 'SubagentStart', transcript: true, detail: { agent_type: 'Security-Auditor' } });
    l.apply(call(ctx('a-hook'), 'm-hook', 5));
    expect(labels(l)).toEqual({ 'm-main': 'main', 'm-compact': 'compact', 'm-meta': 'explore', 'm-progress': 'plan', 'm-progress-2': 'plan', 'm-linked': 'code_reviewer', 'm-unknown': 'unknown', 'm-hook': 'security-auditor' });
  });

  it('a larger copy keeps the first-stored label, so no counted call ever moves between series', () => {
    const l = new Ledger();
    l.apply(call(ctx('a1'), 'k', 5));
    l.noteAgentType('s1', 'a1', 'Explore'); // learned too late for k
    l.apply(call(ctx('a1'), 'k', 50, undefined));
    l.apply(call(ctx('a1'), 'k2', 5));
    expect(labels(l)).toEqual({ k: 'unknown', k2: 'explore' });
    const before = byLabel(computeMetricData(l, pricer, OPTS), METRIC.tokenUsage, 'agent');
    expect(before).toEqual({ unknown: 60, explore: 15 });
  });

  it('survives the ledger file; rows written before the label count as main, or unknown for a subagent', () => {
    const l = new Ledger();
    l.noteAgentType('s1', 'a1', 'Plan');
    l.apply(call(ctx('a1'), 'k1', 5));
    l.apply(call(ctx(), 'k2', 5));
    const back = new Ledger();
    for (const line of l.takeChanges().trim().split('\n')) back.loadRow(JSON.parse(line) as Row);
    expect(labels(back)).toEqual({ k1: 'plan', k2: 'main' });
    // A later subagent call learns the type from the stored record.
    back.apply(call(ctx('a1'), 'k3', 5));
    expect(back.usage.get('k3')?.agentType).toBe('plan');
    const old = new Ledger();
    old.loadRow(['U', 'o1', 1_750_000_000_000, 's1', 'a9', '/p', 'claude-sonnet-4-5', 1, 2, 0, 0, 0, 0, 0, 0]);
    old.loadRow(['U', 'o2', 1_750_000_000_000, 's1', null, '/p', 'claude-sonnet-4-5', 1, 2, 0, 0, 0, 0, 0, 0]);
    expect(byLabel(computeMetricData(old, pricer, OPTS), METRIC.costUsage, 'agent')).toEqual({ unknown: (1 * 3 + 2 * 15) / 1e6, main: (1 * 3 + 2 * 15) / 1e6 });
  });

  it('label values are bounded: lowercase, [a-z0-9_-], at most 40 characters', () => {
    expect(agentTypeLabel('general-purpose')).toBe('general-purpose');
    expect(agentTypeLabel('My Agent: v2 (beta)')).toBe('my_agent_v2_beta_');
    expect(agentTypeLabel('x'.repeat(100))).toHaveLength(40);
    expect(agentTypeLabel('Ünïcode/../..')).toMatch(/^[a-z0-9_-]+$/);
    expect(agentTypeLabel('   ')).toBe('unknown');
    expect(agentTypeLabel('!!!')).toBe('unknown');
  });
});

async function ingest(root: string, subagentsFirst = false): Promise<Ledger> {
  const store = await StateStore.open(fresh('state'), { allowReadOnly: false });
  const manager = new IngestManager(store, [], silentLogger);
  const files = await listTranscripts(resolveRoots([root]));
  // Listed subagent files first: the manager still reads parents first (a label is fixed when stored).
  if (subagentsFirst) files.sort((a, b) => Number(b.hints.agentId !== undefined) - Number(a.hints.agentId !== undefined));
  expect(files.some((f) => f.hints.agentId)).toBe(true);
  await manager.syncAll(files);
  await manager.commit();
  const ledger = store.ledger;
  store.close();
  return ledger;
}

describe('cache savings counter', () => {
  it('never goes down as calls are added, even with a configured cache-read price above the input price', () => {
    // A price table from the config may say anything; a counter may not give value back.
    const odd = new Pricer({ ...EMBEDDED_PRICES, 'claude-sonnet-4-5': { input: 1, output: 5, cacheWrite: 1.25, cacheRead: 2 } });
    const l = new Ledger();
    const saved = () => byLabel(computeMetricData(l, odd, OPTS), METRIC.cacheSavings, 'agent')['main'] ?? 0;
    const withUsage = (key: string, u: Partial<Usage>): ModelEvent => ({ ...(call(ctx(), key, 5) as Extract<ModelEvent, { kind: 'model_call' }>), usage: usage(u) });
    l.apply(withUsage('c1', { input: 10, output: 5 }));
    const first = saved();
    l.apply(withUsage('c2', { input: 10, output: 5, cacheRead: 1_000_000 }));
    expect(saved()).toBeGreaterThanOrEqual(first);
  });
});

describe('meta files', () => {
  it('a subagent transcript\'s agent-<id>.meta.json names its type; without one (and no Task call) it is unknown', async () => {
    const root = fresh('meta');
    const sub = join(root, 'projects', '-p', 's1', 'subagents');
    mkdirSync(sub, { recursive: true });
    const line = (id: string, agentId?: string) => JSON.stringify({ type: 'assistant', sessionId: 's1', cwd: '/p', timestamp: '2026-01-05T10:00:00.000Z', ...(agentId ? { isSidechain: true, agentId } : {}), requestId: `r-${id}`, message: { id, model: 'claude-sonnet-4-5', usage: { input_tokens: 1, output_tokens: 2 } } }) + '\n';
    writeFileSync(join(root, 'projects', '-p', 's1.jsonl'), line('m0'));
    writeFileSync(join(sub, 'agent-a1.jsonl'), line('m1', 'a1'));
    writeFileSync(join(sub, 'agent-a1.meta.json'), JSON.stringify({ agentType: 'Plan', description: 'x', toolUseId: 'toolu_x' }));
    writeFileSync(join(sub, 'agent-a2.jsonl'), line('m2', 'a2'));
    writeFileSync(join(sub, 'agent-a3.jsonl'), line('m3', 'a3'));
    writeFileSync(join(sub, 'agent-a3.meta.json'), '{not json'); // a damaged hint is no error
    expect(labels(await ingest(root))).toEqual({ 'm0:r-m0': 'main', 'm1:r-m1': 'plan', 'm2:r-m2': 'unknown', 'm3:r-m3': 'unknown' });
  });
});

describe('meta files that are not small regular files', () => {
  it('a FIFO or a device as agent-<id>.meta.json gives no type and never stalls ingest', () => {
    const sub = fresh('meta-fifo');
    mkdirSync(sub, { recursive: true });
    execFileSync('mkfifo', [join(sub, 'agent-a1.meta.json')]);
    symlinkSync('/dev/zero', join(sub, 'agent-a2.meta.json'));
    // In a child: a read stuck on the FIFO would otherwise hold this worker's thread pool.
    const mod = new URL('../src/sources/agent-meta.ts', import.meta.url).href;
    const paths = [join(sub, 'agent-a1.jsonl'), join(sub, 'agent-a2.jsonl')];
    const code = `import(${JSON.stringify(mod)}).then((m) => console.log(JSON.stringify(${JSON.stringify(paths)}.map((p) => m.readAgentTypeSync(p) ?? null))));`;
    const child = spawnSync(process.execPath, ['--import', 'tsx', '-e', code], { encoding: 'utf8', timeout: 20_000, env: { ...process.env, NODE_OPTIONS: '--max-old-space-size=256' } });
    expect(child.signal, child.stderr).toBeNull();
    expect(JSON.parse(child.stdout)).toEqual([null, null]);
  }, 30_000);
});

describe('reading order while following', () => {
  it('a batch of changed files is read parents first (labels are fixed when a call is stored)', async () => {
    const read: string[] = [];
    const manager = { syncFile: async (f: TranscriptFile) => void read.push(f.path), commit: async () => {} } as unknown as IngestManager;
    const follower = new Follower(manager, [], silentLogger, { tickMs: 60_000, rescanMs: 60_000 });
    const file = (path: string, agentId?: string): TranscriptFile => ({ path, hints: agentId ? { sessionId: 's', agentId } : { sessionId: 's' } });
    // Queued while the worker is busy with the first: the rest arrive as one batch.
    follower.enqueue(file('/p/first.jsonl'));
    follower.enqueue(file('/p/s/subagents/agent-a1.jsonl', 'a1'));
    follower.enqueue(file('/p/s.jsonl'));
    follower.enqueue(file('/p/s/subagents/agent-a2.jsonl', 'a2'));
    await waitFor(() => (read.length === 4 ? true : undefined), { what: 'four files read' });
    await follower.stop();
    expect(read.slice(1)).toEqual(['/p/s.jsonl', '/p/s/subagents/agent-a1.jsonl', '/p/s/subagents/agent-a2.jsonl']);
  });
});

describe('generated history', () => {
  it('tokens, cost and cache savings by agent, and cache writes by TTL, equal the generator\'s Expected', async () => {
    const root = fresh('gen');
    const exp = generateHistory(root, { sessions: 30, seed: 91, faults: true, dropSubagentFiles: 0.3 });
    const ms = computeMetricData(await ingest(root), pricer, OPTS);
    const exact = (a: Record<string, string>) => a.estimated !== 'true';
    // Every subagent type appears, with its sanitized label (meta file, or the parent's Task call).
    expect(Object.keys(exp.agents).sort()).toEqual(['compact', 'main', ...SUBAGENT_TYPES.map(([, l]) => l)].sort());
    const tokens = byLabel(ms, METRIC.tokenUsage, 'agent', exact);
    expect(tokens).toEqual(Object.fromEntries(Object.entries(exp.agents).map(([k, v]) => [k, v.total])));
    const cost = byLabel(ms, METRIC.costUsage, 'agent', exact);
    const savings = byLabel(ms, METRIC.cacheSavings, 'agent');
    expect(Object.keys(cost).sort()).toEqual(Object.keys(exp.agents).sort());
    for (const [agent, v] of Object.entries(exp.agents)) {
      expect(Math.abs(cost[agent]! - v.costUSD), agent).toBeLessThan(1e-6);
      expect(Math.abs(savings[agent]! - v.cacheSavingsUSD), agent).toBeLessThan(1e-6);
    }
    // Cache writes: two TTL series whose sum is the cache_creation total, and every type sums to all tokens.
    const ttl = byLabel(ms, METRIC.tokenUsage, 'cache_ttl', (a) => a.type === 'cache_creation');
    expect(ttl).toEqual(exp.cacheWrites);
    expect(exp.cacheWrites['1h']).toBeGreaterThan(0);
    expect(ttl['5m']! + ttl['1h']!).toBe(exp.tokens.cacheCreation);
    const byType = byLabel(ms, METRIC.tokenUsage, 'type', exact);
    expect(byType).toEqual({ input: exp.tokens.input, output: exp.tokens.output, cache_read: exp.tokens.cacheRead, cache_creation: exp.tokens.cacheCreation });
    expect(exp.cacheSavingsUSD).toBeGreaterThan(0);
    expect(Math.abs(Object.values(savings).reduce((a, b) => a + b, 0) - exp.cacheSavingsUSD)).toBeLessThan(1e-6);
  });
});

describe('real fixture', () => {
  const FIXTURE = join(import.meta.dirname, 'fixtures', 'real');

  /** Independent: largest copy per key; the main file's own lines are main, its agent_progress copies and agent-a2898e3 are the Explore agent (README), acompact is compact. */
  function scan(): Record<string, number> {
    const best = new Map<string, { total: number; agent: string }>();
    const add = (m: any, req: unknown, agent: string) => {
      const u = m.usage;
      const split = u.cache_creation && typeof u.cache_creation === 'object' ? u.cache_creation : undefined;
      const total = (u.input_tokens ?? 0) + (u.output_tokens ?? 0) + (u.cache_read_input_tokens ?? 0) + (split ? (split.ephemeral_5m_input_tokens ?? 0) + (split.ephemeral_1h_input_tokens ?? 0) : (u.cache_creation_input_tokens ?? 0));
      const key = req ? `${m.id}:${req}` : m.id;
      const prev = best.get(key);
      if (!prev) best.set(key, { total, agent });
      else if (total > prev.total) prev.total = total;
    };
    const projects = join(FIXTURE, 'projects');
    for (const rel of readdirSync(projects, { recursive: true }) as string[]) {
      if (!rel.endsWith('.jsonl')) continue;
      const name = rel.split('/').pop()!;
      const fileAgent = !rel.includes('/subagents/') ? 'main' : name.startsWith('agent-acompact') ? 'compact' : name === 'agent-a2898e3.jsonl' ? 'explore' : 'unknown';
      for (const line of readFileSync(join(projects, rel), 'utf8').split('\n')) {
        if (!line.trim()) continue;
        const o = JSON.parse(line);
        if (o.type === 'progress' && o.data?.type === 'agent_progress' && o.data.message?.message?.usage) add(o.data.message.message, o.data.message.requestId, o.data.agentId === 'a2898e3' ? 'explore' : 'unknown');
        else if (o.message?.usage && typeof o.message.id === 'string') add(o.message, o.requestId, fileAgent);
      }
    }
    const out: Record<string, number> = {};
    for (const { total, agent } of best.values()) out[agent] = (out[agent] ?? 0) + total;
    return out;
  }

  it('tokens by agent: main, explore (no meta file: from the parent\'s Task call) and compact', async () => {
    const want = scan();
    expect(Object.keys(want).sort()).toEqual(['compact', 'explore', 'main']);
    const ms = computeMetricData(await ingest(FIXTURE, true), pricer, OPTS);
    expect(byLabel(ms, METRIC.tokenUsage, 'agent')).toEqual(want);
  });
});
