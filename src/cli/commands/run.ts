// `ccotel run`: the daemon. Backfills what the state has not seen, then follows live sessions.
import type { Command } from 'commander';
import { createLogger } from '../../log.js';
import { addCommonOptions, logLevelOf, type GlobalOptions } from '../options.js';
import { listFiles, openState, parsePort } from '../history.js';
import { HistoryReader, DEFAULT_READER_OPTIONS } from '../../sources/history-reader.js';
import { parseDuration } from '../durations.js';
import { UserError } from '../../errors.js';
import { startLoopMonitor } from '../loop-monitor.js';

interface RunOptions extends GlobalOptions {
  logFormat?: string;
  sessionIdle?: string;
  metricsInterval?: string;
  prometheusPort?: string;
}

export function registerRun(program: Command): void {
  const cmd = program
    .command('run')
    .description('daemon: backfill unseen history, then stream new activity as OTLP traces and metrics')
    .option('--log-format <format>', 'json | text', 'json')
    .option('--session-idle <duration>', 'close a session (send its root span) after this long without activity', '30m')
    .option('--metrics-interval <duration>', 'how often metrics are pushed over OTLP', '10s')
    .option('--prometheus-port <port>', 'port of the embedded Prometheus endpoint (when no OTLP endpoint is set)')
    .addHelpText('after', `
With no OTLP endpoint configured, metrics are served at http://127.0.0.1:9464/metrics and traces are
written as OTLP-JSON files under the state directory. Point it at a collector with the standard
variables, e.g.:
  $ OTEL_EXPORTER_OTLP_ENDPOINT=http://localhost:4318 ccotel run
  $ OTEL_RESOURCE_ATTRIBUTES=team=payments,deployment.environment=dev ccotel run`);
  addCommonOptions(cmd);
  cmd.action(async (o: RunOptions) => {
    const log = createLogger({ level: logLevelOf(o), json: o.logFormat !== 'text' });
    startLoopMonitor(log);
    const { settings, store, fold } = await openState(o, log, { allowReadOnly: false });
    // Loaded here, not at the top: `stats` shares this entry point and needs no OpenTelemetry SDK.
    const [{ createExportPipeline }, { Follower }] = await Promise.all([import('../../export/pipeline.js'), import('../../sources/follow.js')]);
    const pipeline = createExportPipeline(settings, fold, settings.stateDir, log, {
      metricsIntervalMs: parseDuration(o.metricsInterval ?? '10s', '--metrics-interval'),
      trace: { sessionIdleMs: parseDuration(o.sessionIdle ?? '30m', '--session-idle') },
      prometheus: o.prometheusPort ? { host: settings.config.prometheus?.host ?? '127.0.0.1', port: parsePort('--prometheus-port', o.prometheusPort) } : undefined,
    });
    for (const line of pipeline.describe()) log.info(line);
    try {
      await pipeline.metrics.ready;
    } catch (err) {
      store.close();
      throw new UserError(`cannot serve metrics: ${(err as Error).message} (another ccotel running? use --prometheus-port)`);
    }
    log.info('reading transcripts', { roots: settings.roots.filter((r) => r.exists).map((r) => r.projectsDir), stateDir: settings.stateDir });
    const reader = new HistoryReader(store, [pipeline.traces], log, DEFAULT_READER_OPTIONS);
    const follower = new Follower(reader, settings.roots, log, { tickMs: 250, rescanMs: 30_000 });
    let stopping = false;
    const stop = async (signal: string): Promise<void> => {
      if (stopping) return;
      stopping = true;
      log.info('stopping: flushing and saving state', { signal });
      pipeline.traces.stop();
      await follower.stop();
      try {
        await pipeline.metrics.forceFlush();
      } catch (err) {
        log.warn(`final metrics export failed: ${(err as Error).message}`);
      }
      await pipeline.shutdown().catch(() => {});
      store.close();
      log.info('stopped', { spansSent: pipeline.traces.spansSent });
      process.exit(0);
    };
    process.on('SIGTERM', () => void stop('SIGTERM'));
    process.on('SIGINT', () => void stop('SIGINT'));
    const started = Date.now();
    const files = await listFiles(settings, log);
    try {
      await reader.syncAll(files, progressLogger(log));
    } catch (err) {
      if (stopping) return;
      throw err;
    }
    log.info('backfill done; following live sessions', { files: reader.counters.files, bytes: reader.counters.bytesRead, spans: pipeline.traces.spansSent, seconds: (Date.now() - started) / 1000 });
    follower.start();
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
