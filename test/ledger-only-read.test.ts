// A read without sinks (`stats`) normalizes only what the ledger reads (ReaderOptions.ledgerOnly):
// it skips measuring tool output, error text and turn ends. The ledger it builds must be exactly the
// ledger of a full read, line for line, and a line refused by a full read is refused by it too.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { normalizeLine } from '../src/model/normalize.js';
import { eagerLineText } from './support/eager-line-text.js';
import type { ModelEvent } from '../src/model/events.js';
import { Ledger } from '../src/state/ledger.js';
import { generateHistory, listJsonl } from './support/history-generator.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** Every line of the files through the reader's fast path, full and ledger-only, into two ledgers. */
function compare(files: string[]): { full: string; lean: string; refused: number; lines: number; skipped: number } {
  const full = new Ledger();
  const lean = new Ledger();
  let refused = 0;
  let lines = 0;
  let skipped = 0;
  for (const file of files) {
    const buf = readFileSync(file);
    const agent = /agent-([^/]+)\.jsonl$/.exec(file)?.[1];
    const hints = { sessionId: /([0-9a-f-]{36})/.exec(file)?.[1] ?? 'hint-session', agentId: agent };
    let s = 0;
    for (let nl = buf.indexOf(10); nl !== -1; nl = buf.indexOf(10, s)) {
      const start = s;
      s = nl + 1;
      if (nl === start) continue;
      lines++;
      const t = eagerLineText(buf, start, nl);
      let parsed: unknown;
      try {
        if (t === null) throw new Error('invalid UTF-8');
        parsed = JSON.parse(t.text);
      } catch {
        continue;
      }
      const a: ModelEvent[] = [];
      const b: ModelEvent[] = [];
      const okA = normalizeLine(parsed, hints, `${hints.sessionId}@${start}`, a, t!.bytes);
      const okB = normalizeLine(parsed, hints, `${hints.sessionId}@${start}`, b, t!.bytes, false, true);
      expect(okB, `line at ${file}:${start}`).toBe(okA);
      if (!okA) refused++;
      if (b.length < a.length) skipped++;
      for (const e of a) full.apply(e);
      for (const e of b) lean.apply(e);
    }
  }
  return { full: full.takeChanges(), lean: lean.takeChanges(), refused, lines, skipped };
}

describe('a ledger-only read', () => {
  it('builds exactly the ledger of a full read from the real transcripts', () => {
    const r = compare(listJsonl(join(__dirname, 'fixtures', 'real')));
    expect(r.lines).toBeGreaterThan(100);
    expect(r.full.length).toBeGreaterThan(1000);
    expect(r.lean).toBe(r.full);
  });

  it('builds exactly the ledger of a full read from generated histories of both shapes, faults included', () => {
    for (const shape of ['bench', 'heavy'] as const) {
      const d = mkdtempSync(join(tmpdir(), 'ccotel-ledger-only-'));
      dirs.push(d);
      generateHistory(d, { sessions: 10, seed: 17, faults: true, shape, dropSubagentFiles: 0.3 });
      const r = compare(listJsonl(d));
      expect(r.lean).toBe(r.full);
      // Turn ends are among what it leaves out.
      expect(r.skipped).toBeGreaterThan(0);
    }
  });

  it('still refuses a tool result nested too deep, and still counts a prompt only when it has text', () => {
    const deep = '{"type":"user","sessionId":"s1","cwd":"/x","timestamp":"2026-01-05T10:00:00.000Z","uuid":"d","message":{"role":"user","content":[{"type":"tool_result","tool_use_id":"t","content":' + '[{"content":'.repeat(100) + '"x"' + '}]'.repeat(100) + '}]}}';
    expect(normalizeLine(JSON.parse(deep), {}, 'k', [], false, false, true)).toBe(false);
    const out: ModelEvent[] = [];
    const prompt = (uuid: string, content: unknown) => ({ type: 'user', sessionId: 's1', cwd: '/x', timestamp: '2026-01-05T10:00:00.000Z', uuid, message: { role: 'user', content } });
    normalizeLine(prompt('empty', [{ type: 'text', text: '' }]), {}, 'k', out, false, false, true);
    normalizeLine(prompt('full', [{ type: 'text', text: 'hi' }]), {}, 'k', out, false, false, true);
    expect(out.map((e) => e.kind === 'prompt' && e.uuid)).toEqual(['full']);
  });
});
