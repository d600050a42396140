// Durations on the command line: 500ms, 30s, 5m, 2h, 1d.
import { UserError } from '../errors.js';

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

export function parseDuration(v: string, flag: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/.exec(v.trim());
  if (!m) throw new UserError(`${flag} expects a duration such as 30s, 5m or 2h (got "${v}")`);
  return Number(m[1]) * UNITS[m[2]!]!;
}
