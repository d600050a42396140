import { createRequire as __cr } from 'module'; const require = __cr(import.meta.url);
import {
  AGENT_MAIN,
  AGENT_UNKNOWN,
  isFileEdit
} from "./chunk-APSSRI2I.js";
import {
  usageTotal
} from "./chunk-IEE2PAZ5.js";

// src/fold/slot.ts
var SLOT_MS = 15 * 6e4;
var slotOf = (ts) => Math.floor(ts / SLOT_MS);
function onSlotGrid(startMs, endMs) {
  const ok = (t) => !Number.isFinite(t) || t % SLOT_MS === 0;
  return ok(startMs) && ok(endMs);
}
function slotRange(startMs, endMs) {
  return [Number.isFinite(startMs) ? Math.ceil(startMs / SLOT_MS) : -Infinity, Number.isFinite(endMs) ? Math.ceil(endMs / SLOT_MS) : Infinity];
}
var CHUNK_SLOTS = 96;
var chunkOf = (slot) => Math.floor(slot / CHUNK_SLOTS);

// src/fold/facts.ts
var NANOS_PER_USD = 1e9;
var UNKNOWN_PROJECT = "unknown";
var projectOf = (cwd) => cwd || UNKNOWN_PROJECT;
var ESTIMATE_PRICE_MODEL = "claude-sonnet-4-5";
var SEP = "\0";
var agentLabelOf = (r) => r.agentType ?? (r.agentId ? AGENT_UNKNOWN : AGENT_MAIN);
function factOf(c, which, pricer) {
  switch (c.type) {
    case "usage": {
      const r = c[which];
      if (!r) return void 0;
      const u = r.usage;
      const { usd, priced } = pricer.cost(r.model, u, r.apiError);
      const savedNanoUsd = Math.round(pricer.cacheSavings(r.model, u, r.apiError) * NANOS_PER_USD);
      return { kind: "call", ts: r.ts, cwd: r.cwd, sessionId: r.sessionId, agentId: r.agentId, key: r.key, model: r.model, input: u.input, output: u.output, cacheCreation: u.cacheCreation, cacheCreation1h: u.cacheCreation1h, cacheRead: u.cacheRead, total: usageTotal(u), nanoUsd: Math.round(usd * NANOS_PER_USD), savedNanoUsd, agent: agentLabelOf(r), apiError: r.apiError, priced };
    }
    case "tool": {
      const t = c[which];
      if (!t) return void 0;
      const done = t.endTs !== void 0 && t.isError !== void 0;
      const isError = t.isError === true;
      let quality;
      if (t.target) {
        if (t.name === "Read") quality = { kind: "read", key: t.sessionId + SEP + t.target };
        else if (t.name === "Bash" && isError) quality = { kind: "failing", key: t.target };
        else if (isFileEdit(t.name)) quality = { kind: "edit", key: t.target };
      }
      return { kind: "tool", ts: t.ts, cwd: t.cwd, sessionId: t.sessionId, agentId: t.agentId, name: t.name, outcome: done ? isError ? "error" : "success" : "pending", isError, endTs: t.endTs, durationMs: done ? Math.max(0, t.endTs - t.ts) : void 0, quality };
    }
    case "prompt": {
      const p = c[which];
      if (!p) return void 0;
      if (p.est) return { kind: "estimate", ts: p.ts, cwd: p.cwd, sessionId: p.sessionId, input: 0, output: 0, nanoUsd: 0, prompts: p.est === 1 && !p.agentId ? 1 : 0 };
      return { kind: "prompt", ts: p.ts, cwd: p.cwd, sessionId: p.sessionId, user: !p.agentId };
    }
    case "estimate": {
      const r = c[which];
      if (!r) return void 0;
      if (r.est === 2) return { kind: "estimate", ts: r.ts, cwd: r.cwd, sessionId: r.sessionId, input: 0, output: 0, nanoUsd: 0, prompts: 0 };
      const u = { input: r.input, output: r.output, cacheCreation: 0, cacheCreation1h: 0, cacheSplit: false, cacheRead: 0, fast: false };
      return { kind: "estimate", ts: r.ts, cwd: r.cwd, sessionId: r.sessionId, input: r.input, output: r.output, nanoUsd: Math.round(pricer.cost(ESTIMATE_PRICE_MODEL, u, false).usd * NANOS_PER_USD), prompts: 0 };
    }
    case "hook": {
      const r = c.next;
      if (which === "prev") return void 0;
      return { kind: "hook", ts: r.ts, cwd: r.cwd, sessionId: r.sessionId, what: r.what, a: r.a, b: r.b ?? "unknown" };
    }
    case "compaction": {
      const r = c.next;
      if (which === "prev") return void 0;
      return { kind: "compaction", ts: r.ts, cwd: r.cwd, sessionId: r.sessionId };
    }
    case "hit": {
      const h = c.next;
      if (which === "prev") return void 0;
      return { kind: "hit", ts: h.ts, cwd: h.cwd, sessionId: h.sessionId, rule: h.rule, severity: h.severity, tool: h.tool };
    }
  }
}
function activityOf(f) {
  if (f.kind === "call" || f.kind === "tool") return { session: f.sessionId, agent: f.agentId ? `${f.sessionId}/${f.agentId}` : void 0 };
  if (f.kind === "prompt" && f.user) return { session: f.sessionId };
  return void 0;
}
var latestTs = (f) => f.kind === "tool" && f.endTs !== void 0 ? Math.max(f.ts, f.endTs) : f.ts;

