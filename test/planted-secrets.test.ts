// A proof, not a promise: secrets of every kind planted across a history (commands, URLs, file
// paths, written contents, prompts, tool output, API errors, subagent transcripts, progress copies)
// go through a real `ccotel backfill` into a real OpenTelemetry Collector, then `audit` and `stats`.
// Every byte the collector wrote and every file ccotel wrote (state dir included) and printed is
// searched: no secret. Rule hits, counted by the planted history's own list, match rule by rule,
// in `audit --json` and as span events; the safe look-alikes are not hits.
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { onCleanup, tempDir, useCleanups } from './support/temp.js';
import { ensureCollectorBinary, startCollector } from './support/collector.js';
import { requireBuiltCli } from './support/ccotel-cli.js';
import { runCli } from './support/cli-process.js';
import { generateHistory } from './support/history-generator.js';
import { writePlantedHistory } from './support/planted-history.js';
import { waitFor } from './support/wait.js';
import { filesUnder } from './support/state-files.js';

useCleanups();

/** Which of `secrets` occur in `blobs` (name → bytes). */
function leaks(secrets: readonly string[], blobs: ReadonlyArray<[string, string]>): string[] {
  const found: string[] = [];
  for (const s of secrets) for (const [name, text] of blobs) if (text.includes(s)) found.push(`${s.slice(0, 12)}… in ${name}`);
  return found;
}

describe('planted secrets through backfill into a real collector', () => {
  beforeAll(async () => {
    requireBuiltCli();
    await ensureCollectorBinary();
  }, 900_000);

  it('leaks no secret anywhere and counts every planted hit, rule by rule', async () => {
    const root = await tempDir('planted');
    const state = await tempDir('planted-state');
    generateHistory(root, { sessions: 3, seed: 11 }); // ordinary work around the planted sessions
    const planted = writePlantedHistory(root, { rounds: 8, seed: 5 });
    expect(planted.secrets.length).toBeGreaterThan(230);
    // The search works: every secret is in the transcripts it was planted in.
    const transcripts = filesUnder(root).map((f) => [f, readFileSync(f, 'utf8')] as [string, string]);
    expect(leaks(planted.secrets, transcripts).length).toBeGreaterThanOrEqual(planted.secrets.length);

    const col = await startCollector();
    onCleanup(() => col.stop());
    const env = { OTEL_EXPORTER_OTLP_ENDPOINT: col.endpoint };
    const common = ['--claude-dir', root, '--state-dir', state, '--timezone', 'UTC'];
    const backfill = await runCli(['backfill', ...common], env);
    expect(backfill.code, backfill.stderr).toBe(0);
    // The planted sessions (the ordinary ones around them have hits of their own: WebFetch calls).
    const audit = await runCli(['audit', ...common, '--json', '--session', '5ec7e75e']);
    expect(audit.code, audit.stderr).toBe(0);
    const auditText = await runCli(['audit', ...common]);
    const stats = await runCli(['stats', ...common, '--range', 'all']);
    const statsJson = await runCli(['stats', ...common, '--range', 'all', '--json']);

    // Rule hits, as planted.
    const report = JSON.parse(audit.stdout);
    expect(report.summary.byRule).toEqual(Object.fromEntries(Object.entries(planted.expectedHits).sort(([a], [b]) => (a < b ? -1 : 1))));
    const spans = await waitFor(async () => {
      const s = await col.readSpans();
      return s.filter((x) => x.name.startsWith('execute_tool')).length >= planted.toolCalls ? s : undefined;
    }, { timeoutMs: 30_000 });
    const byRule: Record<string, number> = {};
    for (const s of spans.filter((x) => String(x.attributes['gen_ai.conversation.id']).startsWith('5ec7e75e'))) for (const e of s.events) if (e.name === 'ccotel.sensitive') byRule[String(e.attributes['ccotel.sensitive.rule'])] = (byRule[String(e.attributes['ccotel.sensitive.rule'])] ?? 0) + 1;
    expect(byRule).toEqual(planted.expectedHits);
    const safe = new Set(planted.safeIds);
    const safeSpans = spans.filter((s) => safe.has(String(s.attributes['gen_ai.tool.call.id'])));
    expect(safeSpans.length).toBe(planted.safeIds.length);
    expect(safeSpans.filter((s) => s.events.length > 0).map((s) => s.attributes['gen_ai.tool.call.id'])).toEqual([]);
    expect(report.hits.filter((h: { toolUseId: string }) => safe.has(h.toolUseId))).toEqual([]);

    // The counter ccotel.sensitive.hits the collector received, and stats' sensitive{}, for the
    // planted project (the ordinary sessions live in other projects).
    const counted = await waitFor(async () => {
      const pts = await col.latestMetric('ccotel.sensitive.hits', { project: planted.cwd });
      const by: Record<string, number> = {};
      for (const p of pts) by[String(p.attributes.rule)] = (by[String(p.attributes.rule)] ?? 0) + (p.value ?? 0);
      return Object.keys(by).length > 0 ? { by, pts } : undefined;
    }, { timeoutMs: 30_000 });
    expect(counted.by).toEqual(planted.expectedHits);
    const severityOf: Record<string, string> = { credential_access: 'critical', secret_in_command: 'critical', destructive_command: 'warning', write_outside_project: 'warning', external_fetch: 'info' };
    for (const p of counted.pts) expect(p.attributes.severity, String(p.attributes.rule)).toBe(severityOf[String(p.attributes.rule)]);
    expect(new Set(counted.pts.map((p) => String(p.attributes.tool)))).toEqual(new Set(['Bash', 'Write', 'Edit', 'WebFetch', 'WebSearch', 'Read']));
    const sensitiveNow = await runCli(['stats', ...common, '--range', 'all', '--json', '--project', planted.cwd]);
    expect(sensitiveNow.code, sensitiveNow.stderr).toBe(0);
    expect(JSON.parse(sensitiveNow.stdout).sensitive).toEqual(Object.fromEntries(Object.entries(planted.expectedHits).sort(([a], [b]) => (a < b ? -1 : 1))));

    // No secret in anything written or printed.
    await col.stop();
    const written = [...filesUnder(col.dir), ...filesUnder(state)].map((f) => [f, readFileSync(f, 'latin1')] as [string, string]);
    expect(written.some(([f]) => f.endsWith('ledger.ndjson'))).toBe(true);
    expect(written.some(([f]) => f.endsWith('traces.jsonl'))).toBe(true);
    const printed: Array<[string, string]> = [backfill, audit, auditText, stats, statsJson].flatMap((r, i) => [[`stdout#${i}`, r.stdout], [`stderr#${i}`, r.stderr]] as Array<[string, string]>);
    expect(leaks(planted.secrets, [...written, ...printed])).toEqual([]);
    // A malformed line is reported (once per file), but not its bytes: not even a secret's start.
    expect(backfill.stderr).toContain('skipping malformed line');
    expect(leaks(planted.inBadLines.map((s) => s.slice(0, 6)), printed)).toEqual([]);
  }, 300_000);
});
