import { createRequire as __cr } from 'module'; const require = __cr(import.meta.url);
import {
  lineText,
  normalizeLine
} from "./chunk-IEE2PAZ5.js";
import {
  UserError
} from "./chunk-EM5NTX2M.js";

// src/ingest/manager.ts
import { statSync as statSync2 } from "node:fs";

// src/sources/file-reader.ts
import { statSync } from "node:fs";

// src/sources/file-identity.ts
import { createHash } from "node:crypto";
import { closeSync, openSync, readSync } from "node:fs";
var FINGERPRINT_BYTES = 1024;
async function fingerprint(path, len) {
  const fd = openSync(path, "r");
  try {
    const buf = Buffer.alloc(len);
    const bytesRead = readSync(fd, buf, 0, len, 0);
    return { fp: createHash("sha256").update(buf.subarray(0, bytesRead)).digest("hex"), fpLen: bytesRead };
  } finally {
    closeSync(fd);
  }
}
async function classify(path, st, cp) {
  if (!cp) return { kind: "restart", reason: "new" };
  if (st.ino !== cp.ino || st.dev !== cp.dev) return { kind: "restart", reason: "replaced" };
  if (st.size < cp.offset) return { kind: "restart", reason: "truncated" };
  if (st.size === cp.size && st.mtimeMs === cp.mtimeMs) return { kind: "unchanged" };
  if (cp.fpLen > 0) {
    const now = await fingerprint(path, cp.fpLen);
    if (now.fpLen !== cp.fpLen || now.fp !== cp.fp) return { kind: "restart", reason: "replaced" };
  }
  return st.size > cp.offset ? { kind: "appended", from: cp.offset } : { kind: "unchanged" };
}

// src/sources/line-reader.ts
import { closeSync as closeSync2, openSync as openSync2, readSync as readSync2 } from "node:fs";
var CHUNK = 4 << 20;
var shared;
var NEWLINE = 10;
var CR = 13;
async function readLineBytes(path, from, onLine, opts) {
  const fd = openSync2(path, "r");
  const buf = shared ??= Buffer.allocUnsafe(CHUNK);
  const result = { endOffset: from, bytesRead: 0, lines: 0, oversized: [], pendingBytes: 0 };
  let carry = [];
  let carryLen = 0;
  let skipping = false;
  let pos = from;
  let lineStart = from;
  let stop = false;
  try {
    for (; ; ) {
      const bytesRead = readSync2(fd, buf, 0, CHUNK, pos);
      if (bytesRead === 0) break;
      result.bytesRead += bytesRead;
      let i = 0;
      while (i < bytesRead) {
        const nl = buf.indexOf(NEWLINE, i);
        if (nl === -1 || nl >= bytesRead) {
          if (!skipping) {
            if (carryLen + (bytesRead - i) > opts.maxLineBytes) {
              skipping = true;
              carry = [];
              carryLen = 0;
            } else {
              carry.push(Buffer.from(buf.subarray(i, bytesRead)));
              carryLen += bytesRead - i;
            }
          }
          break;
        }
        const lineEndAbs = pos + nl + 1;
        if (skipping) {
          result.oversized.push(lineStart);
          skipping = false;
        } else {
          let line;
          if (carryLen > 0) {
            carry.push(buf.subarray(i, nl));
            line = Buffer.concat(carry, carryLen + (nl - i));
            carry = [];
            carryLen = 0;
          } else {
            line = buf.subarray(i, nl);
          }
          if (line.length > opts.maxLineBytes) result.oversized.push(lineStart);
          else emitBytes(line, lineStart, result.lines, onLine);
        }
        result.lines++;
        result.endOffset = lineEndAbs;
        lineStart = lineEndAbs;
        i = nl + 1;
        if (opts.maxBytes !== void 0 && result.endOffset - from >= opts.maxBytes) {
          stop = true;
          break;
        }
      }
      pos += bytesRead;
      if (stop) break;
    }
  } finally {
    closeSync2(fd);
  }
  result.pendingBytes = stop ? 0 : pos - result.endOffset;
  return result;
}
function emitBytes(line, start, index, onLine) {
  let end = line.length;
  if (end > 0 && line[end - 1] === CR) end--;
  if (end === 0) return;
  let blank = true;
  for (let k = 0; k < end; k++) {
    const c = line[k];
    if (c !== 32 && c !== 9 && c !== CR) {
      blank = false;
      break;
    }
  }
  if (blank) return;
  onLine(line, 0, end, start, index);
}
var strictDecoder = new TextDecoder("utf-8", { fatal: true });

