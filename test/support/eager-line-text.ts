// The line's text as the reader made it before the WebAssembly scan (src/model/line-text.ts,
// model/line-reduce.ts): latin1 for valid UTF-8 (bytes: true when non-ASCII), null when not UTF-8.
// eagerLineText also looks for wide escapes up front, as the reader did before it deferred that to
// normalizeLine: a latin1 text holding one is decoded as UTF-8 instead. Tests compare the reader's
// paths with them.
import { hasWideEscape, lineEncoding } from '../../src/model/line-text.js';

export interface LineText {
  text: string;
  /** The text holds raw bytes (latin1): strings taken from it go through utf8Of / utf16Length. */
  bytes: boolean;
}

export function lineText(buf: Buffer, start: number, end: number): LineText | null {
  const encoding = lineEncoding(buf, start, end);
  return encoding === null ? null : { text: buf.toString('latin1', start, end), bytes: encoding === 'bytes' };
}

export function eagerLineText(buf: Buffer, start: number, end: number): LineText | null {
  const t = lineText(buf, start, end);
  if (t === null || !t.bytes || !hasWideEscape(t.text)) return t;
  return { text: buf.toString('utf8', start, end), bytes: false };
}
