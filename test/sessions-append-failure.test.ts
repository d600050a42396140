// A sessions-index append that fails (here: its text journal is a folder, EISDIR; a full disk or a
// read-only folder behaves the same) must not let the checkpoints move past the lines whose rows it
// could not write: the index keeps its own read position per file (ingest/manager.ts), and once
// state.json names it, those lines are never handed to the index again. Truth: the keyed rows of the
// same history indexed by one backfill that never failed.
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmdirSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDir, useCleanups } from './support/temp.js';
import { CLI, cliEnv, requireBuiltCli } from './support/ccotel-cli.js';
import { generateHistory } from './support/history-generator.js';
import { keyedIndexRows } from './support/state-files.js';
import { runCli, type CliResult } from './support/cli-process.js';

useCleanups();


/** `ccotel backfill` with no collector, to its end: its exit and what it printed (stdout, then stderr). */
async function backfill(root: string, state: string, env: NodeJS.ProcessEnv = {}): Promise<CliResult & { output: string }> {
  const r = await runCli(['backfill', '--claude-dir', root, '--state-dir', state, '--timezone', 'UTC'], { OTEL_EXPORTER_OTLP_ENDPOINT: '', ...env });
  return { ...r, output: r.stdout + r.stderr };
}

/** `ccotel sessions --json`: the listing a user sees (a listing row lost would drop its session). */
function listing(root: string, state: string): unknown {
  const args = [CLI, 'sessions', '--json', '-n', '1000', '--timezone', 'UTC', '--claude-dir', root, '--state-dir', state];
  return JSON.parse(execFileSync(process.execPath, args, { env: cliEnv(), encoding: 'utf8', maxBuffer: 64 << 20 }));
}

describe('a sessions index append that fails', () => {
  beforeAll(() => requireBuiltCli());

  // text.ndjson: the text append fails (tool output's journal takes its rows); meta.ndjson: both text
  // journals take theirs and the listing's fails. Neither journal may get a row twice.
  for (const [journal, overlap] of [['text.ndjson', '0'], ['text.ndjson', '1'], ['meta.ndjson', '0'], ['meta.ndjson', '1']]) {
    it(`leaves the rows of ${journal} to the next run (CCOTEL_COMMIT_OVERLAP=${overlap})`, async () => {
      const root = await tempDir('root');
      generateHistory(root, { sessions: 12, seed: 31 });
      const env = { CCOTEL_COMMIT_OVERLAP: overlap };

      const refState = await tempDir('ref-state');
      const ref = await backfill(root, refState, env);
      expect(ref.code, ref.output).toBe(0);
      const want = keyedIndexRows(refState);
      expect(want.length).toBeGreaterThan(50);
      expect(JSON.stringify(listing(root, refState)).split('"sessionId"').length - 1).toBe(12);

      const state = await tempDir('state');
      const failing = join(state, 'sessions', journal!);
      mkdirSync(failing, { recursive: true, mode: 0o700 }); // every append to it fails (EISDIR)
      const failed = await backfill(root, state, env);
      expect(failed.code, failed.output).not.toBe(0);
      expect(failed.output).toMatch(/EISDIR/);
      // One line naming the journal, as for the ledger: a full disk is not an internal error.
      expect(failed.output).toContain(`cannot write ${failing}`);
      expect(failed.output).not.toMatch(/internal error/);

      rmdirSync(failing);
      const again = await backfill(root, state, env);
      expect(again.code, again.output).toBe(0);
      expect(keyedIndexRows(state)).toEqual(want);
      expect(listing(root, state)).toEqual(listing(root, refState));
    }, 120_000);
  }

  it('has --rebuild drop the rows it saved (the re-read brings them back once)', async () => {
    const root = await tempDir('root');
    generateHistory(root, { sessions: 6, seed: 32 });
    const refState = await tempDir('ref-state');
    expect((await backfill(root, refState)).code).toBe(0);
    const want = keyedIndexRows(refState);
    expect(want.length).toBeGreaterThan(20);

    const state = await tempDir('state');
    const failing = join(state, 'sessions', 'text.ndjson');
    mkdirSync(failing, { recursive: true, mode: 0o700 });
    expect((await backfill(root, state)).code).not.toBe(0);
    rmdirSync(failing);
    const args = [CLI, 'sessions', '--rebuild', '--json', '--timezone', 'UTC', '--claude-dir', root, '--state-dir', state];
    execFileSync(process.execPath, args, { env: cliEnv(), encoding: 'utf8', maxBuffer: 64 << 20 });
    expect(keyedIndexRows(state)).toEqual(want);
  }, 120_000);
});
