// A cold read with a worker thread reading ahead (src/sources/read-pool.ts, used by
// IngestManager.syncAll with CCOTEL_WORKERS=1) must give exactly what the single-threaded read gives:
// the generator's totals, the same checkpoints (lines, malformed lines per file) and the same
// warnings in the same order. CCOTEL_WORKERS=0 keeps everything on the main thread.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateHistory, type Expected } from './support/history-generator.js';
import { cliEnv, reportDiffs, reportVsReport, requireBuiltCli, statsArgs } from './support/ccotel-cli.js';

const run = promisify(execFile);

interface Cold {
  report: any;
  warnings: string[];
  files: Record<string, { offset: number; lines: number; malformed: number; oversized: number }>;
}

describe('cold read with a worker thread reading ahead', () => {
  let dir: string;
  let root: string;
  let exp: Expected;

  beforeAll(() => {
    requireBuiltCli();
    dir = mkdtempSync(join(tmpdir(), 'ccotel-workers-'));
    root = join(dir, 'claude');
    exp = generateHistory(root, { sessions: 24, seed: 7070, faults: true, targetBytes: 12e6, shape: 'heavy', dropSubagentFiles: 0.2 });
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function cold(workers: '0' | '1'): Promise<Cold> {
    const state = join(dir, `state-${workers}`);
    rmSync(state, { recursive: true, force: true });
    const { stdout, stderr } = await run(process.execPath, statsArgs(root, state, ['--log-level', 'debug']), { maxBuffer: 256 << 20, env: { ...cliEnv(), CCOTEL_WORKERS: workers } });
    // The program users run (dist/bin/) must find its worker script: without it the read silently
    // stays on one thread, and this test would compare the single-threaded read with itself.
    expect(stderr.includes('a worker thread reads ahead'), stderr.slice(0, 2000)).toBe(workers === '1');
    const saved = JSON.parse(readFileSync(join(state, 'state.json'), 'utf8')) as { files: Cold['files'] };
    const files: Cold['files'] = {};
    for (const [path, cp] of Object.entries(saved.files)) files[path] = { offset: cp.offset, lines: cp.lines, malformed: cp.malformed, oversized: cp.oversized };
    return { report: JSON.parse(stdout), warnings: stderr.split('\n').filter((l) => l.startsWith('warn')), files };
  }

  it('gives the generator totals, checkpoints and warnings of the single-threaded read', async () => {
    const single = await cold('0');
    const pooled = await cold('1');
    expect(reportDiffs(single.report, exp)).toEqual([]);
    expect(reportDiffs(pooled.report, exp)).toEqual([]);
    expect(reportVsReport(single.report, pooled.report)).toEqual([]);
    // Every line was read once, and the faults were found in the same places.
    const sum = (c: Cold, k: 'lines' | 'malformed') => Object.values(c.files).reduce((a, f) => a + f[k], 0);
    expect(sum(pooled, 'lines')).toBe(exp.input.lines);
    expect(sum(pooled, 'malformed')).toBe(exp.malformedLines);
    expect(pooled.files).toEqual(single.files);
    expect(pooled.warnings.length).toBeGreaterThan(0);
    expect(pooled.warnings).toEqual(single.warnings);
  });
});