// src/sources/file-reader.ts
var DEFAULT_READER_OPTIONS = { maxLineBytes: 64 << 20, sliceBytes: 32 << 20 };
var FileReader = class {
  constructor(log, opts = DEFAULT_READER_OPTIONS) {
    this.log = log;
    this.opts = opts;
  }
  log;
  opts;
  /**
   * Decides where to read from, with the listing's stat when given (else a fresh one). Throws fs
   * errors (ENOENT: gone). A stat a moment old only defers bytes appended since to the next read.
   */
  async plan(path, cp, known) {
    const st = known ?? statSync(path);
    const change = await classify(path, st, cp);
    if (change.kind === "unchanged") return { kind: "unchanged" };
    if (change.kind === "restart") {
      if (change.reason !== "new") this.log.warn(`${path} was ${change.reason}; reading it again from the start (records already counted are not counted twice)`);
      const fp = await fingerprint(path, FINGERPRINT_BYTES);
      return { kind: "read", size: st.size, cp: { dev: st.dev, ino: st.ino, size: st.size, mtimeMs: st.mtimeMs, offset: 0, lines: 0, malformed: 0, oversized: 0, ...fp, sinks: {} } };
    }
    const next = { ...cp, size: st.size, mtimeMs: st.mtimeMs };
    if (next.fpLen < FINGERPRINT_BYTES && st.size > next.fpLen) Object.assign(next, await fingerprint(path, FINGERPRINT_BYTES));
    return { kind: "read", size: st.size, cp: next };
  }
  /**
   * Reads one slice of complete lines from `from`. A slice starting before cp.offset (a sink that is
   * behind the ledger asks for older bytes again) ends at cp.offset and counts nothing: those lines
   * were counted when first read.
   */
  async readSlice(file, cp, from) {
    const catchUp = from < cp.offset;
    const next = { ...cp, sinks: { ...cp.sinks } };
    const lines = [];
    let warned = next.malformed > 0;
    const res = await readLineBytes(
      file.path,
      from,
      (buf, s, e, start, index) => {
        const events = [];
        const bad = (what) => {
          if (catchUp) return;
          next.malformed++;
          if (warned) return;
          warned = true;
          this.log.warn(`${file.path}:${next.lines + index + 1}: skipping ${what}; further bad lines in this file are only counted`);
        };
        let parsed;
        let latin1 = false;
        try {
          const t = lineText(buf, s, e);
          if (t === null) throw new Error("invalid UTF-8");
          latin1 = t.bytes;
          parsed = JSON.parse(t.text);
        } catch (err) {
          return bad(`malformed line (${err.message.replace(/, "[\s\S]*$/, " (not valid JSON)").slice(0, 80)})`);
        }
        if (!normalizeLine(parsed, file.hints, `${file.hints.sessionId}@${start}`, events, latin1, this.opts.text === true)) return bad("a line that is not a transcript record (nested too deep)");
        if (events.length > 0) lines.push({ start, events });
      },
      // cp.offset is a line boundary, so a catch-up slice stops exactly there.
      { maxLineBytes: this.opts.maxLineBytes, maxBytes: catchUp ? Math.min(this.opts.sliceBytes, cp.offset - from) : this.opts.sliceBytes }
    );
    if (!catchUp) {
      next.lines += res.lines;
      for (const at of res.oversized) {
        next.oversized++;
        this.log.warn(`${file.path}: skipping a line over ${this.opts.maxLineBytes} bytes at byte ${at}`);
      }
      next.offset = res.endOffset;
    }
    const more = res.endOffset < cp.size && res.pendingBytes === 0 && res.lines > 0;
    return { lines, next, end: res.endOffset, bytesRead: res.bytesRead, more };
  }
};

