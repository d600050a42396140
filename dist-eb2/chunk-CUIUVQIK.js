import { createRequire as __cr } from 'module'; const require = __cr(import.meta.url);
import {
  UserError
} from "./chunk-EM5NTX2M.js";

// src/log.ts
var ORDER = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };
function parseLogLevel(v) {
  if (v in ORDER) return v;
  throw new UserError(`--log-level must be one of ${Object.keys(ORDER).join(", ")} (got "${v}")`);
}
function displayUrl(u) {
  try {
    const url = new URL(u);
    if (!url.username && !url.password) return u;
    url.username = "";
    url.password = "";
    return url.toString();
  } catch {
    return stripUserInfo(u);
  }
}
function stripUserInfo(text) {
  return text.replace(/\b([a-z][a-z0-9+.-]*:\/\/)[^\s/@"']*@/gi, "$1");
}
function createLogger(opts) {
  const out = opts.write ?? ((line) => process.stderr.write(line + "\n"));
  const write = (line) => out(stripUserInfo(line));
  const min = ORDER[opts.level];
  const emit = (level, msg, fields) => {
    if (ORDER[level] < min) return;
    if (opts.json) {
      write(JSON.stringify({ time: (/* @__PURE__ */ new Date()).toISOString(), level, msg, ...fields }));
    } else {
      const extra = fields && Object.keys(fields).length > 0 ? " " + Object.entries(fields).map(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`).join(" ") : "";
      write(`${level === "info" ? "" : level + ": "}${msg}${extra}`);
    }
  };
  return {
    debug: (m, f) => emit("debug", m, f),
    info: (m, f) => emit("info", m, f),
    warn: (m, f) => emit("warn", m, f),
    error: (m, f) => emit("error", m, f)
  };
}

export {
  parseLogLevel,
  displayUrl,
  stripUserInfo,
  createLogger
};
