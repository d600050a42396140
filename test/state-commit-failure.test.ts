// A failing disk must not lose or double anything: a commit that fails at any step leaves
// ledger.ndjson and state.json byte-for-byte as they were, keeps its changes pending, and a retry
// commits them exactly once. A ledger whose tail is torn is repaired on open, not refused.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StateStore } from '../src/state/store.js';
import { Ledger } from '../src/state/ledger.js';
import { StateWriteError } from '../src/state/state-errors.js';
import { errnoError, setFaultHook } from '../src/state/fault-points.js';
import { writeFileAtomic } from '../src/state/atomic-file.js';
import type { EventContext, ModelEvent, Usage } from '../src/model/events.js';

const usage = (p: Partial<Usage>): Usage => ({ input: 0, output: 0, cacheCreation: 0, cacheCreation1h: 0, cacheSplit: false, cacheRead: 0, fast: false, ...p });
const ctx: EventContext = { sessionId: 's1', cwd: '/p' };
const call = (key: string, ts: number, output: number): ModelEvent => ({ kind: 'model_call', ctx, ts, key, messageId: key, model: 'claude-sonnet-4-5', usage: usage({ input: 10, output }), apiError: false });
const tool = (id: string, ts: number): ModelEvent => ({ kind: 'tool_use', ctx, ts, id, name: 'Bash', callKey: 'k', input: { command: 'ls' } });
const result = (id: string, ts: number): ModelEvent => ({ kind: 'tool_result', ctx, ts, toolUseId: id, isError: false, resultChars: 3 });
const T = Date.parse('2026-01-05T10:00:00Z');

const BATCH_A: ModelEvent[] = [call('m1', T, 5), tool('t1', T + 1)];
// New records, a larger copy of m1 and t1's result: both supersede rows of batch A.
const BATCH_B: ModelEvent[] = [call('m1', T + 2, 50), result('t1', T + 3), call('m2', T + 4, 7), tool('t2', T + 5)];

function files(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const n of readdirSync(dir).sort()) if (!n.startsWith('lock')) out[n] = readFileSync(join(dir, n), 'utf8');
  return out;
}

function contents(l: Ledger): unknown {
  return { usage: [...l.usage.values()], tools: [...l.tools.values()], sessions: [...l.sessions.values()], prompts: [...l.prompts.values()] };
}

function reference(...batches: ModelEvent[][]): Ledger {
  const l = new Ledger();
  for (const b of batches) for (const e of b) l.apply(e);
  return l;
}

describe('StateStore.commit on a failing disk', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ccotel-commit-fail-'));
  });
  afterEach(() => {
    setFaultHook(undefined);
    rmSync(dir, { recursive: true, force: true });
  });

  for (const [point, code] of [
    ['ledger.write', 'ENOSPC'],
    ['ledger.written', 'ENOSPC'], // after some bytes reached the file: a partial write
    ['ledger.sync', 'EIO'],
    ['commit.state', 'ENOSPC'], // ledger synced, state.json not yet written
    ['atomic.write', 'ENOSPC'], // state.json temp file created, writing it fails
    ['atomic.rename', 'EIO'], // state.json temp file complete, the rename fails
  ] as const) {
    it(`fails at ${point} (${code}) without changing a byte, then a retry commits exactly once`, async () => {
      const store = await StateStore.open(dir, { allowReadOnly: false });
      for (const e of BATCH_A) store.ledger.apply(e);
      store.setCheckpoint('/t/a.jsonl', { dev: 1, ino: 1, size: 10, mtimeMs: 1, offset: 10, lines: 1, malformed: 0, oversized: 0, fp: 'x', fpLen: 10 });
      await store.commit();
      const before = files(dir);

      for (const e of BATCH_B) store.ledger.apply(e);
      store.setCheckpoint('/t/a.jsonl', { ...store.files['/t/a.jsonl']!, size: 20, offset: 20, lines: 2 });
      let hits = 0;
      setFaultHook((p) => {
        if (p === point && hits++ === 0) throw errnoError(code, p);
      });
      const err = await store.commit().then(() => undefined, (e: unknown) => e);
      expect(hits, `fault point ${point} was reached`).toBeGreaterThan(0);
      expect(err).toBeInstanceOf(StateWriteError);
      expect((err as StateWriteError).code).toBe(code);
      expect((err as Error).message).toContain(dir);
      expect((err as Error).message).toContain('Nothing was lost');
      expect(files(dir)).toEqual(before); // no temp file, ledger and checkpoint untouched

      await store.commit(); // the hook fires once: this retry succeeds
      store.close();
      const reopened = await StateStore.open(dir, { allowReadOnly: false });
      expect(contents(reopened.ledger)).toEqual(contents(reference(BATCH_A, BATCH_B)));
      expect(reopened.files['/t/a.jsonl']!.offset).toBe(20);
      // Exactly once: batch A's 3 rows (session, m1, t1) plus batch B's 4 (m1, t1, m2, t2).
      const rows = readFileSync(join(dir, 'ledger.ndjson'), 'utf8').trim().split('\n');
      expect(rows.length).toBe(7);
      reopened.close();
    });
  }

  it('keeps a record changed again after a failed commit pending for the next one', async () => {
    const store = await StateStore.open(dir, { allowReadOnly: false });
    for (const e of BATCH_A) store.ledger.apply(e);
    setFaultHook((p) => {
      if (p === 'ledger.write') throw errnoError('ENOSPC', p);
    });
    await expect(store.commit()).rejects.toBeInstanceOf(StateWriteError);
    setFaultHook(undefined);
    for (const e of BATCH_B) store.ledger.apply(e);
    await store.commit();
    store.close();
    const reopened = await StateStore.open(dir, { allowReadOnly: false });
    expect(contents(reopened.ledger)).toEqual(contents(reference(BATCH_A, BATCH_B)));
    reopened.close();
  });
});

