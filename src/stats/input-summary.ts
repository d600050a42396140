// The `input` section of a report: what the reader has seen over all history (files, lines,
// malformed and oversized lines, models without a price).
import type { FileCheckpoint } from '../sources/checkpoint.js';
import type { TranscriptFile } from '../sources/transcript-files.js';
import type { Fold } from '../fold/fold.js';
import type { StatsReport } from './report.js';

export function inputSummary(files: readonly TranscriptFile[], checkpoints: Readonly<Record<string, FileCheckpoint>>, fold: Fold): StatsReport['input'] {
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
  return { files: count, lines, malformedLines: malformed, oversizedLines: oversized, unpricedModels: fold.unpricedModels() };
}
