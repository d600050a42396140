// The daemon answers `ccotel sessions` from the journals plus the rows its sink holds (pending()).
// Rows handed to an append that is still under way are on disk only in part, or not at all: until
// the append is done they must still be pending, or a question asked meanwhile misses them.
import { describe, expect, it } from 'vitest';
import { tempDir, useCleanups } from './support/temp.js';
import { SessionsSink } from '../src/sessions/sessions-sink.js';
import { loadCatalog } from '../src/sessions/catalog.js';
import type { ModelEvent } from '../src/model/events.js';

useCleanups();

describe('sessions sink pending rows', () => {
  it('rows under append stay pending until they are on disk', async () => {
    const dir = await tempDir('sink-pending');
    const sink = new SessionsSink(dir);
    const path = '/c/projects/-w-a/s1.jsonl';
    const prompt: ModelEvent = { kind: 'prompt', ctx: { sessionId: 's1', cwd: '/w/a' }, ts: 1_000, uuid: 'u1', chars: 13, text: 'find the flaw' };
    sink.accept([prompt], path);
    const listed = () => loadCatalog(dir, sink.pending()).map((e) => [e.sessionId, e.firstPrompt?.short]);
    expect(listed()).toEqual([['s1', 'find the flaw']]);
    const flushing = sink.flush(); // appends start; nothing is on disk yet
    expect(sink.pending().text.map((r) => r[4])).toEqual(['find the flaw']);
    expect(listed()).toEqual([['s1', 'find the flaw']]);
    await flushing;
    expect(sink.pending()).toEqual({ meta: [], text: [] });
    expect(loadCatalog(dir).map((e) => [e.sessionId, e.firstPrompt?.short])).toEqual([['s1', 'find the flaw']]);
  });
});