describe('a torn ledger is repaired on open', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ccotel-torn-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  async function committed(): Promise<void> {
    const store = await StateStore.open(dir, { allowReadOnly: false });
    for (const e of [...BATCH_A, ...BATCH_B]) store.ledger.apply(e);
    store.setCheckpoint('/t/a.jsonl', { dev: 1, ino: 1, size: 10, mtimeMs: 1, offset: 10, lines: 1, malformed: 0, oversized: 0, fp: 'x', fpLen: 10 });
    await store.commit();
    store.close();
  }

  it('cuts a partial record past the checkpoint and keeps the checkpoints', async () => {
    await committed();
    const ledger = join(dir, 'ledger.ndjson');
    const size = readFileSync(ledger).length;
    appendFileSync(ledger, '["U","m9",17');
    const store = await StateStore.open(dir, { allowReadOnly: false });
    expect(readFileSync(ledger).length).toBe(size);
    expect(contents(store.ledger)).toEqual(contents(reference(BATCH_A, BATCH_B)));
    expect(store.files['/t/a.jsonl']!.offset).toBe(10);
    store.close();
  });

  it('cuts a torn record inside the checkpoint back to the last complete one and re-reads every transcript', async () => {
    await committed();
    const ledger = join(dir, 'ledger.ndjson');
    const text = readFileSync(ledger, 'utf8');
    const lastStart = text.lastIndexOf('\n', text.length - 2) + 1;
    // The filesystem lost the end of the last record but kept the size (zero-filled block).
    const torn = Buffer.from(text);
    torn.fill(0, lastStart + 5);
    writeFileSync(ledger, torn);
    const warnings: string[] = [];
    const store = await StateStore.open(dir, { allowReadOnly: false, warn: (m) => warnings.push(m) });
    expect(readFileSync(ledger, 'utf8')).toBe(text.slice(0, lastStart));
    // Every complete record is kept; the transcripts are read from the start to restore the rest.
    const kept = new Ledger();
    for (const line of text.slice(0, lastStart).trim().split('\n')) kept.loadRow(JSON.parse(line));
    expect(contents(store.ledger)).toEqual(contents(kept));
    expect(store.files).toEqual({});
    expect(warnings.join('\n')).toMatch(/partial record.*reading all transcripts again/);
    store.close();
    // The repair was recorded: a second open finds nothing to repair.
    const again = await StateStore.open(dir, { allowReadOnly: false, warn: (m) => warnings.push(`again: ${m}`) });
    expect(warnings.filter((w) => w.startsWith('again'))).toEqual([]);
    again.close();
  });

  it('treats a ledger shorter than its checkpoint the same way', async () => {
    await committed();
    const state = JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8'));
    writeFileSync(join(dir, 'state.json'), JSON.stringify({ ...state, ledgerBytes: state.ledgerBytes + 40 }));
    const warnings: string[] = [];
    const store = await StateStore.open(dir, { allowReadOnly: false, warn: (m) => warnings.push(m) });
    expect(contents(store.ledger)).toEqual(contents(reference(BATCH_A, BATCH_B)));
    expect(store.files).toEqual({});
    expect(warnings.join('\n')).toMatch(/shorter/);
    store.close();
  });
});

describe('a read-only reader beside a compacting writer', () => {
  it('reads a ledger switched under it by compaction whole, writing nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ccotel-ro-compact-'));
    const holder = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    try {
      const writer = await StateStore.open(dir, { allowReadOnly: false, compaction: { minBytes: 0, minSupersededRatio: 0 } });
      for (const e of BATCH_A) writer.ledger.apply(e);
      await writer.commit();
      const stateBefore = readFileSync(join(dir, 'state.json'));
      for (const e of BATCH_B) writer.ledger.apply(e); // supersedes rows: this commit compacts
      await writer.commit();
      writer.close();
      expect(readFileSync(join(dir, 'ledger.ndjson'), 'utf8')).toMatch(/^\["H",/);
      // What a reader sees when it read state.json just before the switch: the old checkpoint.
      writeFileSync(join(dir, 'state.json'), stateBefore);
      writeFileSync(join(dir, 'lock.1000'), `${holder.pid}\n`); // another live process writes here
      const before = files(dir);
      const reader = await StateStore.open(dir, { allowReadOnly: true });
      expect(reader.readOnly).toBe(true);
      expect(contents(reader.ledger)).toEqual(contents(reference(BATCH_A, BATCH_B)));
      reader.close();
      expect(files(dir)).toEqual(before);
    } finally {
      holder.kill();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('writeFileAtomic', () => {
  it('removes its temp file when writing fails', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ccotel-atomic-'));
    try {
      writeFileSync(join(dir, 'f.json'), 'old');
      setFaultHook((p) => {
        if (p === 'atomic.write') throw errnoError('ENOSPC', p);
      });
      await expect(writeFileAtomic(join(dir, 'f.json'), 'new')).rejects.toThrow(/ENOSPC/);
      expect(readdirSync(dir)).toEqual(['f.json']);
      expect(readFileSync(join(dir, 'f.json'), 'utf8')).toBe('old');
    } finally {
      setFaultHook(undefined);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
