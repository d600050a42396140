// One rule engine over tool calls saved as JSON, in a fresh process (bench/detection.ts bundles and
// runs it): a first pass, then the best of N more; prints {"first", "warm", "hits"} (ms).
//   node detection-pass.mjs current|reference calls.json N
import { readFileSync } from 'node:fs';
import { createDetector, type ToolCall } from '../src/detection/engine.js';
import { createDetector as referenceDetector } from '../test/support/detection-reference/engine.js';

export type Engine = 'current' | 'reference';
const HOME = '/home/dev';

/** One pass of a fresh detector over `calls`: ms and hits. */
function onePass(engine: Engine, calls: readonly ToolCall[]): { ms: number; hits: number } {
  const detect = engine === 'current' ? createDetector([], { home: HOME }) : referenceDetector([], { home: HOME });
  let hits = 0;
  const t = performance.now();
  for (const c of calls) hits += detect(c).length;
  return { ms: performance.now() - t, hits };
}

const [engine, file, n] = process.argv.slice(2) as [Engine, string, string];
const calls = JSON.parse(readFileSync(file, 'utf8')) as ToolCall[];
const first = onePass(engine, calls);
let warm = Infinity;
for (let i = 0; i < Number(n); i++) warm = Math.min(warm, onePass(engine, calls).ms);
process.stdout.write(JSON.stringify({ first: first.ms, warm, hits: first.hits }) + '\n');
