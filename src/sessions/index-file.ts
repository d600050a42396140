// The sessions index on disk: two append-only journals in <state>/sessions/ (0700, files 0600).
// `meta.ndjson` holds what a listing needs (file → session, time span, short prompts), small enough
// to read in a few ms; `text.ndjson` holds the redacted prompt, answer and tool-output text only a
// search or --show reads. Rows are keyed, and a later row replaces an earlier one with the same key,
// so bytes delivered twice (a crash between the index write and the checkpoint) change nothing.
import { closeSync, existsSync, fstatSync, fsync, mkdirSync, openSync, readFileSync, readSync, rmSync, statSync, writeSync, constants } from 'node:fs';
import { join } from 'node:path';
import { faultPoint } from '../state/fault-points.js';

/** A row: ['F', path, sessionId, cwd] | ['W', path, firstTs, lastTs] | ['q', path, uuid, ts, short] | ['X', path]. */
export type MetaRow = [string, string, ...(string | number)[]];
/**
 * A row: ['p' | 'a' | 'o', path, id, ts, text] (prompt, answer, tool output) | ['f', path, toolUseId,
 * ts, target, tool] (a file a tool touched; subagent transcripts too) | ['X', path].
 */
export type TextRow = [string, string, ...(string | number)[]];

export const INDEX_DIR = 'sessions';
const META = 'meta.ndjson';
const TEXT = 'text.ndjson';
const OUT = 'out.ndjson';
const CATALOG = 'catalog.json';
const APPEND = constants.O_RDWR | constants.O_CREAT | constants.O_APPEND | constants.O_NOFOLLOW;

export const indexDir = (stateDir: string): string => join(stateDir, INDEX_DIR);

export interface IndexFiles {
  meta: string;
  /** Prompts, answers, files touched: what a search and --show read. */
  text: string;
  /** Tool output (rows 'o'), the bulk of the text: read only by --all-text. */
  out: string;
  /** The listing journal folded (catalog-snapshot.ts): a cache, never the source of truth. */
  catalog: string;
}

export function indexFiles(stateDir: string): IndexFiles {
  const dir = indexDir(stateDir);
  return { meta: join(dir, META), text: join(dir, TEXT), out: join(dir, OUT), catalog: join(dir, CATALOG) };
}

/**
 * Appends rows durably (fsync: the checkpoint written next must never cover rows that are lost),
 * without blocking: an fsync takes 10-40 ms on a busy disk, which the daemon's event loop must not
 * wait out on every commit while following. Only the fsync leaves the thread: the open, the look at
 * the last byte and the write (into the page cache) take microseconds, while each await costs a turn
 * of the loop, which a backfill keeps busy (a commit's trace encoding runs meanwhile).
 */
export async function appendRowsAsync(path: string, rows: readonly unknown[]): Promise<void> {
  if (rows.length === 0) return;
  const data = rows.map((r) => JSON.stringify(r)).join('\n') + '\n';
  mkdirSync(join(path, '..'), { recursive: true, mode: 0o700 });
  const fd = openSync(path, APPEND, 0o600);
  try {
    // A torn last line (a kill mid-append) must not swallow the first row written after it.
    const { size } = fstatSync(fd);
    const last = Buffer.alloc(1);
    const torn = size > 0 && readSync(fd, last, 0, 1, size - 1) === 1 && last[0] !== 10;
    faultPoint('index.append');
    writeAllSync(fd, Buffer.from((torn ? '\n' : '') + data, 'utf8'));
    await new Promise<void>((resolve, reject) => fsync(fd, (err) => (err ? reject(err) : resolve())));
  } finally {
    closeSync(fd);
  }
}

function writeAllSync(fd: number, buf: Buffer): void {
  for (let at = 0; at < buf.length; ) at += writeSync(fd, buf, at, buf.length - at);
}

/**
 * Every row of one journal; a torn last line (a kill mid-append) is skipped. With `needles`, only
 * the lines holding one of them are parsed (found in the raw bytes: --show reads one session's rows
 * out of a journal of every session's text without decoding the rest).
 */
export function readRows<T>(path: string, needles?: readonly string[]): T[] {
  if (needles) return readMatching<T>(path, needles);
  let buf: Buffer;
  try {
    buf = readFileSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const text = buf.toString('utf8');
  const out: T[] = [];
  let at = 0;
  while (at < text.length) {
    let nl = text.indexOf('\n', at);
    if (nl < 0) nl = text.length;
    if (nl > at) {
      try {
        out.push(JSON.parse(text.slice(at, nl)) as T);
      } catch {
        // torn or foreign line: the bytes it covered are re-read only by --rebuild
      }
    }
    at = nl + 1;
  }
  return out;
}

/**
 * The needle search reads through one reused buffer: reading a 7 MB journal whole cost ~6 ms (a
 * fresh allocation's page faults and copy), in 1 MB reads ~1.5 ms. The daemon's --show runs it per question.
 */
const CHUNK = 1 << 20;
let scratch: Buffer | undefined;

function readMatching<T>(path: string, needles: readonly string[]): T[] {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const nbs = needles.map((n) => Buffer.from(n));
  const out: T[] = [];
  try {
    let buf = (scratch ??= Buffer.allocUnsafe(CHUNK));
    let have = 0; // the start of a line carried over from the last read
    let pos = 0;
    for (;;) {
      // A line longer than the buffer: a larger one for this search only.
      if (have === buf.length) buf = Buffer.concat([buf], buf.length * 2);
      const n = readSync(fd, buf, have, buf.length - have, pos);
      pos += n;
      // Whole lines only; at the end, the rest too (a torn last line fails to parse and is skipped).
      const end = n === 0 ? have : buf.lastIndexOf(10, have + n - 1) + 1;
      if (end > 0) {
        const view = buf.subarray(0, end);
        const starts = new Set<number>();
        for (const nb of nbs) for (let at = view.indexOf(nb); at >= 0; at = view.indexOf(nb, at + nb.length)) starts.add(view.lastIndexOf(10, at) + 1);
        for (const start of [...starts].sort((a, b) => a - b)) {
          const nl = view.indexOf(10, start);
          try {
            out.push(JSON.parse(view.toString('utf8', start, nl < 0 ? end : nl)) as T);
          } catch {
            // torn or foreign line
          }
        }
      }
      if (n === 0) break;
      buf.copyWithin(0, end, have + n);
      have = have + n - end;
    }
  } finally {
    closeSync(fd);
  }
  return out;
}

/**
 * Needles that find the rows of one transcript path (its second field: `,"<path>",`, or `,"<path>"]`
 * for an X row) and, with `prefix`, of every path under it.
 */
export function pathNeedles(path: string, prefix = false): string[] {
  const quoted = JSON.stringify(path);
  return prefix ? [`,${quoted.slice(0, -1)}`] : [`,${quoted},`, `,${quoted}]`];
}

/** Bytes the index takes on disk (for the bench and --show's footer). */
export function indexBytes(stateDir: string): number {
  const f = indexFiles(stateDir);
  let n = 0;
  for (const p of [f.meta, f.text, f.out, f.catalog]) if (existsSync(p)) n += statSync(p).size;
  return n;
}

/** Removes the index (--rebuild): the checkpoints' `sessions` offsets are reset by the caller. */
export function removeIndex(stateDir: string): void {
  rmSync(indexDir(stateDir), { recursive: true, force: true });
}
