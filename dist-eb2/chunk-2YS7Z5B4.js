import { createRequire as __cr } from 'module'; const require = __cr(import.meta.url);
import {
  AGENT_COMPACT,
  AGENT_MAIN,
  AGENT_UNKNOWN,
  SerializedState,
  agentTypeLabel,
  isAgentTool,
  isCompactionAgent,
  summarizeToolTarget
} from "./chunk-APSSRI2I.js";
import {
  usageTotal
} from "./chunk-IEE2PAZ5.js";
import {
  CREATE_EXCLUSIVE,
  StateLock,
  createDetector,
  faultPoint,
  hookEstimate,
  syncDir,
  writeFileAtomic
} from "./chunk-4KT5NHGZ.js";
import {
  UserError
} from "./chunk-EM5NTX2M.js";

// src/state/store.ts
import { closeSync, constants, openSync, readSync } from "node:fs";
import { open, readdir, rename, stat, truncate, unlink } from "node:fs/promises";
import { randomBytes } from "node:crypto";
import { join } from "node:path";

// src/state/tombstones.ts
import { createHash } from "node:crypto";
var CHUNK = 4096;
function keyHash(typedKey) {
  return createHash("md5").update(typedKey).digest().readBigUInt64LE(0);
}
var Tombstones = class {
  sorted = new BigUint64Array(0);
  /** Hashes loaded or added since the array was last sorted. */
  added = [];
  get size() {
    return this.sorted.length + this.added.length;
  }
  /** Rows `serialize()` writes (the ledger counts them as current records). */
  get rowCount() {
    this.settle();
    return Math.ceil(this.sorted.length / CHUNK);
  }
  add(typedKey) {
    this.added.push(keyHash(typedKey));
  }
  /** One saved row's payload (base64 of little-endian 64-bit hashes). */
  load(b64) {
    const buf = Buffer.from(b64, "base64");
    for (let i = 0; i + 8 <= buf.length; i += 8) this.added.push(buf.readBigUInt64LE(i));
  }
  has(typedKey) {
    if (this.size === 0) return false;
    this.settle();
    const h = keyHash(typedKey);
    const a = this.sorted;
    let lo = 0;
    let hi = a.length;
    while (lo < hi) {
      const mid = lo + hi >>> 1;
      if (a[mid] < h) lo = mid + 1;
      else hi = mid;
    }
    return lo < a.length && a[lo] === h;
  }
  /** The payloads of the rows to save, sorted and without duplicates. */
  *serialize() {
    this.settle();
    for (let i = 0; i < this.sorted.length; i += CHUNK) {
      const part = this.sorted.subarray(i, i + CHUNK);
      const buf = Buffer.alloc(part.length * 8);
      part.forEach((h, j) => buf.writeBigUInt64LE(h, j * 8));
      yield buf.toString("base64");
    }
  }
  settle() {
    if (this.added.length === 0) return;
    const all = new BigUint64Array(this.sorted.length + this.added.length);
    all.set(this.sorted);
    all.set(this.added, this.sorted.length);
    all.sort();
    let n = 0;
    for (let i = 0; i < all.length; i++) if (i === 0 || all[i] !== all[n - 1]) all[n++] = all[i];
    this.sorted = all.slice(0, n);
    this.added = [];
  }
};

