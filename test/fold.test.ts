// The fold kept up to date as records are applied must equal a fold computed from scratch, and
// `stats` over any range, zone and project filter must equal a brute-force count over the ledger's
// records (written here, independently of src/fold). Random histories from a seeded PRNG include
// streaming copies that replace smaller ones, results arriving before or long after their tool
// call, subagents, API errors, unpriced models and cwd-less records.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Ledger, type ToolRecord, type UsageRecord } from '../src/state/ledger.js';
import { StateStore } from '../src/state/store.js';
import { Pricer } from '../src/pricing/cost.js';
import { EMBEDDED_PRICES } from '../src/pricing/price-table.js';
import { Fold } from '../src/fold/fold.js';
import { attachFold, deserializeFold, serializeFold } from '../src/fold/fold-file.js';
import { buildReport, type StatsReport } from '../src/stats/report.js';
import { metricData, METRIC, type LedgerMetric, type NumberMetric } from '../src/export/metrics/ledger-metrics.js';
import { namedRange, resolveRange, type TimeRange } from '../src/calendar/time-range.js';
import type { EventContext, ModelEvent, Usage } from '../src/model/events.js';
import { isFileEdit } from '../src/model/tool-target.js';
import { prng, type Rng } from './support/prng.js';

const pricer = new Pricer(EMBEDDED_PRICES);


const CWDS = ['/home/a/alpha', '/home/a/beta', '/srv/alpha-2', ''];
const MODELS = ['claude-sonnet-4-5-20250929', 'claude-opus-4-6', 'claude-haiku-4-5-20251001', 'claude-experimental-x', '<synthetic>'];
const TOOLS = ['Read', 'Bash', 'Edit', 'Write', 'Grep', 'Task'];
const FILES = ['/src/a.ts', '/src/b.ts', '/README.md'];
const COMMANDS = ['npm test', 'make', 'ls'];
const DAY = 86_400_000;
const BASE = Date.UTC(2026, 2, 1, 0, 7); // a few days around the EU/US DST changes of March 2026

function randomUsage(r: Rng, atLeast?: Usage): Usage {
  const n = (lo: number, hi: number) => r.int(lo, hi);
  const u: Usage = { input: n(0, 50), output: n(0, 3000), cacheCreation: n(0, 4000), cacheCreation1h: 0, cacheSplit: r.chance(0.3), cacheRead: r.chance(0.1) ? n(200_001, 400_000) : n(0, 50_000), fast: r.chance(0.1) };
  if (u.cacheSplit) u.cacheCreation1h = n(0, u.cacheCreation);
  if (atLeast && r.chance(0.8)) {
    // A later streaming copy: same call, more output.
    return { ...atLeast, output: atLeast.output + n(1, 500) };
  }
  return u;
}

