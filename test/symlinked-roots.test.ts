// A Claude config dir reachable by several paths (~/.config/claude -> ~/.claude, a root listed
// twice in CLAUDE_CONFIG_DIR, symlinked project folders) is read once: stats match the generator's
// independent totals, and the export sends each span once.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Expected } from './support/history-generator.js';
import { linkedHistory } from './support/linked-history.js';
import { CLI, cliEnv, reportDiffs, requireBuiltCli, runStats } from './support/ccotel-cli.js';
import { resolveRoots } from '../src/sources/roots.js';
import { listTranscripts } from '../src/sources/transcript-files.js';
import { StateStore } from '../src/state/store.js';
import { IngestManager } from '../src/ingest/manager.js';
import { TraceBuilder, DEFAULT_TRACE_OPTIONS } from '../src/export/traces/trace-builder.js';
import { Pricer } from '../src/pricing/cost.js';
import { EMBEDDED_PRICES } from '../src/pricing/price-table.js';
import type { SpanData } from '../src/export/traces/span-data.js';
import type { ModelEvent } from '../src/model/events.js';
import { silentLogger } from '../src/log.js';

const execFileAsync = promisify(execFile);

/** A history whose config dir has an alias, one project folder moved out and linked back, and a second link to another project. */
function layout(): { dir: string; root: string; alias: string; exp: Expected } {
  const dir = mkdtempSync(join(tmpdir(), 'ccotel-links-'));
  return { dir, ...linkedHistory(dir) };
}

describe('symlinked and repeated roots', () => {
  let l: ReturnType<typeof layout>;
  beforeAll(() => {
    requireBuiltCli();
    l = layout();
  });

  it('lists every transcript once, by file identity', async () => {
    const files = await listTranscripts(resolveRoots([l.root, l.alias, join(l.alias, 'projects'), l.root]));
    expect(files.length).toBe(l.exp.files);
    expect(new Set(files.map((f) => f.path)).size).toBe(files.length);
  });

  it('stats with both aliases as --claude-dir: exact totals, input.files not doubled', async () => {
    const { report } = await runStats(l.root, mkdtempSync(join(tmpdir(), 'ccotel-links-st-')), ['--claude-dir', l.alias]);
    expect(reportDiffs(report, l.exp)).toEqual([]);
    expect(report.input.files).toBe(l.exp.files);
  });

  it('stats with a CLAUDE_CONFIG_DIR listing the same folder three ways', async () => {
    const state = mkdtempSync(join(tmpdir(), 'ccotel-links-st-'));
    const { stdout } = await execFileAsync(process.execPath, [CLI, 'stats', '--range', 'all', '--json', '--timezone', 'UTC', '--state-dir', state], {
      env: { ...cliEnv(), CLAUDE_CONFIG_DIR: `${l.alias},${l.root},${l.root}/` },
      maxBuffer: 64 << 20,
    });
    expect(reportDiffs(JSON.parse(stdout), l.exp)).toEqual([]);
  });

  it('exports each span once', async () => {
    const store = await StateStore.open(mkdtempSync(join(tmpdir(), 'ccotel-links-ex-')), { allowReadOnly: false });
    const builder = new TraceBuilder(new Pricer(EMBEDDED_PRICES), DEFAULT_TRACE_OPTIONS, (k) => store.ledger.usage.get(k));
    const spans: SpanData[] = [];
    const sink = {
      name: 'traces',
      accept: (e: readonly ModelEvent[]) => builder.accept(e),
      flush: async () => void spans.push(...builder.drain()),
    };
    const manager = new IngestManager(store, [sink], silentLogger);
    await manager.syncAll(await listTranscripts(resolveRoots([l.alias, l.root])));
    builder.tick(Date.now(), true);
    await sink.flush();
    store.close();
    expect(spans.filter((s) => !s.parentSpanId).length).toBe(l.exp.sessions);
    expect(new Set(spans.map((s) => s.spanId)).size).toBe(spans.length);
    expect(spans.filter((s) => s.name.startsWith('chat ')).length).toBe(l.exp.requests + l.exp.apiErrors);
  });
});

describe('watching a symlinked project folder', () => {
  it('reports a change seen through a link under the one path the listing uses', async () => {
    const { watchTranscripts } = await import('../src/sources/watcher.js');
    const { waitFor } = await import('./support/wait.js');
    const { appendFileSync, writeFileSync } = await import('node:fs');
    const dir = mkdtempSync(join(tmpdir(), 'ccotel-links-w-'));
    const projects = join(dir, 'claude', 'projects');
    mkdirSync(join(projects, 'proj'), { recursive: true });
    const file = join(projects, 'proj', 'sess.jsonl');
    writeFileSync(file, '{}\n');
    symlinkSync(join(projects, 'proj'), join(projects, 'alias'));
    const roots = resolveRoots([join(dir, 'claude')]);
    const listed = await listTranscripts(roots);
    expect(listed.map((f) => f.path)).toHaveLength(1);
    const seen: string[] = [];
    const w = watchTranscripts(roots, silentLogger, (f) => seen.push(f.path), { rescanMs: 200 });
    try {
      // Rescans report every file; appends are reported by chokidar, possibly through the link too.
      await new Promise((r) => setTimeout(r, 300));
      appendFileSync(join(projects, 'alias', 'sess.jsonl'), '{}\n');
      await waitFor(() => (seen.length >= 3 ? true : undefined), { timeoutMs: 10_000, what: 'watcher reports' });
      expect(new Set(seen)).toEqual(new Set(listed.map((f) => f.path)));
    } finally {
      await w.close();
    }
  });
});
