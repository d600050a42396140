// False positives on real transcripts (test/fixtures/real): every rule hit the built-in rules find
// there is listed here, so a rule change that floods users shows up as a diff of this list. And
// redaction changes no path or command there (none holds a secret): targets equal what was typed.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { normalizeLine } from '../src/model/normalize.js';
import type { ModelEvent } from '../src/model/events.js';
import { Ledger } from '../src/state/ledger.js';
import { createDetector } from '../src/detection/engine.js';
import { REPO } from './support/ccotel-cli.js';

const ROOT = join(REPO, 'test', 'fixtures', 'real');
const walk = (d: string): string[] => readdirSync(d).flatMap((n) => {
  const p = join(d, n);
  return statSync(p).isDirectory() ? walk(p) : p.endsWith('.jsonl') ? [p] : [];
});

function eventsOf(): ModelEvent[] {
  const out: ModelEvent[] = [];
  for (const f of walk(ROOT).sort()) {
    readFileSync(f, 'utf8').split('\n').forEach((line, i) => {
      if (line.trim()) normalizeLine(JSON.parse(line), {}, `${f}:${i}`, out);
    });
  }
  return out;
}

describe('rules on the real fixtures', () => {
  const events = eventsOf();
  const tools = events.filter((e) => e.kind === 'tool_use');

  it('finds exactly the listed hits', () => {
    const l = new Ledger();
    l.detect = createDetector([], { home: '/home/USER' });
    for (const e of events) l.apply(e);
    const hits = [...l.hits.values()].map((h) => `${h.tool} ${h.rule} ${h.severity} ${h.value}`).sort();
    expect(tools.length).toBeGreaterThan(150); // the fixtures hold real work, not a toy
    expect(hits).toEqual([
      'WebFetch external_fetch info https://github.com/xtermjs/xterm.js/issues/1343',
      'WebSearch external_fetch info xterm.js scroll not working embedded page captures scroll events',
    ]);
  });

  it('redaction leaves every path and command there unchanged', () => {
    const l = new Ledger();
    let checked = 0;
    for (const e of events) l.apply(e);
    for (const e of tools) {
      if (e.kind !== 'tool_use') continue;
      const raw = e.input.file_path ?? e.input.notebook_path ?? e.input.command ?? e.input.url;
      if (typeof raw !== 'string') continue;
      const cut = raw.length > 300 ? raw.slice(0, 300) + '…' : raw;
      expect(l.tools.get(e.id)!.target, raw).toBe(cut);
      checked++;
    }
    expect(checked).toBeGreaterThan(100);
    // The `-p` inside `spotter-plugin`-like names once merged distinct files into one.
    const targets = [...l.tools.values()].map((t) => t.target ?? '');
    expect(targets.filter((t) => t.includes('REDACTED'))).toEqual([]);
  });
});
