// The line's text with wide escapes looked for up front, as the reader did before it deferred that
// to normalizeLine (src/model/line-text.ts): a latin1 text holding one is decoded as UTF-8 instead.
// Tests compare the reader's path with it.
import { hasWideEscape, lineText, type LineText } from '../../src/model/line-text.js';

export function eagerLineText(buf: Buffer, start: number, end: number): LineText | null {
  const t = lineText(buf, start, end);
  if (t === null || !t.bytes || !hasWideEscape(t.text)) return t;
  return { text: buf.toString('utf8', start, end), bytes: false };
}
