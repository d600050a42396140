/**
 * A real OpenTelemetry Collector (otelcol-ccotel, built by scripts/build-collector.sh) for
 * end-to-end tests: OTLP/HTTP in on a free 127.0.0.1 port, everything received written as OTLP
 * JSON lines to files in a temp dir (read back flattened with readSpans/readMetrics), metrics also
 * served by a Prometheus exporter. The collector can be stopped and restarted on the same ports
 * and files to test "backend down, then back".
 *
 *   const bin = await ensureCollectorBinary();          // in a beforeAll with a long hookTimeout
 *   const col = await startCollector();
 *   ... point ccotel at col.endpoint ...
 *   const spans = await waitFor(async () => { const s = await col.readSpans(); return s.length ? s : undefined; });
 *   await col.stop();
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { access, appendFile, constants, mkdir, mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { createConnection, createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { waitFor } from './wait.js';

export { waitFor } from './wait.js';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const HOST = '127.0.0.1';

// ---------------------------------------------------------------------------------------------
// binary

let binaryPromise: Promise<string> | undefined;

/**
 * Path of the collector binary: $CCOTEL_OTELCOL_BIN if set, else whatever
 * scripts/build-collector.sh prints (it builds once, minutes, then answers from its cache).
 * Runs the script at most once per process.
 */
export function ensureCollectorBinary(): Promise<string> {
  if (!binaryPromise) {
    const p = resolveBinary();
    binaryPromise = p;
    // A failed build is not remembered: the next caller tries again.
    p.catch(() => {
      if (binaryPromise === p) binaryPromise = undefined;
    });
  }
  return binaryPromise;
}

async function resolveBinary(): Promise<string> {
  const fromEnv = process.env['CCOTEL_OTELCOL_BIN'];
  if (fromEnv) {
    try {
      await access(fromEnv, constants.X_OK);
    } catch {
      throw new Error(`CCOTEL_OTELCOL_BIN=${fromEnv} is not an executable file`);
    }
    return fromEnv;
  }
  const script = join(REPO_ROOT, 'scripts', 'build-collector.sh');
  return await new Promise<string>((resolve, reject) => {
    const child = spawn('bash', [script], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
      process.stderr.write(d); // build progress: the first run takes minutes
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const path = stdout.trim().split('\n').pop()?.trim() ?? '';
      if (code === 0 && path) resolve(path);
      else reject(new Error(`scripts/build-collector.sh failed (${signal ?? `exit ${code}`}):\n${tail(stderr, 40)}`));
    });
  });
}

// ---------------------------------------------------------------------------------------------
// flattened OTLP

export type AttrValue = string | number | boolean | null | AttrValue[] | { [key: string]: AttrValue };
export type Attributes = Record<string, AttrValue>;

export interface FlatSpan {
  traceId: string;
  spanId: string;
  /** undefined for a root span */
  parentSpanId: string | undefined;
  name: string;
  /** OTLP SpanKind number: 0 unspecified, 1 internal, 2 server, 3 client, 4 producer, 5 consumer */
  kind: number;
  /** nanoseconds since the epoch, as OTLP JSON has them (decimal strings); BigInt() them for math */
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: Attributes;
  /** code: 0 unset, 1 ok, 2 error */
  status: { code?: number; message?: string };
  events: { name: string; timeUnixNano: string; attributes: Attributes }[];
  links: { traceId: string; spanId: string; attributes: Attributes }[];
  scope: { name: string; version?: string };
  resource: Attributes;
}

export type MetricType = 'sum' | 'gauge' | 'histogram' | 'exponentialHistogram' | 'summary';

export interface FlatDataPoint {
  name: string;
  unit?: string;
  description?: string;
  type: MetricType;
  /** sums only */
  isMonotonic?: boolean;
  /** sums and histograms */
  temporality?: 'delta' | 'cumulative';
  attributes: Attributes;
  /** sum/gauge: asDouble or asInt; histogram/summary: the sum (or undefined) */
  value: number | undefined;
  count?: number;
  sum?: number;
  min?: number;
  max?: number;
  bucketCounts?: number[];
  explicitBounds?: number[];
  timeUnixNano: string;
  startTimeUnixNano: string | undefined;
  scope: { name: string; version?: string };
  resource: Attributes;
}

interface OtlpKeyValue {
  key: string;
  value?: OtlpAnyValue;
}
interface OtlpAnyValue {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: string | number;
  doubleValue?: number | string;
  arrayValue?: { values?: OtlpAnyValue[] };
  kvlistValue?: { values?: OtlpKeyValue[] };
  bytesValue?: string;
}
type Json = Record<string, unknown>;

