import { createRequire as __cr } from 'module'; const require = __cr(import.meta.url);
import {
  limitsOf
} from "./chunk-DK2BJZ46.js";
import {
  spoolBacklog,
  spoolDir
} from "./chunk-OXGOCH6N.js";
import {
  StateLock,
  loadSettings
} from "./chunk-4KT5NHGZ.js";
import "./chunk-WNRRRGWU.js";
import "./chunk-62URUY5F.js";
import "./chunk-IZPOGKRA.js";
import {
  UserError
} from "./chunk-EM5NTX2M.js";

// src/cli/commands/hooks.ts
import { readFileSync as readFileSync2 } from "node:fs";
import { join as join2 } from "node:path";

// src/hooks/install.ts
import { accessSync, constants, existsSync } from "node:fs";
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

// src/hooks/settings-file.ts
import { copyFileSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
function lineCol(text, pos) {
  const before = text.slice(0, pos);
  const line = before.split("\n").length;
  return { line, col: pos - before.lastIndexOf("\n") };
}
function readSettings(path) {
  let text;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    if (err.code === "ENOENT") return { path, exists: false, text: "", data: {} };
    throw new UserError(`cannot read ${path}: ${err.message}`);
  }
  if (text.trim() === "") return { path, exists: true, text, data: {} };
  let data;
  try {
    data = JSON.parse(text);
  } catch {
    const at = jsonErrorAt(text);
    const { line, col } = lineCol(text, at);
    const found = at >= text.length ? "end of file" : `'${text[at]}'`;
    throw new UserError(`${path}:${line}:${col}: not valid JSON (unexpected ${found}); fix it first, ccotel did not change it`);
  }
  if (data === null || typeof data !== "object" || Array.isArray(data)) throw new UserError(`${path}:1:1: not a JSON object; fix it first, ccotel did not change it`);
  return { path, exists: true, text, data };
}
var serializeSettings = (data) => JSON.stringify(data, null, 2) + "\n";
function writeSettings(s, text, now = /* @__PURE__ */ new Date()) {
  mkdirSync(dirname(s.path), { recursive: true });
  let backup;
  if (s.exists) {
    backup = `${s.path}.ccotel-backup-${now.toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z")}`;
    copyFileSync(s.path, backup);
  }
  const tmp = `${s.path}.ccotel-${process.pid}.tmp`;
  writeFileSync(tmp, text, { mode: 384 });
  renameSync(tmp, s.path);
  return backup;
}
function lineDiff(before, after) {
  const a = before === "" ? [] : before.replace(/\n$/, "").split("\n");
  const b = after.replace(/\n$/, "").split("\n");
  const n = a.length;
  const m = b.length;
  const lcs = Array.from({ length: n + 1 }, () => new Array(m + 1).fill(0));
  for (let i2 = n - 1; i2 >= 0; i2--) for (let j2 = m - 1; j2 >= 0; j2--) lcs[i2][j2] = a[i2] === b[j2] ? lcs[i2 + 1][j2 + 1] + 1 : Math.max(lcs[i2 + 1][j2], lcs[i2][j2 + 1]);
  const ops = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) {
      ops.push([" ", a[i++]]);
      j++;
    } else if (j < m && (i >= n || lcs[i][j + 1] >= lcs[i + 1][j])) ops.push(["+", b[j++]]);
    else ops.push(["-", a[i++]]);
  }
  const keep = ops.map((_, k) => ops.slice(Math.max(0, k - 2), k + 3).some(([op]) => op !== " "));
  const out = [];
  let skipped = false;
  ops.forEach(([op, line], k) => {
    if (!keep[k]) {
      if (!skipped) out.push("  ...");
      skipped = true;
      return;
    }
    skipped = false;
    out.push(`${op} ${line}`);
  });
  return out.join("\n");
}
function jsonErrorAt(text) {
  let i = 0;
  const ws = () => {
    while (i < text.length && " 	\n\r".includes(text[i])) i++;
  };
  const fail = () => {
    throw i;
  };
  const lit = (w) => {
    for (const ch of w) if (text[i++] !== ch) i--, fail();
  };
  const str = () => {
    if (text[i] !== '"') fail();
    i++;
    while (i < text.length && text[i] !== '"') {
      if (text[i] === "\\") i++;
      else if (text.charCodeAt(i) < 32) fail();
      i++;
    }
    if (i >= text.length) fail();
    i++;
  };
  const num = () => {
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i));
    if (!m) fail();
    i += m[0].length;
  };
  const value = () => {
    ws();
    const c = text[i];
    if (c === "{") {
      i++;
      ws();
      if (text[i] === "}") return void i++;
      for (; ; ) {
        ws();
        str();
        ws();
        if (text[i] !== ":") fail();
        i++;
        value();
        ws();
        if (text[i] === ",") i++;
        else if (text[i] === "}") return void i++;
        else fail();
      }
    } else if (c === "[") {
      i++;
      ws();
      if (text[i] === "]") return void i++;
      for (; ; ) {
        value();
        ws();
        if (text[i] === ",") i++;
        else if (text[i] === "]") return void i++;
        else fail();
      }
    } else if (c === '"') str();
    else if (c === "t") lit("true");
    else if (c === "f") lit("false");
    else if (c === "n") lit("null");
    else num();
  };
  try {
    value();
    ws();
    if (i < text.length) fail();
  } catch (at) {
    if (typeof at === "number") return at;
    throw at;
  }
  return text.length;
}

