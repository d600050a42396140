import { createRequire as __cr } from 'module'; const require = __cr(import.meta.url);
import {
  ACTIVITY_FILE,
  activitySettings
} from "./chunk-R5F5HJGS.js";
import {
  parseDuration
} from "./chunk-NBZIM7DU.js";
import {
  attachFold
} from "./chunk-ZHDVVEMB.js";
import {
  Fold,
  SLOT_MS
} from "./chunk-CKTIG34C.js";
import {
  StateInUseError,
  StateStore
} from "./chunk-2YS7Z5B4.js";
import "./chunk-APSSRI2I.js";
import "./chunk-IEE2PAZ5.js";
import {
  REJECTED,
  spoolDir,
  spoolTime
} from "./chunk-OXGOCH6N.js";
import {
  loadSettings
} from "./chunk-4KT5NHGZ.js";
import "./chunk-WNRRRGWU.js";
import {
  checkTimeZone,
  localDay
} from "./chunk-62URUY5F.js";
import "./chunk-IZPOGKRA.js";
import {
  UserError
} from "./chunk-EM5NTX2M.js";

// src/activity/prune.ts
import { readdir, readFile, stat, unlink } from "node:fs/promises";
import { join } from "node:path";
async function entries(dir) {
  try {
    return (await readdir(dir)).sort();
  } catch (err) {
    if (err.code === "ENOENT") return [];
    throw err;
  }
}
async function sizeAndTime(path) {
  try {
    const s = await stat(path);
    return s.isFile() ? { bytes: s.size, mtimeMs: s.mtimeMs } : void 0;
  } catch {
    return void 0;
  }
}
async function committedSpool(stateDir) {
  try {
    const st = JSON.parse(await readFile(join(stateDir, "state.json"), "utf8"));
    const done = st.sinks?.spool?.done;
    return new Set(Array.isArray(done) ? done.filter((n) => typeof n === "string") : []);
  } catch {
    return /* @__PURE__ */ new Set();
  }
}
async function planPrune(o) {
  const cutoff = o.nowMs - o.olderThanMs;
  const cutoffDay = localDay(cutoff, o.timezone);
  const out = [];
  for (const name of await entries(o.activityDir)) {
    const day = ACTIVITY_FILE.exec(name)?.[1];
    if (!day || day >= cutoffDay) continue;
    const p = join(o.activityDir, name);
    const s = await sizeAndTime(p);
    if (s) out.push({ path: p, bytes: s.bytes, why: `activity log of ${day}` });
  }
  const spool = spoolDir(o.stateDir);
  const committed = await committedSpool(o.stateDir);
  for (const name of await entries(join(spool, "new"))) {
    const t = spoolTime(name);
    if (!committed.has(name) || t === void 0 || t >= cutoff) continue;
    const p = join(spool, "new", name);
    const s = await sizeAndTime(p);
    if (s) out.push({ path: p, bytes: s.bytes, why: "hook event already committed" });
  }
  for (const [sub, why] of [[REJECTED, "rejected hook payload"], ["tmp", "abandoned partial hook write"]]) {
    for (const name of await entries(join(spool, sub))) {
      const p = join(spool, sub, name);
      const s = await sizeAndTime(p);
      if (s && s.mtimeMs < cutoff) out.push({ path: p, bytes: s.bytes, why });
    }
  }
  return out;
}
async function prune(items) {
  const failed = [];
  for (const it of items) {
    try {
      await unlink(it.path);
    } catch (err) {
      if (err.code !== "ENOENT") failed.push({ path: it.path, error: err.message });
    }
  }
  return failed;
}