function num(v: unknown): number | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v === 'number') return v;
  if (typeof v === 'string') return Number(v); // int64 as string; also "NaN", "Infinity"
  return undefined;
}

export function flattenAnyValue(v: OtlpAnyValue | undefined): AttrValue {
  if (!v) return null;
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.boolValue !== undefined) return v.boolValue;
  if (v.intValue !== undefined) return Number(v.intValue);
  if (v.doubleValue !== undefined) return Number(v.doubleValue);
  if (v.arrayValue !== undefined) return (v.arrayValue.values ?? []).map(flattenAnyValue);
  if (v.kvlistValue !== undefined) return flattenAttributes(v.kvlistValue.values);
  if (v.bytesValue !== undefined) return v.bytesValue; // base64, as OTLP JSON has it
  return null;
}

export function flattenAttributes(kvs: OtlpKeyValue[] | undefined): Attributes {
  const out: Attributes = {};
  for (const kv of kvs ?? []) out[kv.key] = flattenAnyValue(kv.value);
  return out;
}

function arr(v: unknown): Json[] {
  return Array.isArray(v) ? (v as Json[]) : [];
}
function attrsOf(o: Json | undefined): Attributes {
  return flattenAttributes(o?.['attributes'] as OtlpKeyValue[] | undefined);
}
function scopeOf(o: Json): { name: string; version?: string } {
  const s = (o['scope'] ?? {}) as Json;
  const version = s['version'] as string | undefined;
  return { name: (s['name'] as string | undefined) ?? '', ...(version ? { version } : {}) };
}

const STATUS_CODES: Record<string, number> = { STATUS_CODE_UNSET: 0, STATUS_CODE_OK: 1, STATUS_CODE_ERROR: 2 };
const SPAN_KINDS: Record<string, number> = {
  SPAN_KIND_UNSPECIFIED: 0,
  SPAN_KIND_INTERNAL: 1,
  SPAN_KIND_SERVER: 2,
  SPAN_KIND_CLIENT: 3,
  SPAN_KIND_PRODUCER: 4,
  SPAN_KIND_CONSUMER: 5,
};
function enumNum(v: unknown, names: Record<string, number>): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'string') return names[v] ?? (Number.isFinite(Number(v)) ? Number(v) : undefined);
  return undefined;
}

/** Flattens one OTLP JSON ExportTraceServiceRequest (or TracesData). */
export function flattenTraces(request: Json): FlatSpan[] {
  const out: FlatSpan[] = [];
  for (const rs of arr(request['resourceSpans'])) {
    const resource = attrsOf(rs['resource'] as Json | undefined);
    for (const ss of arr(rs['scopeSpans'])) {
      const scope = scopeOf(ss);
      for (const s of arr(ss['spans'])) {
        const st = (s['status'] ?? {}) as Json;
        const code = enumNum(st['code'], STATUS_CODES);
        const message = st['message'] as string | undefined;
        out.push({
          traceId: (s['traceId'] as string | undefined) ?? '',
          spanId: (s['spanId'] as string | undefined) ?? '',
          parentSpanId: (s['parentSpanId'] as string | undefined) || undefined,
          name: (s['name'] as string | undefined) ?? '',
          kind: enumNum(s['kind'], SPAN_KINDS) ?? 0,
          startTimeUnixNano: String(s['startTimeUnixNano'] ?? '0'),
          endTimeUnixNano: String(s['endTimeUnixNano'] ?? '0'),
          attributes: attrsOf(s),
          status: { ...(code !== undefined ? { code } : {}), ...(message ? { message } : {}) },
          events: arr(s['events']).map((e) => ({
            name: (e['name'] as string | undefined) ?? '',
            timeUnixNano: String(e['timeUnixNano'] ?? '0'),
            attributes: attrsOf(e),
          })),
          links: arr(s['links']).map((l) => ({
            traceId: (l['traceId'] as string | undefined) ?? '',
            spanId: (l['spanId'] as string | undefined) ?? '',
            attributes: attrsOf(l),
          })),
          scope,
          resource,
        });
      }
    }
  }
  return out;
}

const TEMPORALITY: Record<string, 'delta' | 'cumulative'> = {
  '1': 'delta',
  '2': 'cumulative',
  AGGREGATION_TEMPORALITY_DELTA: 'delta',
  AGGREGATION_TEMPORALITY_CUMULATIVE: 'cumulative',
};