// src/fold/counts.ts
function bump(m, key, by) {
  const v = (m.get(key) ?? 0) + by;
  if (v === 0) m.delete(key);
  else m.set(key, v);
}
function entry(m, key, make) {
  let v = m.get(key);
  if (v === void 0) m.set(key, v = make());
  return v;
}

// src/fold/session-summary.ts
var MAX_SESSION_HITS = 200;
var newSessionTotals = (sessionId) => ({
  sessionId,
  cwd: "",
  firstTs: Infinity,
  lastTs: -Infinity,
  n: 0,
  nanoUsd: 0,
  tokens: 0,
  calls: 0,
  apiErrors: 0,
  toolCalls: 0,
  toolErrors: 0,
  prompts: 0,
  compactions: 0,
  models: /* @__PURE__ */ new Map(),
  tools: /* @__PURE__ */ new Map(),
  subagents: /* @__PURE__ */ new Map(),
  sensitive: /* @__PURE__ */ new Map(),
  hits: []
});
function addToSessions(all, f, sign, hit) {
  if (f.kind === "estimate" || f.kind === "hook" || !f.sessionId) return;
  const s = entry(all, f.sessionId, () => newSessionTotals(f.sessionId));
  s.n += sign;
  if (sign > 0) {
    const last = latestTs(f);
    if (f.ts < s.firstTs) s.firstTs = f.ts;
    if (last >= s.lastTs) {
      s.lastTs = last;
      if (f.cwd) s.cwd = f.cwd;
    } else if (!s.cwd && f.cwd) s.cwd = f.cwd;
  }
  const agent = (id) => entry(s.subagents, id, () => ({ calls: 0, tools: 0 }));
  const dropAgent = (id) => {
    const a = s.subagents.get(id);
    if (a && a.calls === 0 && a.tools === 0) s.subagents.delete(id);
  };
  switch (f.kind) {
    case "call": {
      s.calls += sign;
      if (f.apiError) s.apiErrors += sign;
      s.tokens += sign * f.total;
      s.nanoUsd += sign * f.nanoUsd;
      const m = entry(s.models, f.model, () => ({ calls: 0, tokens: 0, nanoUsd: 0 }));
      m.calls += sign;
      m.tokens += sign * f.total;
      m.nanoUsd += sign * f.nanoUsd;
      if (m.calls === 0) s.models.delete(f.model);
      if (f.agentId) {
        agent(f.agentId).calls += sign;
        dropAgent(f.agentId);
      }
      break;
    }
    case "tool": {
      s.toolCalls += sign;
      if (f.isError) s.toolErrors += sign;
      const t = entry(s.tools, f.name, () => ({ calls: 0, errors: 0 }));
      t.calls += sign;
      if (f.isError) t.errors += sign;
      if (t.calls === 0) s.tools.delete(f.name);
      if (f.agentId) {
        agent(f.agentId).tools += sign;
        dropAgent(f.agentId);
      }
      break;
    }
    case "prompt":
      if (f.user) s.prompts += sign;
      break;
    case "compaction":
      s.compactions += sign;
      break;
    case "hit":
      bump(s.sensitive, f.rule, sign);
      if (sign > 0 && hit && s.hits.length < MAX_SESSION_HITS) s.hits.push({ key: hit.key, ts: f.ts, rule: f.rule, severity: f.severity, tool: f.tool, value: hit.value });
      else if (sign < 0 && hit) s.hits = s.hits.filter((h) => h.key !== hit.key);
      break;
  }
  if (s.n === 0) all.delete(f.sessionId);
}
function sessionsToPlain(all) {
  const out = [];
  for (const s of all.values()) {
    const models = [];
    for (const [k, m] of s.models) models.push(k, m.calls, m.tokens, m.nanoUsd);
    const tools = [];
    for (const [k, t] of s.tools) tools.push(k, t.calls, t.errors);
    const agents = [];
    for (const [k, a] of s.subagents) agents.push(k, a.calls, a.tools);
    const sensitive = [];
    for (const [k, n] of s.sensitive) sensitive.push(k, n);
    const hits = s.hits.map((h) => [h.key, h.ts, h.rule, h.severity, h.tool, h.value]);
    out.push([s.sessionId, s.cwd, s.firstTs, s.lastTs, s.n, s.nanoUsd, s.tokens, s.calls, s.apiErrors, s.toolCalls, s.toolErrors, s.prompts, s.compactions, models, tools, agents, sensitive, hits]);
  }
  return out;
}
function sessionsFromPlain(v) {
  if (!Array.isArray(v)) return void 0;
  const all = /* @__PURE__ */ new Map();
  for (const row of v) {
    if (!Array.isArray(row) || row.length < 18) return void 0;
    const [sessionId, cwd, firstTs, lastTs, n, nanoUsd, tokens, calls, apiErrors, toolCalls, toolErrors, prompts, compactions] = row;
    const s = { ...newSessionTotals(sessionId), cwd, firstTs, lastTs, n, nanoUsd, tokens, calls, apiErrors, toolCalls, toolErrors, prompts, compactions };
    const [models, tools, agents, sensitive, hits] = row.slice(13);
    for (let i = 0; i < models.length; i += 4) s.models.set(models[i], { calls: models[i + 1], tokens: models[i + 2], nanoUsd: models[i + 3] });
    for (let i = 0; i < tools.length; i += 3) s.tools.set(tools[i], { calls: tools[i + 1], errors: tools[i + 2] });
    for (let i = 0; i < agents.length; i += 3) s.subagents.set(agents[i], { calls: agents[i + 1], tools: agents[i + 2] });
    for (let i = 0; i < sensitive.length; i += 2) s.sensitive.set(sensitive[i], sensitive[i + 1]);
    s.hits = hits.map(([key, ts, rule, severity, tool, value]) => ({ key, ts, rule, severity, tool, value }));
    all.set(sessionId, s);
  }
  return all;
}

