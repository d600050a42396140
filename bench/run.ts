// `npm run bench`: ingestion speed and memory of `ccotel stats` on a large generated history,
// next to a plain Node read+JSON.parse of the same bytes and to ccusage's native binary.
//
//   BENCH_MB=400 (history size)   BENCH_SEED=1   BENCH_KEEP_STATE=1 (keep .bench/state-* dirs)
//   BENCH_SESSIONS=0  skip bench/sessions.ts (ccotel sessions: listing, search, --show, index size)
//   BENCH_EXPORT=0  skip bench/export.ts (backfill into a real collector, live latency), which needs
//                   the collector binary (scripts/build-collector.sh or CCOTEL_OTELCOL_BIN)
//   BENCH_DAEMON=0 | only   skip, or run only, bench/daemon.ts: `ccotel run` on the second shape
//                   (~3,000 files, long tool outputs; BENCH_DAEMON_MB, default BENCH_MB or 445):
//                   /metrics scrape time, event-loop stalls while following, RSS, warm stats, state size
//
// The history is cached in .bench/history-<MB>mb-seed<SEED>/ (git-ignored) and reused when present.
// All figures are with the files in the page cache (they were just written or read).
import './temp-root.js';
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { generateHistory, type Expected } from '../test/support/history-generator.js';

export const REPO = join(dirname(fileURLToPath(import.meta.url)), '..');
const CLI = join(REPO, 'dist', 'bin', 'main.js');
const CCUSAGE = join(REPO, 'node_modules', '@ccusage', 'ccusage-linux-x64', 'bin', 'ccusage');
const TIME = '/usr/bin/time';

export interface Measurement {
  seconds: number;
  /** Peak resident set size of the measured process, MB (undefined when it cannot be measured). */
  rssMB?: number;
  /** User + system CPU seconds of the process (with /usr/bin/time): wall time on a busy machine is not. */
  cpuSeconds?: number;
  stdout: string;
  stderr?: string;
  code: number | null;
}

export interface BenchContext {
  /** Claude config dir holding projects/. */
  root: string;
  /** Bytes of transcripts under root. */
  bytes: number;
  expected: Expected;
  /** Scratch directory for state dirs and outputs (inside .bench/). */
  scratch: string;
  measure(cmd: string, args: string[], env?: NodeJS.ProcessEnv): Promise<Measurement>;
}

export interface BenchRow {
  name: string;
  m: Measurement;
  /** Read throughput; omit for runs that read nothing new. */
  mbPerSec?: number;
  target?: string;
  met?: boolean;
  note?: string;
}

/**
 * Extra benchmark cases run after the built-in ones, in order.
 *
 * HOOK: the "export to a real collector" benchmark goes here — e.g. start an OpenTelemetry Collector
 * (testcontainers or the binary from scripts/build-collector.sh), run `ccotel backfill` against it
 * with ctx.measure(), and return a row with wall time, MB/s and peak RSS. Register it with
 * `benchCases.push({...})` from this file or from a module imported by it.
 */
export interface BenchCase {
  name: string;
  run(ctx: BenchContext, rows: readonly BenchRow[]): Promise<BenchRow | BenchRow[] | undefined>;
}
export const benchCases: BenchCase[] = [];

// Redaction and rule-engine worst cases (bench/redact.ts): microseconds per KB, with a bound.
benchCases.push({
  name: 'redaction worst inputs',
  async run() {
    const { benchRedact, printRedact, REDACT_BOUND_US_PER_KB } = await import('./redact.js');
    const rows = benchRedact();
    const met = printRedact(rows);
    const worst = rows.reduce((a, r) => (r.usPerKB > a.usPerKB ? r : a));
    return { name: 'redaction, worst input', m: { seconds: rows.reduce((a, r) => a + (r.usPerKB * r.kb) / 1e6, 0), stdout: '', code: 0 }, target: `< ${REDACT_BOUND_US_PER_KB} µs/KB`, met, note: `worst ${worst.usPerKB.toFixed(0)} µs/KB (${worst.name}); ${rows.length} cases above` };
  },
});

