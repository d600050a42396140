// The saved fold in parts: fold.json is a manifest naming part files (time buckets by week, session
// totals by hash bucket), and a snapshot rewrites only the parts that changed. Checked here: a long
// follow-like run of small commits rewrites only the parts it touched; a process dying between the
// part writes and the manifest replace (or after it) loses and doubles nothing; a missing or damaged
// part means a rebuild from the ledger with the same totals; a single-file fold.json of the previous
// release still loads. Totals are checked against counts of the generated events (each call a
// distinct key, each prompt a distinct uuid), not against the fold itself.
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { StateStore } from '../src/state/store.js';
import { setFaultHook } from '../src/state/fault-points.js';
import { Pricer } from '../src/pricing/cost.js';
import { EMBEDDED_PRICES } from '../src/pricing/price-table.js';
import { Fold } from '../src/fold/fold.js';
import { attachFold, serializeFold } from '../src/fold/fold-file.js';
import { buildReport } from '../src/stats/report.js';
import { namedRange } from '../src/calendar/time-range.js';
import type { ModelEvent } from '../src/model/events.js';

const pricer = new Pricer(EMBEDDED_PRICES);
const DAY = 86_400_000;
const START = Date.UTC(2026, 0, 5);
const MODEL = 'claude-sonnet-4-5-20250929';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
afterEach(() => setFaultHook(undefined));
const tempDir = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'ccotel-fold-parts-'));
  dirs.push(d);
  return d;
};

/** Independent totals of the events applied: calls, output tokens, user prompts. */
interface Truth {
  requests: number;
  output: number;
  prompts: number;
}
const none = (): Truth => ({ requests: 0, output: 0, prompts: 0 });

let serial = 0;
/** One call and one prompt in `session` at `ts`, each new (so they add up exactly). */
function turn(session: string, ts: number, truth: Truth): ModelEvent[] {
  const n = serial++;
  const output = 100 + (n % 37);
  truth.requests += 1;
  truth.output += output;
  truth.prompts += 1;
  const ctx = { sessionId: session, cwd: `/home/u/p${Number(session.slice(1)) % 7}` };
  return [
    { kind: 'prompt', ctx, ts, uuid: `p${n}`, chars: 5 },
    { kind: 'model_call', ctx, ts: ts + 1000, key: `k${n}`, messageId: `k${n}`, model: MODEL, usage: { input: 10, output, cacheCreation: 0, cacheCreation1h: 0, cacheSplit: false, cacheRead: 0, fast: false }, apiError: false },
  ];
}

/** ~500 sessions over 60 days, a few turns each. */
function history(truth: Truth): ModelEvent[] {
  const out: ModelEvent[] = [];
  for (let s = 0; s < 500; s++) {
    const day = Math.floor((s * 60) / 500);
    for (let t = 0; t < 4; t++) out.push(...turn(`s${s}`, START + day * DAY + s * 60_000 + t * 90_000, truth));
  }
  return out;
}

const all = (f: Fold) => buildReport(f, { range: namedRange('all', Date.now(), 'UTC'), timezone: 'UTC' }, { files: 0, lines: 0, malformedLines: 0, oversizedLines: 0, unpricedModels: [] });
function expectTruth(f: Fold, t: Truth, what: string): void {
  const r = all(f);
  expect([r.requests, r.tokens.output, r.prompts], what).toEqual([t.requests, t.output, t.prompts]);
}
/** The per-session totals add up to the same truth (calls and prompts over every session). */
function expectSessions(f: Fold, t: Truth, what: string): void {
  let calls = 0;
  let prompts = 0;
  for (const x of f.sessions.values()) {
    calls += x.calls;
    prompts += x.prompts;
  }
  expect([calls, prompts], `${what}: session totals`).toEqual([t.requests, t.prompts]);
}
const partFiles = (dir: string): string[] => readdirSync(dir).filter((n) => n.endsWith('.part.json')).sort();
const manifest = (dir: string): { parts: [string, string][] } => JSON.parse(readFileSync(join(dir, 'fold.json'), 'utf8'));

async function open(dir: string) {
  const store = await StateStore.open(dir, { allowReadOnly: false });
  const a = await attachFold(store, { pricer });
  return { store, ...a };
}

