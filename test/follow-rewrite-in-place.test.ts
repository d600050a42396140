// A transcript rewritten in place (same inode: truncated and written again) with the same first
// bytes and at least as long as what was read, while `ccotel run` follows it, and again while it is
// stopped. Its size never drops below the checkpoint and its fingerprint (first 1 KB) holds, so only
// the bytes before the checkpoint's offset tell it from an append: read on from there, the new lines
// written before that offset would be lost. Truth: the history generator's Expected (replaceSession
// computes it for the new content; the file is then written over the old one instead of renamed).
import { cpSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { HistoryGenerator, listJsonl, type Expected } from './support/history-generator.js';
import { reportDiffs, requireBuiltCli, runStats } from './support/ccotel-cli.js';
import { startFollowing } from './support/cli-process.js';
import { tempDir, useCleanups } from './support/temp.js';
import { waitFor } from './support/wait.js';

useCleanups();

/** Copies files the generator created in `shadow` (a new turn's subagent transcripts) that `live` lacks. */
function copyNew(shadow: string, live: string): void {
  for (const f of listJsonl(shadow)) {
    const to = join(live, relative(shadow, f));
    if (existsSync(to)) continue;
    mkdirSync(dirname(to), { recursive: true });
    writeFileSync(to, readFileSync(f));
  }
}

/** Writes the generator's new content of a main transcript over the live one: same inode, O_TRUNC. */
function rewriteInPlace(gen: HistoryGenerator, shadow: string, live: string, index: number): Expected {
  const src = gen.sessionPaths()[index]!;
  const to = join(live, relative(shadow, src));
  const before = statSync(to);
  const exp = gen.replaceSession(index, 8);
  const now = readFileSync(src);
  // The premise: longer than what was read, same first KB (the fingerprint), same file.
  expect(now.length).toBeGreaterThan(before.size);
  expect(now.subarray(0, 1024).equals(readFileSync(to).subarray(0, 1024))).toBe(true);
  writeFileSync(to, now);
  expect(statSync(to).ino).toBe(before.ino);
  copyNew(shadow, live);
  return exp;
}

/** `ccotel stats` (the daemon's answer while it runs) until it equals Expected; the last differences otherwise. */
async function differences(root: string, state: string, exp: Expected): Promise<string[]> {
  let diffs: string[] = [];
  await waitFor(async () => {
    diffs = reportDiffs((await runStats(root, state)).report, exp);
    return diffs.length === 0 ? true : undefined;
  }, { timeoutMs: 15_000, intervalMs: 500, what: 'stats equal to Expected' }).catch(() => {});
  return diffs;
}

describe('a transcript rewritten in place with the same first bytes', () => {
  beforeAll(() => requireBuiltCli());

  it('is read again from the start, while followed and while stopped, and nothing is lost or counted twice', async () => {
    const shadow = await tempDir('shadow');
    const root = await tempDir('live');
    const state = await tempDir('state');
    const gen = new HistoryGenerator(shadow, { sessions: 6, seed: 5 });
    let exp = gen.generate();
    cpSync(shadow, root, { recursive: true });
    let d = await startFollowing(root, state);
    expect(await differences(root, state, exp), 'backfill').toEqual([]);

    exp = rewriteInPlace(gen, shadow, root, 2);
    expect(await differences(root, state, exp), 'rewritten while followed').toEqual([]);
    expect(d.stderr).toMatch(/was replaced; reading it again from the start/);

    d.child.kill('SIGTERM');
    expect((await d.done).code, d.stderr).toBe(0);
    exp = rewriteInPlace(gen, shadow, root, 4);
    d = await startFollowing(root, state);
    expect(await differences(root, state, exp), 'rewritten while stopped').toEqual([]);
    d.child.kill('SIGTERM');
    expect((await d.done).code, d.stderr).toBe(0);
    // And from the state alone (no daemon to ask).
    expect(reportDiffs((await runStats(root, state)).report, exp)).toEqual([]);
  }, 180_000);
});
