// Writes a deterministic Claude Code history of about N MB (for benchmarks and manual testing).
//   node --import tsx bench/generate.ts <dir> [MB=100] [--seed N] [--sessions N] [--faults] [--no-missing-request-id]
// Prints the expected totals (JSON) on stdout.
import { mkdirSync } from 'node:fs';
import { generateHistory } from '../test/support/history-generator.js';

function main(argv: string[]): void {
  const pos: string[] = [];
  let seed = 1;
  let sessions: number | undefined;
  let faults = false;
  let missing: number | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--seed') seed = Number(argv[++i]);
    else if (a === '--sessions') sessions = Number(argv[++i]);
    else if (a === '--faults') faults = true;
    else if (a === '--no-missing-request-id') missing = 0;
    else pos.push(a);
  }
  const dir = pos[0];
  if (!dir) {
    process.stderr.write('usage: node --import tsx bench/generate.ts <dir> [MB=100] [--seed N] [--sessions N] [--faults]\n');
    process.exitCode = 2;
    return;
  }
  const mb = Number(pos[1] ?? 100);
  mkdirSync(dir, { recursive: true });
  const started = Date.now();
  const expected = generateHistory(dir, { sessions: sessions ?? Math.max(4, Math.round(mb / 2.5)), seed, targetBytes: mb * 1e6, faults, missingRequestId: missing });
  process.stderr.write(`wrote ${(expected.bytes / 1e6).toFixed(1)} MB in ${expected.files} files to ${dir} in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  process.stdout.write(JSON.stringify(expected, null, 2) + '\n');
}

main(process.argv.slice(2));
