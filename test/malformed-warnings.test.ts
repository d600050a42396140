// A cold read of a history with many damaged files names the first few (file and line, as before)
// and sums up the rest in one line, instead of one warning per file. The counts are unchanged: every
// malformed line is still counted (the generator's own tally, and each file's count from its bytes).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HistoryGenerator, listJsonl, scanTranscript } from './support/history-generator.js';
import { reportDiffs, requireBuiltCli, runStats } from './support/ccotel-cli.js';
import { tempDir, useCleanups } from './support/temp.js';
import { BAD_FILES_SHOWN } from '../src/ingest/manager.js';

useCleanups();

describe('warnings about malformed lines during a read of history', () => {
  it('names the first files with a bad line, then one summary line; every bad line still counted', async () => {
    requireBuiltCli();
    const dir = await tempDir('bad-warn');
    const root = join(dir, 'claude');
    const exp = new HistoryGenerator(root, { sessions: 40, seed: 7, faults: true }).generate();
    // Which files hold a malformed line, from their bytes (strict UTF-8 + JSON.parse per line).
    const damaged = listJsonl(root).filter((f) => scanTranscript(readFileSync(f)).malformed > 0);
    expect(damaged.length).toBeGreaterThan(BAD_FILES_SHOWN + 2);

    const { report, stderr } = await runStats(root, join(dir, 'state'));
    expect(reportDiffs(report, exp)).toEqual([]);
    expect(report.input.malformedLines).toBe(exp.input.malformedLines);

    const lines = stderr.split('\n').filter(Boolean);
    const named = lines.filter((l) => l.includes('skipping malformed line'));
    expect(named).toHaveLength(BAD_FILES_SHOWN);
    // Each names a damaged file (path:line), no file twice.
    const files = named.map((l) => /^warn: (.+\.jsonl):\d+: skipping/.exec(l)?.[1]);
    for (const f of files) expect(damaged).toContain(f);
    expect(new Set(files).size).toBe(BAD_FILES_SHOWN);
    const summary = lines.filter((l) => l.includes('more transcript files have malformed lines'));
    expect(summary).toEqual([expect.stringMatching(new RegExp(`^warn: ${damaged.length - BAD_FILES_SHOWN} more transcript files have malformed lines`))]);

    // A warm re-run reads nothing again: no warnings at all, same counts.
    const again = await runStats(root, join(dir, 'state'));
    expect(again.stderr).not.toMatch(/malformed/);
    expect(again.report.input.malformedLines).toBe(exp.input.malformedLines);
  }, 120_000);
});
