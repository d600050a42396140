// One pathological line never costs a whole file: a tool result nested 20,000 levels deep (valid
// JSON) used to overflow the stack while normalizing, failing its file on every run. It is now
// counted as malformed and every other line of the file counts exactly.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HistoryGenerator, listJsonl, type Expected } from './support/history-generator.js';
import { reportDiffs, requireBuiltCli, runStats } from './support/ccotel-cli.js';
import { normalizeLine } from '../src/model/normalize.js';
import type { ModelEvent } from '../src/model/events.js';

const DEPTH = 20_000;

function deepLine(sessionId: string): string {
  const head = '{"type":"user","sessionId":"' + sessionId + '","cwd":"/x","timestamp":"2026-01-05T10:00:00.000Z","uuid":"deep-1","message":{"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_deep","content":';
  return head + '[{"content":'.repeat(DEPTH) + '"x"' + '}]'.repeat(DEPTH) + '}]}}';
}

describe('a line nested 20,000 levels deep', () => {
  it('is refused by normalizeLine without throwing, and adds no event', () => {
    const out: ModelEvent[] = [];
    expect(normalizeLine(JSON.parse(deepLine('s1')), {}, 'k', out)).toBe(false);
    expect(out).toEqual([]);
    // An ordinary tool result next to it still normalizes.
    const ok = '{"type":"user","sessionId":"s1","timestamp":"2026-01-05T10:00:00.000Z","message":{"role":"user","content":[{"type":"tool_result","tool_use_id":"t1","content":[{"type":"text","text":"abc"}]}]}}';
    expect(normalizeLine(JSON.parse(ok), {}, 'k', out)).toBe(true);
    expect(out).toMatchObject([{ kind: 'tool_result', toolUseId: 't1', resultChars: 3 }]);
  });

  describe('inside a transcript, through `ccotel stats`', () => {
    let dir: string;
    let exp: Expected;
    beforeAll(() => {
      requireBuiltCli();
      dir = mkdtempSync(join(tmpdir(), 'ccotel-deep-'));
      exp = new HistoryGenerator(join(dir, 'claude'), { sessions: 4, seed: 99, faults: false }).generate();
      // Between two good lines of the first transcript.
      const file = listJsonl(join(dir, 'claude')).sort()[0]!;
      const text = readFileSync(file, 'utf8');
      const at = text.indexOf('\n') + 1;
      const sessionId = /"sessionId":"([^"]+)"/.exec(text)![1]!;
      writeFileSync(file, text.slice(0, at) + deepLine(sessionId) + '\n' + text.slice(at));
    });
    afterAll(() => {
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it('counts the good lines exactly and the deep line as malformed', async () => {
      const { report, stderr } = await runStats(join(dir, 'claude'), join(dir, 'state'));
      const want: Expected = { ...exp, input: { ...exp.input, lines: exp.input.lines + 1, malformedLines: exp.input.malformedLines + 1 } };
      expect(reportDiffs(report, want)).toEqual([]);
      expect(stderr).toMatch(/skipping a line that is not a transcript record/);
    });
  });
});
