// Transcript lines for the tests that hold a line path to JSON.parse (line-reduce, line-extract):
// real fixtures and small generated histories, split the way the reader splits them.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateHistory, listJsonl } from './history-generator.js';

/** A file's lines, split the way the reader does (LF, then a CR before it dropped; blank lines skipped). */
export function linesOf(file: string): Buffer[] {
  const buf = readFileSync(file);
  const out: Buffer[] = [];
  let s = 0;
  for (let nl = buf.indexOf(10); s < buf.length; nl = buf.indexOf(10, s)) {
    let e = nl === -1 ? buf.length : nl;
    const next = e + 1;
    if (e > s && buf[e - 1] === 13) e--;
    if (e > s) out.push(buf.subarray(s, e));
    s = next;
  }
  return out;
}

/** Every line of the real fixtures (test/fixtures/real). */
export const realLines = (): Buffer[] => listJsonl(join(__dirname, '..', 'fixtures', 'real')).flatMap(linesOf);

/**
 * Lines of small generated histories of both shapes, faults included ('heavy': long thinking, tool
 * output, progress copies), each written into a folder `tmp()` gives (the caller removes them).
 */
export function generatedLines(tmp: () => string): Buffer[] {
  const out: Buffer[] = [];
  for (const [shape, seed] of [['heavy', 11], ['heavy', 12], ['bench', 13]] as const) {
    const d = tmp();
    generateHistory(d, { sessions: 3, seed, faults: true, shape, dropSubagentFiles: 0.3, longToolOutputs: 0.2 });
    out.push(...listJsonl(d).flatMap(linesOf));
  }
  return out;
}