// src/state/ledger.ts
var HOOK_START = 1;
var HOOK_END = 2;
var builtinDetector;
var sessionRow = (r) => ["S", r.sessionId, r.cwd, r.gitBranch ?? null, r.version ?? null];
var usageRow = (r) => {
  const u = r.usage;
  const row = ["U", r.key, r.ts, r.sessionId, r.agentId ?? null, r.cwd, r.model, u.input, u.output, u.cacheCreation, u.cacheCreation1h, u.cacheSplit ? 1 : 0, u.cacheRead, u.fast ? 1 : 0, r.apiError ? 1 : 0];
  if (r.agentType !== void 0) row.push(r.agentType);
  return row;
};
var toolRow = (r) => {
  const row = ["T", r.id, r.ts, r.sessionId, r.agentId ?? null, r.cwd, r.name, r.target ?? null, r.endTs ?? null, r.isError === void 0 ? null : r.isError ? 1 : 0];
  if (r.hook) row.push(r.hook);
  return row;
};
var promptRow = (r) => r.est ? ["P", r.uuid, r.ts, r.sessionId, r.agentId ?? null, r.cwd, r.est] : ["P", r.uuid, r.ts, r.sessionId, r.agentId ?? null, r.cwd];
var estimateRow = (r) => ["E", r.key, r.ts, r.sessionId, r.agentId ?? null, r.cwd, r.input, r.output, r.est];
var hookRow = (r) => ["K", r.key, r.ts, r.sessionId, r.cwd, r.what, r.a, r.b ?? null];
var compactionRow = (r) => ["C", r.key, r.ts, r.sessionId, r.cwd];
var hitRow = (r) => ["R", r.key, r.toolId, r.ts, r.sessionId, r.agentId ?? null, r.cwd, r.tool, r.rule, r.severity, r.field, r.value];
var PRUNE_MARGIN_MS = 864e5;
var Ledger = class {
  usage = /* @__PURE__ */ new Map();
  tools = /* @__PURE__ */ new Map();
  prompts = /* @__PURE__ */ new Map();
  sessions = /* @__PURE__ */ new Map();
  compactions = /* @__PURE__ */ new Map();
  estimates = /* @__PURE__ */ new Map();
  hookRecords = /* @__PURE__ */ new Map();
  /** Sessions with exact usage (a transcript): hook estimates of theirs no longer count. */
  exactSessions = /* @__PURE__ */ new Set();
  /** Estimate and hook-prompt keys by session, to replace them once exact numbers arrive. */
  estimatedBy = /* @__PURE__ */ new Map();
  hits = /* @__PURE__ */ new Map();
  hitsByTool = /* @__PURE__ */ new Map();
  /** Sensitive-action rules, run once per new tool call (commands set the configured ones). */
  detect = builtinDetector ??= createDetector();
  dirty = /* @__PURE__ */ new Map();
  /** Tool results seen before their tool_use (a subagent's file can be read before its parent's). */
  orphanResults = /* @__PURE__ */ new Map();
  /** Agent label by `session/agentId`, from meta files, hooks, Task calls and stored records. */
  agentTypes = /* @__PURE__ */ new Map();
  listeners = [];
  /**
   * Rows kept for the fold, verbatim: rollups ('A' rows) holding what pruned records contributed
   * (src/fold/rollup.ts reads them). Replaced whole by a prune.
   */
  rollups = [];
  /** Keys of pruned records, so a transcript re-read from 0 does not bring them back. */
  pruned = new Tombstones();
  horizon;
  /** Calls `fn` for every record apply() adds or replaces (not for loadRow: that is history already folded). */
  onChange(fn) {
    this.listeners.push(fn);
    return () => {
      const i = this.listeners.indexOf(fn);
      if (i >= 0) this.listeners.splice(i, 1);
    };
  }
  /** Every record as it is now, as additions (rebuilding a fold from scratch). */
  *records() {
    for (const next of this.usage.values()) yield { type: "usage", next };
    for (const next of this.tools.values()) yield { type: "tool", next };
    for (const next of this.prompts.values()) yield { type: "prompt", next };
    for (const next of this.compactions.values()) yield { type: "compaction", next };
    for (const next of this.estimates.values()) yield { type: "estimate", next };
    for (const next of this.hookRecords.values()) yield { type: "hook", next };
    for (const next of this.hits.values()) yield { type: "hit", next };
  }
  emit(c) {
    for (const fn of this.listeners) fn(c);
  }
  apply(e) {
    const { ctx } = e;
    const s = this.sessions.get(ctx.sessionId);
    if (!s || ctx.cwd && s.cwd !== ctx.cwd || ctx.gitBranch && s.gitBranch !== ctx.gitBranch || ctx.version && s.version !== ctx.version) {
      const rec = { sessionId: ctx.sessionId, cwd: ctx.cwd || s?.cwd || "", gitBranch: ctx.gitBranch ?? s?.gitBranch, version: ctx.version ?? s?.version };
      this.sessions.set(ctx.sessionId, rec);
      this.dirty.set(`S${ctx.sessionId}`, () => sessionRow(rec));
    }
    switch (e.kind) {
      case "model_call": {
        const prev = this.usage.get(e.key);
        if (prev && usageTotal(prev.usage) >= usageTotal(e.usage)) return;
        if (!prev && this.wasPruned("U", e.key, e.ts)) return;
        const agentType = prev ? prev.agentType : this.agentTypeOf(ctx.sessionId, ctx.agentId, e.parentToolUseId);
        this.putUsage({ key: e.key, ts: prev ? Math.min(prev.ts, e.ts) : e.ts, sessionId: ctx.sessionId, agentId: prev ? prev.agentId : ctx.agentId, cwd: ctx.cwd, model: e.model, usage: e.usage, apiError: e.apiError, agentType });
        return;
      }
      case "tool_use": {
        if (this.tools.has(e.id)) return;
        if (this.wasPruned("T", e.id, e.ts)) return;
        const orphan = this.orphanResults.get(e.id);
        this.orphanResults.delete(e.id);
        this.putTool({ id: e.id, ts: e.ts, sessionId: ctx.sessionId, agentId: ctx.agentId, cwd: ctx.cwd, name: e.name, target: summarizeToolTarget(e.name, e.input), endTs: orphan?.endTs, isError: orphan?.isError });
        this.detectHits(e.id, e.ts, ctx, e.name, e.input);
        return;
      }
      case "tool_result": {
        const t = this.tools.get(e.toolUseId);
        if (e.agentId && t?.target && isAgentTool(t.name)) this.noteAgentType(ctx.sessionId, e.agentId, t.target, false);
        if (!t) {
          if (this.wasPruned("T", e.toolUseId)) return;
          this.orphanResults.set(e.toolUseId, { endTs: e.ts, isError: e.isError });
          return;
        }
        if (t.endTs === e.ts && t.isError === e.isError) return;
        if (t.hook & HOOK_END) return;
        this.putTool({ ...t, endTs: e.ts, isError: e.isError });
        return;
      }
      case "prompt": {
        if (this.prompts.has(e.uuid) || this.wasPruned("P", e.uuid, e.ts)) return;
        this.putPrompt({ uuid: e.uuid, ts: e.ts, sessionId: ctx.sessionId, agentId: ctx.agentId, cwd: ctx.cwd });
        return;
      }
      case "compaction": {
        const key = `${ctx.sessionId}@${e.ts}`;
        if (this.compactions.has(key) || this.wasPruned("C", key, e.ts)) return;
        this.putCompaction({ key, ts: e.ts, sessionId: ctx.sessionId, cwd: ctx.cwd });
        return;
      }
      case "turn_end":
        return;
      case "hook":
        this.applyHook(e);
        return;
    }
  }
  /** Sensitive-action rules, once per new tool call (hits are keyed by call and rule). */
  detectHits(id, ts, ctx, name, input) {
    const cwd = this.sessions.get(ctx.sessionId)?.cwd || ctx.cwd;
    for (const h of this.detect({ name, input, cwd })) {
      this.putHit({ key: `${id}/${h.rule}`, toolId: id, ts, sessionId: ctx.sessionId, agentId: ctx.agentId, cwd: ctx.cwd, tool: name, rule: h.rule, severity: h.severity, field: h.field, value: h.value });
    }
  }
  /** Hook events: tool timings, prompts and estimates of hook-only sessions, notifications, permissions. */
  applyHook(e) {
    const { ctx } = e;
    if (ctx.agentId && e.detail.agent_type) this.noteAgentType(ctx.sessionId, ctx.agentId, e.detail.agent_type);
    const t = e.tool && (this.tools.has(e.tool.id) || !this.wasPruned("T", e.tool.id, e.tool.phase === "pre" ? e.ts : void 0)) ? e.tool : void 0;
    const known = t && this.tools.get(t.id);
    const counted = known !== void 0 && known.endTs !== void 0 && known.isError !== void 0;
    if (t && !counted) {
      if (t.phase === "pre") {
        if (known?.hook & HOOK_START) return;
        if (known) this.putTool({ ...known, ts: e.ts, hook: (known.hook ?? 0) | HOOK_START });
        else {
          const orphan = this.orphanResults.get(t.id);
          this.orphanResults.delete(t.id);
          this.putTool({ id: t.id, ts: e.ts, sessionId: ctx.sessionId, agentId: ctx.agentId, cwd: ctx.cwd, name: t.name, target: summarizeToolTarget(t.name, t.input), endTs: orphan?.endTs, isError: orphan?.isError, hook: HOOK_START });
          this.detectHits(t.id, e.ts, ctx, t.name, t.input);
        }
      } else {
        const isError = t.phase === "failure";
        if (known?.hook & HOOK_END) return;
        if (known) this.putTool({ ...known, endTs: e.ts, isError, hook: (known.hook ?? 0) | HOOK_END });
        else {
          this.putTool({ id: t.id, ts: e.ts, sessionId: ctx.sessionId, agentId: ctx.agentId, cwd: ctx.cwd, name: t.name, target: summarizeToolTarget(t.name, t.input), endTs: e.ts, isError, hook: HOOK_END });
          this.detectHits(t.id, e.ts, ctx, t.name, t.input);
        }
      }
    }
    const exact = this.exactSessions.has(ctx.sessionId) ? 2 : 1;
    if (e.promptChars !== void 0 && !e.transcript) {
      const uuid = `hook:${e.id}`;
      if (!this.prompts.has(uuid) && !this.wasPruned("P", uuid, e.ts)) {
        this.putPrompt({ uuid, ts: e.ts, sessionId: ctx.sessionId, agentId: ctx.agentId, cwd: ctx.cwd, est: exact });
        this.indexEstimate(ctx.sessionId, uuid);
      }
    }
    const est = hookEstimate(e);
    if (est && (est.input > 0 || est.output > 0) && !this.estimates.has(e.id) && !this.wasPruned("E", e.id, e.ts)) {
      this.putEstimate({ key: e.id, ts: e.ts, sessionId: ctx.sessionId, agentId: ctx.agentId, cwd: ctx.cwd, input: est.input, output: est.output, est: exact });
      this.indexEstimate(ctx.sessionId, e.id);
    }
    if ((e.event === "Notification" || e.event === "PermissionRequest") && !this.hookRecords.has(e.id) && !this.wasPruned("K", e.id, e.ts)) {
      const r = e.event === "Notification" ? { key: e.id, ts: e.ts, sessionId: ctx.sessionId, cwd: ctx.cwd, what: "notification", a: e.detail.notification_type ?? "unknown" } : { key: e.id, ts: e.ts, sessionId: ctx.sessionId, cwd: ctx.cwd, what: "permission", a: e.detail.tool_name ?? "unknown", b: e.detail.decision ?? "unknown" };
      this.hookRecords.set(r.key, r);
      this.emit({ type: "hook", next: r });
      this.dirty.set(`K${r.key}`, () => hookRow(r));
    }
  }
  /**
   * An estimate from outside the spool (`ccotel import-activity`): kept once per key, and replaced
   * like a hook's once the session has exact numbers. Returns false when the key is already known.
   */
  importEstimate(r) {
    if (this.estimates.has(r.key) || this.wasPruned("E", r.key, r.ts)) return false;
    this.putEstimate({ ...r, est: this.exactSessions.has(r.sessionId) ? 2 : 1 });
    this.indexEstimate(r.sessionId, r.key);
    return true;
  }
  indexEstimate(sessionId, key) {
    const keys = this.estimatedBy.get(sessionId);
    if (keys) keys.push(key);
    else this.estimatedBy.set(sessionId, [key]);
  }
  /** The session's transcript arrived: its hook estimates and hook prompts stop counting. */
  markExact(sessionId) {
    if (this.exactSessions.has(sessionId)) return;
    this.exactSessions.add(sessionId);
    for (const key of this.estimatedBy.get(sessionId) ?? []) {
      const est = this.estimates.get(key);
      if (est && est.est === 1) this.putEstimate({ ...est, est: 2 });
      const p = this.prompts.get(key);
      if (p && p.est === 1) this.putPrompt({ ...p, est: 2 });
    }
    this.estimatedBy.delete(sessionId);
  }
  /**
   * The type of a subagent (from its meta file, a hook or its Task call), for its calls stored from
   * now on. `override` false: only when nothing named it yet.
   */
  noteAgentType(sessionId, agentId, type, override = true) {
    const k = sessionId + "/" + agentId;
    if (override || !this.agentTypes.has(k)) this.agentTypes.set(k, agentTypeLabel(type));
  }
  /** The agent label of a new call: main, compact, the known subagent type, else unknown. */
  agentTypeOf(sessionId, agentId, taskId) {
    if (!agentId) return AGENT_MAIN;
    if (isCompactionAgent(agentId)) return AGENT_COMPACT;
    const known = this.agentTypes.get(sessionId + "/" + agentId);
    if (known) return known;
    const task = taskId ? this.tools.get(taskId) : void 0;
    if (task?.target && isAgentTool(task.name)) {
      this.noteAgentType(sessionId, agentId, task.target);
      return this.agentTypes.get(sessionId + "/" + agentId);
    }
    return AGENT_UNKNOWN;
  }
  /** A stored call of a known subagent type names the type for that subagent's later calls. */
  learnAgentType(r) {
    if (r.agentId && r.agentType && r.agentType !== AGENT_UNKNOWN) this.noteAgentType(r.sessionId, r.agentId, r.agentType, false);
  }
  putUsage(r) {
    this.learnAgentType(r);
    const prev = this.usage.get(r.key);
    this.usage.set(r.key, r);
    this.emit({ type: "usage", prev, next: r });
    this.dirty.set(`U${r.key}`, () => usageRow(r));
    this.markExact(r.sessionId);
  }
  putEstimate(r) {
    const prev = this.estimates.get(r.key);
    this.estimates.set(r.key, r);
    this.emit({ type: "estimate", prev, next: r });
    this.dirty.set(`E${r.key}`, () => estimateRow(r));
  }
  putTool(r) {
    const prev = this.tools.get(r.id);
    this.tools.set(r.id, r);
    this.emit({ type: "tool", prev, next: r });
    this.dirty.set(`T${r.id}`, () => toolRow(r));
  }
  putPrompt(r) {
    const prev = this.prompts.get(r.uuid);
    this.prompts.set(r.uuid, r);
    this.emit({ type: "prompt", prev, next: r });
    this.dirty.set(`P${r.uuid}`, () => promptRow(r));
  }
  putCompaction(r) {
    this.compactions.set(r.key, r);
    this.emit({ type: "compaction", next: r });
    this.dirty.set(`C${r.key}`, () => compactionRow(r));
  }
  putHit(r) {
    this.setHit(r);
    this.emit({ type: "hit", next: r });
    this.dirty.set(`R${r.key}`, () => hitRow(r));
  }
  setHit(r) {
    if (!this.hits.has(r.key)) {
      const list = this.hitsByTool.get(r.toolId);
      if (list) list.push(r);
      else this.hitsByTool.set(r.toolId, [r]);
    }
    this.hits.set(r.key, r);
  }
  /**
   * Whether a record of this key was pruned. Only keys at most a day past the horizon are looked up
   * (no event time: always), so ingesting new history costs nothing extra.
   */
  wasPruned(type, key, ts) {
    if (!this.horizon || ts !== void 0 && ts >= this.horizon.ms + PRUNE_MARGIN_MS) return false;
    return this.pruned.has(type + key);
  }
  /**
   * The per-call records `pruneOlder(cutoffMs)` would drop, as additions (what they contribute to
   * the fold), and the bytes their rows take. Kept whatever their age: sessions (small, one per
   * session), rule hits (few; `audit` lists them) and hook estimates not yet replaced by exact
   * numbers (a transcript arriving later must still be able to replace them).
   */
  prunable(cutoffMs) {
    const changes = [];
    let bytes = 0;
    const take = (map, type, row, skip) => {
      for (const r of map.values()) {
        if (r.ts >= cutoffMs || skip?.(r)) continue;
        changes.push({ type, next: r });
        bytes += JSON.stringify(row(r)).length + 1;
      }
    };
    take(this.usage, "usage", usageRow);
    take(this.tools, "tool", toolRow);
    take(this.prompts, "prompt", promptRow, (r) => r.est === 1);
    take(this.compactions, "compaction", compactionRow);
    take(this.estimates, "estimate", estimateRow, (r) => r.est === 1);
    take(this.hookRecords, "hook", hookRow);
    return { changes, bytes };
  }
  /**
   * Drops the given records (from prunable()), remembers their keys, and replaces the rollup rows
   * with `rollups`, which must hold what every pruned record so far contributed. Nothing is
   * emitted: the aggregates do not change. Made durable by the store's compaction (StateStore.prune).
   */
  pruneOlder(cutoffMs, changes, rollups) {
    for (const c of changes) {
      const [letter, key, map] = this.locate(c);
      map.delete(key);
      this.dirty.delete(letter + key);
      this.pruned.add(letter + key);
    }
    this.rollups = rollups;
    const h = this.horizon;
    this.horizon = { ms: Math.max(h?.ms ?? -Infinity, cutoffMs), records: (h?.records ?? 0) + changes.length, atMs: Date.now() };
  }
  locate(c) {
    switch (c.type) {
      case "usage":
        return ["U", c.next.key, this.usage];
      case "tool":
        return ["T", c.next.id, this.tools];
      case "prompt":
        return ["P", c.next.uuid, this.prompts];
      case "compaction":
        return ["C", c.next.key, this.compactions];
      case "estimate":
        return ["E", c.next.key, this.estimates];
      case "hook":
        return ["K", c.next.key, this.hookRecords];
      case "hit":
        return ["R", c.next.key, this.hits];
    }
  }
  /** The rule hits of one tool call (the trace builder attaches them as span events). */
  hitsOf(toolId) {
    return this.hitsByTool.get(toolId) ?? [];
  }
  /**
   * Serialized records changed since the last acknowledged batch (newline-terminated). They stay
   * pending until `ack()`: a failed write loses nothing and the next commit writes them again. A
   * record changed again after this call stays pending (ack only clears what this batch wrote).
   */
  pendingChanges() {
    if (this.dirty.size === 0) return { text: "", rows: 0, ack: () => {
    } };
    const batch = new Map(this.dirty);
    let text = "";
    for (const row of batch.values()) text += JSON.stringify(row()) + "\n";
    return {
      text,
      rows: batch.size,
      ack: () => {
        for (const [k, row] of batch) if (this.dirty.get(k) === row) this.dirty.delete(k);
      }
    };
  }
  /** Serialized pending records, forgotten at once (for tests and tools; commit uses pendingChanges). */
  takeChanges() {
    const b = this.pendingChanges();
    b.ack();
    return b.text;
  }
  /** Records held now (the current version of each key): what a compacted ledger contains. */
  get recordCount() {
    const prune = (this.horizon ? 1 : 0) + this.pruned.rowCount + this.rollups.length;
    return prune + this.sessions.size + this.usage.size + this.tools.size + this.prompts.size + this.compactions.size + this.estimates.size + this.hookRecords.size + this.hits.size;
  }
  /**
   * Every current record, serialized in chunks of about `chunkChars` (newline-terminated), for
   * rewriting the ledger without superseded rows. Sessions first so a reader meets them early.
   */
  *serializeAll(chunkChars = 1 << 20) {
    let out = "";
    if (this.horizon) out += JSON.stringify(["Z", this.horizon.ms, this.horizon.records, this.horizon.atMs]) + "\n";
    for (const b64 of this.pruned.serialize()) out += JSON.stringify(["X", b64]) + "\n";
    for (const row of this.rollups) out += JSON.stringify(row) + "\n";
    const maps = [
      [this.sessions, sessionRow],
      [this.usage, usageRow],
      [this.tools, toolRow],
      [this.prompts, promptRow],
      [this.compactions, compactionRow],
      [this.estimates, estimateRow],
      [this.hookRecords, hookRow],
      [this.hits, hitRow]
    ];
    for (const [map, toRow] of maps) {
      for (const r of map.values()) {
        out += JSON.stringify(toRow(r)) + "\n";
        if (out.length >= chunkChars) {
          yield out;
          out = "";
        }
      }
    }
    if (out) yield out;
  }
  // While loading: one copy of each repeated value (session id, cwd, model, tool name, target).
  // JSON.parse makes a new string per row, so after a restart every record held its own copies.
  loadStrings = /* @__PURE__ */ new Map();
  /** The loading is over: the table of loaded values is not needed any more. */
  loadDone() {
    this.loadStrings = /* @__PURE__ */ new Map();
  }
  /** Rebuilds from the on-disk form; later rows of the same key merge exactly as apply() does. */
  loadRow(row) {
    const seen = this.loadStrings;
    const s = (i) => {
      const v = row[i];
      if (typeof v !== "string") return void 0;
      const kept = seen.get(v);
      if (kept !== void 0) return kept;
      seen.set(v, v);
      return v;
    };
    const n = (i) => row[i];
    switch (row[0]) {
      case "U": {
        const usage = { input: n(7), output: n(8), cacheCreation: n(9), cacheCreation1h: n(10), cacheSplit: n(11) === 1, cacheRead: n(12), fast: n(13) === 1 };
        const prev = this.usage.get(row[1]);
        if (prev && usageTotal(prev.usage) >= usageTotal(usage)) return;
        const r = { key: row[1], ts: n(2), sessionId: s(3), agentId: s(4), cwd: s(5) ?? "", model: s(6), usage, apiError: n(14) === 1 };
        if (typeof row[15] === "string") r.agentType = s(15);
        this.usage.set(r.key, r);
        this.learnAgentType(r);
        this.exactSessions.add(s(3));
        return;
      }
      case "T":
        this.tools.set(row[1], { id: row[1], ts: n(2), sessionId: s(3), agentId: s(4), cwd: s(5) ?? "", name: s(6), target: s(7), endTs: row[8] === null ? void 0 : n(8), isError: row[9] === null ? void 0 : n(9) === 1, hook: typeof row[10] === "number" ? row[10] : void 0 });
        return;
      case "P": {
        const est = row[6] === 1 || row[6] === 2 ? row[6] : void 0;
        this.prompts.set(row[1], { uuid: row[1], ts: n(2), sessionId: s(3), agentId: s(4), cwd: s(5) ?? "", est });
        if (est === 1) this.indexEstimate(s(3), row[1]);
        return;
      }
      case "E": {
        const r = { key: row[1], ts: n(2), sessionId: s(3), agentId: s(4), cwd: s(5) ?? "", input: n(6), output: n(7), est: n(8) === 2 ? 2 : 1 };
        this.estimates.set(r.key, r);
        if (r.est === 1) this.indexEstimate(r.sessionId, r.key);
        return;
      }
      case "K":
        this.hookRecords.set(row[1], { key: row[1], ts: n(2), sessionId: s(3), cwd: s(4) ?? "", what: row[5] === "permission" ? "permission" : "notification", a: s(6) ?? "unknown", b: s(7) });
        return;
      case "S":
        this.sessions.set(row[1], { sessionId: row[1], cwd: s(2) ?? "", gitBranch: s(3), version: s(4) });
        return;
      case "C":
        this.compactions.set(row[1], { key: row[1], ts: n(2), sessionId: s(3), cwd: s(4) ?? "" });
        return;
      case "A":
        this.rollups.push(row);
        return;
      case "X":
        this.pruned.load(row[1]);
        return;
      case "Z":
        this.horizon = { ms: n(1), records: n(2), atMs: n(3) };
        return;
      case "R":
        this.setHit({ key: s(1), toolId: s(2), ts: n(3), sessionId: s(4), agentId: s(5), cwd: s(6) ?? "", tool: s(7), rule: s(8), severity: s(9), field: s(10), value: s(11) ?? "" });
        return;
    }
  }
  /** Orphan results survive restarts through the state file (they are rare and small). */
  exportOrphans() {
    return Object.fromEntries(this.orphanResults);
  }
  importOrphans(o) {
    for (const [k, v] of Object.entries(o ?? {})) this.orphanResults.set(k, v);
  }
};

