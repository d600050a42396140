// `ccotel sessions` asks the running daemon first (query-server.ts): an answer in a few ms, without
// walking the transcripts or loading the state. No socket, no daemon behind it, another version,
// a slow or odd answer: undefined, and the command reads the index itself.
import { existsSync } from 'node:fs';
import { createConnection } from 'node:net';
import { UserError } from '../errors.js';
import type { SessionsAnswer, SessionsQuery } from './query.js';
import { QUERY_VERSION, querySocketPath, toWire, type QueryRequest, type QueryResponse } from './query-socket.js';

export interface Asked {
  answer: SessionsAnswer;
  /** The daemon that answered. */
  pid: number;
}

/** Answers are at most a few MB (50 sessions with snippets): anything longer is not an answer. */
const MAX_ANSWER_BYTES = 64 << 20;

/** A large search (--all-text, say) may be answered with its candidates (`scan`): the asker then searches them. */
export async function askDaemon(stateDir: string, q: SessionsQuery, ctx: { roots: string[]; here: string; jaegerUrl?: string }, timeoutMs: number, why: (reason: string) => void): Promise<Asked | undefined> {
  const path = querySocketPath(stateDir);
  if (!existsSync(path)) return undefined;
  const req: QueryRequest = { v: QUERY_VERSION, q: toWire(q), roots: ctx.roots, here: ctx.here, jaegerUrl: ctx.jaegerUrl };
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
  const op = r.ok === true ? r.answer?.op : undefined;
  if (r.ok === true && typeof r.pid === 'number' && (op === q.op || (q.op === 'list' && op === 'scan'))) return { answer: r.answer, pid: r.pid };
  // The user's mistake (an unknown id) is the same whoever answers.
  if (r.ok === false && typeof r.userError === 'string') throw new UserError(r.userError);
  why(r.ok === false && typeof r.error === 'string' ? r.error : 'not an answer');
  return undefined;
}
