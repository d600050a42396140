// A stand-in OTLP/HTTP JSON receiver whose answers the test controls: accept, or refuse with 503
// (retryable) or another status set by refuseWith() (401, 403, …: what the real collector answers
// only with an auth extension). Records every span it accepted, so a test can count deliveries exactly.
import { createServer, type Server } from 'node:http';

export interface AcceptedSpan {
  traceId: string;
  spanId: string;
  name: string;
}

export interface FakeOtlp {
  /** Base URL for OTEL_EXPORTER_OTLP_ENDPOINT (use OTEL_EXPORTER_OTLP_PROTOCOL=http/json). */
  readonly endpoint: string;
  /** Accept this many more trace requests, then refuse (Infinity: accept everything). */
  acceptTraces(n: number): void;
  /** The status refused trace requests get (default 503). */
  refuseWith(status: number): void;
  /** The status metric requests get (default 200). */
  answerMetricsWith(status: number): void;
  readonly metricRequests: { accepted: number; refused: number };
  /** Authorization header of every trace request, in order. */
  readonly authorizations: Array<string | undefined>;
  readonly spans: AcceptedSpan[];
  readonly traceRequests: { accepted: number; refused: number };
  close(): Promise<void>;
}

export async function startFakeOtlp(): Promise<FakeOtlp> {
  let budget = Infinity;
  let refusal = 503;
  let metricsStatus = 200;
  const metricRequests = { accepted: 0, refused: 0 };
  const authorizations: Array<string | undefined> = [];
  const spans: AcceptedSpan[] = [];
  const traceRequests = { accepted: 0, refused: 0 };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.url === '/v1/traces') {
        authorizations.push(req.headers.authorization);
        if (budget <= 0) {
          traceRequests.refused++;
          res.writeHead(refusal, { 'content-type': 'application/json' }).end('{}');
          return;
        }
        budget--;
        traceRequests.accepted++;
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        for (const rs of body.resourceSpans ?? []) for (const ss of rs.scopeSpans ?? []) for (const s of ss.spans ?? []) spans.push({ traceId: s.traceId, spanId: s.spanId, name: s.name });
      }
      if (req.url === '/v1/metrics') {
        if (metricsStatus === 200) metricRequests.accepted++;
        else metricRequests.refused++;
        res.writeHead(metricsStatus, { 'content-type': 'application/json' }).end('{}');
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  // Port 0: the kernel picks a free port while we hold it.
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    acceptTraces: (n) => {
      budget = n;
    },
    refuseWith: (status) => {
      refusal = status;
    },
    answerMetricsWith: (status) => {
      metricsStatus = status;
    },
    metricRequests,
    authorizations,
    spans,
    traceRequests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