// src/state/dir-trust.ts
import { mkdirSync, statSync } from "node:fs";

// src/state/state-errors.ts
var REASON = {
  ENOSPC: "no space left on device",
  EDQUOT: "disk quota exceeded",
  EROFS: "read-only filesystem",
  EACCES: "permission denied",
  EPERM: "operation not permitted",
  EIO: "I/O error",
  ELOOP: "refusing to follow a symbolic link",
  EEXIST: "a file that should not exist is in the way"
};
function advice(code, dir) {
  switch (code) {
    case "ENOSPC":
    case "EDQUOT":
      return `free some space on the filesystem holding ${dir} (or point --state-dir elsewhere) and run again`;
    case "EROFS":
    case "EACCES":
    case "EPERM":
      return `make ${dir} writable by you (or point --state-dir elsewhere) and run again`;
    case "ELOOP":
      return `remove the symbolic link (someone else may have planted it) and run again`;
    default:
      return "check the disk and run again";
  }
}
var StateWriteError = class extends UserError {
  constructor(path, code, dir, cause) {
    const why = (code && REASON[code]) ?? (cause instanceof Error ? cause.message : String(cause));
    super(`cannot write ${path}: ${why}${code && REASON[code] ? ` (${code})` : ""}. Nothing was lost (the state is unchanged and unread transcript lines are read next time); ${advice(code, dir)}.`);
    this.path = path;
    this.code = code;
    this.name = "StateWriteError";
    if (cause !== void 0) this.cause = cause;
  }
  path;
  code;
};
function errnoOf(err) {
  return err?.code;
}
function stateWriteError(path, dir, err) {
  if (err instanceof UserError) return err;
  return new StateWriteError(path, errnoOf(err), dir, err);
}

