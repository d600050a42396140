// backfill's final metrics export through a real collector that sheds load (HTTP 503, as its
// memory_limiter answers) for a while: retryable, so backfill waits for it within --timeout as it
// does for spans (export/retry.ts), exits 0, and the collector ends with the generator's Expected.
import { execFile } from 'node:child_process';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { beforeAll, describe, expect, it } from 'vitest';
import { onCleanup, tempDir, useCleanups } from './support/temp.js';
import { ensureCollectorBinary, startCollector, type Collector } from './support/collector.js';
import { CLI, cliEnv, requireBuiltCli } from './support/ccotel-cli.js';
import { generateHistory } from './support/history-generator.js';
import { waitFor } from './support/wait.js';

useCleanups();

/** Forwards to the collector, answering 503 to the first `refuse` metric requests instead. */
async function shedding(col: Collector, refuse: number): Promise<{ endpoint: string; refused: () => number }> {
  let refused = 0;
  const body = async (req: IncomingMessage): Promise<Uint8Array<ArrayBuffer>> => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    return new Uint8Array(Buffer.concat(chunks));
  };
  const server = createServer((req, res) => {
    void (async () => {
      const data = await body(req);
      if (req.url === '/v1/metrics' && refused < refuse) {
        refused++;
        return void res.writeHead(503, { 'content-type': 'text/plain' }).end('memory limiter: data refused');
      }
      const r = await fetch(col.endpoint + req.url, { method: req.method, headers: { 'content-type': req.headers['content-type'] ?? 'application/x-protobuf' }, body: data }).catch(() => undefined);
      if (!r) return void res.destroy();
      res.writeHead(r.status, { 'content-type': r.headers.get('content-type') ?? 'application/x-protobuf' }).end(Buffer.from(await r.arrayBuffer()));
    })();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  onCleanup(() => new Promise<void>((r) => server.close(() => r())));
  return { endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, refused: () => refused };
}

describe('backfill: the final metrics export meets a collector answering 503', () => {
  beforeAll(async () => {
    requireBuiltCli();
    await ensureCollectorBinary();
  });

  it('retries within --timeout, exits 0, and the collector gets the exact totals', async () => {
    const root = await tempDir('root');
    const exp = generateHistory(root, { sessions: 6, seed: 61, faults: false });
    const col = await startCollector();
    onCleanup(() => col.stop());
    // More refusals than one export's own attempts (the OTLP exporter tries a request up to 5 times).
    const px = await shedding(col, 7);
    const args = [CLI, 'backfill', '--claude-dir', root, '--state-dir', await tempDir('state'), '--timezone', 'UTC', '--timeout', '2m'];
    const r = await new Promise<{ code: number; stderr: string }>((resolve) =>
      execFile(process.execPath, args, { env: { ...cliEnv(), OTEL_EXPORTER_OTLP_ENDPOINT: px.endpoint } }, (err, _out, stderr) => resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stderr })),
    );
    expect(px.refused()).toBe(7);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    const output = async (): Promise<number> => (await col.latestMetric('ccotel.token.usage', { type: 'output' })).reduce((a, p) => a + (p.value ?? 0), 0);
    await waitFor(async () => ((await output()) === exp.tokens.output ? true : undefined), { timeoutMs: 10_000, what: 'output tokens at the collector' }).catch(async (e) => {
      throw new Error(`${(e as Error).message}: got ${await output()}, want ${exp.tokens.output}`);
    });
    const sessions = (await col.latestMetric('ccotel.sessions')).reduce((a, p) => a + (p.value ?? 0), 0);
    expect(sessions).toBe(exp.sessions);
  }, 120_000);
});
