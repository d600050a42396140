// Where and how spans and metrics are sent: per-signal vs base endpoint, environment vs config file,
// protocol, headers, compression, timeout, refused protocols and URLs. The resolution is checked as
// data, then on the wire against a local HTTP server that records what it receives.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { exporterConfig, resolveExportTarget } from '../src/export/otlp-settings.js';
import { createOtlpSpanExporter } from '../src/export/traces/span-exporters.js';
import { toReadableSpan } from '../src/export/traces/readable-span.js';
import { CompressionAlgorithm } from '@opentelemetry/otlp-exporter-base';
import { UserError } from '../src/errors.js';
import { requireBuiltCli } from './support/ccotel-cli.js';
import { expectOneLineError, runCli } from './support/cli-process.js';

const noEnv = {} as NodeJS.ProcessEnv;

describe('resolveExportTarget', () => {
  it('nothing configured: the embedded default (no URLs), http/protobuf', () => {
    expect(resolveExportTarget(undefined, noEnv)).toEqual({ configured: false, protocol: 'http/protobuf', urls: {} });
    expect(resolveExportTarget({}, noEnv).configured).toBe(false);
  });

  it('a base endpoint gets /v1/<signal> appended, trailing slashes dropped', () => {
    const env = { OTEL_EXPORTER_OTLP_ENDPOINT: 'https://otel.example.com:4318/base//' };
    expect(resolveExportTarget(undefined, env)).toMatchObject({ configured: true, urls: { traces: 'https://otel.example.com:4318/base/v1/traces', metrics: 'https://otel.example.com:4318/base/v1/metrics' } });
    expect(resolveExportTarget({ endpoint: 'http://cfg:4318' }, noEnv)).toMatchObject({ urls: { traces: 'http://cfg:4318/v1/traces', metrics: 'http://cfg:4318/v1/metrics' } });
  });

  it('per-signal endpoints are used exactly as given and only for their signal', () => {
    const env = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://base:4318', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://traces:9999/custom/path' };
    expect(resolveExportTarget(undefined, env)).toMatchObject({ urls: { traces: 'http://traces:9999/custom/path', metrics: 'http://base:4318/v1/metrics' } });
    // Metrics only: traces stay on the embedded default (files), yet the target is configured.
    const metricsOnly = resolveExportTarget({ metricsEndpoint: 'http://m:1/x' }, noEnv);
    expect(metricsOnly).toMatchObject({ configured: true });
    expect(metricsOnly.urls).toEqual({ metrics: 'http://m:1/x' });
    expect(resolveExportTarget({ endpoint: 'http://cfg:4318', tracesEndpoint: 'http://cfg-t:1/t' }, noEnv)).toMatchObject({ urls: { traces: 'http://cfg-t:1/t', metrics: 'http://cfg:4318/v1/metrics' } });
  });

  it('the environment wins over the config file, signal by signal', () => {
    const cfg = { endpoint: 'http://cfg:4318', tracesEndpoint: 'http://cfg-traces:1/t', metricsEndpoint: 'http://cfg-metrics:1/m' };
    // Env base beats config per-signal (env first, then config).
    expect(resolveExportTarget(cfg, { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://env:4318' })).toMatchObject({ urls: { traces: 'http://env:4318/v1/traces', metrics: 'http://env:4318/v1/metrics' } });
    // Env per-signal for metrics only: traces fall back to the config's per-signal endpoint.
    expect(resolveExportTarget(cfg, { OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: 'http://env-m:2/m' })).toMatchObject({ urls: { traces: 'http://cfg-traces:1/t', metrics: 'http://env-m:2/m' } });
  });

  it('protocol: config or environment (environment wins); http/json accepted; grpc and unknown refused', () => {
    expect(resolveExportTarget({ protocol: 'http/json', endpoint: 'http://c:1' }, noEnv).protocol).toBe('http/json');
    expect(resolveExportTarget({ protocol: 'http/json' }, { OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf' }).protocol).toBe('http/protobuf');
    expect(() => resolveExportTarget(undefined, { OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' })).toThrow(UserError);
    expect(() => resolveExportTarget(undefined, { OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' })).toThrow(/"grpc" is not supported.*4318/);
    expect(() => resolveExportTarget({ protocol: 'grpc' as never }, noEnv)).toThrow(/"grpc" is not supported/);
    expect(() => resolveExportTarget(undefined, { OTEL_EXPORTER_OTLP_PROTOCOL: 'thrift' })).toThrow(/unknown OTLP protocol "thrift"/);
  });

  it('headers, timeout and compression come from the config only when the environment does not set them', () => {
    const cfg = { endpoint: 'http://c:1', headers: { authorization: 'Bearer cfg' }, timeoutMs: 1234, compression: 'gzip' as const };
    expect(resolveExportTarget(cfg, noEnv)).toMatchObject({ headers: { authorization: 'Bearer cfg' }, timeoutMillis: 1234, compression: 'gzip' });
    const envSet = resolveExportTarget(cfg, { OTEL_EXPORTER_OTLP_HEADERS: 'authorization=Bearer env', OTEL_EXPORTER_OTLP_TIMEOUT: '99', OTEL_EXPORTER_OTLP_COMPRESSION: 'none' });
    expect([envSet.headers, envSet.timeoutMillis, envSet.compression]).toEqual([undefined, undefined, undefined]);
    const target = (compression?: 'gzip' | 'none') => ({ configured: true, protocol: 'http/protobuf' as const, urls: { traces: 'http://t:1/v1/traces' }, compression });
    expect(exporterConfig(target('gzip'), 'traces').compression).toBe(CompressionAlgorithm.GZIP);
    expect(exporterConfig(target('none'), 'traces').compression).toBe(CompressionAlgorithm.NONE);
    expect(exporterConfig(target(), 'traces').compression).toBeUndefined();
    expect(() => exporterConfig(target(), 'metrics')).toThrow('no OTLP endpoint for metrics');
  });

  it('an endpoint that is not an http(s) URL is refused, naming it', () => {
    for (const [cfg, env, bad] of [
      [{ endpoint: 'localhost:4318' }, noEnv, 'localhost:4318/v1/traces'],
      [undefined, { OTEL_EXPORTER_OTLP_ENDPOINT: 'ftp://host/' }, 'ftp://host/v1/traces'],
      [undefined, { OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: 'not a url' }, 'not a url'],
    ] as const) {
      expect(() => resolveExportTarget(cfg, env)).toThrow(new UserError(`OTLP endpoint "${bad}" is not an http(s) URL`));
    }
  });
});

interface Received {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

describe('on the wire: what a collector receives', () => {
  let server: Server;
  let base: string;
  const received: Received[] = [];
  const savedEnv = { ...process.env };

  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({ method: req.method!, url: req.url!, headers: req.headers, body: Buffer.concat(chunks) });
        const json = req.headers['content-type']?.includes('json');
        res.writeHead(200, { 'content-type': json ? 'application/json' : 'application/x-protobuf' });
        res.end(json ? '{}' : '');
      });
    });
    // Port 0: the kernel picks a free port while we hold it; no probe-then-bind race.
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server?.close(resolve));
  });
  afterEach(() => {
    received.length = 0;
    for (const k of Object.keys(process.env)) if (k.startsWith('OTEL_')) delete process.env[k];
    Object.assign(process.env, savedEnv);
  });

  const span = (name: string) =>
    toReadableSpan(
      { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', name, kind: 'internal', startMs: Date.parse('2025-06-01T10:00:00Z'), endMs: Date.parse('2025-06-01T10:00:01Z'), attributes: { 'session.id': 's1' } },
      resourceFromAttributes({ 'service.name': 'wire-test' }),
    );

  it('http/json, gzip and config headers: JSON body, gzip-encoded, header present, at the per-signal path', async () => {
    for (const k of Object.keys(process.env)) if (k.startsWith('OTEL_')) delete process.env[k];
    const target = resolveExportTarget({ protocol: 'http/json', tracesEndpoint: `${base}/custom/traces`, headers: { 'x-team': 'payments' }, compression: 'gzip' }, process.env);
    const exporter = createOtlpSpanExporter(target);
    await exporter.export([span('json-span')]);
    await exporter.shutdown();
    expect(received).toHaveLength(1);
    const r = received[0]!;
    expect([r.method, r.url]).toEqual(['POST', '/custom/traces']);
    expect(r.headers['content-type']).toBe('application/json');
    expect(r.headers['content-encoding']).toBe('gzip');
    expect(r.headers['x-team']).toBe('payments');
    const body = JSON.parse(gunzipSync(r.body).toString('utf8'));
    const spans = body.resourceSpans[0].scopeSpans[0].spans;
    expect(spans.map((s: { name: string }) => s.name)).toEqual(['json-span']);
    expect(spans[0].traceId).toBe('0af7651916cd43dd8448eb211c80319c');
  });

  it('http/protobuf, no compression, environment headers win over the config file\'s', async () => {
    process.env.OTEL_EXPORTER_OTLP_ENDPOINT = base;
    process.env.OTEL_EXPORTER_OTLP_HEADERS = 'authorization=Bearer from-env';
    const target = resolveExportTarget({ headers: { authorization: 'Bearer from-config' }, compression: 'none' }, process.env);
    const exporter = createOtlpSpanExporter(target);
    await exporter.export([span('proto-span')]);
    await exporter.shutdown();
    expect(received).toHaveLength(1);
    const r = received[0]!;
    expect([r.method, r.url]).toEqual(['POST', '/v1/traces']);
    expect(r.headers['content-type']).toBe('application/x-protobuf');
    expect(r.headers['content-encoding']).toBeUndefined();
    expect(r.headers.authorization).toBe('Bearer from-env');
    // The protobuf body carries the span name and the trace id bytes.
    expect(r.body.includes(Buffer.from('proto-span'))).toBe(true);
    expect(r.body.includes(Buffer.from('0af7651916cd43dd8448eb211c80319c', 'hex'))).toBe(true);
  });
});

describe('on the command line: a refused endpoint or protocol is one line, exit 2', () => {
  let dir: string;
  beforeAll(() => {
    requireBuiltCli();
    dir = mkdtempSync(join(tmpdir(), 'ccotel-endpoint-'));
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const cases: Array<[string, NodeJS.ProcessEnv, string | undefined, RegExp]> = [
    ['grpc in the environment', { OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:1' }, undefined, /"grpc" is not supported/],
    ['a URL without a scheme in the environment', { OTEL_EXPORTER_OTLP_ENDPOINT: 'localhost:4318' }, undefined, /OTLP endpoint "localhost:4318\/v1\/traces" is not an http\(s\) URL/],
    // Checked by the config schema (test/config-schema.test.ts): the key path names the setting.
    ['a bad URL in the config file', {}, 'otlp:\n  endpoint: "::nonsense"\n', /otlp\.endpoint must be an http\(s\) URL/],
  ];
  for (const [what, env, config, msg] of cases) {
    it(`backfill and run: ${what}`, async () => {
      const extra: string[] = [];
      if (config) {
        const p = join(dir, `c-${what.length}.yaml`);
        writeFileSync(p, config);
        extra.push('--config', p);
      }
      for (const cmd of ['backfill', 'run']) {
        // run: a port it could never bind, so reaching the bind would fail this test differently.
        const port = cmd === 'run' ? ['--prometheus-port', '1'] : [];
        const r = await runCli([cmd, '--claude-dir', join(dir, 'claude'), '--state-dir', join(dir, `state-${cmd}`), ...port, ...extra], env);
        expect(r.code, `${cmd}: ${r.stderr}`).toBe(2);
        const errLine = r.stderr.split('\n').filter((l) => l.startsWith('ccotel: '));
        expect(errLine, r.stderr).toHaveLength(1);
        expect(errLine[0]).toMatch(msg);
        expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
      }
    });
  }

  it('doctor reports a refused endpoint as a failed export check (exit 1)', async () => {
    const r = await runCli(['doctor', '--json', '--claude-dir', join(dir, 'claude'), '--state-dir', join(dir, 'state-doctor')], { OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:1' });
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).checks).toContainEqual({ verdict: 'fail', what: 'export', detail: expect.stringMatching(/"grpc" is not supported/) });
  });
});