/** A state with the 60-day history committed and its fold saved in parts. */
async function seeded(truth: Truth) {
  const dir = tempDir();
  const s = await open(dir);
  for (const e of history(truth)) s.store.ledger.apply(e);
  await s.store.commit();
  return { dir, ...s };
}

describe('fold saved in parts', () => {
  it('a long follow-like run of small commits rewrites only the parts it changed', async () => {
    const truth = none();
    const { dir, store, fold } = await seeded(truth);
    const first = new Map(manifest(dir).parts);
    expect(first.size, 'weeks of buckets and buckets of sessions').toBeGreaterThan(10);
    const totalBytes = partFiles(dir).reduce((n, f) => n + statSync(join(dir, f)).size, 0);

    // Following: two sessions on the last day, a turn per commit.
    const today = START + 59 * DAY;
    const touched = new Set<string>(); // part ids rewritten by a snapshot
    let written = 0; // bytes of part files written by those snapshots
    let snapshots = 0;
    let seen = new Map(first);
    for (let k = 0; k < 400; k++) {
      for (const e of turn(k % 2 ? 's498' : 'snew', today + 3_600_000 + k * 5000, truth)) store.ledger.apply(e);
      await store.commit();
      const now = new Map(manifest(dir).parts);
      if ([...now].some(([id, name]) => seen.get(id) !== name)) snapshots++;
      for (const [id, name] of now) {
        if (seen.get(id) === name) continue;
        touched.add(id);
        written += statSync(join(dir, name)).size;
      }
      seen = now;
      // Superseded parts are deleted: only the manifest's parts are on disk.
      expect(partFiles(dir)).toEqual([...now.values()].sort());
    }
    expect(snapshots, 'the journal outgrew its limit and snapshots were taken').toBeGreaterThan(1);
    // One week of buckets and the hash buckets of the two sessions; every other part kept its file.
    expect(touched.size).toBeLessThanOrEqual(3);
    expect([...touched].filter((id) => id.startsWith('c'))).toHaveLength(1);
    const unchanged = [...first].filter(([id, name]) => seen.get(id) === name);
    expect(unchanged.length).toBe(first.size - [...touched].filter((id) => first.has(id)).length);
    expect(written / snapshots, 'bytes a snapshot writes').toBeLessThan(totalBytes / 4);
    expectTruth(fold, truth, 'live');
    store.close();

    expect(existsSync(join(dir, 'fold.journal')), 'commits since the last snapshot').toBe(true);
    let again = await open(dir);
    expect([again.source, again.store.ledgerParsed]).toEqual(['saved', false]);
    expectTruth(again.fold, truth, 'reopened');
    // What the replayed journal changed is still unsaved: the next snapshot writes those parts
    // too, even when the commits after the restart touch other ones (another session, another day).
    const parts = manifest(dir).parts.map(([, n]) => n).join();
    for (let k = 0; k < 1000 && manifest(dir).parts.map(([, n]) => n).join() === parts; k++) {
      for (const e of turn('s1', START + 61 * DAY + k * 5000, truth)) again.store.ledger.apply(e);
      await again.store.commit();
    }
    expect(existsSync(join(dir, 'fold.journal')), 'a snapshot replaced the journal').toBe(false);
    again.store.close();
    again = await open(dir);
    expect(again.source).toBe('saved');
    expectTruth(again.fold, truth, 'after a snapshot that followed a replayed journal');
    expect(all(again.fold)).toEqual(all(Fold.of(again.store.ledger, { pricer })));
    again.store.close();
  });

  // Where a process may die in a snapshot: before the first part, between parts, before the
  // manifest is replaced, and after (the superseded parts not yet deleted).
  for (const [point, nth] of [['fold.part', 1], ['fold.part', 2], ['fold.manifest', 1], ['fold.cleanup', 1]] as const) {
    it(`a process dying at ${point} (#${nth}) of a snapshot loses and doubles nothing`, async () => {
      const before = none();
      const { dir, store } = await seeded(before);
      const crashed = tempDir();
      const after = { ...before };
      // A commit large enough to be a snapshot: a few days and some old sessions change.
      const events: ModelEvent[] = [];
      for (let k = 0; k < 300; k++) events.push(...turn(`s${(k * 7) % 500}`, START + (50 + (k % 5)) * DAY + k * 1000, after));
      for (const e of events) store.ledger.apply(e);
      let hits = 0;
      setFaultHook((p) => {
        // The state directory as a kill here would leave it (the lock is ours, so not copied).
        if (p === point && ++hits === nth) cpSync(dir, crashed, { recursive: true, filter: (src) => !/[/\\]lock/.test(src.slice(dir.length)) });
      });
      await store.commit();
      setFaultHook(undefined);
      expect(hits, `${point} was reached`).toBeGreaterThanOrEqual(nth);
      store.close();

      // The copy: the commit did not complete (state.json still names the old ledger length, the
      // ledger's new tail is cut off on open): the old totals, counted once. Before the manifest
      // is replaced the old manifest and journal still cover the ledger; after it, the new manifest
      // is ahead of state.json and the fold is rebuilt from the ledger.
      const c = await open(crashed);
      expect(c.source).toBe(point === 'fold.cleanup' ? 'rebuilt' : 'saved');
      expectTruth(c.fold, before, 'after the kill');
      // Orphaned part files are gone once the fold is attached for writing.
      expect(partFiles(crashed)).toEqual(manifest(crashed).parts.map(([, n]) => n).sort());
      // Reading the transcripts again applies the same events: counted once.
      for (const e of events) c.store.ledger.apply(e);
      await c.store.commit();
      expectTruth(c.fold, after, 'resumed');
      c.store.close();
      const r = await open(crashed);
      expect(r.source).toBe('saved');
      expectTruth(r.fold, after, 'resumed and reopened');
      expect(all(r.fold)).toEqual(all(Fold.of(r.store.ledger, { pricer })));
      r.store.close();
    });
  }

  // Parts are written several at a time: a write failing while others are in flight (a full disk)
  // must still leave only the parts the old manifest names, and the next commit saves everything.
  // At `fold.part` the part's file is not created yet; at `fold.part.sync` it is, and written.
  for (const [point, nth] of [['fold.part', 1], ['fold.part', 3], ['fold.part', 12], ['fold.part.sync', 1], ['fold.part.sync', 5]] as const) {
    it(`a part write failing at ${point} (#${nth}) while others are in flight removes what was written; the retry saves all`, async () => {
      const before = none();
      const { dir, store } = await seeded(before);
      const partsBefore = partFiles(dir);
      const after = { ...before };
      // Enough days and sessions that the snapshot writes more parts than are written at once.
      const events: ModelEvent[] = [];
      for (let k = 0; k < 300; k++) events.push(...turn(`s${(k * 7) % 500}`, START + (k % 40) * DAY + k * 1000, after));
      for (const e of events) store.ledger.apply(e);
      let hits = 0;
      setFaultHook((p) => {
        if (p === point && ++hits === nth) throw Object.assign(new Error('ENOSPC: injected'), { code: 'ENOSPC' });
      });
      await expect(store.commit()).rejects.toThrow(/ENOSPC/);
      setFaultHook(undefined);
      expect(hits, 'the failure stopped further part writes from starting').toBeLessThan(30);
      expect(partFiles(dir), 'no part of the failed snapshot is left').toEqual(partsBefore);
      // The commit is retried: the same changes, saved once.
      await store.commit();
      expect(partFiles(dir)).toEqual(manifest(dir).parts.map(([, n]) => n).sort());
      store.close();
      const r = await open(dir);
      expect(r.source).toBe('saved');
      expectTruth(r.fold, after, 'after the retried commit');
      expectSessions(r.fold, after, 'after the retried commit');
      expect(all(r.fold)).toEqual(all(Fold.of(r.store.ledger, { pricer })));
      r.store.close();
    });
  }

  it('settle at a clean close folds the journal into the parts: the next open replays nothing', async () => {
    const truth = none();
    const { dir, store } = await seeded(truth);
    store.close();
    const a = await open(dir);
    for (let k = 0; k < 5; k++) {
      for (const e of turn('s7', START + 59 * DAY + k * 60_000, truth)) a.store.ledger.apply(e);
      await a.store.commit();
    }
    expect(existsSync(join(dir, 'fold.journal')), 'small commits went to the journal').toBe(true);
    // Applied but not committed: the fold is ahead of the saved ledger, so settle must not save it.
    const extra = none();
    for (const e of turn('s8', START + 59 * DAY + 600_000, extra)) a.store.ledger.apply(e);
    await a.settle();
    expect(existsSync(join(dir, 'fold.journal')), 'pending changes: nothing settled').toBe(true);
    await a.store.commit();
    for (const k of ['requests', 'output', 'prompts'] as const) truth[k] += extra[k];
    await a.settle();
    expect(existsSync(join(dir, 'fold.journal')), 'settled').toBe(false);
    a.store.close();
    const b = await open(dir);
    expect(b.source).toBe('saved');
    expectTruth(b.fold, truth, 'after settle');
    expectSessions(b.fold, truth, 'after settle');
    b.store.close();
  });

  it('a daemon idle for 10 s folds its journal into the parts (a reader beside it replays nothing); not while changes arrive', async () => {
    const truth = none();
    const { dir, store } = await seeded(truth);
    store.close();
    let now = Date.now();
    const s = await StateStore.open(dir, { allowReadOnly: false });
    await attachFold(s, { pricer, now: () => now });
    for (let k = 0; k < 5; k++) {
      for (const e of turn('s9', START + 59 * DAY + k * 60_000, truth)) s.ledger.apply(e);
      await s.commit();
      now += 3_000; // a change every 3 s: never idle
      await s.commit();
      expect(existsSync(join(dir, 'fold.journal')), `change ${k}: journaled, not settled`).toBe(true);
    }
    now += 9_000; // 3 + 9 = 12 s since the last commit that had changes
    await s.commit();
    expect(existsSync(join(dir, 'fold.journal')), 'idle 12 s: settled').toBe(false);
    s.close();
    // The parts on disk are the fold as it is: the next reader gets the truth and replays nothing.
    const reader = await StateStore.open(dir, { allowReadOnly: true });
    const r = await attachFold(reader, { pricer });
    expectTruth(r.fold, truth, 'after the idle settle');
    expectSessions(r.fold, truth, 'after the idle settle');
    expect(reader.ledgerParsed, 'nothing replayed: the ledger never loads').toBe(false);
    reader.close();
  });

  it('a range decodes only the saved chunks it overlaps, and gives what the whole fold gives', async () => {
    const truth = none();
    const dir = tempDir();
    const s = await open(dir);
    const events = history(truth);
    for (const e of events) s.store.ledger.apply(e);
    await s.store.commit();
    s.store.close();
    const a = await open(dir);
    // Independent counts per range: the generated calls by their event time.
    const calls = events.filter((e) => e.kind === 'model_call').map((e) => e.ts);
    const ranges: Array<[number, number]> = [[START, START + DAY], [START + 10 * DAY, START + 17 * DAY], [START + 59 * DAY, START + 61 * DAY], [START - DAY, START + 30 * DAY + 15 * 60_000], [START + 70 * DAY, START + 71 * DAY]];
    const report = (f: Fold, [from, to]: [number, number]) => buildReport(f, { range: { startMs: from, endMs: to, label: 'r' }, timezone: 'UTC' }, { files: 0, lines: 0, malformedLines: 0, oversizedLines: 0, unpricedModels: [] });
    const lazy = ranges.map((r) => report(a.fold, r));
    for (const [i, [from, to]] of ranges.entries()) expect(lazy[i]!.requests, `range ${i}`).toBe(calls.filter((t) => t >= from && t < to).length);
    // The same reports once everything is decoded.
    a.fold.decode();
    expect(ranges.map((r) => report(a.fold, r))).toEqual(lazy);
    expectTruth(a.fold, truth, 'all');
    a.store.close();
  });

  it('a missing or damaged part means a rebuild from the ledger with equal totals and the same start time', async () => {
    const truth = none();
    const { dir, store, fold } = await seeded(truth);
    const startMs = fold.startMs;
    store.close();
    // Each damage to the parts the previous rebuild saved. A missing part is seen on open; a damaged
    // one when it is decoded (parts decode on first use), which rebuilds the whole fold there.
    const part = (kind: 'c' | 's'): string => join(dir, manifest(dir).parts.find(([id]) => id.startsWith(kind))![1]);
    const damages: Array<[string, 'rebuilt' | 'saved', () => void]> = [
      ['a part deleted', 'rebuilt', () => rmSync(part('c'))],
      ['a part torn', 'saved', () => writeFileSync(part('s'), readFileSync(part('s'), 'utf8').slice(0, -20))],
      ['a part that is not one', 'saved', () => writeFileSync(part('s'), '{"x":1}')],
      ['a time-bucket part torn', 'saved', () => writeFileSync(part('c'), readFileSync(part('c'), 'utf8').slice(0, -20))],
    ];
    for (const [what, source, damage] of damages) {
      damage();
      const a = await open(dir);
      expect([what, a.source, a.fold.startMs]).toEqual([what, source, startMs]);
      expectTruth(a.fold, truth, what);
      expectSessions(a.fold, truth, what);
      await a.store.commit(); // saves the rebuilt fold
      a.store.close();
      // Every part named now parses: the damage is gone, not merely worked around again.
      for (const [, name] of manifest(dir).parts) expect(() => JSON.parse(readFileSync(join(dir, name), 'utf8')), `${what}: ${name}`).not.toThrow();
      const b = await open(dir);
      expect([what, b.source]).toEqual([what, 'saved']);
      expectTruth(b.fold, truth, `${what}, reopened`);
      expectSessions(b.fold, truth, `${what}, reopened`);
      b.store.close();
    }
  });

  it('a damaged part found when new records arrive is rebuilt before they apply: nothing doubled or lost', async () => {
    for (const kind of ['c', 's'] as const) {
      const truth = none();
      const { dir, store } = await seeded(truth);
      store.close();
      const name = manifest(dir).parts.find(([id]) => id.startsWith(kind))![1];
      writeFileSync(join(dir, name), readFileSync(join(dir, name), 'utf8').slice(0, -20));
      const a = await open(dir);
      expect(a.source, kind).toBe('saved');
      // New records load the ledger: the damaged part is decoded (and the fold rebuilt) before they apply.
      for (const e of [...turn('s3', START + 70 * DAY, truth), ...turn('s900', START + 71 * DAY, truth)]) a.store.ledger.apply(e);
      expectTruth(a.fold, truth, `part ${kind}`);
      expectSessions(a.fold, truth, `part ${kind}`);
      await a.store.commit();
      a.store.close();
      const b = await open(dir);
      expectTruth(b.fold, truth, `part ${kind}, reopened`);
      expectSessions(b.fold, truth, `part ${kind}, reopened`);
      b.store.close();
    }
  });

  it('loads a single-file fold.json of the previous release, then saves it in parts', async () => {
    const truth = none();
    const { dir, store, fold } = await seeded(truth);
    const single = serializeFold(fold, store.committedLedgerBytes, store.committedLedgerId);
    store.close();
    for (const f of partFiles(dir)) rmSync(join(dir, f));
    rmSync(join(dir, 'fold.journal'), { force: true });
    writeFileSync(join(dir, 'fold.json'), single);
    let a = await open(dir);
    expect([a.source, a.store.ledgerParsed, a.fold.startMs]).toEqual(['saved', false, fold.startMs]);
    expectTruth(a.fold, truth, 'single file');
    for (const e of turn('s3', START + 59 * DAY, truth)) a.store.ledger.apply(e);
    await a.store.commit();
    a.store.close();
    expect(manifest(dir).parts.length).toBeGreaterThan(1);
    expect(existsSync(join(dir, 'fold.journal'))).toBe(false);
    a = await open(dir);
    expect(a.source).toBe('saved');
    expectTruth(a.fold, truth, 'saved in parts');
    a.store.close();
  });

  it('writes its files 0600 and never through a planted symbolic link', async () => {
    const truth = none();
    const { dir, store } = await seeded(truth);
    for (const f of ['fold.json', ...partFiles(dir)]) expect((statSync(join(dir, f)).mode & 0o777).toString(8), f).toBe('600');
    const ours = join(tempDir(), 'ours.txt');
    writeFileSync(ours, 'mine\n');
    symlinkSync(ours, join(dir, 'fold.journal'));
    for (const e of turn('s2', START + 59 * DAY, truth)) store.ledger.apply(e);
    await expect(store.commit()).rejects.toThrow();
    expect(readFileSync(ours, 'utf8')).toBe('mine\n');
    store.close();
  });
});
