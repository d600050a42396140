// Rollups: what the records `ccotel prune` dropped contributed to the fold, kept in the ledger as
// 'A' rows so that a fold rebuilt from the ledger (fold.json lost or damaged, a new price table)
// equals the one kept up to date before the prune: per 15-minute slot and project the cell of the
// pruned records, once the all-time series of them, and per session its totals (`ccotel sessions`).
// Rollups add to what the remaining records give, exactly as those records would have (cells,
// series and session totals are sums and reference counts; a session's first and last times widen).
//
// Costs in a rollup are those of the price table at prune time: a later price change re-prices the
// records still in the ledger but not the pruned ones (docs/metrics.md says so).
import type { Row } from '../state/ledger.js';
import type { Cell } from './cell.js';
import type { Series } from './series.js';
import type { Hist } from './histogram.js';
import { bump, entry } from './counts.js';
import { SLOT_MS } from './slot.js';
import { sessionsFromPlain, sessionsToPlain, type SessionSummaries, type SessionTotals } from './session-summary.js';
import { arrToCell, cellToArr, fromPlain, toPlain, type Plain } from './plain.js';

export const ROLLUP = 'A';
const CELL = 'c';
const SERIES = 'g';
const SESSIONS = 's';
/** Sessions per rollup row (a row is one JSON line of the ledger). */
const SESSIONS_PER_ROW = 200;

/** The parts of a fold a rollup covers. */
export interface FoldParts {
  cells: Map<number, Map<string, Cell>>;
  series: Series;
  sessions: SessionSummaries;
}

/** The rollup rows for these parts (all of them: a prune replaces the old ones). */
export function foldRollupRows(f: FoldParts): Row[] {
  const rows: Row[] = [];
  for (const [slot, byCwd] of f.cells) for (const [cwd, c] of byCwd) rows.push([ROLLUP, CELL, slot, cwd, JSON.stringify(cellToArr(c))]);
  const { unsettled: _u, settledUpTo: _s, ...rest } = f.series;
  rows.push([ROLLUP, SERIES, JSON.stringify(toPlain(rest))]);
  const sessions = sessionsToPlain(f.sessions);
  for (let i = 0; i < sessions.length; i += SESSIONS_PER_ROW) rows.push([ROLLUP, SESSIONS, JSON.stringify(sessions.slice(i, i + SESSIONS_PER_ROW))]);
  return rows;
}

/**
 * Adds the rollup rows to a fold's cells and series. With `keep` (a range off the slot grid), a
 * slot's rollup counts when its start passes: pruned history is known per 15-minute slot only.
 */
export function applyRollups(f: FoldParts, rows: readonly Row[], keep?: (ts: number) => boolean): void {
  const { cells, series } = f;
  for (const row of rows) {
    if (row[0] !== ROLLUP) continue;
    if (row[1] === CELL) {
      const slot = row[2] as number;
      if (keep && !keep(slot * SLOT_MS)) continue;
      const bySlot = entry(cells, slot, () => new Map<string, Cell>());
      const add = arrToCell(JSON.parse(row[4] as string) as Plain[]);
      const have = bySlot.get(row[3] as string);
      if (have) mergeCell(have, add);
      else bySlot.set(row[3] as string, add);
    } else if (row[1] === SERIES) {
      mergeSeries(series, fromPlain(JSON.parse(row[2] as string)) as Partial<Series>);
    } else if (row[1] === SESSIONS) {
      for (const s of sessionsFromPlain(JSON.parse(row[2] as string))?.values() ?? []) {
        const have = f.sessions.get(s.sessionId);
        if (have) mergeSession(have, s);
        else f.sessions.set(s.sessionId, s);
      }
    }
  }
}

/** Sums add, the time span widens, the cwd is that of the later side (as addToSessions keeps it). */
function mergeSession(into: SessionTotals, s: SessionTotals): void {
  for (const k of ['n', 'nanoUsd', 'tokens', 'calls', 'apiErrors', 'toolCalls', 'toolErrors', 'prompts', 'compactions'] as const) into[k] += s[k];
  into.firstTs = Math.min(into.firstTs, s.firstTs);
  if (s.lastTs >= into.lastTs) {
    into.lastTs = s.lastTs;
    if (s.cwd) into.cwd = s.cwd;
  } else if (!into.cwd) into.cwd = s.cwd;
  for (const k of ['models', 'tools', 'subagents', 'sensitive'] as const) mergeMap(into[k] as Map<string, unknown>, s[k] as Map<string, unknown>);
  into.hits = [...s.hits, ...into.hits];
}

export function mergeCell(into: Cell, c: Cell): void {
  into.n += c.n;
  into.prompts += c.prompts;
  into.compactions += c.compactions;
  into.operations += c.operations;
  for (const k of ['models', 'tools', 'sessions', 'agents', 'reads', 'failing', 'edits', 'sensitive'] as const) mergeMap(into[k] as Map<string, unknown>, c[k] as Map<string, unknown>);
}

/** Adds every series of `s` (by shape, so a series added later merges without a change here). */
export function mergeSeries(into: Series, s: Partial<Series>): void {
  for (const [k, v] of Object.entries(s)) {
    if (k === 'unsettled' || k === 'settledUpTo') continue;
    if (k === 'lastEventMs') into.lastEventMs = Math.max(into.lastEventMs, v as number);
    else if (v instanceof Map) {
      const target = (into as unknown as Record<string, unknown>)[k];
      if (target instanceof Map) mergeMap(target as Map<string, unknown>, v as Map<string, unknown>);
      else (into as unknown as Record<string, unknown>)[k] = v;
    }
  }
}

/** Sums, reference counts, nested maps and histograms add; histogram min and max combine. */
function mergeMap(into: Map<string, unknown>, from: Map<string, unknown>): void {
  for (const [k, v] of from) {
    if (typeof v === 'number') bump(into as Map<string, number>, k, v);
    else if (v instanceof Map) mergeMap(entry(into, k, () => new Map()) as Map<string, unknown>, v as Map<string, unknown>);
    else if (v && typeof v === 'object' && Array.isArray((v as Hist).counts)) {
      const h = v as Hist;
      const have = into.get(k) as Hist | undefined;
      if (!have) {
        into.set(k, { ...h, counts: [...h.counts] });
        continue;
      }
      h.counts.forEach((n, i) => (have.counts[i] = (have.counts[i] ?? 0) + n));
      have.sum += h.sum;
      have.count += h.count;
      if (h.min !== undefined) have.min = have.min === undefined ? h.min : Math.min(have.min, h.min);
      if (h.max !== undefined) have.max = have.max === undefined ? h.max : Math.max(have.max, h.max);
    } else if (v && typeof v === 'object') {
      const have = into.get(k) as Record<string, number> | undefined;
      if (!have) into.set(k, { ...(v as Record<string, number>) });
      else for (const [f, n] of Object.entries(v as Record<string, number>)) have[f] = (have[f] ?? 0) + n;
    }
  }
}
