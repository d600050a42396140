// agent_progress lines as a usage source (claude-code-format.md, rule 2; issue 7): copies of a
// subagent's messages in the parent transcript count under the same key and max rule as the
// subagent file's own lines. They add nothing while that file holds the key, and are the only record
// of paid calls when it is missing. Truth: ccusage 20.0.24 `daily`, an independent scan of the JSON
// lines below, and the history generator's Expected (which re-derives the rule without src/).
import { execFile, spawn } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CCUSAGE, CLI, REPO, cliEnv, reportDiffs, requireBuiltCli, runStats } from './support/ccotel-cli.js';
import { generateHistory, listJsonl } from './support/history-generator.js';
import { waitFor } from './support/wait.js';
import { StateStore } from '../src/state/store.js';
import { IngestManager } from '../src/ingest/manager.js';
import { listTranscripts } from '../src/sources/transcript-files.js';
import { resolveRoots } from '../src/sources/roots.js';
import { TraceBuilder, DEFAULT_TRACE_OPTIONS } from '../src/export/traces/trace-builder.js';
import { Pricer } from '../src/pricing/cost.js';
import { EMBEDDED_PRICES } from '../src/pricing/price-table.js';
import type { EventSink } from '../src/model/sink.js';
import type { ModelEvent } from '../src/model/events.js';
import type { SpanData } from '../src/export/traces/span-data.js';
import { silentLogger } from '../src/log.js';

const execFileAsync = promisify(execFile);
const HAVE_CCUSAGE = existsSync(CCUSAGE);
const FIXTURE = join(REPO, 'test', 'fixtures', 'real');
const PROJECT = '-home-USER-projects-spotter-worktrees-spotter-dov';
const SESSION = '4d5611e5-241a-462a-8d15-5122611a9569';
const AGENT = 'a2898e3';

interface Tokens {
  input: number;
  output: number;
  cacheCreation: number;
  cacheRead: number;
  total: number;
}

async function ccusageTokens(root: string): Promise<Tokens & { cost: number }> {
  if ((statSync(CCUSAGE).mode & 0o111) === 0) chmodSync(CCUSAGE, 0o755);
  const { stdout } = await execFileAsync(CCUSAGE, ['daily', '--json', '--offline'], { maxBuffer: 64 << 20, env: { ...process.env, CLAUDE_CONFIG_DIR: root, TZ: 'UTC' } });
  const t = JSON.parse(stdout).totals;
  return { input: t.inputTokens, output: t.outputTokens, cacheCreation: t.cacheCreationTokens, cacheRead: t.cacheReadTokens, total: t.totalTokens, cost: t.totalCost };
}

/**
 * Independent count of a directory's transcripts: every assistant line's usage and every
 * agent_progress copy's usage, keyed message.id:requestId, largest copy kept.
 */
function scanTokens(root: string): Tokens {
  const best = new Map<string, { input: number; output: number; cc: number; cr: number }>();
  const add = (m: any, req: unknown) => {
    const u = m.usage;
    const split = u.cache_creation && typeof u.cache_creation === 'object' ? u.cache_creation : undefined;
    const rec = { input: u.input_tokens ?? 0, output: u.output_tokens ?? 0, cc: split ? (split.ephemeral_5m_input_tokens ?? 0) + (split.ephemeral_1h_input_tokens ?? 0) : (u.cache_creation_input_tokens ?? 0), cr: u.cache_read_input_tokens ?? 0 };
    const key = req ? `${m.id}:${req}` : m.id;
    const prev = best.get(key);
    const sum = (r: typeof rec) => r.input + r.output + r.cc + r.cr;
    if (!prev || sum(rec) > sum(prev)) best.set(key, rec);
  };
  for (const file of listJsonl(root)) {
    const lines = readFileSync(file, 'utf8').split('\n');
    lines.pop(); // after the last newline: empty, or a line still being written
    for (const line of lines) {
      let o;
      try {
        o = JSON.parse(line);
      } catch {
        continue; // blank or malformed
      }
      if (o.type === 'assistant' && o.message?.usage) add(o.message, o.requestId);
      if (o.type === 'progress' && o.data?.type === 'agent_progress' && o.data.message?.message?.usage) add(o.data.message.message, o.data.message.requestId);
    }
  }
  const t = { input: 0, output: 0, cacheCreation: 0, cacheRead: 0, total: 0 };
  for (const r of best.values()) {
    t.input += r.input;
    t.output += r.output;
    t.cacheCreation += r.cc;
    t.cacheRead += r.cr;
  }
  t.total = t.input + t.output + t.cacheCreation + t.cacheRead;
  return t;
}

