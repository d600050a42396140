import { createRequire as __cr } from 'module'; const require = __cr(import.meta.url);
import {
  loadConfigFile,
  writeFileAtomic
} from "./chunk-4KT5NHGZ.js";
import {
  namedRange
} from "./chunk-62URUY5F.js";

// src/budget/status-writer.ts
import { statSync } from "node:fs";
import { rm } from "node:fs/promises";
import { join } from "node:path";

// src/budget/status-file.ts
var STATUS_FILE = "budget-status";
var HEARTBEAT_MS = 6e4;
var PERIODS = [
  { key: "daily", range: "today", label: "today", noun: "daily" },
  { key: "weekly", range: "week", label: "this week", noun: "weekly" },
  { key: "monthly", range: "month", label: "this month", noun: "monthly" }
];
function budgetStatus(limits, spent, ranges) {
  const periods = PERIODS.map((p, i) => ({ key: p.key, label: p.label, noun: p.noun, spentUsd: spent[i] ?? 0, limitUsd: limits[p.key], endMs: ranges[i].endMs }));
  const over = periods.filter((p) => p.limitUsd !== void 0 && p.spentUsd >= p.limitUsd);
  const untilMs = over.length ? Math.min(...over.map((p) => p.endMs)) : void 0;
  return { periods, enforce: limits.enforce, over, untilMs };
}
var usd = (n) => `$${n.toFixed(2)}`;
function overText(s) {
  return s.over.map((p, i) => `${p.label} ${usd(p.spentUsd)} of ${i === 0 ? "the " : ""}${usd(p.limitUsd)}${i === 0 ? ` ${p.noun} budget` : ""}`).join(", ");
}
function formatStatus(s, nowMs, configPath) {
  const lines = ["# ccotel budget status: written by `ccotel run`, read by ccotel-budget-guard.sh (docs/hooks.md)", `written=${Math.floor(nowMs / 1e3)}`];
  for (const p of s.periods) lines.push(`${p.key}=${p.spentUsd.toFixed(6)}${p.limitUsd !== void 0 ? `/${p.limitUsd}` : ""}`);
  lines.push(`enforce=${s.enforce ? 1 : 0}`, `over=${s.over.map((p) => p.key).join(",")}`);
  if (s.over.length > 0) {
    const what = `ccotel budget spent: ${overText(s)}`;
    const raise = `raise it in ${configPath} (budgets)`;
    lines.push(`until=${Math.floor(s.untilMs / 1e3)}`);
    lines.push(`block=${oneLine(`${what}. New prompts are blocked until the period ends or you ${raise}.`)}`);
    lines.push(`warn=${JSON.stringify({ systemMessage: oneLine(`${what}. ${s.enforce ? "New prompts will be blocked" : "Spending continues (budgets.enforce is off)"}; ${raise}.`) })}`);
  }
  return lines.join("\n") + "\n";
}
var oneLine = (s) => s.replace(/[\r\n]+/g, " ");

// src/budget/status-writer.ts
var NANOS_PER_USD = 1e9;
var CONFIG_CHECK_MS = 2e3;
function limitsOf(config) {
  const b = config.budgets;
  if (!b || b.daily === void 0 && b.weekly === void 0 && b.monthly === void 0) return void 0;
  return { daily: b.daily, weekly: b.weekly, monthly: b.monthly, enforce: b.enforce };
}
var BudgetStatusWriter = class {
  constructor(store, fold, o, log) {
    this.fold = fold;
    this.o = o;
    this.log = log;
    this.path = join(store.dir, STATUS_FILE);
    this.clock = o.clock ?? Date.now;
    this.limits = limitsOf(o.config);
    this.configMtime = this.mtimeOfConfig();
    store.addCommitHook(() => this.step());
  }
  fold;
  o;
  log;
  path;
  limits;
  last = "";
  lastWriteMs = 0;
  configMtime;
  configCheckedMs = 0;
  warned = false;
  clock;
  /** The write this commit needs, if any (called synchronously by the commit). */
  step() {
    const now = this.clock();
    this.reloadIfChanged(now);
    if (!this.limits) {
      if (this.last === "") return void 0;
      this.last = "";
      return () => rm(this.path, { force: true }).catch(() => {
      });
    }
    const ranges = PERIODS.map((p) => namedRange(p.range, now, this.o.timezone));
    const byProject = this.fold.budget(ranges.map((r) => [r.startMs, r.endMs]));
    const spent = ranges.map((_, i) => {
      let nanos = 0;
      for (const v of byProject.values()) nanos += v[i] ?? 0;
      return nanos / NANOS_PER_USD;
    });
    const text = formatStatus(budgetStatus(this.limits, spent, ranges), 0, this.o.configPath);
    if (text === this.last && now - this.lastWriteMs < HEARTBEAT_MS) return void 0;
    const content = formatStatus(budgetStatus(this.limits, spent, ranges), now, this.o.configPath);
    return async () => {
      try {
        await writeFileAtomic(this.path, content);
        this.last = text;
        this.lastWriteMs = now;
        this.warned = false;
      } catch (err) {
        if (!this.warned) this.log.warn(`cannot write the budget status file ${this.path}: ${err.message} (the budget guard treats it as stale)`);
        this.warned = true;
      }
    };
  }
  mtimeOfConfig() {
    if (!this.o.configFound) return void 0;
    try {
      return statSync(this.o.configPath).mtimeMs;
    } catch {
      return void 0;
    }
  }
  reloadIfChanged(now) {
    if (!this.o.configFound || now - this.configCheckedMs < CONFIG_CHECK_MS) return;
    this.configCheckedMs = now;
    const m = this.mtimeOfConfig();
    if (m === void 0 || m === this.configMtime) return;
    this.configMtime = m;
    try {
      this.limits = limitsOf(loadConfigFile(this.o.configPath).config);
      this.log.info("budgets re-read from the config file", { config: this.o.configPath, budgets: this.limits ?? "none" });
    } catch (err) {
      this.log.warn(`config file changed but cannot be used, budgets unchanged: ${err.message}`);
    }
  }
};

export {
  limitsOf,
  BudgetStatusWriter
};
