import { createRequire as __cr } from 'module'; const require = __cr(import.meta.url);
import {
  CHUNK_SLOTS,
  Fold,
  LEGACY_START_MS,
  arrToCell,
  cellToArr,
  chunkOf,
  fromPlain,
  newSeries,
  sessionsFromPlain,
  sessionsToPlain,
  toPlain
} from "./chunk-CKTIG34C.js";
import {
  CREATE_EXCLUSIVE,
  faultPoint,
  syncDir,
  writeFileAtomic
} from "./chunk-4KT5NHGZ.js";

// src/fold/fold-file.ts
import { closeSync, constants, openSync, readFileSync } from "node:fs";
import { appendFile, open, readdir, rm } from "node:fs/promises";
import { randomBytes } from "node:crypto";
import { join } from "node:path";
var FOLD_FORMAT = "ccotel-fold";
var FOLD_VERSION = 4;
var FOLD_FILE = "fold.json";
var FOLD_JOURNAL = "fold.journal";
var BULK_SAVE_EVERY_MS = 15e3;
var journalLimit = (snapshotBytes) => Math.max(64 << 10, Math.min(1 << 20, snapshotBytes / 4));
var PART_PREFIX = "fold-";
var isPartFile = (name) => name.startsWith(PART_PREFIX) && name.endsWith(".part.json");
function bucketOf(sessionId, buckets) {
  let h = 2166136261;
  for (let i = 0; i < sessionId.length; i++) h = Math.imul(h ^ sessionId.charCodeAt(i), 16777619);
  return (h >>> 0) % buckets;
}
function bucketsFor(sessions) {
  let b = 1;
  while (b < 256 && b * 32 < sessions) b *= 2;
  return b;
}
function cellsOfChunk(fold, chunk) {
  const out = [];
  for (let slot = chunk * CHUNK_SLOTS; slot < (chunk + 1) * CHUNK_SLOTS; slot++) {
    const byCwd = fold.cells.get(slot);
    if (byCwd) for (const [cwd, c] of byCwd) out.push([slot, cwd, cellToArr(c)]);
  }
  return out;
}
function serializeParts(fold, ids, buckets) {
  const out = /* @__PURE__ */ new Map();
  const wanted = /* @__PURE__ */ new Set();
  for (const id of ids) {
    if (id[0] === "c") out.set(id, JSON.stringify(cellsOfChunk(fold, Number(id.slice(1)))));
    else wanted.add(Number(id.slice(1)));
  }
  if (wanted.size > 0) {
    const byBucket = /* @__PURE__ */ new Map();
    for (const b of wanted) byBucket.set(b, /* @__PURE__ */ new Map());
    for (const [id, s] of fold.sessions) byBucket.get(bucketOf(id, buckets))?.set(id, s);
    for (const [b, m] of byBucket) out.set(`s${b}`, JSON.stringify(sessionsToPlain(m)));
  }
  return out;
}
function allPartIds(fold, buckets) {
  const ids = /* @__PURE__ */ new Set();
  for (const slot of fold.cells.keys()) ids.add(`c${chunkOf(slot)}`);
  for (const id of fold.sessions.keys()) ids.add(`s${bucketOf(id, buckets)}`);
  return ids;
}
function cellsFromPlain(v, into) {
  if (!Array.isArray(v)) return false;
  for (const [slot, cwd, c] of v) {
    let byCwd = into.get(slot);
    if (!byCwd) into.set(slot, byCwd = /* @__PURE__ */ new Map());
    byCwd.set(cwd, arrToCell(c));
  }
  return true;
}
function parseMeta(f) {
  if (f?.format !== FOLD_FORMAT || f.version !== FOLD_VERSION || typeof f.ledgerBytes !== "number") return void 0;
  return { ledgerBytes: f.ledgerBytes, ledgerId: typeof f.ledgerId === "string" ? f.ledgerId : void 0, prices: f.prices, startMs: f.startMs };
}
function parseJson(text) {
  try {
    return text === void 0 ? void 0 : JSON.parse(text);
  } catch {
    return void 0;
  }
}
function parseFoldFile(text) {
  try {
    const f = parseJson(text);
    const meta = parseMeta(f);
    if (!meta || !Array.isArray(f.cells)) return void 0;
    const sessions = sessionsFromPlain(f.sessions);
    if (!sessions) return void 0;
    const cells = /* @__PURE__ */ new Map();
    cellsFromPlain(f.cells, cells);
    return { format: FOLD_FORMAT, version: FOLD_VERSION, ...meta, cells, series: fromPlain(f.series), sessions };
  } catch {
    return void 0;
  }
}
function parseManifest(f) {
  const meta = parseMeta(f);
  if (!meta || !Array.isArray(f.parts) || typeof f.buckets !== "number" || !(f.buckets >= 1)) return void 0;
  const parts = f.parts;
  if (!parts.every((p) => Array.isArray(p) && typeof p[0] === "string" && typeof p[1] === "string" && isPartFile(p[1]) && !p[1].includes("/"))) return void 0;
  return { format: FOLD_FORMAT, version: FOLD_VERSION, ...meta, series: f.series, buckets: f.buckets, parts };
}
async function loadParts(dir, m) {
  try {
    const cells = /* @__PURE__ */ new Map();
    const sessions = /* @__PURE__ */ new Map();
    const bytes = /* @__PURE__ */ new Map();
    for (const [id, name] of m.parts) {
      const text = readText(join(dir, name));
      if (text === void 0) return void 0;
      bytes.set(id, text.length);
      const v = JSON.parse(text);
      if (id[0] === "c") {
        if (!cellsFromPlain(v, cells)) return void 0;
      } else {
        const s = sessionsFromPlain(v);
        if (!s) return void 0;
        for (const [k, x] of s) sessions.set(k, x);
      }
    }
    return { file: { ...m, cells, series: fromPlain(m.series), sessions }, bytes };
  } catch {
    return void 0;
  }
}
function otherVersion(text) {
  const f = parseJson(text);
  return f?.format === FOLD_FORMAT && f.version !== FOLD_VERSION;
}
var READ_NOFOLLOW = constants.O_RDONLY | constants.O_NOFOLLOW;
var APPEND_NOFOLLOW = constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_NOFOLLOW;
function readText(path) {
  try {
    const fd = openSync(path, READ_NOFOLLOW);
    try {
      return readFileSync(fd, "utf8");
    } finally {
      closeSync(fd);
    }
  } catch {
    return void 0;
  }
}
async function readSaved(dir) {
  for (let attempt = 0; ; attempt++) {
    const text = readText(join(dir, FOLD_FILE));
    const json = parseJson(text);
    const manifest = parseManifest(json);
    if (!manifest) {
      const file = text === void 0 ? void 0 : parseFoldFile(text);
      return { text, meta: parseMeta(json), file, bytes: /* @__PURE__ */ new Map() };
    }
    const loaded = await loadParts(dir, manifest);
    if (loaded || attempt > 0) return { text, meta: manifest, file: loaded?.file, manifest, bytes: loaded?.bytes ?? /* @__PURE__ */ new Map() };
  }
}
function restore(f, o) {
  const fold = new Fold({ ...o, startMs: f.startMs });
  fold.cells = f.cells;
  fold.series = { ...newSeries(), ...f.series };
  fold.sessions = f.sessions;
  fold.dirty = false;
  fold.dirtyChunks.clear();
  fold.dirtySessions.clear();
  return fold;
}
function replay(fold, text, covered, until) {
  if (!text) return { covered, clean: true };
  for (const line of text.split("\n")) {
    if (!line) continue;
    let j;
    try {
      j = JSON.parse(line);
    } catch {
      return { covered, clean: false };
    }
    if (j.to <= covered) continue;
    if (j.from >= until) return { covered, clean: false };
    if (j.from !== covered) return { covered, clean: false };
    for (const c of j.c) fold.apply(c);
    covered = j.to;
  }
  return { covered, clean: true };
}
async function writePart(path, text) {
  const fh = await open(path, CREATE_EXCLUSIVE, 384);
  try {
    await fh.writeFile(text);
    await fh.sync();
  } finally {
    await fh.close();
  }
}
async function attachFold(store, o) {
  const dir = store.dir;
  const path = join(dir, FOLD_FILE);
  const journalPath = join(dir, FOLD_JOURNAL);
  const now = (o.now ?? Date.now)();
  const saved = store.created ? { text: void 0, meta: void 0, file: void 0, bytes: /* @__PURE__ */ new Map() } : await readSaved(dir);
  const samePrices = saved.meta?.prices === o.pricer.fingerprint;
  let fold;
  let source = "saved";
  let journalBytes = 0;
  let journalClean = true;
  if (store.created) {
    fold = new Fold({ ...o, startMs: now });
    source = "new";
  } else if (saved.file && samePrices && saved.file.ledgerId === store.committedLedgerId) {
    const candidate = restore(saved.file, o);
    const journal = readText(journalPath);
    const r = replay(candidate, journal, saved.file.ledgerBytes, store.committedLedgerBytes);
    if (r.covered === store.committedLedgerBytes) {
      fold = candidate;
      fold.dirty = false;
      journalBytes = journal?.length ?? 0;
      journalClean = r.clean;
    }
  }
  if (!fold) {
    const startMs = saved.meta ? samePrices ? saved.meta.startMs : now : otherVersion(saved.text) ? now : LEGACY_START_MS;
    fold = Fold.of(store.ledger, { ...o, startMs });
    source = "rebuilt";
  }
  const f = fold;
  let pending = [];
  store.onLedgerChange((c) => {
    f.apply(c);
    pending.push(c);
  });
  if (store.readOnly) return { fold: f, source };
  const onDisk = /* @__PURE__ */ new Map();
  let buckets = saved.manifest?.buckets ?? 1;
  let manifestBytes = saved.text?.length ?? 0;
  for (const [id, name] of saved.manifest?.parts ?? []) onDisk.set(id, { name, bytes: saved.bytes.get(id) ?? 0 });
  const named = new Set([...onDisk.values()].map((p) => p.name));
  for (const name of await readdir(dir).catch(() => [])) if (isPartFile(name) && !named.has(name)) await rm(join(dir, name), { force: true });
  const snapshotBytes = () => {
    let n = manifestBytes;
    for (const p of onDisk.values()) n += p.bytes;
    return n;
  };
  let covered = store.committedLedgerBytes;
  let coveredId = store.committedLedgerId;
  let snapshotNeeded = source !== "saved" || !journalClean || !saved.manifest;
  let writing = false;
  let gap = false;
  let lastSaveMs = Date.now();
  let generation = 0;
  const snapshot = (ledgerBytes, ledgerId, full) => {
    if (bucketsFor(f.sessions.size) > buckets) full = true;
    const b = full ? bucketsFor(f.sessions.size) : buckets;
    let ids;
    if (full) ids = /* @__PURE__ */ new Set([...allPartIds(f, b), ...onDisk.keys()]);
    else {
      ids = /* @__PURE__ */ new Set();
      for (const c of f.dirtyChunks) ids.add(`c${c}`);
      for (const s of f.dirtySessions) ids.add(`s${bucketOf(s, b)}`);
    }
    f.dirtyChunks.clear();
    f.dirtySessions.clear();
    const texts = serializeParts(f, ids, b);
    const tag = `${process.pid.toString(36)}${(generation++).toString(36)}${randomBytes(3).toString("hex")}`;
    const next = new Map(onDisk);
    const fresh = [];
    for (const [id, text2] of texts) {
      if (text2 === "[]") next.delete(id);
      else {
        const name = `${PART_PREFIX}${id}.${tag}.part.json`;
        fresh.push([id, name, text2]);
        next.set(id, { name, bytes: text2.length });
      }
    }
    const superseded = [];
    for (const [id, p] of onDisk) if (next.get(id)?.name !== p.name) superseded.push(p.name);
    const manifest = { format: FOLD_FORMAT, version: FOLD_VERSION, ledgerBytes, ledgerId, prices: f.pricer.fingerprint, startMs: f.startMs, series: toPlain(f.series), buckets: b, parts: [...next].map(([id, p]) => [id, p.name]) };
    const text = JSON.stringify(manifest);
    return async () => {
      const written = [];
      try {
        for (const [, name, partText] of fresh) {
          faultPoint("fold.part");
          await writePart(join(dir, name), partText);
          written.push(name);
        }
        if (fresh.length > 0) await syncDir(dir);
        faultPoint("fold.manifest");
        await writeFileAtomic(path, text);
      } catch (err) {
        for (const name of written) await rm(join(dir, name), { force: true }).catch(() => {
        });
        throw err;
      }
      onDisk.clear();
      for (const [id, p] of next) onDisk.set(id, p);
      buckets = b;
      manifestBytes = text.length;
      journalBytes = 0;
      await rm(journalPath, { force: true });
      faultPoint("fold.cleanup");
      for (const name of superseded) await rm(join(dir, name), { force: true });
    };
  };
  store.addCommitHook((ledgerBytes, ledgerId, bulk) => {
    if (writing) snapshotNeeded = true;
    if (ledgerId !== coveredId) snapshotNeeded = true;
    const changes = pending;
    pending = [];
    const oversized = journalBytes > journalLimit(snapshotBytes());
    if (!snapshotNeeded && !oversized && changes.length === 0 && ledgerBytes === covered) return void 0;
    const fits = journalBytes + changes.length * 300 <= journalLimit(snapshotBytes());
    const line = snapshotNeeded || gap || oversized || !fits ? "" : JSON.stringify({ from: covered, to: ledgerBytes, c: changes }) + "\n";
    if (!line && bulk && !snapshotNeeded && Date.now() - lastSaveMs < BULK_SAVE_EVERY_MS) {
      gap = true;
      return void 0;
    }
    let write;
    if (!line || journalBytes + line.length > journalLimit(snapshotBytes())) {
      write = snapshot(ledgerBytes, ledgerId, snapshotNeeded);
      snapshotNeeded = false;
    } else {
      write = async () => {
        await appendFile(journalPath, line, { mode: 384, flag: APPEND_NOFOLLOW });
        journalBytes += line.length;
      };
    }
    writing = true;
    return async () => {
      try {
        await write();
        covered = ledgerBytes;
        coveredId = ledgerId;
        f.dirty = false;
        writing = false;
        gap = false;
        lastSaveMs = Date.now();
      } catch (err) {
        snapshotNeeded = true;
        writing = false;
        throw err;
      }
    };
  });
  if (source === "new") {
    await snapshot(store.committedLedgerBytes, store.committedLedgerId, true)();
    snapshotNeeded = false;
  }
  return { fold: f, source };
}

export {
  attachFold
};