// src/cli/commands/prune-ledger.ts
import { existsSync } from "node:fs";
import { join as join2 } from "node:path";
var MIN_LEDGER_AGE_MS = 864e5;
async function pruneLedger(settings, olderThanMs, nowMs, dryRun, warn) {
  const verb = dryRun ? "would drop" : "dropped";
  if (olderThanMs < MIN_LEDGER_AGE_MS) return { line: `ledger: per-call detail is kept for at least 1d; nothing dropped` };
  if (!existsSync(join2(settings.stateDir, "state.json"))) return { line: `ledger: no state in ${settings.stateDir} yet; nothing dropped` };
  const cutoff = Math.floor((nowMs - olderThanMs) / SLOT_MS) * SLOT_MS;
  const when = new Date(cutoff).toISOString();
  let store;
  try {
    store = await StateStore.open(settings.stateDir, { allowReadOnly: dryRun, warn });
  } catch (err) {
    if (err instanceof StateInUseError) return { failed: true, line: `ledger detail not pruned: ${settings.stateDir} is in use by ccotel pid ${err.pid}; stop it (ccotel run) and prune again` };
    throw err;
  }
  try {
    store.setDetector(settings.detector);
    if (!dryRun) await attachFold(store, { pricer: settings.pricer });
    const ledger = store.ledger;
    const { changes, bytes } = ledger.prunable(cutoff);
    const what = `${changes.length} per-call ledger records older than ${when}, ${bytes} bytes of detail`;
    if (dryRun || changes.length === 0) return { line: `ledger: ${verb} ${what}; totals, metrics and stats keep counting them` };
    const rollups = Fold.rollupAfterPrune(ledger, changes, { pricer: settings.pricer });
    const r = await store.prune(cutoff, changes, rollups);
    return { line: `ledger: ${verb} ${what}; ledger ${r.bytesBefore} -> ${r.bytesAfter} bytes, ${r.bytesBefore - r.bytesAfter} bytes removed; totals, metrics and stats keep counting them` };
  } finally {
    store.close();
  }
}

// src/cli/commands/prune.ts
function registerPrune(program) {
  program.command("prune").description("delete activity logs ($CLAUDE_LOG_DIR, default ~/.claude/logs), committed or rejected hook spool files and the ledger's per-call detail older than --older-than (totals, metrics and stats keep counting it)").requiredOption("--older-than <duration>", "age to keep, e.g. 30d").option("--dry-run", "list what would be deleted, delete nothing").option("--state-dir <dir>", "the state directory (default: $XDG_STATE_HOME/ccotel)").option("--config <file>", "config file").option("--timezone <tz>", "IANA time zone of the activity logs' days (default: the config's, else local)").action(async (o) => {
    const olderThanMs = parseDuration(o.olderThan, "--older-than");
    if (olderThanMs <= 0) throw new UserError("--older-than must be more than 0");
    if (o.timezone) checkTimeZone(o.timezone);
    const settings = loadSettings({ stateDir: o.stateDir, config: o.config, timezone: o.timezone });
    const nowMs = Date.now();
    const items = await planPrune({ activityDir: activitySettings().dir, stateDir: settings.stateDir, olderThanMs, timezone: settings.timezone, nowMs });
    const verb = o.dryRun ? "would delete" : "deleted";
    const failed = o.dryRun ? [] : await prune(items);
    const bad = new Set(failed.map((f) => f.path));
    for (const it of items) if (!bad.has(it.path)) process.stdout.write(`${verb} ${it.path} (${it.why}, ${it.bytes} bytes)
`);
    const bytes = items.filter((i) => !bad.has(i.path)).reduce((a, i) => a + i.bytes, 0);
    process.stdout.write(`${verb} ${items.length - failed.length} files, ${bytes} bytes
`);
    for (const f of failed) process.stderr.write(`ccotel: cannot delete ${f.path}: ${f.error}
`);
    if (failed.length > 0) process.exitCode = 1;
    const ledger = await pruneLedger(settings, olderThanMs, nowMs, o.dryRun === true, (m) => process.stderr.write(`warn: ${m}
`));
    if (ledger.failed) {
      process.stderr.write(`ccotel: ${ledger.line}
`);
      process.exitCode = 1;
    } else process.stdout.write(`${ledger.line}
`);
  });
}
export {
  registerPrune
};