/** Flattens one OTLP JSON ExportMetricsServiceRequest (or MetricsData) into data points. */
export function flattenMetrics(request: Json): FlatDataPoint[] {
  const out: FlatDataPoint[] = [];
  for (const rm of arr(request['resourceMetrics'])) {
    const resource = attrsOf(rm['resource'] as Json | undefined);
    for (const sm of arr(rm['scopeMetrics'])) {
      const scope = scopeOf(sm);
      for (const m of arr(sm['metrics'])) {
        const types: MetricType[] = ['sum', 'gauge', 'histogram', 'exponentialHistogram', 'summary'];
        const type = types.find((t) => m[t] !== undefined);
        if (!type) continue;
        const body = m[type] as Json;
        const temporality = TEMPORALITY[String(body['aggregationTemporality'] ?? '')];
        const unit = (m['unit'] as string | undefined) || undefined;
        const description = (m['description'] as string | undefined) || undefined;
        for (const dp of arr(body['dataPoints'])) {
          const point: FlatDataPoint = {
            name: (m['name'] as string | undefined) ?? '',
            ...(unit ? { unit } : {}),
            ...(description ? { description } : {}),
            type,
            attributes: attrsOf(dp),
            value: undefined,
            timeUnixNano: String(dp['timeUnixNano'] ?? '0'),
            startTimeUnixNano: dp['startTimeUnixNano'] === undefined ? undefined : String(dp['startTimeUnixNano']),
            scope,
            resource,
          };
          if (type === 'sum') point.isMonotonic = body['isMonotonic'] === true;
          if (temporality) point.temporality = temporality;
          if (type === 'sum' || type === 'gauge') {
            point.value = num(dp['asDouble']) ?? num(dp['asInt']) ?? 0;
          } else {
            const count = num(dp['count']);
            const sum = num(dp['sum']);
            const min = num(dp['min']);
            const max = num(dp['max']);
            point.value = sum;
            point.count = count ?? 0;
            if (sum !== undefined) point.sum = sum;
            if (min !== undefined) point.min = min;
            if (max !== undefined) point.max = max;
            if (type === 'histogram') {
              point.bucketCounts = (dp['bucketCounts'] as unknown[] | undefined)?.map(Number) ?? [];
              point.explicitBounds = (dp['explicitBounds'] as unknown[] | undefined)?.map(Number) ?? [];
            }
          }
          out.push(point);
        }
      }
    }
  }
  return out;
}

/**
 * Parses a file of OTLP JSON lines as the fileexporter writes them: one export request per line,
 * written through a buffer flushed every flush_interval, so the last line may still be incomplete
 * and is skipped until its newline arrives. A missing file reads as no lines.
 */
export async function readJsonLines(path: string): Promise<Json[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const lines = text.split('\n');
  lines.pop(); // '' after the last newline, or an incomplete line
  const out: Json[] = [];
  for (const [i, line] of lines.entries()) {
    if (!line.trim()) continue;
    try {
      out.push(JSON.parse(line) as Json);
    } catch (err) {
      throw new Error(`${path}:${i + 1}: not JSON (${(err as Error).message}): ${line.slice(0, 200)}`);
    }
  }
  return out;
}

/** True when every key of `filter` is in `attrs` with a deeply equal value. */
export function matchesAttributes(attrs: Attributes, filter: Attributes | undefined): boolean {
  if (!filter) return true;
  return Object.entries(filter).every(([k, v]) => k in attrs && JSON.stringify(attrs[k]) === JSON.stringify(v));
}

function attrKey(attrs: Attributes): string {
  return JSON.stringify(Object.keys(attrs).sort().map((k) => [k, attrs[k]]));
}

/**
 * The latest data point (by timeUnixNano, then file order) of metric `name` for each distinct
 * attribute set (resource attributes included), optionally only those whose data point
 * attributes match `filter`.
 */
export function latestPoints(points: FlatDataPoint[], name: string, filter?: Attributes): FlatDataPoint[] {
  const latest = new Map<string, FlatDataPoint>();
  for (const p of points) {
    if (p.name !== name || !matchesAttributes(p.attributes, filter)) continue;
    const key = attrKey(p.attributes) + attrKey(p.resource);
    const prev = latest.get(key);
    if (!prev || BigInt(p.timeUnixNano) >= BigInt(prev.timeUnixNano)) latest.set(key, p);
  }
  return [...latest.values()];
}

// ---------------------------------------------------------------------------------------------
// the collector process

