// `ccotel run`: the daemon. Backfills what the state has not seen, then follows live sessions.
import type { Command } from 'commander';
import type { QueryServer } from '../../query/server.js';
import { ledgerToolLookup } from '../../export/traces/tool-lookup.js';
import { createLogger } from '../../log.js';
import { addCommonOptions, logLevelOf, type GlobalOptions } from '../options.js';
import { parsePort } from '../ports.js';
import { SessionsSink } from '../../sessions/sessions-sink.js';
import { IngestSession } from '../../ingest/session.js';
import { heapForFollowing, preferSmallHeap } from '../../ingest/heap.js';
import { BudgetStatusWriter } from '../../budget/status-writer.js';
import { ActivitySink } from '../../activity/activity-sink.js';
import { activityEnabled, activitySettings } from '../../activity/activity-log.js';
import { resolveExportTarget } from '../../export/otlp-settings.js';
import { checkTimeZone } from '../../calendar/time-range.js';
import { parseDuration } from '../durations.js';
import { UserError } from '../../errors.js';
import { startLoopMonitor } from '../loop-monitor.js';
import { progressLog } from '../progress.js';
import { DEFAULT_CALL_QUIET, DEFAULT_METRICS_INTERVAL, DEFAULT_PROMETHEUS_HOST, DEFAULT_PROMETHEUS_PORT, DEFAULT_SESSION_IDLE } from '../../config/defaults.js';
import { removeDaemonInfo, writeDaemonInfo } from '../../state/daemon-info.js';
import { existingProjectDirs } from '../../sources/roots.js';

interface RunOptions extends GlobalOptions {
  logFormat?: string;
  sessionIdle?: string;
  callQuiet?: string;
  metricsInterval?: string;
  prometheusPort?: string;
  refusedRetry?: string;
}

const DEFAULT_REFUSED_RETRY = '1m';

