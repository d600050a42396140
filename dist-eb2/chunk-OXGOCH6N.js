import { createRequire as __cr } from 'module'; const require = __cr(import.meta.url);
import {
  parseHookPayload
} from "./chunk-4KT5NHGZ.js";

// src/sources/spool-dir.ts
import { existsSync } from "node:fs";
import { mkdir, readdir, readFile, rename, stat, unlink } from "node:fs/promises";
import { join } from "node:path";
var spoolDir = (stateDir) => join(stateDir, "spool");
var REJECTED = "rejected";
var NAME = /^(\d{10,20})\.(\d+)$/;
function spoolTime(name) {
  const m = NAME.exec(name);
  if (!m) return void 0;
  const digits = m[1];
  const sec = Number(digits.slice(0, -9));
  const ns = Number(digits.slice(-9));
  return sec * 1e3 + ns / 1e6;
}
async function listSpool(dir) {
  let names;
  try {
    names = await readdir(join(dir, "new"));
  } catch (err) {
    if (err.code === "ENOENT") return [];
    throw err;
  }
  const out = [];
  for (const name of names) {
    const ts = spoolTime(name);
    if (ts !== void 0) out.push({ name, ts });
  }
  return out.sort((a, b) => a.ts - b.ts || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
async function readSpoolFile(dir, e, transcriptExists = existsSync) {
  let text;
  try {
    text = await readFile(join(dir, "new", e.name), "utf8");
  } catch (err) {
    if (err.code === "ENOENT") return void 0;
    throw err;
  }
  const r = parseHookPayload(e.name, Math.round(e.ts * 1e3) / 1e3, text, transcriptExists);
  return r.ok ? { ok: true, event: r.event, bytes: text.length } : { ok: false, reason: r.reason, bytes: text.length };
}
async function removeSpoolFile(dir, name) {
  await unlink(join(dir, "new", name)).catch((err) => {
    if (err.code !== "ENOENT") throw err;
  });
}
async function rejectSpoolFile(dir, name) {
  await mkdir(join(dir, REJECTED), { recursive: true, mode: 448 });
  await rename(join(dir, "new", name), join(dir, REJECTED, name)).catch(() => unlink(join(dir, "new", name)).catch(() => {
  }));
}
async function spoolBacklog(dir, now = Date.now()) {
  const list = await listSpool(dir);
  if (list.length === 0) return { waiting: 0 };
  return { waiting: list.length, oldestMs: now - list[0].ts };
}

export {
  spoolDir,
  REJECTED,
  spoolTime,
  listSpool,
  readSpoolFile,
  removeSpoolFile,
  rejectSpoolFile,
  spoolBacklog
};
