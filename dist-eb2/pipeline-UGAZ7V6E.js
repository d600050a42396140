import { createRequire as __cr } from 'module'; const require = __cr(import.meta.url);
import {
  agentSpanId,
  callDigest,
  chatSpanId,
  sessionSpanId,
  toolSpanId,
  traceIdFor,
  turnSpanId
} from "./chunk-CKBAELU6.js";
import {
  VERSION
} from "./chunk-GOIYL6WC.js";
import {
  LEGACY_START_MS,
  NANOS_PER_USD,
  SEP,
  TOKEN_BOUNDARIES,
  TOOL_DURATION_BOUNDARIES,
  projectOf,
  slotOf
} from "./chunk-CKTIG34C.js";
import {
  RetryingExporter,
  httpStatusOf,
  isRetryable,
  refusalHint
} from "./chunk-44LN3FQW.js";
import {
  credentialWarnings,
  exporterConfig,
  isLoopbackHost,
  resolveExportTarget
} from "./chunk-A4SWCGKC.js";
import {
  FILE_TOOLS,
  SerializedState,
  summarizeToolTarget
} from "./chunk-APSSRI2I.js";
import {
  displayUrl
} from "./chunk-CUIUVQIK.js";
import "./chunk-IEE2PAZ5.js";
import {
  DEFAULT_PROMETHEUS_HOST,
  DEFAULT_PROMETHEUS_PORT,
  namedRange
} from "./chunk-62URUY5F.js";
import {
  redactSecrets
} from "./chunk-IZPOGKRA.js";
import "./chunk-EM5NTX2M.js";

// src/export/pipeline.ts
import { join as join3 } from "node:path";

