// A commit of history no longer stops the reader (src/ingest/manager.ts): it takes, when it starts,
// the ledger rows, checkpoints, spans and index rows it makes durable, and reading goes on while it
// writes. Here `backfill` is SIGKILLed right after such a commit wrote state.json while the reader
// had already read past it (fault point commit.overlapped), then run again to the end. Truth: the
// generator's Expected (stats totals, and the span count: one per request, API error, tool call,
// session, subagent and prompt), each session's root span, and the keyed rows of the sessions index
// of the same history read by one uninterrupted backfill that never overlaps its commits.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { onCleanup, tempDir, useCleanups } from './support/temp.js';
import { ensureCollectorBinary, startCollector, type FlatSpan } from './support/collector.js';
import { CLI, cliEnv, reportDiffs, requireBuiltCli, runStats } from './support/ccotel-cli.js';
import { generateHistory, listJsonl, scanTranscript } from './support/history-generator.js';
import { keyedIndexRows } from './support/state-files.js';

useCleanups();

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  output: string;
}

function backfill(root: string, state: string, env: NodeJS.ProcessEnv): Promise<Exit> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, 'backfill', '--claude-dir', root, '--state-dir', state, '--timezone', 'UTC'], { env: { ...cliEnv(), ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (output += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (output += d));
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve({ code, signal, output }));
  });
}

/** Transcript bytes state.json has checkpointed. */
function checkpointed(state: string): number {
  const s = JSON.parse(readFileSync(join(state, 'state.json'), 'utf8')) as { files: Record<string, { offset: number }> };
  return Object.values(s.files).reduce((a, f) => a + f.offset, 0);
}

/** Session ids = names of the main transcripts (<root>/projects/<dir>/<sessionId>.jsonl). */
function sessionIds(root: string): string[] {
  return listJsonl(root)
    .filter((f) => !/[\\/]subagents[\\/]/.test(f))
    .map((f) => basename(f, '.jsonl'))
    .sort();
}

describe('SIGKILL after a commit that reading went past', () => {
  beforeAll(async () => {
    requireBuiltCli();
    await ensureCollectorBinary();
  });

  it('resumes with exact totals, every span, and no index row written twice', async () => {
    const root = await tempDir('root');
    const exp = generateHistory(root, { sessions: 60, seed: 77, faults: true, targetBytes: 24_000_000 });
    let complete = 0;
    for (const f of listJsonl(root)) {
      const buf = readFileSync(f);
      complete += buf.length - scanTranscript(buf).tornBytes;
    }

    // Reference for the index: one uninterrupted read that waits for each commit (local span files).
    const refState = await tempDir('ref-state');
    const ref = await backfill(root, refState, { CCOTEL_COMMIT_OVERLAP: '0', OTEL_EXPORTER_OTLP_ENDPOINT: '' });
    expect(ref.code, ref.output).toBe(0);

    const col = await startCollector();
    onCleanup(() => col.stop());
    const env = { OTEL_EXPORTER_OTLP_ENDPOINT: col.endpoint, CCOTEL_COMMIT_MB: '1', CCOTEL_COMMIT_OVERLAP: '1' };
    const state = await tempDir('state');
    const killed = await backfill(root, state, { ...env, CCOTEL_TEST_FAULT: 'commit.overlapped@8' });
    // Killed at the fault point (its 8th pass, some MB in): a commit had written state.json while the
    // reader was past it.
    expect(killed.signal, killed.output).toBe('SIGKILL');
    const atKill = checkpointed(state);
    expect(atKill).toBeGreaterThan(0);
    expect(atKill).toBeLessThan(complete);

    const resumed = await backfill(root, state, env);
    expect(resumed.code, resumed.output).toBe(0);
    expect(checkpointed(state)).toBe(complete);
    expect(reportDiffs((await runStats(root, state)).report, exp)).toEqual([]);

    // Stopped, the collector has written every span it accepted.
    await col.stop();
    const spans = await col.readSpans();
    const want = exp.requests + exp.apiErrors + exp.operations + exp.sessions + exp.subagents + exp.prompts;
    const byId = new Map<string, FlatSpan>();
    let resent = 0;
    for (const s of spans) {
      const seen = byId.get(s.spanId);
      // Spans accepted past the last checkpoint are sent again by the next start, the same spans.
      if (seen) {
        resent++;
        expect(JSON.stringify(s)).toBe(JSON.stringify(seen));
      } else byId.set(s.spanId, s);
    }
    console.log(`[overlap-kill] killed at ${(atKill / 1e6).toFixed(1)} of ${(complete / 1e6).toFixed(1)} MB; ${byId.size} spans (want ${want}), ${resent} sent again`);
    expect(byId.size).toBe(want);
    const roots = [...byId.values()].filter((s) => !s.parentSpanId).map((s) => String(s.attributes['gen_ai.conversation.id']));
    expect(roots.sort()).toEqual(sessionIds(root));

    // Every keyed index row exactly as often as the uninterrupted read wrote it: none twice, none lost.
    const got = keyedIndexRows(state);
    const want2 = keyedIndexRows(refState);
    expect(want2.length).toBeGreaterThan(1000);
    expect(got.length).toBe(want2.length);
    expect(got).toEqual(want2);
  }, 180_000);
});
