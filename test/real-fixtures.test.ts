// `ccotel stats` on real (sanitized) Claude Code transcripts, test/fixtures/real/ (see its README).
// Token and cost totals are the values ccusage 20.0.24 reports for the same directory; tool counts
// come from a tiny independent scan of the JSON lines below.
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO, requireBuiltCli, runStats } from './support/ccotel-cli.js';

const ROOT = join(REPO, 'test', 'fixtures', 'real');

/** Independent count of what the transcripts contain (main files and subagents alike). */
function scan() {
  const names = new Map<string, string>();
  const errors = new Set<string>();
  const sessions = new Set<string>();
  const agents = new Set<string>();
  const requests = new Set<string>();
  let compactions = 0;
  const dir = join(ROOT, 'projects');
  for (const rel of readdirSync(dir, { recursive: true }) as string[]) {
    if (!rel.endsWith('.jsonl')) continue;
    for (const line of readFileSync(join(dir, rel), 'utf8').split('\n')) {
      if (!line.trim()) continue;
      const o = JSON.parse(line);
      if (o.type === 'system' && o.subtype === 'compact_boundary') compactions++;
      const m = o.message;
      if (o.type === 'assistant' && m?.usage) {
        sessions.add(o.sessionId);
        if (o.isSidechain && o.agentId) agents.add(o.agentId);
        if (m.model !== '<synthetic>') requests.add(`${m.id}:${o.requestId ?? ''}`);
        for (const b of m.content ?? []) if (b.type === 'tool_use') names.set(b.id, b.name);
      }
      if (o.type === 'user' && Array.isArray(m?.content)) for (const b of m.content) if (b.type === 'tool_result' && b.is_error === true) errors.add(b.tool_use_id);
    }
  }
  const tools: Record<string, { calls: number; errors: number }> = {};
  for (const [id, name] of names) {
    const t = (tools[name] ??= { calls: 0, errors: 0 });
    t.calls++;
    if (errors.has(id)) t.errors++;
  }
  return { tools, operations: names.size, sessions: sessions.size, subagents: agents.size, requests: requests.size, compactions };
}

describe('ccotel stats on real transcripts', () => {
  let state: string;
  let report: any;

  beforeAll(async () => {
    requireBuiltCli();
    state = mkdtempSync(join(tmpdir(), 'ccotel-real-'));
    report = (await runStats(ROOT, state)).report;
  });
  afterAll(() => {
    if (state) rmSync(state, { recursive: true, force: true });
  });

  it('token and cost totals equal ccusage 20.0.24', () => {
    expect(report.tokens).toEqual({ input: 287, output: 29111, cacheCreation: 577171, cacheRead: 12475784, total: 287 + 29111 + 577171 + 12475784 });
    expect(Math.abs(report.costUSD - 10.34034105)).toBeLessThan(1e-6);
    expect(Object.keys(report.models).sort()).toEqual(['claude-opus-4-6', 'claude-sonnet-4-5-20250929']);
    expect(report.input.unpricedModels).toEqual([]);
  });

  it('sessions, subagents, requests, tools and compactions match an independent scan', () => {
    const s = scan();
    expect(s.sessions).toBe(2);
    expect(s.subagents).toBe(2);
    expect({ sessions: report.sessions, subagents: report.subagents, requests: report.requests, operations: report.operations, compactions: report.compactions, tools: report.tools }).toEqual(s);
    expect(report.apiErrors).toBe(0);
  });

  it('reads every line and finds nothing malformed', () => {
    let lines = 0;
    const dir = join(ROOT, 'projects');
    for (const rel of readdirSync(dir, { recursive: true }) as string[]) if (rel.endsWith('.jsonl')) lines += readFileSync(join(dir, rel), 'utf8').split('\n').length - 1;
    expect(report.input).toMatchObject({ files: 4, lines, malformedLines: 0, oversizedLines: 0 });
  });
});
