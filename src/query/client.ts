// A command asks the running daemon first (server.ts): an answer in a few ms, without walking the
// transcripts or loading the state. No socket, no daemon behind it, another version, a slow or odd
// answer, or a question the daemon declines: undefined (with the reason), and the command reads
// the state itself. The user's mistake (an unknown session id) is the same one line either way.
import { existsSync } from 'node:fs';
import { createConnection } from 'node:net';
import { UserError } from '../errors.js';
import { QUERY_VERSION, querySocketPath, type QueryRequest, type QueryResponse } from './wire.js';

export interface Asked<A> {
  answer: A;
  /** The daemon that answered. */
  pid: number;
}

/** Answers are at most a few MB (50 sessions with snippets): anything longer is not an answer. */
const MAX_ANSWER_BYTES = 64 << 20;

/**
 * Sends `q` and returns the answer when its op is one of `ops` (the asker checks the rest of its
 * shape: a daemon of this version wrote it).
 */
export async function askDaemon<A extends { op: string }>(stateDir: string, q: { op: string }, ctx: { roots: string[]; here: string }, ops: readonly string[], timeoutMs: number, why: (reason: string) => void): Promise<Asked<A> | undefined> {
  const path = querySocketPath(stateDir);
  if (!existsSync(path)) return undefined;
  const req: QueryRequest = { v: QUERY_VERSION, q: q as QueryRequest['q'], roots: ctx.roots, here: ctx.here };
  const line = await new Promise<string | undefined>((resolve) => {
    let buf = '';
    let done = false;
    const finish = (v: string | undefined, reason?: string): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      sock.destroy();
      if (reason) why(reason);
      resolve(v);
    };
    const sock = createConnection(path);
    const timer = setTimeout(() => finish(undefined, `no answer within ${timeoutMs} ms`), timeoutMs);
    sock.on('error', (err) => finish(undefined, err.message)); // a dead daemon's socket: refused
    sock.on('connect', () => sock.write(JSON.stringify(req) + '\n'));
    sock.setEncoding('utf8').on('data', (chunk: string) => {
      buf += chunk;
      const nl = buf.indexOf('\n');
      if (nl >= 0) finish(buf.slice(0, nl));
      else if (buf.length > MAX_ANSWER_BYTES) finish(undefined, 'answer too long');
    });
    sock.on('end', () => finish(undefined, 'connection closed without an answer'));
  });
  if (line === undefined) return undefined;
  let r: QueryResponse;
  try {
    r = JSON.parse(line) as QueryResponse;
  } catch {
    why('not an answer');
    return undefined;
  }
  if (r?.v !== QUERY_VERSION) {
    why('another version');
    return undefined;
  }
  if (r.ok === true && typeof r.pid === 'number' && ops.includes(r.answer?.op)) return { answer: r.answer as A, pid: r.pid };
  if (r.ok === false && typeof r.userError === 'string') throw new UserError(r.userError);
  why(r.ok === false && typeof r.error === 'string' ? r.error : 'not an answer');
  return undefined;
}
