// The state directory is trusted only when it is safe: ours and not writable by others; state and
// trace files are never opened through a planted symbolic link and are private whatever the umask;
// two processes starting at once over a stale lock never both take it.
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StateStore } from '../src/state/store.js';
import { StateLock } from '../src/state/lock.js';
import { createFileSpanExporter } from '../src/export/traces/span-exporters.js';
import { REPO, requireBuiltCli } from './support/ccotel-cli.js';
import type { ModelEvent } from '../src/model/events.js';

const EVENT: ModelEvent = { kind: 'prompt', ctx: { sessionId: 's1', cwd: '/p' }, ts: Date.parse('2026-01-05T10:00:00Z'), uuid: 'p1', chars: 3 };

/** A pid that certainly belonged to a process that has exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', '']);
  return r.pid!;
}

describe('state directory trust', () => {
  let dir: string;
  let victim: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ccotel-trust-'));
    victim = join(dir, 'victim.txt');
    writeFileSync(victim, 'precious\n');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses a directory writable by group or others', async () => {
    const state = join(dir, 'state');
    mkdirSync(state);
    chmodSync(state, 0o777);
    await expect(StateStore.open(state, { allowReadOnly: true })).rejects.toThrow(/refusing to use state directory .*writable by group and others \(mode 0777\).*chmod go-w/);
    chmodSync(state, 0o703);
    await expect(StateStore.open(state, { allowReadOnly: true })).rejects.toThrow(/writable by others/);
    expect(readdirSync(state)).toEqual([]);
  });

  it('refuses a directory owned by someone else', async (ctx) => {
    if (process.getuid?.() !== 0) ctx.skip('needs root to give a directory to another user');
    const state = join(dir, 'state');
    mkdirSync(state, { mode: 0o700 });
    chownSync(state, 65534, 65534);
    await expect(StateStore.open(state, { allowReadOnly: true })).rejects.toThrow(/belongs to uid 65534, not to you/);
  });

  it('creates the directory 0700 and its files 0600 under umask 000', async () => {
    const old = process.umask(0);
    try {
      const state = join(dir, 'state');
      const store = await StateStore.open(state, { allowReadOnly: false });
      store.ledger.apply(EVENT);
      await store.commit();
      const exporter = createFileSpanExporter(join(state, 'traces'));
      await exporter.export([]);
      expect(statSync(state).mode & 0o777).toBe(0o700);
      expect(statSync(join(state, 'traces')).mode & 0o777).toBe(0o700);
      const modes = Object.fromEntries(readdirSync(state).filter((n) => n !== 'traces').map((n) => [n.replace(/\d+$/, 'N'), (statSync(join(state, n)).mode & 0o777).toString(8)]));
      expect(modes).toEqual({ 'ledger.ndjson': '600', 'state.json': '600', 'lock.N': '600' });
      expect((statSync(join(state, 'traces', 'traces.jsonl')).mode & 0o777).toString(8)).toBe('600');
      store.close();
    } finally {
      process.umask(old);
    }
  });

  it('never writes through a planted ledger.ndjson or traces.jsonl link, nor reads a planted state.json', async () => {
    const state = join(dir, 'state');
    mkdirSync(state, { mode: 0o700 });
    symlinkSync(victim, join(state, 'ledger.ndjson'));
    const store = await StateStore.open(state, { allowReadOnly: false });
    store.ledger.apply(EVENT);
    await expect(store.commit()).rejects.toThrow(/ledger\.ndjson: refusing to follow a symbolic link \(ELOOP\).*Nothing was lost/);
    store.close();

    mkdirSync(join(state, 'traces'), { mode: 0o700 });
    symlinkSync(victim, join(state, 'traces', 'traces.jsonl'));
    await expect(createFileSpanExporter(join(state, 'traces')).export([])).rejects.toThrow(/ELOOP/);

    const other = join(dir, 'state2');
    mkdirSync(other, { mode: 0o700 });
    symlinkSync(victim, join(other, 'state.json'));
    await expect(StateStore.open(other, { allowReadOnly: false })).rejects.toThrow(/refusing to read .*state\.json: it is a symbolic link/);
    expect(readFileSync(victim, 'utf8')).toBe('precious\n');
  });

  it('replaces a planted link with --reset-state instead of writing through it', async () => {
    const state = join(dir, 'state');
    mkdirSync(state, { mode: 0o700 });
    symlinkSync(victim, join(state, 'ledger.ndjson'));
    const store = await StateStore.open(state, { allowReadOnly: false, reset: true });
    store.close();
    expect(readFileSync(victim, 'utf8')).toBe('precious\n');
  });
});

describe('state lock', () => {
  it('names its holder, and a stale holder is nobody', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ccotel-lock-'));
    try {
      expect(StateLock.holder(dir)).toBeUndefined();
      const lock = StateLock.acquire(dir);
      expect('heldBy' in lock).toBe(false);
      expect(StateLock.holder(dir)).toBe(process.pid);
      (lock as StateLock).release();
      expect(StateLock.holder(dir)).toBeUndefined();
      writeFileSync(join(dir, 'lock.7'), `${deadPid()}\n`);
      expect(StateLock.holder(dir)).toBeUndefined();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('lets exactly one of two processes racing over a stale lock take it, every time', async () => {
    requireBuiltCli();
    const ROUNDS = 300; // the old read-then-unlink takeover let both win in ~1.7% of rounds
    const base = mkdtempSync(join(tmpdir(), 'ccotel-lockrace-'));
    const module = join(REPO, 'dist', 'state', 'lock.js');
    const racers = [0, 1].map(() => spawn(process.execPath, [join(REPO, 'test', 'support', 'lock-racer.mjs'), module], { stdio: ['pipe', 'pipe', 'inherit'] }));
    const lines = racers.map((c) => createInterface({ input: c.stdout })[Symbol.asyncIterator]());
    const next = async (i: number) => (await lines[i]!.next()).value as string;
    const send = (c: ChildProcessWithoutNullStreams | (typeof racers)[number], s: string) => c.stdin!.write(s + '\n');
    try {
      expect(await Promise.all([next(0), next(1)])).toEqual(['ready', 'ready']);
      const dead = deadPid();
      let doubleWins = 0;
      for (let round = 0; round < ROUNDS; round++) {
        const dir = join(base, String(round));
        mkdirSync(dir, { mode: 0o700 });
        // Stale locks as a killed holder leaves them (also the single-file form older versions used).
        writeFileSync(join(dir, 'lock'), `${dead}\n`);
        writeFileSync(join(dir, `lock.${round % 3 + 1}`), `${dead}\n`);
        for (const c of racers) send(c, `go ${dir}`);
        const answers = await Promise.all([next(0), next(1)]);
        const got = answers.filter((a) => a === 'got').length;
        if (got !== 1) doubleWins++;
        expect(got, `round ${round}: ${answers.join(', ')}`).toBe(1);
        const loser = answers.find((a) => a !== 'got')!;
        expect(loser).toBe(`held ${racers[answers.indexOf('got')]!.pid}`);
        for (const c of racers) send(c, 'release');
        expect(await Promise.all([next(0), next(1)])).toEqual(['released', 'released']);
      }
      expect(doubleWins).toBe(0);
    } finally {
      for (const c of racers) c.stdin!.end();
      rmSync(base, { recursive: true, force: true });
    }
  });
});
