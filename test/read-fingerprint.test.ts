// A file read for the first time gets its fingerprint from the bytes the reader reads from offset 0
// (no separate open and read): it must equal fingerprint() of the file, for short files (fewer bytes
// than FINGERPRINT_BYTES, empty, a torn first line) and long ones, and a replaced file must still be
// told from an appended one.
import { appendFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileReader } from '../src/sources/file-reader.js';
import { fingerprint, FINGERPRINT_BYTES } from '../src/sources/file-identity.js';
import { silentLogger } from '../src/log.js';
import { generateHistory, listJsonl } from './support/history-generator.js';
import { reportDiffs, requireBuiltCli, runStats } from './support/ccotel-cli.js';
import { tempDir, useCleanups } from './support/temp.js';

useCleanups();

const line = (i: number) => JSON.stringify({ type: 'user', sessionId: 's', timestamp: '2026-01-05T10:00:00.000Z', uuid: `u${i}`, message: { role: 'user', content: `prompt ${i} ${'x'.repeat(i * 37)}` } }) + '\n';

describe('the fingerprint read with the first slice', () => {
  it('equals fingerprint() of the file, short, empty, torn or long, with small slices too', async () => {
    const dir = await tempDir('fp');
    const contents: Array<[string, string]> = [
      ['empty', ''],
      ['one short line', line(1)],
      ['a torn first line', line(2).slice(0, 30)],
      ['exactly FINGERPRINT_BYTES', 'y'.repeat(FINGERPRINT_BYTES - 1) + '\n'],
      ['many lines', Array.from({ length: 200 }, (_, i) => line(i)).join('')],
    ];
    for (const sliceBytes of [32 << 20, 700]) {
      const reader = new FileReader(silentLogger, { maxLineBytes: 1 << 20, sliceBytes });
      for (const [what, text] of contents) {
        const path = join(dir, `${what.replace(/\W/g, '-')}-${sliceBytes}.jsonl`);
        writeFileSync(path, text);
        const plan = await reader.plan(path, undefined);
        expect(plan.kind).toBe('read');
        if (plan.kind !== 'read') continue;
        let cp = plan.cp;
        let pos = 0;
        for (let k = 0; k < 1000; k++) {
          const slice = await reader.readSlice({ path, hints: { sessionId: 's' } }, cp, pos);
          cp = slice.next;
          if (slice.end === pos || !slice.more) break;
          pos = slice.end;
        }
        expect({ what, fp: cp.fp, fpLen: cp.fpLen }).toEqual({ what, ...(await fingerprint(path, FINGERPRINT_BYTES)) });
        expect(cp.fpLen).toBe(Math.min(FINGERPRINT_BYTES, Buffer.byteLength(text)));
      }
    }
  });

  it('through `ccotel stats`: every checkpoint holds its file\'s fingerprint; appended, replaced and rewritten files count exactly', async () => {
    requireBuiltCli();
    const dir = await tempDir('fp-cli');
    const root = join(dir, 'claude');
    const state = join(dir, 'state');
    const exp = generateHistory(root, { sessions: 10, seed: 5, faults: true });
    const first = await runStats(root, state);
    expect(reportDiffs(first.report, exp)).toEqual([]);
    const files = JSON.parse(readFileSync(join(state, 'state.json'), 'utf8')).files as Record<string, { fp: string; fpLen: number }>;
    const paths = listJsonl(root);
    expect(Object.keys(files).sort()).toEqual([...paths].sort());
    for (const p of paths) expect({ p, fp: files[p]!.fp, fpLen: files[p]!.fpLen }).toEqual({ p, ...(await fingerprint(p, FINGERPRINT_BYTES)) });

    // A file replaced by a copy of itself (same bytes; the inode may be reused) adds nothing; one
    // rewritten with different first bytes is read again from 0 and counted once; a file appended
    // to is read on from its offset.
    const [a, b] = paths.filter((p) => !p.includes('subagents'));
    const bytesA = readFileSync(a!);
    rmSync(a!);
    writeFileSync(a!, bytesA);
    const again = await runStats(root, state);
    expect(reportDiffs(again.report, exp)).toEqual([]);
    const bytesB = readFileSync(b!);
    writeFileSync(b!, Buffer.concat([Buffer.from(line(9999).replace('"s"', '"other-session"')), bytesB]));
    const third = await runStats(root, state);
    expect(third.stderr).toContain(`${b} was replaced`);
    // The prompt before the old first line is new; everything else was counted before.
    expect(third.report.prompts).toBe(exp.prompts + 1);
    expect(third.report.tokens).toEqual(exp.tokens);
    const after = JSON.parse(readFileSync(join(state, 'state.json'), 'utf8')).files as Record<string, { fp: string; fpLen: number }>;
    for (const p of [a!, b!]) expect({ fp: after[p]!.fp, fpLen: after[p]!.fpLen }).toEqual(await fingerprint(p, FINGERPRINT_BYTES));
    appendFileSync(b!, line(10000).replace('"s"', '"other-session"'));
    const fourth = await runStats(root, state);
    expect(fourth.stderr).not.toContain('was replaced');
    expect(fourth.report.prompts).toBe(exp.prompts + 2);
  }, 120_000);
});
