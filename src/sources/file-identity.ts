// Tells an appended file from a replaced or truncated one, like the Collector's filelog receiver:
// device + inode, size, and a fingerprint of the first bytes.
import { createHash } from 'node:crypto';
import { closeSync, openSync, readSync } from 'node:fs';
import type { FileCheckpoint } from './checkpoint.js';
import type { FileStat } from './transcript-files.js';

export const FINGERPRINT_BYTES = 1024;
/** Bytes before a checkpoint's offset whose print it keeps (a line's end: rewritten content differs there). */
export const TAIL_BYTES = 64;

/** Up to `len` bytes of an open file from `pos` (fewer at its end). */
function bytesAt(fd: number, len: number, pos: number): Buffer {
  const buf = Buffer.alloc(len);
  return buf.subarray(0, readSync(fd, buf, 0, len, pos));
}

export async function fingerprint(path: string, len: number): Promise<{ fp: string; fpLen: number }> {
  const fd = openSync(path, 'r');
  try {
    return fingerprintOf(bytesAt(fd, len, 0));
  } finally {
    closeSync(fd);
  }
}

/** The fingerprint of a file whose first bytes are `head`. */
export function fingerprintOf(head: Uint8Array): { fp: string; fpLen: number } {
  return { fp: createHash('sha256').update(head).digest('hex'), fpLen: head.length };
}

/** The print of the bytes just before a checkpoint's offset (64 bits: it tells a change, it guards no secret). */
export function tailPrintOf(tail: Uint8Array): { tail: string; tailLen: number } {
  return { tail: createHash('sha256').update(tail).digest('hex').slice(0, 16), tailLen: tail.length };
}

export type Change =
  | { kind: 'unchanged' }
  | { kind: 'appended'; from: number }
  /** Replaced (new inode, different first bytes or different bytes before the offset) or truncated: read again from 0. */
  | { kind: 'restart'; reason: 'new' | 'replaced' | 'truncated' };

/** Same file, same size and time as at the checkpoint: nothing to read (no file bytes needed). */
export function isUnchanged(st: FileStat, cp: FileCheckpoint | undefined): boolean {
  return cp !== undefined && st.ino === cp.ino && st.dev === cp.dev && st.size >= cp.offset && st.size === cp.size && st.mtimeMs === cp.mtimeMs;
}

/** Decides what to read. Reads no file bytes when size, inode and mtime match the checkpoint. */
export async function classify(path: string, st: FileStat, cp: FileCheckpoint | undefined): Promise<Change> {
  if (!cp) return { kind: 'restart', reason: 'new' };
  if (st.ino !== cp.ino || st.dev !== cp.dev) return { kind: 'restart', reason: 'replaced' };
  if (st.size < cp.offset) return { kind: 'restart', reason: 'truncated' };
  if (isUnchanged(st, cp)) return { kind: 'unchanged' };
  // One open for both prints: this runs on every append of a followed file.
  const tailLen = cp.tail !== undefined && cp.tailLen !== undefined && cp.tailLen <= cp.offset ? cp.tailLen : 0;
  if (cp.fpLen > 0 || tailLen > 0) {
    const fd = openSync(path, 'r');
    try {
      if (cp.fpLen > 0) {
        const now = fingerprintOf(bytesAt(fd, cp.fpLen, 0));
        if (now.fpLen !== cp.fpLen || now.fp !== cp.fp) return { kind: 'restart', reason: 'replaced' };
      }
      // Truncated and written again (same inode) with the same first bytes, to at least the offset:
      // the bytes before the offset differ. Read on from there, the lines rewritten before it would be lost.
      if (tailLen > 0) {
        const tail = bytesAt(fd, tailLen, cp.offset - tailLen);
        if (tail.length !== tailLen || tailPrintOf(tail).tail !== cp.tail) return { kind: 'restart', reason: 'replaced' };
      }
    } finally {
      closeSync(fd);
    }
  }
  return st.size > cp.offset ? { kind: 'appended', from: cp.offset } : { kind: 'unchanged' };
}
