// A state directory that cannot be trusted (corrupt, foreign or newer state.json, a ledger with a
// broken line) stops every command with one line that names the file
// and says --reset-state; --reset-state then rebuilds exact totals, and a warm run after it keeps them.
import { cpSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync, appendFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireBuiltCli } from './support/ccotel-cli.js';
import { expectOneLineError, runCli } from './support/cli-process.js';
import { writeSessions, type HandCall } from './support/hand-transcripts.js';

const TS = Date.parse('2025-05-20T08:00:00Z');
const CALLS: HandCall[] = Array.from({ length: 6 }, (_, i) => ({
  sessionId: `state-${i}`,
  cwd: i % 2 ? '/home/dev/one' : '/home/dev/two',
  ts: TS + i * 3600_000,
  model: 'claude-haiku-4-5-20251001',
  input: 100 * (i + 1),
  output: 1000 * (i + 1),
  cacheCreation: 50 * (i + 1),
  cacheRead: 5000 * (i + 1),
}));
// claude-haiku-4-5: 1 / 5 / 1.25 / 0.10 USD per million.
const COST = CALLS.reduce((a, c) => a + (c.input * 1 + c.output * 5 + c.cacheCreation! * 1.25 + c.cacheRead! * 0.1) / 1e6, 0);
const TOKENS = {
  input: CALLS.reduce((a, c) => a + c.input, 0),
  output: CALLS.reduce((a, c) => a + c.output, 0),
  cacheCreation: CALLS.reduce((a, c) => a + c.cacheCreation!, 0),
  cacheRead: CALLS.reduce((a, c) => a + c.cacheRead!, 0),
};

