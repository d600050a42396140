// `ccotel sessions` reads the totals of a few sessions (a listing's rows, --show) from the saved
// fold: Fold.sessionTotals decodes only the saved part of each one's hash bucket. It must give
// what the whole fold gives: each session's calls and prompts as generated, nothing for an unknown
// id, and a damaged part must not give a wrong answer (the fold is rebuilt from the ledger).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { StateStore } from '../src/state/store.js';
import { Pricer } from '../src/pricing/cost.js';
import { EMBEDDED_PRICES } from '../src/pricing/price-table.js';
import { attachFold } from '../src/fold/fold-file.js';
import type { ModelEvent } from '../src/model/events.js';

const pricer = new Pricer(EMBEDDED_PRICES);
const MODEL = 'claude-sonnet-4-5-20250929';
const START = Date.UTC(2026, 0, 5);
const SESSIONS = 300;
/** Session k has k % 5 + 1 turns, each one prompt and one call: the truth the totals must match. */
const turns = (k: number): number => (k % 5) + 1;

function history(): ModelEvent[] {
  const out: ModelEvent[] = [];
  let n = 0;
  for (let k = 0; k < SESSIONS; k++) {
    const ctx = { sessionId: `sess-${k}`, cwd: `/home/u/p${k % 3}` };
    for (let t = 0; t < turns(k); t++, n++) {
      const ts = START + k * 60_000 + t * 5000;
      out.push({ kind: 'prompt', ctx, ts, uuid: `p${n}`, chars: 5 });
      out.push({ kind: 'model_call', ctx, ts: ts + 1000, key: `k${n}`, messageId: `k${n}`, model: MODEL, usage: { input: 10, output: 20, cacheCreation: 0, cacheCreation1h: 0, cacheSplit: false, cacheRead: 0, fast: false }, apiError: false });
    }
  }
  return out;
}

describe('one session\'s totals from the saved fold', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  async function seeded(): Promise<string> {
    const dir = mkdtempSync(join(tmpdir(), 'ccotel-fold-lookup-'));
    dirs.push(dir);
    const store = await StateStore.open(dir, { allowReadOnly: false });
    await attachFold(store, { pricer });
    for (const e of history()) store.ledger.apply(e);
    await store.commit();
    await store.close();
    return dir;
  }
  const reopen = async (dir: string) => {
    const store = await StateStore.open(dir, { allowReadOnly: false });
    const a = await attachFold(store, { pricer });
    return { store, ...a };
  };

  it('gives each session its own totals, and nothing for an unknown id', async () => {
    const dir = await seeded();
    const { store, fold, source } = await reopen(dir);
    try {
      expect(source).toBe('saved');
      const parts = (JSON.parse(readFileSync(join(dir, 'fold.json'), 'utf8')) as { parts: [string, string][] }).parts.filter(([id]) => id.startsWith('s'));
      expect(parts.length, 'sessions spread over several parts').toBeGreaterThan(4);
      for (let k = SESSIONS - 1; k >= 0; k--) {
        const s = fold.sessionTotals(`sess-${k}`);
        expect([s?.sessionId, s?.calls, s?.prompts], `sess-${k}`).toEqual([`sess-${k}`, turns(k), turns(k)]);
      }
      for (const id of ['sess-x', '', 'sess-3000']) expect(fold.sessionTotals(id), id).toBeUndefined();
    } finally {
      await store.close();
    }
  });

  it('a damaged part gives the totals rebuilt from the ledger, not a wrong answer', async () => {
    const dir = await seeded();
    const manifest = JSON.parse(readFileSync(join(dir, 'fold.json'), 'utf8')) as { parts: [string, string][] };
    const [, name] = manifest.parts.find(([id]) => id.startsWith('s'))!;
    writeFileSync(join(dir, name), '[["torn');
    const { store, fold } = await reopen(dir);
    try {
      for (let k = 0; k < SESSIONS; k++) {
        const s = fold.sessionTotals(`sess-${k}`);
        expect([s?.calls, s?.prompts], `sess-${k}`).toEqual([turns(k), turns(k)]);
      }
      expect(fold.sessionTotals('sess-x')).toBeUndefined();
    } finally {
      await store.close();
    }
  });
});
