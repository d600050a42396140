import { createRequire as __cr } from 'module'; const require = __cr(import.meta.url);
import {
  ledgerToolLookup
} from "./chunk-H3ET2MBU.js";
import {
  parseDuration
} from "./chunk-NBZIM7DU.js";
import {
  SessionsSink
} from "./chunk-Z4JT7HP2.js";
import {
  createProgress,
  progressLog
} from "./chunk-NCT7SMWF.js";
import {
  IngestSession
} from "./chunk-YV2EUMU4.js";
import "./chunk-ZHDVVEMB.js";
import "./chunk-KWWPAEIM.js";
import "./chunk-CKTIG34C.js";
import {
  ExportRefusedError,
  ExportTimeoutError,
  ShutdownError,
  httpStatusOf,
  isRetryable,
  refusalHint
} from "./chunk-44LN3FQW.js";
import "./chunk-E6NNWJIM.js";
import {
  addCommonOptions,
  logLevelOf
} from "./chunk-PONSMWFI.js";
import "./chunk-2YS7Z5B4.js";
import "./chunk-ZBR56UWZ.js";
import "./chunk-7TEPTGNX.js";
import {
  resolveExportTarget
} from "./chunk-A4SWCGKC.js";
import "./chunk-APSSRI2I.js";
import {
  createLogger
} from "./chunk-CUIUVQIK.js";
import "./chunk-IEE2PAZ5.js";
import "./chunk-OXGOCH6N.js";
import "./chunk-4KT5NHGZ.js";
import "./chunk-WNRRRGWU.js";
import {
  DEFAULT_SESSION_IDLE,
  checkTimeZone,
  parseDay,
  startOfDay
} from "./chunk-62URUY5F.js";
import "./chunk-IZPOGKRA.js";
import {
  UserError
} from "./chunk-EM5NTX2M.js";

// src/cli/commands/backfill.ts
var DEFAULT_TIMEOUT = "5m";
var EXIT_REFUSED = 3;
var EXIT_UNREACHABLE = 4;
function registerBackfill(program) {
  const cmd = program.command("backfill").description("export history not yet exported, wait until the collector accepted it, and exit").option("--since <YYYY-MM-DD>", "export only activity from this day on (in --timezone)").option("--session-idle <duration>", "sessions idle this long are closed (root span sent); others stay open for `run`", DEFAULT_SESSION_IDLE).option("--timeout <duration>", "give up when the collector has not accepted a batch for this long", DEFAULT_TIMEOUT).option("--json", "print the summary as JSON").addHelpText("after", `
Exit code: 0 once the collector accepted everything; 1 when metrics could not be delivered;
3 when the collector refused the data (HTTP 400, 401, 403, 404, ...: not retried);
4 when the collector stayed unreachable for --timeout;
130 (SIGINT) or 143 (SIGTERM) when interrupted.
Whatever the exit, what the collector accepted is checkpointed: run backfill again to send the rest.

Examples:
  $ OTEL_EXPORTER_OTLP_ENDPOINT=http://localhost:4318 ccotel backfill
  $ ccotel backfill --since 2026-11-01 --json`);
  addCommonOptions(cmd);
  cmd.action(async (o) => {
    const log = createLogger({ level: logLevelOf(o), json: false });
    const sinceDay = o.since ? parseDay(o.since, "--since") : void 0;
    const sessionIdleMs = parseDuration(o.sessionIdle ?? DEFAULT_SESSION_IDLE, "--session-idle");
    const timeoutMs = parseDuration(o.timeout ?? DEFAULT_TIMEOUT, "--timeout");
    if (o.timezone) checkTimeZone(o.timezone);
    const { createExportPipeline } = await import("./pipeline-UGAZ7V6E.js");
    const session = await IngestSession.open(o, log, { allowReadOnly: false, check: (s) => void resolveExportTarget(s.config.otlp) });
    const { settings, store } = session;
    const started = Date.now();
    let pipeline;
    let manager;
    let interrupted;
    const progress = createProgress("backfill");
    const onSignal = (signal) => {
      if (interrupted) return;
      interrupted = signal;
      log.warn("interrupted: saving progress up to the last accepted batch");
      manager?.stop();
      pipeline?.stopRetrying();
    };
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);
    try {
      const sinceMs = sinceDay ? startOfDay(...sinceDay, settings.timezone) : void 0;
      pipeline = createExportPipeline(settings, session.fold, (key) => store.ledger.usage.get(key), settings.stateDir, log, { toolOf: ledgerToolLookup(store.ledger), serveLocalMetrics: false, trace: { sessionIdleMs }, retry: { refused: "fail", giveUpAfterMs: timeoutMs } });
      for (const line of pipeline.describe()) log.info(line);
      const traces = pipeline.traces;
      manager = session.attach(sinceMs === void 0 ? [traces, new SessionsSink(settings.stateDir, store.readOnly)] : [traces], { sinceMs });
      session.useSpool();
      const logProgress = progressLog(log, () => manager.counters.files);
      await session.sync((d, t) => process.stderr.isTTY ? progress.update(d, t) : logProgress(d, t));
      progress.done();
      if (interrupted) {
        await manager.commit();
        throw interruptedError(interrupted);
      }
      traces.finish();
      await manager.commit();
      try {
        await pipeline.metrics.forceFlush();
      } catch (err) {
        const status = httpStatusOf(err);
        if (status !== void 0 && !isRetryable(err)) throw new UserError(`collector refused metrics: HTTP ${status} ${err.message}; ${refusalHint(status)}`, EXIT_REFUSED);
        throw new UserError(`metrics export failed: ${err.message}`, 1);
      }
      const summary = {
        sessions: store.ledger.sessions.size,
        openSessions: traces.builder.openSessions,
        spans: traces.spansSent,
        files: manager.counters.files,
        filesRead: manager.counters.filesRead,
        bytes: manager.counters.bytesRead,
        malformedLines: manager.counters.malformed,
        seconds: (Date.now() - started) / 1e3
      };
      if (o.json) process.stdout.write(JSON.stringify(summary) + "\n");
      else
        process.stdout.write(
          `backfill done: ${summary.sessions} sessions, ${summary.spans} spans sent, ${(summary.bytes / 1e6).toFixed(1)} MB read from ${summary.filesRead} of ${summary.files} files in ${summary.seconds.toFixed(1)} s` + (summary.openSessions ? ` (${summary.openSessions} sessions still active: their root spans are sent when they go idle under \`ccotel run\`)` : "") + "\n"
        );
    } catch (err) {
      if (interrupted && err instanceof ShutdownError) throw interruptedError(interrupted);
      if (err instanceof ExportRefusedError) throw new UserError(`${err.message}; nothing more was sent, run backfill again once fixed`, EXIT_REFUSED);
      if (err instanceof ExportTimeoutError) throw new UserError(`${err.message}; run backfill again to send the rest`, EXIT_UNREACHABLE);
      throw err;
    } finally {
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
      progress.done();
      await pipeline?.shutdown().catch(() => {
      });
      await session.close();
    }
  });
}
function interruptedError(signal) {
  return new UserError(`backfill interrupted by ${signal}: what the collector accepted is checkpointed; run backfill again to send the rest`, signal === "SIGINT" ? 130 : 143);
}
export {
  EXIT_REFUSED,
  EXIT_UNREACHABLE,
  registerBackfill
};