// src/state/dir-trust.ts
function ensureTrustedDir(dir) {
  try {
    mkdirSync(dir, { recursive: true, mode: 448 });
  } catch (err) {
    const code = errnoOf(err);
    if (code === "ENOSPC" || code === "EROFS" || code === "EACCES" || code === "EDQUOT") throw new StateWriteError(dir, code, dir, err);
    throw new UserError(`cannot create state directory ${dir}: ${err.message}`);
  }
  const st = statSync(dir);
  if (!st.isDirectory()) throw new UserError(`state directory ${dir} is not a directory; point --state-dir at a directory`);
  const uid = process.getuid?.();
  if (uid !== void 0 && st.uid !== uid) {
    throw new UserError(`refusing to use state directory ${dir}: it belongs to uid ${st.uid}, not to you (uid ${uid}), so its owner could change what ccotel counts; use a directory of your own (--state-dir)`);
  }
  if ((st.mode & 18) !== 0) {
    const bits = st.mode & 18;
    const who = bits === 18 ? "group and others" : bits === 16 ? "group" : "others";
    throw new UserError(`refusing to use state directory ${dir}: it is writable by ${who} (mode ${(st.mode & 511).toString(8).padStart(4, "0")}), so another user could plant files in it; run \`chmod go-w ${dir}\` or use --state-dir`);
  }
}

