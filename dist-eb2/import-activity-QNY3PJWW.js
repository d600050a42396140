import { createRequire as __cr } from 'module'; const require = __cr(import.meta.url);
import {
  ACTIVITY_FILE
} from "./chunk-R5F5HJGS.js";
import {
  IngestSession
} from "./chunk-YV2EUMU4.js";
import "./chunk-ZHDVVEMB.js";
import "./chunk-KWWPAEIM.js";
import "./chunk-CKTIG34C.js";
import {
  addCommonOptions,
  logLevelOf
} from "./chunk-PONSMWFI.js";
import "./chunk-2YS7Z5B4.js";
import "./chunk-ZBR56UWZ.js";
import "./chunk-7TEPTGNX.js";
import "./chunk-APSSRI2I.js";
import {
  createLogger
} from "./chunk-CUIUVQIK.js";
import "./chunk-IEE2PAZ5.js";
import "./chunk-OXGOCH6N.js";
import "./chunk-4KT5NHGZ.js";
import "./chunk-WNRRRGWU.js";
import "./chunk-62URUY5F.js";
import "./chunk-IZPOGKRA.js";
import {
  UserError
} from "./chunk-EM5NTX2M.js";

// src/activity/activity-import.ts
import { createHash } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
var count = (v) => typeof v === "number" && Number.isFinite(v) && v >= 0 ? Math.round(v) : void 0;
async function readActivityDir(dir) {
  let names;
  try {
    names = (await readdir(dir)).filter((n) => ACTIVITY_FILE.test(n)).sort();
  } catch (err) {
    throw new UserError(`cannot read ${dir}: ${err.code === "ENOENT" ? "no such directory" : err.message}`);
  }
  const out = { files: names.length, lines: 0, estimates: [], malformed: 0, noTokens: 0 };
  for (const name of names) {
    const seen = /* @__PURE__ */ new Map();
    for (const raw of (await readFile(join(dir, name), "utf8")).split("\n")) {
      const line = raw.trim();
      if (!line) continue;
      out.lines++;
      let o;
      try {
        o = JSON.parse(line);
      } catch {
        out.malformed++;
        continue;
      }
      const ts = typeof o.timestamp === "string" ? Date.parse(o.timestamp) : NaN;
      if (!o || typeof o !== "object" || typeof o.session_id !== "string" || !o.session_id || !Number.isFinite(ts)) {
        out.malformed++;
        continue;
      }
      const t = o.tokens;
      const input = count(t?.input);
      const output = count(t?.output);
      if (input === void 0 && output === void 0) {
        out.noTokens++;
        continue;
      }
      const n = (seen.get(line) ?? 0) + 1;
      seen.set(line, n);
      const key = `activity:${createHash("sha256").update(line).digest("hex").slice(0, 32)}:${n}`;
      const project = typeof o.project === "string" && o.project ? o.project : "unknown";
      out.estimates.push({ key, ts, sessionId: o.session_id, cwd: project, input: input ?? 0, output: output ?? 0 });
    }
  }
  return out;
}

// src/cli/commands/import-activity.ts
function registerImportActivity(program) {
  const cmd = program.command("import-activity").argument("<dir>", "folder holding activity-YYYY-MM-DD.jsonl files (the guide writes them to ~/.claude/logs)").description("import the monitoring guide's activity logs as estimated usage for sessions with no transcript (idempotent)");
  addCommonOptions(cmd);
  cmd.action(async (dir, o) => {
    const log = createLogger({ level: logLevelOf(o), json: false });
    const found = await readActivityDir(dir);
    const session = await IngestSession.open(o, log, { allowReadOnly: false });
    try {
      await session.sync();
      const ledger = session.store.ledger;
      let added = 0;
      for (const e of found.estimates) if (ledger.importEstimate(e)) added++;
      await session.store.commit();
      const exact = found.estimates.filter((e) => ledger.estimates.get(e.key)?.est === 2).length;
      process.stdout.write(
        `${dir}: ${found.files} activity files, ${found.lines} lines: ${added} imported as estimated usage, ${found.estimates.length - added} already imported${found.noTokens ? `, ${found.noTokens} without tokens` : ""}${found.malformed ? `, ${found.malformed} not activity entries (skipped)` : ""}${exact ? `; ${exact} belong to sessions with a transcript here (exact numbers count instead)` : ""}
`
      );
    } finally {
      await session.close();
    }
  });
}
export {
  registerImportActivity
};
