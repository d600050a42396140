// `ccotel stats` writes counts with thousands separators by hand (loading ICU's locale data for
// toLocaleString cost ~17 ms of every run): every figure must read exactly as toLocaleString('en-US').
import { describe, expect, it } from 'vitest';
import { n } from '../src/stats/render.js';

describe('stats counts', () => {
  it('read exactly as toLocaleString("en-US") writes them', () => {
    const values = [0, -0, 1, -1, 9, 10, 99, 100, 999, 1000, -1000, 1001, 9999, 10000, 99999, 100000, 999999, 1000000, 1234567, -1234567, 12345678901, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER];
    for (let p = 1; p < 1e15; p *= 7) values.push(p, p + 1, p - 1, -p);
    // Not whole or not safe: left to toLocaleString itself.
    values.push(0.5, 1234.5678, -0.0001, 2 ** 60, 1e21, NaN, Infinity, -Infinity);
    for (const v of values) expect(n(v), String(v)).toBe(v.toLocaleString('en-US'));
  });
});