export interface StartCollectorOptions {
  /** OTLP/HTTP port (default: a free one). */
  httpPort?: number;
  /** Where config, output files and the log go (default: a new temp dir). Files there are appended to. */
  dir?: string;
  /** How long to wait for the collector to accept OTLP connections (default 30 000 ms). */
  readyTimeoutMs?: number;
}

export interface Collector {
  /** OTLP/HTTP base URL, e.g. http://127.0.0.1:43187 (POST `${endpoint}/v1/traces`). */
  readonly endpoint: string;
  readonly httpPort: number;
  /** Prometheus exporter scrape URL, e.g. http://127.0.0.1:43188/metrics */
  readonly prometheusUrl: string;
  readonly dir: string;
  readonly tracesFile: string;
  readonly metricsFile: string;
  readonly logsFile: string;
  /** The collector's own stdout+stderr, over all its runs. */
  readonly logFile: string;
  readonly configFile: string;
  /** Whether the process is running. */
  readonly running: boolean;
  /** SIGTERM (SIGKILL after 10 s), then waits for the exit; output is flushed. No-op when stopped. */
  stop(): Promise<void>;
  /** Starts again (stopping first if running) on the same ports, config and files. */
  restart(): Promise<void>;
  readSpans(): Promise<FlatSpan[]>;
  readMetrics(): Promise<FlatDataPoint[]>;
  /** See latestPoints(). */
  latestMetric(name: string, attrsFilter?: Attributes): Promise<FlatDataPoint[]>;
  /** Last lines of the collector's log. */
  logTail(lines?: number): Promise<string>;
}

const live = new Set<ChildProcess>();
let exitHookInstalled = false;
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // A test that forgets stop() (or a crash) must not leave collectors holding ports.
  process.on('exit', () => {
    for (const child of live) child.kill('SIGKILL');
  });
}

/**
 * Distinct free loopback ports, all held open together while choosing so none repeats. They are
 * closed again before the caller binds them, so another process may take one first: callers retry
 * on "address already in use" (startCollector does).
 */
export async function freePorts(n: number): Promise<number[]> {
  const servers: Server[] = [];
  try {
    for (let i = 0; i < n; i++) {
      const server = createServer();
      servers.push(server);
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, HOST, () => resolve());
      });
    }
    return servers.map((s) => {
      const addr = s.address();
      if (!addr || typeof addr === 'string') throw new Error('freePorts: no port');
      return addr.port;
    });
  } finally {
    await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  }
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, HOST, () => server.close(() => resolve(true)));
  });
}

function portAccepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: HOST, port });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
    socket.setTimeout(1000, () => done(false));
  });
}

async function readFrom(path: string, offset: number): Promise<string> {
  return (await readFile(path)).subarray(offset).toString('utf8');
}

function tail(text: string, lines: number): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

function collectorConfig(p: { httpPort: number; promPort: number; dir: string }): object {
  const file = (name: string): object => ({
    path: join(p.dir, name),
    format: 'json',
    // restart() must not truncate what the previous run wrote (append excludes rotation)
    append: true,
    flush_interval: '100ms',
  });
  return {
    receivers: {
      otlp: { protocols: { http: { endpoint: `${HOST}:${p.httpPort}` } } },
    },
    processors: {
      batch: { timeout: '200ms' },
    },
    exporters: {
      'file/traces': file('traces.jsonl'),
      'file/metrics': file('metrics.jsonl'),
      'file/logs': file('logs.jsonl'),
      prometheus: {
        endpoint: `${HOST}:${p.promPort}`,
        // as otel-collector.yaml at the repo root: resource attributes become labels
        resource_to_telemetry_conversion: { enabled: true },
        metric_expiration: '24h',
      },
    },
    service: {
      // the collector's own metrics would bind :8888 and clash with a second collector
      telemetry: { metrics: { level: 'none' }, logs: { level: 'info' } },
      pipelines: {
        traces: { receivers: ['otlp'], processors: ['batch'], exporters: ['file/traces'] },
        metrics: { receivers: ['otlp'], processors: ['batch'], exporters: ['file/metrics', 'prometheus'] },
        logs: { receivers: ['otlp'], processors: ['batch'], exporters: ['file/logs'] },
      },
    },
  };
}

