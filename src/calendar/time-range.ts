// Date ranges in a chosen IANA time zone. Calendar semantics: `week` starts on Monday, `month` on
// the 1st, both at local midnight; `--until` includes the whole day it names.
import { readlinkSync } from 'node:fs';
import { UserError } from '../errors.js';

export interface TimeRange {
  startMs: number; // inclusive
  endMs: number; // exclusive
  label: string;
}

// UTC needs no time zone data: computed directly, a command in UTC (servers, containers, CI) never
// pays the ~15 ms of loading ICU's zone data on its first Intl.DateTimeFormat.
const UTC_NAMES = new Set(['UTC', 'Etc/UTC', 'Etc/UCT', 'UCT', 'Etc/Universal', 'Universal', 'Etc/Zulu', 'Zulu']);
export const isUtc = (tz: string): boolean => UTC_NAMES.has(tz);

export function checkTimeZone(tz: string): string {
  if (isUtc(tz)) return tz;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return tz;
  } catch {
    throw new UserError(`unknown time zone "${tz}" (use an IANA name such as Europe/Berlin or UTC)`);
  }
}

/** The system's zone: $TZ, else /etc/localtime's target; asks Intl only when that is not plainly UTC. */
export function localTimeZone(): string {
  const env = process.env.TZ;
  let name: string | undefined = env === undefined ? undefined : env.replace(/^:/, '');
  if (name === undefined) {
    try {
      name = /zoneinfo\/(.+)$/.exec(readlinkSync('/etc/localtime'))?.[1];
    } catch {
      // not a link (or none): Intl knows
    }
  }
  if (name !== undefined && isUtc(name)) return 'UTC';
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

const partsCache = new Map<string, Intl.DateTimeFormat>();
function formatter(tz: string): Intl.DateTimeFormat {
  let f = partsCache.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: tz, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', weekday: 'short' });
    partsCache.set(tz, f);
  }
  return f;
}

export interface LocalDate {
  y: number;
  m: number; // 1-12
  d: number;
  weekday: number; // 0 = Monday
}

export function localDateOf(ms: number, tz: string): LocalDate {
  if (isUtc(tz)) {
    const t = new Date(ms);
    return { y: t.getUTCFullYear(), m: t.getUTCMonth() + 1, d: t.getUTCDate(), weekday: (t.getUTCDay() + 6) % 7 };
  }
  const p: Record<string, string> = {};
  for (const x of formatter(tz).formatToParts(new Date(ms))) p[x.type] = x.value;
  return { y: +p.year!, m: +p.month!, d: +p.day!, weekday: ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'].indexOf(p.weekday!) };
}

// One formatter per zone: building one costs far more than formatting with it.
const minuteFormats = new Map<string, Intl.DateTimeFormat>();

/** `YYYY-MM-DD HH:MM` of an instant in the zone (24-hour clock). */
export function localMinute(ms: number, tz: string): string {
  if (isUtc(tz)) return new Date(ms).toISOString().slice(0, 16).replace('T', ' ');
  let f = minuteFormats.get(tz);
  if (!f) minuteFormats.set(tz, (f = new Intl.DateTimeFormat('sv-SE', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })));
  return f.format(new Date(ms));
}