let dir: string;
let n = 0;
const fresh = (name: string) => join(dir, `${name}-${n++}`);

/** A copy of the real fixture; `subagents: false` leaves the session's subagent folder out. */
function fixtureCopy(subagents: boolean): string {
  const root = fresh('real');
  cpSync(FIXTURE, root, { recursive: true });
  if (!subagents) rmSync(join(root, 'projects', PROJECT, SESSION), { recursive: true });
  return root;
}

describe('agent_progress copies count as subagent usage', () => {
  beforeAll(() => {
    requireBuiltCli();
    dir = mkdtempSync(join(tmpdir(), 'ccotel-progress-'));
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('real session without its subagent folder: the progress copies are the only record, and count', async () => {
    const root = fixtureCopy(false);
    const { report } = await runStats(root, fresh('state'));
    const scan = scanTokens(root);
    expect(report.tokens).toEqual(scan);
    // The subagent's calls are missing from the parent's own assistant lines: the copies add them.
    expect(scan.cacheRead).toBeGreaterThan(scanTokens(fixtureCopyWithoutProgress()).cacheRead);
    expect(report.subagents).toBe(1);
  });

  it.skipIf(!HAVE_CCUSAGE)('real session without its subagent folder: same totals as ccusage 20.0.24 daily', async () => {
    const root = fixtureCopy(false);
    const [cc, { report }] = await Promise.all([ccusageTokens(root), runStats(root, fresh('state'))]);
    const { cost, ...tokens } = cc;
    expect(report.tokens).toEqual(tokens);
    expect(Math.abs(report.costUSD - cost)).toBeLessThan(0.0001);
  });

  it('real session with its subagent folder: totals unchanged (the copies duplicate keys the subagent file holds)', async () => {
    const root = fixtureCopy(true);
    const { report } = await runStats(root, fresh('state'));
    expect(report.tokens).toEqual(scanTokens(root));
    if (HAVE_CCUSAGE) {
      const { cost, ...tokens } = await ccusageTokens(root);
      expect(report.tokens).toEqual(tokens);
      expect(Math.abs(report.costUSD - cost)).toBeLessThan(0.0001);
    }
  });

  it('order of files does not change totals: progress copies first, then the subagent folder appears', async () => {
    const full = fixtureCopy(true);
    const want = scanTokens(full);
    const wantReport = (await runStats(full, fresh('state'))).report;
    const root = fixtureCopy(true);
    const sub = join(root, 'projects', PROJECT, SESSION);
    const aside = join(root, 'aside');
    renameSync(sub, aside);
    const state = fresh('state');
    const first = (await runStats(root, state)).report;
    expect(first.tokens).toEqual(scanTokens(root));
    renameSync(aside, sub);
    const second = (await runStats(root, state)).report;
    expect(second.tokens).toEqual(want);
    expect(Math.abs(second.costUSD - wantReport.costUSD)).toBeLessThan(1e-9);
    expect(second.requests).toBe(wantReport.requests);
    expect(second.subagents).toBe(wantReport.subagents);
  });

  it('order of files does not change totals: subagent files first, then the parent with its copies', async () => {
    const full = fixtureCopy(true);
    const want = (await runStats(full, fresh('state'))).report;
    const root = fixtureCopy(true);
    const parent = join(root, 'projects', PROJECT, `${SESSION}.jsonl`);
    renameSync(parent, `${parent}.later`);
    const state = fresh('state');
    await runStats(root, state);
    renameSync(`${parent}.later`, parent);
    const second = (await runStats(root, state)).report;
    expect(second.tokens).toEqual(scanTokens(full));
    expect(second.tokens).toEqual(want.tokens);
    expect(Math.abs(second.costUSD - want.costUSD)).toBeLessThan(1e-9);
    expect(second.requests).toBe(want.requests);
  });

  it('generated history with some subagent files missing: every figure equals the generator\'s Expected', async () => {
    const root = fresh('gen');
    const exp = generateHistory(root, { sessions: 24, seed: 71, faults: true, dropSubagentFiles: 0.5 });
    const { report } = await runStats(root, fresh('state'));
    expect(reportDiffs(report, exp)).toEqual([]);
    // Drops happened, and the copies of the dropped subagents are what makes the totals right.
    const withDrops = listJsonl(root).length;
    const all = fresh('gen');
    const expAll = generateHistory(all, { sessions: 24, seed: 71, faults: true });
    expect(listJsonl(all).length).toBeGreaterThan(withDrops);
    expect(exp.tokens).toEqual(scanTokens(root));
    expect(expAll.tokens).toEqual(scanTokens(all));
  });

  it.skipIf(!HAVE_CCUSAGE)('generated history with some subagent files missing: the generator\'s rule is ccusage\'s', async () => {
    const root = fresh('gen');
    const exp = generateHistory(root, { sessions: 16, seed: 72, faults: true, missingRequestId: 0, dropSubagentFiles: 0.5 });
    const [cc, { report }] = await Promise.all([ccusageTokens(root), runStats(root, fresh('state'))]);
    const { cost, ...tokens } = cc;
    expect(tokens).toEqual(exp.tokens);
    expect(report.tokens).toEqual(exp.tokens);
    expect(Math.abs(cost - exp.costUSD)).toBeLessThan(0.0001);
  });

  it('generated history: subagent folders hidden, then back; tokens equal Expected at both steps', async () => {
    const root = fresh('gen');
    const exp = generateHistory(root, { sessions: 20, seed: 73, faults: true });
    // Every subagent message is copied into its parent, so hiding the subagent files changes no token.
    const hidden: Array<[string, string]> = [];
    for (const project of readdirSync(join(root, 'projects'))) {
      for (const entry of readdirSync(join(root, 'projects', project))) {
        const p = join(root, 'projects', project, entry);
        // Out of projects/ altogether: a renamed folder inside it would still be listed.
        if (!entry.endsWith('.jsonl') && existsSync(join(p, 'subagents'))) hidden.push([join(p, 'subagents'), join(root, `hidden-${hidden.length}`)]);
      }
    }
    expect(hidden.length).toBeGreaterThan(0);
    // Compaction agents have no progress copies: their usage is absent while hidden.
    for (const [a, b] of hidden) renameSync(a, b);
    const state = fresh('state');
    const first = (await runStats(root, state)).report;
    expect(first.tokens).toEqual(scanTokens(root));
    for (const [a, b] of hidden) renameSync(b, a);
    const second = (await runStats(root, state)).report;
    expect(reportDiffs(second, exp)).toEqual([]);
  });

  it('a subagent file appearing while `ccotel run` follows adds nothing twice', async () => {
    const root = fixtureCopy(true);
    const want = scanTokens(root);
    const sub = join(root, 'projects', PROJECT, SESSION);
    const aside = join(root, 'aside');
    renameSync(sub, aside);
    const state = fresh('state');
    const parent = join(root, 'projects', PROJECT, `${SESSION}.jsonl`);
    const port = await freePort();
    const child = spawn(process.execPath, [CLI, 'run', '--claude-dir', root, '--state-dir', state, '--timezone', 'UTC', '--prometheus-port', String(port), '--log-format', 'text'], { env: cliEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (out += d));
    const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      await waitFor(() => (out.includes('following live sessions') && committed(state, parent) === statSync(parent).size ? true : undefined), { timeoutMs: 60_000, what: 'daemon following, parent read' });
      renameSync(aside, sub);
      const agentFile = join(sub, 'subagents', `agent-${AGENT}.jsonl`);
      const compactFile = join(sub, 'subagents', 'agent-acompact-e1f845.jsonl');
      await waitFor(() => (committed(state, agentFile) === statSync(agentFile).size && committed(state, compactFile) === statSync(compactFile).size ? true : undefined), { timeoutMs: 30_000, what: 'subagent files read by the follower' });
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exit, out).toBe(0);
    const { report } = await runStats(root, state);
    expect(report.tokens).toEqual(want);
  }, 120_000);
});

/** The fixture without its subagent folder and without the parent's agent_progress lines. */
function fixtureCopyWithoutProgress(): string {
  const root = fixtureCopy(false);
  const file = join(root, 'projects', PROJECT, `${SESSION}.jsonl`);
  const kept = readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => !l.includes('"agent_progress"'))
    .join('\n');
  writeFileSync(file, kept);
  return root;
}

function committed(state: string, file: string): number {
  try {
    return JSON.parse(readFileSync(join(state, 'state.json'), 'utf8')).files?.[file]?.offset ?? 0;
  } catch {
    return 0;
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

// ------------------------------------------------------------------------------------------------
// Traces: the subagent's invoke_agent span, driven through the IngestManager as `run` does.

class CollectingSink implements EventSink {
  readonly name = 'traces';
  spans: SpanData[] = [];
  constructor(readonly builder: TraceBuilder) {}
  accept(e: readonly ModelEvent[]): void {
    this.builder.accept(e);
  }
  async flush(): Promise<void> {
    this.spans.push(...this.builder.drain());
  }
  snapshot(): unknown {
    return this.builder.snapshot();
  }
  restore(s: unknown): void {
    this.builder.restore(s as never);
  }
}

/** Syncs `root` once per step (each step may change the files first), then closes every session. */
async function traceSteps(root: string, steps: Array<() => void>): Promise<SpanData[]> {
  const store = await StateStore.open(fresh('tb-state'), { allowReadOnly: false });
  const sink = new CollectingSink(new TraceBuilder(new Pricer(EMBEDDED_PRICES), DEFAULT_TRACE_OPTIONS, (k) => store.ledger.usage.get(k)));
  const manager = new IngestManager(store, [sink], silentLogger);
  for (const step of steps) {
    step();
    await manager.syncAll(await listTranscripts(resolveRoots([root])));
  }
  sink.builder.tick(Date.now(), true);
  await sink.flush();
  store.close();
  return sink.spans;
}

describe('traces with agent_progress copies', () => {
  beforeAll(() => {
    dir ??= mkdtempSync(join(tmpdir(), 'ccotel-progress-'));
  });

  function agentSpan(spans: SpanData[]): SpanData {
    const agents = spans.filter((s) => s.name.startsWith('invoke_agent ') && s.attributes['gen_ai.agent.id'] === AGENT);
    expect(agents).toHaveLength(1);
    const byId = new Map(spans.map((s) => [s.spanId, s]));
    const parent = byId.get(agents[0]!.parentSpanId!);
    expect(parent?.name).toBe('execute_tool Task');
    const ids = spans.map((s) => s.spanId);
    const seen = new Set<string>();
    const dup = spans.filter((s) => (seen.has(s.spanId) ? true : (seen.add(s.spanId), false)));
    expect(dup.map((s) => s.name)).toEqual([]);
    return agents[0]!;
  }

  it('the subagent span exists with and without the subagent file, whichever is read first', async () => {
    const withFile = await traceSteps(fixtureCopy(true), [() => {}]);
    const a = agentSpan(withFile);
    const chatsUnder = (spans: SpanData[], id: string) => spans.filter((s) => s.name.startsWith('chat ') && s.parentSpanId === id).map((s) => s.attributes['gen_ai.response.id']).sort();
    const wantChats = chatsUnder(withFile, a.spanId);
    expect(wantChats.length).toBeGreaterThan(0);

    const noFile = fixtureCopy(false);
    const without = await traceSteps(noFile, [() => {}]);
    const b = agentSpan(without);
    expect(b.spanId).toBe(a.spanId);
    // One chat span per call the copies record (here all but one of the subagent's calls).
    const copied = new Set<string>();
    for (const l of readFileSync(join(noFile, 'projects', PROJECT, `${SESSION}.jsonl`), 'utf8').split('\n')) {
      if (!l.includes('"agent_progress"')) continue;
      const o = JSON.parse(l);
      if (o.data.agentId === AGENT && o.data.message?.message?.usage) copied.add(o.data.message.message.id);
    }
    expect(copied.size).toBeGreaterThan(0);
    expect(chatsUnder(without, b.spanId)).toEqual([...copied].sort());

    const root = fixtureCopy(true);
    const sub = join(root, 'projects', PROJECT, SESSION);
    const later = await traceSteps(root, [() => renameSync(sub, join(root, 'aside')), () => renameSync(join(root, 'aside'), sub)]);
    const c = agentSpan(later);
    expect(chatsUnder(later, c.spanId)).toEqual(wantChats);
  });
});
