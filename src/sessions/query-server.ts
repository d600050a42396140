// `ccotel run` answers `ccotel sessions` over its query socket (query-socket.ts): the daemon has the
// index and the per-session totals in memory and current, so the asking command neither walks the
// transcripts nor loads the state. One question per connection; a bad one gets an error line. Work
// that would hold the event loop long (a search of a large index, of tool output) is refused: the
// command runs it itself.
import { chmodSync, statSync, unlinkSync } from 'node:fs';
import { indexFiles } from './index-file.js';
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
/** The text journal a search may scan in the daemon: ~16 MB is ~50 ms (7 MB took ~20-30 ms). */
const MAX_SEARCH_BYTES = 16 << 20;

const sizeOf = (path: string): number => {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
};

/**
 * Listens on the state directory's query socket (the caller holds the state lock, so a socket file
 * left there is a dead daemon's). Undefined when it cannot (a path too long for a Unix socket, an
 * unwritable folder): `ccotel sessions` then reads the index itself, as without a daemon.
 */
export async function startQueryServer(stateDir: string, roots: readonly string[], handle: (q: SessionsQuery, req: QueryRequest, large: boolean) => SessionsAnswer, log: Logger): Promise<QueryServer | undefined> {
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
      // Another set of transcript folders (--claude-dir): not what this daemon indexes.
      if ([...parsed.req.roots].sort().join('\n') !== mine) return reply(sock, { v: QUERY_VERSION, ok: false, error: 'the daemon reads other transcript folders' });
      // A search scans the text journal here only while that is a few tens of ms of work (never the
      // tool output of --all-text), so the loop that follows sessions and answers scrapes is held no
      // longer than that. A larger one is answered with its candidates: the asker searches.
      const q = parsed.q;
      const large = q.op === 'list' && q.query !== undefined && (q.allText || sizeOf(indexFiles(stateDir).text) > MAX_SEARCH_BYTES);
      try {
        reply(sock, { v: QUERY_VERSION, ok: true, pid: process.pid, answer: handle(q, parsed.req, large) });
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
