/**
 * The native stack harness: the OpenTelemetry Collector, Prometheus 3, Alertmanager and Jaeger v2
 * as local processes on free 127.0.0.1 ports, run with the repo's own config files (the very files
 * deploy/docker-compose.yml mounts), rewritten only for ports and paths:
 *   otel-collector.yaml and deploy/jaeger/config.yaml: unchanged, ports set through their ${env:…} variables;
 *   deploy/prometheus/prometheus.yml: the compose host:port targets and the rule_files paths replaced;
 *   deploy/alertmanager/alertmanager.yml: unchanged (its ports are command-line flags).
 * Used by the stack tests and by `npm run stack` (scripts/stack.ts) for people without Docker.
 *
 * Binaries: scripts/build-collector.sh, build-prometheus.sh and build-jaeger.sh (built once, cached
 * in ~/.cache/ccotel), Alertmanager from $CCOTEL_ALERTMANAGER_BIN, `alertmanager` or Debian's
 * `prometheus-alertmanager` on PATH (apt-get install prometheus-alertmanager).
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';
import { freePorts } from './collector.js';
import { waitFor } from './wait.js';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const DEPLOY = join(REPO_ROOT, 'deploy');
const HOST = '127.0.0.1';

/** The config files compose mounts and the harness runs: one list, checked by test/stack-config.test.ts. */
export const STACK_CONFIG_FILES = {
  collector: join(REPO_ROOT, 'otel-collector.yaml'),
  prometheus: join(DEPLOY, 'prometheus', 'prometheus.yml'),
  rules: join(DEPLOY, 'prometheus', 'rules'),
  alertmanager: join(DEPLOY, 'alertmanager', 'alertmanager.yml'),
  jaeger: join(DEPLOY, 'jaeger', 'config.yaml'),
} as const;

// ---------------------------------------------------------------------------------------------
// binaries

/**
 * Prometheus flags beyond paths and addresses: the same in deploy/docker-compose.yml (the compose
 * test checks). OTLP receiver on; delta sums (Claude Code's native export may use delta
 * temporality) converted to cumulative; lifecycle API for reloads after editing thresholds.yml.
 */
export const PROMETHEUS_FLAGS = ['--web.enable-otlp-receiver', '--enable-feature=otlp-deltatocumulative', '--web.enable-lifecycle'] as const;

const built = new Map<string, Promise<string>>();

