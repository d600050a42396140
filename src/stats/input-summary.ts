// The `input` section of a report: what the reader has seen over all history (files, lines,
// malformed and oversized lines, models without a price).
import type { FileCheckpoint } from '../sources/checkpoint.js';
import type { TranscriptFile } from '../sources/transcript-files.js';
import type { Ledger } from '../state/ledger.js';
import type { Pricer } from '../pricing/cost.js';
import type { StatsReport } from './report.js';

export function inputSummary(files: readonly TranscriptFile[], checkpoints: Readonly<Record<string, FileCheckpoint>>, ledger: Ledger, pricer: Pricer): StatsReport['input'] {
  let lines = 0;
  let malformed = 0;
  let oversized = 0;
  let count = 0;
  for (const f of files) {
    const cp = checkpoints[f.path];
    if (!cp) continue;
    count++;
    lines += cp.lines;
    malformed += cp.malformed;
    oversized += cp.oversized;
  }
  const unpriced = new Set<string>();
  for (const r of ledger.usage.values()) if (!pricer.cost(r.model, r.usage, r.apiError).priced) unpriced.add(r.model);
  return { files: count, lines, malformedLines: malformed, oversizedLines: oversized, unpricedModels: [...unpriced].sort() };
}
