import { createRequire as __cr } from 'module'; const require = __cr(import.meta.url);
import {
  syncWithProgress
} from "./chunk-NCT7SMWF.js";
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
import {
  BUILTIN_RULE_IDS,
  SEVERITIES
} from "./chunk-4KT5NHGZ.js";
import "./chunk-WNRRRGWU.js";
import {
  checkTimeZone,
  resolveRange
} from "./chunk-62URUY5F.js";
import "./chunk-IZPOGKRA.js";
import {
  UserError
} from "./chunk-EM5NTX2M.js";

// src/audit/report.ts
var AUDIT_SCHEMA = "ccotel.audit/v1";
var RANK = { critical: 0, warning: 1, info: 2 };
var iso = (ms) => new Date(ms).toISOString();
var isoOrNull = (ms) => Number.isFinite(ms) ? iso(ms) : null;
var READERS = /* @__PURE__ */ new Set(["Read", "NotebookRead"]);
function buildAudit(ledger, f) {
  const keep = (ts, sessionId, cwd) => ts >= f.range.startMs && ts < f.range.endMs && (f.session === void 0 || sessionId.startsWith(f.session)) && (f.project === void 0 || cwd.includes(f.project));
  const projectOf = (sessionId, cwd) => ledger.sessions.get(sessionId)?.cwd || cwd;
  const hits = [];
  const byRule = {};
  const bySeverity = { critical: 0, warning: 0, info: 0 };
  for (const h of ledger.hits.values()) {
    const project = projectOf(h.sessionId, h.cwd);
    if (!keep(h.ts, h.sessionId, project)) continue;
    if (f.rules && !f.rules.includes(h.rule)) continue;
    if (f.severity && RANK[h.severity] > RANK[f.severity]) continue;
    hits.push({ time: iso(h.ts), sessionId: h.sessionId, agentId: h.agentId ?? null, project, tool: h.tool, toolUseId: h.toolId, rule: h.rule, severity: h.severity, field: h.field, value: h.value });
    byRule[h.rule] = (byRule[h.rule] ?? 0) + 1;
    bySeverity[h.severity]++;
  }
  hits.sort((a, b) => a.time < b.time ? -1 : a.time > b.time ? 1 : a.toolUseId < b.toolUseId ? -1 : a.toolUseId > b.toolUseId ? 1 : a.rule < b.rule ? -1 : 1);
  const files = /* @__PURE__ */ new Map();
  const commands = [];
  const urls = /* @__PURE__ */ new Map();
  const toolCounts = {};
  for (const t of ledger.tools.values()) {
    if (!keep(t.ts, t.sessionId, projectOf(t.sessionId, t.cwd))) continue;
    toolCounts[t.name] = (toolCounts[t.name] ?? 0) + 1;
    if (t.target === void 0) continue;
    if (READERS.has(t.name)) {
      const e = files.get(t.target);
      if (e) {
        e.reads++;
        e.first = Math.min(e.first, t.ts);
        e.last = Math.max(e.last, t.ts);
      } else files.set(t.target, { reads: 1, first: t.ts, last: t.ts });
    } else if (t.name === "Bash") commands.push({ ts: t.ts, sessionId: t.sessionId, command: t.target, isError: t.isError ?? null, id: t.id });
    else if (t.name === "WebFetch") urls.set(t.target, (urls.get(t.target) ?? 0) + 1);
  }
  commands.sort((a, b) => a.ts - b.ts || (a.id < b.id ? -1 : 1));
  return {
    schema: AUDIT_SCHEMA,
    range: { label: f.range.label, start: isoOrNull(f.range.startMs), end: isoOrNull(f.range.endMs) },
    filters: { session: f.session ?? null, project: f.project ?? null, rules: f.rules ?? null, severity: f.severity ?? null },
    hits,
    summary: { hits: hits.length, byRule: sortKeys(byRule), bySeverity },
    filesRead: [...files].map(([path, v]) => ({ path, reads: v.reads, first: iso(v.first), last: iso(v.last) })).sort((a, b) => b.reads - a.reads || (a.path < b.path ? -1 : 1)),
    commands: commands.map((c) => ({ time: iso(c.ts), sessionId: c.sessionId, command: c.command, isError: c.isError })),
    urlsFetched: [...urls].map(([url, fetches]) => ({ url, fetches })).sort((a, b) => b.fetches - a.fetches || (a.url < b.url ? -1 : 1)),
    writesOutsideProject: hits.filter((h) => h.rule === "write_outside_project").map((h) => ({ time: h.time, sessionId: h.sessionId, path: h.value })),
    toolCounts: sortKeys(toolCounts)
  };
}
function sortKeys(o) {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => a < b ? -1 : 1));
}

