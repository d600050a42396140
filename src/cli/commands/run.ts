// `ccotel run`: the daemon. Backfills what the state has not seen, then follows live sessions.
import type { Command } from 'commander';
import { ledgerToolLookup } from '../../export/traces/tool-lookup.js';
import { createLogger } from '../../log.js';
import { addCommonOptions, logLevelOf, type GlobalOptions } from '../options.js';
import { parsePort } from '../ports.js';
import { IngestSession } from '../../ingest/session.js';
import { checkTimeZone } from '../../calendar/time-range.js';
import { parseDuration } from '../durations.js';
import { UserError } from '../../errors.js';
import { startLoopMonitor } from '../loop-monitor.js';
import { DEFAULT_CALL_QUIET, DEFAULT_METRICS_INTERVAL, DEFAULT_PROMETHEUS_HOST, DEFAULT_PROMETHEUS_PORT, DEFAULT_SESSION_IDLE } from '../../config/defaults.js';

interface RunOptions extends GlobalOptions {
  logFormat?: string;
  sessionIdle?: string;
  callQuiet?: string;
  metricsInterval?: string;
  prometheusPort?: string;
}

export function registerRun(program: Command): void {
  const cmd = program
    .command('run')
    .description('daemon: backfill unseen history, then stream new activity as OTLP traces and metrics')
    .option('--log-format <format>', 'json | text', 'json')
    .option('--session-idle <duration>', 'close a session (send its root span) after this long without activity', DEFAULT_SESSION_IDLE)
    .option('--call-quiet <duration>', 'a model call with no further copy for this long (transcript time) is complete; see docs/traces.md', DEFAULT_CALL_QUIET)
    .option('--metrics-interval <duration>', 'how often metrics are pushed over OTLP', DEFAULT_METRICS_INTERVAL)
    .option('--prometheus-port <port>', `port of the embedded Prometheus endpoint (when no OTLP endpoint is set; default ${DEFAULT_PROMETHEUS_PORT})`)
    .addHelpText('after', `
With no OTLP endpoint configured, metrics are served at http://${DEFAULT_PROMETHEUS_HOST}:${DEFAULT_PROMETHEUS_PORT}/metrics and traces are
written as OTLP-JSON files under the state directory. Point it at a collector with the standard
variables, e.g.:
  $ OTEL_EXPORTER_OTLP_ENDPOINT=http://localhost:4318 ccotel run
  $ OTEL_RESOURCE_ATTRIBUTES=team=payments,deployment.environment=dev ccotel run`);
  addCommonOptions(cmd);
  cmd.action(async (o: RunOptions) => {
    const log = createLogger({ level: logLevelOf(o), json: o.logFormat !== 'text' });
    // Every flag is checked before anything is read or saved.
    if (o.logFormat !== 'json' && o.logFormat !== 'text') throw new UserError(`--log-format must be json or text (got "${o.logFormat}")`);
    const metricsIntervalMs = parseDuration(o.metricsInterval ?? DEFAULT_METRICS_INTERVAL, '--metrics-interval');
    const sessionIdleMs = parseDuration(o.sessionIdle ?? DEFAULT_SESSION_IDLE, '--session-idle');
    const callQuietMs = parseDuration(o.callQuiet ?? DEFAULT_CALL_QUIET, '--call-quiet');
    const port = o.prometheusPort ? parsePort('--prometheus-port', o.prometheusPort) : undefined;
    if (o.timezone) checkTimeZone(o.timezone);
    startLoopMonitor(log);
    // The OTel SDK loads only for the commands that export (`--help` and `stats` stay light).
    const { createExportPipeline } = await import('../../export/pipeline.js');
    const session = await IngestSession.open(o, log, { allowReadOnly: false });
    const { settings, store } = session;
    const pipeline = createExportPipeline(settings, session.fold, (key) => store.ledger.usage.get(key), settings.stateDir, log, { toolOf: ledgerToolLookup(store.ledger),
      metricsIntervalMs,
      trace: { sessionIdleMs, callQuietMs },
      prometheus: port ? { host: settings.config.prometheus?.host ?? DEFAULT_PROMETHEUS_HOST, port } : undefined,
    });
    for (const line of pipeline.describe()) log.info(line);
    try {
      await pipeline.metrics.ready;
    } catch (err) {
      await session.close();
      throw new UserError(`cannot serve metrics: ${(err as Error).message} (another ccotel running? use --prometheus-port)`);
    }
    log.info('reading transcripts', { roots: settings.roots.filter((r) => r.exists).map((r) => r.projectsDir), stateDir: settings.stateDir });
    const manager = session.attach([pipeline.traces]);
    session.useSpool();
    let stopping = false;
    let syncing: Promise<unknown> = Promise.resolve();
    const stop = async (signal: string): Promise<void> => {
      if (stopping) return;
      stopping = true;
      log.info('stopping: flushing and saving state', { signal });
      manager.stop();
      pipeline.stopRetrying();
      await syncing.catch(() => {}); // ends after the file in progress, with a last commit
      await session.close();
      try {
        await pipeline.metrics.forceFlush();
      } catch (err) {
        log.warn(`final metrics export failed: ${(err as Error).message}`);
      }
      await pipeline.shutdown().catch(() => {});
      log.info('stopped', { spansSent: pipeline.traces.spansSent });
      process.exit(0);
    };
    process.on('SIGTERM', () => void stop('SIGTERM'));
    process.on('SIGINT', () => void stop('SIGINT'));
    const started = Date.now();
    try {
      syncing = session.sync(progressLogger(log));
      await syncing;
    } catch (err) {
      if (stopping) return;
      throw err;
    }
    if (stopping) return;
    log.info('backfill done; following live sessions', { files: manager.counters.files, bytes: manager.counters.bytesRead, spans: pipeline.traces.spansSent, seconds: (Date.now() - started) / 1000 });
    await session.follow({ tickMs: 250, rescanMs: 30_000 });
    await new Promise<void>(() => {}); // until a signal
  });
}

/** Progress as log lines every 5 s (the daemon's stderr is usually not a terminal). */
function progressLogger(log: ReturnType<typeof createLogger>): (done: number, total: number) => void {
  let last = 0;
  return (done, total) => {
    const now = Date.now();
    if (now - last < 5000 || total === 0) return;
    last = now;
    log.info('backfill progress', { percent: Math.floor((done / total) * 100), bytesDone: done, bytesTotal: total });
  };
}