// src/hooks/install.ts
var HOOKS_DIR = fileURLToPath(new URL("../../hooks/", import.meta.url));
var SPOOL_SCRIPT = "ccotel-hook.sh";
var GUARD_SCRIPT = "ccotel-budget-guard.sh";
var OURS = [SPOOL_SCRIPT, GUARD_SCRIPT];
var SCOPES = ["user", "project", "local"];
var ALL_EVENTS = ["PreToolUse", "PostToolUse", "PostToolUseFailure", "UserPromptSubmit", "Notification", "PermissionRequest", "PreCompact", "SessionStart", "SessionEnd", "SubagentStart", "SubagentStop", "Stop"];
var MATCHED = /* @__PURE__ */ new Set(["PreToolUse", "PostToolUse", "PostToolUseFailure", "PermissionRequest"]);
var GUARD_EVENTS = ["UserPromptSubmit", "PreToolUse"];
var TIMEOUT_S = 10;
function settingsPath(scope, env = process.env, cwd = process.cwd()) {
  if (scope === "project") return join(cwd, ".claude", "settings.json");
  if (scope === "local") return join(cwd, ".claude", "settings.local.json");
  const configDir = env.CLAUDE_CONFIG_DIR?.split(",")[0]?.trim();
  return join(configDir ? configDir.replace(/\/projects\/?$/, "") : join(homedir(), ".claude"), "settings.json");
}
var shellQuote = (s) => `'${s.replace(/'/g, `'\\''`)}'`;
function hookCommand(script, stateDir, ...args) {
  return [join(HOOKS_DIR, script), resolve(stateDir), ...args].map(shellQuote).join(" ");
}
var isOurs = (cmd) => typeof cmd === "string" && OURS.some((s) => cmd.includes(`/${s}`));
var isObj = (v) => v !== null && typeof v === "object" && !Array.isArray(v);
function withoutOurs(groups) {
  if (!Array.isArray(groups)) return [];
  const out = [];
  for (const g of groups) {
    if (!isObj(g) || !Array.isArray(g.hooks)) {
      out.push(g);
      continue;
    }
    const hooks = g.hooks.filter((h) => !(isObj(h) && isOurs(h.command)));
    if (hooks.length === g.hooks.length) out.push(g);
    else if (hooks.length > 0) out.push({ ...g, hooks });
  }
  return out;
}
function hooksOf(data, path) {
  const h = data.hooks;
  if (h === void 0) return {};
  if (!isObj(h)) throw new UserError(`${path}: "hooks" is not an object; fix it first, ccotel did not change it`);
  return h;
}
function plan(path, edit) {
  const s = readSettings(path);
  const hooks = edit({ ...hooksOf(s.data, path) });
  const data = { ...s.data };
  if (Object.keys(hooks).length > 0) data.hooks = hooks;
  else delete data.hooks;
  const events = Object.entries(hooks).filter(([, groups]) => Array.isArray(groups) && groups.some((g) => isObj(g) && Array.isArray(g.hooks) && g.hooks.some((h) => isObj(h) && isOurs(h.command)))).map(([e]) => e);
  return { s, next: serializeSettings(data), events };
}
function apply(p, dryRun) {
  const same = p.s.exists && JSON.stringify(JSON.parse(p.next)) === JSON.stringify(p.s.data);
  if (same || !p.s.exists && p.events.length === 0) return { path: p.s.path, changed: false, diff: "", events: p.events };
  const diff = lineDiff(p.s.text, p.next);
  const backup = dryRun ? void 0 : writeSettings(p.s, p.next);
  return { path: p.s.path, changed: true, diff, backup, events: p.events };
}
function install(o) {
  for (const e of o.events) if (!ALL_EVENTS.includes(e)) throw new UserError(`unknown hook event "${e}" (known: ${ALL_EVENTS.join(", ")})`);
  const spool = hookCommand(SPOOL_SCRIPT, o.stateDir);
  return apply(
    plan(o.path, (hooks) => {
      for (const k of Object.keys(hooks)) {
        const rest = withoutOurs(hooks[k]);
        if (rest.length > 0) hooks[k] = rest;
        else delete hooks[k];
      }
      const add = (event, command) => {
        const handler = [{ type: "command", command, timeout: TIMEOUT_S }];
        const groups = Array.isArray(hooks[event]) ? hooks[event] : [];
        hooks[event] = [...groups, MATCHED.has(event) ? { matcher: "*", hooks: handler } : { hooks: handler }];
      };
      for (const e of o.events) add(e, spool);
      if (o.budgetGuard) for (const e of GUARD_EVENTS) add(e, hookCommand(GUARD_SCRIPT, o.stateDir, e));
      return hooks;
    }),
    o.dryRun
  );
}
function uninstall(path, dryRun) {
  return apply(
    plan(path, (hooks) => {
      for (const k of Object.keys(hooks)) {
        const rest = withoutOurs(hooks[k]);
        if (rest.length > 0) hooks[k] = rest;
        else delete hooks[k];
      }
      return hooks;
    }),
    dryRun
  );
}
function scopeStatus(scope, path) {
  const st = { scope, path, exists: existsSync(path), events: [], guard: [], broken: [] };
  let data;
  try {
    data = readSettings(path).data;
  } catch (err) {
    st.error = err.message;
    return st;
  }
  const hooks = isObj(data.hooks) ? data.hooks : {};
  for (const [event, groups] of Object.entries(hooks)) {
    if (!Array.isArray(groups)) continue;
    for (const g of groups) {
      if (!isObj(g) || !Array.isArray(g.hooks)) continue;
      for (const h of g.hooks) {
        if (!isObj(h) || !isOurs(h.command)) continue;
        const cmd = h.command;
        (cmd.includes(`/${GUARD_SCRIPT}`) ? st.guard : st.events).push(event);
        const script = /^'([^']+)'/.exec(cmd)?.[1] ?? cmd.split(" ")[0];
        try {
          accessSync(script, constants.X_OK);
        } catch {
          st.broken.push(cmd);
        }
      }
    }
  }
  return st;
}

// src/cli/commands/hooks.ts
function scopeOf(o) {
  const s = o.scope ?? "user";
  if (!SCOPES.includes(s)) throw new UserError(`--scope must be one of ${SCOPES.join(", ")} (got "${s}")`);
  return s;
}
var pathOf = (o) => o.settings ?? settingsPath(scopeOf(o));
function report(c, verb, dryRun) {
  if (!c.changed) {
    process.stdout.write(`${c.path}: already ${verb === "install" ? "installed" : "without ccotel hooks"}, nothing to change