export async function startCollector(opts: StartCollectorOptions = {}): Promise<Collector> {
  const bin = await ensureCollectorBinary();
  const dir = opts.dir ?? (await mkdtemp(join(tmpdir(), 'ccotel-otelcol-')));
  await mkdir(dir, { recursive: true });
  const readyTimeoutMs = opts.readyTimeoutMs ?? 30_000;
  let httpPort = 0;
  let promPort = 0;
  const configFile = join(dir, 'otelcol.json'); // JSON is YAML: the collector reads it as is
  const choosePorts = async (): Promise<void> => {
    const [a, b] = await freePorts(2);
    httpPort = opts.httpPort ?? a!;
    promPort = b === httpPort ? a! : b!;
    await writeFile(configFile, JSON.stringify(collectorConfig({ httpPort, promPort, dir }), null, 2) + '\n');
  };
  await choosePorts();
  const logFile = join(dir, 'collector.log');
  const tracesFile = join(dir, 'traces.jsonl');
  const metricsFile = join(dir, 'metrics.jsonl');
  const logsFile = join(dir, 'logs.jsonl');
  installExitHook();

  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();

  const logTail = async (lines = 30): Promise<string> => {
    try {
      return tail(await readFile(logFile, 'utf8'), lines);
    } catch {
      return '(no log)';
    }
  };

  const launch = async (): Promise<void> => {
    // After a stop (or with a caller-chosen port) the ports must be free before the new run binds.
    for (const port of [httpPort, promPort]) {
      await waitFor(async () => ((await portIsFree(port)) ? true : undefined), {
        timeoutMs: readyTimeoutMs,
        intervalMs: 100,
        what: `port ${HOST}:${port} to be free`,
      });
    }
    await appendFile(logFile, `--- ${new Date().toISOString()} starting ${bin} --config ${configFile}\n`);
    // Ready = this run logged "Everything is ready" while alive: a port that accepts connections
    // could belong to another process that took it first.
    const logStart = (await stat(logFile)).size;
    const fd = openSync(logFile, 'a');
    let proc: ChildProcess;
    try {
      proc = spawn(bin, ['--config', configFile], { cwd: dir, stdio: ['ignore', fd, fd] });
    } finally {
      closeSync(fd);
    }
    child = proc;
    live.add(proc);
    let exitInfo: string | undefined;
    exited = new Promise<void>((resolve) => {
      proc.once('error', (err) => {
        exitInfo = `spawn error: ${err.message}`;
        live.delete(proc);
        resolve();
      });
      proc.once('exit', (code, signal) => {
        exitInfo = signal ? `killed by ${signal}` : `exit code ${code}`;
        live.delete(proc);
        resolve();
      });
    });
    const started = Date.now();
    for (;;) {
      if (exitInfo !== undefined) {
        child = undefined;
        throw new Error(
          `otelcol exited during startup (${exitInfo}); log ${logFile}:\n${await logTail()}`,
        );
      }
      if ((await portAccepts(httpPort)) && (await readFrom(logFile, logStart)).includes('Everything is ready')) {
        if (exitInfo === undefined) return;
        continue;
      }
      if (Date.now() - started > readyTimeoutMs) {
        proc.kill('SIGKILL');
        await exited;
        child = undefined;
        throw new Error(
          `otelcol did not accept connections on ${HOST}:${httpPort} within ${readyTimeoutMs} ms; log ${logFile}:\n${await logTail()}`,
        );
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  };

  const stop = async (): Promise<void> => {
    const proc = child;
    if (!proc) return;
    child = undefined;
    if (proc.exitCode === null && proc.signalCode === null) {
      proc.kill('SIGTERM');
      const killer = setTimeout(() => proc.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(killer);
    }
  };

  // The ports were free when chosen; if another process bound one since, choose again.
  for (let attempt = 1; ; attempt++) {
    try {
      await launch();
      break;
    } catch (err) {
      if (opts.httpPort !== undefined || attempt >= 5 || !/address already in use/i.test((err as Error).message)) throw err;
      await choosePorts();
    }
  }

  const collector: Collector = {
    endpoint: `http://${HOST}:${httpPort}`,
    httpPort,
    prometheusUrl: `http://${HOST}:${promPort}/metrics`,
    dir,
    tracesFile,
    metricsFile,
    logsFile,
    logFile,
    configFile,
    get running() {
      return child !== undefined && child.exitCode === null && child.signalCode === null;
    },
    stop,
    restart: async () => {
      await stop();
      await launch();
    },
    readSpans: async () => (await readJsonLines(tracesFile)).flatMap(flattenTraces),
    readMetrics: async () => (await readJsonLines(metricsFile)).flatMap(flattenMetrics),
    latestMetric: async (name, attrsFilter) =>
      latestPoints((await readJsonLines(metricsFile)).flatMap(flattenMetrics), name, attrsFilter),
    logTail,
  };
  return collector;
}
