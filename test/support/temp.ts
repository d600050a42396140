// Per-test cleanup: temporary folders, child processes, servers. A test file calls
// useCleanups() once at its top level; cleanups then run after each test, newest first.
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';

const cleanups: Array<() => Promise<void>> = [];

export function useCleanups(): void {
  afterEach(async () => {
    while (cleanups.length) await cleanups.pop()!().catch(() => {});
  });
}

/** Runs after the current test (see useCleanups). */
export function onCleanup(fn: () => Promise<void> | void): void {
  cleanups.push(async () => void (await fn()));
}

/** A temporary folder removed after the current test. */
export async function tempDir(prefix: string): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), `ccotel-${prefix}-`));
  onCleanup(() => rm(d, { recursive: true, force: true }));
  return d;
}

/** A port that was free a moment ago (the caller retries if someone takes it first). */
export function probablyFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}
