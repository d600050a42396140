import { createRequire as __cr } from 'module'; const require = __cr(import.meta.url);
import {
  activityEnabled,
  activityLine,
  activitySettings,
  fileOf
} from "./chunk-R5F5HJGS.js";
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
  progressLog
} from "./chunk-NCT7SMWF.js";
import {
  IngestSession
} from "./chunk-YV2EUMU4.js";
import "./chunk-ZHDVVEMB.js";
import "./chunk-KWWPAEIM.js";
import "./chunk-CKTIG34C.js";
import {
  removeDaemonInfo,
  writeDaemonInfo
} from "./chunk-WBS5KDAM.js";
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
import {
  BudgetStatusWriter
} from "./chunk-DK2BJZ46.js";
import "./chunk-OXGOCH6N.js";
import "./chunk-4KT5NHGZ.js";
import "./chunk-WNRRRGWU.js";
import {
  DEFAULT_CALL_QUIET,
  DEFAULT_METRICS_INTERVAL,
  DEFAULT_PROMETHEUS_HOST,
  DEFAULT_PROMETHEUS_PORT,
  DEFAULT_SESSION_IDLE,
  checkTimeZone,
  localDay
} from "./chunk-62URUY5F.js";
import "./chunk-IZPOGKRA.js";
import {
  UserError
} from "./chunk-EM5NTX2M.js";

// src/cli/ports.ts
function parsePort(name, v) {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 65535) throw new UserError(`${name} must be a port number from 1 to 65535 (got "${v}")`);
  return n;
}

// src/ingest/heap.ts
import { setFlagsFromString } from "node:v8";
function preferSmallHeap() {
  setFlag("--optimize-for-size");
}
function heapForFollowing(settled, maxMs = 6e4) {
  let timer;
  const done = () => {
    clearTimeout(timer);
    setFlag("--no-optimize-for-size");
  };
  timer = setTimeout(done, maxMs);
  timer.unref();
  settled.then(done, done);
}
function setFlag(flag) {
  try {
    setFlagsFromString(flag);
  } catch {
  }
}

// src/activity/activity-sink.ts
import { mkdir, open, readFile } from "node:fs/promises";
import { join } from "node:path";
var KEEP_DONE_MS = 2 * 864e5;
var ActivitySink = class {
  constructor(s, timezone, log, clock = Date.now) {
    this.s = s;
    this.timezone = timezone;
    this.log = log;
    this.clock = clock;
    this.since = clock();
  }
  s;
  timezone;
  log;
  clock;
  name = "activity";
  since;
  open = /* @__PURE__ */ new Map();
  done = /* @__PURE__ */ new Map();
  /** day → lines waiting for flush(). */
  waiting = /* @__PURE__ */ new Map();
  /** Lines already in each day's file (read on first use). */
  inFile = /* @__PURE__ */ new Map();
  changed = true;
  warned = false;
  /** Lines written (tests, logs). */
  written = 0;
  restore(state) {
    const st = state;
    if (!st || typeof st.since !== "number") return;
    this.since = st.since;
    for (const [id, o] of st.open ?? []) this.open.set(id, o);
    for (const [id, t] of st.done ?? []) this.done.set(id, t);
    this.changed = false;
  }
  snapshot() {
    if (!this.changed) return void 0;
    this.changed = false;
    const cut = this.clock() - KEEP_DONE_MS;
    for (const [id, t] of this.done) if (t < cut) this.done.delete(id);
    return { since: this.since, open: [...this.open], done: [...this.done] };
  }
  accept(events) {
    for (const e of events) {
      if (e.kind === "tool_use") this.start(e.id, { ts: e.ts, sessionId: e.ctx.sessionId, cwd: e.ctx.cwd, tool: e.name, file: fileOf(e.input), inputChars: JSON.stringify(e.input).length });
      else if (e.kind === "tool_result") this.end(e.toolUseId, e.ts, e.resultChars);
      else if (e.kind === "hook" && e.tool) {
        const t = e.tool;
        if (t.phase === "pre" || !this.open.has(t.id)) this.start(t.id, { ts: e.ts, sessionId: e.ctx.sessionId, cwd: e.ctx.cwd, tool: t.name, file: fileOf(t.input), inputChars: t.inputChars });
        if (t.phase !== "pre") this.end(t.id, e.ts, t.phase === "post" ? t.resultChars ?? 0 : t.errorText?.length ?? 0);
      }
    }
  }
  start(id, o) {
    if (this.done.has(id) || this.open.has(id)) return;
    this.open.set(id, o);
    this.changed = true;
  }
  end(id, ts, resultChars) {
    const o = this.open.get(id);
    if (!o || this.done.has(id)) return;
    this.open.delete(id);
    this.done.set(id, ts);
    this.changed = true;
    if (ts < this.since) return;
    const day = localDay(ts, this.timezone);
    const line = activityLine({ ts, sessionId: o.sessionId, cwd: o.cwd, tool: o.tool, file: o.file, inputChars: o.inputChars, resultChars }, this.s);
    const list = this.waiting.get(day) ?? [];
    list.push(line);
    this.waiting.set(day, list);
  }
  async flush() {
    if (this.waiting.size === 0) return;
    try {
      await mkdir(this.s.dir, { recursive: true, mode: 448 });
      for (const [day, lines] of [...this.waiting]) {
        const path = join(this.s.dir, `activity-${day}.jsonl`);
        const have = await this.linesOf(day, path);
        const add = lines.filter((l) => !have.has(l));
        if (add.length > 0) {
          const fh = await open(path, "a", 384);
          try {
            await fh.appendFile(add.map((l) => l + "\n").join(""));
            await fh.sync();
          } finally {
            await fh.close();
          }
          for (const l of add) have.add(l);
          this.written += add.length;
        }
        this.waiting.delete(day);
      }
      this.warned = false;
    } catch (err) {
      if (!this.warned) this.log.warn(`cannot write the activity log in ${this.s.dir}: ${err.message} (its lines wait for the next attempt)`);
      this.warned = true;
    }
  }
  async linesOf(day, path) {
    let set = this.inFile.get(day);
    if (set) return set;
    let text = "";
    try {
      text = await readFile(path, "utf8");
    } catch (err) {
      if (err.code !== "ENOENT") throw err;
    }
    set = new Set(text.split("\n").filter(Boolean));
    this.inFile.set(day, set);
    return set;
  }
};