// src/fold/plain.ts
var flat = (c) => {
  const out = [];
  for (const [k, n] of c) out.push(k, n);
  return out;
};
var unflat = (a) => {
  const m = /* @__PURE__ */ new Map();
  for (let i = 0; i < a.length; i += 2) m.set(a[i], a[i + 1]);
  return m;
};
var modelToArr = (m) => [m.n, m.apiErrors, m.unpriced, m.input, m.output, m.cacheCreation, m.cacheRead, m.nanoUsd, m.cacheCreation1h, m.savedNanoUsd];
var arrToModel = (a) => ({ n: a[0], apiErrors: a[1], unpriced: a[2], input: a[3], output: a[4], cacheCreation: a[5], cacheRead: a[6], nanoUsd: a[7], cacheCreation1h: a[8] ?? 0, savedNanoUsd: a[9] ?? 0 });
function cellToArr(c) {
  const models = [];
  for (const [k, m] of c.models) models.push(k, modelToArr(m));
  const tools = [];
  for (const [k, t] of c.tools) tools.push(k, t.calls, t.errors);
  return [c.n, c.prompts, c.compactions, c.operations, models, tools, flat(c.sessions), flat(c.agents), flat(c.reads), flat(c.failing), flat(c.edits), flat(c.sensitive)];
}
function arrToCell(a) {
  const models = /* @__PURE__ */ new Map();
  const ma = a[4];
  for (let i = 0; i < ma.length; i += 2) models.set(ma[i], arrToModel(ma[i + 1]));
  const tools = /* @__PURE__ */ new Map();
  const ta = a[5];
  for (let i = 0; i < ta.length; i += 3) tools.set(ta[i], { calls: ta[i + 1], errors: ta[i + 2] });
  return { n: a[0], prompts: a[1], compactions: a[2], operations: a[3], models, tools, sessions: unflat(a[6]), agents: unflat(a[7]), reads: unflat(a[8]), failing: unflat(a[9]), edits: unflat(a[10]), sensitive: unflat(a[11] ?? []) };
}
function toPlain(v) {
  if (v instanceof Map) {
    const a = [];
    for (const [k, x] of v) a.push([k, toPlain(x)]);
    return { $m: a };
  }
  if (Array.isArray(v)) return v.map(toPlain);
  if (v === Infinity) return "+Inf";
  if (v === -Infinity) return "-Inf";
  if (v !== null && typeof v === "object") {
    const o = {};
    for (const [k, x] of Object.entries(v)) o[k] = toPlain(x);
    return o;
  }
  return v;
}
function fromPlain(v) {
  if (Array.isArray(v)) return v.map(fromPlain);
  if (v === "+Inf") return Infinity;
  if (v === "-Inf") return -Infinity;
  if (v !== null && typeof v === "object") {
    const o = v;
    if (Array.isArray(o.$m)) return new Map(o.$m.map(([k, x]) => [k, fromPlain(x)]));
    return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, fromPlain(x)]));
  }
  return v;
}

