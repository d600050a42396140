import { createRequire as __cr } from 'module'; const require = __cr(import.meta.url);
import {
  readDaemonInfo
} from "./chunk-WBS5KDAM.js";
import {
  refusalHint
} from "./chunk-44LN3FQW.js";
import {
  describeIndex
} from "./chunk-E6NNWJIM.js";
import {
  addCommonOptions
} from "./chunk-PONSMWFI.js";
import {
  StateStore
} from "./chunk-2YS7Z5B4.js";
import "./chunk-ZBR56UWZ.js";
import {
  listTranscripts
} from "./chunk-7TEPTGNX.js";
import {
  credentialWarnings,
  resolveExportTarget
} from "./chunk-A4SWCGKC.js";
import "./chunk-APSSRI2I.js";
import {
  displayUrl
} from "./chunk-CUIUVQIK.js";
import "./chunk-IEE2PAZ5.js";
import {
  BUILTIN_RULES,
  StateLock,
  loadSettings
} from "./chunk-4KT5NHGZ.js";
import {
  rootOf
} from "./chunk-WNRRRGWU.js";
import {
  DEFAULT_PROMETHEUS_HOST,
  DEFAULT_PROMETHEUS_PORT
} from "./chunk-62URUY5F.js";
import "./chunk-IZPOGKRA.js";
import "./chunk-EM5NTX2M.js";

