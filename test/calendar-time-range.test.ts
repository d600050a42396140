// Day boundaries in time zones whose clocks change at midnight, on half or quarter hours, or not at
// all. Every expected instant is written by hand from the tz database's rules (noted per case),
// never derived from the code under test.
import { describe, expect, it } from 'vitest';
import { localDateOf, localDay, localTimeZone, namedRange, resolveRange, startOfDay } from '../src/calendar/time-range.js';
import { localTime } from '../src/sessions/render.js';

const Z = (iso: string): number => Date.parse(iso);
const H = 3600_000;

describe('startOfDay: the first instant of a local calendar day', () => {
  const cases: Array<[string, string, string, string]> = [
    // [zone, local day, first instant (UTC), why]
    ['UTC', '2025-01-01', '2025-01-01T00:00:00Z', 'no offset'],
    ['Europe/Berlin', '2025-03-30', '2025-03-29T23:00:00Z', 'DST starts at 02:00, midnight is still +01'],
    ['Europe/Berlin', '2025-03-31', '2025-03-30T22:00:00Z', 'first midnight at +02'],
    ['Europe/Berlin', '2025-10-26', '2025-10-25T22:00:00Z', 'DST ends at 03:00, midnight is still +02'],
    ['Asia/Kolkata', '2025-03-15', '2025-03-14T18:30:00Z', 'half-hour zone, +05:30'],
    ['Asia/Kathmandu', '2025-03-15', '2025-03-14T18:15:00Z', 'quarter-hour zone, +05:45'],
    ['Australia/Lord_Howe', '2025-10-05', '2025-10-04T13:30:00Z', 'half-hour DST step at 02:00; midnight at +10:30'],
    ['Australia/Lord_Howe', '2025-10-06', '2025-10-05T13:00:00Z', 'first midnight at +11'],
    ['Australia/Lord_Howe', '2025-04-06', '2025-04-05T13:00:00Z', 'DST ends at 02:00; midnight at +11'],
    ['Pacific/Kiritimati', '2025-01-01', '2024-12-31T10:00:00Z', '+14, the earliest zone'],
    ['Pacific/Pago_Pago', '2025-01-01', '2025-01-01T11:00:00Z', '-11'],
    // Clocks jump forward AT midnight: 00:00 does not exist, the day starts at 01:00 local.
    ['America/Santiago', '2025-09-07', '2025-09-07T04:00:00Z', '00:00 -04 becomes 01:00 -03'],
    ['America/Santiago', '2025-09-06', '2025-09-06T04:00:00Z', 'day before, -04'],
    ['America/Santiago', '2025-09-08', '2025-09-08T03:00:00Z', 'day after, -03'],
    ['America/Havana', '2025-03-09', '2025-03-09T05:00:00Z', '00:00 -05 becomes 01:00 -04'],
    ['Asia/Beirut', '2025-03-30', '2025-03-29T22:00:00Z', '00:00 +02 becomes 01:00 +03'],
    ['Africa/Cairo', '2025-04-25', '2025-04-24T22:00:00Z', '00:00 +02 becomes 01:00 +03'],
    // Clocks fall back AT midnight.
    ['America/Santiago', '2025-04-06', '2025-04-06T04:00:00Z', '24:00 -03 on the 5th becomes 23:00 -04; the 6th starts at 00:00 -04'],
    ['America/Santiago', '2025-04-05', '2025-04-05T03:00:00Z', 'day before, -03'],
    ['Asia/Beirut', '2025-10-26', '2025-10-25T22:00:00Z', '00:00 +03 becomes 23:00 +02 on the 25th; the 26th starts at 00:00 +02'],
    ['America/Havana', '2025-11-02', '2025-11-02T04:00:00Z', '01:00 -04 becomes 00:00 -05: midnight happens twice, the first counts'],
  ];

  for (const [tz, day, want, why] of cases) {
    it(`${tz} ${day} starts at ${want} (${why})`, () => {
      const [y, m, d] = day.split('-').map(Number) as [number, number, number];
      const t = startOfDay(y, m, d, tz);
      expect(new Date(t).toISOString().replace('.000', '')).toBe(want);
      // Independent check through Intl: the instant is on that day, one second earlier is not.
      expect(localDay(t, tz)).toBe(day);
      expect(localDay(t - 1000, tz) < day).toBe(true);
    });
  }
});

