import { createRequire as __cr } from 'module'; const require = __cr(import.meta.url);

// src/sessions/compact.ts
import { writeFileSync, openSync as openSync2, fsyncSync as fsyncSync2, closeSync as closeSync2, renameSync, rmSync as rmSync2, existsSync as existsSync2, statSync as statSync2, readFileSync as readFileSync2, constants as constants2 } from "node:fs";
import { randomBytes } from "node:crypto";
import { dirname, join as join2 } from "node:path";

// src/sessions/index-file.ts
import { closeSync, existsSync, fstatSync, fsyncSync, readSync, mkdirSync, openSync, readFileSync, rmSync, statSync, writeSync, constants } from "node:fs";
import { mkdir, open } from "node:fs/promises";
import { join } from "node:path";
var INDEX_DIR = "sessions";
var META = "meta.ndjson";
var TEXT = "text.ndjson";
var OUT = "out.ndjson";
var APPEND = constants.O_RDWR | constants.O_CREAT | constants.O_APPEND | constants.O_NOFOLLOW;
var indexDir = (stateDir) => join(stateDir, INDEX_DIR);
function indexFiles(stateDir) {
  const dir = indexDir(stateDir);
  return { meta: join(dir, META), text: join(dir, TEXT), out: join(dir, OUT) };
}
async function appendRowsAsync(path, rows) {
  if (rows.length === 0) return;
  await mkdir(join(path, ".."), { recursive: true, mode: 448 });
  const fh = await open(path, APPEND, 384);
  try {
    const { size } = await fh.stat();
    const last = Buffer.alloc(1);
    const torn = size > 0 && (await fh.read(last, 0, 1, size - 1)).bytesRead === 1 && last[0] !== 10;
    await fh.write((torn ? "\n" : "") + rows.map((r) => JSON.stringify(r)).join("\n") + "\n");
    await fh.sync();
  } finally {
    await fh.close();
  }
}
function readRows(path, needles) {
  let buf;
  try {
    buf = readFileSync(path);
  } catch (err) {
    if (err.code === "ENOENT") return [];
    throw err;
  }
  if (needles) return readMatching(buf, needles);
  const text = buf.toString("utf8");
  const out = [];
  let at = 0;
  while (at < text.length) {
    let nl = text.indexOf("\n", at);
    if (nl < 0) nl = text.length;
    if (nl > at) {
      try {
        out.push(JSON.parse(text.slice(at, nl)));
      } catch {
      }
    }
    at = nl + 1;
  }
  return out;
}
function readMatching(buf, needles) {
  const starts = /* @__PURE__ */ new Set();
  for (const n of needles) {
    const nb = Buffer.from(n);
    for (let at = buf.indexOf(nb); at >= 0; at = buf.indexOf(nb, at + nb.length)) starts.add(buf.lastIndexOf(10, at) + 1);
  }
  const out = [];
  for (const start of [...starts].sort((a, b) => a - b)) {
    const nl = buf.indexOf(10, start);
    try {
      out.push(JSON.parse(buf.toString("utf8", start, nl < 0 ? buf.length : nl)));
    } catch {
    }
  }
  return out;
}
function pathNeedles(path, prefix = false) {
  const quoted = JSON.stringify(path);
  return prefix ? [`,${quoted.slice(0, -1)}`] : [`,${quoted},`, `,${quoted}]`];
}
function removeIndex(stateDir) {
  rmSync(indexDir(stateDir), { recursive: true, force: true });
}

