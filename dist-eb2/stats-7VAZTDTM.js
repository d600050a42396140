import { createRequire as __cr } from 'module'; const require = __cr(import.meta.url);
import {
  syncWithProgress
} from "./chunk-NCT7SMWF.js";
import {
  IngestSession
} from "./chunk-YV2EUMU4.js";
import "./chunk-ZHDVVEMB.js";
import "./chunk-KWWPAEIM.js";
import {
  Fold,
  NANOS_PER_USD,
  SEP,
  onSlotGrid
} from "./chunk-CKTIG34C.js";
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
import {
  checkTimeZone,
  localDay,
  namedRange,
  resolveRange
} from "./chunk-62URUY5F.js";
import "./chunk-IZPOGKRA.js";
import "./chunk-EM5NTX2M.js";

// src/stats/report.ts
var TOP = 10;
var REPEATED_READS = 3;
var emptyTokens = () => ({ input: 0, output: 0, cacheCreation: 0, cacheRead: 0, total: 0 });
var toTokens = (m) => ({ input: m.input, output: m.output, cacheCreation: m.cacheCreation, cacheRead: m.cacheRead, total: m.input + m.output + m.cacheCreation + m.cacheRead });
var usd = (nanos) => nanos / NANOS_PER_USD;
function buildReport(fold, f, input, ledger) {
  const { startMs, endMs } = f.range;
  let a;
  if (onSlotGrid(startMs, endMs)) a = fold.range(startMs, endMs, f.project);
  else {
    if (!ledger) throw new Error("a range off the 15-minute grid needs the ledger");
    a = Fold.of(ledger(), { pricer: fold.pricer }, (ts) => ts >= startMs && ts < endMs).range(-Infinity, Infinity, f.project);
  }
  const tokens = emptyTokens();
  const models = {};
  const unpriced = /* @__PURE__ */ new Set();
  let nanos = 0;
  let calls = 0;
  let apiErrors = 0;
  for (const [name, m] of a.models) {
    const t = toTokens(m);
    for (const k of ["input", "output", "cacheCreation", "cacheRead", "total"]) tokens[k] += t[k];
    nanos += m.nanoUsd;
    calls += m.n;
    apiErrors += m.apiErrors;
    if (m.unpriced > 0) unpriced.add(name);
    models[name] = { ...t, costUSD: usd(m.nanoUsd), requests: m.n };
  }
  const tools = {};
  for (const [name, t] of a.tools) tools[name] = { calls: t.calls, errors: t.errors };
  const projects = {};
  for (const [cwd, p] of a.projects) projects[cwd] = { sessions: p.sessions.size, operations: p.operations, costUSD: usd(p.nanoUsd), tokens: p.tokens };
  return {
    range: {
      label: f.range.label,
      start: Number.isFinite(f.range.startMs) ? new Date(f.range.startMs).toISOString() : null,
      end: Number.isFinite(f.range.endMs) ? new Date(f.range.endMs).toISOString() : null,
      timezone: f.timezone
    },
    sessions: a.sessions.size,
    subagents: a.agents.size,
    prompts: a.prompts,
    operations: a.operations,
    requests: calls - apiErrors,
    apiErrors,
    compactions: a.compactions,
    tokens,
    costUSD: usd(nanos),
    models: sortByKey(models),
    tools: sortByKey(tools),
    projects: sortByKey(projects),
    quality: qualitySignals(a.reads, a.failing, a.edits),
    sensitive: sortByKey(Object.fromEntries(a.sensitive)),
    input: { ...input, unpricedModels: [.../* @__PURE__ */ new Set([...input.unpricedModels, ...unpriced])].sort() }
  };
}
function qualitySignals(readCounts, failing, edits) {
  const byDesc = (key, tie) => (a, b) => key(b) - key(a) || (tie(a) < tie(b) ? -1 : 1);
  const reads = [];
  for (const [k, n2] of readCounts) {
    if (n2 < REPEATED_READS) continue;
    const i = k.indexOf(SEP);
    reads.push({ sessionId: k.slice(0, i), file: k.slice(i + 1), reads: n2 });
  }
  return {
    repeatedReads: reads.sort(byDesc((r) => r.reads, (r) => r.sessionId + r.file)).slice(0, TOP),
    failingCommands: [...failing].map(([command, failures]) => ({ command, failures })).sort(byDesc((r) => r.failures, (r) => r.command)).slice(0, TOP),
    mostEdited: [...edits].map(([file, n2]) => ({ file, edits: n2 })).sort(byDesc((r) => r.edits, (r) => r.file)).slice(0, TOP)
  };
}
function sortByKey(o) {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => a < b ? -1 : a > b ? 1 : 0));
}

