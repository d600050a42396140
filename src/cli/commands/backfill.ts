// `ccotel backfill`: export history once and exit when the collector has everything.
import type { Command } from 'commander';
import { createLogger } from '../../log.js';
import { addCommonOptions, logLevelOf, type GlobalOptions } from '../options.js';
import { listFiles, openState } from '../history.js';
import { HistoryReader, DEFAULT_READER_OPTIONS } from '../../sources/history-reader.js';
import type { ExportPipeline } from '../../export/pipeline.js';
import { createProgress } from '../progress.js';
import { parseDay, startOfDay } from '../../calendar/time-range.js';
import { parseDuration } from '../durations.js';
import { UserError } from '../../errors.js';

interface BackfillOptions extends GlobalOptions {
  since?: string;
  sessionIdle?: string;
  json?: boolean;
}

export function registerBackfill(program: Command): void {
  const cmd = program
    .command('backfill')
    .description('export history not yet exported, wait until the collector accepted it, and exit')
    .option('--since <YYYY-MM-DD>', 'export only activity from this day on (in --timezone)')
    .option('--session-idle <duration>', 'sessions idle this long are closed (root span sent); others stay open for `run`', '30m')
    .option('--json', 'print the summary as JSON')
    .addHelpText('after', `
Examples:
  $ OTEL_EXPORTER_OTLP_ENDPOINT=http://localhost:4318 ccotel backfill
  $ ccotel backfill --since 2026-11-01 --json`);
  addCommonOptions(cmd);
  cmd.action(async (o: BackfillOptions) => {
    const log = createLogger({ level: logLevelOf(o), json: false });
    const { settings, store, fold } = await openState(o, log, { allowReadOnly: false });
    const started = Date.now();
    let pipeline: ExportPipeline | undefined;
    const progress = createProgress('backfill');
    try {
      const sinceMs = o.since ? startOfDay(...parseDay(o.since, '--since'), settings.timezone) : undefined;
      // Loaded here, not at the top: `stats` shares this entry point and needs no OpenTelemetry SDK.
      const { createExportPipeline } = await import('../../export/pipeline.js');
      pipeline = createExportPipeline(settings, fold, settings.stateDir, log, { serveLocalMetrics: false, trace: { sessionIdleMs: parseDuration(o.sessionIdle ?? '30m', '--session-idle') } });
      for (const line of pipeline.describe()) log.info(line);
      const traces = pipeline.traces;
      const onSignal = (): void => {
        log.warn('interrupted: progress up to the last accepted batch is saved');
        traces.stop();
      };
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
      const reader = new HistoryReader(store, [traces], log, { ...DEFAULT_READER_OPTIONS, sinceMs });
      const files = await listFiles(settings, log);
      await reader.syncAll(files, (d, t) => progress.update(d, t));
      progress.done();
      // One-shot: every call whose lines are on disk is complete now.
      traces.builder.tick(Date.now(), true);
      await reader.commit();
      try {
        await pipeline.metrics.forceFlush();
      } catch (err) {
        // Spans and checkpoints are saved; metrics are cumulative, so the next run sends them whole.
        throw new UserError(`metrics export failed: ${(err as Error).message}`, 1);
      }
      const summary = {
        sessions: store.ledger.sessions.size,
        openSessions: traces.builder.openSessions,
        spans: traces.spansSent,
        files: reader.counters.files,
        filesRead: reader.counters.filesRead,
        bytes: reader.counters.bytesRead,
        malformedLines: reader.counters.malformed,
        seconds: (Date.now() - started) / 1000,
      };
      if (o.json) process.stdout.write(JSON.stringify(summary) + '\n');
      else
        process.stdout.write(
          `backfill done: ${summary.sessions} sessions, ${summary.spans} spans sent, ${(summary.bytes / 1e6).toFixed(1)} MB read from ${summary.filesRead} of ${summary.files} files in ${summary.seconds.toFixed(1)} s` +
            (summary.openSessions ? ` (${summary.openSessions} sessions still active: their root spans are sent when they go idle under \`ccotel run\`)` : '') +
            '\n',
        );
    } finally {
      progress.done();
      await pipeline?.shutdown().catch(() => {});
      store.close();
    }
  });
}
