// The least a command without a daemon must do before it can answer from the sessions index: learn
// whether any transcript changed since the index was written. That takes a stat of every transcript
// (appends change a file, not its folder) and of every folder (a new or renamed file shows in its
// change time); a folder whose change time moved is read again. bench/sessions.ts prints both figures
// beside the no-daemon ones: a walk that reads every folder and stats everything (walkMs, the first
// pass, as a fresh process does it), and a stat of every folder and transcript alone (statMs: the
// folders' listings already known, as ccotel's listing cache knows them).
// Plain JavaScript, so no loader (tsx) adds to the figure:
//   node bench/walk-floor.mjs <projects dir>      prints {"files","folders","walkMs","statMs"}
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.argv[2];
if (!dir) {
  process.stderr.write('usage: node bench/walk-floor.mjs <projects dir>\n');
  process.exit(2);
}
const files = [];
const folders = [];
function walk(d) {
  statSync(d);
  folders.push(d);
  for (const e of readdirSync(d, { withFileTypes: true })) {
    const p = join(d, e.name);
    if (e.isDirectory()) walk(p);
    else if (e.name.endsWith('.jsonl')) {
      statSync(p);
      files.push(p);
    }
  }
}
const t0 = performance.now();
walk(dir);
const t1 = performance.now();
for (const f of folders) statSync(f);
for (const f of files) statSync(f);
const t2 = performance.now();
process.stdout.write(JSON.stringify({ files: files.length, folders: folders.length, walkMs: t1 - t0, statMs: t2 - t1 }) + '\n');