// src/sources/read-pool.ts
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
var CLAIM = { open: 0, worker: 1, caller: 2 };
var WORKER = new URL("./read-worker.js", import.meta.url);
var YOUNG_MB = 8;
var SLOTS = 1024;
var ReadPool = class _ReadPool {
  workers = [];
  waiting = /* @__PURE__ */ new Map();
  claims = new Int32Array(new SharedArrayBuffer(SLOTS * 4));
  nextId = 0;
  turn = 0;
  constructor(opts, size) {
    for (let i = 0; i < size; i++) {
      const w = new Worker(WORKER, { workerData: { opts, claims: this.claims }, resourceLimits: { maxYoungGenerationSizeMb: YOUNG_MB } });
      w.unref();
      w.on("message", (r) => this.settle(r));
      w.on("error", (err) => this.failAll(err));
      w.on("exit", () => this.failAll(new Error("read worker exited")));
      this.workers.push(w);
    }
  }
  /**
   * A pool of `size` workers, or undefined where there is no built worker script (running from
   * TypeScript sources): the caller then reads on its own thread.
   */
  static start(opts, size) {
    if (size <= 0 || !existsSync(fileURLToPath(WORKER))) return void 0;
    return new _ReadPool(opts, size);
  }
  /** Queues one slice for a worker: what FileReader.readSlice(file, cp, from) returns there. */
  read(file, cp, from) {
    const id = this.nextId++;
    const slot = id % SLOTS;
    const w = this.workers[this.turn++ % this.workers.length];
    const job = { id, slot, file: { path: file.path, hints: file.hints }, cp, from };
    const result = new Promise((resolve, reject) => this.waiting.set(id, { resolve, reject }));
    result.catch(() => {
    });
    Atomics.store(this.claims, slot, CLAIM.open);
    w.postMessage(job);
    return {
      take: () => Atomics.compareExchange(this.claims, slot, CLAIM.open, CLAIM.caller) === CLAIM.open ? void 0 : result,
      started: () => Atomics.load(this.claims, slot) === CLAIM.worker
    };
  }
  async close() {
    this.failAll(new Error("read pool closed"));
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
  settle(r) {
    const p = this.waiting.get(r.id);
    if (!p) return;
    this.waiting.delete(r.id);
    if ("slice" in r) p.resolve({ slice: r.slice, warnings: r.warnings });
    else if ("skipped" in r) p.resolve(void 0);
    else p.reject(Object.assign(new Error(r.error.message), { code: r.error.code }));
  }
  failAll(err) {
    for (const p of this.waiting.values()) p.reject(err);
    this.waiting.clear();
  }
};

// src/sources/agent-meta.ts
import { constants } from "node:fs";
import { open } from "node:fs/promises";
var MAX_BYTES = 64 << 10;
var agentMetaPath = (transcript) => transcript.replace(/\.jsonl$/, "") + ".meta.json";
async function readAgentType(transcript) {
  let fh;
  try {
    fh = await open(agentMetaPath(transcript), constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
    const st = await fh.stat();
    if (!st.isFile() || st.size > MAX_BYTES) return void 0;
    const text = await fh.readFile("utf8");
    if (text.length > MAX_BYTES) return void 0;
    const o = JSON.parse(text);
    return typeof o?.agentType === "string" && o.agentType.length > 0 ? o.agentType : void 0;
  } catch {
    return void 0;
  } finally {
    await fh?.close().catch(() => void 0);
  }
}

// src/ingest/manager.ts
var POSITIONED_SINKS = ["traces", "sessions"];
var COMMIT_EVERY_BYTES = 8 << 20;
var COMMIT_EVERY_MS = 500;
var workersWanted = () => process.env.CCOTEL_WORKERS === "1";
var PREFETCH_FILES = 4;
var PREFETCH_BYTES = 8 << 20;
var IngestManager = class {
  constructor(store, sinks, log, opts = {}) {
    this.store = store;
    this.sinks = sinks;
    this.log = log;
    this.opts = opts;
    const text = sinks.some((s) => s.wantsText === true);
    this.readerOpts = { ...opts.reader ?? DEFAULT_READER_OPTIONS, text };
    this.reader = new FileReader(log, this.readerOpts);
    for (const s of sinks) s.restore?.(store.sinks[s.name]);
  }
  store;
  sinks;
  log;
  opts;
  counters = { files: 0, filesRead: 0, bytesRead: 0, malformed: 0 };
  reader;
  readerOpts;
  /** Files planned ahead, their first slice read by a worker (during syncAll only). */
  prefetched = /* @__PURE__ */ new Map();
  stopping = false;
  /** Subagent transcripts whose meta file named their type (read once). */
  metaRead = /* @__PURE__ */ new Set();
  /** Brings every file up to date for the ledger and every sink, committing along the way. */
  async syncAll(files, progress) {
    const plan = parentsFirst(files).map((file) => ({ file, size: this.pendingBytes(file) }));
    const total = plan.reduce((a, p) => a + p.size, 0);
    this.counters.files = files.length;
    let done = 0;
    let committedAt = { bytes: 0, time: Date.now() };
    progress?.(0, total);
    const pool = this.startPool();
    let ahead = 0;
    try {
      for (let i = 0; i < plan.length; i++) {
        if (this.stopping) break;
        const { file, size } = plan[i];
        if (pool) {
          ahead = Math.max(ahead, i + 1);
          let inFlight = 0;
          for (const p of this.prefetched.values()) inFlight += p.size;
          while (ahead < plan.length && ahead <= i + PREFETCH_FILES && inFlight < PREFETCH_BYTES) {
            const next = plan[ahead++];
            if (next.size > 0 && !this.prefetched.has(next.file.path)) {
              this.prefetched.set(next.file.path, this.prefetch(pool, next.file, next.size));
              inFlight += next.size;
            }
          }
        }
        await this.syncFile(file, (n) => progress?.(done + Math.min(n, size), total));
        done += size;
        progress?.(done, total);
        if (done - committedAt.bytes >= COMMIT_EVERY_BYTES || Date.now() - committedAt.time >= COMMIT_EVERY_MS) {
          await this.commit({ bulk: true });
          committedAt = { bytes: done, time: Date.now() };
        }
      }
    } finally {
      this.prefetched.clear();
      await pool?.close();
    }
    await this.commit();
  }
  startPool() {
    return workersWanted() ? ReadPool.start(this.readerOpts, 1) : void 0;
  }
  /** Plans a file ahead of its turn and has a worker read its first slice. */
  prefetch(pool, file, size) {
    const prep = this.prepare(file);
    const slice = prep.then((p) => p.plan.kind === "unchanged" && p.pos >= p.cp.offset ? void 0 : pool.read(file, p.cp, p.pos));
    prep.catch(() => {
    });
    slice.catch(() => {
    });
    return { prep, slice, size };
  }
  pendingBytes(file) {
    const cp = this.store.files[file.path];
    try {
      const { size } = file.stat ?? statSync2(file.path);
      return Math.max(0, size - (cp ? this.readFrom(normalize(cp)) : 0));
    } catch {
      return 0;
    }
  }
  /** Reads what is new in one file. Never throws for bad input: it is logged and skipped. */
  async syncFile(file, onBytes) {
    try {
      await this.readNew(file, onBytes);
    } catch (err) {
      if (err instanceof UserError || err.code === void 0) throw err;
      if (err.code === "ENOENT") return;
      this.log.warn(`cannot read ${file.path}: ${err.message}`);
    }
  }
  /** Where reading a file starts. No side effects: it may run ahead of the file's turn. */
  async prepare(file) {
    const old = this.store.files[file.path];
    const plan = await this.reader.plan(file.path, old, file.stat);
    let cp;
    if (plan.kind === "read") cp = old && plan.cp.offset > 0 ? normalize(plan.cp) : fresh(plan.cp);
    else cp = normalize(old);
    return { old, plan, cp, pos: this.readFrom(cp) };
  }
  async readNew(file, onBytes) {
    const pre = this.prefetched.get(file.path);
    this.prefetched.delete(file.path);
    let prepared = pre ? await pre.prep : await this.prepare(file);
    let first = pre && prepared.old === this.store.files[file.path] ? pre.slice : void 0;
    if (pre && !first) prepared = await this.prepare(file);
    const { old, plan } = prepared;
    let cp = prepared.cp;
    if (plan.kind === "read" && old && plan.cp.offset === 0) for (const s of this.sinks) s.restart?.(file.path);
    let pos = prepared.pos;
    if (plan.kind === "unchanged" && pos >= cp.offset) return;
    await this.readAgentMeta(file);
    const start = pos;
    this.counters.filesRead++;
    for (; ; ) {
      const slice = first && await this.pooled(first) || await this.reader.readSlice(file, cp, pos);
      first = void 0;
      this.counters.bytesRead += slice.bytesRead;
      this.counters.malformed += slice.next.malformed - cp.malformed;
      this.deliver(slice.lines, cp, file.path);
      const next = slice.next;
      for (const s of this.sinks) if (isPositioned(s.name)) next.sinks[s.name] = Math.max(next.sinks[s.name] ?? 0, slice.end);
      this.store.setCheckpoint(file.path, next);
      cp = next;
      const progressed = slice.end > pos;
      pos = slice.end;
      onBytes?.(pos - start);
      if (!progressed) break;
      if (!slice.more && pos >= cp.offset) break;
      if (this.stopping) break;
      await this.commit({ bulk: true });
    }
  }
  /**
   * A slice a worker read, its warnings logged now (in file order). A failure of the worker itself
   * (not of the file) gives undefined: the caller reads the slice on this thread instead.
   */
  async pooled(p) {
    let r;
    try {
      r = await (await p)?.take();
    } catch (err) {
      if (err.code !== void 0) throw err;
      return void 0;
    }
    for (const w of r?.warnings ?? []) this.log.warn(w);
    return r?.slice;
  }
  /** A subagent transcript's meta file names the agent type of its calls (src/model/agent-type.ts). */
  async readAgentMeta(file) {
    const { sessionId, agentId } = file.hints;
    if (!sessionId || !agentId || this.metaRead.has(file.path)) return;
    const type = await readAgentType(file.path);
    if (type === void 0) return;
    this.metaRead.add(file.path);
    this.store.ledger.noteAgentType(sessionId, agentId, type);
  }
  /** Ends syncAll() after the file in progress (its last commit still happens): Ctrl-C. */
  stop() {
    this.stopping = true;
  }
  /** Where reading starts: the ledger's offset, or earlier for a sink that is behind. */
  readFrom(cp) {
    let from = cp.offset;
    for (const s of this.sinks) from = Math.min(from, sinkOffset(cp, s.name));
    return from;
  }
  /**
   * Events from a source without byte offsets (the hook spool, src/ingest/spool-consumer.ts): the
   * ledger, then every sink. The caller guarantees each event is handed over once per state.
   */
  applyEvents(events) {
    if (events.length === 0) return;
    for (const e of events) this.store.ledger.apply(e);
    const since = this.opts.sinceMs;
    const batch = since === void 0 ? events : events.filter((e) => e.ts >= since);
    if (batch.length > 0) for (const sink of this.sinks) sink.accept(batch);
  }
  deliver(lines, cp, path) {
    if (lines.length === 0) return;
    for (const l of lines) if (l.start >= cp.offset) for (const e of l.events) this.store.ledger.apply(e);
    const since = this.opts.sinceMs;
    for (const sink of this.sinks) {
      const at = sinkOffset(cp, sink.name);
      const batch = [];
      for (const l of lines) {
        if (l.start < at) continue;
        for (const e of l.events) if (since === void 0 || e.ts >= since) batch.push(e);
      }
      if (batch.length > 0) sink.accept(batch, path);
    }
  }
  /**
   * Sinks first (their output must be safe), then ledger + checkpoints in one durable step. A sink
   * whose flush was cut short (shutdown while the collector is down) still saves its state, which
   * holds what it could not deliver: the checkpoints move, and the next start sends exactly that.
   */
  async commit(opts = {}) {
    let failure;
    for (const s of this.sinks) {
      try {
        await s.flush();
      } catch (err) {
        failure ??= err;
      }
      if (s.snapshot) this.store.setSinkState(s.name, s.snapshot());
    }
    await this.store.commit(opts);
    if (failure !== void 0) throw failure;
  }
};
function parentsFirst(files) {
  const place = /* @__PURE__ */ new Map();
  const sessionOf = (f) => f.hints.sessionId ?? f.path;
  files.forEach((f, i) => {
    if (!place.has(sessionOf(f))) place.set(sessionOf(f), i);
  });
  const sub = (f) => Number(f.hints.agentId !== void 0);
  return [...files].sort((a, b) => place.get(sessionOf(a)) - place.get(sessionOf(b)) || sub(a) - sub(b));
}
function fresh(cp) {
  return { ...cp, sinks: Object.fromEntries(POSITIONED_SINKS.map((n) => [n, 0])) };
}
function normalize(cp) {
  if (cp.sinks) return cp;
  return { ...cp, sinks: { traces: cp.offset } };
}
var isPositioned = (name) => POSITIONED_SINKS.includes(name);
function sinkOffset(cp, name) {
  return isPositioned(name) ? cp.sinks?.[name] ?? 0 : cp.offset;
}

export {
  IngestManager,
  parentsFirst
};