describe('unusable state directory', () => {
  let dir: string;
  let root: string;
  let good: string; // a healthy state directory, copied for each case
  let n = 0;

  const statsIn = (state: string, extra: string[] = []) => runCli(['stats', '--json', '--range', 'all', '--timezone', 'UTC', '--claude-dir', root, '--state-dir', state, ...extra]);
  const expectExact = (stdout: string): void => {
    const r = JSON.parse(stdout);
    expect(r.tokens).toEqual({ ...TOKENS, total: TOKENS.input + TOKENS.output + TOKENS.cacheCreation + TOKENS.cacheRead });
    expect(r.costUSD).toBeCloseTo(COST, 12);
    expect([r.sessions, r.prompts, r.requests]).toEqual([CALLS.length, CALLS.length, CALLS.length]);
    expect(r.input).toMatchObject({ files: CALLS.length, lines: 2 * CALLS.length, malformedLines: 0 });
  };

  beforeAll(async () => {
    requireBuiltCli();
    dir = mkdtempSync(join(tmpdir(), 'ccotel-state-'));
    root = join(dir, 'claude');
    good = join(dir, 'good');
    writeSessions(root, CALLS);
    const r = await statsIn(good);
    expect(r.code, r.stderr).toBe(0);
    expectExact(r.stdout);
    expect(JSON.parse(readFileSync(join(good, 'state.json'), 'utf8')).ledgerBytes).toBeGreaterThan(0);
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const damaged = (damage: (state: string) => void): string => {
    const state = join(dir, `case-${++n}`);
    cpSync(good, state, { recursive: true });
    rmSync(join(state, 'lock'), { force: true });
    damage(state);
    return state;
  };

  const cases: Array<[string, (state: string) => void, 'state.json' | 'ledger.ndjson', RegExp]> = [
    ['state.json is not JSON', (s) => writeFileSync(join(s, 'state.json'), '{"format":"ccotel-state","version":1,"files":{'), 'state.json', /not valid JSON/],
    ['state.json is empty', (s) => writeFileSync(join(s, 'state.json'), ''), 'state.json', /not valid JSON/],
    ['state.json is another program\'s JSON', (s) => writeFileSync(join(s, 'state.json'), JSON.stringify({ name: 'something else', files: [] })), 'state.json', /not a ccotel state file/],
    [
      'state.json is from a newer ccotel',
      (s) => {
        const st = JSON.parse(readFileSync(join(s, 'state.json'), 'utf8'));
        writeFileSync(join(s, 'state.json'), JSON.stringify({ ...st, version: st.version + 1 }));
      },
      'state.json',
      /state version 2 is not supported/,
    ],
    [
      'state.json lacks its checkpoint fields',
      (s) => writeFileSync(join(s, 'state.json'), JSON.stringify({ format: 'ccotel-state', version: 1 })),
      'state.json',
      /missing fields/,
    ],
    [
      'state.json has files: null',
      (s) => writeFileSync(join(s, 'state.json'), JSON.stringify({ format: 'ccotel-state', version: 1, files: null, ledgerBytes: 0 })),
      'state.json',
      /missing fields/,
    ],
    [
      'state.json has a negative ledger size',
      (s) => {
        const st = JSON.parse(readFileSync(join(s, 'state.json'), 'utf8'));
        writeFileSync(join(s, 'state.json'), JSON.stringify({ ...st, ledgerBytes: -5 }));
      },
      'state.json',
      /missing fields/,
    ],
    [
      'a ledger line is garbage',
      (s) => {
        const p = join(s, 'ledger.ndjson');
        const text = readFileSync(p, 'utf8');
        writeFileSync(p, 'X' + text.slice(1));
        // A warm run answers from the saved fold without parsing the ledger; without the fold the
        // ledger must be read (as whenever new transcript lines arrive), and the damage shows.
        rmSync(join(s, 'fold.json'));
      },
      'ledger.ndjson',
      /line 1 is not a ledger record/,
    ],
  ];

  for (const [what, damage, file, why] of cases) {
    it(`${what}: one line naming ${file} and --reset-state, exit 2; --reset-state recovers exact totals`, async () => {
      const state = damaged(damage);
      const path = join(state, file);
      for (const args of [
        ['stats', '--json', '--range', 'all', '--timezone', 'UTC'],
        ['backfill', '--timezone', 'UTC'],
        // A port it could never bind: reaching the bind would fail this test differently.
        ['run', '--prometheus-port', '1'],
      ]) {
        const r = await runCli([...args, '--claude-dir', root, '--state-dir', state]);
        expect(r.code, `${args[0]}: ${r.stderr}`).toBe(2);
        const line = expectOneLineError(r);
        expect(line).toContain(path);
        expect(line).toMatch(why);
        expect(line).toContain('--reset-state');
        expect(r.stdout).toBe('');
      }
      // doctor reports the same problem as a failed check (exit 1) instead of stopping.
      const d = await runCli(['doctor', '--json', '--claude-dir', root, '--state-dir', state]);
      const stateCheck = JSON.parse(d.stdout).checks.find((c: { what: string }) => c.what === 'state');
      expect(stateCheck).toMatchObject({ verdict: 'fail', detail: expect.stringContaining(path) });
      expect(d.code).toBe(1);

      const reset = await statsIn(state, ['--reset-state']);
      expect(reset.code, reset.stderr).toBe(0);
      expectExact(reset.stdout);
      const warm = await statsIn(state);
      expect(warm.code, warm.stderr).toBe(0);
      expectExact(warm.stdout);
    });
  }

  // A ledger cut short (a torn last record, or gone) is repaired on open without --reset-state:
  // cut back to its last complete record, and the transcripts are read again (nothing counts twice).
  for (const [what, damage] of [
    ['shorter than its checkpoint (a torn last record)', (s: string) => truncateSync(join(s, 'ledger.ndjson'), statSync(join(s, 'ledger.ndjson')).size - 10)],
    ['missing', (s: string) => rmSync(join(s, 'ledger.ndjson'))],
  ] as const) {
    it(`the ledger is ${what}: repaired on open with a warning naming it, exact totals, no --reset-state`, async () => {
      const state = damaged(damage);
      const r = await statsIn(state);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toContain(join(state, 'ledger.ndjson'));
      expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
      expectExact(r.stdout);
      const warm = await statsIn(state);
      expect(warm.code, warm.stderr).toBe(0);
      expect(warm.stderr).toBe('');
      expectExact(warm.stdout);
    });
  }

  it('ledger bytes past the checkpoint (a run that died before committing) are dropped, not counted', async () => {
    const state = damaged((s) => {
      // A plausible uncommitted tail: a copy of the ledger's own records.
      const p = join(s, 'ledger.ndjson');
      appendFileSync(p, readFileSync(p));
    });
    const r = await statsIn(state);
    expect(r.code, r.stderr).toBe(0);
    expectExact(r.stdout);
    const st = JSON.parse(readFileSync(join(state, 'state.json'), 'utf8'));
    expect(statSync(join(state, 'ledger.ndjson')).size).toBe(st.ledgerBytes);
  });
});
