// Cold-read speed against ccusage's native binary on two history shapes (issue 7), run by
// `npm run bench` after bench/run.ts:
//   bench    the shape of bench/run.ts (generator defaults)
//   heavy    ~3,000 files: long tool_result contents, long thinking blocks, many progress lines
//            (hook, bash and agent_progress copies), many small subagent files
//
// The machine may be shared: every figure is a ratio to ccusage runs made in between in this process
// (ccusage, then ccotel, repeated; each ratio over the median of all ccusage runs of the shape),
// reported as min and median. Absolute times only give scale.
//
//   INGEST_BENCH_REPS=5   repetitions per shape      INGEST_BENCH_SHAPES=bench,heavy
//   INGEST_BENCH_BENCH_MB=400   INGEST_BENCH_HEAVY_SESSIONS=1450 (about 2 files per session)
//   BENCH_EXPORT=0        skip the backfill into a real collector
//   INGEST_BENCH_WORKERS=auto,1   ccotel runs per repetition, one per CCOTEL_WORKERS mode (auto: unset,
//                         the default; 0: main thread only; 1: a worker thread reads ahead). Default: auto
//   INGEST_BENCH_WASM=on,off      and per reader: on, the default (lines through the WebAssembly line
//                         extractor, src/model/line-extract.ts, the string scan of line-reduce.ts as its
//                         fallback); off, CCOTEL_WASM=0 (the pure TypeScript reader, JSON.parse of every
//                         whole line). Default: on,off
//
// Beside them, floors (bench/scan-floor.mjs, Node's start included): a process that only reads the
// history and skips each JSON string with Buffer.indexOf, one that only runs JSON.parse on every
// line (both on two threads), and one that only runs ccotel's line extractor (the WebAssembly module
// of src/model/line-extract.ts: each line validated and its fields located, nothing built from
// them), on two threads and on one (ccotel reads on one). They show how much of a ratio a reader
// written for Node must keep before it does any work of its own.
import './temp-root.js';
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { generateHistory, type Expected, type GenerateOptions } from '../test/support/history-generator.js';
import { REPO } from './run.js';

const CLI = join(REPO, 'dist', 'bin', 'main.js');
const CCUSAGE = join(REPO, 'node_modules', '@ccusage', 'ccusage-linux-x64', 'bin', 'ccusage');
const FLOOR = join(REPO, 'bench', 'scan-floor.mjs');

interface Shape {
  name: string;
  dir: string;
  opts: GenerateOptions;
}

function shapes(): Shape[] {
  const mb = Number(process.env.INGEST_BENCH_BENCH_MB ?? process.env.BENCH_MB ?? 400);
  const heavySessions = Number(process.env.INGEST_BENCH_HEAVY_SESSIONS ?? 1450);
  const all: Shape[] = [
    // Same history as bench/run.ts (and the same cache folder), so it is generated once.
    { name: 'bench', dir: `history-${mb}mb-seed1`, opts: { sessions: Math.max(8, Math.round(mb / 2.5)), seed: 1, targetBytes: mb * 1e6, faults: true, missingRequestId: 0 } },
    { name: 'heavy', dir: `history-heavy-${heavySessions}s-seed2`, opts: { sessions: heavySessions, seed: 2, targetBytes: heavySessions * 0.19e6, faults: true, missingRequestId: 0, shape: 'heavy' } },
  ];
  const want = (process.env.INGEST_BENCH_SHAPES ?? 'bench,heavy').split(',');
  return all.filter((s) => want.includes(s.name));
}

