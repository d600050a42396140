/**
 * The team gateway (deploy/gateway/otel-gateway.yaml, unchanged) as a local process: the same
 * collector binary as the harness, ports and backends set through the config's ${env:…} variables.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePorts } from './collector.js';
import { REPO_ROOT } from './stack.js';
import { waitFor } from './wait.js';

export const GATEWAY_CONFIG = join(REPO_ROOT, 'deploy', 'gateway', 'otel-gateway.yaml');

export interface Gateway {
  otlpHttp: string;
  telemetry: string;
  log(): string;
  stop(): Promise<void>;
}

export async function startGateway(opts: { binary: string; dir: string; tokensFile: string; prometheusOtlp: string; tracesOtlp: string; defaultTeam?: string }): Promise<Gateway> {
  const [http, grpc, health, tel] = await freePorts(4);
  const logFile = join(opts.dir, 'gateway.log');
  const fd = openSync(logFile, 'a');
  let child: ChildProcess;
  try {
    child = spawn(opts.binary, ['--config', GATEWAY_CONFIG], {
      env: {
        ...process.env,
        GATEWAY_LISTEN_HOST: '127.0.0.1',
        GATEWAY_OTLP_HTTP_PORT: String(http),
        GATEWAY_OTLP_GRPC_PORT: String(grpc),
        GATEWAY_HEALTH_PORT: String(health),
        GATEWAY_TELEMETRY_PORT: String(tel),
        GATEWAY_TOKENS_FILE: opts.tokensFile,
        PROMETHEUS_OTLP_ENDPOINT: opts.prometheusOtlp,
        TRACES_OTLP_ENDPOINT: opts.tracesOtlp,
        ...(opts.defaultTeam ? { GATEWAY_DEFAULT_TEAM: opts.defaultTeam } : {}),
      },
      stdio: ['ignore', fd, fd],
    });
  } finally {
    closeSync(fd);
  }
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  process.once('exit', () => child.kill('SIGKILL'));
  const log = (): string => readFileSync(logFile, 'utf8');
  await waitFor(
    async () => {
      if (child.exitCode !== null) throw new Error(`gateway exited:\n${log().slice(-3000)}`);
      const r = await fetch(`http://127.0.0.1:${health}/`).catch(() => undefined);
      return r?.ok ? true : undefined;
    },
    { timeoutMs: 60_000, intervalMs: 200, what: `gateway ready (${logFile})` },
  ).catch((e: Error) => {
    child.kill('SIGKILL');
    throw new Error(`${e.message}\n${log().slice(-3000)}`);
  });
  return {
    otlpHttp: `http://127.0.0.1:${http}`,
    telemetry: `http://127.0.0.1:${tel}/metrics`,
    log,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
