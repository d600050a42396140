// The fold's per-session totals (src/fold/session-summary.ts) kept change by change must equal a
// per-session count over the ledger's records written here (brute force, independent of src/fold),
// after every batch of random events with streaming copies replacing smaller ones, results arriving
// late or twice, subagents, API errors and rule hits; and survive fold.json and its journal.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Ledger } from '../src/state/ledger.js';
import { StateStore } from '../src/state/store.js';
import { Pricer } from '../src/pricing/cost.js';
import { EMBEDDED_PRICES } from '../src/pricing/price-table.js';
import { Fold } from '../src/fold/fold.js';
import { attachFold, deserializeFold, serializeFold } from '../src/fold/fold-file.js';
import { recentSessions, type SessionSummaries } from '../src/fold/session-summary.js';
import type { EventContext, ModelEvent, Usage } from '../src/model/events.js';
import { prng } from './support/prng.js';

const pricer = new Pricer(EMBEDDED_PRICES);
const BASE = Date.UTC(2026, 2, 1);


const MODELS = ['claude-sonnet-4-5-20250929', 'claude-opus-4-6', 'claude-experimental-x', '<synthetic>'];
const CWDS = ['/home/a/alpha', '/home/a/beta', ''];

function randomEvents(seed: number, count: number): ModelEvent[] {
  const r = prng(seed);
  const out: ModelEvent[] = [];
  const calls: Array<{ key: string; ctx: EventContext; ts: number; model: string; usage: Usage; apiError: boolean }> = [];
  const tools: Array<{ id: string; ctx: EventContext; ts: number }> = [];
  const ctxOf = (): EventContext => {
    const n = r.int(1, 8);
    const c: EventContext = { sessionId: `s${n}`, cwd: CWDS[n % CWDS.length]! };
    if (r.chance(0.25)) c.agentId = `agent-${r.int(1, 3)}`;
    return c;
  };
  const usage = (): Usage => ({ input: r.int(0, 50), output: r.int(0, 3000), cacheCreation: r.int(0, 4000), cacheCreation1h: 0, cacheSplit: false, cacheRead: r.int(0, 50_000), fast: false });
  for (let i = 0; i < count; i++) {
    const ts = BASE + r.int(0, 5 * 86_400_000);
    const k = r.next();
    if (k < 0.35) {
      if (calls.length > 0 && r.chance(0.35)) {
        const c = r.pick(calls);
        const u = { ...c.usage, output: c.usage.output + r.int(1, 500) };
        c.usage = u;
        out.push({ kind: 'model_call', ctx: c.ctx, ts: c.ts + r.int(-2000, 60_000), key: c.key, messageId: c.key, model: c.model, usage: u, apiError: c.apiError });
      } else {
        const model = r.pick(MODELS);
        const c = { key: `m${i}`, ctx: ctxOf(), ts, model, usage: usage(), apiError: model === '<synthetic>' || r.chance(0.05) };
        calls.push(c);
        out.push({ kind: 'model_call', ctx: c.ctx, ts, key: c.key, messageId: c.key, model, usage: c.usage, apiError: c.apiError });
      }
    } else if (k < 0.6) {
      const name = r.pick(['Read', 'Bash', 'Edit', 'Grep']);
      const input = name === 'Bash' ? { command: r.pick(['npm test', 'rm -rf /', 'cat ~/.aws/credentials']) } : { file_path: r.pick(['/src/a.ts', '/home/a/.env']) };
      const t = { id: `t${i}`, ctx: ctxOf(), ts };
      tools.push(t);
      out.push({ kind: 'tool_use', ctx: t.ctx, ts, id: t.id, name, callKey: 'k', input });
    } else if (k < 0.82) {
      const t = tools.length > 0 && r.chance(0.9) ? r.pick(tools) : { id: `t${i + r.int(1, 20)}`, ctx: ctxOf(), ts };
      out.push({ kind: 'tool_result', ctx: t.ctx, ts: t.ts + r.int(0, 700_000), toolUseId: t.id, isError: r.chance(0.3), resultChars: 10 });
    } else if (k < 0.95) {
      out.push({ kind: 'prompt', ctx: ctxOf(), ts, uuid: `p${r.int(0, count)}`, chars: 5 });
    } else {
      out.push({ kind: 'compaction', ctx: ctxOf(), ts });
    }
  }
  return out;
}

