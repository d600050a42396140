// `ccotel run` answers `ccotel sessions` listings and --show over its query socket (query-socket.ts):
// the daemon has the index and the per-session totals in memory and current, so the asking command
// neither walks the transcripts nor loads the state. One question per connection; a bad one gets an
// error line. Searches are refused (the command runs them itself): they would hold the event loop.
import { chmodSync, unlinkSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { UserError } from '../errors.js';
import type { Logger } from '../log.js';
import type { SessionsAnswer, SessionsQuery } from './query.js';
import { fromWire, MAX_REQUEST_BYTES, QUERY_VERSION, querySocketPath, type QueryRequest, type QueryResponse } from './query-socket.js';

export interface QueryServer {
  close(): Promise<void>;
}

/** A connection that sends nothing for this long is dropped. */
const IDLE_MS = 5_000;

/**
 * Listens on the state directory's query socket (the caller holds the state lock, so a socket file
 * left there is a dead daemon's). Undefined when it cannot (a path too long for a Unix socket, an
 * unwritable folder): `ccotel sessions` then reads the index itself, as without a daemon.
 */
export async function startQueryServer(stateDir: string, roots: readonly string[], handle: (q: SessionsQuery, req: QueryRequest) => SessionsAnswer, log: Logger): Promise<QueryServer | undefined> {
  const path = querySocketPath(stateDir);
  const mine = [...roots].sort().join('\n');
  const remove = (): void => {
    try {
      unlinkSync(path);
    } catch {
      // not there
    }
  };
  remove();
  const reply = (sock: Socket, r: QueryResponse): void => {
    sock.end(JSON.stringify(r) + '\n');
  };
  const server: Server = createServer((sock) => {
    sock.setTimeout(IDLE_MS, () => sock.destroy());
    sock.on('error', () => {}); // the asker went away: nothing to do
    let buf = '';
    sock.setEncoding('utf8').on('data', (chunk: string) => {
      buf += chunk;
      const nl = buf.indexOf('\n');
      if (nl < 0) {
        if (buf.length > MAX_REQUEST_BYTES) sock.destroy();
        return;
      }
      sock.removeAllListeners('data');
      let parsed: ReturnType<typeof fromWire>;
      try {
        parsed = fromWire(JSON.parse(buf.slice(0, nl)));
      } catch {
        parsed = undefined;
      }
      if (!parsed) return reply(sock, { v: QUERY_VERSION, ok: false, error: 'not a question this daemon understands' });
      // A search scans the text journals (tens of ms, more with --all-text): never on the loop that
      // follows sessions and answers scrapes. The asking command runs it itself.
      if (parsed.q.op === 'list' && parsed.q.query !== undefined) return reply(sock, { v: QUERY_VERSION, ok: false, error: 'searches are not run in the daemon' });
      // Another set of transcript folders (--claude-dir): not what this daemon indexes.
      if ([...parsed.req.roots].sort().join('\n') !== mine) return reply(sock, { v: QUERY_VERSION, ok: false, error: 'the daemon reads other transcript folders' });
      try {
        reply(sock, { v: QUERY_VERSION, ok: true, pid: process.pid, answer: handle(parsed.q, parsed.req) });
      } catch (err) {
        if (err instanceof UserError) return reply(sock, { v: QUERY_VERSION, ok: false, userError: err.message });
        log.warn(`sessions query failed: ${(err as Error).message}`);
        reply(sock, { v: QUERY_VERSION, ok: false, error: 'the daemon could not answer' });
      }
    });
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(path, () => {
        server.off('error', reject);
        resolve();
      });
    });
    chmodSync(path, 0o600);
  } catch (err) {
    log.warn(`not answering \`ccotel sessions\` from memory (it reads the index itself): cannot listen on ${path}: ${(err as Error).message}`);
    server.close();
    return undefined;
  }
  server.on('error', (err) => log.warn(`query socket: ${err.message}`));
  return {
    close: () =>
      new Promise<void>((resolve) => {
        remove();
        server.close(() => resolve());
      }),
  };
}
