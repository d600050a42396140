// The one fold over the ledger: aggregates kept up to date as records are applied, read by `stats`
// (any day range, zone and project filter, from 15-minute buckets) and by the metrics (all-time
// series, budgets). Its cost grows with days × projects × models, not with calls.
import type { Ledger, LedgerChange, Row } from '../state/ledger.js';
import { applyRollups, foldRollupRows } from './rollup.js';
import type { Pricer } from '../pricing/cost.js';
import { activityOf, factOf, projectOf, type Fact } from './facts.js';
import { addToCell, mergeModel, newCell, newModelTotals, tokensOf, type Cell, type ModelTotals } from './cell.js';
import { addToSeries, newSeries, settle, type Series } from './series.js';
import { CHUNK_SLOTS, chunkOf, onSlotGrid, slotOf, slotRange } from './slot.js';
import { bump, entry, type Counts } from './counts.js';
import { addToSessions, type SessionSummaries, type SessionTotals } from './session-summary.js';

/**
 * Default start time of every cumulative series: a fixed instant before any Claude Code record
 * (2025-01-01T00:00:00Z). A state directory created or reset later gets its creation time instead
 * (see fold-file.ts), so counters never go backwards within one start time.
 */
export const LEGACY_START_MS = Date.UTC(2025, 0, 1);
export const DEFAULT_HISTOGRAM_SETTLE_MS = 5 * 60_000;

export interface FoldOptions {
  pricer: Pricer;
  /** Start time of the cumulative series (default LEGACY_START_MS). */
  startMs?: number;
  /**
   * A model call enters the per-request histogram only once its event time is this far in the past
   * (default 5 min), so buckets never go down while streaming copies arrive.
   */
  histogramSettleMs?: number;
  /** Clock for the settle window (tests); default Date.now. */
  clock?: () => number;
}

/** What `stats` needs of a time range: sums and the unions of the distinct sets. */
export interface RangeAggregate {
  sessions: Set<string>;
  agents: Set<string>;
  prompts: number;
  operations: number;
  compactions: number;
  models: Map<string, ModelTotals>;
  tools: Map<string, { calls: number; errors: number }>;
  projects: Map<string, { sessions: Set<string>; operations: number; nanoUsd: number; tokens: number }>;
  reads: Counts;
  failing: Counts;
  edits: Counts;
  /** Sensitive-action rule hits by rule. */
  sensitive: Counts;
}

export type Cells = Map<number, Map<string, Cell>>;

/** Aggregates restored from saved text, decoded on first use (see Fold.defer). */
export interface Deferred {
  /** Each gives undefined when its saved text is damaged. */
  cells: () => Cells | undefined;
  /** The saved chunks of time buckets (chunkOf), each decodable alone: a recent range needs few (none: decode whole). */
  chunks: ReadonlyMap<number, () => Cells | undefined>;
  sessions: () => SessionSummaries | undefined;
  /** One session's totals without decoding the others: null none, undefined damaged (decode all). */
  session?: (id: string) => SessionTotals | null | undefined;
  /** The fold anew from the ledger it covers, when a saved part turns out damaged. */
  rebuild: () => Fold;
}

export class Fold {
  private cellsValue: Cells | undefined = new Map();
  private sessionsValue: SessionSummaries | undefined = new Map();
  private deferred: Deferred | undefined;
  series: Series = newSeries();
  startMs: number;
  /** Something changed since the last save. */
  dirty = true;
  /**
   * What changed since the last save, so a snapshot rewrites only those parts (fold-file.ts): the
   * chunks of time buckets (chunkOf) and the sessions touched. The series are always saved.
   */
  dirtyChunks = new Set<number>();
  dirtySessions = new Set<string>();
  /** Bumped by every apply(): a reader that kept values from an earlier state can tell they are stale. */
  changes = 0;
  /**
   * Told, synchronously, each time a commit of the state directory takes the ledger's changes (the
   * fold as it is now), with a test of whether that commit is durable yet (attachFold sets this up).
   * Until it is, the fold holds changes a kill would take back.
   */
  private readonly commitListeners: Array<(durable: () => boolean) => void> = [];
  /** Whether commits are reported (attached to a state directory): see onCommit. */
  get tracksCommits(): boolean {
    return this.commitTracking;
  }
  private commitTracking = false;
  readonly settleMs: number;
  readonly pricer: Pricer;
  private readonly clock: () => number;
  private budgetCache: { key: string; ranges: Array<[number, number]>; byProject: Map<string, number[]> } | undefined;