// src/audit/render.ts
var LIST_MAX = 50;
var short = (s, max = 120) => {
  const line = s.replace(/\s+/g, " ").trim();
  return line.length > max ? line.slice(0, max - 1) + "\u2026" : line;
};
var time = (iso2) => iso2.slice(0, 19).replace("T", " ");
function section(out, title, rows, total = rows.length) {
  out.push("", `${title} (${total})`);
  if (rows.length === 0) {
    out.push("  (none)");
    return;
  }
  const shown = rows.slice(0, LIST_MAX);
  const widths = shown[0].map((_, i) => i === shown[0].length - 1 ? 0 : Math.max(...shown.map((r) => r[i].length)));
  for (const r of shown) out.push("  " + r.map((c, i) => c.padEnd(widths[i])).join("  ").trimEnd());
  if (total > shown.length) out.push(`  \u2026 ${total - shown.length} more (--json lists all)`);
}
function renderAudit(r) {
  const out = [`Audit \u2014 ${r.range.label}${r.filters.session ? `, session ${r.filters.session}` : ""}${r.filters.project ? `, project *${r.filters.project}*` : ""}`];
  const sev = r.summary.bySeverity;
  out.push(`Rule hits: ${r.summary.hits} (critical ${sev.critical}, warning ${sev.warning}, info ${sev.info})${Object.keys(r.summary.byRule).length ? " \u2014 " + Object.entries(r.summary.byRule).map(([k, v]) => `${k} ${v}`).join(", ") : ""}`);
  section(out, "Rule hits", r.hits.map((h) => [time(h.time), h.sessionId.slice(0, 8), h.tool, h.rule, h.severity, short(h.value)]));
  section(out, "Files read", r.filesRead.map((f) => [String(f.reads), short(f.path)]));
  section(out, "Bash commands", r.commands.map((c) => [time(c.time), c.sessionId.slice(0, 8), c.isError ? "error" : "ok", short(c.command)]));
  section(out, "URLs fetched", r.urlsFetched.map((u) => [String(u.fetches), short(u.url)]));
  section(out, "Writes outside the project", r.writesOutsideProject.map((w) => [time(w.time), w.sessionId.slice(0, 8), short(w.path)]));
  section(out, "Tool calls by type", Object.entries(r.toolCounts).sort((a, b) => b[1] - a[1]).map(([k, v]) => [String(v), k]), Object.keys(r.toolCounts).length);
  return out.join("\n") + "\n";
}

// src/cli/commands/audit.ts
var collect = (v, prev) => [...prev ?? [], ...v.split(",").filter(Boolean)];
function registerAudit(program) {
  const cmd = program.command("audit").description("sensitive-action rule hits, files read, commands run, URLs fetched, writes outside the project").option("--session <id>", "one session (its id or the start of it)").option("--since <YYYY-MM-DD>", "from this day (inclusive)").option("--until <YYYY-MM-DD>", "to this day (inclusive)").option("--project <substring>", "only projects whose path contains this").option("--rule <id>", `only hits of this rule (repeatable or comma-separated; built in: ${BUILTIN_RULE_IDS.join(", ")})`, collect).option("--severity <level>", "only hits of this severity or above: critical | warning | info").option("--json", "print one JSON object (stable, documented in docs/security.md)").addHelpText("after", `
Examples:
  $ ccotel audit --since 2026-01-01                 everything since New Year
  $ ccotel audit --severity critical --json         critical hits, for a script
  $ ccotel audit --session 3f2a1c9e --rule destructive_command`);
  addCommonOptions(cmd);
  cmd.action(async (o) => {
    const log = createLogger({ level: logLevelOf(o), json: false });
    if (o.timezone) checkTimeZone(o.timezone);
    if (o.severity !== void 0 && !SEVERITIES.includes(o.severity)) throw new UserError(`--severity must be one of ${SEVERITIES.join(", ")} (got "${o.severity}")`);
    if (o.session !== void 0 && o.session.length < 4) throw new UserError("--session needs at least 4 characters of the session id");
    const rangeOpts = { range: "all", since: o.since, until: o.until };
    resolveRange(rangeOpts, Date.now(), o.timezone ?? "UTC");
    const session = await IngestSession.open(o, log, { allowReadOnly: true });
    try {
      await syncWithProgress(session);
      const { settings, store } = session;
      const report = buildAudit(store.ledger, { range: resolveRange(rangeOpts, Date.now(), settings.timezone), session: o.session, project: o.project, rules: o.rule, severity: o.severity });
      process.stdout.write(o.json ? JSON.stringify(report, null, 2) + "\n" : renderAudit(report));
    } finally {
      await session.close();
    }
  });
}
export {
  registerAudit
};
