// The rule engine (src/detection/engine.ts) on the tool calls of a real-shaped history: what ingest
// spends on detection per call. Every distinct tool_use of the history, in file order, with its line's
// cwd, as the ledger sees them; best of 5 passes (a fresh detector each, as a new process has).
//
//   node --import tsx bench/detection.ts [claude dir]   (default .bench/history-400mb-seed1/claude)
import { join } from 'node:path';
import { createDetector, type ToolCall } from '../src/detection/engine.js';
import { bestMs } from './best-time.js';
import { loadToolCalls } from '../test/support/tool-calls.js';

export interface DetectionBench {
  calls: number;
  hits: number;
  ms: number;
  usPerCall: number;
}

/** Best of `runs` passes of a fresh built-in detector over `calls`. */
export function benchDetection(calls: readonly ToolCall[], runs = 5, make: () => (c: ToolCall) => unknown[] = () => createDetector([], { home: '/home/dev' })): DetectionBench {
  let hits = 0;
  const ms = bestMs(() => {
    const detect = make();
    hits = 0;
    for (const c of calls) hits += detect(c).length;
  }, runs);
  return { calls: calls.length, hits, ms, usPerCall: (ms * 1000) / calls.length };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const root = process.argv[2] ?? join(import.meta.dirname, '..', '.bench', 'history-400mb-seed1', 'claude');
  const calls = loadToolCalls(root);
  const r = benchDetection(calls);
  process.stdout.write(`rule engine: ${r.calls} tool calls, ${r.hits} hits, best of 5 ${r.ms.toFixed(1)} ms (${r.usPerCall.toFixed(2)} µs/call)\n`);
}
