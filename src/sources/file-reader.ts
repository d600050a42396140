// Reads one transcript from its checkpoint on, like the Collector's fileconsumer reader: it decides
// whether the file was appended to, replaced or truncated, turns complete lines into events, and
// returns them with the checkpoint it would move to. It never commits anything: the ingest manager
// decides when that checkpoint becomes durable.
import { statSync } from 'node:fs';
import type { ModelEvent } from '../model/events.js';
import { normalizeLine } from '../model/normalize.js';
import { parseLine, placeholders, wideEscapesPossible } from '../model/line-reduce.js';
import { extractEvents, readerChunk } from '../model/line-extract.js';
import type { Logger } from '../log.js';
import type { FileCheckpoint } from './checkpoint.js';
import { classify, fingerprint, fingerprintOf, FINGERPRINT_BYTES, TAIL_BYTES, tailPrintOf } from './file-identity.js';
import { CHUNK, readLineBytes } from './line-reader.js';
import { lineEncoding } from '../model/line-text.js';
import type { FileStat, TranscriptFile } from './transcript-files.js';

export interface ReaderOptions {
  maxLineBytes: number;
  /** At most this many bytes per slice, so a big file is checkpointed along the way. */
  sliceBytes: number;
  /** Keep redacted prompt, answer and tool-output text on events (a sink asked: the sessions index). */
  text?: boolean;
  /** Only what the ledger reads is wanted (no sinks: `stats`): see model/normalize.ts. */
  ledgerOnly?: boolean;
}

export const DEFAULT_READER_OPTIONS: ReaderOptions = { maxLineBytes: 64 << 20, sliceBytes: 32 << 20 };

/** Events of one line, with the byte offset where the line starts (sinks keep their own offsets). */
export interface LineEvents {
  start: number;
  events: ModelEvent[];
}

export interface Slice {
  lines: LineEvents[];
  /** The checkpoint after this slice (not yet committed). */
  next: FileCheckpoint;
  /** Offset just past the slice's last complete line. */
  end: number;
  bytesRead: number;
  /** More complete lines may follow: read another slice. */
  more: boolean;
  /**
   * The warning for this file's first bad line, when this slice found it: the caller logs it (or,
   * in a long read of history, only counts it, so thousands of damaged files do not flood stderr).
   */
  badLine?: string;
}

/** The file as it is now compared with its checkpoint: where reading starts, or nothing to do. */
export type Plan = { kind: 'unchanged' } | { kind: 'read'; cp: FileCheckpoint; size: number };

export class FileReader {
  constructor(
    private readonly log: Logger,
    private readonly opts: ReaderOptions = DEFAULT_READER_OPTIONS,
  ) {}

  /**
   * Decides where to read from, with the listing's stat when given (else a fresh one). Throws fs
   * errors (ENOENT: gone). A stat a moment old only defers bytes appended since to the next read.
   */
  async plan(path: string, cp: FileCheckpoint | undefined, known?: FileStat): Promise<Plan> {
    const st = known ?? statSync(path);
    const change = await classify(path, st, cp);
    if (change.kind === 'unchanged') return { kind: 'unchanged' };
    if (change.kind === 'restart') {
      if (change.reason !== 'new') this.log.warn(`${path} was ${change.reason}; reading it again from the start (records already counted are not counted twice)`);
      // The fingerprint ('' until then) is taken by readSlice from the bytes it reads from 0: one
      // open and read fewer per file on a cold read.
      return { kind: 'read', size: st.size, cp: { dev: st.dev, ino: st.ino, size: st.size, mtimeMs: st.mtimeMs, offset: 0, lines: 0, malformed: 0, oversized: 0, fp: '', fpLen: 0, sinks: {} } };
    }
    const next: FileCheckpoint = { ...cp!, size: st.size, mtimeMs: st.mtimeMs };
    if (next.fpLen < FINGERPRINT_BYTES && st.size > next.fpLen) Object.assign(next, await fingerprint(path, FINGERPRINT_BYTES));
    return { kind: 'read', size: st.size, cp: next };
  }

