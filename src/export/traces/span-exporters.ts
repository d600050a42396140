// Where finished spans go: an OTLP/HTTP collector (protobuf or JSON), or, with no endpoint
// configured, rotating OTLP-JSON files in the state directory (the embedded default).
import { constants } from 'node:fs';
import { mkdir, open, readdir, rename, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { OTLPTraceExporter as JsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPExporterBase } from '@opentelemetry/otlp-exporter-base';
import { convertLegacyHttpOptions, createOtlpHttpExportDelegate } from '@opentelemetry/otlp-exporter-base/node-http';
import { JsonTraceSerializer, ProtobufTraceSerializer, TraceExporterMetricsHelper } from '@opentelemetry/otlp-transformer';
import { encodeTraceRequest } from './otlp-encoder.js';
import { exporterConfig, type ExportTarget } from '../otlp-settings.js';
import type { ReadableSpan } from './readable-span.js';
import type { BatchExporter } from '../retry.js';
import { displayUrl } from '../../log.js';

export type SpanBatchExporter = BatchExporter<ReadableSpan>;

/**
 * The SDK's OTLP/HTTP protobuf trace exporter (its transport, retries, compression, headers and
 * timeout), with ccotel's encoder (otlp-encoder.ts: the same bytes in half the time) as serializer.
 */
class ProtoExporter extends OTLPExporterBase<ReadableSpan[]> {
  constructor(config: ReturnType<typeof exporterConfig>) {
    const serializer = { serializeRequest: encodeTraceRequest, deserializeResponse: ProtobufTraceSerializer.deserializeResponse };
    super(createOtlpHttpExportDelegate(convertLegacyHttpOptions(config, 'TRACES', 'v1/traces', { 'Content-Type': 'application/x-protobuf' }), serializer, 'otlp_http_span_exporter', TraceExporterMetricsHelper, undefined));
  }
}

export function createOtlpSpanExporter(t: ExportTarget): SpanBatchExporter {
  const config = exporterConfig(t, 'traces');
  const exporter = t.protocol === 'http/json' ? new JsonExporter(config) : new ProtoExporter(config);
  return {
    export: (spans) =>
      new Promise<void>((resolve, reject) => {
        exporter.export(spans, (r: ExportResult) => (r.code === ExportResultCode.SUCCESS ? resolve() : reject(r.error ?? new Error('export failed'))));
      }),
    shutdown: () => exporter.shutdown(),
    describe: () => `OTLP ${t.protocol} → ${displayUrl(config.url)}`,
  };
}

/** Local OTLP-JSON trace files (one ExportTraceServiceRequest per line), rotated by size. */
export function createFileSpanExporter(dir: string, opts = { maxFileBytes: 64 << 20, keepFiles: 5 }): SpanBatchExporter {
  const current = join(dir, 'traces.jsonl');
  let ready: Promise<void> | undefined;
  const rotate = async (): Promise<void> => {
    let size = 0;
    try {
      size = (await stat(current)).size;
    } catch {
      return;
    }
    if (size < opts.maxFileBytes) return;
    const names = (await readdir(dir)).filter((n) => /^traces-\d+\.jsonl$/.test(n)).sort();
    const next = names.length ? Number(/\d+/.exec(names[names.length - 1]!)![0]) + 1 : 1;
    await rename(current, join(dir, `traces-${String(next).padStart(6, '0')}.jsonl`));
    for (const old of names.slice(0, Math.max(0, names.length + 1 - opts.keepFiles))) await unlink(join(dir, old)).catch(() => {});
  };
  return {
    async export(spans) {
      ready ??= mkdir(dir, { recursive: true, mode: 0o700 }).then(() => undefined);
      await ready;
      await rotate();
      const body = JsonTraceSerializer.serializeRequest(spans as never);
      if (!body) throw new Error('could not serialize spans');
      // Never through a planted symbolic link; private like the rest of the state (whatever the umask).
      const fh = await open(current, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_NOFOLLOW, 0o600);
      try {
        await fh.chmod(0o600);
        await fh.writeFile(Buffer.concat([Buffer.from(body), Buffer.from('\n')]));
      } finally {
        await fh.close();
      }
    },
    shutdown: async () => {},
    describe: () => `local OTLP-JSON files in ${dir}`,
  };
}