// The rule engine on the bench history's tool calls (bench/detection.ts), against the engine before its prefilters.
benchCases.push({
  name: 'rule engine',
  async run(ctx) {
    const { benchDetection, printDetection } = await import('./detection.js');
    const r = benchDetection(ctx.root);
    printDetection(r);
    const us = (ms: number): string => ((ms * 1000) / r.calls).toFixed(2);
    return { name: 'rule engine, first pass over the tool calls', m: { seconds: r.firstPass.current / 1000, stdout: '', code: 0 }, note: `${r.calls} tool calls, ${r.hits} hits: first pass ${us(r.firstPass.current)} µs/call (before the prefilters ${us(r.firstPass.reference)}), warm ${us(r.warm.current)} (before ${us(r.warm.reference)})` };
  },
});

// The OTLP trace encoder (bench/otlp-encoder.ts) against the SDK serializer it replaced, bytes checked equal.
benchCases.push({
  name: 'OTLP trace encoding',
  async run() {
    const { benchOtlpEncoder } = await import('./otlp-encoder.js');
    const r = await benchOtlpEncoder();
    return { name: 'OTLP trace encoding (µs/span)', m: { seconds: (r.oursUs * r.spans) / 1e6, stdout: '', code: 0 }, note: `${r.spans} spans in batches of 512: ccotel ${r.oursUs.toFixed(2)} µs/span, SDK serializer ${r.sdkUs.toFixed(2)} (${(r.sdkUs / r.oursUs).toFixed(2)}x); bytes equal` };
  },
});

// `ccotel audit` over the state `stats` just built (nothing new to read): the answer time.
benchCases.push({
  name: 'ccotel audit warm',
  async run(ctx) {
    const state = join(ctx.scratch, `state-${process.pid}`);
    const env = { ...process.env, CLAUDE_CONFIG_DIR: '', XDG_CONFIG_HOME: join(ctx.scratch, 'no-config') };
    // Best of three: one answer is a few hundred ms, so a busy machine's noise would dominate.
    let m = await ctx.measure(process.execPath, [CLI, 'audit', '--json', '--timezone', 'UTC', '--claude-dir', ctx.root, '--state-dir', state], env);
    for (let i = 0; i < 2; i++) {
      const again = await ctx.measure(process.execPath, [CLI, 'audit', '--json', '--timezone', 'UTC', '--claude-dir', ctx.root, '--state-dir', state], env);
      if (again.seconds < m.seconds) m = again;
    }
    const hits = m.code === 0 ? (JSON.parse(m.stdout) as { summary: { hits: number } }).summary.hits : NaN;
    return { name: 'ccotel audit --json warm', m, target: '< 0.5 s', met: m.code === 0 && m.seconds < 0.5, note: `${hits} rule hits` };
  },
});

// `ccotel sessions` (bench/sessions.ts): listing, searches and --show on the bench history, and the
// index's size. BENCH_SESSIONS=0 skips it.
if (process.env.BENCH_SESSIONS !== '0') {
  benchCases.push({
    name: 'ccotel sessions',
    async run(ctx) {
      const { benchSessions } = await import('./sessions.js');
      return (await benchSessions(ctx)).rows;
    },
  });
}

const DAEMON = process.env.BENCH_DAEMON ?? '1';
if (DAEMON !== '0') {
  benchCases.push({
    name: 'ccotel run on the daemon shape',
    async run(ctx) {
      const { benchDaemon } = await import('./daemon.js');
      const mb = Number(process.env.BENCH_DAEMON_MB ?? process.env.BENCH_MB ?? 445);
      return benchDaemon(ctx, REPO, mb, Number(process.env.BENCH_SEED ?? 1));
    },
  });
}