// src/fold/rollup.ts
var ROLLUP = "A";
var CELL = "c";
var SERIES = "g";
var SESSIONS = "s";
var SESSIONS_PER_ROW = 200;
function foldRollupRows(f) {
  const rows = [];
  for (const [slot, byCwd] of f.cells) for (const [cwd, c] of byCwd) rows.push([ROLLUP, CELL, slot, cwd, JSON.stringify(cellToArr(c))]);
  const { unsettled: _u, settledUpTo: _s, ...rest } = f.series;
  rows.push([ROLLUP, SERIES, JSON.stringify(toPlain(rest))]);
  const sessions = sessionsToPlain(f.sessions);
  for (let i = 0; i < sessions.length; i += SESSIONS_PER_ROW) rows.push([ROLLUP, SESSIONS, JSON.stringify(sessions.slice(i, i + SESSIONS_PER_ROW))]);
  return rows;
}
function applyRollups(f, rows, keep) {
  const { cells, series } = f;
  for (const row of rows) {
    if (row[0] !== ROLLUP) continue;
    if (row[1] === CELL) {
      const slot = row[2];
      if (keep && !keep(slot * SLOT_MS)) continue;
      const bySlot = entry(cells, slot, () => /* @__PURE__ */ new Map());
      const add = arrToCell(JSON.parse(row[4]));
      const have = bySlot.get(row[3]);
      if (have) mergeCell(have, add);
      else bySlot.set(row[3], add);
    } else if (row[1] === SERIES) {
      mergeSeries(series, fromPlain(JSON.parse(row[2])));
    } else if (row[1] === SESSIONS) {
      for (const s of sessionsFromPlain(JSON.parse(row[2]))?.values() ?? []) {
        const have = f.sessions.get(s.sessionId);
        if (have) mergeSession(have, s);
        else f.sessions.set(s.sessionId, s);
      }
    }
  }
}
function mergeSession(into, s) {
  for (const k of ["n", "nanoUsd", "tokens", "calls", "apiErrors", "toolCalls", "toolErrors", "prompts", "compactions"]) into[k] += s[k];
  into.firstTs = Math.min(into.firstTs, s.firstTs);
  if (s.lastTs >= into.lastTs) {
    into.lastTs = s.lastTs;
    if (s.cwd) into.cwd = s.cwd;
  } else if (!into.cwd) into.cwd = s.cwd;
  for (const k of ["models", "tools", "subagents", "sensitive"]) mergeMap(into[k], s[k]);
  into.hits = [...s.hits, ...into.hits];
}
function mergeCell(into, c) {
  into.n += c.n;
  into.prompts += c.prompts;
  into.compactions += c.compactions;
  into.operations += c.operations;
  for (const k of ["models", "tools", "sessions", "agents", "reads", "failing", "edits", "sensitive"]) mergeMap(into[k], c[k]);
}
function mergeSeries(into, s) {
  for (const [k, v] of Object.entries(s)) {
    if (k === "unsettled" || k === "settledUpTo") continue;
    if (k === "lastEventMs") into.lastEventMs = Math.max(into.lastEventMs, v);
    else if (v instanceof Map) {
      const target = into[k];
      if (target instanceof Map) mergeMap(target, v);
      else into[k] = v;
    }
  }
}
function mergeMap(into, from) {
  for (const [k, v] of from) {
    if (typeof v === "number") bump(into, k, v);
    else if (v instanceof Map) mergeMap(entry(into, k, () => /* @__PURE__ */ new Map()), v);
    else if (v && typeof v === "object" && Array.isArray(v.counts)) {
      const h = v;
      const have = into.get(k);
      if (!have) {
        into.set(k, { ...h, counts: [...h.counts] });
        continue;
      }
      h.counts.forEach((n, i) => have.counts[i] = (have.counts[i] ?? 0) + n);
      have.sum += h.sum;
      have.count += h.count;
      if (h.min !== void 0) have.min = have.min === void 0 ? h.min : Math.min(have.min, h.min);
      if (h.max !== void 0) have.max = have.max === void 0 ? h.max : Math.max(have.max, h.max);
    } else if (v && typeof v === "object") {
      const have = into.get(k);
      if (!have) into.set(k, { ...v });
      else for (const [f, n] of Object.entries(v)) have[f] = (have[f] ?? 0) + n;
    }
  }
}

