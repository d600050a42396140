// Counters across daemon restarts (SIGKILL mid-backfill, SIGTERM) and a collector restart, through a
// real OpenTelemetry Collector: every cumulative point the collector received (its file output) and
// every sample its Prometheus exporter served never goes down within one start time, and the final
// values equal the history generator's Expected (an independent count of the transcripts).
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { onCleanup, tempDir, useCleanups } from './support/temp.js';
import { ensureCollectorBinary, startCollector, type Collector, type FlatDataPoint } from './support/collector.js';
import { CLI, cliEnv, requireBuiltCli } from './support/ccotel-cli.js';
import { generateHistory, type Expected } from './support/history-generator.js';
import { waitFor } from './support/wait.js';

useCleanups();

const KILLS = Number(process.env.METRICS_RESTARTS_KILLS ?? 4);

interface Daemon {
  child: ChildProcess;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  output(): string;
}

/**
 * A pass-through in front of the collector, so the test sees the moment an export of metrics has
 * reached it (its files show it only after the batch processor and the file flush, ~300 ms later).
 */
async function proxy(col: Collector): Promise<{ endpoint: string; onMetrics?: () => void }> {
  const p: { endpoint: string; onMetrics?: () => void } = { endpoint: '' };
  const body = async (req: IncomingMessage): Promise<Buffer> => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    return Buffer.concat(chunks);
  };
  const server = createServer((req, res) => {
    void (async () => {
      const data = await body(req);
      // The export is complete here and goes on to the collector whatever happens to its sender.
      if (req.url === '/v1/metrics') p.onMetrics?.();
      const r = await fetch(col.endpoint + req.url, { method: req.method, headers: { 'content-type': req.headers['content-type'] ?? 'application/x-protobuf' }, body: new Uint8Array(data) }).catch(() => undefined);
      if (!r) return void res.destroy();
      const answer = Buffer.from(await r.arrayBuffer());
      res.writeHead(r.status, { 'content-type': r.headers.get('content-type') ?? 'application/x-protobuf' }).end(answer);
    })();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  onCleanup(() => new Promise<void>((r) => server.close(() => r())));
  p.endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return p;
}

function daemon(root: string, state: string, col: { endpoint: string }): Daemon {
  // A short export interval and commits every 32 MB (8 by default), so exports land between two
  // commits of the backfill, where a kill takes back what was read since the last one.
  const args = ['run', '--claude-dir', root, '--state-dir', state, '--timezone', 'UTC', '--metrics-interval', '200ms', '--session-idle', '1s', '--log-format', 'text'];
  const child = spawn(process.execPath, [CLI, ...args], { env: { ...cliEnv(), OTEL_EXPORTER_OTLP_ENDPOINT: col.endpoint, CCOTEL_COMMIT_MB: '32' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (out += d));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  onCleanup(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exit;
  });
  return { child, exit, output: () => out };
}

/** Transcript bytes checkpointed in state.json (0 before the first commit). */
function checkpointed(state: string): number {
  try {
    const s = JSON.parse(readFileSync(join(state, 'state.json'), 'utf8')) as { files: Record<string, { offset: number }> };
    return Object.values(s.files).reduce((a, f) => a + f.offset, 0);
  } catch {
    return 0;
  }
}

const seriesKey = (p: { name: string; attributes: object; resource?: object }): string => JSON.stringify([p.name, p.attributes, p.resource ?? {}]);

/** Each decrease of a cumulative point (sum value, histogram count or a cumulative bucket) within one start time. */
function decreases(points: FlatDataPoint[]): string[] {
  const last = new Map<string, { start: string | undefined; time: bigint; values: number[] }>();
  const out: string[] = [];
  const sorted = points.filter((p) => (p.type === 'sum' && p.isMonotonic) || p.type === 'histogram').sort((a, b) => (BigInt(a.timeUnixNano) < BigInt(b.timeUnixNano) ? -1 : 1));
  for (const p of sorted) {
    let values: number[];
    if (p.type === 'sum') values = [p.value ?? 0];
    else {
      let acc = 0;
      values = [p.count ?? 0, ...(p.bucketCounts ?? []).map((c) => (acc += c))];
    }
    const k = seriesKey(p);
    const prev = last.get(k);
    if (prev && prev.start === p.startTimeUnixNano && values.some((v, i) => v < (prev.values[i] ?? 0))) {
      out.push(`${p.name} ${JSON.stringify(p.attributes)}: ${JSON.stringify(prev.values)} at ${prev.time} then ${JSON.stringify(values)} at ${p.timeUnixNano}`);
    }
    last.set(k, { start: p.startTimeUnixNano, time: BigInt(p.timeUnixNano), values });
  }
  return out;
}

/** Latest counter values, summed by one attribute (or all together with attr ''). */
function latestBy(points: FlatDataPoint[], name: string, attr: string, where: Record<string, string> = {}): Record<string, number> {
  const latest = new Map<string, FlatDataPoint>();
  for (const p of points) {
    if (p.name !== name || !Object.entries(where).every(([k, v]) => p.attributes[k] === v)) continue;
    const k = seriesKey(p);
    const prev = latest.get(k);
    if (!prev || BigInt(p.timeUnixNano) >= BigInt(prev.timeUnixNano)) latest.set(k, p);
  }
  const out: Record<string, number> = {};
  for (const p of latest.values()) {
    const key = attr ? String(p.attributes[attr]) : '';
    out[key] = (out[key] ?? 0) + (p.value ?? 0);
  }
  return Object.fromEntries(Object.entries(out).filter(([, v]) => v !== 0).sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** The collector's latest metrics against Expected (empty: equal). */
function diffsFromExpected(points: FlatDataPoint[], exp: Expected): string[] {
  const diffs: string[] = [];
  const eq = (what: string, got: unknown, want: unknown): void => {
    if (JSON.stringify(got) !== JSON.stringify(want)) diffs.push(`${what}: got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
  };
  const nz = (o: Record<string, number>): Record<string, number> => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== 0).sort(([a], [b]) => (a < b ? -1 : 1)));
  eq('tokens', latestBy(points, 'ccotel.token.usage', 'type'), nz({ cache_creation: exp.tokens.cacheCreation, cache_read: exp.tokens.cacheRead, input: exp.tokens.input, output: exp.tokens.output }));
  const cost = latestBy(points, 'ccotel.cost.usage', '')[''] ?? 0;
  if (!(Math.abs(cost - exp.costUSD) <= 1e-6)) diffs.push(`cost: got ${cost}, want ${exp.costUSD}`);
  const ok: Record<string, number> = {};
  const err: Record<string, number> = {};
  for (const [tool, t] of Object.entries(exp.tools)) {
    ok[tool] = t.calls - t.errors - (exp.pendingTools[tool] ?? 0);
    err[tool] = t.errors;
  }
  eq('tool calls (success)', latestBy(points, 'ccotel.tool.calls', 'tool', { outcome: 'success' }), nz(ok));
  eq('tool calls (error)', latestBy(points, 'ccotel.tool.calls', 'tool', { outcome: 'error' }), nz(err));
  const requests: Record<string, number> = {};
  for (const [m, v] of Object.entries(exp.models)) if (m !== '<synthetic>') requests[m] = v.requests;
  eq('requests by model', latestBy(points, 'ccotel.model.requests', 'model'), nz(requests));
  for (const [name, n] of [
    ['ccotel.api.errors', exp.apiErrors],
    ['ccotel.sessions', exp.sessions],
    ['ccotel.subagents', exp.subagents],
    ['ccotel.prompts', exp.prompts],
    ['ccotel.compactions', exp.compactions],
  ] as const) eq(name, latestBy(points, name, '')[''] ?? 0, n);
  return diffs;
}

/** Scrapes the collector's Prometheus exporter until stopped; records every counter sample that went down. */
function watchPrometheus(col: Collector): { stop(): Promise<string[]>; scrapes(): number } {
  const seen = new Map<string, number>();
  const down: string[] = [];
  let scrapes = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      const text = await fetch(col.prometheusUrl).then((r) => (r.ok ? r.text() : ''), () => '');
      if (text) scrapes++;
      for (const line of text.split('\n')) {
        const m = /^(ccotel_\w+(?:_total|_bucket|_count))(\{.*\})? (\S+)$/.exec(line);
        if (!m) continue;
        const key = m[1]! + (m[2] ?? '');
        const v = Number(m[3]);
        const prev = seen.get(key);
        if (prev !== undefined && v < prev) down.push(`${key}: ${prev} then ${v}`);
        seen.set(key, v);
      }
      await sleep(50);
    }
  })();
  return {
    scrapes: () => scrapes,
    stop: async () => {
      running = false;
      await loop;
      return down;
    },
  };
}

describe('counters across daemon and collector restarts (real collector, real CLI)', () => {
  beforeAll(async () => {
    requireBuiltCli();
    await ensureCollectorBinary();
  });

  it('never go down in the collector files or its Prometheus output, and end equal to Expected', async () => {
    const root = await tempDir('root');
    const exp = generateHistory(root, { sessions: 60, seed: 57, faults: true, targetBytes: Number(process.env.METRICS_RESTARTS_MB ?? 150) * 1e6 });
    const col = await startCollector();
    onCleanup(() => col.stop());
    const state = await tempDir('state');
    const prom = watchPrometheus(col);
    const px = await proxy(col);
    const exportsNow = async (): Promise<number> => new Set((await col.readMetrics()).map((p) => p.timeUnixNano)).size;

    // SIGKILLs mid-backfill, each once this daemon has committed something and exports again.
    for (let i = 0; i < KILLS; i++) {
      const before = checkpointed(state);
      const d = daemon(root, state, px);
      // Killed the moment an export reaches the collector (it still gets it), often between two commits.
      const killed = new Promise<void>((resolve) => {
        px.onMetrics = () => {
          if (checkpointed(state) <= before) return;
          d.child.kill('SIGKILL');
          px.onMetrics = undefined;
          resolve();
        };
      });
      await Promise.race([killed, d.exit]);
      expect((await d.exit).signal).toBe('SIGKILL');
      console.log(`[metrics-restarts] kill ${i + 1}: ${(checkpointed(state) / 1e6).toFixed(1)} of ${(exp.bytes / 1e6).toFixed(1)} MB checkpointed, ${await exportsNow()} exports`);
    }

    // A clean stop (SIGTERM) mid-way, then a daemon that sees the collector go down and come back.
    const d4 = daemon(root, state, px);
    const at4 = await exportsNow();
    await waitFor(async () => ((await exportsNow()) >= at4 + 3 ? true : undefined), { timeoutMs: 60_000, intervalMs: 20, what: 'daemon 4 exports' });
    d4.child.kill('SIGTERM');
    expect(await d4.exit, d4.output().slice(-2000)).toEqual({ code: 0, signal: null });

    const d5 = daemon(root, state, px);
    const at5 = await exportsNow();
    await waitFor(async () => ((await exportsNow()) >= at5 + 2 ? true : undefined), { timeoutMs: 60_000, intervalMs: 20, what: 'daemon 5 exports' });
    await col.stop();
    await sleep(1500);
    await col.restart();
    await waitFor(async () => (diffsFromExpected(await col.readMetrics(), exp).length === 0 ? true : undefined), { timeoutMs: 120_000, intervalMs: 250, what: 'metrics equal Expected' }).catch(async (e) => {
      throw new Error(`${(e as Error).message}:\n${diffsFromExpected(await col.readMetrics(), exp).join('\n')}\n${d5.output().slice(-2000)}`);
    });
    d5.child.kill('SIGTERM');
    expect(await d5.exit, d5.output().slice(-2000)).toEqual({ code: 0, signal: null });
    await sleep(500);
    const downInProm = await prom.stop();
    await col.stop();

    const points = await col.readMetrics();
    const starts = new Set(points.filter((p) => p.type === 'sum' && p.isMonotonic).map((p) => p.startTimeUnixNano));
    expect(starts.size, 'one start time over every restart').toBe(1);
    expect(decreases(points)).toEqual([]);
    expect(prom.scrapes()).toBeGreaterThan(10);
    expect(downInProm).toEqual([]);
    expect(diffsFromExpected(points, exp)).toEqual([]);
  }, 300_000);
});