if (process.env.BENCH_EXPORT !== '0' && DAEMON !== 'only') {
  benchCases.push({
    name: 'ccotel backfill into a real collector',
    async run(ctx) {
      const { benchBackfill, benchLiveLatency } = await import('./export.js');
      const b = await benchBackfill(ctx.root, ctx.bytes);
      const live = await benchLiveLatency();
      return {
        name: 'ccotel backfill -> collector',
        m: { seconds: b.seconds, rssMB: b.peakRssMB, stdout: '', code: 0 },
        mbPerSec: b.mbPerSec,
        note: `${b.spans} spans (${b.spansPerSec.toFixed(0)}/s); live append->span latency p50 ${live.p50ms.toFixed(0)} ms, p95 ${live.p95ms.toFixed(0)} ms (${live.samples} samples)`,
      };
    },
  });
}

if (process.env.BENCH_HOOK !== '0') {
  benchCases.push({
    name: 'hook latency',
    async run() {
      const { latencyInFreshProcess } = await import('./hook-latency.js');
      const { hook, node } = latencyInFreshProcess('hook', join(REPO, 'hooks', 'ccotel-hook.sh'));
      return {
        name: 'hooks/ccotel-hook.sh (10 kB PostToolUse)',
        m: { seconds: hook.p50 / 1000, stdout: '', code: 0 },
        target: 'p99 < 10 ms',
        met: hook.p99 < 10,
        note: `p50 ${hook.p50.toFixed(1)} ms, p99 ${hook.p99.toFixed(1)} ms over ${hook.runs} runs; node -e '' p50 ${node?.p50.toFixed(1)} ms, p99 ${node?.p99.toFixed(1)} ms (measured from a fresh process)`,
      };
    },
  });
  benchCases.push({
    name: 'budget guard latency',
    async run() {
      const { latencyInFreshProcess } = await import('./hook-latency.js');
      const g = latencyInFreshProcess('guard', join(REPO, 'hooks', 'ccotel-budget-guard.sh')).hook;
      return {
        name: 'hooks/ccotel-budget-guard.sh (over budget, warning)',
        m: { seconds: g.p50 / 1000, stdout: '', code: 0 },
        target: 'p99 < 10 ms',
        met: g.p99 < 10,
        note: `p50 ${g.p50.toFixed(1)} ms, p99 ${g.p99.toFixed(1)} ms over ${g.runs} runs`,
      };
    },
  });
}

// ------------------------------------------------------------------------------------------------

/** Runs a command, timing it and measuring its peak RSS (/usr/bin/time, else /proc polling). */
export async function measure(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<Measurement> {
  const useTime = existsSync(TIME);
  // A fresh checkout has no .bench/ yet when a bench measures a given history directory.
  mkdirSync(join(REPO, '.bench'), { recursive: true });
  const rssFile = join(REPO, '.bench', `rss-${process.pid}-${Date.now()}.txt`);
  const [file, argv] = useTime ? [TIME, ['-f', '%M %U %S', '-o', rssFile, cmd, ...args]] : [cmd, args];
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(file, argv, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let hwmKB = 0;
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const poll = useTime
      ? undefined
      : setInterval(() => {
          try {
            const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
            if (m) hwmKB = Math.max(hwmKB, Number(m[1]));
          } catch {
            // exited
          }
        }, 10);
    child.on('error', reject);
    child.on('exit', (code) => {
      const seconds = (performance.now() - started) / 1000;
      clearInterval(poll);
      let rssMB: number | undefined;
      let cpuSeconds: number | undefined;
      if (useTime) {
        try {
          const [kb, user, sys] = readFileSync(rssFile, 'utf8').trim().split('\n').pop()!.split(' ').map(Number);
          if (Number.isFinite(kb)) rssMB = kb! / 1024;
          if (Number.isFinite(user! + sys!)) cpuSeconds = user! + sys!;
          rmSync(rssFile, { force: true });
        } catch {
          // no figure
        }
      } else if (hwmKB > 0) rssMB = hwmKB / 1024;
      if (code !== 0) process.stderr.write(`${cmd} ${args.join(' ')} exited ${code}:\n${stderr.slice(-2000)}\n`);
      resolve({ seconds, rssMB, cpuSeconds, stdout, stderr, code });
    });
  });
}