/** YYYY-MM-DD of an instant in the zone. */
export function localDay(ms: number, tz: string): string {
  const { y, m, d } = localDateOf(ms, tz);
  return `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

function offsetMs(ms: number, tz: string): number {
  if (isUtc(tz)) return 0;
  const p: Record<string, string> = {};
  for (const x of formatter(tz).formatToParts(new Date(ms))) p[x.type] = x.value;
  const asUtc = Date.UTC(+p.year!, +p.month! - 1, +p.day!, +p.hour!, +p.minute!, +p.second!);
  return asUtc - Math.floor(ms / 1000) * 1000;
}

/** Local wall-clock time at an instant, as if it were UTC (whole seconds). */
const wallMs = (ms: number, tz: string): number => Math.floor(ms / 1000) * 1000 + offsetMs(ms, tz);

/**
 * The first instant of the given calendar day in the zone: local midnight, or, where the clocks
 * skip midnight (America/Santiago in September, Asia/Beirut in March), the moment they jump past it.
 */
export function startOfDay(y: number, m: number, d: number, tz: string): number {
  const midnight = Date.UTC(y, m - 1, d);
  let t = midnight - offsetMs(midnight, tz);
  t = midnight - offsetMs(t, tz);
  // Usual case: t shows 00:00:00 on that day, and one second earlier is still the day before.
  if (wallMs(t, tz) === midnight && wallMs(t - 1000, tz) < midnight) return t;
  // Midnight skipped or repeated: the first second whose wall clock reads that day or later.
  // Offsets lie within -12h..+14h, so the answer is inside (midnight - 15h, midnight + 15h].
  let lo = (midnight - 15 * 3600_000) / 1000; // wall clock before the day
  let hi = (midnight + 15 * 3600_000) / 1000; // wall clock on the day or later
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (wallMs(mid * 1000, tz) >= midnight) hi = mid;
    else lo = mid;
  }
  return hi * 1000;
}

export function addDays(y: number, m: number, d: number, n: number): [number, number, number] {
  const dt = new Date(Date.UTC(y, m - 1, d + n));
  return [dt.getUTCFullYear(), dt.getUTCMonth() + 1, dt.getUTCDate()];
}

export function parseDay(s: string, flag: string): [number, number, number] {
  const m = /^(\d{4})-?(\d{2})-?(\d{2})$/.exec(s.trim());
  if (!m) throw new UserError(`${flag} expects a date as YYYY-MM-DD (got "${s}")`);
  const [y, mo, d] = [+m[1]!, +m[2]!, +m[3]!];
  const check = new Date(Date.UTC(y, mo - 1, d));
  if (check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d) throw new UserError(`${flag}: ${s} is not a calendar date`);
  return [y, mo, d];
}

export type RangeName = 'today' | 'week' | 'month' | 'all';

export function namedRange(name: RangeName, nowMs: number, tz: string): TimeRange {
  if (name === 'all') return { startMs: -Infinity, endMs: Infinity, label: 'all time' };
  const { y, m, d, weekday } = localDateOf(nowMs, tz);
  const [ty, tm, td] = addDays(y, m, d, 1);
  const endMs = startOfDay(ty, tm, td, tz);
  if (name === 'today') return { startMs: startOfDay(y, m, d, tz), endMs, label: `today (${localDay(nowMs, tz)})` };
  if (name === 'week') {
    const [wy, wm, wd] = addDays(y, m, d, -weekday);
    return { startMs: startOfDay(wy, wm, wd, tz), endMs, label: 'this week' };
  }
  return { startMs: startOfDay(y, m, 1, tz), endMs, label: 'this month' };
}

export interface RangeOptions {
  range?: string;
  date?: string;
  since?: string;
  until?: string;
}

export function resolveRange(o: RangeOptions, nowMs: number, tz: string): TimeRange {
  if (o.date) {
    if (o.since || o.until) throw new UserError('--date cannot be combined with --since/--until');
    const [y, m, d] = parseDay(o.date, '--date');
    const [ny, nm, nd] = addDays(y, m, d, 1);
    return { startMs: startOfDay(y, m, d, tz), endMs: startOfDay(ny, nm, nd, tz), label: o.date };
  }
  if (o.since || o.until) {
    let startMs = -Infinity;
    let endMs = Infinity;
    if (o.since) startMs = startOfDay(...parseDay(o.since, '--since'), tz);
    if (o.until) endMs = startOfDay(...addDays(...parseDay(o.until, '--until'), 1), tz);
    if (endMs <= startMs) throw new UserError('--until is before --since');
    return { startMs, endMs, label: `${o.since ?? 'beginning'} .. ${o.until ?? 'now'}` };
  }
  const name = (o.range ?? 'today') as RangeName;
  if (!['today', 'week', 'month', 'all'].includes(name)) throw new UserError(`--range must be today, week, month or all (got "${o.range}")`);
  return namedRange(name, nowMs, tz);
}