export function registerRun(program: Command): void {
  const cmd = program
    .command('run')
    .description('daemon: backfill unseen history, then stream new activity as OTLP traces and metrics')
    .option('--log-format <format>', 'json | text', 'json')
    .option('--session-idle <duration>', 'close a session (send its root span) after this long without activity', DEFAULT_SESSION_IDLE)
    .option('--call-quiet <duration>', 'a model call with no further copy for this long (transcript time) is complete; see docs/traces.md', DEFAULT_CALL_QUIET)
    .option('--metrics-interval <duration>', 'how often metrics are pushed over OTLP', DEFAULT_METRICS_INTERVAL)
    .option('--refused-retry <duration>', 'how often to try again when the collector refuses spans (HTTP 401, 403, 404, ...)', DEFAULT_REFUSED_RETRY)
    .option('--prometheus-port <port>', `port of the embedded Prometheus endpoint (when no OTLP endpoint is set; default ${DEFAULT_PROMETHEUS_PORT})`)
    .addHelpText('after', `
With no OTLP endpoint configured, metrics are served at http://${DEFAULT_PROMETHEUS_HOST}:${DEFAULT_PROMETHEUS_PORT}/metrics and traces are
written as OTLP-JSON files under the state directory. Point it at a collector with the standard
variables, e.g.:
  $ OTEL_EXPORTER_OTLP_ENDPOINT=http://localhost:4318 ccotel run
  $ OTEL_RESOURCE_ATTRIBUTES=team=payments,deployment.environment=dev ccotel run`);
  addCommonOptions(cmd);
  cmd.action(async (o: RunOptions) => {
    preferSmallHeap();
    const log = createLogger({ level: logLevelOf(o), json: o.logFormat !== 'text' });
    // Every flag is checked before anything is read or saved.
    if (o.logFormat !== 'json' && o.logFormat !== 'text') throw new UserError(`--log-format must be json or text (got "${o.logFormat}")`);
    const metricsIntervalMs = parseDuration(o.metricsInterval ?? DEFAULT_METRICS_INTERVAL, '--metrics-interval');
    const sessionIdleMs = parseDuration(o.sessionIdle ?? DEFAULT_SESSION_IDLE, '--session-idle');
    const callQuietMs = parseDuration(o.callQuiet ?? DEFAULT_CALL_QUIET, '--call-quiet');
    const refusedRetryMs = parseDuration(o.refusedRetry ?? DEFAULT_REFUSED_RETRY, '--refused-retry');
    const port = o.prometheusPort ? parsePort('--prometheus-port', o.prometheusPort) : undefined;
    if (o.timezone) checkTimeZone(o.timezone);
    startLoopMonitor(log);
    // The OTel SDK loads only for the commands that export (`--help` and `stats` stay light).
    const { createExportPipeline } = await import('../../export/pipeline.js');
    const session = await IngestSession.open(o, log, { allowReadOnly: false, check: (s) => void resolveExportTarget(s.config.otlp) });
    const { settings, store } = session;
    const pipeline = createExportPipeline(settings, session.fold, (key) => store.ledger.usage.get(key), settings.stateDir, log, { toolOf: ledgerToolLookup(store.ledger),
      metricsIntervalMs,
      trace: { sessionIdleMs, callQuietMs },
      retry: { refused: 'retry', refusedRetryMs },
      logMetricFailures: true,
      heartbeat: true,
      prometheus: port ? { host: settings.config.prometheus?.host ?? DEFAULT_PROMETHEUS_HOST, port } : undefined,
    });
    for (const line of pipeline.describe()) log.info(line);
    try {
      await pipeline.metrics.ready;
    } catch (err) {
      await session.close();
      throw new UserError(`cannot serve metrics: ${(err as Error).message} (another ccotel running? use --prometheus-port)`);
    }
    // For doctor: what this daemon serves (the Prometheus port may differ from the default).
    await writeDaemonInfo(settings.stateDir, { pid: process.pid, startedAt: new Date().toISOString(), serves: pipeline.describe() }).catch((err) => log.warn(`cannot write ${settings.stateDir}/daemon.json for doctor: ${(err as Error).message}`));
    log.info('reading transcripts', { pid: process.pid, roots: existingProjectDirs(settings.roots), stateDir: settings.stateDir });
    // The monitoring guide's activity log, written here so the hook never waits for it (docs/hooks.md).
    const activity = activityEnabled(settings.config.activityLog) ? new ActivitySink(activitySettings(), settings.timezone, log) : undefined;
    if (activity) log.info('writing the activity log', { dir: activitySettings().dir });
    // The sessions index follows live sessions too (docs/sessions.md): `ccotel sessions` finds them at once.
    const sessionsIndex = new SessionsSink(settings.stateDir, session.store.readOnly);
    const manager = session.attach(activity ? [pipeline.traces, sessionsIndex, activity] : [pipeline.traces, sessionsIndex]);
    session.useSpool();
    // The budget guard hook's status file, kept current on every commit (docs/hooks.md).
    new BudgetStatusWriter(store, session.fold, { timezone: settings.timezone, config: settings.config, configPath: settings.configPath, configFound: settings.configFound }, log);
    let stopping = false;
    let syncing: Promise<unknown> = Promise.resolve();
    let queries: QueryServer | undefined;
    const stop = async (signal: string): Promise<void> => {
      if (stopping) return;
      stopping = true;
      log.info('stopping: flushing and saving state', { signal });
      manager.stop();
      pipeline.stopRetrying();
      await syncing.catch(() => {}); // ends after the file in progress, with a last commit
      await queries?.close();
      removeDaemonInfo(settings.stateDir);
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
    watchNpmParent(() => void stop('npm exited'));
    const started = Date.now();
    try {
      syncing = session.sync(progressLog(log, () => manager.counters.files));
      await syncing;
    } catch (err) {
      if (stopping) return;
      throw err;
    }
    if (stopping) return;
    log.info('backfill done; following live sessions', { files: manager.counters.files, bytes: manager.counters.bytesRead, spansSent: pipeline.traces.spansSent, seconds: (Date.now() - started) / 1000 });
    // Dropped: only so the first scrape finds that code compiled. A failure here shows in that scrape.
    await pipeline.metrics.warm().catch(() => {});
    const { settled } = await session.follow({ tickMs: 250, rescanMs: 30_000 });
    heapForFollowing(settled);
    // Caught up: `ccotel sessions` and `stats` may now ask this process instead of reading the state.
    const { startQueryServer } = await import('../../query/server.js');
    const { answerWire } = await import('../../sessions/query.js');
    const { answerStats } = await import('../../stats/query.js');
    const { CatalogCache } = await import('../../sessions/catalog.js');
    const present = session.present(); // files gone since are not listed
    const roots = existingProjectDirs(settings.roots);
    const catalog = new CatalogCache(settings.stateDir);
    queries = await startQueryServer(settings.stateDir, roots, (req) => {
      if (req.q.op === 'stats') return answerStats(req.q, { fold: session.fold, checkpoints: session.store.files, present });
      return answerWire(req.q, (jaegerUrl) => ({ stateDir: settings.stateDir, totals: session.fold.sessions, present, pending: sessionsIndex.pending(), here: req.here, jaegerUrl, catalog }));
    }, log);
    if (stopping) await queries?.close();
    await new Promise<void>(() => {}); // until a signal
  });
}

/**
 * Under `npm start` the script execs this process, so npm forwards SIGTERM/SIGINT to it. A parent
 * npm that dies without forwarding (SIGKILL) must not leave the daemon holding its port and state:
 * when the parent changes (re-parented), stop as if signalled. Only under npm: a daemon started
 * with `nohup … &` outlives its shell on purpose.
 */
function watchNpmParent(onGone: () => void): void {
  if (!process.env.npm_lifecycle_event) return;
  const parent = process.ppid;
  const timer = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(timer);
    onGone();
  }, 500);
  timer.unref();
}
