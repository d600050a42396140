// The rule engine (src/detection/engine.ts) on the tool calls of a real-shaped history, next to the
// engine it was before its prefilters (test/support/detection-reference/, same hits): every distinct
// tool_use of the history with its line's cwd, as the ledger sees them. Two figures each:
//  - first pass: one fresh process, one pass (what a cold `stats` or `backfill` pays, JIT warm-up included);
//  - warm: the best of 5 more passes in that process (a fresh detector each).
// Best of 5 processes, the two engines alternating (the machine is shared). The processes run the
// engines bundled by esbuild as `npm run build` does (tsx would add a helper call per closure).
//
//   node --import tsx bench/detection.ts [claude dir]   (default .bench/history-400mb-seed1/claude)
import { spawnSync } from 'node:child_process';
import { buildSync } from 'esbuild';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadToolCalls } from '../test/support/tool-calls.js';

type Engine = 'current' | 'reference';

export interface DetectionBench {
  calls: number;
  hits: number;
  /** engine → ms */
  firstPass: Record<Engine, number>;
  warm: Record<Engine, number>;
}

export function benchDetection(root: string, runs = 5): DetectionBench {
  const calls = loadToolCalls(root);
  const dir = mkdtempSync(join(tmpdir(), 'ccotel-bench-detect-'));
  const file = join(dir, 'calls.json');
  writeFileSync(file, JSON.stringify(calls));
  const script = join(dir, 'detection-pass.mjs');
  buildSync({ entryPoints: [join(import.meta.dirname, 'detection-pass.ts')], bundle: true, platform: 'node', format: 'esm', target: 'node20', outfile: script, packages: 'external', logLevel: 'error' });
  const firstPass: Record<Engine, number> = { current: Infinity, reference: Infinity };
  const warm: Record<Engine, number> = { current: Infinity, reference: Infinity };
  const hits: Record<Engine, number> = { current: 0, reference: 0 };
  try {
    for (let i = 0; i < runs; i++) {
      for (const engine of i % 2 === 0 ? (['reference', 'current'] as const) : (['current', 'reference'] as const)) {
        const r = spawnSync(process.execPath, [script, engine, file, String(runs)], { encoding: 'utf8' });
        if (r.status !== 0) throw new Error(`bench/detection-pass.ts failed: ${r.stderr}`);
        const out = JSON.parse(r.stdout) as { first: number; warm: number; hits: number };
        firstPass[engine] = Math.min(firstPass[engine], out.first);
        warm[engine] = Math.min(warm[engine], out.warm);
        hits[engine] = out.hits;
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  if (hits.current !== hits.reference) throw new Error(`rule engine: ${hits.current} hits, its reference ${hits.reference}`);
  return { calls: calls.length, hits: hits.current, firstPass, warm };
}

export function printDetection(r: DetectionBench): void {
  const us = (ms: number): string => `${((ms * 1000) / r.calls).toFixed(2)} µs/call`;
  process.stdout.write(`\nrule engine on ${r.calls} tool calls (${r.hits} hits, the same as its reference), best of 5\n`);
  process.stdout.write(`  first pass ${r.firstPass.current.toFixed(1).padStart(7)} ms (${us(r.firstPass.current)})   reference ${r.firstPass.reference.toFixed(1).padStart(7)} ms (${us(r.firstPass.reference)})   ${(r.firstPass.reference / r.firstPass.current).toFixed(2)}x\n`);
  process.stdout.write(`  warm      ${r.warm.current.toFixed(1).padStart(7)} ms (${us(r.warm.current)})   reference ${r.warm.reference.toFixed(1).padStart(7)} ms (${us(r.warm.reference)})   ${(r.warm.reference / r.warm.current).toFixed(2)}x\n`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  printDetection(benchDetection(process.argv[2] ?? join(import.meta.dirname, '..', '.bench', 'history-400mb-seed1', 'claude')));
}
