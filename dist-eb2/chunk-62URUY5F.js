import { createRequire as __cr } from 'module'; const require = __cr(import.meta.url);
import {
  UserError
} from "./chunk-EM5NTX2M.js";

// src/calendar/time-range.ts
function checkTimeZone(tz) {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: tz });
    return tz;
  } catch {
    throw new UserError(`unknown time zone "${tz}" (use an IANA name such as Europe/Berlin or UTC)`);
  }
}
var localTimeZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
var partsCache = /* @__PURE__ */ new Map();
function formatter(tz) {
  let f = partsCache.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", { timeZone: tz, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit", weekday: "short" });
    partsCache.set(tz, f);
  }
  return f;
}
function localDateOf(ms, tz) {
  const p = {};
  for (const x of formatter(tz).formatToParts(new Date(ms))) p[x.type] = x.value;
  return { y: +p.year, m: +p.month, d: +p.day, weekday: ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"].indexOf(p.weekday) };
}
function localDay(ms, tz) {
  const { y, m, d } = localDateOf(ms, tz);
  return `${y}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}`;
}
function offsetMs(ms, tz) {
  const p = {};
  for (const x of formatter(tz).formatToParts(new Date(ms))) p[x.type] = x.value;
  const asUtc = Date.UTC(+p.year, +p.month - 1, +p.day, +p.hour, +p.minute, +p.second);
  return asUtc - Math.floor(ms / 1e3) * 1e3;
}
var wallMs = (ms, tz) => Math.floor(ms / 1e3) * 1e3 + offsetMs(ms, tz);
function startOfDay(y, m, d, tz) {
  const midnight = Date.UTC(y, m - 1, d);
  let t = midnight - offsetMs(midnight, tz);
  t = midnight - offsetMs(t, tz);
  if (wallMs(t, tz) === midnight && wallMs(t - 1e3, tz) < midnight) return t;
  let lo = (midnight - 15 * 36e5) / 1e3;
  let hi = (midnight + 15 * 36e5) / 1e3;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (wallMs(mid * 1e3, tz) >= midnight) hi = mid;
    else lo = mid;
  }
  return hi * 1e3;
}
function addDays(y, m, d, n) {
  const dt = new Date(Date.UTC(y, m - 1, d + n));
  return [dt.getUTCFullYear(), dt.getUTCMonth() + 1, dt.getUTCDate()];
}
function parseDay(s, flag) {
  const m = /^(\d{4})-?(\d{2})-?(\d{2})$/.exec(s.trim());
  if (!m) throw new UserError(`${flag} expects a date as YYYY-MM-DD (got "${s}")`);
  const [y, mo, d] = [+m[1], +m[2], +m[3]];
  const check = new Date(Date.UTC(y, mo - 1, d));
  if (check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d) throw new UserError(`${flag}: ${s} is not a calendar date`);
  return [y, mo, d];
}
function namedRange(name, nowMs, tz) {
  if (name === "all") return { startMs: -Infinity, endMs: Infinity, label: "all time" };
  const { y, m, d, weekday } = localDateOf(nowMs, tz);
  const [ty, tm, td] = addDays(y, m, d, 1);
  const endMs = startOfDay(ty, tm, td, tz);
  if (name === "today") return { startMs: startOfDay(y, m, d, tz), endMs, label: `today (${localDay(nowMs, tz)})` };
  if (name === "week") {
    const [wy, wm, wd] = addDays(y, m, d, -weekday);
    return { startMs: startOfDay(wy, wm, wd, tz), endMs, label: "this week" };
  }
  return { startMs: startOfDay(y, m, 1, tz), endMs, label: "this month" };
}
function resolveRange(o, nowMs, tz) {
  if (o.date) {
    if (o.since || o.until) throw new UserError("--date cannot be combined with --since/--until");
    const [y, m, d] = parseDay(o.date, "--date");
    const [ny, nm, nd] = addDays(y, m, d, 1);
    return { startMs: startOfDay(y, m, d, tz), endMs: startOfDay(ny, nm, nd, tz), label: o.date };
  }
  if (o.since || o.until) {
    let startMs = -Infinity;
    let endMs = Infinity;
    if (o.since) startMs = startOfDay(...parseDay(o.since, "--since"), tz);
    if (o.until) endMs = startOfDay(...addDays(...parseDay(o.until, "--until"), 1), tz);
    if (endMs <= startMs) throw new UserError("--until is before --since");
    return { startMs, endMs, label: `${o.since ?? "beginning"} .. ${o.until ?? "now"}` };
  }
  const name = o.range ?? "today";
  if (!["today", "week", "month", "all"].includes(name)) throw new UserError(`--range must be today, week, month or all (got "${o.range}")`);
  return namedRange(name, nowMs, tz);
}

// src/config/defaults.ts
var DEFAULT_SESSION_IDLE = "30m";
var DEFAULT_CALL_QUIET = "2m";
var DEFAULT_METRICS_INTERVAL = "10s";
var DEFAULT_PROMETHEUS_HOST = "127.0.0.1";
var DEFAULT_PROMETHEUS_PORT = 9464;

export {
  checkTimeZone,
  localTimeZone,
  localDateOf,
  localDay,
  startOfDay,
  addDays,
  parseDay,
  namedRange,
  resolveRange,
  DEFAULT_SESSION_IDLE,
  DEFAULT_CALL_QUIET,
  DEFAULT_METRICS_INTERVAL,
  DEFAULT_PROMETHEUS_HOST,
  DEFAULT_PROMETHEUS_PORT
};
