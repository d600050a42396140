// With default settings: `stats` reads a history (the ledger's offsets reach each transcript's end,
// the sinks' stay at 0), the transcripts grow, and `backfill` catches the sinks up on the bytes the
// ledger has, committing before it reads the new ones (ingest/manager.ts readNew). A run that ends
// right after such a commit (here: SIGKILL at the next commit's state write) has saved a checkpoint
// inside the file; the next backfill must still read the new bytes. Truth: the generator's Expected.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDir, useCleanups } from './support/temp.js';
import { reportDiffs, requireBuiltCli, runStats } from './support/ccotel-cli.js';
import { HistoryGenerator, listJsonl, scanTranscript } from './support/history-generator.js';
import { runCli, type CliResult } from './support/cli-process.js';

useCleanups();

/** `ccotel backfill` with no collector, to its end: its exit and what it printed (stdout, then stderr). */
async function backfill(root: string, state: string, env: NodeJS.ProcessEnv = {}): Promise<CliResult & { output: string }> {
  const r = await runCli(['backfill', '--claude-dir', root, '--state-dir', state, '--timezone', 'UTC'], { OTEL_EXPORTER_OTLP_ENDPOINT: '', ...env });
  return { ...r, output: r.stdout + r.stderr };
}

describe('a backfill killed after catching the sinks up on a grown transcript', () => {
  beforeAll(() => requireBuiltCli());

  it('reads the new bytes on the next run', async () => {
    const root = await tempDir('root');
    const gen = new HistoryGenerator(root, { sessions: 6, seed: 2024 });
    gen.generate();
    const state = await tempDir('state');
    await runStats(root, state);
    const exp = gen.appendMore({ sessions: 6, turns: 4 });

    // The first commit is the first grown file's catch-up; the second one's state write is killed.
    const killed = await backfill(root, state, { CCOTEL_TEST_FAULT: 'commit.state@2' });
    expect(killed.signal, killed.output).toBe('SIGKILL');
    const again = await backfill(root, state);
    expect(again.code, again.output).toBe(0);

    const s = JSON.parse(readFileSync(join(state, 'state.json'), 'utf8')) as { files: Record<string, { offset: number }> };
    for (const f of listJsonl(root)) {
      const buf = readFileSync(f);
      expect(s.files[f]?.offset, f).toBe(buf.length - scanTranscript(buf).tornBytes);
    }
    expect(reportDiffs((await runStats(root, state)).report, exp)).toEqual([]);
  }, 120_000);
});