  /** slot → cwd → cell. */
  get cells(): Cells {
    if (this.cellsValue === undefined) this.decodePart('cells');
    return this.cellsValue!;
  }
  set cells(v: Cells) {
    this.cellsValue = v;
    if (this.sessionsValue !== undefined) this.deferred = undefined;
  }

  /** Per-session totals (`ccotel sessions`, the recent-sessions view): see session-summary.ts. */
  get sessions(): SessionSummaries {
    if (this.sessionsValue === undefined) this.decodePart('sessions');
    return this.sessionsValue!;
  }
  /**
   * One session's totals: while the saved totals are not decoded, from its saved part alone (a
   * listing's rows and --show need a few sessions of thousands). A damaged part: the full decode.
   */
  sessionTotals(id: string): SessionTotals | undefined {
    const one = this.sessionsValue === undefined ? this.deferred?.session?.(id) : undefined;
    if (one === null) return undefined;
    return one ?? this.sessions.get(id);
  }

  set sessions(v: SessionSummaries) {
    this.sessionsValue = v;
    if (this.cellsValue !== undefined) this.deferred = undefined;
  }

  /**
   * Restored from saved text: each aggregate is decoded when first used, so a warm `stats` never
   * builds the per-session totals and a `sessions` listing never the time buckets. The owner calls
   * decode() before the ledger can change (fold-file.ts: when it loads), so a damaged part is
   * rebuilt from exactly the ledger this fold covers.
   */
  defer(d: Deferred): void {
    this.deferred = d;
    this.cellsValue = undefined;
    this.sessionsValue = undefined;
  }

  /**
   * The time buckets holding slots [from, to) (and possibly others): while the saved buckets are
   * not decoded, only the saved chunks that overlap the range are, so `stats --range today` does not
   * decode all history. A damaged chunk means the full decode (and its rebuild).
   */
  private cellsIn(from: number, to: number): Iterable<[number, Map<string, Cell>]> {
    const d = this.deferred;
    // (No chunks: a single-file fold of an earlier release, decoded whole.)
    if (this.cellsValue !== undefined || !d || d.chunks.size === 0) return this.cells;
    const out: Cells = new Map();
    for (const [chunk, decode] of d.chunks) {
      if ((chunk + 1) * CHUNK_SLOTS <= from || chunk * CHUNK_SLOTS >= to) continue;
      const part = decode();
      if (!part) return this.cells;
      for (const [slot, byCwd] of part) out.set(slot, byCwd);
    }
    return out;
  }

  /** Decodes whatever is still deferred. */
  decode(): void {
    if (this.deferred && this.cellsValue === undefined) this.decodePart('cells');
    if (this.deferred && this.sessionsValue === undefined) this.decodePart('sessions');
  }

  private decodePart(which: 'cells' | 'sessions'): void {
    const d = this.deferred!;
    if (which === 'cells') this.cellsValue = d.cells();
    else this.sessionsValue = d.sessions();
    if (which === 'cells' ? this.cellsValue === undefined : this.sessionsValue === undefined) {
      // A damaged part: the whole fold anew (its parts agree with each other and with the ledger).
      this.deferred = undefined;
      const r = d.rebuild();
      this.cellsValue = r.cells;
      this.sessionsValue = r.sessions;
      this.series = r.series;
      this.dirty = true;
    } else if (this.cellsValue !== undefined && this.sessionsValue !== undefined) this.deferred = undefined;
  }

  constructor(o: FoldOptions) {
    this.pricer = o.pricer;
    this.startMs = o.startMs ?? LEGACY_START_MS;
    this.settleMs = o.histogramSettleMs ?? DEFAULT_HISTOGRAM_SETTLE_MS;
    this.clock = o.clock ?? Date.now;
  }

