// Every line's timestamp is read digit by digit when it has the form Claude Code writes
// (model/normalize.ts): the time must be exactly Date.parse's for every string, that form or not.
import { describe, expect, it } from 'vitest';
import { parseTimestamp } from '../src/model/normalize.js';

const viaDateParse = (v: string): number | undefined => {
  const t = Date.parse(v);
  return Number.isFinite(t) ? t : undefined;
};

describe('parseTimestamp', () => {
  it("gives Date.parse's time for the ISO form over years of milliseconds", () => {
    let t = Date.UTC(1999, 11, 31, 23, 59, 59, 999);
    for (let i = 0; i < 50_000; i++) {
      t += 1_234_567_891 + i * 7919; // steps through every field, months and leap days included
      const s = new Date(t).toISOString();
      expect(s.length).toBe(24);
      expect(parseTimestamp(s), s).toBe(t);
    }
  });

  it("gives Date.parse's answer for near misses and other forms", () => {
    const odd = [
      '2026-02-29T00:00:00.000Z', '2024-02-29T12:00:00.000Z', '2026-02-30T00:00:00.000Z', '2026-04-31T00:00:00.000Z',
      '2026-13-01T00:00:00.000Z', '2026-00-10T00:00:00.000Z', '2026-01-00T00:00:00.000Z', '2026-01-32T00:00:00.000Z',
      '2026-01-01T24:00:00.000Z', '2026-01-01T23:60:00.000Z', '2026-01-01T23:59:60.000Z', '0099-01-01T00:00:00.000Z',
      '0999-06-15T10:00:00.000Z', '1000-01-01T00:00:00.000Z', '9999-12-31T23:59:59.999Z', '2026-1a-01T00:00:00.000Z',
      '2026-01-01 00:00:00.000Z', '2026-01-01T00:00:00.000+', '2026-01-01T00:00:00,000Z', '2026/01/01T00:00:00.000Z',
      '+2026-01-01T00:00:00.00', '2026-01-01T00:00:00.0000', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00.000+01:00',
      '2026-01-01', '2026-01-01T00:00', 'Thu, 01 Jan 2026 00:00:00 GMT', '', ' 2026-01-01T00:00:00.000Z', 'x'.repeat(24),
      '2026-01-01T00:00:00.-00Z', '2026-01-01T-1:00:00.000Z', '-026-01-01T00:00:00.000Z',
    ];
    for (const s of odd) expect(parseTimestamp(s), JSON.stringify(s)).toBe(viaDateParse(s));
    for (const v of [undefined, null, 0, 1767225600000, {}, []]) expect(parseTimestamp(v)).toBeUndefined();
  });
});
