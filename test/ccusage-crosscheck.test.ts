// ccotel and ccusage (20.0.24 native binary, the team's reference for totals) on the same files:
// token totals must be equal and costs within 0.0001 USD.
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { execFile } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateHistory } from './support/history-generator.js';
import { CCUSAGE, REPO, requireBuiltCli, runStats } from './support/ccotel-cli.js';

const execFileAsync = promisify(execFile);
const HAVE_CCUSAGE = existsSync(CCUSAGE);
const IN_CI = !!process.env.CI && process.env.CI !== 'false' && process.env.CI !== '0';
const MISSING = `${CCUSAGE} is not installed: \`npm ci\` installs it (optional dependency @ccusage/ccusage-linux-x64, Linux x64 only); then \`chmod +x ${CCUSAGE}\` if npm dropped its execute bit`;
if (!HAVE_CCUSAGE && !IN_CI) console.warn(`ccusage cross-check skipped: ${MISSING}`);

// In CI the reference binary is required: its absence fails the run instead of skipping 10 tests.
describe.runIf(!HAVE_CCUSAGE && IN_CI)('ccusage reference binary (CI)', () => {
  it('is installed', () => {
    throw new Error(MISSING);
  });
});

interface CcusageTotals {
  inputTokens: number;
  outputTokens: number;
  cacheCreationTokens: number;
  cacheReadTokens: number;
  totalCost: number;
  totalTokens: number;
}

async function ccusage(root: string): Promise<CcusageTotals> {
  // npm may install the binary without its execute bit.
  if ((statSync(CCUSAGE).mode & 0o111) === 0) chmodSync(CCUSAGE, 0o755);
  const { stdout } = await execFileAsync(CCUSAGE, ['daily', '--json', '--offline'], { maxBuffer: 64 << 20, env: { ...process.env, CLAUDE_CONFIG_DIR: root, TZ: 'UTC' } });
  const totals = JSON.parse(stdout).totals as CcusageTotals | undefined;
  return totals ?? { inputTokens: 0, outputTokens: 0, cacheCreationTokens: 0, cacheReadTokens: 0, totalCost: 0, totalTokens: 0 };
}

async function both(root: string, state: string) {
  const [cc, ours] = await Promise.all([ccusage(root), runStats(root, state)]);
  const r = ours.report;
  return {
    ccusage: { input: cc.inputTokens, output: cc.outputTokens, cacheCreation: cc.cacheCreationTokens, cacheRead: cc.cacheReadTokens, total: cc.totalTokens },
    ccotel: r.tokens,
    ccusageCost: cc.totalCost,
    ccotelCost: r.costUSD as number,
    report: r,
  };
}