/** The reference: read every transcript with fs.createReadStream, split lines, JSON.parse each. */
const RAW_PARSE = `
const fs = require('node:fs'), path = require('node:path');
const root = process.argv[1];
const files = fs.readdirSync(path.join(root, 'projects'), { recursive: true }).filter((f) => f.endsWith('.jsonl')).map((f) => path.join(root, 'projects', f));
let lines = 0, bad = 0, bytes = 0;
(async () => {
  for (const f of files) {
    let carry = null;
    for await (const chunk of fs.createReadStream(f, { highWaterMark: 1 << 20 })) {
      bytes += chunk.length;
      let buf = carry ? Buffer.concat([carry, chunk]) : chunk;
      let start = 0, nl;
      while ((nl = buf.indexOf(10, start)) !== -1) {
        if (nl > start) { try { JSON.parse(buf.toString('utf8', start, nl)); lines++; } catch { bad++; } }
        start = nl + 1;
      }
      carry = start < buf.length ? buf.subarray(start) : null;
    }
  }
  process.stdout.write(JSON.stringify({ files: files.length, lines, bad, bytes }));
})();
`;

export function ensureHistory(mb: number, seed: number): { root: string; expected: Expected; dir: string } {
  const dir = join(REPO, '.bench', `history-${mb}mb-seed${seed}`);
  const root = join(dir, 'claude');
  const done = join(dir, 'expected.json');
  if (existsSync(done)) {
    process.stderr.write(`using cached history ${dir}\n`);
    return { root, dir, expected: JSON.parse(readFileSync(done, 'utf8')) as Expected };
  }
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const t0 = performance.now();
  // Every response keeps its requestId so ccusage and ccotel count the same (see the cross-check test).
  const expected = generateHistory(root, { sessions: Math.max(8, Math.round(mb / 2.5)), seed, targetBytes: mb * 1e6, faults: true, missingRequestId: 0 });
  writeFileSync(done, JSON.stringify(expected));
  process.stderr.write(`generated ${(expected.bytes / 1e6).toFixed(0)} MB (${expected.files} files) in ${((performance.now() - t0) / 1000).toFixed(1)} s into ${dir}\n`);
  return { root, dir, expected };
}

const fmt = (n: number | undefined, d = 2) => (n === undefined ? '-' : n.toFixed(d));

function printTable(rows: readonly BenchRow[], ctx: BenchContext): void {
  const head = ['case', 'wall s', 'MB/s', 'peak RSS MB', 'target', 'met'];
  const body = rows.map((r) => [r.name, fmt(r.m.seconds), fmt(r.mbPerSec, 0), fmt(r.m.rssMB, 0), r.target ?? '', r.met === undefined ? '' : r.met ? 'yes' : 'NO']);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 || i >= 4 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  process.stdout.write(`\nccotel bench: ${(ctx.bytes / 1e6).toFixed(0)} MB, ${ctx.expected.files} transcripts, node ${process.version}\n\n`);
  process.stdout.write(line(head) + '\n' + widths.map((w) => '-'.repeat(w)).join('  ') + '\n');
  for (const b of body) process.stdout.write(line(b) + '\n');
  for (const r of rows) if (r.note) process.stdout.write(`  ${r.name}: ${r.note}\n`);
}