// src/cli/commands/doctor.ts
import { access, constants } from "node:fs/promises";
import { readFileSync } from "node:fs";
function registerDoctor(program) {
  const cmd = program.command("doctor").description("check config, transcript roots, state and collector reachability").option("--json", "print the checks as JSON").addHelpText("after", "\nExit code: 0 when nothing failed, 1 otherwise.");
  addCommonOptions(cmd);
  cmd.action(async (o) => {
    const checks = [];
    const add = (verdict, what, detail) => checks.push({ verdict, what, detail });
    let settings;
    try {
      settings = loadSettings(o);
      add("ok", "config", settings.configFound ? `loaded ${settings.configPath}` : `no config file at ${settings.configPath} (defaults in effect)`);
    } catch (err) {
      add("fail", "config", err.message);
      return finish(checks, o.json);
    }
    add("ok", "timezone", settings.timezone);
    add("ok", "rules", rulesInEffect(settings.rules));
    if (settings.flatRate) add("warn", "pricing", "CLAUDE_RATE_INPUT/OUTPUT set: one flat rate for every model");
    const files = await listTranscripts(settings.roots);
    const counts = new Map(settings.roots.map((r) => [r, files.filter((f) => rootOf(settings.roots, f.path) === r).length]));
    const anyData = [...counts.values()].some((n) => n > 0);
    for (const r of settings.roots) {
      const n = counts.get(r);
      if (!r.exists) add(r.source === "default" && anyData ? "ok" : "warn", "transcripts", `${r.projectsDir}: not found (${r.source})${r.source === "default" && anyData ? "; fine, another default location has the transcripts" : ""}`);
      else add(n > 0 ? "ok" : "warn", "transcripts", `${r.projectsDir}: ${n} transcript files (${r.source})`);
    }
    if (!settings.roots.some((r) => r.exists)) add("fail", "transcripts", "no Claude Code projects folder found; set --claude-dir or CLAUDE_CONFIG_DIR");
    const unreadable = [];
    for (const f of files) await access(f.path, constants.R_OK).catch((err) => unreadable.push(`${f.path} (${err.code ?? err.message})`));
    if (unreadable.length) add("fail", "transcripts", `${unreadable.length} transcript files cannot be read (their usage is missing from every number): ${unreadable.slice(0, 3).join(", ")}${unreadable.length > 3 ? ", \u2026" : ""}`);
    try {
      const store = await StateStore.open(settings.stateDir, { allowReadOnly: true });
      try {
        const tracked = Object.keys(store.files).length;
        const holder = store.readOnly ? StateLock.holder(settings.stateDir) : void 0;
        const owner = store.readOnly ? `, in use by pid ${holder ?? "?"}` : "";
        const info = await store.info();
        const superseded = info.ledgerRows > 0 ? Math.round(100 * Math.max(0, info.ledgerRows - info.records) / info.ledgerRows) : 0;
        const compacted = info.lastCompactionMs === void 0 ? "never compacted" : `last compacted ${new Date(info.lastCompactionMs).toISOString()}`;
        const pruned = info.prune ? `; per-call detail pruned before ${new Date(info.prune.ms).toISOString()} (${info.prune.records} records, last pruned ${new Date(info.prune.atMs).toISOString()})` : "; never pruned";
        add("ok", "state", `${settings.stateDir}: ${tracked} files checkpointed, ${store.ledger.usage.size} model calls in the ledger${owner}; ${formatBytes(info.dirBytes)} on disk (ledger ${formatBytes(info.ledgerBytes)}, ${superseded}% superseded rows), ${compacted}${pruned}`);
        const index = describeIndex(settings.stateDir);
        if (index) add("ok", "sessions index", index);
        const unpriced = /* @__PURE__ */ new Map();
        for (const u of store.ledger.usage.values()) if (!u.apiError && !settings.pricer.cost(u.model, u.usage).priced) unpriced.set(u.model, (unpriced.get(u.model) ?? 0) + 1);
        if (unpriced.size > 0) add("warn", "pricing", `unpriced models (cost counted as 0; add them under pricing: in the config file): ${[...unpriced].map(([m, n]) => `${m} (${n} calls)`).join(", ")}`);
      } finally {
        store.close();
      }
    } catch (err) {
      add("fail", "state", err.message);
    }
    try {
      const target = resolveExportTarget(settings.config.otlp);
      const daemon = readDaemonInfo(settings.stateDir);
      if (daemon) add("ok", "daemon", `running as pid ${daemon.pid} since ${daemon.startedAt}: ${daemon.serves.join("; ")}`);
      else if (!target.configured) add("ok", "export", `no OTLP endpoint: embedded default (Prometheus on ${settings.config.prometheus?.host ?? DEFAULT_PROMETHEUS_HOST}:${settings.config.prometheus?.port ?? DEFAULT_PROMETHEUS_PORT} unless \`run --prometheus-port\` says otherwise, trace files in the state directory)`);
      for (const w of credentialWarnings(target)) add("warn", "export", w);
      for (const [signal, url] of Object.entries(target.urls)) {
        if (!url) continue;
        const r = await probe(url, probeOptions(target, signal));
        add(r.ok ? "ok" : "fail", `collector ${signal}`, `${displayUrl(url)}: ${r.detail}`);
      }
    } catch (err) {
      add("fail", "export", err.message);
    }
    finish(checks, o.json);
  });
}
function probeOptions(t, signal, env = process.env) {
  const sig = signal.toUpperCase();
  const pick = (name) => env[`OTEL_EXPORTER_OTLP_${sig}_${name}`] || env[`OTEL_EXPORTER_OTLP_${name}`] || void 0;
  const envHeaders = pick("HEADERS");
  const headers = envHeaders ? parseHeaders(envHeaders) : { ...t.headers ?? {} };
  const file = (name) => {
    const p = pick(name);
    return p ? readFileSync(p) : void 0;
  };
  return { headers, ca: file("CERTIFICATE"), cert: file("CLIENT_CERTIFICATE"), key: file("CLIENT_KEY") };
}
function parseHeaders(v) {
  const out = {};
  for (const part of v.split(",")) {
    const i = part.indexOf("=");
    if (i <= 0) continue;
    out[decodeURIComponent(part.slice(0, i).trim())] = decodeURIComponent(part.slice(i + 1).trim());
  }
  return out;
}
async function probe(target, o) {
  let url;
  try {
    url = new URL(target);
  } catch {
    return { ok: false, detail: "not a URL" };
  }
  const send = url.protocol === "https:" ? (await import("node:https")).request : (await import("node:http")).request;
  return new Promise((resolve) => {
    const headers = { "content-type": "application/json", ...o.headers };
    if (url.username || url.password) headers["authorization"] ??= `Basic ${Buffer.from(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`).toString("base64")}`;
    const req = send(url, { method: "POST", headers, ca: o.ca, cert: o.cert, key: o.key, timeout: 5e3 }, (res) => {
      res.resume();
      const status = res.statusCode ?? 0;
      if (status >= 200 && status < 300) resolve({ ok: true, detail: `reachable (HTTP ${status})` });
      else if (status === 401 || status === 403) resolve({ ok: false, detail: `HTTP ${status}: check OTEL_EXPORTER_OTLP_HEADERS (authentication)` });
      else resolve({ ok: false, detail: `HTTP ${status} ${res.statusMessage ?? ""}`.trimEnd() + `; ${refusalHint(status)}` });
    });
    req.on("timeout", () => req.destroy(Object.assign(new Error("no answer within 5 s"), { code: "ETIMEDOUT" })));
    req.on("error", (err) => resolve({ ok: false, detail: `unreachable (${err.code ?? err.message})` }));
    req.end("{}");
  });
}
function formatBytes(n) {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}
function finish(checks, json) {
  if (json) process.stdout.write(JSON.stringify({ checks }, null, 2) + "\n");
  else for (const c of checks) process.stdout.write(`${c.verdict === "ok" ? "OK  " : c.verdict === "warn" ? "WARN" : "FAIL"}  ${c.what}: ${c.detail}
`);
  if (checks.some((c) => c.verdict === "fail")) process.exitCode = 1;
}
function rulesInEffect(config) {
  const byId = new Map(config.map((r) => [r.id, r]));
  const builtin = BUILTIN_RULES.map((b) => {
    const o = byId.get(b.id);
    return o?.enabled === false ? `${b.id} (off)` : `${b.id} (${o?.severity ?? b.severity})`;
  });
  const own = config.filter((r) => !BUILTIN_RULES.some((b) => b.id === r.id)).map((r) => r.enabled === false ? `${r.id} (off)` : `${r.id} (${r.severity ?? "warning"})`);
  return `sensitive-action rules: ${builtin.join(", ")}${own.length ? `; your own: ${own.join(", ")}` : ""} (docs/security.md)`;
}
export {
  registerDoctor
};
