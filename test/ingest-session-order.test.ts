// A backfill reads each session's subagent files right after its main transcript. The trace
// builder closes a session that has been idle (event time) and unread for a couple of seconds of
// wall time, and its root span carries the session's totals: read after every other session's main
// file instead, a long backfill closes the session first and its root misses the subagents' calls.
// Truth: the hand-written calls (one main, one subagent call for session A).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { StateStore } from '../src/state/store.js';
import { IngestManager, parentsFirst } from '../src/ingest/manager.js';
import { listTranscripts } from '../src/sources/transcript-files.js';
import { resolveRoots } from '../src/sources/roots.js';
import { Pricer } from '../src/pricing/cost.js';
import { EMBEDDED_PRICES } from '../src/pricing/price-table.js';
import { TraceBuilder, DEFAULT_TRACE_OPTIONS } from '../src/export/traces/trace-builder.js';
import { TraceSink } from '../src/export/traces/trace-sink.js';
import type { ReadableSpan } from '../src/export/traces/readable-span.js';
import { createLogger } from '../src/log.js';
import { encodeCwd, sessionLines } from './support/hand-transcripts.js';
import { tempDir, useCleanups } from './support/temp.js';

useCleanups();
const log = createLogger({ level: 'silent', json: false });
const T0 = Date.parse('2026-01-05T10:00:00Z');
const CWD = '/work/app';

function writeHistory(claude: string): void {
  const dir = join(claude, 'projects', encodeCwd(CWD));
  mkdirSync(join(dir, 'A', 'subagents'), { recursive: true });
  writeFileSync(join(dir, 'A.jsonl'), sessionLines({ sessionId: 'A', cwd: CWD, ts: T0, input: 100, output: 10 }).join('\n') + '\n');
  const sub = { type: 'assistant', sessionId: 'A', agentId: 'x1', isSidechain: true, cwd: CWD, uuid: 'A-x1-a1', parentUuid: null, timestamp: new Date(T0 + 5_000).toISOString(), requestId: 'req_A_x1', message: { id: 'msg_A_x1', type: 'message', role: 'assistant', model: 'claude-sonnet-4-6', content: [{ type: 'text', text: 'found it' }], stop_reason: 'end_turn', usage: { input_tokens: 50, output_tokens: 5, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 } } };
  writeFileSync(join(dir, 'A', 'subagents', 'agent-x1.jsonl'), JSON.stringify(sub) + '\n');
  // Another session between them in a parents-first order, read in several slices (commits).
  const b = Array.from({ length: 6 }, (_, i) => sessionLines({ sessionId: `B${i}`, cwd: CWD, ts: T0 + 60_000 * (i + 1), input: 1, output: 1 }).map((l) => l.replace(/"sessionId":"B\d"/g, '"sessionId":"B"')));
  writeFileSync(join(dir, 'B.jsonl'), b.flat().join('\n') + '\n');
}

describe('reading order of a backfill', () => {
  it('each session\'s subagent files are read right after its main file, so its root span has every call', async () => {
    const d = await tempDir('session-order');
    const claude = join(d, 'claude');
    writeHistory(claude);
    const store = await StateStore.open(join(d, 'state'), { allowReadOnly: false });
    const sent: ReadableSpan[] = [];
    const exporter = { export: async (b: ReadableSpan[]) => void sent.push(...b), shutdown: async () => {}, describe: () => 'memory' };
    // Wall time runs fast (a long backfill): 3 s pass between any two looks at the clock.
    let wall = Date.now();
    const builder = new TraceBuilder(new Pricer(EMBEDDED_PRICES), DEFAULT_TRACE_OPTIONS, (k) => store.ledger.usage.get(k), () => (wall += 3_000));
    const sink = new TraceSink(builder, exporter, resourceFromAttributes({}));
    // Small slices: a commit (and so a tick of the trace builder) between the slices of a file.
    const manager = new IngestManager(store, [sink], log, { reader: { maxLineBytes: 1 << 20, sliceBytes: 256 } });
    const files = await listTranscripts(resolveRoots([claude]));
    await manager.syncAll(files);
    sink.finish();
    await manager.commit();
    store.close();
    const roots = sent.filter((s) => s.name === 'invoke_agent claude-code' && s.attributes['gen_ai.conversation.id'] === 'A');
    expect(roots).toHaveLength(1);
    expect(roots[0]!.attributes['ccotel.session.model_calls']).toBe(2);
    expect(roots[0]!.attributes['gen_ai.usage.input_tokens']).toBe(150);
  });

  it('parents first within a session; sessions keep the order given (a batch while following)', () => {
    const f = (path: string, sessionId: string, agentId?: string) => ({ path, hints: agentId ? { sessionId, agentId } : { sessionId } });
    const batch = [f('/p/A/subagents/agent-1.jsonl', 'A', '1'), f('/p/B.jsonl', 'B'), f('/p/A.jsonl', 'A'), f('/p/B/subagents/agent-2.jsonl', 'B', '2'), f('/p/C/subagents/agent-3.jsonl', 'C', '3')];
    expect(parentsFirst(batch).map((x) => x.path)).toEqual(['/p/A.jsonl', '/p/A/subagents/agent-1.jsonl', '/p/B.jsonl', '/p/B/subagents/agent-2.jsonl', '/p/C/subagents/agent-3.jsonl']);
  });
});