  /**
   * Reads one slice of complete lines from `from`. A slice starting before cp.offset (a sink that is
   * behind the ledger asks for older bytes again) ends at cp.offset and counts nothing: those lines
   * were counted when first read.
   */
  async readSlice(file: TranscriptFile, cp: FileCheckpoint, from: number): Promise<Slice> {
    const catchUp = from < cp.offset;
    const pendingFingerprint = cp.fp === '' && from === 0;
    const next: FileCheckpoint = { ...cp, sinks: { ...cp.sinks } };
    const lines: LineEvents[] = [];
    const text = this.opts.text === true;
    const ledgerOnly = this.opts.ledgerOnly === true;
    let warned = next.malformed > 0;
    let badLine: string | undefined;
    let events: ModelEvent[] = [];
    // A line's events are kept in `lines`; the next line gets a new array.
    const keep = (start: number): void => {
      if (events.length === 0) return;
      lines.push({ start, events });
      events = [];
    };
    const badAt = (index: number, what: string): void => {
      if (catchUp) return;
      next.malformed++;
      if (warned) return;
      warned = true;
      badLine = `${file.path}:${next.lines + index + 1}: skipping ${what}; further bad lines in this file are only counted`;
    };
    const keyPrefix = `${file.hints.sessionId}@`;
    const res = await readLineBytes(
      file.path,
      from,
      (buf, s, e, start, index) => {
        // (Per line only what must be: the events array is new only once the last one was kept; a
        // line that went bad halfway leaves nothing in it.)
        if (events.length > 0) events.length = 0;
        let parsed: unknown;
        let latin1 = false;
        let raw: string | undefined;
        const fallbackKey = keyPrefix + start;
        try {
          // Most lines never reach JSON.parse: their events come from the extractor (model/line-extract.ts),
          // which gives up, adding nothing, on any line it does not read exactly (and checks the UTF-8
          // of a line with non-ASCII bytes itself).
          const extracted = extractEvents(buf, s, e, file.hints, fallbackKey, events, ledgerOnly, text);
          if (extracted === null) throw new Error('invalid UTF-8');
          if (extracted !== undefined) {
            if (!extracted) return badAt(index, 'a line that is not a transcript record (nested too deep)');
            return keep(start);
          }
          // Decoded as latin1 after a native UTF-8 check (wide escapes: normalizeLine): see model/line-text.ts.
          const encoding = lineEncoding(buf, s, e);
          if (encoding === null) throw new Error('invalid UTF-8');
          latin1 = encoding === 'bytes';
          parsed = parseLine(buf, s, e);
          // The text normalizeLine searches for wide escapes (and parses again as UTF-8 if it finds
          // one); without it, it takes the line to have none.
          if (latin1 && wideEscapesPossible()) raw = buf.toString('latin1', s, e);
        } catch (err) {
          // V8 quotes a piece of the line in its message: that piece may hold a secret, so it is dropped.
          return badAt(index, `malformed line (${(err as Error).message.replace(/, "[\s\S]*$/, ' (not valid JSON)').slice(0, 80)})`);
        }
        if (!normalizeLine(parsed, file.hints, fallbackKey, events, latin1, text, ledgerOnly, raw, placeholders())) return badAt(index, 'a line that is not a transcript record (nested too deep)');
        keep(start);
      },
      // cp.offset is a line boundary, so a catch-up slice stops exactly there.
      {
        maxLineBytes: this.opts.maxLineBytes,
        maxBytes: catchUp ? Math.min(this.opts.sliceBytes, cp.offset - from) : this.opts.sliceBytes,
        head: pendingFingerprint ? FINGERPRINT_BYTES : undefined,
        tail: catchUp ? undefined : TAIL_BYTES,
        size: cp.size,
        // Read into the extractor's memory: lines are extracted where they lie, not copied there.
        chunk: readerChunk(CHUNK),
      },
    );
    // The same bytes fingerprint() reads: the first FINGERPRINT_BYTES of the file (all of a shorter one).
    if (pendingFingerprint) Object.assign(next, fingerprintOf(res.head ?? Buffer.alloc(0)));
    if (!catchUp) {
      next.lines += res.lines;
      for (const at of res.oversized) {
        next.oversized++;
        this.log.warn(`${file.path}: skipping a line over ${this.opts.maxLineBytes} bytes at byte ${at}`);
      }
      next.offset = res.endOffset;
      if (res.tail) Object.assign(next, tailPrintOf(res.tail));
    }
    const more = res.endOffset < cp.size && res.pendingBytes === 0 && res.lines > 0;
    const slice: Slice = { lines, next, end: res.endOffset, bytesRead: res.bytesRead, more };
    if (badLine !== undefined) slice.badLine = badLine;
    return slice;
  }
}
