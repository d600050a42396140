// The config file and the guide's flat-rate variables, through the real CLI: a mistake is one line
// naming the file and the problem (exit 2, no stack); a valid setting changes the numbers exactly as
// a hand computation from the literal prices says.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireBuiltCli } from './support/ccotel-cli.js';
import { expectOneLineError, runCli } from './support/cli-process.js';
import { writeSessions, type HandCall } from './support/hand-transcripts.js';

const TS = Date.parse('2025-06-10T12:00:00Z');
const SONNET: HandCall = { sessionId: 'cfg-sonnet', cwd: '/home/dev/cfg', ts: TS, model: 'claude-sonnet-4-6', input: 1000, output: 2000, cacheCreation: 4000, cacheRead: 8000 };
const OPUS: HandCall = { sessionId: 'cfg-opus', cwd: '/home/dev/cfg', ts: TS + 60_000, model: 'claude-opus-4-6', input: 300, output: 700, cacheCreation: 1100, cacheRead: 1300 };
const CUSTOM: HandCall = { sessionId: 'cfg-custom', cwd: '/home/dev/cfg', ts: TS + 120_000, model: 'acme-model-9', input: 5000, output: 6000 };

describe('config file and CLAUDE_RATE_*', () => {
  let dir: string;
  let root: string;
  let n = 0;

  beforeAll(() => {
    requireBuiltCli();
    dir = mkdtempSync(join(tmpdir(), 'ccotel-config-'));
    root = join(dir, 'claude');
    writeSessions(root, [SONNET, OPUS, CUSTOM]);
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** A config file with this text; returns its path. */
  const configFile = (text: string): string => {
    const p = join(dir, `config-${++n}.yaml`);
    writeFileSync(p, text);
    return p;
  };
  const stats = (extra: string[], env: NodeJS.ProcessEnv = {}) =>
    runCli(['stats', '--json', '--range', 'all', '--timezone', 'UTC', '--claude-dir', root, '--state-dir', join(dir, `state-${++n}`), ...extra], env);

  describe('mistakes in the config file: one line naming the file, exit 2', () => {
    const cases: Array<[string, string, RegExp]> = [
      ['unknown top-level key', 'timezone: UTC\notlpp:\n  endpoint: http://localhost:4318\n', /unknown setting "otlpp"/],
      ['invalid YAML', 'timezone: UTC\notlp: {endpoint: [unclosed\n', /is not valid YAML/],
      ['a list instead of a mapping', '- timezone\n- UTC\n', /must be a mapping of settings/],
      ['a negative price', 'pricing:\n  acme-model:\n    input: -1\n    output: 2\n    cacheWrite: 1\n    cacheRead: 0.1\n', /pricing\.acme-model\.input must be a non-negative number/],
      ['a price given as text', 'pricing:\n  acme-model:\n    input: "3"\n    output: 2\n    cacheWrite: 1\n    cacheRead: 0.1\n', /pricing\.acme-model\.input must be a non-negative number/],
      ['a price with a field missing', 'pricing:\n  acme-model:\n    input: 3\n    output: 2\n    cacheWrite: 1\n', /pricing\.acme-model\.cacheRead must be a non-negative number/],
      ['pricing that is not a mapping', 'pricing: 5\n', /pricing must map model names to prices/],
    ];
    for (const [what, text, msg] of cases) {
      it(what, async () => {
        const path = configFile(text);
        const r = await stats(['--config', path]);
        expect(r.code, r.stderr).toBe(2);
        const line = expectOneLineError(r);
        expect(line).toMatch(msg);
        expect(line).toContain(path);
        expect(r.stdout).toBe('');
      });
    }

    it('an explicit --config that does not exist', async () => {
      const path = join(dir, 'no-such-config.yaml');
      const r = await stats(['--config', path]);
      expect(r.code).toBe(2);
      expect(expectOneLineError(r)).toMatch(new RegExp(`cannot read config file ${path.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}`));
    });

    it('the same mistakes stop run, backfill and doctor too (doctor reports it as a failed check)', async () => {
      const path = configFile('bogus: 1\n');
      for (const cmd of ['run', 'backfill']) {
        const r = await runCli([cmd, '--config', path, '--claude-dir', root, '--state-dir', join(dir, `state-${++n}`)]);
        expect(r.code, `${cmd}: ${r.stderr}`).toBe(2);
        expect(expectOneLineError(r)).toMatch(/unknown setting "bogus"/);
      }
      const d = await runCli(['doctor', '--json', '--config', path, '--claude-dir', root, '--state-dir', join(dir, `state-${++n}`)]);
      expect(d.code).toBe(1);
      expect(JSON.parse(d.stdout).checks).toEqual([{ verdict: 'fail', what: 'config', detail: expect.stringMatching(/unknown setting "bogus"/) }]);
    });
  });

  describe('valid settings change the numbers as computed by hand', () => {
    it('embedded prices without config: Sonnet 4.6 and Opus 4.6 from the published table, the unknown model unpriced', async () => {
      const r = await stats([]);
      expect(r.code, r.stderr).toBe(0);
      const report = JSON.parse(r.stdout);
      // Sonnet 4.6: 3 / 15 / 3.75 / 0.30 per million; Opus 4.6: 5 / 25 / 6.25 / 0.50.
      const sonnet = (1000 * 3 + 2000 * 15 + 4000 * 3.75 + 8000 * 0.3) / 1e6;
      const opus = (300 * 5 + 700 * 25 + 1100 * 6.25 + 1300 * 0.5) / 1e6;
      expect(report.models['claude-sonnet-4-6'].costUSD).toBeCloseTo(sonnet, 12);
      expect(report.models['claude-opus-4-6'].costUSD).toBeCloseTo(opus, 12);
      expect(report.costUSD).toBeCloseTo(sonnet + opus, 12);
      expect(report.input.unpricedModels).toEqual(['acme-model-9']);
    });

    it('pricing: in --config prices a model the table does not know, and overrides one it does', async () => {
      const path = configFile(
        ['timezone: UTC', 'pricing:', '  acme-model:', '    input: 2', '    output: 8', '    cacheWrite: 2.5', '    cacheRead: 0.2', '  claude-sonnet-4-6:', '    input: 1', '    output: 1', '    cacheWrite: 1', '    cacheRead: 1', ''].join('\n'),
      );
      const r = await stats(['--config', path]);
      expect(r.code, r.stderr).toBe(0);
      const report = JSON.parse(r.stdout);
      expect(report.input.unpricedModels).toEqual([]);
      expect(report.models['acme-model-9'].costUSD).toBeCloseTo((5000 * 2 + 6000 * 8) / 1e6, 12);
      expect(report.models['claude-sonnet-4-6'].costUSD).toBeCloseTo((1000 + 2000 + 4000 + 8000) / 1e6, 12);
      expect(report.models['claude-opus-4-6'].costUSD).toBeCloseTo((300 * 5 + 700 * 25 + 1100 * 6.25 + 1300 * 0.5) / 1e6, 12);
    });

    it('the default config file under $XDG_CONFIG_HOME/ccotel is read without --config', async () => {
      const xdg = join(dir, 'xdg');
      mkdirSync(join(xdg, 'ccotel'), { recursive: true });
      writeFileSync(join(xdg, 'ccotel', 'config.yaml'), 'pricing:\n  acme-model:\n    input: 1\n    output: 1\n    cacheWrite: 1\n    cacheRead: 1\n');
      const r = await stats([], { XDG_CONFIG_HOME: xdg });
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout).models['acme-model-9'].costUSD).toBeCloseTo((5000 + 6000) / 1e6, 12);
      // ... and its mistakes are reported like an explicit file's.
      writeFileSync(join(xdg, 'ccotel', 'config.yaml'), 'timezon: UTC\n');
      const bad = await stats([], { XDG_CONFIG_HOME: xdg });
      expect(bad.code).toBe(2);
      expect(expectOneLineError(bad)).toMatch(/unknown setting "timezon"/);
    });
  });

  describe('CLAUDE_RATE_INPUT / CLAUDE_RATE_OUTPUT (USD per 1K tokens)', () => {
    it('both set: every known model costs the flat rate, cache writes 1.25x and reads 0.1x input', async () => {
      const r = await stats([], { CLAUDE_RATE_INPUT: '0.002', CLAUDE_RATE_OUTPUT: '0.01' });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toMatch(/flat rate/);
      const report = JSON.parse(r.stdout);
      // Per token: input 0.002/1000, output 0.01/1000, cache write 1.25 x input, cache read 0.1 x input.
      const flat = (c: HandCall) => (c.input * 0.002 + c.output * 0.01 + c.cacheCreation! * 0.0025 + c.cacheRead! * 0.0002) / 1000;
      expect(flat(SONNET)).toBeCloseTo(0.0336, 12); // 0.002 + 0.02 + 0.01 + 0.0016
      expect(report.models['claude-sonnet-4-6'].costUSD).toBeCloseTo(flat(SONNET), 12);
      expect(report.models['claude-opus-4-6'].costUSD).toBeCloseTo(flat(OPUS), 12);
      expect(report.costUSD).toBeCloseTo(flat(SONNET) + flat(OPUS), 12);
    });

    it('only the input rate: output keeps each model\'s own price', async () => {
      const r = await stats([], { CLAUDE_RATE_INPUT: '0.001' });
      expect(r.code, r.stderr).toBe(0);
      const report = JSON.parse(r.stdout);
      // Input 1 per million (0.001 per 1K), write 1.25, read 0.1; output Sonnet 15, Opus 25.
      expect(report.models['claude-sonnet-4-6'].costUSD).toBeCloseTo((1000 * 1 + 2000 * 15 + 4000 * 1.25 + 8000 * 0.1) / 1e6, 12);
      expect(report.models['claude-opus-4-6'].costUSD).toBeCloseTo((300 * 1 + 700 * 25 + 1100 * 1.25 + 1300 * 0.1) / 1e6, 12);
    });

    for (const [name, value] of [
      ['CLAUDE_RATE_INPUT', 'abc'],
      ['CLAUDE_RATE_OUTPUT', '-0.5'],
      ['CLAUDE_RATE_INPUT', '1e999'],
    ] as const) {
      it(`${name}=${value} is refused: one line, exit 2`, async () => {
        const r = await stats([], { [name]: value });
        expect(r.code, r.stderr).toBe(2);
        expect(expectOneLineError(r)).toMatch(new RegExp(`${name} must be a non-negative number`));
        expect(r.stdout).toBe('');
      });
    }
  });
});