`);
    return;
  }
  process.stdout.write(`${dryRun ? "would change" : "changed"} ${c.path}${c.backup ? ` (backup: ${c.backup})` : ""}
${c.diff}
`);
}
function registerHooks(program) {
  const hooks = program.command("hooks").description("Claude Code hooks: exact tool timings, permission requests and notifications, live");
  const common = (cmd) => cmd.option("--scope <scope>", "user (~/.claude/settings.json) | project (.claude/settings.json) | local (.claude/settings.local.json)", "user").option("--settings <file>", "edit this settings.json instead of the scope's").option("--dry-run", "print the change, write nothing");
  common(
    hooks.command("install").description("add ccotel's hooks to Claude Code's settings (idempotent; other hooks and keys untouched; a timestamped backup is kept)").option("--events <list>", `comma-separated hook events (default: all: ${ALL_EVENTS.join(",")})`).option("--budget-guard", "also add the budget guard (UserPromptSubmit, PreToolUse): warns while a budget in the config is spent; blocks new prompts with budgets.enforce").option("--state-dir <dir>", "the state directory the daemon uses (default: $XDG_STATE_HOME/ccotel)").option("--config <file>", "config file (default: ~/.config/ccotel/config.yaml)")
  ).action((o) => {
    const path = pathOf(o);
    const events = o.events ? o.events.split(",").map((e) => e.trim()).filter(Boolean) : [...ALL_EVENTS];
    const { stateDir, config, configPath } = loadSettings({ stateDir: o.stateDir, config: o.config });
    const guard = o.budgetGuard === true;
    report(install({ path, stateDir, events, budgetGuard: guard, dryRun: o.dryRun === true }), "install", o.dryRun === true);
    if (guard && !limitsOf(config)) process.stdout.write(`note: no budgets in ${configPath} yet: the guard does nothing until you set budgets.daily, .weekly or .monthly (and run \`ccotel run\`)
`);
  });
  common(hooks.command("uninstall").description("remove exactly the hooks install added")).action((o) => {
    report(uninstall(pathOf(o), o.dryRun === true), "uninstall", o.dryRun === true);
  });
  hooks.command("status").description("what is installed where, and whether the daemon is consuming the spool").option("--settings <file>", "look at this settings.json only").option("--state-dir <dir>", "the state directory (default: $XDG_STATE_HOME/ccotel)").option("--config <file>", "config file").action(async (o) => {
    const targets = o.settings ? [["file", o.settings]] : SCOPES.map((s) => [s, settingsPath(s)]);
    for (const [scope, path] of targets) {
      const st = scopeStatus(scope, path);
      let line = `${scope.padEnd(7)} ${path}: `;
      if (st.error) line += `unreadable: ${st.error}`;
      else if (!st.exists) line += "no file";
      else if (st.events.length === 0 && st.guard.length === 0) line += "no ccotel hooks";
      else line += `ccotel hooks on ${st.events.join(", ") || "no event"}${st.guard.length ? `; budget guard on ${st.guard.join(", ")}` : ""}`;
      if (st.broken.length) line += ` \u2014 BROKEN: script missing or not executable (${st.broken.join("; ")}); run \`ccotel hooks install\` again`;
      process.stdout.write(line + "\n");
    }
    const { stateDir } = loadSettings({ stateDir: o.stateDir, config: o.config });
    const dir = spoolDir(stateDir);
    const backlog = await spoolBacklog(dir);
    let pid;
    try {
      pid = StateLock.holder(stateDir);
    } catch {
      pid = void 0;
    }
    const daemon = pid ? `daemon running (pid ${pid})` : "no daemon running: events wait in the spool until `ccotel run` or `ccotel backfill`";
    const waiting = backlog.waiting === 0 ? "spool empty" : `${backlog.waiting} events waiting, oldest ${Math.round(backlog.oldestMs / 1e3)} s`;
    const stuck = pid && backlog.oldestMs !== void 0 && backlog.oldestMs > 6e4 ? " \u2014 the daemon is NOT consuming the spool (is it another state dir?)" : "";
    process.stdout.write(`spool   ${dir}: ${waiting}; ${daemon}${stuck}
`);
    try {
      const errors = readFileSync2(join2(dir, "hook-errors.log"), "utf8").trim().split("\n");
      process.stdout.write(`hook errors: ${errors.length}, last: ${errors[errors.length - 1]}
`);
    } catch {
    }
  });
}
export {
  registerHooks
};
