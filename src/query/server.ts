// `ccotel run` answers questions over its query socket (wire.ts): it holds the sessions index, the
// per-session totals and the fold in memory and current, so the asking command (`sessions`,
// `stats`) neither walks the transcripts nor loads the state. One question per connection; a bad
// one gets an error line. Work that would hold the event loop long is declined by the handler
// (the command then does it itself).
import { chmodSync, unlinkSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { UserError } from '../errors.js';
import type { Logger } from '../log.js';
import { Declined, MAX_REQUEST_BYTES, NOT_A_QUESTION, QUERY_VERSION, querySocketPath, requestOf, type QueryRequest, type QueryResponse } from './wire.js';

export interface QueryServer {
  close(): Promise<void>;
}

/** A connection that sends nothing for this long is dropped. */
const IDLE_MS = 5_000;

/**
 * Listens on the state directory's query socket (the caller holds the state lock, so a socket file
 * left there is a dead daemon's). Undefined when it cannot (a path too long for a Unix socket, an
 * unwritable folder): the commands then read the state themselves, as without a daemon. `handle`
 * answers, or throws a Declined (the command answers itself) or a UserError (the user's mistake).
 */
export async function startQueryServer(stateDir: string, roots: readonly string[], handle: (req: QueryRequest) => { op: string }, log: Logger): Promise<QueryServer | undefined> {
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
      let req: QueryRequest | undefined;
      try {
        req = requestOf(JSON.parse(buf.slice(0, nl)));
      } catch {
        req = undefined;
      }
      if (!req) return reply(sock, { v: QUERY_VERSION, ok: false, error: NOT_A_QUESTION });
      // Another set of transcript folders (--claude-dir): not what this daemon reads.
      if ([...req.roots].sort().join('\n') !== mine) return reply(sock, { v: QUERY_VERSION, ok: false, error: 'the daemon reads other transcript folders' });
      try {
        reply(sock, { v: QUERY_VERSION, ok: true, pid: process.pid, answer: handle(req) });
      } catch (err) {
        if (err instanceof UserError) return reply(sock, { v: QUERY_VERSION, ok: false, userError: err.message });
        if (err instanceof Declined) return reply(sock, { v: QUERY_VERSION, ok: false, error: err.message });
        log.warn(`query failed: ${(err as Error).message}`);
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
    log.warn(`not answering \`ccotel sessions\` or \`stats\` from memory (they read the state themselves): cannot listen on ${path}: ${(err as Error).message}`);
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
