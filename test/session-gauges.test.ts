// The recent-session gauges (ccotel.session.*) against a generated history: each reported session's
// cost, tokens, tool calls, tool errors, subagents and prompts equal the history generator's
// per-session truth (Expected.bySession, counted from the lines it wrote, not by ccotel); only
// sessions whose last event is within the window of the injected collection clock are reported, at
// most `max` of them, the newest; a session leaving the window stops being reported.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StateStore } from '../src/state/store.js';
import { IngestManager } from '../src/ingest/manager.js';
import { listTranscripts } from '../src/sources/transcript-files.js';
import { resolveRoots } from '../src/sources/roots.js';
import { Pricer } from '../src/pricing/cost.js';
import { EMBEDDED_PRICES } from '../src/pricing/price-table.js';
import { Fold } from '../src/fold/fold.js';
import { silentLogger } from '../src/log.js';
import { METRIC, metricData, type NumberMetric } from '../src/export/metrics/ledger-metrics.js';
import { DEFAULT_RECENT_SESSIONS, recentSessionOptions, recentSessionTotals, type RecentSessionOptions } from '../src/export/metrics/session-gauges.js';
import { schemas } from '../src/config/schema.js';
import { traceIdFor } from '../src/export/traces/ids.js';
import { generateHistory, type Expected, type SessionExpected } from './support/history-generator.js';

const USER = 'alice';
const HOUR = 3_600_000;
const GAUGES = [METRIC.sessionCost, METRIC.sessionTokens, METRIC.sessionToolCalls, METRIC.sessionToolErrors, METRIC.sessionSubagents, METRIC.sessionPrompts] as const;

