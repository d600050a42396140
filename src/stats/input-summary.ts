// The `input` section of a report: what the reader has seen over all history (files, lines,
// malformed and oversized lines, models without a price).
import type { FileCheckpoint } from '../sources/checkpoint.js';
import type { Fold } from '../fold/fold.js';
import type { StatsReport } from './report.js';

/** Over the transcripts that exist now (`paths`): a file deleted since it was read is not counted. */
export function inputSummary(paths: Iterable<string>, checkpoints: Readonly<Record<string, FileCheckpoint>>, fold: Fold): StatsReport['input'] {
  let lines = 0;
  let malformed = 0;
  let oversized = 0;
  let count = 0;
  for (const path of paths) {
    const cp = checkpoints[path];
    if (!cp) continue;
    count++;
    lines += cp.lines;
    malformed += cp.malformed;
    oversized += cp.oversized;
  }
  return { files: count, lines, malformedLines: malformed, oversizedLines: oversized, unpricedModels: fold.unpricedModels() };
}
