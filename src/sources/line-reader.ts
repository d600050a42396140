// Reads complete lines from a byte range of a file without loading the file.
// A line is counted only once its terminating '\n' is on disk: a torn last line (a write in progress)
// is left for the next read, so half a JSON object is never parsed.
// I/O is synchronous on purpose: reads of local files are short, and per-call round trips through
// the thread pool cost more than the parsing itself on histories of many small files.
import { closeSync, openSync, readSync } from 'node:fs';

/** Bytes asked of each read. */
export const CHUNK = 4 << 20;
let shared: Buffer | undefined;
const NEWLINE = 0x0a;
const CR = 0x0d;

export interface LineReadOptions {
  /** Lines longer than this are skipped (and reported) rather than held in memory. */
  maxLineBytes: number;
  /** Stop after this many bytes (the rest is read next time); lets callers checkpoint big files. */
  maxBytes?: number;
  /** Also return a copy of the first this many bytes read (the file's fingerprint, read with the lines). */
  head?: number;
  /** Also return the last this many bytes before endOffset, when it moved (the checkpoint's tail print). */
  tail?: number;
  /**
   * The file's size from a stat just taken: a short read at or past it is the file's end, so no
   * further read is made only to meet it. Without it (or before it) reading goes on until a read
   * gives nothing: a filesystem may return fewer bytes than asked in the middle of a file.
   */
  size?: number;
  /**
   * Read into this buffer (at least CHUNK bytes) instead of the reader's own: the line extractor's
   * memory, so lines are extracted where they were read (model/line-extract.ts readerChunk). The
   * callback may then overwrite the byte after a line (its newline), never anything before it.
   */
  chunk?: Buffer;
}

export interface LineReadResult {
  /** Offset just past the last complete line: where the next read starts. */
  endOffset: number;
  bytesRead: number;
  lines: number;
  /** Complete lines skipped for exceeding maxLineBytes (start offsets). */
  oversized: number[];
  /** Bytes after the last newline that were not consumed (torn or still being written). */
  pendingBytes: number;
  /** With opts.head: the first bytes read (fewer when the file is shorter). */
  head?: Buffer;
  /** With opts.tail, when endOffset moved: the bytes just before it (fewer near the file's start). */
  tail?: Buffer;
}

/**
 * Calls onLine(text, startOffset, lineIndex) for each complete, non-blank line in [from, EOF).
 * `text` is null when the bytes are not valid UTF-8. CRLF endings are stripped.
 */
export async function readLines(
  path: string,
  from: number,
  onLine: (text: string | null, start: number, lineIndex: number) => void,
  opts: LineReadOptions,
): Promise<LineReadResult> {
  return readLineBytes(path, from, (buf, s, e, start, index) => emit(buf.subarray(s, e), start, index, onLine), opts);
}

/** A complete, non-blank line's bytes: buf[s, e), CRLF stripped; valid only during the call. */
export type LineBytesFn = (buf: Buffer, s: number, e: number, start: number, lineIndex: number) => void;

/**
 * Like readLines, without decoding: the caller decides how (and whether) to turn bytes into text.
 * The buffer is reused for the next chunk, so nothing may keep a view of it.
 */
