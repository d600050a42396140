// Every string value in the real transcripts (test/fixtures/real), ~1.5 MB: text as the redaction
// gate and the rules see it in practice. For tests and benches (inputs, never expected answers).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const REAL = join(import.meta.dirname, '..', 'fixtures', 'real');

export function fixtureStrings(): string[] {
  const out: string[] = [];
  const walk = (v: unknown): void => {
    if (typeof v === 'string') out.push(v);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') Object.values(v).forEach(walk);
  };
  const files = (dir: string): string[] => readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? files(join(dir, n)) : n.endsWith('.jsonl') ? [join(dir, n)] : []));
  for (const f of files(REAL)) {
    for (const line of readFileSync(f, 'utf8').split('\n')) {
      try {
        walk(JSON.parse(line));
      } catch {
        // a torn line
      }
    }
  }
  return out;
}