// src/stats/render.ts
var n = (v) => v.toLocaleString("en-US");
var short = (s, max = 100) => {
  const line = s.replace(/\s+/g, " ").trim();
  return line.length > max ? line.slice(0, max - 1) + "\u2026" : line;
};
var usd2 = (v) => `$${v.toFixed(v !== 0 && Math.abs(v) < 0.01 ? 4 : 2)}`;
function table(rows, indent = "  ") {
  if (rows.length === 0) return [`${indent}(none)`];
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => indent + r.map((c, i) => i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i])).join("  ").trimEnd());
}
function renderStats(r) {
  const out = [];
  out.push(`Claude Code activity \u2014 ${r.range.label} (${r.range.timezone})`, "");
  out.push("Summary");
  out.push(...table([
    ["Sessions", n(r.sessions)],
    ["Subagents", n(r.subagents)],
    ["Prompts", n(r.prompts)],
    ["Operations (tool calls)", n(r.operations)],
    ["Model requests", n(r.requests)],
    ["API errors", n(r.apiErrors)],
    ["Compactions", n(r.compactions)]
  ]));
  out.push("", "Token usage");
  out.push(...table([
    ["Input", n(r.tokens.input)],
    ["Output", n(r.tokens.output)],
    ["Cache write", n(r.tokens.cacheCreation)],
    ["Cache read", n(r.tokens.cacheRead)],
    ["Total", n(r.tokens.total)]
  ]));
  out.push("", `Estimated cost: ${usd2(r.costUSD)}`);
  const models = Object.entries(r.models).sort(([, a], [, b]) => b.costUSD - a.costUSD);
  out.push(...table([["model", "requests", "input", "output", "cache write", "cache read", "cost"], ...models.map(([m, v]) => [m, n(v.requests), n(v.input), n(v.output), n(v.cacheCreation), n(v.cacheRead), usd2(v.costUSD)])]));
  if (r.input.unpricedModels.length > 0) out.push(`  unpriced (counted as $0): ${r.input.unpricedModels.join(", ")}`);
  out.push("", "Tools used");
  const tools = Object.entries(r.tools).sort(([, a], [, b]) => b.calls - a.calls);
  out.push(...table(tools.length ? [["tool", "calls", "errors"], ...tools.map(([t, v]) => [t, n(v.calls), n(v.errors)])] : []));
  out.push("", "Projects");
  const projects = Object.entries(r.projects).sort(([, a], [, b]) => b.costUSD - a.costUSD);
  out.push(...table(projects.length ? [["project", "sessions", "operations", "cost"], ...projects.map(([p, v]) => [p || "(unknown)", n(v.sessions), n(v.operations), usd2(v.costUSD)])] : []));
  out.push("", "Quality signals");
  const q = r.quality;
  out.push("  Files read 3+ times in one session:");
  out.push(...table(q.repeatedReads.map((x) => [x.file, `${x.reads}x`, x.sessionId.slice(0, 8)]), "    "));
  out.push("  Failing Bash commands:");
  out.push(...table(q.failingCommands.map((x) => [short(x.command), `${x.failures} failed`]), "    "));
  out.push("  Most edited files:");
  out.push(...table(q.mostEdited.map((x) => [x.file, `${x.edits} edits`]), "    "));
  out.push("", "Sensitive actions (ccotel audit lists them)");
  const hits = Object.entries(r.sensitive).sort(([, a], [, b]) => b - a);
  out.push(...table(hits.map(([rule, count]) => [rule, n(count)])));
  const bad = r.input.malformedLines + r.input.oversizedLines;
  out.push("", `Input: ${n(r.input.files)} transcript files, ${n(r.input.lines)} lines${bad ? `, ${n(bad)} skipped (malformed or oversized)` : ""}`);
  return out.join("\n") + "\n";
}