// src/cli/loop-monitor.ts
import { monitorEventLoopDelay } from "node:perf_hooks";
function startLoopMonitor(log, env = process.env) {
  if (env.CCOTEL_EVENT_LOOP_STATS !== "1") return;
  const h = monitorEventLoopDelay({ resolution: 10 });
  h.enable();
  setInterval(() => {
    const m = process.memoryUsage();
    log.info("event loop delay", { maxMs: h.max / 1e6, p99Ms: h.percentile(99) / 1e6, rssMB: m.rss / 2 ** 20, heapMB: m.heapUsed / 2 ** 20, externalMB: m.external / 2 ** 20 });
    h.reset();
  }, 1e3).unref();
}

// src/cli/commands/run.ts
var DEFAULT_REFUSED_RETRY = "1m";
function registerRun(program) {
  const cmd = program.command("run").description("daemon: backfill unseen history, then stream new activity as OTLP traces and metrics").option("--log-format <format>", "json | text", "json").option("--session-idle <duration>", "close a session (send its root span) after this long without activity", DEFAULT_SESSION_IDLE).option("--call-quiet <duration>", "a model call with no further copy for this long (transcript time) is complete; see docs/traces.md", DEFAULT_CALL_QUIET).option("--metrics-interval <duration>", "how often metrics are pushed over OTLP", DEFAULT_METRICS_INTERVAL).option("--refused-retry <duration>", "how often to try again when the collector refuses spans (HTTP 401, 403, 404, ...)", DEFAULT_REFUSED_RETRY).option("--prometheus-port <port>", `port of the embedded Prometheus endpoint (when no OTLP endpoint is set; default ${DEFAULT_PROMETHEUS_PORT})`).addHelpText("after", `
With no OTLP endpoint configured, metrics are served at http://${DEFAULT_PROMETHEUS_HOST}:${DEFAULT_PROMETHEUS_PORT}/metrics and traces are
written as OTLP-JSON files under the state directory. Point it at a collector with the standard
variables, e.g.:
  $ OTEL_EXPORTER_OTLP_ENDPOINT=http://localhost:4318 ccotel run
  $ OTEL_RESOURCE_ATTRIBUTES=team=payments,deployment.environment=dev ccotel run`);
  addCommonOptions(cmd);
  cmd.action(async (o) => {
    preferSmallHeap();
    const log = createLogger({ level: logLevelOf(o), json: o.logFormat !== "text" });
    if (o.logFormat !== "json" && o.logFormat !== "text") throw new UserError(`--log-format must be json or text (got "${o.logFormat}")`);
    const metricsIntervalMs = parseDuration(o.metricsInterval ?? DEFAULT_METRICS_INTERVAL, "--metrics-interval");
    const sessionIdleMs = parseDuration(o.sessionIdle ?? DEFAULT_SESSION_IDLE, "--session-idle");
    const callQuietMs = parseDuration(o.callQuiet ?? DEFAULT_CALL_QUIET, "--call-quiet");
    const refusedRetryMs = parseDuration(o.refusedRetry ?? DEFAULT_REFUSED_RETRY, "--refused-retry");
    const port = o.prometheusPort ? parsePort("--prometheus-port", o.prometheusPort) : void 0;
    if (o.timezone) checkTimeZone(o.timezone);
    startLoopMonitor(log);
    const { createExportPipeline } = await import("./pipeline-UGAZ7V6E.js");
    const session = await IngestSession.open(o, log, { allowReadOnly: false, check: (s) => void resolveExportTarget(s.config.otlp) });
    const { settings, store } = session;
    const pipeline = createExportPipeline(settings, session.fold, (key) => store.ledger.usage.get(key), settings.stateDir, log, {
      toolOf: ledgerToolLookup(store.ledger),
      metricsIntervalMs,
      trace: { sessionIdleMs, callQuietMs },
      retry: { refused: "retry", refusedRetryMs },
      logMetricFailures: true,
      heartbeat: true,
      prometheus: port ? { host: settings.config.prometheus?.host ?? DEFAULT_PROMETHEUS_HOST, port } : void 0
    });
    for (const line of pipeline.describe()) log.info(line);
    try {
      await pipeline.metrics.ready;
    } catch (err) {
      await session.close();
      throw new UserError(`cannot serve metrics: ${err.message} (another ccotel running? use --prometheus-port)`);
    }
    await writeDaemonInfo(settings.stateDir, { pid: process.pid, startedAt: (/* @__PURE__ */ new Date()).toISOString(), serves: pipeline.describe() }).catch((err) => log.warn(`cannot write ${settings.stateDir}/daemon.json for doctor: ${err.message}`));
    log.info("reading transcripts", { pid: process.pid, roots: settings.roots.filter((r) => r.exists).map((r) => r.projectsDir), stateDir: settings.stateDir });
    const activity = activityEnabled(settings.config.activityLog) ? new ActivitySink(activitySettings(), settings.timezone, log) : void 0;
    if (activity) log.info("writing the activity log", { dir: activitySettings().dir });
    const sessionsIndex = new SessionsSink(settings.stateDir, session.store.readOnly);
    const manager = session.attach(activity ? [pipeline.traces, sessionsIndex, activity] : [pipeline.traces, sessionsIndex]);
    session.useSpool();
    new BudgetStatusWriter(store, session.fold, { timezone: settings.timezone, config: settings.config, configPath: settings.configPath, configFound: settings.configFound }, log);
    let stopping = false;
    let syncing = Promise.resolve();
    const stop = async (signal) => {
      if (stopping) return;
      stopping = true;
      log.info("stopping: flushing and saving state", { signal });
      manager.stop();
      pipeline.stopRetrying();
      await syncing.catch(() => {
      });
      removeDaemonInfo(settings.stateDir);
      await session.close();
      try {
        await pipeline.metrics.forceFlush();
      } catch (err) {
        log.warn(`final metrics export failed: ${err.message}`);
      }
      await pipeline.shutdown().catch(() => {
      });
      log.info("stopped", { spansSent: pipeline.traces.spansSent });
      process.exit(0);
    };
    process.on("SIGTERM", () => void stop("SIGTERM"));
    process.on("SIGINT", () => void stop("SIGINT"));
    watchNpmParent(() => void stop("npm exited"));
    const started = Date.now();
    try {
      syncing = session.sync(progressLog(log, () => manager.counters.files));
      await syncing;
    } catch (err) {
      if (stopping) return;
      throw err;
    }
    if (stopping) return;
    log.info("backfill done; following live sessions", { files: manager.counters.files, bytes: manager.counters.bytesRead, spansSent: pipeline.traces.spansSent, seconds: (Date.now() - started) / 1e3 });
    await pipeline.metrics.warm().catch(() => {
    });
    const { settled } = await session.follow({ tickMs: 250, rescanMs: 3e4 });
    heapForFollowing(settled);
    await new Promise(() => {
    });
  });
}
function watchNpmParent(onGone) {
  if (!process.env.npm_lifecycle_event) return;
  const parent = process.ppid;
  const timer = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(timer);
    onGone();
  }, 500);
  timer.unref();
}
export {
  registerRun
};
