// Runs the built CLI (dist/) as a child process, the way users run it, and compares its JSON report
// with a generator's Expected. dist/ is rebuilt from src/ by the global setup (global-setup.ts).
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Expected } from './history-generator.js';

const execFileAsync = promisify(execFile);

export const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** The program users run: dist/ linked into chunks by scripts/bundle.ts (package.json "bin"). */
export const CLI = join(REPO, 'dist', 'bin', 'main.js');
/** The same program as tsc emitted it, one file per module: for tests that look at which modules load. */
export const CLI_MODULES = join(REPO, 'dist', 'cli', 'main.js');
/** The ccusage reference binary ($CCOTEL_CCUSAGE_BIN overrides, e.g. to check how a missing one is reported). */
export const CCUSAGE = process.env['CCOTEL_CCUSAGE_BIN'] || join(REPO, 'node_modules', '@ccusage', 'ccusage-linux-x64', 'bin', 'ccusage');

export function requireBuiltCli(): void {
  for (const f of [CLI, CLI_MODULES]) if (!existsSync(f)) throw new Error(`${f} is missing: run \`npm run build\` before these tests`);
}

export function statsArgs(root: string, stateDir: string, extra: readonly string[] = []): string[] {
  return [CLI, 'stats', '--range', 'all', '--json', '--timezone', 'UTC', '--claude-dir', root, '--state-dir', stateDir, ...extra];
}

/** `ccotel stats --range all --json --timezone UTC`; returns the parsed report and stderr. */
export async function runStats(root: string, stateDir: string, extra: readonly string[] = []): Promise<{ report: any; stdout: string; stderr: string }> {
  const { stdout, stderr } = await execFileAsync(process.execPath, statsArgs(root, stateDir, extra), {
    maxBuffer: 256 << 20,
    env: cliEnv(),
  });
  return { report: JSON.parse(stdout), stdout, stderr };
}

/** Environment isolated from the user's own ccotel config, Claude dirs and flat-rate overrides. */
export function cliEnv(): NodeJS.ProcessEnv {
  return { ...process.env, CLAUDE_CONFIG_DIR: '', CLAUDE_RATE_INPUT: '', CLAUDE_RATE_OUTPUT: '', CCOTEL_STATE_DIR: '', XDG_CONFIG_HOME: join(tmpdir(), 'ccotel-tests-no-config'), TZ: 'UTC' };
}

const REL = 1e-9;

/**
 * Every difference between a report and Expected, as readable strings (empty = equal). Costs may
 * differ by summation order only: relative 1e-9 (absolute 1e-12 near zero).
 */
export function reportDiffs(report: any, exp: Expected): string[] {
  const want = {
    sessions: exp.sessions,
    subagents: exp.subagents,
    prompts: exp.prompts,
    operations: exp.operations,
    requests: exp.requests,
    apiErrors: exp.apiErrors,
    compactions: exp.compactions,
    tokens: exp.tokens,
    costUSD: exp.costUSD,
    models: exp.models,
    tools: exp.tools,
    projects: exp.projects,
    quality: exp.quality,
    input: exp.input,
  };
  const out: string[] = [];
  // Top level: the fields Expected defines (the report also has `range`); below that, both ways.
  for (const [k, v] of Object.entries(want)) walkDiff(v, report?.[k], `report.${k}`, k, out);
  return out;
}

/**
 * Differences between two reports (e.g. before and after --reset-state): everything exact except
 * costUSD fields, which may differ in the last bits when records are summed in another order.
 */
export function reportVsReport(a: any, b: any): string[] {
  const out: string[] = [];
  walkDiff(a, b, 'report', '', out);
  return out;
}

function walkDiff(a: unknown, b: unknown, path: string, key: string, out: string[]): void {
  if (key === 'costUSD' && typeof a === 'number' && typeof b === 'number') {
    if (Math.abs(a - b) > Math.max(1e-12, REL * Math.abs(a))) out.push(`${path}: expected ${a}, got ${b}`);
    return;
  }
  if (typeof a !== 'object' || a === null || typeof b !== 'object' || b === null) {
    if (a !== b) out.push(`${path}: expected ${JSON.stringify(a)}, got ${JSON.stringify(b)}`);
    return;
  }
  if (Array.isArray(a) !== Array.isArray(b)) {
    out.push(`${path}: expected ${JSON.stringify(a)}, got ${JSON.stringify(b)}`);
    return;
  }
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const k of keys) walkDiff((a as any)[k], (b as any)[k], `${path}.${k}`, k, out);
}
