// A real full filesystem (a 256 KiB tmpfs; needs root, skipped with the reason otherwise): `ccotel
// stats` with the state directory on it fails with one line naming the state path, saying nothing was
// lost and what to do, exits non-zero and leaves no temp file; once space is freed the next run
// reports the generator's exact totals, also when the failed run had new lines to commit.
import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HistoryGenerator, type Expected } from './support/history-generator.js';
import { cliEnv, reportDiffs, requireBuiltCli, statsArgs } from './support/ccotel-cli.js';

const execFileAsync = promisify(execFile);
const KiB = 1024;

describe('state directory on a full filesystem', () => {
  let dir: string;
  let mnt: string;
  let mounted: string | undefined; // why not, when not
  let gen: HistoryGenerator;
  let exp: Expected;

  beforeAll(() => {
    requireBuiltCli();
    dir = mkdtempSync(join(tmpdir(), 'ccotel-fulldisk-'));
    mnt = join(dir, 'fs');
    mkdirSync(mnt);
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=256k', 'tmpfs', mnt], { stdio: 'pipe' });
    } catch (err) {
      mounted = `cannot mount a tmpfs here (${(err as Error).message.split('\n')[0]})`;
    }
    gen = new HistoryGenerator(join(dir, 'claude'), { sessions: 6, seed: 7, faults: true, targetBytes: 3e6 });
    exp = gen.generate();
  });
  afterAll(() => {
    if (!dir) return;
    if (mounted === undefined) execFileSync('umount', [mnt]);
    rmSync(dir, { recursive: true, force: true });
  });

  async function stats(state: string): Promise<{ code: number; stdout: string; stderr: string }> {
    try {
      const { stdout, stderr } = await execFileAsync(process.execPath, statsArgs(join(dir, 'claude'), state), { env: cliEnv(), maxBuffer: 64 << 20 });
      return { code: 0, stdout, stderr };
    } catch (err) {
      const e = err as { code: number; stdout: string; stderr: string };
      return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  }

  /** Leaves about `free` bytes free on the tmpfs. */
  function fill(free: number): void {
    const avail = Number(execFileSync('df', ['--output=avail', '-B1', mnt], { encoding: 'utf8' }).trim().split('\n')[1]);
    writeFileSync(join(mnt, 'filler'), Buffer.alloc(Math.max(0, avail - free)));
  }
  const unfill = () => rmSync(join(mnt, 'filler'), { force: true });

  function expectOneLineFailure(r: { code: number; stderr: string }, state: string, file = state, readOnly = false): void {
    expect(r.code).not.toBe(0);
    // Warnings about the transcripts (malformed lines the generator wrote) may come first.
    const lines = r.stderr.trim().split('\n').filter((l) => !l.startsWith('warn: '));
    expect(lines, r.stderr).toHaveLength(1);
    expect(lines[0]).toMatch(/^ccotel: cannot write /);
    expect(lines[0]).toContain(file);
    expect(lines[0]).toContain(readOnly ? 'read-only filesystem' : 'no space left on device');
    expect(lines[0]).toContain('Nothing was lost');
    expect(lines[0]).toContain(readOnly ? 'make' : 'free some space');
    expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
    expect(readdirSync(state).filter((n) => n.endsWith('.tmp') || n.endsWith('.compact'))).toEqual([]);
  }

  // 0: not even the lock's pid fits; 40 KiB: the ledger write is cut short; 'ledger': the ledger
  // fits (measured on a normal disk, rounded up to pages) but state.json does not.
  for (const room of [0, 40 * KiB, 'ledger'] as const) {
    it(`fails cleanly with ${room === 'ledger' ? 'room for the ledger only' : `${room / KiB} KiB free`}, then counts exactly once space is back`, async (ctx) => {
      if (mounted !== undefined) ctx.skip(mounted);
      let free = room as number;
      if (room === 'ledger') {
        const ref = join(dir, 'ref-state');
        expect((await stats(ref)).code).toBe(0);
        const blocks = (name: string): number => Math.ceil(statSync(join(ref, name)).size / (4 * KiB)) * 4 * KiB;
        // The ledger and the fold saved with it fit (the fold's first, empty snapshot is replaced
        // atomically: one more block while both exist); state.json, written last, does not.
        free = blocks('ledger.ndjson') + blocks('fold.json') + 4 * KiB /* first fold.json */ + 4 * KiB /* lock */ + 2 * KiB;
        expect(statSync(join(ref, 'state.json')).size).toBeGreaterThan(4 * KiB);
      }
      const state = join(mnt, `state-${room}`);
      fill(free);
      let r;
      try {
        r = await stats(state);
      } finally {
        unfill();
      }
      expectOneLineFailure(r, state, room === 'ledger' ? join(state, 'state.json') : state);
      const ok = await stats(state);
      expect(ok.code, ok.stderr).toBe(0);
      expect(reportDiffs(JSON.parse(ok.stdout), exp)).toEqual([]);
      rmSync(state, { recursive: true, force: true });
    });
  }

  it('keeps new lines pending when their commit fails and counts them once after', async (ctx) => {
    if (mounted !== undefined) ctx.skip(mounted);
    const state = join(mnt, 'state-warm');
    const first = await stats(state);
    expect(first.code, first.stderr).toBe(0);
    expect(reportDiffs(JSON.parse(first.stdout), exp)).toEqual([]);
    const more = gen.appendMore({ sessions: 4, turns: 3, newSessions: 1 });
    fill(8 * KiB);
    let r;
    try {
      r = await stats(state);
    } finally {
      unfill();
    }
    expectOneLineFailure(r, state);
    const ok = await stats(state);
    expect(ok.code, ok.stderr).toBe(0);
    expect(reportDiffs(JSON.parse(ok.stdout), more)).toEqual([]);
    rmSync(state, { recursive: true, force: true });
  });

  it('reports a read-only state directory in one line, then works once it is writable', async (ctx) => {
    if (mounted !== undefined) ctx.skip(mounted);
    const state = join(mnt, 'state-ro');
    const first = await stats(state);
    expect(first.code, first.stderr).toBe(0);
    const more = gen.appendMore({ sessions: 2, turns: 2 });
    execFileSync('mount', ['-o', 'remount,ro', mnt]);
    let r;
    try {
      r = await stats(state);
    } finally {
      execFileSync('mount', ['-o', 'remount,rw', mnt]);
    }
    expectOneLineFailure(r, state, state, true);
    const ok = await stats(state);
    expect(ok.code, ok.stderr).toBe(0);
    expect(reportDiffs(JSON.parse(ok.stdout), more)).toEqual([]);
  });
});