  /**
   * A fold of every record in the ledger and the rollups of pruned ones (optionally only those whose
   * event time passes `keep`).
   */
  static of(ledger: Ledger, o: FoldOptions, keep?: (ts: number) => boolean): Fold {
    const f = new Fold(o);
    f.settle(f.clock());
    for (const c of ledger.records()) {
      if (keep && !keep(c.next.ts)) continue;
      f.apply(c);
    }
    applyRollups(f, ledger.rollups, keep);
    return f;
  }

  /**
   * The fold's rollup rows once `changes` (records older than the settle window) leave the ledger:
   * the rollups so far plus what those records contribute, so Fold.of gives the same aggregates
   * before and after (see rollup.ts).
   */
  static rollupAfterPrune(ledger: Ledger, changes: readonly LedgerChange[], o: FoldOptions): Row[] {
    const f = new Fold({ ...o, clock: () => Number.MAX_SAFE_INTEGER });
    f.settle(Number.MAX_SAFE_INTEGER); // pruned calls are long settled: straight into the histogram
    applyRollups(f, ledger.rollups);
    for (const c of changes) f.apply(c);
    return foldRollupRows(f);
  }

  /** Calls `fn` at each commit that takes the fold as it is then (see commitListeners). */
  onCommit(fn: (durable: () => boolean) => void): void {
    this.commitListeners.push(fn);
  }

  /** attachFold: the fold follows a state directory, whose commits it reports from now on. */
  trackCommits(): void {
    this.commitTracking = true;
  }

  /** attachFold's commit hook: a commit has taken every change so far. */
  committing(durable: () => boolean): void {
    for (const fn of this.commitListeners) fn(durable);
  }

  /** Subtracts what the replaced version counted and adds the new one. */
  apply(c: LedgerChange): void {
    this.changes++;
    const hit = c.type === 'hit' ? c.next : undefined;
    const prev = factOf(c, 'prev', this.pricer);
    if (prev) {
      this.add(prev, -1);
      addToSessions(this.sessions, prev, -1, hit);
    }
    const next = factOf(c, 'next', this.pricer);
    if (next) {
      this.add(next, 1);
      addToSessions(this.sessions, next, 1, hit);
    }
    if (prev?.sessionId) this.dirtySessions.add(prev.sessionId);
    if (next?.sessionId) this.dirtySessions.add(next.sessionId);
    this.dirty = true;
  }

  private add(f: Fact, sign: 1 | -1): void {
    // Hook-only facts feed the metrics; `stats` reports exact transcript numbers only.
    if (f.kind === 'estimate' || f.kind === 'hook') {
      addToSeries(this.series, f, sign);
      return;
    }
    const slot = slotOf(f.ts);
    this.dirtyChunks.add(chunkOf(slot));
    let bySlot = this.cells.get(slot);
    if (bySlot === undefined) this.cells.set(slot, (bySlot = new Map<string, Cell>()));
    let cell = bySlot.get(f.cwd);
    if (cell === undefined) bySlot.set(f.cwd, (cell = newCell()));
    // The session and `session/agent` a fact shows active, built once for the bucket and the series.
    const a = activityOf(f);
    addToCell(cell, f, sign, a);
    if (cell.n === 0) {
      bySlot.delete(f.cwd);
      if (bySlot.size === 0) this.cells.delete(slot);
    }
    if (sign > 0 && f.ts > this.series.settledUpTo) settle(this.series, this.clock() - this.settleMs);
    addToSeries(this.series, f, sign, a);
    if (f.kind === 'call' && this.budgetCache) {
      const b = this.budgetCache;
      const project = projectOf(f.cwd);
      b.ranges.forEach(([s, e], i) => {
        if (f.ts >= s && f.ts < e) entry(b.byProject, project, () => b.ranges.map(() => 0))[i]! += sign * f.nanoUsd;
      });
    }
  }