// src/stats/input-summary.ts
function inputSummary(files, checkpoints, fold) {
  let lines = 0;
  let malformed = 0;
  let oversized = 0;
  let count = 0;
  for (const f of files) {
    const cp = checkpoints[f.path];
    if (!cp) continue;
    count++;
    lines += cp.lines;
    malformed += cp.malformed;
    oversized += cp.oversized;
  }
  return { files: count, lines, malformedLines: malformed, oversizedLines: oversized, unpricedModels: fold.unpricedModels() };
}

// src/stats/empty-range-hint.ts
function emptyRangeHint(ledger, range, nowMs, tz, project) {
  let last = -Infinity;
  let inRange = false;
  for (const r of ledger.usage.values()) {
    if (project !== void 0 && !r.cwd.includes(project)) continue;
    if (r.ts >= range.startMs && r.ts < range.endMs) inRange = true;
    if (r.ts > last) last = r.ts;
  }
  if (inRange || last === -Infinity) return void 0;
  const scope = project !== void 0 ? ` in projects matching "${project}"` : "";
  const when = `${localDay(last, tz)} ${new Date(last).toLocaleTimeString("en-GB", { timeZone: tz, hour: "2-digit", minute: "2-digit" })}`;
  const suggestion = ["week", "month"].find((n2) => {
    const r = namedRange(n2, nowMs, tz);
    return last >= r.startMs && last < r.endMs && !(r.startMs === range.startMs && r.endMs === range.endMs);
  });
  const hint = suggestion ? `--range ${suggestion}` : `--range all (or --since ${localDay(last, tz)})`;
  return `no activity ${range.label}${scope}; the last was on ${when} (${tz}): try ${hint}`;
}

// src/cli/commands/stats.ts
function registerStats(program) {
  const cmd = program.command("stats").description("report tokens, cost, tools, projects and quality signals from local history").option("--range <range>", "today | week | month | all (calendar, in --timezone)", "today").option("--date <YYYY-MM-DD>", "a single day").option("--since <YYYY-MM-DD>", "from this day (inclusive)").option("--until <YYYY-MM-DD>", "to this day (inclusive)").option("--project <substring>", "only projects whose path contains this").option("--json", "print one JSON object (for scripts)").addHelpText("after", `
Examples:
  $ ccotel stats                       today's activity
  $ ccotel stats --range week          this calendar week (Monday on)
  $ ccotel stats --range all --json    everything, as JSON
  $ ccotel stats --since 2026-01-01 --until 2026-01-31 --project myrepo`);
  addCommonOptions(cmd);
  cmd.action(async (o) => {
    const log = createLogger({ level: logLevelOf(o), json: false });
    if (o.timezone) checkTimeZone(o.timezone);
    resolveRange(o, Date.now(), o.timezone ?? "UTC");
    const session = await IngestSession.open(o, log, { allowReadOnly: true });
    try {
      await syncWithProgress(session);
      const { settings, store } = session;
      const now = Date.now();
      const range = resolveRange(o, now, settings.timezone);
      const report = buildReport(session.fold, { range, timezone: settings.timezone, project: o.project }, inputSummary(session.files, store.files, session.fold), () => store.ledger);
      process.stdout.write(o.json ? JSON.stringify(report, null, 2) + "\n" : renderStats(report));
      const empty = report.requests + report.apiErrors + report.operations + report.prompts === 0;
      const hint = empty ? emptyRangeHint(store.ledger, range, now, settings.timezone, o.project) : void 0;
      if (hint) log.info(hint);
    } finally {
      await session.close();
    }
  });
}
export {
  registerStats
};
