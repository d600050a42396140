// The watcher's `ready`: `ccotel run` keeps V8's small-heap hint until the watcher's first walk is
// done (src/ingest/heap.ts), so `ready` must come only after every file was walked and reported,
// must come at all when there is no folder to walk, and must not hang a close().
import { appendFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveRoots } from '../src/sources/roots.js';
import { listTranscripts } from '../src/sources/transcript-files.js';
import { watchTranscripts } from '../src/sources/watcher.js';
import { silentLogger } from '../src/log.js';
import { waitFor } from './support/wait.js';

/** `p` settles within `ms`, else the test fails naming `what`. */
async function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} not within ${ms} ms`)), ms)));
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

describe('watcher ready', () => {
  it('resolves after the first walk reported every transcript, and the watcher then follows appends', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ccotel-ready-'));
    const projects = join(dir, 'claude', 'projects');
    const files = [join(projects, 'p1', 's1.jsonl'), join(projects, 'p1', 's1', 'subagents', 'agent-a1.jsonl'), join(projects, 'p2', 's2.jsonl')];
    for (const f of files) {
      mkdirSync(join(f, '..'), { recursive: true });
      writeFileSync(f, '{}\n');
    }
    const roots = resolveRoots([join(dir, 'claude')]);
    expect((await listTranscripts(roots)).map((f) => f.path).sort()).toEqual([...files].sort());
    const seen: string[] = [];
    const w = watchTranscripts(roots, silentLogger, (f) => seen.push(f.path), { rescanMs: 60_000 });
    try {
      await within(w.ready, 10_000, 'watcher ready');
      // The rescan that ends the walk reports every file (the periodic one is a minute away).
      expect(new Set(seen)).toEqual(new Set(files));
      const before = seen.length;
      const sub = files[1]!;
      appendFileSync(sub, '{}\n');
      await waitFor(() => (seen.slice(before).includes(sub) ? true : undefined), { timeoutMs: 10_000, what: 'append reported after ready' });
    } finally {
      await w.close();
    }
  });

  it('resolves when no projects folder exists yet', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ccotel-ready-none-'));
    const w = watchTranscripts(resolveRoots([join(dir, 'claude')]), silentLogger, () => {}, { rescanMs: 60_000 });
    try {
      await within(w.ready, 5_000, 'watcher ready without a folder');
    } finally {
      await w.close();
    }
  });

  it('resolves at close, even before the walk ended', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ccotel-ready-close-'));
    mkdirSync(join(dir, 'claude', 'projects', 'p'), { recursive: true });
    const w = watchTranscripts(resolveRoots([join(dir, 'claude')]), silentLogger, () => {}, { rescanMs: 60_000 });
    await w.close();
    await within(w.ready, 5_000, 'watcher ready after close');
  });

  it('before chokidar has walked the folders, an append and a new file are still reported within seconds (startup passes)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ccotel-ready-slow-'));
    const projects = join(dir, 'claude', 'projects');
    const old = join(projects, 'p1', 's1.jsonl');
    const idle = join(projects, 'p1', 's0.jsonl');
    mkdirSync(join(old, '..'), { recursive: true });
    writeFileSync(old, '{}\n');
    writeFileSync(idle, '{}\n');
    const seen: string[] = [];
    // chokidar starts a minute late, as its first walk of a large history can take that long; the
    // periodic full rescan is a minute away too: only the startup passes can report these.
    const w = watchTranscripts(resolveRoots([join(dir, 'claude')]), silentLogger, (f) => seen.push(f.path), { rescanMs: 60_000, startupRescanMs: 200, watchDelayMs: 60_000 });
    try {
      await new Promise((r) => setTimeout(r, 500)); // the first pass has learnt the files
      appendFileSync(old, '{}\n');
      const created = join(projects, 'p2', 's2.jsonl');
      mkdirSync(join(created, '..'), { recursive: true });
      writeFileSync(created, '{}\n');
      await waitFor(() => (seen.includes(old) && seen.includes(created) ? true : undefined), { timeoutMs: 5_000, what: 'the append and the new file reported before the walk' });
      // Only what changed: the untouched file is not reported again and again.
      await new Promise((r) => setTimeout(r, 600));
      expect(seen.filter((p) => p === idle), JSON.stringify(seen)).toEqual([]);
    } finally {
      await w.close();
    }
  });
});