  /** Lets calls older than `nowMs - settle window` into the per-request histogram. */
  settle(nowMs: number): void {
    const waiting = this.series.unsettled.size;
    settle(this.series, nowMs - this.settleMs);
    // Only a call moving into the histogram needs saving; the settle line itself is re-derived from
    // the clock after a restart.
    if (this.series.unsettled.size !== waiting) this.dirty = true;
  }

  /**
   * Everything in [startMs, endMs), optionally only cwds containing `project`. The range must be on
   * the slot grid (see slot.ts); callers check onSlotGrid() and fold the ledger otherwise.
   */
  range(startMs: number, endMs: number, project?: string): RangeAggregate {
    if (!onSlotGrid(startMs, endMs)) throw new Error(`range ${startMs}..${endMs} is not on the ${15}-minute grid`);
    const [from, to] = slotRange(startMs, endMs);
    const out: RangeAggregate = { sessions: new Set(), agents: new Set(), prompts: 0, operations: 0, compactions: 0, models: new Map(), tools: new Map(), projects: new Map(), reads: new Map(), failing: new Map(), edits: new Map(), sensitive: new Map() };
    for (const [slot, byCwd] of this.cellsIn(from, to)) {
      if (slot < from || slot >= to) continue;
      for (const [cwd, c] of byCwd) if (project === undefined || cwd.includes(project)) addCellTo(out, cwd, c);
    }
    return out;
  }

  /**
   * Cost (nano-dollars) per metrics project in each [start, end) range, e.g. today/week/month.
   * Kept up to date as records arrive; recomputed from the buckets only when the ranges change
   * (once a day), so a collection does not walk history.
   */
  budget(ranges: Array<[number, number]>): Map<string, number[]> {
    const key = JSON.stringify(ranges);
    if (this.budgetCache?.key !== key) {
      const byProject = new Map<string, number[]>();
      const slots = ranges.map(([s, e]) => slotRange(s, e));
      for (const [slot, byCwd] of this.cells) {
        slots.forEach(([from, to], i) => {
          if (slot < from || slot >= to) return;
          for (const [cwd, c] of byCwd) {
            let nanos = 0;
            for (const m of c.models.values()) nanos += m.nanoUsd;
            entry(byProject, projectOf(cwd), () => ranges.map(() => 0))[i]! += nanos;
          }
        });
      }
      this.budgetCache = { key, ranges, byProject };
    }
    return this.budgetCache.byProject;
  }

  /** Models without a price over all history. */
  unpricedModels(): string[] {
    return [...this.series.unpriced.keys()].sort();
  }
}

/**
 * One cell into a range's totals. Its own function, not the body of range()'s loop: V8 optimizes a
 * small function at once, where a long loop body gets an on-stack replacement compile that a
 * short-lived `stats` waited ~40 ms for at exit, long after the loop had finished.
 */
function addCellTo(out: RangeAggregate, cwd: string, c: Cell): void {
  out.prompts += c.prompts;
  out.operations += c.operations;
  out.compactions += c.compactions;
  for (const s of c.sessions.keys()) out.sessions.add(s);
  for (const a of c.agents.keys()) out.agents.add(a);
  // A project appears once anything in it counts: a call, a tool call or a user prompt.
  if (c.models.size > 0 || c.operations > 0 || c.sessions.size > 0) {
    const p = entry(out.projects, cwd, () => ({ sessions: new Set<string>(), operations: 0, nanoUsd: 0, tokens: 0 }));
    for (const s of c.sessions.keys()) p.sessions.add(s);
    p.operations += c.operations;
    for (const m of c.models.values()) {
      p.nanoUsd += m.nanoUsd;
      p.tokens += tokensOf(m);
    }
  }
  for (const [name, m] of c.models) mergeModel(entry(out.models, name, newModelTotals), m);
  for (const [name, t] of c.tools) {
    const o = entry(out.tools, name, () => ({ calls: 0, errors: 0 }));
    o.calls += t.calls;
    o.errors += t.errors;
  }
  for (const [k, n] of c.reads) bump(out.reads, k, n);
  for (const [k, n] of c.failing) bump(out.failing, k, n);
  for (const [k, n] of c.edits) bump(out.edits, k, n);
  for (const [k, n] of c.sensitive) bump(out.sensitive, k, n);
}