// src/state/store.ts
var STATE_FORMAT = "ccotel-state";
var STATE_VERSION = 1;
var READ_NOFOLLOW = constants.O_RDONLY | constants.O_NOFOLLOW;
var NO_CHANGES = { text: "", rows: 0, ack: () => {
} };
var WRITE_NOFOLLOW = constants.O_WRONLY | constants.O_CREAT | constants.O_NOFOLLOW;
var DEFAULT_COMPACTION = {
  minBytes: envNumber("CCOTEL_COMPACT_MIN_BYTES") ?? 1 << 20,
  minSupersededRatio: envNumber("CCOTEL_COMPACT_MIN_RATIO") ?? 0.5
};
var StateStore = class _StateStore {
  constructor(dir, readOnly) {
    this.dir = dir;
    this.readOnly = readOnly;
  }
  dir;
  readOnly;
  /** True when this open created the state (no state.json yet) or reset it (--reset-state). */
  created = false;
  records = new Ledger();
  ledgerLoaded = false;
  commitHooks = [];
  checkpoints = {};
  /** Each checkpoint's JSON, kept until it moves: a commit re-serializes only what changed. */
  checkpointJson = /* @__PURE__ */ new Map();
  /** The sinks' states as loaded at open (what they restore from); later states are kept as JSON. */
  sinks = {};
  sinkJson = /* @__PURE__ */ new Map();
  ledgerBytes = 0;
  ledgerRows = 0;
  ledgerId;
  lastCompactionMs;
  /** Do not try compacting again before the ledger has this many rows (after a failed attempt). */
  compactRetryRows = 0;
  /** Open repaired or adopted the ledger: state.json must record it. */
  repaired = false;
  /** state.json is rewritten only when a checkpoint or a sink's state moved since the last save. */
  dirty = false;
  lock;
  queue = Promise.resolve();
  compaction = DEFAULT_COMPACTION;
  warn = (msg) => process.stderr.write(`warn: ${msg}
`);
  /**
   * The ledger, parsed from disk on first use: a command with nothing new to apply (a warm `stats`
   * answered from the saved fold) never pays for reading it.
   */
  get ledger() {
    if (!this.ledgerLoaded) this.loadLedgerRows();
    return this.records;
  }
  /** Whether the ledger's rows have been parsed (a warm `stats` should not need them). */
  get ledgerParsed() {
    return this.ledgerLoaded;
  }
  /** Ledger bytes covered by the last commit (what a saved fold must cover to be current). */
  get committedLedgerBytes() {
    return this.ledgerBytes;
  }
  /** The committed ledger's id (a compaction or reset gives it a new one). */
  get committedLedgerId() {
    return this.ledgerId;
  }
  /** The sensitive-action rules the ledger runs on new tool calls (set without parsing the ledger). */
  setDetector(detect) {
    this.records.detect = detect;
  }
  /** Listens to ledger changes without loading the ledger (changes only happen after it loads). */
  onLedgerChange(fn) {
    return this.records.onChange(fn);
  }
  /** Adds a step to every commit (the fold's save), run after the ledger write. */
  addCommitHook(fn) {
    this.commitHooks.push(fn);
  }
  get statePath() {
    return join(this.dir, "state.json");
  }
  get ledgerPath() {
    return join(this.dir, "ledger.ndjson");
  }
  get compactPath() {
    return this.ledgerPath + ".compact";
  }
  /**
   * Opens (creating) the state directory. When another live process holds it, opens read-only if
   * allowed (stats beside a running daemon), else fails with a clear message.
   */
  static async open(dir, opts) {
    ensureTrustedDir(dir);
    let lock;
    try {
      lock = StateLock.acquire(dir);
    } catch (err) {
      throw stateWriteError(join(dir, "lock"), dir, err);
    }
    let store;
    if ("heldBy" in lock) {
      if (!opts.allowReadOnly || opts.reset) throw new StateInUseError(dir, lock.heldBy);
      store = new _StateStore(dir, true);
    } else {
      store = new _StateStore(dir, false);
      store.lock = lock;
    }
    if (opts.compaction) store.compaction = opts.compaction;
    if (opts.warn) store.warn = opts.warn;
    try {
      if (!store.readOnly) await store.removeLeftovers();
      if (opts.reset) await store.reset();
      else await store.load();
    } catch (err) {
      store.close();
      throw err;
    }
    return store;
  }
  /** Temp files of a run that was killed mid-write (we hold the lock: nobody else writes here). */
  async removeLeftovers() {
    for (const name of await readdir(this.dir)) {
      if (/^state\.json\.\d+\.[0-9a-f]+\.tmp$/.test(name) || /^state\.json\.\d+\.tmp$/.test(name) || name === "ledger.ndjson.compact") {
        await unlink(join(this.dir, name)).catch(() => {
        });
      }
    }
  }
  /**
   * Forgets everything. state.json goes first: a kill before the ledger is replaced leaves a
   * ledger state.json does not name, adopted whole with no checkpoints (all transcripts re-read).
   */
  async reset() {
    const id = newLedgerId();
    const header = headerRow(id);
    this.files = {};
    this.sinks = {};
    this.sinkJson.clear();
    await this.saveState({ ledgerBytes: 0, ledgerRows: 0, ledgerId: id });
    try {
      await writeFileAtomic(this.ledgerPath, header);
    } catch (err) {
      throw stateWriteError(this.ledgerPath, this.dir, err);
    }
    this.ledgerId = id;
    this.ledgerBytes = Buffer.byteLength(header);
    this.ledgerRows = 0;
    this.ledgerLoaded = true;
    this.created = true;
    await this.saveState();
  }
  async load() {
    let parsed;
    for (let attempt = 0; ; attempt++) {
      parsed = await this.readStateFile();
      if (!parsed) {
        this.created = true;
        this.ledgerLoaded = true;
        return;
      }
      this.files = parsed.files;
      this.sinks = parsed.sinks ?? {};
      this.ledgerBytes = parsed.ledgerBytes;
      this.ledgerRows = parsed.ledgerRows ?? -1;
      this.ledgerId = parsed.ledgerId;
      this.lastCompactionMs = parsed.lastCompactionMs;
      if (await this.settleLedger(parsed.ledgerId, this.readOnly && attempt < 5)) break;
    }
    this.records.importOrphans(parsed.orphans);
    if (this.ledgerRows < 0) this.loadLedgerRows();
    if (this.repaired && !this.readOnly) await this.saveState();
  }
  async readStateFile() {
    let raw;
    try {
      const fh = await open(this.statePath, READ_NOFOLLOW);
      try {
        raw = await fh.readFile("utf8");
      } finally {
        await fh.close();
      }
    } catch (err) {
      if (err.code === "ENOENT") return void 0;
      throw unreadable(this.statePath, err);
    }
    let parsed;
    try {
      parsed = JSON.parse(raw);
    } catch {
      throw corrupt(this.statePath, "not valid JSON");
    }
    if (parsed?.format !== STATE_FORMAT) throw corrupt(this.statePath, "not a ccotel state file");
    if (parsed.version !== STATE_VERSION) throw corrupt(this.statePath, `state version ${parsed.version} is not supported by this ccotel (expects ${STATE_VERSION})`);
    const filesOk = typeof parsed.files === "object" && parsed.files !== null && !Array.isArray(parsed.files);
    if (!filesOk || !Number.isSafeInteger(parsed.ledgerBytes) || parsed.ledgerBytes < 0) throw corrupt(this.statePath, "missing fields");
    return parsed;
  }
  /**
   * Makes ledgerBytes point at the end of a complete record of the ledger state.json names:
   * adopts a compacted ledger state.json has not caught up with, cuts bytes of an unfinished
   * commit, and cuts a torn last record (then every transcript is read again, which the keyed
   * records make idempotent). Returns false when a read-only reader should read state.json again.
   */
  async settleLedger(stateLedgerId, mayRetry) {
    let fh;
    try {
      fh = await open(this.ledgerPath, READ_NOFOLLOW);
    } catch (err) {
      if (err.code !== "ENOENT") throw unreadable(this.ledgerPath, err);
      if (this.ledgerBytes > 0) this.repairTail(0, `${this.ledgerPath} is missing`);
      return true;
    }
    try {
      const size = (await fh.stat()).size;
      const headerId = await readHeaderId(fh, size);
      if (headerId !== stateLedgerId) {
        if (mayRetry) return false;
        this.ledgerId = headerId;
        this.ledgerBytes = size;
        this.ledgerRows = -1;
        this.repaired = true;
      }
      if (size > this.ledgerBytes) {
        if (!this.readOnly) await this.cutLedger(this.ledgerBytes);
      }
      const end = Math.min(size, this.ledgerBytes);
      if (end === 0) return true;
      const last = Buffer.alloc(1);
      await fh.read(last, 0, 1, end - 1);
      if (end === this.ledgerBytes && last[0] === 10) return true;
      const cut = await lastNewlineBefore(fh, end);
      if (!this.readOnly) await this.cutLedger(cut);
      this.repairTail(cut, size < this.ledgerBytes ? `${this.ledgerPath} is shorter (${size} bytes) than its checkpoint (${this.ledgerBytes})` : `${this.ledgerPath} ends in a partial record`);
      return true;
    } finally {
      await fh.close();
    }
  }
  repairTail(cut, why) {
    this.ledgerBytes = cut;
    this.ledgerRows = -1;
    this.files = {};
    this.repaired = true;
    this.warn(`${why}: kept its first ${cut} bytes (every complete record) and reading all transcripts again to restore the rest (nothing is counted twice)`);
  }
  async cutLedger(bytes) {
    try {
      await truncate(this.ledgerPath, bytes);
    } catch (err) {
      throw stateWriteError(this.ledgerPath, this.dir, err);
    }
  }
  /** Reads rows up to ledgerBytes into the ledger (synchronously: `ledger` is a getter). */
  loadLedgerRows() {
    this.ledgerLoaded = true;
    if (this.ledgerBytes === 0) {
      if (this.ledgerRows < 0) this.ledgerRows = 0;
      return;
    }
    const fd = openSync(this.ledgerPath, READ_NOFOLLOW);
    const buf = Buffer.allocUnsafe(this.ledgerBytes);
    try {
      let at = 0;
      while (at < this.ledgerBytes) {
        const n = readSync(fd, buf, at, this.ledgerBytes - at, at);
        if (n === 0) break;
        at += n;
      }
    } finally {
      closeSync(fd);
    }
    const text = buf.toString("utf8");
    let start = 0;
    let lineNo = 0;
    let rows = 0;
    while (start < text.length) {
      const nl = text.indexOf("\n", start);
      const end = nl === -1 ? text.length : nl;
      lineNo++;
      if (end > start) {
        let row;
        try {
          row = JSON.parse(text.slice(start, end));
          this.records.loadRow(row);
        } catch {
          throw corrupt(this.ledgerPath, `line ${lineNo} is not a ledger record`);
        }
        if (row[0] !== "H") rows++;
      }
      start = end + 1;
    }
    this.records.loadDone();
    if (this.ledgerRows < 0) this.ledgerRows = rows;
  }
  /**
   * Makes everything applied so far durable: ledger changes are written at the committed end and
   * synced, then state.json (checkpoints) is replaced. All or nothing: on failure the ledger is cut
   * back, state.json is untouched, the changes stay pending, and a StateWriteError (a UserError
   * naming the path and errno) is thrown; calling commit() again retries. In read-only mode nothing
   * is written. Commits run one at a time.
   */
  commit(opts = {}) {
    const run = this.queue.then(() => this.commitNow(opts.bulk === true));
    this.queue = run.catch(() => {
    });
    return run;
  }
  async commitNow(bulk) {
    if (this.readOnly) return;
    const batch = this.ledgerLoaded ? this.records.pendingChanges() : NO_CHANGES;
    const data = Buffer.from(batch.text, "utf8");
    const writes = this.commitHooks.map((hook) => hook(this.ledgerBytes + data.length, this.ledgerId, bulk));
    if (batch.rows === 0 && !this.dirty) {
      for (const write of writes) await write?.();
      return;
    }
    let end = this.ledgerBytes;
    if (batch.rows > 0) end = await this.writeLedgerAt(this.ledgerBytes, data);
    try {
      for (const write of writes) await write?.();
      faultPoint("commit.state");
      await this.saveState({ ledgerBytes: end, ledgerRows: this.ledgerRows + batch.rows });
    } catch (err) {
      if (end !== this.ledgerBytes) await truncate(this.ledgerPath, this.ledgerBytes).catch(() => {
      });
      throw stateWriteError(this.statePath, this.dir, err);
    }
    this.ledgerBytes = end;
    this.ledgerRows += batch.rows;
    batch.ack();
    if (this.shouldCompact()) await this.compact();
  }
  /** Writes `data` at `pos` (over whatever an earlier failed write left there); returns the new end. */
  async writeLedgerAt(pos, data) {
    let fh;
    try {
      fh = await open(this.ledgerPath, WRITE_NOFOLLOW, 384);
      faultPoint("ledger.write");
      let done = 0;
      while (done < data.length) {
        const { bytesWritten } = await fh.write(data, done, data.length - done, pos + done);
        done += bytesWritten;
        faultPoint("ledger.written");
      }
      await fh.truncate(pos + data.length);
      faultPoint("ledger.sync");
      await fh.sync();
      await fh.close();
      return pos + data.length;
    } catch (err) {
      if (fh) {
        await fh.truncate(pos).catch(() => {
        });
        await fh.close().catch(() => {
        });
      }
      throw stateWriteError(this.ledgerPath, this.dir, err);
    }
  }
  shouldCompact() {
    if (!this.ledgerLoaded) return false;
    const superseded = this.ledgerRows - this.ledger.recordCount;
    return this.ledgerBytes >= this.compaction.minBytes && superseded > 0 && superseded >= this.compaction.minSupersededRatio * this.ledgerRows && this.ledgerRows >= this.compactRetryRows;
  }
  /**
   * Rewrites the ledger with only current records: into a temp file, synced, renamed over the
   * ledger, then state.json takes the new id and size. A failure before the rename leaves
   * everything as it was (compaction is retried once the ledger has grown); a kill anywhere is
   * repaired by open (see settleLedger). The commit before it has already succeeded either way.
   */
  /**
   * Drops the per-call records older than `cutoffMs` (`ccotel prune`), keeping `rollups` (what all
   * pruned records contribute to the aggregates) and the dropped keys in their place. It is one
   * compaction: the new ledger is written beside the old one and renamed over it, so a kill before
   * the rename leaves the old ledger (nothing pruned) and one after it the pruned one, which open
   * adopts; either holds every count exactly once. Throws when the new ledger cannot be written.
   */
  prune(cutoffMs, changes, rollups) {
    const run = this.queue.then(async () => {
      if (this.readOnly) throw new UserError(`state directory ${this.dir} is in use by another ccotel process; stop it to prune the ledger`);
      await this.commitNow(false);
      const bytesBefore = this.ledgerBytes;
      faultPoint("prune.begin");
      this.ledger.pruneOlder(cutoffMs, changes, rollups);
      await this.compact(true);
      return { bytesBefore, bytesAfter: this.ledgerBytes };
    });
    this.queue = run.then(
      () => {
      },
      () => {
      }
    );
    return run;
  }
  /** A strict compaction (prune) throws instead of leaving the ledger for later. */
  async compact(strict = false) {
    const id = newLedgerId();
    let fh;
    let bytes = 0;
    let rows = 0;
    try {
      await unlink(this.compactPath).catch(() => {
      });
      faultPoint("compact.begin");
      fh = await open(this.compactPath, CREATE_EXCLUSIVE, 384);
      const write = async (text) => {
        const buf = Buffer.from(text, "utf8");
        let done = 0;
        while (done < buf.length) done += (await fh.write(buf, done, buf.length - done, bytes + done)).bytesWritten;
        bytes += buf.length;
      };
      await write(headerRow(id));
      for (const chunk of this.ledger.serializeAll()) {
        for (let i = chunk.indexOf("\n"); i !== -1; i = chunk.indexOf("\n", i + 1)) rows++;
        await write(chunk);
        faultPoint("compact.chunk");
      }
      faultPoint("compact.written");
      await fh.sync();
      await fh.close();
      fh = void 0;
      faultPoint("compact.synced");
      await rename(this.compactPath, this.ledgerPath);
    } catch (err) {
      await fh?.close().catch(() => {
      });
      await unlink(this.compactPath).catch(() => {
      });
      if (strict) throw stateWriteError(this.ledgerPath, this.dir, err);
      this.compactRetryRows = Math.ceil(this.ledgerRows * 1.25);
      this.warn(`compacting ${this.ledgerPath} failed (${err.message}); it stays as it is and compaction is tried again later`);
      return;
    }
    this.ledgerId = id;
    this.ledgerBytes = bytes;
    this.ledgerRows = rows;
    this.lastCompactionMs = Date.now();
    this.compactRetryRows = 0;
    await syncDir(this.dir);
    faultPoint("compact.renamed");
    try {
      for (const hook of this.commitHooks) await hook(this.ledgerBytes, this.ledgerId, false)?.();
      await this.saveState();
    } catch (err) {
      this.warn(`saving ${this.statePath} after compaction failed (${err.message}); it is saved with the next commit`);
    }
    faultPoint("compact.saved");
  }
  /** Size and shape of the state, for doctor. */
  async info() {
    let dirBytes = 0;
    for (const name of await readdir(this.dir)) {
      const st = await stat(join(this.dir, name)).catch(() => void 0);
      if (st?.isFile()) dirBytes += st.size;
    }
    const ledger = this.ledger;
    return { dirBytes, ledgerBytes: this.ledgerBytes, ledgerRows: this.ledgerRows, records: ledger.recordCount, lastCompactionMs: this.lastCompactionMs, prune: ledger.horizon };
  }
  async saveState(over = {}) {
    const text = this.stateText({
      format: STATE_FORMAT,
      version: STATE_VERSION,
      ledgerBytes: over.ledgerBytes ?? this.ledgerBytes,
      ledgerRows: over.ledgerRows ?? this.ledgerRows,
      ledgerId: "ledgerId" in over ? over.ledgerId : this.ledgerId,
      lastCompactionMs: this.lastCompactionMs,
      orphans: this.records.exportOrphans()
    });
    try {
      await writeFileAtomic(this.statePath, text);
    } catch (err) {
      throw stateWriteError(this.statePath, this.dir, err);
    }
    this.dirty = false;
  }
  /** Where each file's reading stands (change it with setCheckpoint). */
  get files() {
    return this.checkpoints;
  }
  set files(f) {
    this.checkpoints = f;
    this.checkpointJson.clear();
  }
  /** Records where a file's reading stands; durable at the next commit. */
  setCheckpoint(path, cp) {
    this.checkpoints[path] = cp;
    this.dirty = true;
  }
  /**
   * A sink's open state (spans awaiting their end), saved with the checkpoints it matches. It is
   * serialized now (the sink may go on changing its objects), or given as JSON already.
   */
  setSinkState(name, state) {
    if (state === void 0) return;
    this.sinkJson.set(name, state instanceof SerializedState ? state.json : JSON.stringify(state));
    this.dirty = true;
  }
  /**
   * state.json's text from the parts: cached JSON for checkpoints that did not move and sinks that
   * did not change, so a commit while following costs what changed plus one join, not a stringify
   * of every checkpoint and of the trace builder's 60 days of closed sessions.
   */
  stateText(state) {
    const files = [];
    for (const [path, cp] of Object.entries(this.checkpoints)) {
      let c = this.checkpointJson.get(path);
      if (c?.cp !== cp) this.checkpointJson.set(path, c = { cp, json: JSON.stringify(path) + ":" + JSON.stringify(cp) });
      files.push(c.json);
    }
    const sinks = [];
    for (const name of /* @__PURE__ */ new Set([...Object.keys(this.sinks), ...this.sinkJson.keys()])) {
      let json = this.sinkJson.get(name);
      if (json === void 0 && this.sinks[name] !== void 0) this.sinkJson.set(name, json = JSON.stringify(this.sinks[name]));
      if (json !== void 0) sinks.push(JSON.stringify(name) + ":" + json);
    }
    const head = JSON.stringify(state);
    return `${head.slice(0, -1)},"files":{${files.join(",")}},"sinks":{${sinks.join(",")}}}`;
  }
  close() {
    this.lock?.release();
    this.lock = void 0;
  }
};
var StateInUseError = class extends UserError {
  constructor(dir, pid) {
    super(`state directory ${dir} is in use by another ccotel process (pid ${pid}); stop it first or use --state-dir`);
    this.dir = dir;
    this.pid = pid;
  }
  dir;
  pid;
};
function corrupt(path, why) {
  return new UserError(`state file ${path} is unusable (${why}). Run again with --reset-state to rebuild it from the transcripts (nothing is counted twice).`);
}
function unreadable(path, err) {
  if (err.code === "ELOOP") {
    return new UserError(`refusing to read ${path}: it is a symbolic link (state files never are; someone may have planted it). Remove it and run again.`);
  }
  return new UserError(`cannot read state file ${path}: ${err.message}`);
}
function newLedgerId() {
  return `${Date.now().toString(36)}-${randomBytes(6).toString("hex")}`;
}
function headerRow(id) {
  return JSON.stringify(["H", id]) + "\n";
}
async function readHeaderId(fh, size) {
  const n = Math.min(size, 128);
  if (n < 6) return void 0;
  const buf = Buffer.alloc(n);
  await fh.read(buf, 0, n, 0);
  const text = buf.toString("utf8");
  if (!text.startsWith('["H",')) return void 0;
  const nl = text.indexOf("\n");
  if (nl === -1) return void 0;
  try {
    const row = JSON.parse(text.slice(0, nl));
    return typeof row[1] === "string" ? row[1] : void 0;
  } catch {
    return void 0;
  }
}
async function lastNewlineBefore(fh, end) {
  const CHUNK2 = 64 << 10;
  const buf = Buffer.alloc(CHUNK2);
  for (let hi = end; hi > 0; ) {
    const lo = Math.max(0, hi - CHUNK2);
    const { bytesRead } = await fh.read(buf, 0, hi - lo, lo);
    const i = buf.subarray(0, bytesRead).lastIndexOf(10);
    if (i !== -1) return lo + i + 1;
    hi = lo;
  }
  return 0;
}
function envNumber(name) {
  const v = process.env[name];
  if (v === void 0 || v === "") return void 0;
  const n = Number(v);
  return Number.isFinite(n) ? n : void 0;
}

export {
  StateStore,
  StateInUseError
};
