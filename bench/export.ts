// Export benchmarks against a real OpenTelemetry Collector (built by scripts/build-collector.sh):
//  1. full backfill of a history into the collector: wall time, MB/s, spans/s, peak RSS;
//  2. live latency: lines appended to a transcript while `ccotel run` follows it, timed until the
//     collector has written the resulting span (p50/p95). Includes the collector's own batching
//     (200 ms) and file flush (100 ms), as a user would see it.
import { spawn } from 'node:child_process';
import { appendFileSync, mkdirSync, mkdtempSync, openSync, readSync, closeSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCollector } from '../test/support/collector.js';

const CLI = join(import.meta.dirname, '..', 'dist', 'bin', 'main.js');

export interface BackfillFigures {
  seconds: number;
  mbPerSec: number;
  spans: number;
  spansPerSec: number;
  peakRssMB: number;
}

/** Runs a command under /usr/bin/time to get its peak RSS. */
function timed(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ seconds: number; rssKB: number; stdout: string; code: number }> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn('/usr/bin/time', ['-f', '%M', cmd, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('close', (code) => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const rssKB = Number(err.trim().split('\n').pop());
      if (code !== 0) reject(new Error(`${cmd} exited ${code}: ${err.slice(-500)}`));
      else resolve({ seconds, rssKB, stdout: out, code: code ?? 0 });
    });
  });
}

export async function benchBackfill(historyRoot: string, historyBytes: number): Promise<BackfillFigures> {
  const collector = await startCollector();
  try {
    const state = mkdtempSync(join(tmpdir(), 'ccotel-bench-state-'));
    const env = { ...process.env, OTEL_EXPORTER_OTLP_ENDPOINT: collector.endpoint };
    const r = await timed(process.execPath, [CLI, 'backfill', '--json', '--claude-dir', historyRoot, '--state-dir', state, '--log-level', 'warn'], env);
    const summary = JSON.parse(r.stdout) as { spans: number };
    return { seconds: r.seconds, mbPerSec: historyBytes / 1e6 / r.seconds, spans: summary.spans, spansPerSec: summary.spans / r.seconds, peakRssMB: r.rssKB / 1024 };
  } finally {
    await collector.stop();
  }
}

export interface LatencyFigures {
  samples: number;
  p50ms: number;
  p95ms: number;
  maxms: number;
}

/** Tails the collector's trace file for tool_use ids, noting when each first appears. */
function makeTail(path: string): (ids: Set<string>, seen: Map<string, number>) => void {
  let offset = 0;
  let carry = '';
  return (ids, seen) => {
    let size = 0;
    try {
      size = statSync(path).size;
    } catch {
      return;
    }
    if (size <= offset) return;
    const fd = openSync(path, 'r');
    const buf = Buffer.alloc(size - offset);
    readSync(fd, buf, 0, buf.length, offset);
    closeSync(fd);
    offset = size;
    const text = carry + buf.toString('utf8');
    const nl = text.lastIndexOf('\n');
    carry = text.slice(nl + 1);
    const now = performance.now();
    for (const id of ids) if (!seen.has(id) && text.slice(0, nl).includes(id)) seen.set(id, now);
  };
}

export async function benchLiveLatency(samples = 40): Promise<LatencyFigures> {
  const collector = await startCollector();
  const root = mkdtempSync(join(tmpdir(), 'ccotel-bench-live-'));
  const project = join(root, 'projects', '-tmp-live');
  mkdirSync(project, { recursive: true });
  const file = join(project, 'live-session.jsonl');
  const base = { sessionId: 'live-session', cwd: '/tmp/live', version: '2.1.38', gitBranch: 'main', isSidechain: false, userType: 'external' };
  writeFileSync(file, JSON.stringify({ ...base, type: 'user', uuid: 'p0', timestamp: new Date().toISOString(), message: { role: 'user', content: 'benchmark' } }) + '\n');
  const state = mkdtempSync(join(tmpdir(), 'ccotel-bench-live-state-'));
  const daemon = spawn(process.execPath, [CLI, 'run', '--claude-dir', root, '--state-dir', state, '--log-level', 'warn', '--metrics-interval', '60s'], {
    env: { ...process.env, OTEL_EXPORTER_OTLP_ENDPOINT: collector.endpoint },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const tail = makeTail(collector.tracesFile);
  const appendedAt = new Map<string, number>();
  const seen = new Map<string, number>();
  try {
    await new Promise((r) => setTimeout(r, 1500)); // backfill of the one-line history, watcher up
    for (let i = 0; i < samples; i++) {
      const id = `toolu_bench_${i}_${Date.now()}`;
      const ts = new Date().toISOString();
      const assistant = { ...base, type: 'assistant', uuid: `a${i}`, timestamp: ts, requestId: `req_${i}`, message: { id: `msg_${i}`, model: 'claude-sonnet-4-5', role: 'assistant', content: [{ type: 'tool_use', id, name: 'Read', input: { file_path: '/tmp/live/x.ts' } }], usage: { input_tokens: 10, output_tokens: 5 } } };
      const result = { ...base, type: 'user', uuid: `r${i}`, timestamp: ts, message: { role: 'user', content: [{ type: 'tool_result', tool_use_id: id, content: 'ok' }] } };
      appendFileSync(file, JSON.stringify(assistant) + '\n' + JSON.stringify(result) + '\n');
      appendedAt.set(id, performance.now());
      const until = performance.now() + 5000;
      while (!seen.has(id) && performance.now() < until) {
        await new Promise((r) => setTimeout(r, 10));
        tail(new Set([id]), seen);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    daemon.kill('SIGTERM');
    await new Promise((r) => daemon.once('close', r));
    await collector.stop();
  }
  const lat = [...appendedAt].map(([id, t]) => (seen.get(id) ?? Infinity) - t).sort((a, b) => a - b);
  const q = (p: number) => lat[Math.min(lat.length - 1, Math.ceil(p * lat.length) - 1)]!;
  return { samples: lat.length, p50ms: q(0.5), p95ms: q(0.95), maxms: lat[lat.length - 1]! };
}

// Standalone: node --import tsx bench/export.ts <history-root> (bench/run.ts calls the functions).
if (import.meta.url === `file://${process.argv[1]}`) {
  const root = process.argv[2];
  const main = async () => {
    if (root) {
      const { execSync } = await import('node:child_process');
      const bytes = Number(execSync(`du -sb ${JSON.stringify(root)}`).toString().split('\t')[0]);
      console.log('backfill into real collector:', await benchBackfill(root, bytes));
    }
    console.log('live latency (append → span in collector output):', await benchLiveLatency());
  };
  void main();
}
