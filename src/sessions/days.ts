// --since / --until of `ccotel sessions`: today, yesterday, Nd (the last N days, today included) or
// YYYY-MM-DD, as the start of that day in the time zone; --until includes its whole day.
import { addDays, localDateOf, parseDay, startOfDay } from '../calendar/time-range.js';
import { UserError } from '../errors.js';

function dayOf(word: string, flag: string, now: number, tz: string): [number, number, number] {
  const { y, m, d } = localDateOf(now, tz);
  if (word === 'today') return [y, m, d];
  if (word === 'yesterday') return addDays(y, m, d, -1);
  const n = /^(\d{1,4})d$/.exec(word);
  if (n) {
    if (Number(n[1]) < 1) throw new UserError(`${flag} ${word}: give at least 1d`);
    return addDays(y, m, d, -(Number(n[1]) - 1));
  }
  if (/^\d{4}-\d{2}-\d{2}$/.test(word)) return parseDay(word, flag);
  throw new UserError(`${flag} must be today, yesterday, a number of days such as 7d, or YYYY-MM-DD (got "${word}")`);
}

export function sessionRange(since: string | undefined, until: string | undefined, now: number, tz: string): { startMs: number; endMs: number } {
  const startMs = since === undefined ? -Infinity : startOfDay(...dayOf(since, '--since', now, tz), tz);
  const endMs = until === undefined ? Infinity : startOfDay(...addDays(...dayOf(until, '--until', now, tz), 1), tz);
  if (endMs <= startMs) throw new UserError('--until is before --since');
  return { startMs, endMs };
}