/** Per-session totals counted record by record over the ledger as it is now. */
function bruteForce(ledger: Ledger) {
  const out = new Map<string, Record<string, unknown>>();
  const of = (id: string) => {
    let s = out.get(id) as any;
    if (!s) out.set(id, (s = { nanoUsd: 0, tokens: 0, calls: 0, apiErrors: 0, toolCalls: 0, toolErrors: 0, prompts: 0, compactions: 0, models: {}, tools: {}, subagents: {}, sensitive: {}, hits: [] as string[], first: Infinity, last: -Infinity }));
    return s;
  };
  const span = (s: any, a: number, b = a) => {
    s.first = Math.min(s.first, a);
    s.last = Math.max(s.last, b);
  };
  for (const u of ledger.usage.values()) {
    const s = of(u.sessionId);
    const nano = Math.round(pricer.cost(u.model, u.usage, u.apiError).usd * 1e9);
    const tokens = u.usage.input + u.usage.output + u.usage.cacheCreation + u.usage.cacheRead;
    s.nanoUsd += nano;
    s.tokens += tokens;
    s.calls++;
    if (u.apiError) s.apiErrors++;
    const m = (s.models[u.model] ??= { calls: 0, tokens: 0, nanoUsd: 0 });
    m.calls++;
    m.tokens += tokens;
    m.nanoUsd += nano;
    if (u.agentId) (s.subagents[u.agentId] ??= { calls: 0, tools: 0 }).calls++;
    span(s, u.ts);
  }
  for (const t of ledger.tools.values()) {
    const s = of(t.sessionId);
    s.toolCalls++;
    if (t.isError === true) s.toolErrors++;
    const c = (s.tools[t.name] ??= { calls: 0, errors: 0 });
    c.calls++;
    if (t.isError === true) c.errors++;
    if (t.agentId) (s.subagents[t.agentId] ??= { calls: 0, tools: 0 }).tools++;
    span(s, t.ts, Math.max(t.ts, t.endTs ?? t.ts));
  }
  for (const p of ledger.prompts.values()) {
    const s = of(p.sessionId);
    if (!p.agentId) s.prompts++;
    span(s, p.ts);
  }
  for (const c of ledger.compactions.values()) {
    const s = of(c.sessionId);
    s.compactions++;
    span(s, c.ts);
  }
  for (const h of ledger.hits.values()) {
    const s = of(h.sessionId);
    s.sensitive[h.rule] = (s.sensitive[h.rule] ?? 0) + 1;
    s.hits.push(h.key);
    span(s, h.ts);
  }
  for (const s of out.values() as any) s.hits.sort();
  return out;
}

function view(all: SessionSummaries) {
  const out = new Map<string, Record<string, unknown>>();
  for (const [id, s] of all) {
    out.set(id, {
      nanoUsd: s.nanoUsd, tokens: s.tokens, calls: s.calls, apiErrors: s.apiErrors, toolCalls: s.toolCalls, toolErrors: s.toolErrors, prompts: s.prompts, compactions: s.compactions,
      models: Object.fromEntries(s.models), tools: Object.fromEntries(s.tools), subagents: Object.fromEntries(s.subagents), sensitive: Object.fromEntries(s.sensitive),
      hits: s.hits.map((h) => h.key).sort(), first: s.firstTs, last: s.lastTs,
    });
  }
  return out;
}

/** Exact equality, except the time span, which only widens (see SessionTotals.firstTs). */
function expectTotals(all: SessionSummaries, ledger: Ledger, what: string): void {
  const got = view(all);
  const want = bruteForce(ledger);
  expect([...got.keys()].sort(), what).toEqual([...want.keys()].sort());
  for (const [id, w] of want) {
    const { first, last, ...g } = got.get(id)! as any;
    const { first: wf, last: wl, ...rest } = w as any;
    expect(g, `${what} ${id}`).toEqual(rest);
    expect(first, `${what} ${id} first`).toBeLessThanOrEqual(wf);
    expect(last, `${what} ${id} last`).toBeGreaterThanOrEqual(wl);
  }
}

describe('fold: per-session totals', () => {
  for (const seed of [1, 2, 3, 4]) {
    it(`seed ${seed}: equal a per-session count of the ledger after every batch, and a fold from scratch`, () => {
      const events = randomEvents(seed, 1200);
      const r = prng(seed * 31);
      const ledger = new Ledger();
      const fold = new Fold({ pricer });
      ledger.onChange((c) => fold.apply(c));
      let i = 0;
      while (i < events.length) {
        const n = r.int(1, 150);
        for (const e of events.slice(i, i + n)) ledger.apply(e);
        i += n;
        expectTotals(fold.sessions, ledger, `seed ${seed} after ${i} events`);
        expectTotals(Fold.of(ledger, { pricer }).sessions, ledger, `scratch, seed ${seed} after ${i} events`);
      }
      expect(ledger.hits.size, 'the random history has rule hits').toBeGreaterThan(0);
      expect([...fold.sessions.values()].some((s) => s.subagents.size > 0)).toBe(true);
      // Round trip through fold.json.
      const saved = deserializeFold(serializeFold(fold, 1), { pricer })!;
      expect(saved.fold.sessions).toEqual(fold.sessions);
      // The bounded view: newest activity first.
      const recent = recentSessions(fold.sessions, 3);
      expect(recent.map((s) => s.sessionId)).toEqual([...fold.sessions.values()].sort((a, b) => b.lastTs - a.lastTs || (a.sessionId < b.sessionId ? -1 : 1)).slice(0, 3).map((s) => s.sessionId));
    });
  }

  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('are saved with the fold (snapshot and journal) and read back without parsing the ledger', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ccotel-fold-sessions-'));
    dirs.push(dir);
    const events = randomEvents(9, 600);
    let store = await StateStore.open(dir, { allowReadOnly: false });
    let a = await attachFold(store, { pricer });
    for (let k = 0; k < 6; k++) {
      for (const e of events.slice(k * 100, (k + 1) * 100)) store.ledger.apply(e);
      await store.commit(); // small commits: journal lines
    }
    const expected = view(a.fold.sessions);
    expectTotals(a.fold.sessions, store.ledger, 'before restart');
    store.close();
    store = await StateStore.open(dir, { allowReadOnly: false });
    a = await attachFold(store, { pricer });
    expect(a.source).toBe('saved');
    expect(view(a.fold.sessions)).toEqual(expected);
    expect(store.ledgerParsed).toBe(false);
    store.close();
  });
});