// src/sessions/compact.ts
var COMPACT_MIN_DEAD = 2e3;
var COMPACT_DEAD_SHARE = 0.25;
var LOOK_MIN_META = 256 << 10;
var LOOK_MIN_TEXT = 1 << 20;
var MARK = "compacted.json";
function liveMeta(rows) {
  const byPath = /* @__PURE__ */ new Map();
  for (const r of rows) {
    const path = r[1];
    if (r[0] === "X") {
      byPath.delete(path);
      continue;
    }
    let s = byPath.get(path);
    if (!s) byPath.set(path, s = { q: /* @__PURE__ */ new Map() });
    if (r[0] === "F") {
      const cwd = String(r[3]);
      s.f = [String(r[2]), cwd !== "" || !s.f ? cwd : s.f[1]];
    } else if (r[0] === "W") {
      const [a, b] = [Number(r[2]), Number(r[3])];
      s.w = s.w ? [Math.min(s.w[0], a), Math.max(s.w[1], b)] : [a, b];
    } else if (r[0] === "q") {
      s.q.delete(String(r[2]));
      s.q.set(String(r[2]), r);
    }
  }
  const out = [];
  for (const [path, s] of byPath) {
    if (s.f) out.push(["F", path, s.f[0], s.f[1]]);
    if (s.w) out.push(["W", path, s.w[0], s.w[1]]);
    out.push(...s.q.values());
  }
  return out;
}
function liveText(rows) {
  const byPath = /* @__PURE__ */ new Map();
  for (const r of rows) {
    const path = r[1];
    if (r[0] === "X") {
      byPath.delete(path);
      continue;
    }
    let m = byPath.get(path);
    if (!m) byPath.set(path, m = /* @__PURE__ */ new Map());
    const key = r[0] + String(r[2]);
    m.delete(key);
    m.set(key, r);
  }
  const out = [];
  for (const m of byPath.values()) out.push(...m.values());
  return out;
}
function replaceAtomically(path, rows) {
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  try {
    const fd = openSync2(tmp, constants2.O_WRONLY | constants2.O_CREAT | constants2.O_EXCL | constants2.O_NOFOLLOW, 384);
    try {
      writeFileSync(fd, rows.length ? rows.map((r) => JSON.stringify(r)).join("\n") + "\n" : "");
      fsyncSync2(fd);
    } finally {
      closeSync2(fd);
    }
    renameSync(tmp, path);
  } catch (err) {
    rmSync2(tmp, { force: true });
    throw err;
  }
  try {
    const d = openSync2(dirname(path), "r");
    try {
      fsyncSync2(d);
    } finally {
      closeSync2(d);
    }
  } catch {
  }
}
function indexHealth(stateDir) {
  const f = indexFiles(stateDir);
  const size = (p) => existsSync2(p) ? statSync2(p).size : 0;
  const meta = readRows(f.meta);
  const text = readRows(f.text);
  const out = readRows(f.out);
  return { meta: { bytes: size(f.meta), rows: meta.length, live: liveMeta(meta).length }, text: { bytes: size(f.text), rows: text.length, live: liveText(text).length }, out: { bytes: size(f.out), rows: out.length, live: liveText(out).length } };
}
function compactIndex(stateDir, minDead = COMPACT_MIN_DEAD, journals = ["out", "text", "meta"]) {
  const f = indexFiles(stateDir);
  const out = [];
  for (const journal of ["out", "text", "meta"].filter((j) => journals.includes(j))) {
    const path = f[journal];
    if (!existsSync2(path)) continue;
    const rows = readRows(path);
    const live = journal === "meta" ? liveMeta(rows) : liveText(rows);
    const dead = rows.length - live.length;
    if (dead === 0 || dead < minDead || minDead > 0 && dead < COMPACT_DEAD_SHARE * rows.length) continue;
    const bytesBefore = statSync2(path).size;
    replaceAtomically(path, live);
    out.push({ journal, rowsBefore: rows.length, rowsAfter: live.length, bytesBefore, bytesAfter: statSync2(path).size });
  }
  return out;
}
function readMark(stateDir) {
  try {
    const m = JSON.parse(readFileSync2(join2(indexDir(stateDir), MARK), "utf8"));
    return typeof m.meta === "number" && typeof m.text === "number" ? m : void 0;
  } catch {
    return void 0;
  }
}
var CompactionTrigger = class {
  constructor(stateDir) {
    this.stateDir = stateDir;
  }
  stateDir;
  mark;
  first = true;
  afterFlush() {
    const f = indexFiles(this.stateDir);
    const size = (p) => existsSync2(p) ? statSync2(p).size : 0;
    const first = this.first;
    this.first = false;
    this.mark ??= readMark(this.stateDir) ?? { meta: 0, text: 0, at: 0 };
    const meta = size(f.meta);
    const text = size(f.text) + size(f.out);
    const journals = [];
    if (meta >= LOOK_MIN_META && meta >= 2 * this.mark.meta) journals.push("meta");
    if (first && text >= LOOK_MIN_TEXT && text >= 2 * this.mark.text) journals.push("out", "text");
    if (journals.length === 0) return [];
    const done = compactIndex(this.stateDir, COMPACT_MIN_DEAD, journals);
    this.mark = { meta: journals.includes("meta") ? size(f.meta) : this.mark.meta, text: journals.includes("text") ? size(f.text) + size(f.out) : this.mark.text, at: Date.now() };
    replaceAtomically(join2(indexDir(this.stateDir), MARK), [this.mark]);
    return done;
  }
};
function describeIndex(stateDir) {
  const h = indexHealth(stateDir);
  if (h.meta.rows + h.text.rows + h.out.rows === 0) return void 0;
  const rows = h.meta.rows + h.text.rows + h.out.rows;
  const dead = rows - h.meta.live - h.text.live - h.out.live;
  const mb = (b) => b < 1e6 ? `${Math.ceil(b / 1e3)} kB` : `${(b / 1e6).toFixed(1)} MB`;
  const mark = readMark(stateDir);
  return `${mb(h.meta.bytes + h.text.bytes + h.out.bytes)} (listing ${mb(h.meta.bytes)}, text ${mb(h.text.bytes)}, tool output ${mb(h.out.bytes)}), ${Math.round(100 * dead / rows)}% superseded rows; compacted automatically past ${COMPACT_MIN_DEAD} and ${100 * COMPACT_DEAD_SHARE}% (${mark ? `last looked ${new Date(mark.at).toISOString()}` : "not yet needed"}); \`ccotel sessions --rebuild\` rebuilds it`;
}

export {
  indexFiles,
  appendRowsAsync,
  readRows,
  pathNeedles,
  removeIndex,
  CompactionTrigger,
  describeIndex
};
