// The read pool (src/sources/read-pool.ts) on its own, from the built files (a worker runs built
// JavaScript): a slice read by the worker equals the slice read on this thread; a job the worker
// has not started is taken back; a dead worker leaves nothing waiting forever.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateHistory, listJsonl } from './support/history-generator.js';
import { REPO, requireBuiltCli } from './support/ccotel-cli.js';
import type { FileCheckpoint } from '../src/sources/checkpoint.js';
import type { ReadPool as Pool } from '../src/sources/read-pool.js';
import type { FileReader as Reader, ReaderOptions } from '../src/sources/file-reader.js';

const log = { debug() {}, info() {}, warn() {}, error() {} };
const opts: ReaderOptions = { maxLineBytes: 64 << 20, sliceBytes: 32 << 20 };

describe('read pool', () => {
  let dir: string;
  let files: string[];
  let ReadPool: typeof Pool;
  let FileReader: typeof Reader;

  beforeAll(async () => {
    requireBuiltCli();
    dir = mkdtempSync(join(tmpdir(), 'ccotel-pool-'));
    generateHistory(dir, { sessions: 6, seed: 99, faults: true, shape: 'heavy' });
    files = listJsonl(dir);
    ({ ReadPool } = (await import(join(REPO, 'dist', 'sources', 'read-pool.js'))) as { ReadPool: typeof Pool });
    ({ FileReader } = (await import(join(REPO, 'dist', 'sources', 'file-reader.js'))) as { FileReader: typeof Reader });
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const fresh = (): FileCheckpoint => ({ dev: 0, ino: 0, size: 1 << 30, mtimeMs: 0, offset: 0, lines: 0, malformed: 0, oversized: 0, fp: '', fpLen: 0, sinks: {} });
  const file = (path: string) => ({ path, hints: { sessionId: 'hint' } });

  it('a slice the worker read equals the slice read here, warnings and bad-line notes included', async () => {
    const pool = ReadPool.start(opts, 1)!;
    expect(pool).toBeDefined();
    try {
      const jobs = files.map((p) => ({ p, job: pool.read(file(p), fresh(), 0) }));
      let warned = 0;
      for (const { p, job } of jobs) {
        // Taken only once the worker has it (an open job would be taken back): waited for, with a deadline.
        const deadline = Date.now() + 20_000;
        while (!job.started() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
        const warnings: string[] = [];
        const here = await new FileReader({ ...log, warn: (m: string) => warnings.push(m) }, opts).readSlice(file(p), fresh(), 0);
        const there = await job.take()!;
        expect(there.slice).toEqual(here);
        expect(there.warnings).toEqual(warnings);
        warned += warnings.length + (here.badLine === undefined ? 0 : 1);
      }
      expect(warned).toBeGreaterThan(0); // the generated faults (malformed lines) were among them
      expect(jobs.some(({ p }) => p.includes('subagents'))).toBe(true);
    } finally {
      await pool.close();
    }
  });

  it('a job the worker has not started is taken back, and the worker then skips it', async () => {
    const pool = ReadPool.start(opts, 1)!;
    try {
      // Taken in the same tick it was queued, while the new worker is still starting up.
      const job = pool.read(file(files[0]!), fresh(), 0);
      expect(job.take()).toBeUndefined();
      // The worker goes on with later jobs.
      const next = pool.read(file(files[1]!), fresh(), 0);
      const deadline = Date.now() + 20_000;
      while (!next.started() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
      const read = await next.take();
      expect(read?.slice.lines.length).toBeGreaterThan(0);
    } finally {
      await pool.close();
    }
  });

  it('closing the pool fails what the worker held, so nothing waits forever', async () => {
    const pool = ReadPool.start(opts, 1)!;
    const jobs = files.map((p) => pool.read(file(p), fresh(), 0));
    await pool.close();
    for (const j of jobs) {
      const pending = j.take();
      if (pending) await pending.then(
        () => undefined,
        (err: Error) => expect(err.message).toMatch(/closed|exited/),
      );
    }
  });
});
