// The events the ingest manager hands a trace sink for a transcript tree, in order, and the ledger's
// usage records the trace builder reads for them: what tests of the trace builder feed it directly.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StateStore } from '../../src/state/store.js';
import { IngestManager } from '../../src/ingest/manager.js';
import { listTranscripts } from '../../src/sources/transcript-files.js';
import { resolveRoots } from '../../src/sources/roots.js';
import type { EventSink } from '../../src/model/sink.js';
import type { ModelEvent } from '../../src/model/events.js';
import type { UsageRecord } from '../../src/state/ledger.js';
import { silentLogger } from '../../src/log.js';

/** A sink that only records the events, in the order the ingest manager hands them over. */
class Recorder implements EventSink {
  readonly name = 'traces';
  events: ModelEvent[] = [];
  accept(e: readonly ModelEvent[]): void {
    this.events.push(...e);
  }
  async flush(): Promise<void> {}
}

/** Events of a transcript tree, and the ledger's usage records the builder reads (copied out). */
export async function eventsOf(root: string): Promise<{ events: ModelEvent[]; usage: Map<string, UsageRecord> }> {
  const state = mkdtempSync(join(tmpdir(), 'ccotel-events-'));
  try {
    const store = await StateStore.open(state, { allowReadOnly: false });
    const rec = new Recorder();
    await new IngestManager(store, [rec], silentLogger).syncAll(await listTranscripts(resolveRoots([root])));
    const usage = new Map<string, UsageRecord>();
    for (const e of rec.events) if (e.kind === 'model_call') usage.set(e.key, store.ledger.usage.get(e.key)!);
    store.close();
    return { events: rec.events, usage };
  } finally {
    rmSync(state, { recursive: true, force: true });
  }
}
