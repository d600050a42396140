// What a fold snapshot blocks the event loop for: a fold of ~500 sessions over 60 days, then one
// day's buckets and a few sessions change. Before: the whole fold serialized (serializeFold, what
// the single-file fold.json cost on every snapshot). After: the commit hook's synchronous part of a
// snapshot in parts (the changed parts and the manifest). Run: node --import tsx bench/fold-snapshot.ts
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StateStore } from '../src/state/store.js';
import { Pricer } from '../src/pricing/cost.js';
import { EMBEDDED_PRICES } from '../src/pricing/price-table.js';
import { attachFold, serializeFold } from '../src/fold/fold-file.js';
import type { ModelEvent } from '../src/model/events.js';
import { bestMs } from './best-time.js';

const DAY = 86_400_000;
const START = Date.UTC(2026, 0, 5);
const MODELS = ['claude-sonnet-4-5-20250929', 'claude-opus-4-6', 'claude-haiku-4-5-20251001'];
const TOOLS = ['Read', 'Bash', 'Edit', 'Write', 'Grep', 'Task'];
let n = 0;

/** One session: `turns` turns of a prompt, model calls and tool calls, some in subagents. */
function session(id: string, cwd: string, at: number, turns: number): ModelEvent[] {
  const out: ModelEvent[] = [];
  for (let t = 0; t < turns; t++) {
    const ts = at + t * 120_000;
    const agentId = t % 5 === 4 ? `agent-${t % 3}` : undefined;
    const ctx = { sessionId: id, cwd, ...(agentId ? { agentId } : {}) };
    out.push({ kind: 'prompt', ctx, ts, uuid: `p${n++}`, chars: 40 });
    for (let c = 0; c < 3; c++) {
      const key = `k${n++}`;
      out.push({ kind: 'model_call', ctx, ts: ts + c * 5000, key, messageId: key, model: MODELS[(t + c) % 3]!, usage: { input: 20, output: 300 + (n % 500), cacheCreation: 2000, cacheCreation1h: 0, cacheSplit: false, cacheRead: 30_000, fast: false }, apiError: false });
      const name = TOOLS[(t + c) % TOOLS.length]!;
      const tid = `t${n++}`;
      const input = name === 'Bash' ? { command: `npm test -- ${t % 7}` } : { file_path: `${cwd}/src/f${(t * 3 + c) % 40}.ts` };
      out.push({ kind: 'tool_use', ctx, ts: ts + c * 5000 + 100, id: tid, name, callKey: key, input });
      out.push({ kind: 'tool_result', ctx, ts: ts + c * 5000 + 900, toolUseId: tid, isError: (t + c) % 11 === 0, resultChars: 200 });
    }
  }
  return out;
}

const ms = (fn: () => void): number => bestMs(fn, 7);

const dir = mkdtempSync(join(tmpdir(), 'ccotel-fold-bench-'));
try {
  const pricer = new Pricer(EMBEDDED_PRICES);
  const store = await StateStore.open(dir, { allowReadOnly: false });
  const { fold } = await attachFold(store, { pricer });
  // Hooks run in the order added: ours around the fold's time its synchronous part.
  let t0 = 0;
  let hookMs = 0;
  const hooks = (store as unknown as { commitHooks: Array<(b: number, id?: string) => unknown> }).commitHooks;
  hooks.unshift(() => {
    t0 = performance.now();
    return undefined;
  });
  store.addCommitHook(() => {
    hookMs = performance.now() - t0;
    return undefined;
  });
  for (let s = 0; s < 500; s++) for (const e of session(`s${s}`, `/home/u/project-${s % 12}`, START + Math.floor((s * 60) / 500) * DAY + (s % 8) * 3_600_000, 40)) store.ledger.apply(e);
  await store.commit();
  const partBytes = readdirSync(dir).filter((f) => f.startsWith('fold')).reduce((a, f) => a + statSync(join(dir, f)).size, 0);
  const before = ms(() => serializeFold(fold, store.committedLedgerBytes, store.committedLedgerId));
  const wholeBytes = serializeFold(fold, 0).length;

  // Following: a turn a commit in 4 sessions of the last day, until the journal outgrows its limit
  // and a snapshot is taken (the manifest names new parts).
  const manifest = (): string => readdirSync(dir).filter((f) => f.endsWith('.part.json')).sort().join();
  const was = manifest();
  let journalMax = 0;
  let commits = 0;
  let after = NaN;
  let changed = '';
  for (let k = 0; k < 100_000 && Number.isNaN(after); k++) {
    const s = 490 + (k % 4);
    for (const e of session(`s${s}`, `/home/u/project-${s % 12}`, START + 59 * DAY + 20 * 3_600_000 + k * 60_000, 1)) store.ledger.apply(e);
    await store.commit();
    commits++;
    const now = manifest();
    if (now !== was) {
      after = hookMs;
      const old = new Set(was.split(','));
      const fresh = now.split(',').filter((f) => !old.has(f));
      const bytes = fresh.reduce((a, f) => a + statSync(join(dir, f)).size, 0) + statSync(join(dir, 'fold.json')).size;
      changed = `${fresh.map((f) => `${f.split('.')[0]} ${(statSync(join(dir, f)).size / 1e3).toFixed(0)} kB`).join(', ')} and the manifest (${statSync(join(dir, 'fold.json')).size} bytes), ${(bytes / 1e3).toFixed(0)} kB written`;
    } else journalMax = Math.max(journalMax, hookMs);
  }
  const partsFiles = readdirSync(dir).filter((f) => f.endsWith('.part.json'));
  console.log(`fold of ${fold.sessions.size} sessions over 60 days: ${(wholeBytes / 1e6).toFixed(2)} MB as one file, ${(partBytes / 1e6).toFixed(2)} MB in ${partsFiles.length} parts + manifest`);
  console.log(`snapshot before (whole fold serialized, best of 7): ${before.toFixed(1)} ms`);
  console.log(`snapshot after (commit hook when the journal outgrew its limit after ${commits} one-turn commits; parts rewritten: ${changed}): ${after.toFixed(1)} ms; a journal commit at most ${journalMax.toFixed(1)} ms`);
  store.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