export async function readLineBytes(path: string, from: number, onLine: LineBytesFn, opts: LineReadOptions): Promise<LineReadResult> {
  const fd = openSync(path, 'r');
  // One buffer for all reads: lines are copied out (decoded, or concatenated) before it is reused.
  const buf = opts.chunk ?? (shared ??= Buffer.allocUnsafe(CHUNK));
  const result: LineReadResult = { endOffset: from, bytesRead: 0, lines: 0, oversized: [], pendingBytes: 0 };
  // Pieces of a line that spans chunks; `skipping` drops an oversized line until its newline.
  let carry: Buffer[] = [];
  let carryLen = 0;
  let skipping = false;
  let pos = from;
  let lineStart = from;
  let stop = false;
  try {
    for (;;) {
      const bytesRead = readSync(fd, buf, 0, CHUNK, pos);
      if (opts.head !== undefined && result.head === undefined) result.head = Buffer.from(buf.subarray(0, Math.min(opts.head, bytesRead)));
      if (bytesRead === 0) break;
      result.bytesRead += bytesRead;
      let i = 0;
      while (i < bytesRead) {
        const nl = buf.indexOf(NEWLINE, i);
        if (nl === -1 || nl >= bytesRead) {
          // No newline in the rest of this chunk: remember it (unless we are skipping).
          if (!skipping) {
            if (carryLen + (bytesRead - i) > opts.maxLineBytes) {
              skipping = true;
              carry = [];
              carryLen = 0;
            } else {
              carry.push(Buffer.from(buf.subarray(i, bytesRead)));
              carryLen += bytesRead - i;
            }
          }
          break;
        }
        const lineEndAbs = pos + nl + 1;
        if (skipping) {
          result.oversized.push(lineStart);
          skipping = false;
        } else {
          if (carryLen > 0) {
            carry.push(buf.subarray(i, nl));
            const line = Buffer.concat(carry, carryLen + (nl - i));
            carry = [];
            carryLen = 0;
            if (line.length > opts.maxLineBytes) result.oversized.push(lineStart);
            else emitBytes(line, 0, line.length, lineStart, result.lines, onLine);
          } else if (nl - i > opts.maxLineBytes) {
            result.oversized.push(lineStart);
          } else {
            // The chunk itself, with the line's bounds: no view per line.
            emitBytes(buf, i, nl, lineStart, result.lines, onLine);
          }
        }
        result.lines++;
        result.endOffset = lineEndAbs;
        lineStart = lineEndAbs;
        i = nl + 1;
        if (opts.maxBytes !== undefined && result.endOffset - from >= opts.maxBytes) {
          stop = true;
          break;
        }
      }
      pos += bytesRead;
      if (stop) break;
      // A short read at the size just seen is the end as of now: asking again would cost one more
      // read per file (thousands on a cold read) for bytes appended since, which the next read gets.
      if (bytesRead < CHUNK && opts.size !== undefined && pos >= opts.size) break;
    }
    // Read again rather than taken from the chunk: the callback may have overwritten newlines there.
    if (opts.tail !== undefined && result.endOffset > from) {
      const at = Math.max(0, result.endOffset - opts.tail);
      const tail = Buffer.alloc(result.endOffset - at);
      result.tail = tail.subarray(0, readSync(fd, tail, 0, tail.length, at));
    }
  } finally {
    closeSync(fd);
  }
  result.pendingBytes = stop ? 0 : pos - result.endOffset;
  return result;
}

/** The line buf[s, e) (its newline excluded) to onLine, without a trailing CR; blank lines are skipped. */
function emitBytes(buf: Buffer, s: number, e: number, start: number, index: number, onLine: LineBytesFn): void {
  let end = e;
  if (end > s && buf[end - 1] === CR) end--;
  if (end === s) return;
  // Blank lines (only whitespace) carry nothing. A JSON line starts with '{': the loop ends at once.
  let blank = true;
  for (let k = s; k < end; k++) {
    const c = buf[k]!;
    if (c !== 0x20 && c !== 0x09 && c !== CR) {
      blank = false;
      break;
    }
  }
  if (blank) return;
  onLine(buf, s, end, start, index);
}

function emit(line: Buffer, start: number, index: number, onLine: (text: string | null, start: number, lineIndex: number) => void): void {
  const end = line.length;
  const text = line.toString('utf8', 0, end);
  // toString never throws; a replacement character means either invalid bytes or a literal U+FFFD.
  if (text.includes('\uFFFD') && !isValidUtf8(line.subarray(0, end))) {
    onLine(null, start, index);
    return;
  }
  onLine(text, start, index);
}

const strictDecoder = new TextDecoder('utf-8', { fatal: true });
function isValidUtf8(bytes: Uint8Array): boolean {
  try {
    strictDecoder.decode(bytes);
    return true;
  } catch {
    return false;
  }
}
