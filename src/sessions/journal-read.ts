// The text journals a search reads, read while the command catches the index up. Without a daemon,
// `ccotel sessions` first reads the transcripts' new lines (mostly a walk that stats every file);
// the journals (tens of MB) are read meanwhile on libuv's threads, and once the catch-up is done
// only what it appended is read. The answer still holds every row on disk after the catch-up: the
// early read keeps its file open, so a journal replaced meanwhile (compaction renames a new file
// over it) is told apart by its inode, and read again whole.
import { open, type FileHandle } from 'node:fs/promises';
import { statSync } from 'node:fs';
import { READ_NOFOLLOW } from '../state/atomic-file.js';
import { indexFiles } from './index-file.js';
import { readJournalBytes } from './text-scan.js';

interface Early {
  path: string;
  fh?: FileHandle;
  ino: number;
  dev: number;
  bytes: Buffer;
}

async function readEarly(path: string): Promise<Early> {
  let fh: FileHandle;
  try {
    fh = await open(path, READ_NOFOLLOW);
  } catch {
    return { path, ino: -1, dev: -1, bytes: Buffer.alloc(0) }; // none yet (or unreadable): read after the catch-up
  }
  try {
    const st = await fh.stat();
    return { path, fh, ino: st.ino, dev: st.dev, bytes: await readFrom(fh, 0, st.size) };
  } catch (err) {
    await fh.close();
    throw err;
  }
}

/** `size` bytes from `pos` (fewer if the file ends first). */
async function readFrom(fh: FileHandle, pos: number, size: number): Promise<Buffer> {
  const buf = Buffer.allocUnsafe(size);
  let n = 0;
  while (n < size) {
    const { bytesRead } = await fh.read(buf, n, size - n, pos + n);
    if (bytesRead === 0) break;
    n += bytesRead;
  }
  return n < size ? buf.subarray(0, n) : buf;
}

/** The journal as it is now: the early bytes and what was appended since, or all of it again if it was replaced. */
async function finish(e: Early): Promise<string> {
  if (!e.fh) return readJournalBytes(e.path);
  try {
    const now = statSync(e.path, { throwIfNoEntry: false });
    if (!now) return '';
    // Another file at the path (held open, ours cannot share its inode), or shorter: read whole.
    if (now.ino !== e.ino || now.dev !== e.dev) return readJournalBytes(e.path);
    const size = (await e.fh.stat()).size;
    if (size < e.bytes.length) return readJournalBytes(e.path);
    if (size === e.bytes.length) return e.bytes.toString('latin1');
    const tail = await readFrom(e.fh, e.bytes.length, size - e.bytes.length);
    return Buffer.concat([e.bytes, tail]).toString('latin1');
  } finally {
    const fh = e.fh;
    e.fh = undefined;
    await fh.close();
  }
}

export class JournalRead {
  private constructor(private readonly early: Promise<Early[]>) {}

  /** Starts reading the journals a search reads (tool output too with `allText`). */
  static start(stateDir: string, allText: boolean): JournalRead {
    const f = indexFiles(stateDir);
    const early = Promise.all((allText ? [f.text, f.out] : [f.text]).map(readEarly));
    early.catch(() => {}); // a failed early read is thrown by done(), not as an unhandled rejection
    return new JournalRead(early);
  }

  /** The early read is done (what done() then adds is only what changed since). */
  async started(): Promise<void> {
    await this.early;
  }

  /** After the catch-up: each journal's bytes (as latin1) as they are on disk now. */
  async done(): Promise<string[]> {
    return Promise.all((await this.early).map(finish));
  }

  /** Closes the files without reading more (the command failed before its answer). */
  async abandon(): Promise<void> {
    try {
      await Promise.all((await this.early).map((e) => e.fh?.close().finally(() => (e.fh = undefined))));
    } catch {
      // nothing to close
    }
  }
}
