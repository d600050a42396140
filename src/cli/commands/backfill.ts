// `ccotel backfill`: export history once and exit when the collector has everything.
import type { Command } from 'commander';
import { ledgerToolLookup } from '../../export/traces/tool-lookup.js';
import { createLogger } from '../../log.js';
import { growHeapSlowly } from '../../ingest/heap.js';
import { addCommonOptions, logLevelOf, type GlobalOptions } from '../options.js';
import { SessionsSink } from '../../sessions/sessions-sink.js';
import { IngestSession } from '../../ingest/session.js';
import { resolveExportTarget } from '../../export/otlp-settings.js';
import type { IngestManager } from '../../ingest/manager.js';
import type { ExportPipeline } from '../../export/pipeline.js';
import { createProgress, progressLog } from '../progress.js';
import { checkTimeZone, parseDay, startOfDay } from '../../calendar/time-range.js';
import { parseDuration } from '../durations.js';
import { UserError } from '../../errors.js';
import { DEFAULT_RETRY, ExportRefusedError, ExportTimeoutError, ShutdownError, formatMs, httpStatusOf, isRetryable, refusalHint } from '../../export/retry.js';
import { DEFAULT_SESSION_IDLE } from '../../config/defaults.js';

interface BackfillOptions extends GlobalOptions {
  since?: string;
  sessionIdle?: string;
  json?: boolean;
  timeout?: string;
}

const DEFAULT_TIMEOUT = '5m';
/** Exit codes a script can tell apart (help text below). */
export const EXIT_REFUSED = 3;
export const EXIT_UNREACHABLE = 4;