describe.skipIf(!HAVE_CCUSAGE)('ccusage 20.0.24 cross-check', () => {
  let dir: string;
  beforeAll(() => {
    requireBuiltCli();
    dir = mkdtempSync(join(tmpdir(), 'ccotel-ccusage-'));
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('generated history with faults (CRLF, garbage, torn lines): same tokens, same cost', async () => {
    const root = join(dir, 'gen');
    // missingRequestId: 0 — ccusage does not deduplicate streamed copies without requestId (see below).
    generateHistory(root, { sessions: 16, seed: 777, faults: true, targetBytes: 30e6, missingRequestId: 0 });
    const r = await both(root, join(dir, 'gen-state'));
    expect(r.ccotel).toEqual(r.ccusage);
    expect(Math.abs(r.ccotelCost - r.ccusageCost)).toBeLessThan(0.0001);
  });

  it('real transcripts: same tokens, same cost', async () => {
    const r = await both(join(REPO, 'test', 'fixtures', 'real'), join(dir, 'real-state'));
    expect(r.ccotel).toEqual(r.ccusage);
    expect(Math.abs(r.ccotelCost - r.ccusageCost)).toBeLessThan(0.0001);
  });

  // Hand-made entries exercising one pricing/dedup rule each.
  const line = (id: string, model: string, usage: Record<string, unknown>, extra: Record<string, unknown> = {}, ts = '2026-01-10T10:00:00.000Z') =>
    JSON.stringify({ type: 'assistant', sessionId: 'edge-session', cwd: '/edge', timestamp: ts, requestId: `req_${id}`, message: { id: `msg_${id}`, model, role: 'assistant', content: [{ type: 'text', text: 'x' }], usage }, ...extra });
  const u = (input: number, output: number, cw: number, cr: number, more: Record<string, unknown> = {}) => ({ input_tokens: input, output_tokens: output, cache_creation_input_tokens: cw, cache_read_input_tokens: cr, ...more });

  async function edge(name: string, lines: string[]) {
    const root = join(dir, `edge-${name}`);
    mkdirSync(join(root, 'projects', '-edge'), { recursive: true });
    writeFileSync(join(root, 'projects', '-edge', 'edge-session.jsonl'), lines.join('\n') + '\n');
    return both(root, join(dir, `edge-${name}-state`));
  }

  it.each([
    ['sonnet-4-5 200k tier per token type', [line('a', 'claude-sonnet-4-5-20250929', u(250_000, 210_000, 300_000, 450_000)), line('b', 'claude-sonnet-4-20250514', u(10, 20, 0, 199_999))]],
    ['1h cache writes at 2x input, also above 200k', [line('c', 'claude-sonnet-4-5-20250929', u(3, 10, 300_000, 0, { cache_creation: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 300_000 } })), line('d', 'claude-haiku-4-5-20251001', u(3, 10, 1500, 0, { cache_creation: { ephemeral_5m_input_tokens: 1000, ephemeral_1h_input_tokens: 500 } }))]],
    ['cache_creation split sum wins over cache_creation_input_tokens', [line('e', 'claude-haiku-4-5-20251001', u(1, 1, 999, 0, { cache_creation: { ephemeral_5m_input_tokens: 100, ephemeral_1h_input_tokens: 50 } }))]],
    ['fast mode x6 on opus-4-6 and 4-7, not on standard', [line('f', 'claude-opus-4-6', u(10, 100, 1000, 5000, { speed: 'fast' })), line('g', 'claude-opus-4-7', u(10, 100, 1000, 5000, { speed: 'fast' })), line('h', 'claude-opus-4-6', u(10, 100, 1000, 5000, { speed: 'standard' }))]],
    ['unknown model and <synthetic> cost 0', [line('i', 'claude-experimental-x', u(100, 100, 100, 100)), line('j', '<synthetic>', u(0, 0, 0, 0), { isApiErrorMessage: true })]],
    ['largest streamed copy wins, even when it comes first', [line('k', 'claude-haiku-4-5-20251001', u(5, 900, 10, 10)), line('k', 'claude-haiku-4-5-20251001', u(5, 3, 10, 10), {}, '2026-01-10T10:00:01.000Z')]],
    // Both count 0 cache writes here: the split, when present, wins over cache_creation_input_tokens
    // (500), even when both of its fields are zero.
    ['split present but all zero', [line('l', 'claude-haiku-4-5-20251001', u(1, 1, 500, 0, { cache_creation: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 0 } }))]],
  ])('edge case: %s', async (name, lines) => {
    const r = await edge(name.replace(/[^a-z0-9]+/gi, '-'), lines as string[]);
    expect(r.ccotel).toEqual(r.ccusage);
    expect(Math.abs(r.ccotelCost - r.ccusageCost)).toBeLessThan(1e-9);
  });

  it('documented divergence: streamed copies without requestId (ccotel follows claude-code-format.md)', async () => {
    const noReq = (out: number, ts: string) => JSON.stringify({ type: 'assistant', sessionId: 'edge-session', cwd: '/edge', timestamp: ts, message: { id: 'msg_noreq', model: 'claude-haiku-4-5-20251001', role: 'assistant', content: [], usage: u(10, out, 0, 0) } });
    const r = await edge('no-request-id', [noReq(5, '2026-01-10T10:00:00.000Z'), noReq(50, '2026-01-10T10:00:01.000Z')]);
    // The format doc: key falls back to message.id, largest copy kept.
    expect(r.ccotel).toMatchObject({ input: 10, output: 50 });
    // ccusage 20.0.24 keeps both copies when their timestamps differ (it dedups identical timestamps only).
    expect(r.ccusage).toMatchObject({ input: 20, output: 55 });
  });
});