/** A random history as the events a reader would apply, in a shuffled (file-by-file-like) order. */
function randomEvents(seed: number, count: number): ModelEvent[] {
  const r = prng(seed);
  const out: ModelEvent[] = [];
  const calls: Array<{ key: string; ctx: EventContext; ts: number; model: string; usage: Usage; apiError: boolean }> = [];
  const tools: Array<{ id: string; ctx: EventContext; ts: number; name: string }> = [];
  const ctxOf = (): EventContext => {
    const sessionId = `s${r.int(1, 12)}`;
    const cwd = CWDS[Number(sessionId.slice(1)) % CWDS.length]!;
    const c: EventContext = { sessionId, cwd };
    if (r.chance(0.25)) c.agentId = `agent-${r.int(1, 3)}`;
    return c;
  };
  for (let i = 0; i < count; i++) {
    const ts = BASE + Math.floor(r.next() * 9 * DAY) + (r.chance(0.05) ? 12 * DAY : 0);
    const k = r.next();
    if (k < 0.3) {
      if (calls.length > 0 && r.chance(0.3)) {
        const c = r.pick(calls);
        const usage = randomUsage(r, c.usage);
        // A copy read later; sometimes written a little earlier than the one already seen.
        const at = c.ts + r.int(-2000, 60_000);
        if (usage.output > c.usage.output) c.usage = usage;
        out.push({ kind: 'model_call', ctx: c.ctx, ts: at, key: c.key, messageId: c.key, model: c.model, usage, apiError: c.apiError });
      } else {
        const model = r.pick(MODELS);
        const apiError = model === '<synthetic>' || r.chance(0.03);
        const c = { key: `m${i}`, ctx: ctxOf(), ts, model, usage: apiError ? randomUsage(r) : randomUsage(r), apiError };
        calls.push(c);
        out.push({ kind: 'model_call', ctx: c.ctx, ts, key: c.key, messageId: c.key, model, usage: c.usage, apiError });
      }
    } else if (k < 0.55) {
      const name = r.pick(TOOLS);
      const input: Record<string, unknown> = name === 'Bash' ? { command: r.pick(COMMANDS) } : name === 'Task' ? { subagent_type: 'general' } : name === 'Grep' ? {} : { file_path: r.pick(FILES) };
      const t = { id: `t${i}`, ctx: ctxOf(), ts, name };
      tools.push(t);
      out.push({ kind: 'tool_use', ctx: t.ctx, ts, id: t.id, name, callKey: 'k', input });
    } else if (k < 0.8) {
      // A result: usually for a known call, sometimes before its call (orphan) or a second time.
      const t = tools.length > 0 && r.chance(0.9) ? r.pick(tools) : { id: `t${i + r.int(1, 20)}`, ctx: ctxOf(), ts, name: 'Bash' };
      out.push({ kind: 'tool_result', ctx: t.ctx, ts: t.ts + r.int(0, 700_000), toolUseId: t.id, isError: r.chance(0.3), resultChars: 10 });
    } else if (k < 0.95) {
      out.push({ kind: 'prompt', ctx: ctxOf(), ts, uuid: `p${r.int(0, count)}`, chars: 5 });
    } else {
      out.push({ kind: 'compaction', ctx: ctxOf(), ts: BASE + r.int(0, 40) * 3_600_000 });
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Brute force over the ledger's records: the report's definitions, record by record.
function bruteForce(ledger: Ledger, range: TimeRange, project?: string) {
  const inRange = (ts: number, cwd: string) => ts >= range.startMs && ts < range.endMs && (project === undefined || cwd.includes(project));
  const sessions = new Set<string>();
  const agents = new Set<string>();
  const projSessions = new Map<string, Set<string>>();
  const projects: Record<string, { sessions: number; operations: number; costUSD: number; tokens: number }> = {};
  const models: Record<string, { input: number; output: number; cacheCreation: number; cacheRead: number; total: number; costUSD: number; requests: number }> = {};
  const tools: Record<string, { calls: number; errors: number }> = {};
  const tokens = { input: 0, output: 0, cacheCreation: 0, cacheRead: 0, total: 0 };
  let costUSD = 0;
  let requests = 0;
  let apiErrors = 0;
  let prompts = 0;
  let compactions = 0;
  const unpriced = new Set<string>();
  const proj = (cwd: string) => (projects[cwd] ??= { sessions: 0, operations: 0, costUSD: 0, tokens: 0 });
  const seen = (s: string, a: string | undefined, cwd: string) => {
    sessions.add(s);
    if (a) agents.add(`${s}/${a}`);
    if (!projSessions.has(cwd)) projSessions.set(cwd, new Set());
    projSessions.get(cwd)!.add(s);
  };
  const used = (u: UsageRecord) => {
    const x = u.usage;
    return { input: x.input, output: x.output, cacheCreation: x.cacheCreation, cacheRead: x.cacheRead, total: x.input + x.output + x.cacheCreation + x.cacheRead };
  };
  for (const u of ledger.usage.values()) {
    if (!inRange(u.ts, u.cwd)) continue;
    seen(u.sessionId, u.agentId, u.cwd);
    const { usd, priced } = pricer.cost(u.model, u.usage, u.apiError);
    if (!priced) unpriced.add(u.model);
    if (u.apiError) apiErrors++;
    else requests++;
    const t = used(u);
    const m = (models[u.model] ??= { input: 0, output: 0, cacheCreation: 0, cacheRead: 0, total: 0, costUSD: 0, requests: 0 });
    for (const k of ['input', 'output', 'cacheCreation', 'cacheRead', 'total'] as const) {
      tokens[k] += t[k];
      m[k] += t[k];
    }
    m.costUSD += usd;
    m.requests++;
    costUSD += usd;
    proj(u.cwd).costUSD += usd;
    proj(u.cwd).tokens += t.total;
  }
  const inTools: ToolRecord[] = [];
  for (const t of ledger.tools.values()) {
    if (!inRange(t.ts, t.cwd)) continue;
    inTools.push(t);
    seen(t.sessionId, t.agentId, t.cwd);
    const e = (tools[t.name] ??= { calls: 0, errors: 0 });
    e.calls++;
    if (t.isError) e.errors++;
    proj(t.cwd).operations++;
  }
  for (const p of ledger.prompts.values()) {
    if (!inRange(p.ts, p.cwd) || p.agentId) continue;
    prompts++;
    seen(p.sessionId, undefined, p.cwd);
  }
  for (const c of ledger.compactions.values()) if (inRange(c.ts, c.cwd)) compactions++;
  for (const [cwd, s] of projSessions) proj(cwd).sessions = s.size;
  // Quality signals, counted per record.
  const reads = new Map<string, number>();
  const failing = new Map<string, number>();
  const edits = new Map<string, number>();
  for (const t of inTools) {
    if (!t.target) continue;
    if (t.name === 'Read') reads.set(`${t.sessionId}|${t.target}`, (reads.get(`${t.sessionId}|${t.target}`) ?? 0) + 1);
    else if (t.name === 'Bash' && t.isError) failing.set(t.target, (failing.get(t.target) ?? 0) + 1);
    else if (isFileEdit(t.name)) edits.set(t.target, (edits.get(t.target) ?? 0) + 1);
  }
  return { sessions: sessions.size, subagents: agents.size, prompts, operations: inTools.length, requests, apiErrors, compactions, tokens, costUSD, models, tools, projects, reads, failing, edits, unpriced };
}

function expectReportMatches(r: StatsReport, b: ReturnType<typeof bruteForce>, what: string): void {
  const close = (x: number, y: number, k: string) => expect(Math.abs(x - y), `${what}: ${k} ${x} vs ${y}`).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(y)));
  expect({ s: r.sessions, a: r.subagents, p: r.prompts, o: r.operations, q: r.requests, e: r.apiErrors, c: r.compactions, t: r.tokens }, what).toEqual({ s: b.sessions, a: b.subagents, p: b.prompts, o: b.operations, q: b.requests, e: b.apiErrors, c: b.compactions, t: b.tokens });
  close(r.costUSD, b.costUSD, 'cost');
  expect(Object.keys(r.models), what).toEqual(Object.keys(b.models).sort());
  for (const [m, v] of Object.entries(b.models)) {
    const { costUSD, ...rest } = r.models[m]!;
    expect(rest, `${what} ${m}`).toEqual({ input: v.input, output: v.output, cacheCreation: v.cacheCreation, cacheRead: v.cacheRead, total: v.total, requests: v.requests });
    close(costUSD, v.costUSD, `cost of ${m}`);
  }
  expect(r.tools, what).toEqual(Object.fromEntries(Object.entries(b.tools).sort(([x], [y]) => (x < y ? -1 : 1))));
  expect(Object.keys(r.projects), what).toEqual(Object.keys(b.projects).sort());
  for (const [p, v] of Object.entries(b.projects)) {
    expect({ ...r.projects[p]!, costUSD: 0 }, `${what} ${p}`).toEqual({ ...v, costUSD: 0 });
    close(r.projects[p]!.costUSD, v.costUSD, `cost of ${p}`);
  }
  // Quality lists: every entry carries the brute-force count, the lists are the top 10 by count.
  for (const x of r.quality.repeatedReads) expect(x.reads, what).toBe(b.reads.get(`${x.sessionId}|${x.file}`));
  const repeated = [...b.reads.values()].filter((n) => n >= 3).sort((x, y) => y - x).slice(0, 10);
  expect(r.quality.repeatedReads.map((x) => x.reads), what).toEqual(repeated);
  for (const x of r.quality.failingCommands) expect(x.failures, what).toBe(b.failing.get(x.command));
  expect(r.quality.failingCommands.map((x) => x.failures), what).toEqual([...b.failing.values()].sort((x, y) => y - x).slice(0, 10));
  for (const x of r.quality.mostEdited) expect(x.edits, what).toBe(b.edits.get(x.file));
  expect(r.quality.mostEdited.map((x) => x.edits), what).toEqual([...b.edits.values()].sort((x, y) => y - x).slice(0, 10));
  for (const m of b.unpriced) expect(r.input.unpricedModels, what).toContain(m);
}

const NO_INPUT: StatsReport['input'] = { files: 0, lines: 0, malformedLines: 0, oversizedLines: 0, unpricedModels: [] };
const ZONES = ['UTC', 'America/New_York', 'Europe/Berlin', 'Asia/Kolkata', 'Asia/Kathmandu', 'Australia/Lord_Howe', 'Pacific/Chatham', 'America/St_Johns'];

/** A random range as `stats` would resolve it: named, --date, or --since/--until, in a random zone. */
function randomRange(r: Rng): { range: TimeRange; tz: string } {
  const tz = r.pick(ZONES);
  const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  const at = BASE + r.int(-1, 14) * DAY + r.int(0, DAY - 1);
  const k = r.int(0, 3);
  if (k === 0) return { range: namedRange(r.pick(['today', 'week', 'month', 'all'] as const), at, tz), tz };
  if (k === 1) return { range: resolveRange({ date: day(at) }, at, tz), tz };
  const since = r.chance(0.8) ? day(at) : undefined;
  const until = r.chance(0.8) || !since ? day(at + r.int(0, 6) * DAY) : undefined;
  return { range: resolveRange({ since, until }, at, tz), tz };
}

/**
 * Metrics with the "ever observed" values set aside: histogram min/max (see histogram.ts) and the
 * newest event time (see series.ts), which do not move back when a record is replaced.
 */
function comparable(ms: LedgerMetric[]): { exact: unknown; minMax: Array<[string, number | undefined, number | undefined]>; last: number | undefined } {
  const minMax: Array<[string, number | undefined, number | undefined]> = [];
  const last = (ms.find((m) => m.name === METRIC.lastEventTimestamp) as NumberMetric).points[0]?.value;
  const exact = ms.map((m) =>
    m.name === METRIC.lastEventTimestamp
      ? { ...m, points: [] }
      : m.kind !== 'histogram'
      ? m
      : {
          ...m,
          points: m.points.map((p) => {
            minMax.push([`${m.name}${JSON.stringify(p.attributes)}`, p.histogram.min, p.histogram.max]);
            return { attributes: p.attributes, histogram: { ...p.histogram, min: undefined, max: undefined } };
          }),
        },
  );
  return { exact, minMax, last };
}

function expectSameMetrics(incremental: Fold, scratch: Fold, nowMs: number, tz: string, what: string): void {
  const a = comparable(metricData(incremental, { user: 'u', timezone: tz, nowMs }));
  const b = comparable(metricData(scratch, { user: 'u', timezone: tz, nowMs }));
  expect(a.exact, what).toEqual(b.exact);
  expect(a.last, what).toBeGreaterThanOrEqual(b.last!);
  const scratchMinMax = new Map(b.minMax.map(([k, lo, hi]) => [k, [lo, hi]]));
  for (const [k, lo, hi] of a.minMax) {
    const [slo, shi] = scratchMinMax.get(k)!;
    expect(lo!, `${what} ${k} min`).toBeLessThanOrEqual(slo!);
    expect(hi!, `${what} ${k} max`).toBeGreaterThanOrEqual(shi!);
  }
}

describe('fold: incremental equals from scratch', () => {
  for (const seed of [1, 2, 3, 4, 5, 6]) {
    it(`seed ${seed}: after every batch of applies, metrics equal a fresh fold of the ledger`, () => {
      const events = randomEvents(seed, 1500);
      const r = prng(seed * 7919);
      // "Now" moves with the events, so some calls are still inside the settle window.
      let now = BASE + 3 * DAY;
      const clock = () => now;
      const ledger = new Ledger();
      const fold = new Fold({ pricer, clock });
      ledger.onChange((c) => fold.apply(c));
      let i = 0;
      while (i < events.length) {
        const n = r.int(1, 120);
        for (const e of events.slice(i, i + n)) ledger.apply(e);
        i += n;
        now += r.int(0, 6 * 3_600_000);
        const tz = r.pick(ZONES);
        expectSameMetrics(fold, Fold.of(ledger, { pricer, clock }), now, tz, `seed ${seed} after ${i} events (${tz})`);
      }
      // Re-applying everything changes nothing (the ledger is idempotent; the fold follows it).
      const before = metricData(fold, { user: 'u', timezone: 'UTC', nowMs: now });
      for (const e of events) ledger.apply(e);
      expect(metricData(fold, { user: 'u', timezone: 'UTC', nowMs: now })).toEqual(before);
    });
  }

  for (const seed of [7, 8, 9]) {
    it(`seed ${seed}: applied in batches (Ledger.batch: one change per record per batch), the fold equals a fresh fold and the unbatched one`, () => {
      const events = randomEvents(seed, 1500);
      const r = prng(seed * 104729);
      let now = BASE + 3 * DAY;
      const clock = () => now;
      const batched = new Ledger();
      const plain = new Ledger();
      const fold = new Fold({ pricer, clock });
      const plainFold = new Fold({ pricer, clock });
      let seen: string[] = [];
      batched.onChange((c) => {
        seen.push(c.type + '\0' + ('key' in c.next ? c.next.key : 'id' in c.next ? c.next.id : c.next.uuid));
        fold.apply(c);
      });
      plain.onChange((c) => plainFold.apply(c));
      let i = 0;
      let saved = 0;
      while (i < events.length) {
        const batch = events.slice(i, i + r.int(1, 300));
        i += batch.length;
        seen = [];
        let plainChanges = 0;
        const off = plain.onChange(() => plainChanges++);
        batched.batch(() => {
          for (const e of batch) batched.apply(e);
        });
        for (const e of batch) plain.apply(e);
        off();
        expect(new Set(seen).size, 'one change per record').toBe(seen.length);
        saved += plainChanges - seen.length;
        expect(batched.takeChanges()).toBe(plain.takeChanges());
        now += r.int(0, 6 * 3_600_000);
        const tz = r.pick(ZONES);
        expectSameMetrics(fold, Fold.of(batched, { pricer, clock }), now, tz, `seed ${seed} after ${i} events (${tz})`);
        const range = namedRange('all', now, tz);
        expect(buildReport(fold, { range, timezone: tz }, NO_INPUT)).toEqual(buildReport(plainFold, { range, timezone: tz }, NO_INPUT));
      }
      expect(saved).toBeGreaterThan(0); // streamed copies and tool results did coalesce
    });
  }

  it('answers stats over random ranges, zones and project filters as a brute-force count of the ledger', () => {
    for (const seed of [11, 12, 13]) {
      const ledger = new Ledger();
      const fold = new Fold({ pricer });
      ledger.onChange((c) => fold.apply(c));
      for (const e of randomEvents(seed, 2500)) ledger.apply(e);
      const r = prng(seed);
      for (let k = 0; k < 60; k++) {
        const { range, tz } = randomRange(r);
        const project = r.chance(0.3) ? r.pick(['alpha', 'beta', '/home', 'nothing']) : undefined;
        const report = buildReport(fold, { range, timezone: tz, project }, NO_INPUT, () => ledger);
        expectReportMatches(report, bruteForce(ledger, range, project), `seed ${seed} ${range.label} ${tz} project=${project}`);
      }
    }
  });

  it('answers a range off the 15-minute grid from the ledger, exactly', () => {
    const ledger = new Ledger();
    const fold = new Fold({ pricer });
    ledger.onChange((c) => fold.apply(c));
    for (const e of randomEvents(21, 1500)) ledger.apply(e);
    const range: TimeRange = { startMs: BASE + DAY + 7 * 60_000 + 1234, endMs: BASE + 3 * DAY - 1, label: 'odd' };
    expectReportMatches(buildReport(fold, { range, timezone: 'UTC' }, NO_INPUT, () => ledger), bruteForce(ledger, range), 'off-grid');
  });

  it('survives a save and restore, and keeps folding identically afterwards', () => {
    const events = randomEvents(31, 3000);
    let now = BASE + 2 * DAY;
    const clock = () => now;
    const ledger = new Ledger();
    const live = new Fold({ pricer, clock });
    ledger.onChange((c) => live.apply(c));
    for (const e of events.slice(0, 1500)) ledger.apply(e);
    const saved = deserializeFold(serializeFold(live, 1234), { pricer, clock })!;
    expect(saved.ledgerBytes).toBe(1234);
    expect(saved.prices).toBe(pricer.fingerprint);
    const restored = saved.fold;
    ledger.onChange((c) => restored.apply(c));
    for (const e of events.slice(1500)) ledger.apply(e);
    now += 10 * DAY;
    const m = (f: Fold) => metricData(f, { user: 'u', timezone: 'Asia/Kolkata', nowMs: now });
    expect(m(restored)).toEqual(m(live));
    const range = namedRange('all', now, 'UTC');
    expect(buildReport(restored, { range, timezone: 'UTC' }, NO_INPUT)).toEqual(buildReport(live, { range, timezone: 'UTC' }, NO_INPUT));
    expect(deserializeFold('{"format":"other"}', { pricer })).toBeUndefined();
    expect(deserializeFold('not json', { pricer })).toBeUndefined();
  });
});

describe('fold file in the state directory', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
  const stateDir = () => {
    const d = mkdtempSync(join(tmpdir(), 'ccotel-fold-'));
    dirs.push(d);
    return d;
  };
  const all = (f: Fold) => buildReport(f, { range: namedRange('all', Date.now(), 'UTC'), timezone: 'UTC' }, NO_INPUT);

  it('is reused when it matches the ledger (which is then never parsed), rebuilt when not', async () => {
    const dir = stateDir();
    const events = randomEvents(41, 800);
    let store = await StateStore.open(dir, { allowReadOnly: false });
    let a = await attachFold(store, { pricer, now: () => 5_000 });
    expect(a.source).toBe('new');
    expect(a.fold.startMs).toBe(5_000); // a new state starts a new cumulative series
    for (const e of events) store.ledger.apply(e);
    await store.commit();
    const expected = all(a.fold);
    store.close();

    store = await StateStore.open(dir, { allowReadOnly: false });
    a = await attachFold(store, { pricer });
    expect(a.source).toBe('saved');
    expect(all(a.fold)).toEqual(expected);
    expect(a.fold.startMs).toBe(5_000);
    expect(store.ledgerParsed).toBe(false);
    // Applying more parses the ledger first, so replaced records are subtracted correctly.
    for (const e of randomEvents(42, 300)) store.ledger.apply(e);
    expect(store.ledgerParsed).toBe(true);
    expect(all(a.fold)).toEqual(all(Fold.of(store.ledger, { pricer })));
    await store.commit();
    const after = all(a.fold);
    store.close();

    // A fold that does not cover the ledger (e.g. written by an older run) is rebuilt; same prices
    // keep the start time.
    const file = join(dir, 'fold.json');
    const stale = JSON.parse(readFileSync(file, 'utf8'));
    stale.ledgerBytes -= 1;
    writeFileSync(file, JSON.stringify(stale));
    store = await StateStore.open(dir, { allowReadOnly: false });
    a = await attachFold(store, { pricer });
    expect(a.source).toBe('rebuilt');
    expect(a.fold.startMs).toBe(5_000);
    expect(all(a.fold)).toEqual(after);
    await store.commit(); // saves the rebuilt fold
    store.close();
    store = await StateStore.open(dir, { allowReadOnly: false });
    expect((await attachFold(store, { pricer })).source).toBe('saved');
    store.close();

    // New prices: rebuilt, and a new start time (values may have gone down).
    const cheaper = new Pricer({ ...EMBEDDED_PRICES, 'claude-opus-4-6': { input: 1, output: 1, cacheWrite: 1, cacheRead: 1 } });
    store = await StateStore.open(dir, { allowReadOnly: false });
    a = await attachFold(store, { pricer: cheaper, now: () => 9_000 });
    expect(a.source).toBe('rebuilt');
    expect(a.fold.startMs).toBe(9_000);
    store.close();

    // --reset-state: empty, new start time, and the saved fold says so at once.
    store = await StateStore.open(dir, { allowReadOnly: false, reset: true });
    a = await attachFold(store, { pricer, now: () => 12_000 });
    expect([a.source, a.fold.startMs, all(a.fold).requests]).toEqual(['new', 12_000, 0]);
    store.close();
    store = await StateStore.open(dir, { allowReadOnly: false });
    a = await attachFold(store, { pricer });
    expect([a.source, a.fold.startMs]).toEqual(['saved', 12_000]);
    store.close();
  });

  it('journals each commit and replays the journal on open; a torn journal means a rebuild', async () => {
    const dir = stateDir();
    const events = randomEvents(44, 120);
    let store = await StateStore.open(dir, { allowReadOnly: false });
    let a = await attachFold(store, { pricer });
    for (let k = 0; k < 6; k++) {
      for (const e of events.slice(k * 20, (k + 1) * 20)) store.ledger.apply(e);
      await store.commit();
    }
    const expected = all(a.fold);
    expect(expected).toEqual(all(Fold.of(store.ledger, { pricer })));
    const journal = readFileSync(join(dir, 'fold.journal'), 'utf8');
    expect(journal.trim().split('\n').length).toBe(6); // one small line per commit, no rewrite of the fold
    store.close();

    store = await StateStore.open(dir, { allowReadOnly: false });
    a = await attachFold(store, { pricer });
    expect([a.source, store.ledgerParsed]).toEqual(['saved', false]);
    expect(all(a.fold)).toEqual(expected);
    store.close();

    writeFileSync(join(dir, 'fold.journal'), journal.slice(0, -40)); // the last line torn
    store = await StateStore.open(dir, { allowReadOnly: false });
    a = await attachFold(store, { pricer });
    expect(a.source).toBe('rebuilt');
    expect(all(a.fold)).toEqual(expected);
    await store.commit(); // a fresh snapshot replaces the journal
    store.close();
    store = await StateStore.open(dir, { allowReadOnly: false });
    a = await attachFold(store, { pricer });
    expect([a.source, all(a.fold)]).toEqual(['saved', expected]);
    // A journal that outgrows its snapshot is folded into a new snapshot.
    for (const e of randomEvents(45, 3000)) store.ledger.apply(e);
    await store.commit();
    expect(existsSync(join(dir, 'fold.journal'))).toBe(false);
    const bigger = all(a.fold);
    store.close();
    store = await StateStore.open(dir, { allowReadOnly: false });
    a = await attachFold(store, { pricer });
    expect([a.source, all(a.fold)]).toEqual(['saved', bigger]);
    store.close();
  });

  it('a state from before folds keeps the old fixed start time', async () => {
    const dir = stateDir();
    let store = await StateStore.open(dir, { allowReadOnly: false });
    for (const e of randomEvents(43, 200)) store.ledger.apply(e);
    await store.commit();
    store.close();
    store = await StateStore.open(dir, { allowReadOnly: false });
    const a = await attachFold(store, { pricer });
    expect(a.source).toBe('rebuilt');
    expect(a.fold.startMs).toBe(Date.UTC(2025, 0, 1));
    store.close();
  });
});