export function registerBackfill(program: Command): void {
  const cmd = program
    .command('backfill')
    .description('export history not yet exported, wait until the collector accepted it, and exit')
    .option('--since <YYYY-MM-DD>', 'export only activity from this day on (in --timezone)')
    .option('--session-idle <duration>', 'sessions idle this long are closed (root span sent); others stay open for `run`', DEFAULT_SESSION_IDLE)
    .option('--timeout <duration>', 'give up when the collector has not accepted a batch for this long', DEFAULT_TIMEOUT)
    .option('--json', 'print the summary as JSON')
    .addHelpText('after', `
Exit code: 0 once the collector accepted everything;
3 when the collector refused the data (HTTP 400, 401, 403, 404, ...: not retried);
4 when the collector stayed unreachable (or answered 429, 502, 503, 504) for --timeout;
130 (SIGINT) or 143 (SIGTERM) when interrupted.
Whatever the exit, what the collector accepted is checkpointed: run backfill again to send the rest.

Examples:
  $ OTEL_EXPORTER_OTLP_ENDPOINT=http://localhost:4318 ccotel backfill
  $ ccotel backfill --since 2026-11-01 --json`);
  addCommonOptions(cmd);
  cmd.action(async (o: BackfillOptions) => {
    // A read of all history: less of its garbage stays resident (ingest/heap.ts).
    growHeapSlowly();
    const log = createLogger({ level: logLevelOf(o), json: false });
    // Every flag is checked before anything is read or saved.
    const sinceDay = o.since ? parseDay(o.since, '--since') : undefined;
    const sessionIdleMs = parseDuration(o.sessionIdle ?? DEFAULT_SESSION_IDLE, '--session-idle');
    const timeoutMs = parseDuration(o.timeout ?? DEFAULT_TIMEOUT, '--timeout');
    if (o.timezone) checkTimeZone(o.timezone);
    // The OTel SDK loads only for the commands that export (`--help` and `stats` stay light).
    const { createExportPipeline } = await import('../../export/pipeline.js');
    const session = await IngestSession.open(o, log, { allowReadOnly: false, check: (s) => void resolveExportTarget(s.config.otlp) });
    const { settings, store } = session;
    const started = Date.now();
    let pipeline: ExportPipeline | undefined;
    let manager: IngestManager | undefined;
    let interrupted: NodeJS.Signals | undefined;
    const progress = createProgress('backfill');
    const onSignal = (signal: NodeJS.Signals): void => {
      if (interrupted) return;
      interrupted = signal;
      log.warn('interrupted: saving progress up to the last accepted batch');
      manager?.stop();
      pipeline?.stopRetrying();
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    try {
      const sinceMs = sinceDay ? startOfDay(...sinceDay, settings.timezone) : undefined;
      pipeline = createExportPipeline(settings, session.fold, (key) => store.ledger.usage.get(key), settings.stateDir, log, { toolOf: ledgerToolLookup(store.ledger), serveLocalMetrics: false, trace: { sessionIdleMs }, retry: { refused: 'fail', giveUpAfterMs: timeoutMs } });
      for (const line of pipeline.describe()) log.info(line);
      const traces = pipeline.traces;
      // The sessions index must see every line: with --since it is left to the next run or `sessions`.
      manager = session.attach(sinceMs === undefined ? [traces, new SessionsSink(settings.stateDir, store.readOnly)] : [traces], { sinceMs });
      session.useSpool();
      const logProgress = progressLog(log, () => manager!.counters.files);
      await session.sync((d, t) => (process.stderr.isTTY ? progress.update(d, t) : logProgress(d, t)));
      progress.done();
      if (interrupted) {
        await manager.commit();
        throw interruptedError(interrupted);
      }
      traces.finish();
      await manager.commit();
      await flushMetrics(pipeline.metrics, timeoutMs, log, () => interrupted);
      if (interrupted) throw interruptedError(interrupted);
      const summary = {
        sessions: store.ledger.sessions.size,
        openSessions: traces.builder.openSessions,
        spans: traces.spansSent,
        files: manager.counters.files,
        filesRead: manager.counters.filesRead,
        bytes: manager.counters.bytesRead,
        malformedLines: manager.counters.malformed,
        seconds: (Date.now() - started) / 1000,
      };
      if (o.json) process.stdout.write(JSON.stringify(summary) + '\n');
      else
        process.stdout.write(
          `backfill done: ${summary.sessions} sessions, ${summary.spans} spans sent, ${(summary.bytes / 1e6).toFixed(1)} MB read from ${summary.filesRead} of ${summary.files} files in ${summary.seconds.toFixed(1)} s` +
            (summary.openSessions ? ` (${summary.openSessions} sessions still active: their root spans are sent when they go idle under \`ccotel run\`)` : '') +
            '\n',
        );
    } catch (err) {
      // A signal makes the span retry loop give up: that is the user's choice, not a crash.
      if (interrupted && err instanceof ShutdownError) throw interruptedError(interrupted);
      // The manager saved the checkpoints with the spans not yet accepted: a rerun sends exactly those.
      if (err instanceof ExportRefusedError) throw new UserError(`${err.message}; nothing more was sent, run backfill again once fixed`, EXIT_REFUSED);
      if (err instanceof ExportTimeoutError) throw new UserError(`${err.message}; run backfill again to send the rest`, EXIT_UNREACHABLE);
      throw err;
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      progress.done();
      await pipeline?.shutdown().catch(() => {});
      await session.close();
    }
  });
}

/**
 * The final metrics export, retried as spans are (export/retry.ts): a collector restarting or
 * shedding load (503) at that moment is waited for up to --timeout, not taken for a failure at once.
 * Spans and checkpoints are saved already; metrics are cumulative, so a rerun sends them whole.
 */
async function flushMetrics(metrics: ExportPipeline['metrics'], timeoutMs: number, log: ReturnType<typeof createLogger>, interrupted: () => unknown): Promise<void> {
  const started = Date.now();
  // The span exporter's backoff (RetryingExporter): the SDK's metric reader is not a BatchExporter,
  // and a refusal here keeps its own wording.
  let delay = DEFAULT_RETRY.initialMs;
  for (let attempt = 1; ; attempt++) {
    try {
      await metrics.forceFlush();
      if (attempt > 1) log.info('collector accepted metrics again');
      return;
    } catch (err) {
      const status = httpStatusOf(err);
      if (status !== undefined && !isRetryable(err)) throw new UserError(`collector refused metrics: HTTP ${status} ${(err as Error).message}; ${refusalHint(status)}`, EXIT_REFUSED);
      const left = started + timeoutMs - Date.now();
      if (left <= 0) throw new UserError(`gave up after ${formatMs(Date.now() - started)}: metrics not accepted (${(err as Error).message}); is the collector running? run backfill again to send them`, EXIT_UNREACHABLE);
      const wait = Math.min(delay, left);
      log.warn(`metrics export failed; retrying in ${formatMs(wait)} (attempt ${attempt}): ${(err as Error).message}`);
      for (const until = Date.now() + wait; Date.now() < until && !interrupted(); ) await new Promise((r) => setTimeout(r, Math.min(100, until - Date.now())));
      if (interrupted()) return;
      delay = Math.min(delay * 2, DEFAULT_RETRY.maxMs);
    }
  }
}

/** Exit 128 + signal number, as shells report a command ended by a signal. */
function interruptedError(signal: NodeJS.Signals): UserError {
  return new UserError(`backfill interrupted by ${signal}: what the collector accepted is checkpointed; run backfill again to send the rest`, signal === 'SIGINT' ? 130 : 143);
}