// src/fold/cell.ts
var newCell = () => ({ n: 0, prompts: 0, compactions: 0, operations: 0, models: /* @__PURE__ */ new Map(), tools: /* @__PURE__ */ new Map(), sessions: /* @__PURE__ */ new Map(), agents: /* @__PURE__ */ new Map(), reads: /* @__PURE__ */ new Map(), failing: /* @__PURE__ */ new Map(), edits: /* @__PURE__ */ new Map(), sensitive: /* @__PURE__ */ new Map() });
var newModelTotals = () => ({ n: 0, apiErrors: 0, unpriced: 0, input: 0, output: 0, cacheCreation: 0, cacheCreation1h: 0, cacheRead: 0, nanoUsd: 0, savedNanoUsd: 0 });
function addToCell(c, f, sign) {
  c.n += sign;
  const a = activityOf(f);
  if (a) {
    bump(c.sessions, a.session, sign);
    if (a.agent) bump(c.agents, a.agent, sign);
  }
  switch (f.kind) {
    case "call": {
      const m = entry(c.models, f.model, newModelTotals);
      addModel(m, f, sign);
      if (m.n === 0) c.models.delete(f.model);
      return;
    }
    case "tool": {
      c.operations += sign;
      const t = entry(c.tools, f.name, () => ({ calls: 0, errors: 0 }));
      t.calls += sign;
      if (f.isError) t.errors += sign;
      if (t.calls === 0) c.tools.delete(f.name);
      if (f.quality) bump(f.quality.kind === "read" ? c.reads : f.quality.kind === "failing" ? c.failing : c.edits, f.quality.key, sign);
      return;
    }
    case "prompt":
      if (f.user) c.prompts += sign;
      return;
    case "compaction":
      c.compactions += sign;
      return;
    case "hit":
      bump(c.sensitive, f.rule, sign);
      return;
    default:
      return;
  }
}
function addModel(m, f, sign) {
  m.n += sign;
  if (f.apiError) m.apiErrors += sign;
  if (!f.priced) m.unpriced += sign;
  m.input += sign * f.input;
  m.output += sign * f.output;
  m.cacheCreation += sign * f.cacheCreation;
  m.cacheCreation1h += sign * f.cacheCreation1h;
  m.cacheRead += sign * f.cacheRead;
  m.nanoUsd += sign * f.nanoUsd;
  m.savedNanoUsd += sign * f.savedNanoUsd;
}
function mergeModel(into, m) {
  into.n += m.n;
  into.apiErrors += m.apiErrors;
  into.unpriced += m.unpriced;
  into.input += m.input;
  into.output += m.output;
  into.cacheCreation += m.cacheCreation;
  into.cacheCreation1h += m.cacheCreation1h;
  into.cacheRead += m.cacheRead;
  into.nanoUsd += m.nanoUsd;
  into.savedNanoUsd += m.savedNanoUsd;
}
var tokensOf = (m) => m.input + m.output + m.cacheCreation + m.cacheRead;

// src/fold/histogram.ts
var TOOL_DURATION_BOUNDARIES = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600];
var TOKEN_BOUNDARIES = [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864];
var newHist = (boundaries) => ({ counts: new Array(boundaries.length + 1).fill(0), sum: 0, count: 0 });
function observe(h, boundaries, units, scale, sign) {
  const v = units / scale;
  let i = 0;
  while (i < boundaries.length && v > boundaries[i]) i++;
  h.counts[i] += sign;
  h.sum += sign * units;
  h.count += sign;
  if (sign > 0) {
    h.min = h.min === void 0 ? v : Math.min(h.min, v);
    h.max = h.max === void 0 ? v : Math.max(h.max, v);
  }
}