describe('fold: a larger copy never moves a counted call', () => {
  it('an older progress copy (agent named by its Task call) replaced by the subagent file copy keeps the distinct-subagent count', () => {
    const ledger = new Ledger();
    const fold = new Fold({ pricer });
    ledger.onChange((c) => fold.apply(c));
    const usage = (output: number): Usage => ({ input: 10, output, cacheCreation: 0, cacheCreation1h: 0, cacheSplit: false, cacheRead: 0, fast: false });
    const ctx = (agentId: string): EventContext => ({ sessionId: 's1', cwd: '/p', agentId });
    const call = (agentId: string, key: string, output: number): ModelEvent => ({ kind: 'model_call', ctx: ctx(agentId), ts: BASE, key, messageId: key, model: MODELS[0]!, usage: usage(output), apiError: false });
    const distinct = () => [...(fold.series.subagents.get('/p') ?? new Map()).keys()].length;
    // The subagent file's first call, then a progress copy of its second call without data.agentId.
    ledger.apply(call('a1', 'm1:r1', 5));
    ledger.apply(call('task-t1', 'm2:r2', 5));
    expect(distinct()).toBe(2);
    // The subagent file's own (larger) copy of the second call arrives.
    ledger.apply(call('a1', 'm2:r2', 9));
    expect(distinct()).toBeGreaterThanOrEqual(2);
    expect(ledger.usage.get('m2:r2')!.usage.output).toBe(9);
  });
});