/** Runs one of scripts/build-*.sh once per process and returns the last line it prints. */
export function buildScript(name: 'build-collector' | 'build-prometheus' | 'build-jaeger'): Promise<string> {
  let p = built.get(name);
  if (!p) {
    p = new Promise<string>((resolve, reject) => {
      const child = spawn('bash', [join(REPO_ROOT, 'scripts', `${name}.sh`)], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
      child.stderr.setEncoding('utf8').on('data', (d: string) => {
        err += d;
        process.stderr.write(d); // first builds take minutes
      });
      child.on('error', reject);
      child.on('close', (code) => {
        const path = out.trim().split('\n').pop()?.trim() ?? '';
        if (code === 0 && path) resolve(path);
        else reject(new Error(`scripts/${name}.sh failed (exit ${code}):\n${err.trimEnd().split('\n').slice(-30).join('\n')}`));
      });
    });
    built.set(name, p);
    p.catch(() => built.delete(name));
  }
  return p;
}

export interface StackBinaries {
  collector: string;
  prometheus: string;
  promtool: string;
  alertmanager: string;
  amtool: string | undefined;
  jaeger: string;
}

function onPath(names: string[]): string | undefined {
  for (const dir of (process.env['PATH'] ?? '').split(delimiter)) {
    for (const n of names) {
      const p = join(dir, n);
      if (existsSync(p)) return p;
    }
  }
  return undefined;
}

export function alertmanagerBinary(): string {
  const bin = process.env['CCOTEL_ALERTMANAGER_BIN'] || onPath(['alertmanager', 'prometheus-alertmanager']);
  if (!bin) throw new Error('Alertmanager not found: apt-get install prometheus-alertmanager, or set CCOTEL_ALERTMANAGER_BIN');
  return bin;
}

export async function prometheusBinaries(): Promise<{ prometheus: string; promtool: string }> {
  const dir = await buildScript('build-prometheus');
  return { prometheus: join(dir, 'prometheus'), promtool: join(dir, 'promtool') };
}

export async function stackBinaries(): Promise<StackBinaries> {
  // Sequential: three Go builds at once on a small machine only slow each other down.
  const collector = process.env['CCOTEL_OTELCOL_BIN'] || (await buildScript('build-collector'));
  const { prometheus, promtool } = await prometheusBinaries();
  const jaeger = await buildScript('build-jaeger');
  return { collector, prometheus, promtool, jaeger, alertmanager: alertmanagerBinary(), amtool: onPath(['amtool']) };
}

/** `<binary> --version`, first line. */
export function versionOf(bin: string): string {
  return execFileSync(bin, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).split('\n')[0]!.trim();
}

// ---------------------------------------------------------------------------------------------
// processes

const live = new Set<ChildProcess>();
let hooked = false;
function killAllOnExit(): void {
  if (hooked) return;
  hooked = true;
  process.on('exit', () => {
    for (const c of live) c.kill('SIGKILL');
  });
}

export interface Service {
  readonly name: string;
  readonly logFile: string;
  readonly running: boolean;
  start(): Promise<void>;
  /** SIGTERM (SIGKILL after 10 s); resolves once the process exited. */
  stop(): Promise<void>;
  logTail(lines?: number): string;
}

function service(name: string, dir: string, cmd: string, args: string[], env: NodeJS.ProcessEnv, ready: () => Promise<boolean>): Service {
  const logFile = join(dir, `${name}.log`);
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  const logTail = (lines = 30): string => {
    try {
      return readFileSync(logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
    } catch {
      return '(no log)';
    }
  };
  const svc: Service = {
    name,
    logFile,
    get running() {
      return child !== undefined && child.exitCode === null && child.signalCode === null;
    },
    async start() {
      if (svc.running) return;
      killAllOnExit();
      const fd = openSync(logFile, 'a');
      let proc: ChildProcess;
      try {
        proc = spawn(cmd, args, { cwd: dir, env: { ...process.env, ...env }, stdio: ['ignore', fd, fd] });
      } finally {
        closeSync(fd);
      }
      child = proc;
      live.add(proc);
      let exitInfo: string | undefined;
      exited = new Promise<void>((resolve) => {
        proc.once('error', (e) => {
          exitInfo = e.message;
          live.delete(proc);
          resolve();
        });
        proc.once('exit', (code, signal) => {
          exitInfo = signal ? `killed by ${signal}` : `exit code ${code}`;
          live.delete(proc);
          resolve();
        });
      });
      await waitFor(
        async () => {
          if (exitInfo !== undefined) throw new Error(`${name} exited during startup (${exitInfo}):\n${logTail()}`);
          return (await ready()) ? true : undefined;
        },
        { timeoutMs: 60_000, intervalMs: 200, what: `${name} ready (log ${logFile})` },
      ).catch((e: Error) => {
        proc.kill('SIGKILL');
        throw new Error(`${e.message}\n${logTail()}`);
      });
    },
    async stop() {
      const proc = child;
      child = undefined;
      if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
      proc.kill('SIGTERM');
      const killer = setTimeout(() => proc.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(killer);
    },
    logTail,
  };
  return svc;
}

async function httpOk(url: string): Promise<boolean> {
  try {
    const r = await fetch(url, { signal: AbortSignal.timeout(2000) });
    await r.arrayBuffer();
    return r.ok;
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------------------------
// the stack

export interface StackOptions {
  /** Where configs, data and logs go (default: a new temp dir). */
  dir?: string;
  /** Rule files Prometheus loads instead of deploy/prometheus/rules/*.yml (tests: shortened `for:`). */
  ruleFiles?: string[];
  /** Extra Prometheus flags (tests: a short --query.lookback-delta). */
  prometheusArgs?: string[];
  /** Changes to prometheus.yml's `global` section (tests: a short evaluation_interval). */
  prometheusGlobal?: Record<string, unknown>;
  /** Extra collector environment. */
  collectorEnv?: Record<string, string>;
}

export interface Stack {
  readonly dir: string;
  /** OTLP/HTTP base URL of the collector (ccotel's OTEL_EXPORTER_OTLP_ENDPOINT). */
  readonly otlpHttp: string;
  /** OTLP/gRPC host:port of the collector. */
  readonly otlpGrpc: string;
  readonly collectorHealth: string;
  readonly collectorTelemetry: string;
  readonly prometheus: string;
  readonly alertmanager: string;
  /** Jaeger query base URL (/api/traces, /api/services, /api/v3/…). */
  readonly jaegerQuery: string;
  readonly services: { collector: Service; prometheus: Service; alertmanager: Service; jaeger: Service };
  readonly binaries: StackBinaries;
  stop(): Promise<void>;
}

type PromConfig = {
  global?: Record<string, unknown>;
  rule_files?: string[];
  alerting?: { alertmanagers?: { static_configs?: { targets?: string[] }[] }[] };
  scrape_configs?: { job_name: string; static_configs?: { targets?: string[] }[] }[];
};

/** prometheus.yml with the compose host:port targets replaced by `targets[host:port]` and rule paths by `ruleFiles`. */
export function rewritePrometheusConfig(text: string, targets: Record<string, string>, ruleFiles: string[], global: Record<string, unknown> = {}): string {
  const cfg = parse(text) as PromConfig;
  const swap = (t: string): string => {
    const to = targets[t];
    if (!to) throw new Error(`prometheus.yml target ${t} has no native counterpart in the harness`);
    return to;
  };
  for (const am of cfg.alerting?.alertmanagers ?? []) for (const sc of am.static_configs ?? []) sc.targets = (sc.targets ?? []).map(swap);
  for (const job of cfg.scrape_configs ?? []) for (const sc of job.static_configs ?? []) sc.targets = (sc.targets ?? []).map(swap);
  cfg.rule_files = ruleFiles;
  cfg.global = { ...cfg.global, ...global };
  return stringify(cfg);
}

export async function startStack(opts: StackOptions = {}): Promise<Stack> {
  const binaries = await stackBinaries();
  const dir = opts.dir ?? (await mkdtemp(join(tmpdir(), 'ccotel-stack-')));
  await mkdir(dir, { recursive: true });
  // The ports were free when chosen; another process (a parallel test) may bind one first: choose again.
  for (let attempt = 1; ; attempt++) {
    try {
      return await launchStack(opts, binaries, dir);
    } catch (e) {
      if (attempt >= 4 || !/address already in use/i.test((e as Error).message)) throw e;
    }
  }
}

async function launchStack(opts: StackOptions, binaries: StackBinaries, dir: string): Promise<Stack> {
  const [otlpHttp, otlpGrpc, colHealth, colTel, prom, am, jOtlpHttp, jOtlpGrpc, jQuery, jQueryGrpc, jHealth, jTel] = await freePorts(12);
  const at = (p: number | undefined): string => `${HOST}:${p}`;

  const colEnv = {
    OTELCOL_LISTEN_HOST: HOST,
    OTELCOL_OTLP_HTTP_PORT: String(otlpHttp),
    OTELCOL_OTLP_GRPC_PORT: String(otlpGrpc),
    OTELCOL_HEALTH_PORT: String(colHealth),
    OTELCOL_TELEMETRY_PORT: String(colTel),
    PROMETHEUS_OTLP_ENDPOINT: `http://${at(prom)}/api/v1/otlp/v1/metrics`,
    TRACES_OTLP_ENDPOINT: `http://${at(jOtlpHttp)}`,
    ...opts.collectorEnv,
  };
  const jaegerEnv = {
    JAEGER_LISTEN_HOST: HOST,
    JAEGER_OTLP_HTTP_PORT: String(jOtlpHttp),
    JAEGER_OTLP_GRPC_PORT: String(jOtlpGrpc),
    JAEGER_QUERY_HTTP_PORT: String(jQuery),
    JAEGER_QUERY_GRPC_PORT: String(jQueryGrpc),
    JAEGER_HEALTH_PORT: String(jHealth),
    JAEGER_TELEMETRY_PORT: String(jTel),
  };
  const ruleFiles = opts.ruleFiles ?? [join(STACK_CONFIG_FILES.rules, '*.yml')];
  const promConfig = join(dir, 'prometheus.yml');
  await writeFile(
    promConfig,
    rewritePrometheusConfig(
      await readFile(STACK_CONFIG_FILES.prometheus, 'utf8'),
      {
        'localhost:9090': at(prom),
        'otel-collector:8888': at(colTel),
        'alertmanager:9093': at(am),
        'jaeger:8888': at(jTel),
      },
      ruleFiles,
      opts.prometheusGlobal,
    ),
  );
  await mkdir(join(dir, 'prometheus-data'), { recursive: true });
  await mkdir(join(dir, 'alertmanager-data'), { recursive: true });

  const services = {
    jaeger: service('jaeger', dir, binaries.jaeger, ['--config', STACK_CONFIG_FILES.jaeger], jaegerEnv, () => httpOk(`http://${at(jHealth)}/status`)),
    alertmanager: service(
      'alertmanager',
      dir,
      binaries.alertmanager,
      [
        `--config.file=${STACK_CONFIG_FILES.alertmanager}`,
        `--storage.path=${join(dir, 'alertmanager-data')}`,
        `--web.listen-address=${at(am)}`,
        '--cluster.listen-address=', // no gossip port: one instance
      ],
      {},
      () => httpOk(`http://${at(am)}/-/ready`),
    ),
    prometheus: service(
      'prometheus',
      dir,
      binaries.prometheus,
      [
        `--config.file=${promConfig}`,
        `--storage.tsdb.path=${join(dir, 'prometheus-data')}`,
        `--web.listen-address=${at(prom)}`,
        ...PROMETHEUS_FLAGS,
        ...(opts.prometheusArgs ?? []),
      ],
      {},
      () => httpOk(`http://${at(prom)}/-/ready`),
    ),
    collector: service('collector', dir, binaries.collector, ['--config', STACK_CONFIG_FILES.collector], colEnv, () => httpOk(`http://${at(colHealth)}/`)),
  };
  const stack: Stack = {
    dir,
    otlpHttp: `http://${at(otlpHttp)}`,
    otlpGrpc: at(otlpGrpc),
    collectorHealth: `http://${at(colHealth)}/`,
    collectorTelemetry: `http://${at(colTel)}/metrics`,
    prometheus: `http://${at(prom)}`,
    alertmanager: `http://${at(am)}`,
    jaegerQuery: `http://${at(jQuery)}`,
    services,
    binaries,
    async stop() {
      // Senders first, so nothing is left queued for a backend that is already gone.
      for (const s of [services.collector, services.prometheus, services.alertmanager, services.jaeger]) await s.stop();
    },
  };
  try {
    // Backends first: the collector starts exporting at once.
    await services.jaeger.start();
    await services.alertmanager.start();
    await services.prometheus.start();
    await services.collector.start();
  } catch (e) {
    await stack.stop();
    throw e;
  }
  return stack;
}

// ---------------------------------------------------------------------------------------------
// API helpers

export interface PromSample {
  metric: Record<string, string>;
  value: [number, string];
}

/** Instant query; throws on an API error. */
export async function promQuery(base: string, query: string): Promise<PromSample[]> {
  const r = await fetch(`${base}/api/v1/query?${new URLSearchParams({ query })}`);
  const body = (await r.json()) as { status: string; error?: string; data?: { resultType: string; result: unknown } };
  if (body.status !== 'success') throw new Error(`Prometheus query ${query}: ${body.error ?? r.status}`);
  if (body.data?.resultType === 'scalar') {
    const [t, v] = body.data.result as [number, string];
    return [{ metric: {}, value: [t, v] }];
  }
  return body.data?.result as PromSample[];
}

export async function promLabelValues(base: string, label: string): Promise<string[]> {
  const r = await fetch(`${base}/api/v1/label/${encodeURIComponent(label)}/values`);
  const body = (await r.json()) as { status: string; data: string[] };
  if (body.status !== 'success') throw new Error(`label values ${label}: ${r.status}`);
  return body.data;
}