function ensure(shape: Shape): { root: string; expected: Expected; dir: string } {
  const dir = join(REPO, '.bench', shape.dir);
  const root = join(dir, 'claude');
  const done = join(dir, 'expected.json');
  if (existsSync(done)) return { root, dir, expected: JSON.parse(readFileSync(done, 'utf8')) as Expected };
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const t0 = performance.now();
  const expected = generateHistory(root, shape.opts);
  writeFileSync(done, JSON.stringify(expected));
  process.stderr.write(`generated ${shape.name}: ${(expected.bytes / 1e6).toFixed(0)} MB, ${expected.files} files, ${expected.input.lines} lines in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
  return { root, dir, expected };
}

interface Run {
  seconds: number;
  /** user + system CPU seconds: on a shared machine a steadier figure than wall time. */
  cpu: number;
  rssMB: number;
  stdout: string;
  code: number | null;
}

/** Runs a command under /usr/bin/time: wall time, CPU time and peak RSS. */
function measure(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<Run> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn('/usr/bin/time', ['-f', 'CCOTEL_TIME %M %U %S', cmd, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      const seconds = (performance.now() - started) / 1000;
      const m = /CCOTEL_TIME (\d+) ([\d.]+) ([\d.]+)/.exec(stderr);
      if (code !== 0) process.stderr.write(`${cmd} exited ${code}: ${stderr.slice(-1000)}\n`);
      resolve({ seconds, cpu: m ? Number(m[2]) + Number(m[3]) : NaN, rssMB: m ? Number(m[1]) / 1024 : NaN, stdout, code });
    });
  });
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const f = (n: number, d = 2): string => (Number.isFinite(n) ? n.toFixed(d) : '-');

function loadavg(): string {
  try {
    return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  } catch {
    return '?';
  }
}

/** How ccotel runs: CCOTEL_WORKERS ('auto': unset) and whether the WebAssembly scan is on. */
export interface Mode {
  workers: string;
  wasm: boolean;
}
const DEFAULT_MODE = (m: Mode): boolean => m.workers === 'auto' && m.wasm;
const modeName = (m: Mode): string => `workers ${m.workers}${m.wasm ? '' : ', no wasm'}`;

export interface ShapeResult {
  shape: string;
  mode: Mode;
  mb: number;
  files: number;
  lines: number;
  ccotel: number[];
  ccusage: number[];
  /** Each run over the median of every ccusage run of the shape (see runShape). */
  ratios: number[];
  cpuRatios: number[];
  ccotelCpu: number[];
  ccusageCpu: number[];
  rssMB: number;
  ccusageRssMB: number;
  exact: boolean;
  /** Each floor's times over the ccusage run beside it (FLOORS). */
  floors: Record<string, number[]>;
  backfill?: { seconds: number; ratio: number; rssMB: number; spans: number };
}

/** The floors run beside each repetition (bench/scan-floor.mjs mode and threads). */
const FLOORS = [
  { name: 'scan', mode: 'scan', threads: 2 },
  { name: 'parse', mode: 'parse', threads: 2 },
  { name: 'extract', mode: 'extract', threads: 2 },
  { name: 'extract/1', mode: 'extract', threads: 1 },
] as const;

async function runShape(shape: Shape, reps: number, modes: readonly Mode[]): Promise<ShapeResult[]> {
  const { root, dir, expected } = ensure(shape);
  const env = { ...process.env, CLAUDE_CONFIG_DIR: '', CLAUDE_RATE_INPUT: '', CLAUDE_RATE_OUTPUT: '', XDG_CONFIG_HOME: join(dir, 'no-config') };
  const ccEnv = { ...process.env, CLAUDE_CONFIG_DIR: root, TZ: 'UTC' };
  const results = modes.map(
    (mode): ShapeResult => ({ shape: shape.name, mode, mb: expected.bytes / 1e6, files: expected.files, lines: expected.input.lines, ccotel: [], ccusage: [], ratios: [], cpuRatios: [], ccotelCpu: [], ccusageCpu: [], rssMB: 0, ccusageRssMB: 0, exact: true, floors: {} }),
  );
  // Warm the page cache for both (the figures compare parsing, not the disk).
  await measure(CCUSAGE, ['daily', '--json', '--offline'], ccEnv);
  for (let i = 0; i < reps; i++) {
    // Each mode's run right after its own ccusage run, so both see the same load.
    for (const r of results) {
      const cc = await measure(CCUSAGE, ['daily', '--json', '--offline'], ccEnv);
      const state = join(dir, `state-speed-${process.pid}`);
      rmSync(state, { recursive: true, force: true });
      const modeEnv: NodeJS.ProcessEnv = { ...env };
      if (r.mode.workers === 'auto') delete modeEnv.CCOTEL_WORKERS;
      else modeEnv.CCOTEL_WORKERS = r.mode.workers;
      if (r.mode.wasm) delete modeEnv.CCOTEL_WASM;
      else modeEnv.CCOTEL_WASM = '0';
      const ours = await measure(process.execPath, [CLI, 'stats', '--range', 'all', '--json', '--timezone', 'UTC', '--claude-dir', root, '--state-dir', state], modeEnv);
      rmSync(state, { recursive: true, force: true });
      if (ours.code !== 0 || cc.code !== 0) throw new Error(`${shape.name}: a run failed (ccotel ${ours.code}, ccusage ${cc.code})`);
      const tokens = JSON.parse(ours.stdout).tokens;
      if (JSON.stringify(tokens) !== JSON.stringify(expected.tokens)) r.exact = false;
      const t = JSON.parse(cc.stdout).totals;
      if (t.inputTokens !== tokens.input || t.outputTokens !== tokens.output || t.cacheCreationTokens !== tokens.cacheCreation || t.cacheReadTokens !== tokens.cacheRead) r.exact = false;
      r.ccotel.push(ours.seconds);
      r.ccusage.push(cc.seconds);
      r.ccotelCpu.push(ours.cpu);
      r.ccusageCpu.push(cc.cpu);
      r.rssMB = Math.max(r.rssMB, ours.rssMB ?? 0);
      r.ccusageRssMB = Math.max(r.ccusageRssMB, cc.rssMB ?? 0);
      process.stderr.write(`  ${shape.name} ${modeName(r.mode)} #${i + 1}: ccotel ${f(ours.seconds)} s (cpu ${f(ours.cpu)}), ccusage ${f(cc.seconds)} s (cpu ${f(cc.cpu)}), ratio ${f(ours.seconds / cc.seconds)}, load ${loadavg()}\n`);
    }
    // The floors, each right after a ccusage run of its own.
    for (const { name, mode, threads } of FLOORS) {
      const cc = await measure(CCUSAGE, ['daily', '--json', '--offline'], ccEnv);
      const floor = await measure(process.execPath, [FLOOR, mode, join(root, 'projects'), String(threads)], env);
      if (floor.code !== 0) throw new Error(`${shape.name}: scan-floor ${name} failed`);
      for (const r of results) (r.floors[name] ??= []).push(floor.seconds / cc.seconds);
      process.stderr.write(`  ${shape.name} floor ${name} #${i + 1}: ${f(floor.seconds)} s (cpu ${f(floor.cpu)}), ccusage ${f(cc.seconds)} s, ratio ${f(floor.seconds / cc.seconds)}\n`);
    }
  }
  // Every mode over the same reference, the median of all ccusage runs of the shape: the ccusage
  // run paired with the second mode of a repetition was consistently 20-30% slower (CPU time too),
  // which made that mode's pairwise ratio look better than its own time.
  const ccWall = median(results.flatMap((r) => r.ccusage));
  const ccCpu = median(results.flatMap((r) => r.ccusageCpu));
  for (const r of results) {
    r.ratios = r.ccotel.map((s) => s / ccWall);
    r.cpuRatios = r.ccotelCpu.map((c) => c / ccCpu);
  }
  if (process.env.BENCH_EXPORT !== '0') {
    const { benchBackfill } = await import('./export.js');
    const cc = await measure(CCUSAGE, ['daily', '--json', '--offline'], ccEnv);
    const b = await benchBackfill(root, expected.bytes);
    const cc2 = await measure(CCUSAGE, ['daily', '--json', '--offline'], ccEnv);
    const ref = Math.min(cc.seconds, cc2.seconds);
    // The backfill runs in the default mode: its figures go on that row.
    const r = results.find((x) => DEFAULT_MODE(x.mode)) ?? results[0]!;
    r.backfill = { seconds: b.seconds, ratio: b.seconds / ref, rssMB: b.peakRssMB, spans: b.spans };
  }
  return results;
}