describe('recent-session gauges', () => {
  let dir: string;
  let fold: Fold;
  let exp: Expected;
  /** Sessions newest first by the generator's last line time. */
  let byAge: Array<[string, SessionExpected]>;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ccotel-session-gauges-'));
    const root = join(dir, 'claude');
    exp = generateHistory(root, { sessions: 9, seed: 4242, startDate: '2026-02-02', days: 40, projects: 3 });
    const store = await StateStore.open(join(dir, 'state'), { allowReadOnly: false });
    await new IngestManager(store, [], silentLogger).syncAll(await listTranscripts(resolveRoots([root])));
    fold = Fold.of(store.ledger, { pricer: new Pricer(EMBEDDED_PRICES), clock: () => Date.parse('2030-01-01T00:00:00Z') });
    store.close();
    byAge = Object.entries(exp.bySession).sort(([, a], [, b]) => b.lastTs - a.lastTs);
  }, 120_000);

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** Every gauge's points at `nowMs`, as session id → values (and the labels, checked equal across gauges). */
  function collect(nowMs: number, recentSessions: RecentSessionOptions): Map<string, { labels: Record<string, string>; values: number[] }> {
    const data = metricData(fold, { user: USER, timezone: 'UTC', nowMs, recentSessions });
    const out = new Map<string, { labels: Record<string, string>; values: number[] }>();
    GAUGES.forEach((name, i) => {
      const m = data.find((d) => d.name === name) as NumberMetric;
      expect(m.kind).toBe('gauge');
      for (const p of m.points) {
        const id = p.attributes['session_id']!;
        const row = out.get(id) ?? { labels: p.attributes, values: [] };
        expect(p.attributes, `${name} labels of ${id}`).toEqual(row.labels);
        row.values[i] = p.value;
        out.set(id, row);
      }
    });
    for (const [id, row] of out) expect(row.values.filter((v) => v !== undefined), `every gauge has ${id}`).toHaveLength(GAUGES.length);
    return out;
  }

  function expectTruth(id: string, row: { labels: Record<string, string>; values: number[] }): void {
    const t = exp.bySession[id]!;
    expect(t, id).toBeDefined();
    expect(row.labels).toEqual({ session_id: id, project: t.cwd, user: USER, trace_id: traceIdFor(id) });
    const [cost, tokens, tools, errors, subagents, prompts] = row.values;
    expect(cost!, `${id} cost`).toBeCloseTo(t.costUSD, 9);
    expect({ tokens, tools, errors, subagents, prompts }, id).toEqual({ tokens: t.tokens, tools: t.toolCalls, errors: t.toolErrors, subagents: t.subagents, prompts: t.prompts });
  }

  it('the generated history has distinct session end times and sessions with subagents, tool errors and prompts', () => {
    expect(byAge.length).toBe(exp.sessions);
    // window boundaries are put half-way between consecutive end times: they must be well apart
    for (let i = 1; i < byAge.length; i++) expect(byAge[i - 1]![1].lastTs - byAge[i]![1].lastTs, `gap after session ${i}`).toBeGreaterThan(HOUR);
    const all = Object.values(exp.bySession);
    expect(all.some((s) => s.subagents > 0) && all.some((s) => s.toolErrors > 0) && all.some((s) => s.prompts > 1)).toBe(true);
  });

  it('reports every session with its exact values when the window covers the whole history', () => {
    const now = byAge[0]![1].lastTs + HOUR;
    const rows = collect(now, { windowMs: 400 * 24 * HOUR, max: 50 });
    expect([...rows.keys()].sort()).toEqual(Object.keys(exp.bySession).sort());
    for (const [id, row] of rows) expectTruth(id, row);
    // the per-session values add up to the history's totals
    const sum = (i: number) => [...rows.values()].reduce((a, r) => a + r.values[i]!, 0);
    expect(sum(0)).toBeCloseTo(exp.costUSD, 6);
    expect(sum(1)).toBe(exp.tokens.total);
    expect(sum(2)).toBe(exp.operations);
    expect(sum(4)).toBe(exp.subagents);
    expect(sum(5)).toBe(exp.prompts);
  });

  it('reports only the sessions whose last event is within the window of the collection clock', () => {
    for (const k of [1, 3, 5]) {
      // the window starts half-way between the k-th newest session's end and the next older one's
      const start = (byAge[k - 1]![1].lastTs + byAge[k]![1].lastTs) / 2;
      const now = byAge[0]![1].lastTs + 6 * HOUR;
      const rows = collect(now, { windowMs: now - start, max: 50 });
      expect([...rows.keys()].sort(), `window of the ${k} newest`).toEqual(byAge.slice(0, k).map(([id]) => id).sort());
      for (const [id, row] of rows) expectTruth(id, row);
      // a window starting a second after the next older session's last event still leaves it out
      const tight = collect(now, { windowMs: now - (byAge[k]![1].lastTs + 1000), max: 50 });
      expect([...tight.keys()].sort(), `tight window of the ${k} newest`).toEqual(byAge.slice(0, k).map(([id]) => id).sort());
    }
  });

  it('keeps the newest `max` sessions, newest first, and none with max 0', () => {
    const now = byAge[0]![1].lastTs + HOUR;
    const wide = { windowMs: 400 * 24 * HOUR };
    expect([...collect(now, { ...wide, max: 4 }).keys()].sort()).toEqual(byAge.slice(0, 4).map(([id]) => id).sort());
    expect(recentSessionTotals(fold, now, { ...wide, max: 4 }).map((s) => s.sessionId)).toEqual(byAge.slice(0, 4).map(([id]) => id));
    expect(collect(now, { ...wide, max: 0 }).size).toBe(0);
  });

  it('drops a session once the clock moves its last event out of the window', () => {
    const window = 3 * 24 * HOUR;
    const newest = byAge[0]![1].lastTs;
    const second = byAge[1]![1].lastTs;
    const inside = collect(second + window - HOUR, { windowMs: window, max: 50 });
    expect(inside.has(byAge[1]![0])).toBe(true);
    const later = second + window + HOUR;
    const after = collect(later, { windowMs: window, max: 50 });
    expect(after.has(byAge[1]![0])).toBe(false);
    expect(after.has(byAge[0]![0])).toBe(newest >= later - window);
    // and nothing at all once every session is older than the window
    expect(collect(newest + window + HOUR, { windowMs: window, max: 50 }).size).toBe(0);
  });

  it('reports sessions stamped after the collection time (another clock) as recent', () => {
    const now = byAge[1]![1].lastTs + 60_000; // before the newest session's end
    const rows = collect(now, { windowMs: HOUR, max: 50 });
    expect(rows.has(byAge[0]![0])).toBe(true);
    expectTruth(byAge[0]![0], rows.get(byAge[0]![0])!);
  });

  it('takes the window and the cap from the config file (24 h and 50 by default)', () => {
    expect(recentSessionOptions(schemas().configSchema.parse({}))).toEqual({ windowMs: 24 * HOUR, max: 50 });
    expect(DEFAULT_RECENT_SESSIONS).toEqual({ windowMs: 24 * HOUR, max: 50 });
    expect(recentSessionOptions(schemas().configSchema.parse({ recentSessions: { windowHours: 1.5, max: 3 } }))).toEqual({ windowMs: 1.5 * HOUR, max: 3 });
  });
});