export async function runBench(opts: { mb: number; seed: number; keepState?: boolean }): Promise<BenchRow[]> {
  if (!existsSync(CLI)) throw new Error(`${CLI} missing: run npm run build first`);
  if (DAEMON === 'only') {
    const { ensureDaemonHistory } = await import('./daemon.js');
    const h = ensureDaemonHistory(REPO, Number(process.env.BENCH_DAEMON_MB ?? process.env.BENCH_MB ?? 445), opts.seed);
    return runCases({ root: h.root, bytes: h.expected.bytes, expected: h.expected, scratch: h.dir, measure }, [], opts);
  }
  const { root, dir, expected } = ensureHistory(opts.mb, opts.seed);
  const ctx: BenchContext = { root, bytes: expected.bytes, expected, scratch: dir, measure };
  const mbps = (s: number) => expected.bytes / 1e6 / s;
  const rows: BenchRow[] = [];

  // (a) reference: plain read + parse.
  const raw = await measure(process.execPath, ['-e', RAW_PARSE, root]);
  rows.push({ name: 'node read+JSON.parse (reference)', m: raw, mbPerSec: mbps(raw.seconds) });

  // (d) ccusage, measured before ccotel so its figure is available for the target.
  let cc: Measurement | undefined;
  if (existsSync(CCUSAGE)) {
    if ((statSync(CCUSAGE).mode & 0o111) === 0) chmodSync(CCUSAGE, 0o755);
    cc = await measure(CCUSAGE, ['daily', '--json', '--offline'], { ...process.env, CLAUDE_CONFIG_DIR: root, TZ: 'UTC' });
  }

  // (b) cold and (c) warm ccotel stats.
  const state = join(dir, `state-${process.pid}`);
  rmSync(state, { recursive: true, force: true });
  const env = { ...process.env, CLAUDE_CONFIG_DIR: '', CLAUDE_RATE_INPUT: '', CLAUDE_RATE_OUTPUT: '', XDG_CONFIG_HOME: join(dir, 'no-config') };
  const args = [CLI, 'stats', '--range', 'all', '--json', '--timezone', 'UTC', '--claude-dir', root, '--state-dir', state];
  const cold = await measure(process.execPath, args, env);
  const warm = await measure(process.execPath, args, env);
  const coldReport = cold.code === 0 ? JSON.parse(cold.stdout) : undefined;
  const okTotals = coldReport && JSON.stringify(coldReport.tokens) === JSON.stringify(expected.tokens);
  rows.push({
    name: 'ccotel stats cold',
    m: cold,
    mbPerSec: mbps(cold.seconds),
    target: cc ? `< ccusage (${fmt(cc.seconds)} s), RSS < 200 MB` : 'RSS < 200 MB',
    met: (cc ? cold.seconds < cc.seconds : true) && (cold.rssMB ?? 0) < 200,
    note: okTotals ? 'tokens equal the generator\'s Expected' : `TOKENS DIFFER from Expected: ${JSON.stringify(coldReport?.tokens)} vs ${JSON.stringify(expected.tokens)}`,
  });
  rows.push({ name: 'ccotel stats warm (nothing new)', m: warm, target: '< 0.5 s, RSS < 200 MB', met: warm.seconds < 0.5 && (warm.rssMB ?? 0) < 200 });
  if (cc) {
    const t = JSON.parse(cc.stdout).totals;
    const same = coldReport && t.inputTokens === coldReport.tokens.input && t.outputTokens === coldReport.tokens.output && t.cacheCreationTokens === coldReport.tokens.cacheCreation && t.cacheReadTokens === coldReport.tokens.cacheRead;
    rows.push({ name: 'ccusage daily --json --offline', m: cc, mbPerSec: mbps(cc.seconds), note: `${same ? 'same token totals as ccotel' : 'TOKEN TOTALS DIFFER from ccotel'}; cost ${t.totalCost.toFixed(4)} vs ccotel ${coldReport?.costUSD?.toFixed(4)}` });
  } else rows.push({ name: 'ccusage daily --json --offline', m: { seconds: NaN, stdout: '', code: null }, note: `not installed (${CCUSAGE})` });

  if (!opts.keepState) rmSync(state, { recursive: true, force: true });
  return runCases(ctx, rows, opts);
}

/** Later cases (export to a real collector, the daemon shape, ...): see `benchCases` above. */
async function runCases(ctx: BenchContext, rows: BenchRow[], _opts: { keepState?: boolean }): Promise<BenchRow[]> {
  for (const c of benchCases) {
    const row = await c.run(ctx, rows);
    if (Array.isArray(row)) rows.push(...row);
    else if (row) rows.push(row);
  }
  printTable(rows, ctx);
  return rows;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const mb = Number(process.env.BENCH_MB ?? 400);
  const seed = Number(process.env.BENCH_SEED ?? 1);
  runBench({ mb, seed, keepState: process.env.BENCH_KEEP_STATE === '1' }).catch((err) => {
    process.stderr.write(`bench failed: ${(err as Error).stack ?? err}\n`);
    process.exitCode = 1;
  });
}