describe('ranges across a midnight clock change', () => {
  it('--date on the day Santiago skips midnight covers 23 hours, 01:00 to midnight local', () => {
    const r = resolveRange({ date: '2025-09-07' }, Z('2026-01-01T00:00:00Z'), 'America/Santiago');
    expect([r.startMs, r.endMs]).toEqual([Z('2025-09-07T04:00:00Z'), Z('2025-09-08T03:00:00Z')]);
    expect(r.endMs - r.startMs).toBe(23 * H);
  });

  it('--date on the day Santiago falls back at midnight covers 24 hours of that day only', () => {
    const r = resolveRange({ date: '2025-04-05' }, Z('2026-01-01T00:00:00Z'), 'America/Santiago');
    // 00:00 -03 on the 5th to 00:00 -04 on the 6th: the repeated 23:00 hour belongs to the 5th.
    expect([r.startMs, r.endMs]).toEqual([Z('2025-04-05T03:00:00Z'), Z('2025-04-06T04:00:00Z')]);
    expect(r.endMs - r.startMs).toBe(25 * H);
  });

  it('--since/--until include the whole of both named days', () => {
    const r = resolveRange({ since: '2025-09-06', until: '2025-09-07' }, Z('2026-01-01T00:00:00Z'), 'America/Santiago');
    expect([r.startMs, r.endMs]).toEqual([Z('2025-09-06T04:00:00Z'), Z('2025-09-08T03:00:00Z')]);
  });

  it('today, week and month at an instant just after Santiago skipped midnight', () => {
    // 2025-09-07 is a Sunday; the week started Monday 2025-09-01 (-04), the month on the 1st.
    const now = Z('2025-09-07T04:30:00Z'); // 01:30 local
    expect(namedRange('today', now, 'America/Santiago')).toMatchObject({ startMs: Z('2025-09-07T04:00:00Z'), endMs: Z('2025-09-08T03:00:00Z') });
    expect(namedRange('week', now, 'America/Santiago')).toMatchObject({ startMs: Z('2025-09-01T04:00:00Z'), endMs: Z('2025-09-08T03:00:00Z') });
    expect(namedRange('month', now, 'America/Santiago')).toMatchObject({ startMs: Z('2025-09-01T04:00:00Z'), endMs: Z('2025-09-08T03:00:00Z') });
  });

  it('an instant in the skipped hour of Saturday night counts on Saturday, not Sunday', () => {
    // 03:30Z is 23:30 -04 on the 6th: before the fix, "today" on the 7th started at 03:00Z and took it.
    const r = resolveRange({ date: '2025-09-07' }, 0, 'America/Santiago');
    const sat = resolveRange({ date: '2025-09-06' }, 0, 'America/Santiago');
    const t = Z('2025-09-07T03:30:00Z');
    expect(t >= r.startMs && t < r.endMs).toBe(false);
    expect(t >= sat.startMs && t < sat.endMs).toBe(true);
  });
});

describe('UTC without zone data', () => {
  // The answers Intl gives for UTC, computed here with Intl: UTC's own path never calls it.
  const intl = new Intl.DateTimeFormat('en-US', { timeZone: 'UTC', hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', weekday: 'short' });
  const sv = new Intl.DateTimeFormat('sv-SE', { timeZone: 'UTC', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  it('days, weekdays, midnights and listing times equal what Intl gives for UTC, over 2,000 instants', () => {
    let seed = 7;
    const rnd = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let i = 0; i < 2000; i++) {
      const ms = Math.floor(Date.UTC(1999, 0, 1) + rnd() * 40 * 365 * 86_400_000);
      const p = Object.fromEntries(intl.formatToParts(new Date(ms)).map((x) => [x.type, x.value]));
      for (const tz of ['UTC', 'Etc/UTC']) {
        expect(localDateOf(ms, tz)).toEqual({ y: +p.year!, m: +p.month!, d: +p.day!, weekday: ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'].indexOf(p.weekday!) });
        expect(startOfDay(+p.year!, +p.month!, +p.day!, tz)).toBe(Date.UTC(+p.year!, +p.month! - 1, +p.day!));
        expect(localTime(new Date(ms).toISOString(), tz)).toBe(sv.format(new Date(ms)));
      }
    }
  });

  it('the system zone follows $TZ: UTC names give UTC, others their own name', () => {
    const before = process.env.TZ;
    try {
      for (const [tz, want] of [['UTC', 'UTC'], [':Etc/UTC', 'UTC'], ['Zulu', 'UTC'], ['Europe/Berlin', 'Europe/Berlin'], ['America/Santiago', 'America/Santiago']] as const) {
        process.env.TZ = tz;
        expect(localTimeZone(), tz).toBe(want);
      }
    } finally {
      if (before === undefined) delete process.env.TZ;
      else process.env.TZ = before;
    }
  });
});