// src/fold/series.ts
var TOKEN_TYPES = ["input", "output", "cache_read", "cache_creation"];
var tokenOf = (f, type) => type === "input" ? f.input : type === "output" ? f.output : type === "cache_read" ? f.cacheRead : f.cacheCreation;
var newSeries = () => ({
  calls: /* @__PURE__ */ new Map(),
  apiErrors: /* @__PURE__ */ new Map(),
  toolCalls: /* @__PURE__ */ new Map(),
  pending: /* @__PURE__ */ new Map(),
  prompts: /* @__PURE__ */ new Map(),
  compactions: /* @__PURE__ */ new Map(),
  sensitive: /* @__PURE__ */ new Map(),
  sessions: /* @__PURE__ */ new Map(),
  subagents: /* @__PURE__ */ new Map(),
  toolDuration: /* @__PURE__ */ new Map(),
  perRequest: /* @__PURE__ */ new Map(),
  unsettled: /* @__PURE__ */ new Map(),
  settledUpTo: -Infinity,
  unpriced: /* @__PURE__ */ new Map(),
  lastEventMs: -Infinity,
  estTokens: /* @__PURE__ */ new Map(),
  estCost: /* @__PURE__ */ new Map(),
  estPrompts: /* @__PURE__ */ new Map(),
  notifications: /* @__PURE__ */ new Map(),
  permissions: /* @__PURE__ */ new Map()
});
function addToSeries(s, f, sign) {
  const project = projectOf(f.cwd);
  if (sign > 0) s.lastEventMs = Math.max(s.lastEventMs, f.kind === "tool" && f.endTs !== void 0 ? Math.max(f.ts, f.endTs) : f.ts);
  const a = activityOf(f);
  if (a) {
    countIn(s.sessions, project, a.session, sign);
    if (a.agent) countIn(s.subagents, project, a.agent, sign);
  }
  switch (f.kind) {
    case "call": {
      const k = f.model + SEP + project + SEP + f.agent;
      const m = entry(s.calls, k, newModelTotals);
      addModel(m, f, sign);
      if (m.n === 0) s.calls.delete(k);
      if (!f.priced) bump(s.unpriced, f.model, sign);
      if (f.apiError) bump(s.apiErrors, project, sign);
      else perRequest(s, f, sign);
      return;
    }
    case "tool":
      if (f.outcome === "pending") {
        bump(s.pending, f.name + SEP + project, sign);
        return;
      }
      bump(s.toolCalls, f.name + SEP + f.outcome + SEP + project, sign);
      histogram(s.toolDuration, f.name, TOOL_DURATION_BOUNDARIES, f.durationMs, 1e3, sign);
      return;
    case "prompt":
      if (f.user) bump(s.prompts, project, sign);
      return;
    case "compaction":
      bump(s.compactions, project, sign);
      return;
    case "estimate":
      level(s.estTokens, "input" + SEP + project, sign * f.input);
      level(s.estTokens, "output" + SEP + project, sign * f.output);
      level(s.estCost, project, sign * f.nanoUsd);
      level(s.estPrompts, project, sign * f.prompts);
      return;
    case "hook":
      if (f.what === "notification") bump(s.notifications, f.a + SEP + project, sign);
      else bump(s.permissions, f.a + SEP + f.b + SEP + project, sign);
      return;
    case "hit":
      bump(s.sensitive, f.rule + SEP + f.severity + SEP + f.tool + SEP + project, sign);
      return;
  }
}
function level(m, key, by) {
  m.set(key, (m.get(key) ?? 0) + by);
}
function countIn(m, project, member, sign) {
  const c = entry(m, project, () => /* @__PURE__ */ new Map());
  bump(c, member, sign);
  if (c.size === 0) m.delete(project);
}
function histogram(m, key, bounds, units, scale, sign) {
  const h = entry(m, key, () => newHist(bounds));
  observe(h, bounds, units, scale, sign);
  if (h.count === 0) m.delete(key);
}
function perRequest(s, f, sign) {
  if (sign < 0 && s.unsettled.delete(f.key)) return;
  if (sign > 0 && f.ts > s.settledUpTo) {
    s.unsettled.set(f.key, { ts: f.ts, model: f.model, tokens: TOKEN_TYPES.map((t) => tokenOf(f, t)) });
    return;
  }
  TOKEN_TYPES.forEach((type) => histogram(s.perRequest, f.model + SEP + type, TOKEN_BOUNDARIES, tokenOf(f, type), 1, sign));
}
function settle(s, upTo) {
  if (!(upTo > s.settledUpTo)) return;
  s.settledUpTo = upTo;
  for (const [key, u] of s.unsettled) {
    if (u.ts > upTo) continue;
    s.unsettled.delete(key);
    TOKEN_TYPES.forEach((type, i) => histogram(s.perRequest, u.model + SEP + type, TOKEN_BOUNDARIES, u.tokens[i], 1, 1));
  }
}

