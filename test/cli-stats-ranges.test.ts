// Every range option of `ccotel stats` through the real CLI, on hand-written sessions placed one
// second either side of day, week and month boundaries. Which sessions each option must count is
// decided here with plain UTC arithmetic (and fixed offsets for zones without DST); the numbers are
// summed from the literal token counts and the published Sonnet 4.6 prices, never through ccotel.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireBuiltCli } from './support/ccotel-cli.js';
import { expectOneLineError, runCli } from './support/cli-process.js';
import { writeSessions, type HandCall } from './support/hand-transcripts.js';

const S = 1000;
const DAY = 86_400 * S;
const KOLKATA = 5.5 * 3600 * S; // +05:30 all year
const ALPHA = '/home/dev/alpha-service';
const BETA = '/home/dev/beta-web';

// claude-sonnet-4-6, USD per million tokens: input 3, output 15, cache write 3.75, cache read 0.30.
const costOf = (c: HandCall): number => (c.input * 3 + c.output * 15 + (c.cacheCreation ?? 0) * 3.75 + (c.cacheRead ?? 0) * 0.3) / 1e6;

interface Ev {
  name: string;
  ts: number;
  cwd: string;
}

describe('ccotel stats: range options on the command line', () => {
  let dir: string;
  let root: string;
  let state: string;
  const calls = new Map<string, HandCall>();
  let now: number;
  let T0: number; // start of today, UTC
  let T1: number; // start of tomorrow, UTC
  let W0: number; // Monday of this week, UTC
  let M0: number; // first of this month, UTC
  let K0: number; // start of today in Asia/Kolkata

  beforeAll(async () => {
    requireBuiltCli();
    // "today" must not change between writing the fixture and the last CLI run: stay two minutes
    // clear of midnight in both UTC and Kolkata (a rare, bounded wait; no count depends on it).
    for (;;) {
      now = Date.now();
      const toUtcMidnight = DAY - (now % DAY);
      const toKolkataMidnight = DAY - ((now + KOLKATA) % DAY);
      const wait = Math.min(toUtcMidnight, toKolkataMidnight);
      if (wait > 120 * S && DAY - wait > 5 * S) break;
      await sleep(wait + 5 * S);
    }
    T0 = now - (now % DAY);
    T1 = T0 + DAY;
    W0 = T0 - ((new Date(T0).getUTCDay() + 6) % 7) * DAY;
    const d = new Date(T0);
    M0 = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
    K0 = now + KOLKATA - ((now + KOLKATA) % DAY) - KOLKATA;

    const events: Ev[] = [
      // Relative to now, at UTC boundaries.
      { name: 'yesterdayLast', ts: T0 - S, cwd: ALPHA },
      { name: 'todayFirst', ts: T0, cwd: ALPHA },
      { name: 'todayLast', ts: T1 - S, cwd: BETA },
      { name: 'tomorrowFirst', ts: T1, cwd: BETA },
      { name: 'beforeWeek', ts: W0 - S, cwd: ALPHA },
      { name: 'weekFirst', ts: W0, cwd: BETA },
      { name: 'beforeMonth', ts: M0 - S, cwd: BETA },
      { name: 'monthFirst', ts: M0, cwd: ALPHA },
      // Fixed days: a month boundary (Monday 31 March / Tuesday 1 April 2025) and Kolkata's midnight.
      { name: 'mar31Last', ts: Date.parse('2025-03-31T23:59:59Z'), cwd: ALPHA }, // Kolkata: 1 Apr 05:29:59
      { name: 'apr1First', ts: Date.parse('2025-04-01T00:00:00Z'), cwd: ALPHA },
      { name: 'apr1KolkataLast', ts: Date.parse('2025-04-01T18:29:59Z'), cwd: BETA }, // Kolkata: 1 Apr 23:59:59
      { name: 'apr2KolkataFirst', ts: Date.parse('2025-04-01T18:30:00Z'), cwd: BETA }, // Kolkata: 2 Apr 00:00
      { name: 'apr2Noon', ts: Date.parse('2025-04-02T12:00:00Z'), cwd: ALPHA },
      // Santiago skips midnight on 7 Sep 2025 (00:00 -04 -> 01:00 -03).
      { name: 'santiagoSat2330', ts: Date.parse('2025-09-07T03:30:00Z'), cwd: BETA }, // 6 Sep 23:30 -04
      { name: 'santiagoSun0100', ts: Date.parse('2025-09-07T04:00:00Z'), cwd: ALPHA }, // 7 Sep 01:00 -03
    ];
    // Token counts are distinct powers of two per session, so an input total names the exact set.
    events.forEach((e, i) => {
      const u = 2 ** i;
      calls.set(e.name, { sessionId: `s${String(i).padStart(2, '0')}-${e.name}`, cwd: e.cwd, ts: e.ts, input: u, output: 3 * u, cacheCreation: 5 * u, cacheRead: 7 * u });
    });
    dir = mkdtempSync(join(tmpdir(), 'ccotel-ranges-'));
    root = join(dir, 'claude');
    state = join(dir, 'state');
    writeSessions(root, [...calls.values()]);
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const stats = async (args: string[], tz = 'UTC'): Promise<any> => {
    const r = await runCli(['stats', '--json', '--claude-dir', root, '--state-dir', state, '--timezone', tz, ...args]);
    expect(r.stderr, r.stderr).toBe('');
    expect(r.code).toBe(0);
    return JSON.parse(r.stdout);
  };

  /** The sessions a report counted, decoded from its input-token total. */
  const counted = (report: any): string[] => {
    const names = [...calls.keys()];
    return names.filter((_, i) => (report.tokens.input & (2 ** i)) !== 0).sort();
  };

  const expectExactly = (report: any, names: string[]): void => {
    expect(counted(report)).toEqual([...new Set(names)].sort());
    const sel = [...new Set(names)].map((n) => calls.get(n)!);
    const sum = (f: (c: HandCall) => number) => sel.reduce((a, c) => a + f(c), 0);
    const tokens = { input: sum((c) => c.input), output: sum((c) => c.output), cacheCreation: sum((c) => c.cacheCreation!), cacheRead: sum((c) => c.cacheRead!) };
    expect(report.tokens).toEqual({ ...tokens, total: tokens.input + tokens.output + tokens.cacheCreation + tokens.cacheRead });
    expect(report.sessions).toBe(sel.length);
    expect(report.prompts).toBe(sel.length);
    expect(report.requests).toBe(sel.length);
    expect(report.costUSD).toBeCloseTo(sum(costOf), 12);
    // Per project: cost, tokens and sessions of exactly the selected calls.
    const projects: Record<string, { sessions: number; costUSD: number; tokens: number }> = {};
    for (const c of sel) {
      const p = (projects[c.cwd] ??= { sessions: 0, costUSD: 0, tokens: 0 });
      p.sessions++;
      p.costUSD += costOf(c);
      p.tokens += c.input + c.output + c.cacheCreation! + c.cacheRead!;
    }
    expect(Object.keys(report.projects).sort()).toEqual(Object.keys(projects).sort());
    for (const [cwd, p] of Object.entries(projects)) {
      expect(report.projects[cwd]).toMatchObject({ sessions: p.sessions, tokens: p.tokens });
      expect(report.projects[cwd].costUSD).toBeCloseTo(p.costUSD, 12);
    }
  };

  /** Relative events inside [start, end). */
  const relIn = (start: number, end: number): string[] =>
    ['yesterdayLast', 'todayFirst', 'todayLast', 'tomorrowFirst', 'beforeWeek', 'weekFirst', 'beforeMonth', 'monthFirst'].filter((n) => {
      const ts = calls.get(n)!.ts;
      return ts >= start && ts < end;
    });

  it('--range today (and the default) counts exactly today, first to last second', async () => {
    const want = relIn(T0, T1);
    expect(want).toEqual(expect.arrayContaining(['todayFirst', 'todayLast']));
    expect(want).not.toContain('yesterdayLast');
    const r = await stats(['--range', 'today']);
    expectExactly(r, want);
    expect(r.range).toMatchObject({ start: new Date(T0).toISOString(), end: new Date(T1).toISOString(), timezone: 'UTC' });
    expectExactly(await stats([]), want);
  });

  it('--range week counts Monday 00:00 up to the end of today', async () => {
    const want = relIn(W0, T1);
    expect(want).toEqual(expect.arrayContaining(['weekFirst', 'todayFirst', 'todayLast']));
    expect(want).not.toContain('beforeWeek');
    expectExactly(await stats(['--range', 'week']), want);
  });

  it('--range month counts the 1st 00:00 up to the end of today', async () => {
    const want = relIn(M0, T1);
    expect(want).toEqual(expect.arrayContaining(['monthFirst', 'todayLast']));
    expect(want).not.toContain('beforeMonth');
    expect(want).not.toContain('tomorrowFirst');
    expectExactly(await stats(['--range', 'month']), want);
  });

  it('--range all counts every session', async () => {
    expectExactly(await stats(['--range', 'all']), [...calls.keys()]);
  });

  it('--timezone moves "today" to the zone\'s own midnight', async () => {
    const want = relIn(K0, K0 + DAY);
    expectExactly(await stats(['--range', 'today'], 'Asia/Kolkata'), want);
  });

  it('--date is one whole day in --timezone', async () => {
    expectExactly(await stats(['--date', '2025-04-01']), ['apr1First', 'apr1KolkataLast', 'apr2KolkataFirst']);
    expectExactly(await stats(['--date', '2025-03-31']), ['mar31Last']);
    // Kolkata's 1 April is 31 Mar 18:30Z to 1 Apr 18:30Z.
    expectExactly(await stats(['--date', '2025-04-01'], 'Asia/Kolkata'), ['mar31Last', 'apr1First', 'apr1KolkataLast']);
    expectExactly(await stats(['--date', '2025-04-02'], 'Asia/Kolkata'), ['apr2KolkataFirst', 'apr2Noon']);
  });

  it('--date on a day whose midnight the clocks skip (America/Santiago, 7 Sep 2025)', async () => {
    expectExactly(await stats(['--date', '2025-09-07'], 'America/Santiago'), ['santiagoSun0100']);
    expectExactly(await stats(['--date', '2025-09-06'], 'America/Santiago'), ['santiagoSat2330']);
  });

  it('--since/--until include both named days, either may stand alone', async () => {
    expectExactly(await stats(['--since', '2025-04-01', '--until', '2025-04-02']), ['apr1First', 'apr1KolkataLast', 'apr2KolkataFirst', 'apr2Noon']);
    expectExactly(await stats(['--since', '2025-03-31', '--until', '2025-03-31']), ['mar31Last']);
    expectExactly(await stats(['--until', '2025-03-31']), ['mar31Last']);
    // In Santiago, 03:30Z on 7 Sep is still the 6th (in UTC it is not).
    expectExactly(await stats(['--since', '2025-04-02', '--until', '2025-09-06']), ['apr2Noon']);
    expectExactly(await stats(['--since', '2025-04-02', '--until', '2025-09-06'], 'America/Santiago'), ['apr2Noon', 'santiagoSat2330']);
    const sinceToday = [...calls.keys()].filter((n) => calls.get(n)!.ts >= T0);
    expectExactly(await stats(['--since', new Date(T0).toISOString().slice(0, 10)]), sinceToday);
  });

  it('--project keeps only projects whose path contains the substring, within the range', async () => {
    const alphaAll = [...calls.keys()].filter((n) => calls.get(n)!.cwd === ALPHA);
    expectExactly(await stats(['--range', 'all', '--project', 'alpha']), alphaAll);
    expectExactly(await stats(['--date', '2025-04-01', '--project', 'beta-web']), ['apr1KolkataLast', 'apr2KolkataFirst']);
    expectExactly(await stats(['--range', 'all', '--project', 'no-such-project']), []);
  });

  it('contradictory or malformed range options: one line, exit 2', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['--range', 'year'], /--range must be today, week, month or all/],
      [['--date', '2025-04-01', '--since', '2025-03-01'], /--date cannot be combined/],
      [['--since', '2025-04-02', '--until', '2025-04-01'], /--until is before --since/],
      [['--date', '2025-02-30'], /not a calendar date/],
      [['--since', 'yesterday'], /--since expects a date/],
      [['--timezone', 'Mars/Olympus'], /unknown time zone/],
    ];
    for (const [args, msg] of cases) {
      const r = await runCli(['stats', '--json', '--claude-dir', root, '--state-dir', state, ...args]);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(2);
      expect(expectOneLineError(r)).toMatch(msg);
      expect(r.stdout).toBe('');
    }
  });
});
