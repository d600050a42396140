// Imported first by each `npm run bench` entry: one temporary folder for the whole process, given to
// everything it starts as TMPDIR and removed when it exits. The benches' state folders and a
// collector's output (tens of MB a backfill) otherwise stayed in /tmp after every run.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const dir = mkdtempSync(join(tmpdir(), 'ccotel-bench-run-'));
process.env.TMPDIR = dir;
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
// Ctrl-C ends the run through 'exit', so the folder goes too.
process.once('SIGINT', () => process.exit(130));