// src/fold/fold.ts
var LEGACY_START_MS = Date.UTC(2025, 0, 1);
var DEFAULT_HISTOGRAM_SETTLE_MS = 5 * 6e4;
var Fold = class _Fold {
  /** slot → cwd → cell. */
  cells = /* @__PURE__ */ new Map();
  series = newSeries();
  /** Per-session totals (`ccotel sessions`, the recent-sessions view): see session-summary.ts. */
  sessions = /* @__PURE__ */ new Map();
  startMs;
  /** Something changed since the last save. */
  dirty = true;
  /**
   * What changed since the last save, so a snapshot rewrites only those parts (fold-file.ts): the
   * chunks of time buckets (chunkOf) and the sessions touched. The series are always saved.
   */
  dirtyChunks = /* @__PURE__ */ new Set();
  dirtySessions = /* @__PURE__ */ new Set();
  settleMs;
  pricer;
  clock;
  budgetCache;
  constructor(o) {
    this.pricer = o.pricer;
    this.startMs = o.startMs ?? LEGACY_START_MS;
    this.settleMs = o.histogramSettleMs ?? DEFAULT_HISTOGRAM_SETTLE_MS;
    this.clock = o.clock ?? Date.now;
  }
  /**
   * A fold of every record in the ledger and the rollups of pruned ones (optionally only those whose
   * event time passes `keep`).
   */
  static of(ledger, o, keep) {
    const f = new _Fold(o);
    f.settle(f.clock());
    for (const c of ledger.records()) {
      if (keep && !keep(c.next.ts)) continue;
      f.apply(c);
    }
    applyRollups(f, ledger.rollups, keep);
    return f;
  }
  /**
   * The fold's rollup rows once `changes` (records older than the settle window) leave the ledger:
   * the rollups so far plus what those records contribute, so Fold.of gives the same aggregates
   * before and after (see rollup.ts).
   */
  static rollupAfterPrune(ledger, changes, o) {
    const f = new _Fold({ ...o, clock: () => Number.MAX_SAFE_INTEGER });
    f.settle(Number.MAX_SAFE_INTEGER);
    applyRollups(f, ledger.rollups);
    for (const c of changes) f.apply(c);
    return foldRollupRows(f);
  }
  /** Subtracts what the replaced version counted and adds the new one. */
  apply(c) {
    const hit = c.type === "hit" ? c.next : void 0;
    const prev = factOf(c, "prev", this.pricer);
    if (prev) {
      this.add(prev, -1);
      addToSessions(this.sessions, prev, -1, hit);
    }
    const next = factOf(c, "next", this.pricer);
    if (next) {
      this.add(next, 1);
      addToSessions(this.sessions, next, 1, hit);
    }
    if (prev?.sessionId) this.dirtySessions.add(prev.sessionId);
    if (next?.sessionId) this.dirtySessions.add(next.sessionId);
    this.dirty = true;
  }
  add(f, sign) {
    if (f.kind === "estimate" || f.kind === "hook") {
      addToSeries(this.series, f, sign);
      return;
    }
    const slot = slotOf(f.ts);
    this.dirtyChunks.add(chunkOf(slot));
    const bySlot = entry(this.cells, slot, () => /* @__PURE__ */ new Map());
    const cell = entry(bySlot, f.cwd, newCell);
    addToCell(cell, f, sign);
    if (cell.n === 0) {
      bySlot.delete(f.cwd);
      if (bySlot.size === 0) this.cells.delete(slot);
    }
    if (sign > 0 && f.ts > this.series.settledUpTo) settle(this.series, this.clock() - this.settleMs);
    addToSeries(this.series, f, sign);
    if (f.kind === "call" && this.budgetCache) {
      const b = this.budgetCache;
      const project = projectOf(f.cwd);
      b.ranges.forEach(([s, e], i) => {
        if (f.ts >= s && f.ts < e) entry(b.byProject, project, () => b.ranges.map(() => 0))[i] += sign * f.nanoUsd;
      });
    }
  }
  /** Lets calls older than `nowMs - settle window` into the per-request histogram. */
  settle(nowMs) {
    const waiting = this.series.unsettled.size;
    settle(this.series, nowMs - this.settleMs);
    if (this.series.unsettled.size !== waiting) this.dirty = true;
  }
  /**
   * Everything in [startMs, endMs), optionally only cwds containing `project`. The range must be on
   * the slot grid (see slot.ts); callers check onSlotGrid() and fold the ledger otherwise.
   */
  range(startMs, endMs, project) {
    if (!onSlotGrid(startMs, endMs)) throw new Error(`range ${startMs}..${endMs} is not on the ${15}-minute grid`);
    const [from, to] = slotRange(startMs, endMs);
    const out = { sessions: /* @__PURE__ */ new Set(), agents: /* @__PURE__ */ new Set(), prompts: 0, operations: 0, compactions: 0, models: /* @__PURE__ */ new Map(), tools: /* @__PURE__ */ new Map(), projects: /* @__PURE__ */ new Map(), reads: /* @__PURE__ */ new Map(), failing: /* @__PURE__ */ new Map(), edits: /* @__PURE__ */ new Map(), sensitive: /* @__PURE__ */ new Map() };
    for (const [slot, byCwd] of this.cells) {
      if (slot < from || slot >= to) continue;
      for (const [cwd, c] of byCwd) {
        if (project !== void 0 && !cwd.includes(project)) continue;
        out.prompts += c.prompts;
        out.operations += c.operations;
        out.compactions += c.compactions;
        for (const s of c.sessions.keys()) out.sessions.add(s);
        for (const a of c.agents.keys()) out.agents.add(a);
        if (c.models.size > 0 || c.operations > 0 || c.sessions.size > 0) {
          const p = entry(out.projects, cwd, () => ({ sessions: /* @__PURE__ */ new Set(), operations: 0, nanoUsd: 0, tokens: 0 }));
          for (const s of c.sessions.keys()) p.sessions.add(s);
          p.operations += c.operations;
          for (const m of c.models.values()) {
            p.nanoUsd += m.nanoUsd;
            p.tokens += tokensOf(m);
          }
        }
        for (const [name, m] of c.models) mergeModel(entry(out.models, name, newModelTotals), m);
        for (const [name, t] of c.tools) {
          const o = entry(out.tools, name, () => ({ calls: 0, errors: 0 }));
          o.calls += t.calls;
          o.errors += t.errors;
        }
        for (const [k, n] of c.reads) bump(out.reads, k, n);
        for (const [k, n] of c.failing) bump(out.failing, k, n);
        for (const [k, n] of c.edits) bump(out.edits, k, n);
        for (const [k, n] of c.sensitive) bump(out.sensitive, k, n);
      }
    }
    return out;
  }
  /**
   * Cost (nano-dollars) per metrics project in each [start, end) range, e.g. today/week/month.
   * Kept up to date as records arrive; recomputed from the buckets only when the ranges change
   * (once a day), so a collection does not walk history.
   */
  budget(ranges) {
    const key = JSON.stringify(ranges);
    if (this.budgetCache?.key !== key) {
      const byProject = /* @__PURE__ */ new Map();
      const slots = ranges.map(([s, e]) => slotRange(s, e));
      for (const [slot, byCwd] of this.cells) {
        slots.forEach(([from, to], i) => {
          if (slot < from || slot >= to) return;
          for (const [cwd, c] of byCwd) {
            let nanos = 0;
            for (const m of c.models.values()) nanos += m.nanoUsd;
            entry(byProject, projectOf(cwd), () => ranges.map(() => 0))[i] += nanos;
          }
        });
      }
      this.budgetCache = { key, ranges, byProject };
    }
    return this.budgetCache.byProject;
  }
  /** Models without a price over all history. */
  unpricedModels() {
    return [...this.series.unpriced.keys()].sort();
  }
};

export {
  SLOT_MS,
  slotOf,
  onSlotGrid,
  CHUNK_SLOTS,
  chunkOf,
  NANOS_PER_USD,
  projectOf,
  SEP,
  sessionsToPlain,
  sessionsFromPlain,
  cellToArr,
  arrToCell,
  toPlain,
  fromPlain,
  TOOL_DURATION_BOUNDARIES,
  TOKEN_BOUNDARIES,
  newSeries,
  LEGACY_START_MS,
  Fold
};