// src/export/traces/git-remote.ts
import { closeSync, constants, fstatSync, openSync, readSync, statSync } from "node:fs";
import { dirname, isAbsolute, join, resolve } from "node:path";
var MAX_CONFIG_BYTES = 1 << 20;
function gitConfigPath(cwd) {
  if (!cwd || !isAbsolute(cwd)) return void 0;
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    const dotGit = join(dir, ".git");
    const st = statOf(dotGit);
    if (st?.isDirectory()) return join(dotGit, "config");
    if (st?.isFile()) return fromGitFile(dotGit, dir);
    if (dirname(dir) === dir) return void 0;
  }
}
function statOf(p) {
  try {
    return statSync(p);
  } catch {
    return void 0;
  }
}
function fromGitFile(file, dir) {
  const m = /^gitdir:\s*(.+?)\s*$/m.exec(readText(file, 4096) ?? "");
  if (!m) return void 0;
  const gitdir = resolve(dir, m[1]);
  const common = readText(join(gitdir, "commondir"), 4096)?.trim();
  return join(common ? resolve(gitdir, common) : gitdir, "config");
}
function readText(p, max) {
  let fd;
  try {
    fd = openSync(p, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
    const st = fstatSync(fd);
    if (!st.isFile() || st.size > max) return void 0;
    const buf = Buffer.alloc(st.size + 1);
    let n = 0;
    for (let r = 1; r > 0 && n < buf.length; n += r) r = readSync(fd, buf, n, buf.length - n, null);
    return n > max ? void 0 : buf.toString("utf8", 0, n);
  } catch {
    return void 0;
  } finally {
    if (fd !== void 0) closeSync(fd);
  }
}
function remoteUrlOf(config) {
  let remote;
  let base;
  const urls = /* @__PURE__ */ new Map();
  const insteadOf = [];
  const value = (v) => v.startsWith('"') && v.endsWith('"') && v.length >= 2 ? v.slice(1, -1) : v;
  for (const raw of config.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith("#") || line.startsWith(";")) continue;
    const section = /^\[\s*([A-Za-z0-9.-]+)(?:\s+"((?:[^"\\]|\\.)*)")?\s*\]/.exec(line);
    if (section) {
      const name = section[1].toLowerCase();
      remote = name === "remote" ? section[2] ?? "" : void 0;
      base = name === "url" ? section[2] : void 0;
      continue;
    }
    if (base !== void 0) {
      const alias = /^insteadof\s*=\s*(.*)$/i.exec(line);
      if (alias) insteadOf.push([value(alias[1].trim()), base]);
      continue;
    }
    if (remote === void 0 || urls.has(remote)) continue;
    const kv = /^url\s*=\s*(.*)$/i.exec(line);
    if (!kv) continue;
    const v = value(kv[1].trim());
    if (v) urls.set(remote, v);
  }
  const url = urls.get("origin") ?? urls.values().next().value;
  if (url === void 0) return void 0;
  let best;
  for (const a of insteadOf) if (a[0] && url.startsWith(a[0]) && (!best || a[0].length > best[0].length)) best = a;
  return best ? best[1] + url.slice(best[0].length) : url;
}
function canonicalRepoUrl(url) {
  let host;
  let path;
  const scp = /^(?:[^@/\s]+@)?([A-Za-z0-9.-]+):(?!\/\/)(.+)$/.exec(url);
  if (scp && !/^[A-Za-z]:[\\/]/.test(url)) {
    host = scp[1];
    path = scp[2].replace(/[?#].*$/, "");
  } else {
    let u;
    try {
      u = new URL(url);
    } catch {
      return void 0;
    }
    if (!["https:", "http:", "ssh:", "git:", "git+ssh:", "ssh+git:"].includes(u.protocol) || !u.hostname) return void 0;
    host = u.protocol === "http:" || u.protocol === "https:" ? u.host : u.hostname;
    path = u.pathname;
  }
  path = path.replace(/^\/+/, "").replace(/\/+$/, "").replace(/\.git$/, "");
  if (!path || !host || path.includes("@")) return void 0;
  return redactSecrets(`https://${host.toLowerCase()}/${path}`);
}
var RepoUrls = class {
  cache = /* @__PURE__ */ new Map();
  of(cwd) {
    let v = this.cache.get(cwd);
    if (v === void 0) {
      if (this.cache.size >= 1e3) this.cache.clear();
      const path = gitConfigPath(cwd);
      const config = path ? readText(path, MAX_CONFIG_BYTES) : void 0;
      const url = config ? remoteUrlOf(config) : void 0;
      v = (url && canonicalRepoUrl(url)) ?? null;
      this.cache.set(cwd, v);
    }
    return v ?? void 0;
  }
};

// src/export/resource.ts
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { hostname, userInfo } from "node:os";
import { envDetector, resourceFromAttributes, detectResources } from "@opentelemetry/resources";
function osUserName() {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? "unknown";
  }
}
function machineId() {
  for (const p of ["/etc/machine-id", "/var/lib/dbus/machine-id"]) {
    try {
      const id = readFileSync(p, "utf8").trim();
      if (id) return id;
    } catch {
    }
  }
  return `host:${hostname()}`;
}
var NAMESPACE = "9d7ff8f6-9bd1-5cab-b307-74f6369d7261";
function uuidV5(name, namespace = NAMESPACE) {
  const h = createHash("sha1").update(Buffer.from(namespace.replace(/-/g, ""), "hex")).update(name).digest();
  h[6] = h[6] & 15 | 80;
  h[8] = h[8] & 63 | 128;
  const x = h.subarray(0, 16).toString("hex");
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}
function serviceInstanceId(machine = machineId(), uid = String(process.getuid?.() ?? osUserName())) {
  return uuidV5(`${machine}\0${uid}`);
}
function buildResource(serviceName) {
  const base = resourceFromAttributes({
    "service.name": serviceName ?? "claude-code",
    "service.instance.id": serviceInstanceId(),
    "user.name": osUserName(),
    "host.name": hostname(),
    "telemetry.distro.name": "ccotel",
    "telemetry.distro.version": VERSION
  });
  return base.merge(detectResources({ detectors: [envDetector] }));
}

// src/export/traces/attributes.ts
var GENAI_PROVIDER = "anthropic";
function toolAttributes(name, id, sessionId, target, input) {
  const a = {
    "gen_ai.operation.name": "execute_tool",
    "gen_ai.tool.name": name,
    "gen_ai.tool.call.id": id,
    "gen_ai.tool.type": "function",
    "gen_ai.conversation.id": sessionId
  };
  if (target !== void 0) {
    if (FILE_TOOLS.has(name)) a["ccotel.file.path"] = target;
    else if (name === "Bash") a["ccotel.bash.command"] = target;
    else if (name === "WebFetch") a["url.full"] = target;
  }
  if (name === "Task" || name === "Agent") {
    const type = input.subagent_type;
    a["gen_ai.agent.name"] = typeof type === "string" && type ? type : "subagent";
  }
  return a;
}
function usageAttributes(u) {
  return {
    "gen_ai.usage.input_tokens": u.input + u.cacheRead + u.cacheCreation,
    "gen_ai.usage.output_tokens": u.output,
    "gen_ai.usage.cache_read.input_tokens": u.cacheRead,
    "gen_ai.usage.cache_creation.input_tokens": u.cacheCreation,
    "ccotel.usage.input_tokens.uncached": u.input
  };
}

// src/export/traces/hook-spans.ts
var isSubagentHook = (e) => e.event === "SubagentStart" || e.event === "SubagentStop";
function applySubagentHook(agents, e) {
  const id = e.ctx.agentId;
  if (!id) return "event";
  const type = e.detail.agent_type;
  if (e.event === "SubagentStart") {
    const a2 = agents[id] ??= { first: e.ts, last: e.ts, linked: false };
    if (a2.linked) return "kept";
    a2.hookStart = Math.min(a2.hookStart ?? e.ts, e.ts);
    a2.first = Math.min(a2.first, e.ts);
    a2.last = Math.max(a2.last, e.ts);
    a2.type ??= type;
    return "kept";
  }
  const a = agents[id];
  if (!a) return "event";
  if (a.linked) return "kept";
  a.hookEnd = Math.max(a.hookEnd ?? e.ts, e.ts);
  a.first = Math.min(a.first, e.ts);
  a.last = Math.max(a.last, e.ts);
  a.type ??= type;
  return e.transcript ? "kept" : "emit";
}
function subagentSpan(sid, agentId, a, parentSpanId, name, range, openEnd) {
  const incomplete = openEnd !== void 0 && a.hookStart !== void 0 && a.hookEnd === void 0;
  const start = a.hookStart ?? range[0];
  const end = incomplete ? Math.max(openEnd, range[1]) : a.hookEnd ?? range[1];
  const attributes = { "gen_ai.operation.name": "invoke_agent", "gen_ai.provider.name": GENAI_PROVIDER, "gen_ai.agent.id": agentId, "gen_ai.agent.name": name, "gen_ai.conversation.id": sid };
  if (a.hookStart !== void 0 || a.hookEnd !== void 0) attributes["ccotel.agent.timing"] = "hook";
  if (incomplete) attributes["ccotel.agent.incomplete"] = true;
  return { traceId: traceIdFor(sid), spanId: agentSpanId(sid, agentId), parentSpanId, name: `invoke_agent ${name}`, kind: "internal", startMs: start, endMs: Math.max(start, end), attributes };
}

// src/export/traces/trace-builder.ts
var DEFAULT_TRACE_OPTIONS = { sessionIdleMs: 30 * 6e4, turnIdleMs: 5 * 6e4, callQuietMs: 12e4 };
var CLOSED_RETENTION_MS = 60 * 864e5;
var READING_GRACE_MS = 2e3;
var DIGEST_CHARS = 12;
var TOOL_MERGE_WAIT_MS = 1e4;
var MAX_SESSION_EVENTS = 500;
var TraceBuilder = class {
  constructor(pricer, opts, usageOf, wallClock = Date.now, toolOf, repoOf) {
    this.pricer = pricer;
    this.opts = opts;
    this.usageOf = usageOf;
    this.wallClock = wallClock;
    this.toolOf = toolOf;
    this.repoOf = repoOf;
  }
  pricer;
  opts;
  usageOf;
  wallClock;
  toolOf;
  repoOf;
  state = { sessions: {}, closed: {} };
  outbox = [];
  /**
   * `state.closed` as JSON, kept until it changes: it holds 60 days of sessions (~270 bytes each)
   * and most commits while following do not touch it (see snapshotJson).
   */
  closedJson;
  /** Wall-clock time of the last sweep of closed sessions past their retention. */
  sweptAt = -Infinity;
  snapshot() {
    return structuredClone(this.state);
  }
  /**
   * The state as JSON (what snapshot() gives, serialized), without cloning it: the open sessions
   * are serialized each time, the closed ones only after they changed. So a commit while following
   * costs the open sessions, not all of the last 60 days.
   */
  snapshotJson() {
    this.closedJson ??= JSON.stringify(this.state.closed);
    return `{"sessions":${JSON.stringify(this.state.sessions)},"closed":${this.closedJson}}`;
  }
  restore(s) {
    this.closedJson = void 0;
    this.state = s && typeof s === "object" && s.sessions ? structuredClone(s) : { sessions: {}, closed: {} };
    this.state.closed ??= {};
    for (const session of Object.values(this.state.sessions)) {
      session.calls ??= {};
      session.seenAt = void 0;
      for (const t of Object.values(session.tools ?? {})) t.endSeenAt = void 0;
      for (const stream of Object.values(session.streams)) if (stream.pending) stream.pending.seenAt = 0;
    }
  }
  /** Spans completed since the last call. */
  drain() {
    const out = this.outbox;
    this.outbox = [];
    return out;
  }
  get openSessions() {
    return Object.keys(this.state.sessions).length;
  }
  /** Events in transcript order; the ledger has already applied each of them. */
  accept(events) {
    for (const e of events) this.apply(e);
  }
  session(e) {
    const id = e.ctx.sessionId;
    let s = this.state.sessions[id];
    if (!s) {
      const closed = this.state.closed[id];
      s = {
        cwd: e.ctx.cwd,
        start: e.ts,
        last: e.ts,
        turns: 0,
        rootEmitted: closed !== void 0,
        streams: {},
        tools: {},
        agents: Object.fromEntries((closed?.agents ?? []).map((a) => [a, { first: Infinity, last: -Infinity, linked: true }])),
        calls: {},
        callsBefore: closed?.calls,
        totals: { toolCalls: 0, toolErrors: 0, compactions: 0 }
      };
      this.state.sessions[id] = s;
    }
    if (e.ctx.cwd && !e.ctx.agentId) s.cwd = e.ctx.cwd;
    if (e.ctx.gitBranch) s.branch = e.ctx.gitBranch;
    if (e.ctx.version) s.version = e.ctx.version;
    return s;
  }
  apply(e) {
    const sid = e.ctx.sessionId;
    const s = this.session(e);
    const wall = this.wallClock();
    s.seenAt = wall;
    s.start = Math.min(s.start, e.ts);
    s.last = Math.max(s.last, e.ts);
    if (s.turn && !s.turn.emitted) {
      s.turn.last = Math.max(s.turn.last, e.ts);
      if (e.kind !== "prompt") s.turn.branch ??= e.ctx.gitBranch;
    }
    const agentId = e.ctx.agentId;
    if (agentId && !(e.kind === "hook" && isSubagentHook(e))) {
      const a = s.agents[agentId] ??= { first: e.ts, last: e.ts, linked: false };
      a.first = Math.min(a.first, e.ts);
      a.last = Math.max(a.last, e.ts);
    }
    const streamKey = agentId ?? "";
    const stream = s.streams[streamKey] ??= {};
    if (stream.pending && (e.kind === "model_call" && e.key !== stream.pending.key || e.kind === "prompt" || e.kind === "turn_end")) this.emitCall(sid, s, streamKey);
    if (stream.pending && stream.pending.seenAt === 0) stream.pending.seenAt = wall;
    switch (e.kind) {
      case "model_call": {
        if (this.sent(s, e.key)) break;
        const p = stream.pending;
        if (p) {
          p.end = Math.max(p.end, e.ts);
          p.seenAt = wall;
          p.usage = e.usage;
          p.stopReason = e.stopReason ?? p.stopReason;
        } else {
          const parent = agentId ? agentSpanId(sid, agentId) : this.openTurnOrRoot(sid, s);
          stream.pending = { key: e.key, messageId: e.messageId, parent, model: e.model, start: Math.min(stream.lastTs ?? e.ts, e.ts), end: e.ts, usage: e.usage, stopReason: e.stopReason, apiError: e.apiError, errorText: e.errorText, seenAt: wall };
        }
        break;
      }
      case "tool_use":
        this.openTool(sid, s, e);
        break;
      case "tool_result": {
        const t = s.tools[e.toolUseId];
        if (!t) break;
        t.resultEnd = e.ts;
        t.resultChars = e.resultChars;
        t.resultAgentId = e.agentId;
        if (e.isError) t.isError = true;
        t.endSeenAt ??= wall;
        this.maybeEmitTool(sid, s, e.toolUseId, false);
        break;
      }
      case "hook":
        this.applyHook(sid, s, e, wall);
        break;
      case "prompt":
        if (!agentId) {
          this.closeTurn(sid, s, s.turn?.last ?? e.ts);
          s.turns++;
          s.turn = { spanId: turnSpanId(sid, e.uuid), start: e.ts, last: e.ts, index: s.turns, chars: e.chars, emitted: false, branch: e.ctx.gitBranch };
        }
        break;
      case "turn_end":
        if (!agentId && s.turn) this.closeTurn(sid, s, e.ts);
        break;
      case "compaction":
        s.totals.compactions++;
        break;
    }
    stream.lastTs = Math.max(stream.lastTs ?? e.ts, e.ts);
  }
  /** Main-stream spans hang off the open turn; with none (before the first prompt, after an idle close), off the root. */
  openTurnOrRoot(sid, s) {
    return s.turn && !s.turn.emitted ? s.turn.spanId : sessionSpanId(sid);
  }
  sent(s, key) {
    if (s.calls[key]) return true;
    if (!s.callsBefore) return false;
    const d = callDigest(key);
    for (let i = 0; i < s.callsBefore.length; i += DIGEST_CHARS) if (s.callsBefore.startsWith(d, i)) return true;
    return false;
  }
  openTool(sid, s, e) {
    const known = s.tools[e.id];
    if (known && known.fromTranscript || s.toolsSent?.[e.id]) return;
    const { attrs, events } = this.toolDescription(sid, e.id, e.name, e.input, e.ts);
    const parent = e.ctx.agentId ? agentSpanId(sid, e.ctx.agentId) : this.openTurnOrRoot(sid, s);
    if (known) Object.assign(known, { parent, attrs, callKey: e.callKey, agentId: e.ctx.agentId, fromTranscript: true, start: e.ts, events: known.events ?? events });
    else s.tools[e.id] = { parent, start: e.ts, name: e.name, attrs, callKey: e.callKey, agentId: e.ctx.agentId, fromTranscript: true, events };
  }
  /** A tool span's attributes and sensitive-rule events. The ledger applied the call first: its target and rule hits are read, not computed again. */
  toolDescription(sid, id, name, input, ts) {
    const rec = this.toolOf?.(id);
    const attrs = toolAttributes(name, id, sid, rec ? rec.target : summarizeToolTarget(name, input), input);
    let events;
    if (rec && rec.hits.length > 0) {
      attrs["ccotel.sensitive.rules"] = rec.hits.map((h) => h.rule);
      events = rec.hits.map((h) => ({ name: "ccotel.sensitive", timeMs: ts, attributes: { "ccotel.sensitive.rule": h.rule, "ccotel.sensitive.severity": h.severity, "ccotel.sensitive.field": h.field, "ccotel.sensitive.value": h.value } }));
    }
    return { attrs, events };
  }
  /**
   * A hook event. Tool events open or end the same tool as the transcript's tool_use_id (one span,
   * hook timings); a prompt of a session with no transcript here opens a turn; the rest become span
   * events of the root span (docs/hooks.md).
   */
  applyHook(sid, s, e, wall) {
    s.hooked = true;
    const tool = e.tool;
    const agentId = e.ctx.agentId;
    if (tool) {
      if (s.toolsSent?.[tool.id]) return;
      let t = s.tools[tool.id];
      if (!t) {
        const parent = agentId ? agentSpanId(sid, agentId) : this.openTurnOrRoot(sid, s);
        const { attrs, events } = this.toolDescription(sid, tool.id, tool.name, tool.input, e.ts);
        t = s.tools[tool.id] = { parent, start: e.ts, name: tool.name, attrs, callKey: "", agentId, events };
      }
      if (e.transcript) t.expectTranscript = true;
      if (tool.phase === "pre") t.hookStart = e.ts;
      else {
        t.hookEnd = e.ts;
        if (tool.phase === "failure") {
          t.isError = true;
          t.errorText = tool.errorText;
        }
        t.resultChars ??= tool.resultChars;
        t.endSeenAt ??= wall;
        this.maybeEmitTool(sid, s, tool.id, false);
      }
      return;
    }
    if (e.event === "UserPromptSubmit" && !e.transcript && !agentId) {
      this.closeTurn(sid, s, s.turn?.last ?? e.ts);
      s.turns++;
      s.turn = { spanId: turnSpanId(sid, `hook:${e.id}`), start: e.ts, last: e.ts, index: s.turns, chars: e.promptChars ?? 0, emitted: false };
      return;
    }
    if (isSubagentHook(e)) {
      const step = applySubagentHook(s.agents, e);
      if (step === "emit") {
        const a = s.agents[agentId];
        a.linked = true;
        this.push(s, subagentSpan(sid, agentId, a, sessionSpanId(sid), a.type ?? "subagent", [a.first, a.last]));
      }
      if (step !== "event") return;
    }
    const attributes = {};
    for (const [k, v] of Object.entries(e.detail)) attributes[`ccotel.hook.${k}`] = v;
    if (agentId) attributes["gen_ai.agent.id"] = agentId;
    const ev = { name: e.event, timeMs: e.ts, attributes };
    if (e.event === "Stop" && s.turn && !s.turn.emitted) {
      const list = s.turn.events ??= [];
      if (list.length < MAX_SESSION_EVENTS) list.push(ev);
      if (!e.transcript) this.closeTurn(sid, s, e.ts);
      return;
    }
    if (!s.rootEmitted) {
      const list = s.events ??= [];
      if (list.length < MAX_SESSION_EVENTS) list.push(ev);
      return;
    }
    this.push(s, { traceId: traceIdFor(sid), spanId: toolSpanId(sid, `hook:${e.id}`), parentSpanId: sessionSpanId(sid), name: `hook ${e.event}`, kind: "internal", startMs: e.ts, endMs: e.ts, attributes: { "gen_ai.conversation.id": sid, ...attributes }, events: [ev] });
  }
  /**
   * Sends a tool's span once its end is known and the other source (hook or transcript) has had its
   * chance to add what it knows; `force` sends with what is known now.
   */
  maybeEmitTool(sid, s, id, force) {
    const t = s.tools[id];
    if (!t) return;
    const end = t.hookEnd ?? t.resultEnd;
    if (end === void 0) return;
    if (!force) {
      const needHook = s.hooked === true && t.hookEnd === void 0;
      const needTranscript = t.resultEnd === void 0 && (t.expectTranscript === true || t.fromTranscript === true);
      if (needHook || needTranscript) return;
    }
    delete s.tools[id];
    (s.toolsSent ??= {})[id] = 1;
    const spanId = toolSpanId(sid, id);
    s.totals.toolCalls++;
    if (t.isError) s.totals.toolErrors++;
    const hookTimed = t.hookStart !== void 0 || t.hookEnd !== void 0;
    let start = t.hookStart ?? t.start;
    let end2 = Math.max(start, end);
    let agentSpan;
    const agent = t.resultAgentId;
    if (agent && !s.agents[agent]?.linked) {
      const a = s.agents[agent] ??= { first: start, last: end2, linked: false };
      a.linked = true;
      start = Math.min(start, a.first);
      end2 = Math.max(end2, a.last);
      const name = String(t.attrs["gen_ai.agent.name"] ?? a.type ?? "subagent");
      agentSpan = { ...subagentSpan(sid, agent, a, spanId, name, [start, end2]), error: t.isError ? "subagent failed" : void 0 };
    }
    const attributes = { ...t.attrs, "ccotel.tool.result.chars": t.resultChars ?? 0 };
    if (hookTimed) attributes["ccotel.tool.timing"] = "hook";
    const error = t.isError ? t.errorText ? redactSecrets(t.errorText) : "tool returned an error" : void 0;
    this.push(s, { traceId: traceIdFor(sid), spanId, parentSpanId: t.parent, name: `execute_tool ${t.name}`, kind: "internal", startMs: start, endMs: end2, attributes, links: t.callKey ? this.requestedBy(sid, t) : void 0, events: t.events, error });
    if (agentSpan) this.push(s, agentSpan);
  }
  requestedBy(sid, t) {
    return [{ traceId: traceIdFor(sid), spanId: chatSpanId(sid, t.callKey), attributes: { "ccotel.link.type": "requested_by" } }];
  }
  emitCall(sid, s, streamKey) {
    const stream = s.streams[streamKey];
    const p = stream.pending;
    stream.pending = void 0;
    if (this.sent(s, p.key)) return;
    s.calls[p.key] = 1;
    const rec = this.usageOf(p.key);
    const u = rec?.usage ?? p.usage;
    const model = rec?.model ?? p.model;
    const apiError = rec?.apiError ?? p.apiError;
    const { usd } = this.pricer.cost(model, u, apiError);
    const attributes = {
      "gen_ai.operation.name": "chat",
      "gen_ai.provider.name": GENAI_PROVIDER,
      "gen_ai.conversation.id": sid,
      "gen_ai.request.model": model,
      "gen_ai.response.model": model,
      "gen_ai.response.id": p.messageId,
      ...usageAttributes(u),
      "ccotel.cost.usd": usd
    };
    if (p.stopReason) attributes["gen_ai.response.finish_reasons"] = [p.stopReason];
    if (u.fast) attributes["ccotel.request.speed"] = "fast";
    const error = apiError ? redactSecrets(p.errorText ?? "API error") : void 0;
    this.push(s, { traceId: traceIdFor(sid), spanId: chatSpanId(sid, p.key), parentSpanId: p.parent, name: `chat ${model}`, kind: "client", startMs: p.start, endMs: p.end, attributes, error });
  }
  emitIncompleteTool(sid, s, id, end) {
    const t = s.tools[id];
    if (t.hookEnd !== void 0 || t.resultEnd !== void 0) return this.maybeEmitTool(sid, s, id, true);
    delete s.tools[id];
    (s.toolsSent ??= {})[id] = 1;
    const start = t.hookStart ?? t.start;
    this.push(s, { traceId: traceIdFor(sid), spanId: toolSpanId(sid, id), parentSpanId: t.parent, name: `execute_tool ${t.name}`, kind: "internal", startMs: start, endMs: Math.max(start, end), attributes: { ...t.attrs, "ccotel.tool.incomplete": true }, links: t.callKey ? this.requestedBy(sid, t) : void 0, events: t.events });
  }
  closeTurn(sid, s, end) {
    const t = s.turn;
    if (!t || t.emitted) return;
    const main = s.streams[""];
    if (main?.pending?.parent === t.spanId) this.emitCall(sid, s, "");
    for (const [id, tool] of Object.entries(s.tools)) if (tool.parent === t.spanId) this.emitIncompleteTool(sid, s, id, Math.max(end, t.last));
    t.emitted = true;
    const attributes = { "gen_ai.conversation.id": sid, "ccotel.turn.index": t.index, "ccotel.prompt.chars": t.chars, ...this.vcsAttributes(s.cwd, t.branch) };
    this.push(s, { traceId: traceIdFor(sid), spanId: t.spanId, parentSpanId: sessionSpanId(sid), name: "turn", kind: "internal", startMs: Math.min(t.start, t.childStart ?? t.start), endMs: Math.max(t.start, end, t.childEnd ?? end), attributes, events: t.events });
  }
  /** vcs.ref.head.name (the branch, never a metric label) and the cwd's repository url. */
  vcsAttributes(cwd, branch) {
    const a = {};
    if (branch) {
      a["vcs.ref.head.name"] = redactSecrets(branch);
      a["vcs.ref.type"] = "branch";
    }
    const repo = cwd ? this.repoOf?.(cwd) : void 0;
    if (repo) a["vcs.repository.url.full"] = repo;
    return a;
  }
  /** Nothing in the turn is still running (a tool, a subagent, a call being streamed). */
  turnQuiet(s) {
    const id = s.turn?.spanId;
    if (s.streams[""]?.pending?.parent === id) return false;
    return !Object.values(s.tools).some((t) => t.parent === id);
  }
  /**
   * Completes what time has completed: quiet model calls, idle turns and idle sessions (event time
   * vs now). `final` completes every pending call (end of a one-shot backfill: all of it is on disk).
   */
  tick(nowMs = this.wallClock(), final = false) {
    const wall = this.wallClock();
    for (const [sid, s] of Object.entries(this.state.sessions)) {
      const reading = !final && s.seenAt !== void 0 && wall - s.seenAt < READING_GRACE_MS;
      for (const [id, t] of Object.entries(s.tools)) {
        if (t.hookEnd === void 0 && t.resultEnd === void 0) continue;
        t.endSeenAt ??= wall;
        if (final || !reading && wall - t.endSeenAt >= TOOL_MERGE_WAIT_MS) this.maybeEmitTool(sid, s, id, true);
      }
      for (const [key, stream] of Object.entries(s.streams)) {
        const p = stream.pending;
        if (!p) continue;
        const quiet = p.seenAt > 0 && wall - p.seenAt >= READING_GRACE_MS && nowMs - p.end >= this.opts.callQuietMs;
        if (final || quiet) this.emitCall(sid, s, key);
      }
      if (s.turn && !s.turn.emitted && !reading && nowMs - s.turn.last >= this.opts.turnIdleMs && this.turnQuiet(s)) this.closeTurn(sid, s, s.turn.last);
      if (nowMs - s.last >= this.opts.sessionIdleMs && !reading) this.closeSession(sid, s);
    }
    if (wall - this.sweptAt >= 6e4) {
      this.sweptAt = wall;
      for (const [sid, c] of Object.entries(this.state.closed)) {
        if (wall - c.at <= CLOSED_RETENTION_MS) continue;
        delete this.state.closed[sid];
        this.closedJson = void 0;
      }
    }
  }
  closeSession(sid, s) {
    for (const key of Object.keys(s.streams)) if (s.streams[key].pending) this.emitCall(sid, s, key);
    this.closeTurn(sid, s, s.last);
    for (const [id, t] of Object.entries(s.tools)) {
      const a = t.agentId ? s.agents[t.agentId] : void 0;
      this.emitIncompleteTool(sid, s, id, a && Number.isFinite(a.last) ? a.last : s.last);
    }
    for (const [agentId, a] of Object.entries(s.agents)) {
      if (a.linked) continue;
      this.push(s, subagentSpan(sid, agentId, a, sessionSpanId(sid), a.type ?? (agentId.startsWith("acompact") ? "compact" : "subagent"), [a.first, a.last], s.last));
    }
    if (!s.rootEmitted) this.emitRoot(sid, s);
    const digests = (s.callsBefore ?? "") + Object.keys(s.calls).map(callDigest).join("");
    this.state.closed[sid] = { at: this.wallClock(), agents: Object.keys(s.agents), calls: digests || void 0 };
    this.closedJson = void 0;
    delete this.state.sessions[sid];
  }
  emitRoot(sid, s) {
    const sum = { input: 0, output: 0, cacheRead: 0, cacheCreation: 0, cacheCreation1h: 0, cacheSplit: false, fast: false };
    let costUSD = 0;
    for (const key of Object.keys(s.calls)) {
      const r = this.usageOf(key);
      if (!r) continue;
      sum.input += r.usage.input;
      sum.output += r.usage.output;
      sum.cacheRead += r.usage.cacheRead;
      sum.cacheCreation += r.usage.cacheCreation;
      costUSD += this.pricer.cost(r.model, r.usage, r.apiError).usd;
    }
    const attributes = {
      "gen_ai.operation.name": "invoke_agent",
      "gen_ai.provider.name": GENAI_PROVIDER,
      "gen_ai.agent.name": "claude-code",
      "gen_ai.conversation.id": sid,
      ...usageAttributes(sum),
      "ccotel.cost.usd": costUSD,
      "ccotel.project.path": s.cwd,
      "ccotel.session.turns": s.turns,
      "ccotel.session.model_calls": Object.keys(s.calls).length,
      "ccotel.session.tool_calls": s.totals.toolCalls,
      "ccotel.session.tool_errors": s.totals.toolErrors,
      "ccotel.session.compactions": s.totals.compactions
    };
    Object.assign(attributes, this.vcsAttributes(s.cwd, s.branch));
    if (s.version) attributes["ccotel.claude_code.version"] = s.version;
    this.outbox.push({ traceId: traceIdFor(sid), spanId: sessionSpanId(sid), name: "invoke_agent claude-code", kind: "internal", startMs: Math.min(s.start, s.spanStart ?? s.start), endMs: Math.max(s.last, s.spanEnd ?? s.last), attributes, events: s.events });
  }
  /** Sends a span and stretches its open ancestors (turn, root) to contain it. */
  push(s, span) {
    const t = s.turn;
    if (t && !t.emitted && span.parentSpanId === t.spanId) {
      t.childStart = Math.min(t.childStart ?? span.startMs, span.startMs);
      t.childEnd = Math.max(t.childEnd ?? span.endMs, span.endMs);
    }
    s.spanStart = Math.min(s.spanStart ?? span.startMs, span.startMs);
    s.spanEnd = Math.max(s.spanEnd ?? span.endMs, span.endMs);
    this.outbox.push(span);
  }
};

// src/export/traces/readable-span.ts
import { SpanKind, SpanStatusCode, TraceFlags } from "@opentelemetry/api";

// src/export/scope.ts
var SCOPE = { name: "ccotel", version: VERSION };
var hrTime = (ms) => [Math.floor(ms / 1e3), Math.round(ms % 1e3 * 1e6)];

// src/export/traces/readable-span.ts
function toReadableSpan(s, resource) {
  const ctx = { traceId: s.traceId, spanId: s.spanId, traceFlags: TraceFlags.SAMPLED };
  const end = Math.max(s.startMs, s.endMs);
  return {
    name: s.name,
    kind: s.kind === "client" ? SpanKind.CLIENT : SpanKind.INTERNAL,
    spanContext: () => ctx,
    parentSpanContext: s.parentSpanId ? { traceId: s.traceId, spanId: s.parentSpanId, traceFlags: TraceFlags.SAMPLED } : void 0,
    startTime: hrTime(s.startMs),
    endTime: hrTime(end),
    duration: hrTime(end - s.startMs),
    status: s.error ? { code: SpanStatusCode.ERROR, message: s.error } : { code: SpanStatusCode.UNSET },
    attributes: s.error ? { ...s.attributes, "error.type": s.name.startsWith("execute_tool") ? "tool_error" : "api_error" } : s.attributes,
    links: (s.links ?? []).map((l) => ({ context: { traceId: l.traceId, spanId: l.spanId, traceFlags: TraceFlags.SAMPLED }, attributes: l.attributes ?? {} })),
    events: (s.events ?? []).map((e) => ({ name: e.name, time: hrTime(e.timeMs), attributes: e.attributes ?? {} })),
    ended: true,
    resource,
    instrumentationScope: SCOPE,
    droppedAttributesCount: 0,
    droppedEventsCount: 0,
    droppedLinksCount: 0
  };
}

// src/export/traces/trace-sink.ts
var BATCH = 512;
var TraceSink = class {
  constructor(builder, exporter, resource) {
    this.builder = builder;
    this.exporter = exporter;
    this.resource = resource;
  }
  builder;
  exporter;
  resource;
  name = "traces";
  spansSent = 0;
  queue = [];
  /** The builder's state moved since the last snapshot (saves a clone per idle tick). */
  changed = false;
  accept(events) {
    this.builder.accept(events);
    this.changed = true;
  }
  /**
   * The builder's open state and the spans derived but not yet accepted: saved together with the
   * checkpoints, so an interrupted flush resends exactly what the collector did not take.
   */
  snapshot() {
    if (!this.changed) return void 0;
    this.changed = false;
    return new SerializedState(`{"builder":${this.builder.snapshotJson()},"unsent":${JSON.stringify(this.queue)}}`);
  }
  restore(state) {
    const s = state;
    const saved = s && "builder" in s ? s : { builder: state, unsent: [] };
    this.builder.restore(saved.builder);
    this.queue = [...saved.unsent ?? []];
  }
  /** Sends what time has completed (quiet calls, idle turns and sessions). */
  async flush() {
    this.builder.tick();
    await this.send();
  }
  /**
   * One-shot end (backfill): every call whose lines are on disk is complete now. The spans this
   * completes go out with the next flush (the ingest manager's commit), so an interrupted send
   * saves what is left with the checkpoints.
   */
  finish() {
    this.builder.tick(Date.now(), true);
    this.take();
  }
  take() {
    const spans = this.builder.drain();
    if (spans.length > 0) this.changed = true;
    this.queue.push(...spans);
  }
  async send() {
    this.take();
    while (this.queue.length > 0) {
      const batch = this.queue.slice(0, BATCH);
      await this.exporter.export(batch.map((s) => toReadableSpan(s, this.resource)));
      this.queue.splice(0, batch.length);
      this.spansSent += batch.length;
      this.changed = true;
    }
  }
  async shutdown() {
    await this.exporter.shutdown();
  }
};

// src/export/traces/span-exporters.ts
import { constants as constants2 } from "node:fs";
import { mkdir, open, readdir, rename, stat, unlink } from "node:fs/promises";
import { join as join2 } from "node:path";
import { ExportResultCode } from "@opentelemetry/core";
import { OTLPTraceExporter as ProtoExporter } from "@opentelemetry/exporter-trace-otlp-proto";
import { OTLPTraceExporter as JsonExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { JsonTraceSerializer } from "@opentelemetry/otlp-transformer";
function createOtlpSpanExporter(t) {
  const config = exporterConfig(t, "traces");
  const exporter = t.protocol === "http/json" ? new JsonExporter(config) : new ProtoExporter(config);
  return {
    export: (spans) => new Promise((resolve2, reject) => {
      exporter.export(spans, (r) => r.code === ExportResultCode.SUCCESS ? resolve2() : reject(r.error ?? new Error("export failed")));
    }),
    shutdown: () => exporter.shutdown(),
    describe: () => `OTLP ${t.protocol} \u2192 ${displayUrl(config.url)}`
  };
}
function createFileSpanExporter(dir, opts = { maxFileBytes: 64 << 20, keepFiles: 5 }) {
  const current = join2(dir, "traces.jsonl");
  let ready;
  const rotate = async () => {
    let size = 0;
    try {
      size = (await stat(current)).size;
    } catch {
      return;
    }
    if (size < opts.maxFileBytes) return;
    const names = (await readdir(dir)).filter((n) => /^traces-\d+\.jsonl$/.test(n)).sort();
    const next = names.length ? Number(/\d+/.exec(names[names.length - 1])[0]) + 1 : 1;
    await rename(current, join2(dir, `traces-${String(next).padStart(6, "0")}.jsonl`));
    for (const old of names.slice(0, Math.max(0, names.length + 1 - opts.keepFiles))) await unlink(join2(dir, old)).catch(() => {
    });
  };
  return {
    async export(spans) {
      ready ??= mkdir(dir, { recursive: true, mode: 448 }).then(() => void 0);
      await ready;
      await rotate();
      const body = JsonTraceSerializer.serializeRequest(spans);
      if (!body) throw new Error("could not serialize spans");
      const fh = await open(current, constants2.O_WRONLY | constants2.O_APPEND | constants2.O_CREAT | constants2.O_NOFOLLOW, 384);
      try {
        await fh.chmod(384);
        await fh.writeFile(Buffer.concat([Buffer.from(body), Buffer.from("\n")]));
      } finally {
        await fh.close();
      }
    },
    shutdown: async () => {
    },
    describe: () => `local OTLP-JSON files in ${dir}`
  };
}

// src/export/metrics/metrics-pipeline.ts
import { ExportResultCode as ExportResultCode2 } from "@opentelemetry/core";
import {
  AggregationTemporality as AggregationTemporality2,
  MeterProvider,
  PeriodicExportingMetricReader
} from "@opentelemetry/sdk-metrics";
import { OTLPMetricExporter as ProtoMetricExporter } from "@opentelemetry/exporter-metrics-otlp-proto";
import { OTLPMetricExporter as JsonMetricExporter, AggregationTemporalityPreference } from "@opentelemetry/exporter-metrics-otlp-http";
import { PrometheusExporter, PrometheusSerializer } from "@opentelemetry/exporter-prometheus";

// src/export/metrics/ledger-producer.ts
import { ValueType } from "@opentelemetry/api";
import {
  AggregationTemporality,
  DataPointType
} from "@opentelemetry/sdk-metrics";

// src/export/metrics/session-gauges.ts
var DEFAULT_RECENT_SESSIONS = { windowMs: 24 * 36e5, max: 50 };
var recentSessionOptions = (config) => ({ windowMs: config.recentSessions.windowHours * 36e5, max: config.recentSessions.max });
var LOOKBACK_MS = 36e5;
function recentSessionTotals(fold, nowMs, o) {
  if (o.max <= 0 || fold.sessions.size === 0) return [];
  const startMs = nowMs - o.windowMs;
  const from = slotOf(startMs - LOOKBACK_MS);
  const newest = fold.series.lastEventMs;
  const to = slotOf(Number.isFinite(newest) ? Math.max(nowMs, newest) : nowMs);
  const ids = /* @__PURE__ */ new Set();
  const take = (slot) => {
    const bySlot = fold.cells.get(slot);
    if (bySlot) for (const cell of bySlot.values()) for (const id of cell.sessions.keys()) ids.add(id);
  };
  if (to - from + 1 <= fold.cells.size) for (let slot = from; slot <= to; slot++) take(slot);
  else for (const slot of fold.cells.keys()) if (slot >= from && slot <= to) take(slot);
  const out = [];
  for (const id of ids) {
    const s = fold.sessions.get(id);
    if (s && s.lastTs >= startMs) out.push(s);
  }
  return out.sort((a, b) => b.lastTs - a.lastTs || (a.sessionId < b.sessionId ? -1 : a.sessionId > b.sessionId ? 1 : 0)).slice(0, o.max);
}
function sessionGaugePoints(fold, nowMs, user, o) {
  const out = { cost: [], tokens: [], toolCalls: [], toolErrors: [], subagents: [], prompts: [] };
  for (const s of recentSessionTotals(fold, nowMs, o)) {
    const attributes = { session_id: s.sessionId, project: projectOf(s.cwd), user, trace_id: traceIdFor(s.sessionId) };
    out.cost.push({ attributes, value: s.nanoUsd / NANOS_PER_USD });
    out.tokens.push({ attributes, value: s.tokens });
    out.toolCalls.push({ attributes, value: s.toolCalls });
    out.toolErrors.push({ attributes, value: s.toolErrors });
    out.subagents.push({ attributes, value: s.subagents.size });
    out.prompts.push({ attributes, value: s.prompts });
  }
  return out;
}

// src/export/metrics/ledger-metrics.ts
var METRIC = {
  tokenUsage: "ccotel.token.usage",
  costUsage: "ccotel.cost.usage",
  cacheSavings: "ccotel.cost.cache_savings",
  toolCalls: "ccotel.tool.calls",
  toolCallsPending: "ccotel.tool.calls.pending",
  modelRequests: "ccotel.model.requests",
  apiErrors: "ccotel.api.errors",
  sessions: "ccotel.sessions",
  subagents: "ccotel.subagents",
  prompts: "ccotel.prompts",
  compactions: "ccotel.compactions",
  toolDuration: "ccotel.tool.duration",
  tokensPerRequest: "ccotel.token.usage.per_request",
  budgetCost: "ccotel.budget.cost",
  budgetCostTotal: "ccotel.budget.cost.total",
  lastEventTimestamp: "ccotel.exporter.last_event_timestamp",
  lastExportTimestamp: "ccotel.exporter.last_export_timestamp",
  permissionRequests: "ccotel.permission.requests",
  notifications: "ccotel.notifications",
  tokenEstimate: "ccotel.token.estimate",
  costEstimate: "ccotel.cost.estimate",
  promptsEstimate: "ccotel.prompts.estimate",
  sensitiveHits: "ccotel.sensitive.hits",
  // Recent-session gauges (session-gauges.ts): the only series with a session_id label. Bounded
  // cardinality: only sessions whose last event is within recentSessions.windowHours of the
  // collection time, at most recentSessions.max of them (the newest); trace_id is 1:1 with session.
  sessionCost: "ccotel.session.cost",
  sessionTokens: "ccotel.session.tokens",
  sessionToolCalls: "ccotel.session.tool_calls",
  sessionToolErrors: "ccotel.session.tool_errors",
  sessionSubagents: "ccotel.session.subagents",
  sessionPrompts: "ccotel.session.prompts"
};
var BUDGET_PERIODS = ["today", "week", "month"];
function keyOf(a) {
  return JSON.stringify(Object.keys(a).sort().map((k) => [k, a[k]]));
}
function sorted(points) {
  return points.map((p) => [keyOf(p.attributes), p]).sort(([a], [b]) => a < b ? -1 : a > b ? 1 : 0).map(([, p]) => p);
}
var split = (key) => key.split(SEP);
function histPoint(attributes, h, boundaries, scale) {
  return { attributes, histogram: { boundaries: [...boundaries], counts: [...h.counts], sum: h.sum / scale, count: h.count, min: h.min, max: h.max } };
}
function metricData(fold, opts) {
  const { user, timezone, nowMs } = opts;
  fold.settle(nowMs);
  const s = fold.series;
  const tokens = [];
  const cost = [];
  const savings = [];
  const requestsBy = /* @__PURE__ */ new Map();
  const costProjects = /* @__PURE__ */ new Set();
  for (const [key, m] of s.calls) {
    const [model, project, agent] = split(key);
    costProjects.add(project);
    const t = { input: m.input, output: m.output, cache_read: m.cacheRead };
    for (const type of ["input", "output", "cache_read"]) tokens.push({ attributes: { type, model, project, user, agent }, value: t[type] });
    tokens.push({ attributes: { type: "cache_creation", cache_ttl: "5m", model, project, user, agent }, value: m.cacheCreation - m.cacheCreation1h });
    tokens.push({ attributes: { type: "cache_creation", cache_ttl: "1h", model, project, user, agent }, value: m.cacheCreation1h });
    cost.push({ attributes: { model, project, user, agent }, value: m.nanoUsd / NANOS_PER_USD });
    savings.push({ attributes: { model, project, user, agent }, value: m.savedNanoUsd / NANOS_PER_USD });
    if (m.n > m.apiErrors) {
      const k = model + SEP + project;
      requestsBy.set(k, (requestsBy.get(k) ?? 0) + m.n - m.apiErrors);
    }
  }
  const requests = [...requestsBy].map(([k, value]) => {
    const [model, project] = split(k);
    return { attributes: { model, project, user }, value };
  });
  const estimated = { user, estimated: "true" };
  const estTokens = [...s.estTokens].map(([key, value]) => {
    const [type, project] = split(key);
    return { attributes: { type, project, ...estimated }, value };
  });
  const estCost = [...s.estCost].map(([project, nanos]) => ({ attributes: { project, ...estimated }, value: nanos / NANOS_PER_USD }));
  const estPrompts = [...s.estPrompts].map(([project, value]) => ({ attributes: { project, ...estimated }, value }));
  const notifications = [...s.notifications].map(([k, value]) => {
    const [type, project] = split(k);
    return { attributes: { type, project, user }, value };
  });
  const permissions = [...s.permissions].map(([k, value]) => {
    const [tool, outcome, project] = split(k);
    return { attributes: { tool, outcome, project, user }, value };
  });
  const byProject = (c) => [...c].map(([project, value]) => ({ attributes: { project, user }, value }));
  const toolCalls = [...s.toolCalls].map(([k, value]) => {
    const [tool, outcome, project] = split(k);
    return { attributes: { tool, outcome, project, user }, value };
  });
  const pending = [...s.pending].map(([k, value]) => {
    const [tool, project] = split(k);
    return { attributes: { tool, project, user }, value };
  });
  const sensitive = [...s.sensitive].map(([k, value]) => {
    const [rule, severity, tool, project] = split(k);
    return { attributes: { rule, severity, tool, project, user }, value };
  });
  const distinct = (m) => [...m].map(([project, members]) => ({ attributes: { project, user }, value: members.size }));
  const toolDuration = [...s.toolDuration].map(([tool, h]) => histPoint({ tool }, h, TOOL_DURATION_BOUNDARIES, 1e3));
  const perRequest = [...s.perRequest].map(([k, h]) => {
    const [model, type] = split(k);
    return histPoint({ model, type }, h, TOKEN_BOUNDARIES, 1);
  });
  const periods = BUDGET_PERIODS.map((p) => namedRange(p, nowMs, timezone));
  const spent = fold.budget(periods.map((r) => [r.startMs, r.endMs]));
  const budget = [];
  const budgetTotal = [];
  BUDGET_PERIODS.forEach((period, i) => {
    let total = 0;
    for (const project of costProjects) {
      const nanos = spent.get(project)?.[i] ?? 0;
      total += nanos;
      budget.push({ attributes: { period, project, user }, value: nanos / NANOS_PER_USD });
    }
    if (costProjects.size > 0) budgetTotal.push({ attributes: { period, user }, value: total / NANOS_PER_USD });
  });
  const recent = sessionGaugePoints(fold, nowMs, user, opts.recentSessions ?? DEFAULT_RECENT_SESSIONS);
  const counter = (name, unit, description, points, integer = true) => ({ name, description, unit, integer, kind: "counter", points: sorted(points) });
  const gauge = (name, unit, description, points, integer = false) => ({ name, description, unit, integer, kind: "gauge", points: sorted(points) });
  const histogram = (name, unit, description, points, integer) => ({ name, description, unit, integer, kind: "histogram", points: sorted(points) });
  return [
    counter(METRIC.tokenUsage, "{token}", "Tokens used by Claude Code model calls, by token type (input, output, cache_read, cache_creation; cache writes split by cache_ttl 5m/1h) and agent (main, or the subagent type).", tokens),
    counter(METRIC.costUsage, "USD", "Cost of Claude Code model calls in US dollars, computed from the price table (as ccotel stats), by agent (main, or the subagent type).", cost, false),
    counter(METRIC.cacheSavings, "USD", "What prompt caching saved in US dollars: cache-read tokens at the input price minus their cache-read price.", savings, false),
    counter(METRIC.toolCalls, "{call}", "Completed tool calls by outcome (success or error).", toolCalls),
    gauge(METRIC.toolCallsPending, "{call}", "Tool calls without a result yet (running, or interrupted).", pending, true),
    counter(METRIC.modelRequests, "{request}", "Model API requests (deduplicated responses), excluding API errors.", requests),
    counter(METRIC.apiErrors, "{error}", "Model API errors recorded in the transcripts.", byProject(s.apiErrors)),
    counter(METRIC.sessions, "{session}", "Distinct Claude Code sessions with activity in the project.", distinct(s.sessions)),
    counter(METRIC.subagents, "{agent}", "Distinct subagents (Task) run in the project.", distinct(s.subagents)),
    counter(METRIC.prompts, "{prompt}", "User prompts (subagent inputs excluded).", byProject(s.prompts)),
    counter(METRIC.compactions, "{compaction}", "Context compactions.", byProject(s.compactions)),
    counter(METRIC.sensitiveHits, "{hit}", "Sensitive-action rule hits (one per rule per tool call), by rule and severity (docs/security.md).", sensitive),
    histogram(METRIC.toolDuration, "s", "Duration of completed tool calls (tool_use to tool_result, event time).", toolDuration, false),
    histogram(METRIC.tokensPerRequest, "{token}", "Tokens per model request and token type (GenAI gen_ai.client.token.usage buckets).", perRequest, true),
    gauge(METRIC.budgetCost, "USD", "Cost so far in the current calendar period (today, week from Monday, month) in the configured time zone, by event time.", budget),
    gauge(METRIC.budgetCostTotal, "USD", "Cost so far in the current calendar period in the configured time zone, all projects.", budgetTotal),
    counter(METRIC.permissionRequests, "{request}", "Permission requests reported by the PermissionRequest hook, by tool and outcome (unknown when the hook does not say).", permissions),
    counter(METRIC.notifications, "{notification}", "Notifications reported by the Notification hook, by notification type.", notifications),
    gauge(METRIC.tokenEstimate, "{token}", "Tokens estimated from hook payloads (~4 characters a token) of sessions with no transcript here yet; drops when the transcript arrives.", estTokens, true),
    gauge(METRIC.costEstimate, "USD", "Cost of the estimated tokens (Sonnet prices) of sessions with no transcript here yet; drops when the transcript arrives.", estCost),
    gauge(METRIC.promptsEstimate, "{prompt}", "Prompts seen only by the UserPromptSubmit hook (sessions with no transcript here yet); drops when the transcript arrives.", estPrompts, true),
    gauge(METRIC.lastEventTimestamp, "s", "Newest event time in the ledger, seconds since the Unix epoch.", Number.isFinite(s.lastEventMs) ? [{ attributes: { user }, value: s.lastEventMs / 1e3 }] : []),
    gauge(METRIC.lastExportTimestamp, "s", "Wall-clock time of this export by a running ccotel daemon (its heartbeat), seconds since the Unix epoch.", opts.heartbeat ? [{ attributes: { user }, value: nowMs / 1e3 }] : []),
    gauge(METRIC.sessionCost, "USD", "Cost of each recent session (last event within the configured window, the newest N), exact transcript costs.", recent.cost),
    gauge(METRIC.sessionTokens, "{token}", "Tokens of each recent session, all four types (input, output, cache_read, cache_creation).", recent.tokens, true),
    gauge(METRIC.sessionToolCalls, "{call}", "Tool calls of each recent session (subagents included, pending calls included).", recent.toolCalls, true),
    gauge(METRIC.sessionToolErrors, "{error}", "Tool calls of each recent session whose result was an error.", recent.toolErrors, true),
    gauge(METRIC.sessionSubagents, "{agent}", "Distinct subagents run by each recent session.", recent.subagents, true),
    gauge(METRIC.sessionPrompts, "{prompt}", "User prompts of each recent session (subagent inputs excluded).", recent.prompts, true)
  ];
}

// src/export/metrics/prometheus-names.ts
var UNIT_MAP = {
  d: "days",
  h: "hours",
  min: "minutes",
  s: "seconds",
  ms: "milliseconds",
  us: "microseconds",
  ns: "nanoseconds",
  By: "bytes",
  KiBy: "kibibytes",
  MiBy: "mebibytes",
  GiBy: "gibibytes",
  TiBy: "tibibytes",
  KBy: "kilobytes",
  MBy: "megabytes",
  GBy: "gigabytes",
  TBy: "terabytes",
  m: "meters",
  V: "volts",
  A: "amperes",
  J: "joules",
  W: "watts",
  g: "grams",
  Cel: "celsius",
  Hz: "hertz",
  "1": "",
  "%": "percent"
};
var PER_UNIT_MAP = { s: "second", m: "minute", h: "hour", d: "day", w: "week", mo: "month", y: "year" };
var cleanUpUnit = (u) => u.replace(/[^a-zA-Z0-9:]/g, "_").replace(/_{2,}/g, "_").replace(/^_/, "");
function unitSuffixes(unit) {
  const [main = "", per] = splitOnce(unit, "/");
  let mainSuffix = "";
  let perSuffix = "";
  const m = main.trim();
  if (m !== "" && !/[{}]/.test(m)) mainSuffix = UNIT_MAP[m] ?? m;
  if (per !== void 0 && per !== "") {
    const p = per.trim();
    if (p !== "" && !/[{}]/.test(p)) perSuffix = PER_UNIT_MAP[p] ?? p;
    if (perSuffix !== "") perSuffix = `per_${perSuffix}`;
  }
  return [mainSuffix, perSuffix];
}
function splitOnce(s, sep) {
  const i = s.indexOf(sep);
  return i < 0 ? [s, void 0] : [s.slice(0, i), s.slice(i + 1)];
}
function prometheusName(name, unit, kind) {
  let tokens = name.split(/[^a-zA-Z0-9:]/).filter((t) => t !== "");
  const [mainRaw, perRaw] = unitSuffixes(unit);
  let main = cleanUpUnit(mainRaw);
  let per = cleanUpUnit(perRaw);
  if (tokens.includes(main)) main = "";
  if (per === "per_") per = "";
  else {
    per = per.replace(/_$/, "");
    if (tokens.includes(per)) per = "";
  }
  if (per !== "") main = main.replace(/_$/, "");
  if (main !== "") tokens.push(main);
  if (per !== "") tokens.push(per);
  if (kind === "counter") tokens = [...tokens.filter((t) => t !== "total"), "total"];
  if (unit === "1" && kind === "gauge") tokens = [...tokens.filter((t) => t !== "ratio"), "ratio"];
  let out = tokens.join("_");
  if (/^[0-9]/.test(out)) out = `_${out}`;
  return out;
}

// src/export/metrics/ledger-producer.ts
var CUMULATIVE_START_MS = LEGACY_START_MS;
function toMetricData(metrics, nowMs, names = "otel", startMs = CUMULATIVE_START_MS) {
  const startTime = hrTime(startMs);
  const endTime = hrTime(nowMs);
  const out = [];
  for (const m of metrics) {
    if (m.points.length === 0) continue;
    const descriptor = {
      name: names === "prometheus" ? prometheusName(m.name, m.unit, m.kind) : m.name,
      description: m.description,
      unit: m.unit,
      valueType: m.integer ? ValueType.INT : ValueType.DOUBLE
    };
    if (m.kind === "histogram") {
      out.push({
        descriptor,
        aggregationTemporality: AggregationTemporality.CUMULATIVE,
        dataPointType: DataPointType.HISTOGRAM,
        dataPoints: m.points.map((p) => ({
          startTime,
          endTime,
          attributes: p.attributes,
          value: { buckets: { boundaries: [...p.histogram.boundaries], counts: [...p.histogram.counts] }, sum: p.histogram.sum, count: p.histogram.count, min: p.histogram.min, max: p.histogram.max }
        }))
      });
    } else if (m.kind === "counter") {
      out.push({
        descriptor,
        aggregationTemporality: AggregationTemporality.CUMULATIVE,
        dataPointType: DataPointType.SUM,
        isMonotonic: true,
        dataPoints: m.points.map((p) => ({ startTime, endTime, attributes: p.attributes, value: p.value }))
      });
    } else {
      out.push({
        descriptor,
        aggregationTemporality: AggregationTemporality.CUMULATIVE,
        dataPointType: DataPointType.GAUGE,
        // A gauge point's start time is meaningless; the collection time keeps backends happy.
        dataPoints: m.points.map((p) => ({ startTime: endTime, endTime, attributes: p.attributes, value: p.value }))
      });
    }
  }
  return out;
}
var LedgerMetricProducer = class {
  constructor(fold, resource, opts) {
    this.fold = fold;
    this.resource = resource;
    this.opts = opts;
  }
  fold;
  resource;
  opts;
  async collect() {
    const nowMs = (this.opts.now ?? Date.now)();
    try {
      const data = metricData(this.fold, { user: this.opts.user, timezone: this.opts.timezone, nowMs, heartbeat: this.opts.heartbeat, recentSessions: this.opts.recentSessions });
      const metrics = toMetricData(data, nowMs, this.opts.names, this.fold.startMs);
      return { resourceMetrics: { resource: this.resource, scopeMetrics: metrics.length ? [{ scope: SCOPE, metrics }] : [] }, errors: [] };
    } catch (err) {
      return { resourceMetrics: { resource: this.resource, scopeMetrics: [] }, errors: [err] };
    }
  }
};

// src/export/metrics/metrics-pipeline.ts
import { createServer } from "node:http";
import { hostname as hostname2, networkInterfaces } from "node:os";
var DEFAULT_EXPORT_INTERVAL_MS = 1e4;
var RecordingExporter = class {
  constructor(inner, onResult) {
    this.inner = inner;
    this.onResult = onResult;
  }
  inner;
  onResult;
  started = 0;
  last;
  failing = false;
  export(metrics, resultCallback) {
    const rec = { seq: ++this.started, state: "pending" };
    this.last = rec;
    this.inner.export(metrics, (r) => {
      if (r.code === ExportResultCode2.SUCCESS) rec.state = "ok";
      else {
        rec.state = "failed";
        rec.error = r.error ?? new Error("metrics export failed");
      }
      if (rec.state === "failed" !== this.failing) {
        this.failing = rec.state === "failed";
        this.onResult?.(rec.error);
      }
      resultCallback(r);
    });
  }
  forceFlush() {
    return this.inner.forceFlush();
  }
  shutdown() {
    return this.inner.shutdown();
  }
  selectAggregationTemporality() {
    return AggregationTemporality2.CUMULATIVE;
  }
};
function createMetricsPipeline(o) {
  const producerOpts = { user: o.user, timezone: o.timezone, now: o.now, heartbeat: o.heartbeat, recentSessions: o.recentSessions };
  if (o.mode.kind === "prometheus") {
    const { host, port } = o.mode;
    const producer2 = new LedgerMetricProducer(o.fold, o.resource, { ...producerOpts, names: "prometheus" });
    const exporter2 = new PrometheusExporter({ host, port, endpoint: "/metrics", metricProducers: [producer2], preventServerStart: true });
    const provider2 = new MeterProvider({ resource: o.resource, readers: [exporter2] });
    const allowed = allowedHosts(host);
    const server = createServer((req, res) => {
      if (!hostAllowed(req, allowed)) {
        res.writeHead(403, { "content-type": "text/plain" }).end(`Host "${req.headers.host}" refused: scrape http://${hostPort(host, port)}/metrics (or set prometheus.host)
`);
        return;
      }
      let path;
      try {
        path = new URL(req.url ?? "/", "http://localhost").pathname;
      } catch {
        res.writeHead(400).end("Bad Request");
        return;
      }
      if (path !== "/metrics") {
        res.writeHead(404, { "content-type": "text/plain" }).end("Not found: the metrics are at /metrics\n");
        return;
      }
      exporter2.getMetricsRequestHandler(req, res);
    }).unref();
    const ready = new Promise((resolve2, reject) => {
      server.once("error", reject);
      server.listen({ host, port }, () => resolve2());
    });
    ready.catch(() => {
    });
    return {
      ready,
      forceFlush: async () => {
      },
      warm: async () => {
        const { resourceMetrics } = await exporter2.collect();
        new PrometheusSerializer().serialize(resourceMetrics);
      },
      shutdown: async () => {
        await provider2.shutdown();
        server.closeAllConnections();
        await new Promise((r) => server.close(() => r()));
      },
      describe: () => `Prometheus endpoint http://${hostPort(host, port)}/metrics (ledger-derived, cumulative)`
    };
  }
  const { target } = o.mode;
  const { protocol, timeoutMillis } = target;
  const config = { ...exporterConfig(target, "metrics"), temporalityPreference: AggregationTemporalityPreference.CUMULATIVE };
  const { url } = config;
  const exporter = new RecordingExporter(protocol === "http/json" ? new JsonMetricExporter(config) : new ProtoMetricExporter(config), o.onExportResult);
  const interval = o.exportIntervalMs ?? DEFAULT_EXPORT_INTERVAL_MS;
  const producer = new LedgerMetricProducer(o.fold, o.resource, producerOpts);
  const reader = new PeriodicExportingMetricReader({
    exporter,
    exportIntervalMillis: interval,
    exportTimeoutMillis: Math.min(interval, Math.max(timeoutMillis ?? 3e4, 1)),
    metricProducers: [producer]
  });
  const provider = new MeterProvider({ resource: o.resource, readers: [reader] });
  let shutDown = false;
  return {
    ready: Promise.resolve(),
    warm: async () => {
    },
    async forceFlush() {
      if (shutDown) throw new Error("metrics pipeline is shut down");
      const before = exporter.started;
      await reader.forceFlush();
      const last = exporter.last;
      if (exporter.started === before || !last) return;
      if (last.state === "failed") throw new Error(`metrics export to ${displayUrl(url)} failed: ${last.error?.message ?? "unknown error"}`, { cause: last.error });
      if (last.state === "pending") throw new Error(`metrics export to ${displayUrl(url)} timed out`);
    },
    async shutdown() {
      if (shutDown) return;
      shutDown = true;
      await provider.shutdown();
    },
    describe: () => `OTLP ${protocol} \u2192 ${displayUrl(url)} every ${interval / 1e3}s (ledger-derived, cumulative)`
  };
}
var hostPort = (host, port) => `${host.includes(":") ? `[${host}]` : host}:${port}`;
var LOOPBACK_HOSTS = ["localhost", "127.0.0.1", "[::1]"];
function allowedHosts(bound) {
  const names = new Set(LOOPBACK_HOSTS);
  const add = (h) => void names.add(h.includes(":") ? `[${h.toLowerCase()}]` : h.toLowerCase());
  add(bound);
  if (bound === "0.0.0.0" || bound === "::") {
    for (const list of Object.values(networkInterfaces())) for (const a of list ?? []) add(a.address);
    add(hostname2());
  }
  return names;
}
function hostAllowed(req, allowed) {
  const header = req.headers.host;
  if (!header) return true;
  const name = header.toLowerCase().replace(/:\d+$/, "");
  if (allowed.has(name)) return true;
  return [...allowed].some((a) => /^[a-z]/.test(a) && a !== "localhost" && name.startsWith(`${a}.`));
}

// src/export/pipeline.ts
var noMetrics = { ready: Promise.resolve(), warm: async () => {
}, forceFlush: async () => {
}, shutdown: async () => {
}, describe: () => "not exported (no OTLP endpoint; `ccotel run` serves them locally)" };
function createExportPipeline(settings, fold, usageOf, stateDir, log, o = {}) {
  const target = resolveExportTarget(settings.config.otlp);
  for (const w of credentialWarnings(target)) log.warn(w);
  const resource = buildResource(settings.config.serviceName);
  const spanExporter = target.urls.traces ? createOtlpSpanExporter(target) : createFileSpanExporter(join3(stateDir, "traces"));
  const retrying = new RetryingExporter(spanExporter, log, "span", target.urls.traces ?? join3(stateDir, "traces"), o.retry);
  const repoUrls = new RepoUrls();
  const traces = new TraceSink(new TraceBuilder(settings.pricer, { ...DEFAULT_TRACE_OPTIONS, ...o.trace }, usageOf, void 0, o.toolOf, (cwd) => repoUrls.of(cwd)), retrying, resource);
  const prom = o.prometheus ?? { host: settings.config.prometheus?.host ?? DEFAULT_PROMETHEUS_HOST, port: settings.config.prometheus?.port ?? DEFAULT_PROMETHEUS_PORT };
  const serveLocal = !target.urls.metrics && o.serveLocalMetrics !== false;
  if (serveLocal && !isLoopbackHost(prom.host)) log.warn(`the metrics endpoint listens on ${prom.host}: other machines can read it (no authentication); prometheus.host: 127.0.0.1 keeps it local`);
  const metrics = !target.urls.metrics && o.serveLocalMetrics === false ? noMetrics : createMetricsPipeline({
    fold,
    user: osUserName(),
    timezone: settings.timezone,
    resource,
    mode: target.urls.metrics ? { kind: "otlp", target } : { kind: "prometheus", host: prom.host, port: prom.port },
    exportIntervalMs: o.metricsIntervalMs,
    heartbeat: o.heartbeat,
    recentSessions: recentSessionOptions(settings.config),
    onExportResult: !o.logMetricFailures ? void 0 : (err) => {
      if (!err) return log.info("metrics delivered again");
      const status = httpStatusOf(err);
      const url = displayUrl(target.urls.metrics ?? "");
      if (status !== void 0 && !isRetryable(err)) log.error(`collector refused metrics: HTTP ${status} from ${url}; ${refusalHint(status)}; retrying every export interval (nothing is lost)`);
      else log.warn(`metrics export to ${url} failed: ${err.message}; retrying every export interval (nothing is lost)`);
    }
  });
  return {
    traces,
    stopRetrying: () => retrying.stop(),
    metrics,
    describe: () => [`traces: ${spanExporter.describe()}`, `metrics: ${metrics.describe()}`, ...target.configured ? [] : ["no OTLP endpoint configured: using the embedded default (set OTEL_EXPORTER_OTLP_ENDPOINT to send to a collector)"]],
    async shutdown() {
      await traces.shutdown();
      await metrics.shutdown();
    }
  };
}
export {
  createExportPipeline
};