export function printIngestTable(results: readonly ShapeResult[]): void {
  const head = ['shape', 'mode', 'MB', 'files', 'ccotel cold s (min/med)', 'ccusage s (min/med)', 'ratio (min/med)', 'CPU ratio (med)', 'RSS MB', 'backfill s', 'backfill ratio', 'backfill RSS', `floor: ${FLOORS.map((x) => x.name).join(' / ')}`, 'met'];
  const rows = results.map((r) => {
    const met = median(r.ratios) <= 1 && r.rssMB < 200 && (!r.backfill || (r.backfill.ratio <= 1.5 && r.backfill.rssMB < 200)) && r.exact;
    return [
      r.shape,
      modeName(r.mode),
      f(r.mb, 0),
      String(r.files),
      `${f(Math.min(...r.ccotel))} / ${f(median(r.ccotel))}`,
      `${f(Math.min(...r.ccusage))} / ${f(median(r.ccusage))}`,
      `${f(Math.min(...r.ratios))} / ${f(median(r.ratios))}`,
      f(median(r.cpuRatios)),
      f(r.rssMB, 0),
      r.backfill ? f(r.backfill.seconds) : '-',
      r.backfill ? f(r.backfill.ratio) : '-',
      r.backfill ? f(r.backfill.rssMB, 0) : '-',
      FLOORS.map((x) => f(median(r.floors[x.name] ?? []))).join(' / '),
      (met ? 'yes' : 'NO') + (r.exact ? '' : ' (TOTALS DIFFER)'),
    ];
  });
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  process.stdout.write(`\ncold stats vs ccusage daily --json --offline (targets: ratio <= 1.0, backfill <= 1.5x ccusage, RSS < 200 MB); load ${loadavg()}, node ${process.version}\n\n`);
  process.stdout.write(line(head) + '\n' + widths.map((w) => '-'.repeat(w)).join('  ') + '\n');
  for (const row of rows) process.stdout.write(line(row) + '\n');
  process.stdout.write(
    `\nfloor: a Node process that only reads the history and skips its JSON strings (scan, 2 threads), only runs JSON.parse on every line (parse, 2 threads), or only runs ccotel's line extractor, validating each line and locating its fields (extract on 2 threads, extract/1 on one, as ccotel reads); over ccusage's time (medians)\n`,
  );
}

export async function runIngestBench(): Promise<ShapeResult[]> {
  if (!existsSync(CLI)) throw new Error(`${CLI} missing: run npm run build first`);
  if (!existsSync(CCUSAGE)) {
    process.stdout.write(`ingest speed bench skipped: ${CCUSAGE} is not installed\n`);
    return [];
  }
  if ((statSync(CCUSAGE).mode & 0o111) === 0) chmodSync(CCUSAGE, 0o755);
  const reps = Number(process.env.INGEST_BENCH_REPS ?? 5);
  const modes = (process.env.INGEST_BENCH_WORKERS ?? 'auto')
    .split(',')
    .flatMap((workers) => (process.env.INGEST_BENCH_WASM ?? 'on,off').split(',').map((w): Mode => ({ workers, wasm: w !== 'off' })));
  const results: ShapeResult[] = [];
  for (const s of shapes()) results.push(...(await runShape(s, reps, modes)));
  printIngestTable(results);
  return results;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  runIngestBench().catch((err) => {
    process.stderr.write(`ingest bench failed: ${(err as Error).stack ?? err}\n`);
    process.exitCode = 1;
  });
}
