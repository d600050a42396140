// `ccotel stats` against a generated history whose totals were computed independently
// (test/support/history-generator.ts): every field must match exactly (cost to 1e-9 relative),
// through appends, a completed torn line, warm re-runs, --reset-state, truncation and replacement.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HistoryGenerator, listJsonl, scanTranscript, type Expected } from './support/history-generator.js';
import { reportDiffs, reportVsReport, requireBuiltCli, runStats } from './support/ccotel-cli.js';

describe('ccotel stats: exact totals on a generated history', () => {
  let dir: string;
  let root: string;
  let state: string;
  let gen: HistoryGenerator;
  let exp: Expected;

  beforeAll(() => {
    requireBuiltCli();
    dir = mkdtempSync(join(tmpdir(), 'ccotel-exact-'));
    root = join(dir, 'claude');
    state = join(dir, 'state');
    gen = new HistoryGenerator(root, { sessions: 14, seed: 20260105, faults: true, targetBytes: 24e6 });
    exp = gen.generate();
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('generates the edge cases the test is meant to cover', () => {
    expect(Object.keys(exp.models)).toEqual(expect.arrayContaining(['<synthetic>', 'claude-experimental-x', 'claude-haiku-4-5-20251001', 'claude-opus-4-6', 'claude-sonnet-4-5-20250929']));
    expect(exp.input.unpricedModels).toEqual(['claude-experimental-x']);
    expect(exp.apiErrors).toBeGreaterThan(0);
    expect(exp.subagents).toBeGreaterThan(exp.sessions);
    expect(exp.compactions).toBeGreaterThan(0);
    expect(exp.tornLines).toBeGreaterThan(0);
    expect(exp.malformedLines).toBeGreaterThanOrEqual(5);
    expect(exp.quality.repeatedReads.length).toBeGreaterThan(0);
    expect(exp.quality.failingCommands.length).toBeGreaterThan(0);
    expect(exp.quality.mostEdited.length).toBeGreaterThan(0);
    expect(exp.tools.Bash!.errors).toBeGreaterThan(0);
    // The generator's own line bookkeeping agrees with a byte-level scan of what is on disk.
    let lines = 0;
    let malformed = 0;
    let torn = 0;
    let crlf = 0;
    const files = listJsonl(root);
    for (const f of files) {
      const buf = readFileSync(f);
      const c = scanTranscript(buf);
      lines += c.lines;
      malformed += c.malformed;
      if (c.tornBytes > 0) torn++;
      if (buf.includes('}\r\n')) crlf++;
    }
    expect({ files: files.length, lines, malformed, torn }).toEqual({ files: exp.files, lines: exp.input.lines, malformed: exp.malformedLines, torn: exp.tornLines });
    expect(crlf).toBeGreaterThan(0);
    // Streaming copies, fast mode, >200k entries and requestId-less responses are present.
    const text = files.map((f) => readFileSync(f, 'latin1')).join('');
    expect(text).toContain('"speed":"fast"');
    expect(text).toMatch(/"cache_read_input_tokens":(2[0-9]{5}|[3-9][0-9]{5})\b/);
    expect(text).toContain('"type":"agent_progress"');
    expect(text).toContain('"isApiErrorMessage":true');
  });

  it('cold run: every field equals Expected', async () => {
    const { report } = await runStats(root, state);
    expect(reportDiffs(report, exp)).toEqual([]);
  });

  let afterAppend: any;
  it('appended lines (torn lines completed, new sessions) are counted once', async () => {
    const before = exp;
    exp = gen.appendMore({ sessions: 5, turns: 3, newSessions: 2 });
    expect(exp.tornLines).toBe(0);
    expect(exp.tokens.output).toBeGreaterThan(before.tokens.output);
    expect(exp.sessions).toBe(before.sessions + 2);
    const { report } = await runStats(root, state);
    expect(reportDiffs(report, exp)).toEqual([]);
    afterAppend = report;
  });

  it('a warm run with nothing new gives identical output', async () => {
    const { report } = await runStats(root, state);
    expect(report).toEqual(afterAppend);
  });

  it('--reset-state rebuilds identical totals', async () => {
    const { report } = await runStats(root, state, ['--reset-state']);
    // Identical except that costs may differ in the last bits (records are summed in another order).
    expect(reportVsReport(afterAppend, report)).toEqual([]);
    expect(reportDiffs(report, exp)).toEqual([]);
  });

  it('a truncated file is re-read without counting anything twice', async () => {
    exp = gen.truncateSession(2, 0.4);
    const { report, stderr } = await runStats(root, state);
    expect(stderr).toMatch(/truncated/);
    expect(reportDiffs(report, exp)).toEqual([]);
    // Same tokens and cost as before the truncation: records already counted stay counted.
    expect(report.tokens).toEqual(afterAppend.tokens);
  });

  it('a replaced file (new inode, different content) adds only its new records', async () => {
    const before = exp;
    exp = gen.replaceSession(3, 3);
    expect(exp.tokens.total).toBeGreaterThan(before.tokens.total);
    const { report, stderr } = await runStats(root, state);
    expect(stderr).toMatch(/replaced/);
    expect(reportDiffs(report, exp)).toEqual([]);
    const again = await runStats(root, state);
    expect(again.report).toEqual(report);
  });
});