describe('fold: saved at most every few seconds during a catch-up', () => {
  it('bulk commits defer the save, a kill before the last commit rebuilds exactly, the last commit saves', async () => {
    const all = (f: Fold) => buildReport(f, { range: namedRange('all', Date.now(), 'UTC'), timezone: 'UTC' }, NO_INPUT);
    const dir = mkdtempSync(join(tmpdir(), 'ccotel-fold-bulk-'));
    try {
      let store = await StateStore.open(dir, { allowReadOnly: false });
      let a = await attachFold(store, { pricer });
      const events = randomEvents(46, 1200);
      for (let k = 0; k < 4; k++) {
        for (const e of events.slice(k * 300, (k + 1) * 300)) store.ledger.apply(e);
        await store.commit({ bulk: true });
      }
      const expected = all(a.fold);
      // Killed here: the ledger and checkpoints are durable, the fold on disk lags behind them.
      store.close();
      store = await StateStore.open(dir, { allowReadOnly: false });
      a = await attachFold(store, { pricer });
      expect(a.source).toBe('rebuilt');
      expect(all(a.fold)).toEqual(expected);
      expect(all(a.fold)).toEqual(all(Fold.of(store.ledger, { pricer })));
      // The catch-up's last (ordinary) commit saves the fold: the next open never parses the ledger.
      for (const e of randomEvents(47, 300)) store.ledger.apply(e);
      await store.commit({ bulk: true });
      await store.commit();
      const after = all(a.fold);
      store.close();
      store = await StateStore.open(dir, { allowReadOnly: false });
      a = await attachFold(store, { pricer });
      expect([a.source, store.ledgerParsed, all(a.fold)]).toEqual(['saved', false, after]);
      store.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
