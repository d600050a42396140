import { createRequire as __cr } from 'module'; const require = __cr(import.meta.url);
import {
  traceIdFor
} from "./chunk-CKBAELU6.js";
import {
  SessionsSink,
  isTypedPrompt,
  oneLine,
  usdOf
} from "./chunk-Z4JT7HP2.js";
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
  indexFiles,
  pathNeedles,
  readRows,
  removeIndex
} from "./chunk-E6NNWJIM.js";
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
  addDays,
  checkTimeZone,
  localDateOf,
  parseDay,
  startOfDay
} from "./chunk-62URUY5F.js";
import "./chunk-IZPOGKRA.js";
import {
  UserError
} from "./chunk-EM5NTX2M.js";

// src/sessions/days.ts
function dayOf(word, flag, now, tz) {
  const { y, m, d } = localDateOf(now, tz);
  if (word === "today") return [y, m, d];
  if (word === "yesterday") return addDays(y, m, d, -1);
  const n = /^(\d{1,4})d$/.exec(word);
  if (n) {
    if (Number(n[1]) < 1) throw new UserError(`${flag} ${word}: give at least 1d`);
    return addDays(y, m, d, -(Number(n[1]) - 1));
  }
  if (/^\d{4}-\d{2}-\d{2}$/.test(word)) return parseDay(word, flag);
  throw new UserError(`${flag} must be today, yesterday, a number of days such as 7d, or YYYY-MM-DD (got "${word}")`);
}
function sessionRange(since, until, now, tz) {
  const startMs = since === void 0 ? -Infinity : startOfDay(...dayOf(since, "--since", now, tz), tz);
  const endMs = until === void 0 ? Infinity : startOfDay(...addDays(...dayOf(until, "--until", now, tz), 1), tz);
  if (endMs <= startMs) throw new UserError("--until is before --since");
  return { startMs, endMs };
}

// src/sessions/catalog.ts
import { basename, dirname } from "node:path";
function loadCatalog(stateDir, pending, present) {
  const byPath = /* @__PURE__ */ new Map();
  const apply = (r) => {
    const path = r[1];
    if (r[0] === "X") {
      byPath.delete(path);
      return;
    }
    let s = byPath.get(path);
    if (!s) {
      s = { e: { path, folder: basename(dirname(path)), sessionId: "", cwd: "", firstTs: Infinity, lastTs: -Infinity, prompts: [] }, prompts: /* @__PURE__ */ new Map() };
      byPath.set(path, s);
    }
    if (r[0] === "F") {
      s.e.sessionId = String(r[2]);
      if (r[3] !== "" || s.e.cwd === "") s.e.cwd = String(r[3]);
    } else if (r[0] === "W") {
      s.e.firstTs = Math.min(s.e.firstTs, Number(r[2]));
      s.e.lastTs = Math.max(s.e.lastTs, Number(r[3]));
    } else if (r[0] === "q") {
      s.prompts.set(String(r[2]), { uuid: String(r[2]), ts: Number(r[3]), short: String(r[4]) });
    }
  };
  for (const r of readRows(indexFiles(stateDir).meta)) apply(r);
  for (const r of pending?.meta ?? []) apply(r);
  const out = [];
  for (const { e, prompts } of byPath.values()) {
    if (!e.sessionId || !Number.isFinite(e.firstTs)) continue;
    if (present && !present.has(e.path)) continue;
    e.prompts = [...prompts.values()].sort((a, b) => a.ts - b.ts || (a.uuid < b.uuid ? -1 : 1));
    out.push(e);
  }
  return out.sort((a, b) => b.lastTs - a.lastTs || (a.path < b.path ? -1 : 1));
}
function loadSession(stateDir, path, pending) {
  const subDir = `${path.replace(/\.jsonl$/, "")}/subagents/`;
  const items = /* @__PURE__ */ new Map();
  const touched = /* @__PURE__ */ new Map();
  const apply = (r) => {
    const p = r[1];
    const own = p === path;
    if (!own && !p.startsWith(subDir)) return;
    if (r[0] === "X") {
      touched.delete(p);
      if (own) items.clear();
    } else if (r[0] === "f") {
      let m = touched.get(p);
      if (!m) touched.set(p, m = /* @__PURE__ */ new Map());
      m.set(String(r[2]), [String(r[4]), String(r[5])]);
    } else if (own) {
      const k = r[0];
      items.set(k + r[2], { k, id: String(r[2]), ts: Number(r[3]), text: String(r[4]) });
    }
  };
  for (const r of readRows(indexFiles(stateDir).text, [...pathNeedles(path), ...pathNeedles(subDir, true)])) apply(r);
  for (const r of pending?.text ?? []) apply(r);
  const files = /* @__PURE__ */ new Map();
  for (const m of touched.values()) {
    for (const [target, tool] of m.values()) {
      let s = files.get(target);
      if (!s) files.set(target, s = /* @__PURE__ */ new Set());
      s.add(tool);
    }
  }
  return { items: [...items.values()].sort((a, b) => a.ts - b.ts || (a.id < b.id ? -1 : 1)), files };
}

// src/sessions/resume.ts
import { existsSync } from "node:fs";
var folderOf = (cwd) => cwd.replace(/[^A-Za-z0-9]/g, "-");
function resumeDirs(entries) {
  const native = /* @__PURE__ */ new Map();
  for (const e of entries) if (e.cwd && folderOf(e.cwd) === e.folder) native.set(e.folder, e.cwd);
  const out = /* @__PURE__ */ new Map();
  for (const e of entries) {
    let dir = native.get(e.folder);
    if (dir === void 0) {
      const guess = e.folder.replace(/-/g, "/");
      dir = existsSync(guess) ? guess : void 0;
    }
    out.set(e.path, dir);
  }
  return out;
}
var quote = (s) => /^[A-Za-z0-9_./@%+=:,-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
function resumeLine(e, dir, here) {
  const resume = `claude --resume ${e.sessionId}`;
  if (folderOf(here) === e.folder) return resume;
  return dir === void 0 ? `# folder ${e.folder}: cd to the project it belongs to, then ${resume}` : `cd ${quote(dir)} && ${resume}`;
}

// src/sessions/search.ts
var escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
function parseQuery(q) {
  const terms = [];
  const re = /"([^"]*)"|(\S+)/g;
  const text = q.normalize("NFC");
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const t = (m[1] ?? m[2] ?? "").replace(/\s+/g, " ").trim();
    if (t && !terms.some((x) => x.toLowerCase() === t.toLowerCase())) terms.push(t);
  }
  return { terms, res: terms.map((t) => new RegExp(t.split(" ").map(escape).join("\\s+"), "iu")) };
}
var KIND = { p: "prompt", a: "assistant", o: "tool_output" };
var AROUND = 60;
function matchItems(items, q, allText) {
  if (q.res.length === 0) return [];
  const firstHit = q.res.map(() => void 0);
  let missing = q.res.length;
  for (const it of items) {
    if (it.k === "o" && !allText) continue;
    for (let i = 0; i < q.res.length; i++) {
      if (firstHit[i] === void 0 && q.res[i].test(it.text)) {
        firstHit[i] = it;
        missing--;
      }
    }
    if (missing === 0) break;
  }
  if (missing > 0) return void 0;
  const shown = /* @__PURE__ */ new Set();
  const out = [];
  for (let i = 0; i < firstHit.length; i++) {
    const it = firstHit[i];
    if (shown.has(it)) continue;
    shown.add(it);
    out.push(snippetOf(it, q, q.res[i]));
  }
  return out;
}
function snippetOf(it, q, lead) {
  const m = lead.exec(it.text);
  let from = Math.max(0, m.index - AROUND);
  let to = Math.min(it.text.length, m.index + m[0].length + AROUND);
  if (from > 0 && /[\udc00-\udfff]/.test(it.text[from])) from--;
  if (to < it.text.length && /[\udc00-\udfff]/.test(it.text[to])) to++;
  const raw = (from > 0 ? "\u2026" : "") + it.text.slice(from, to) + (to < it.text.length ? "\u2026" : "");
  const snippet = raw.replace(/\s+/g, " ");
  const marks = [];
  for (const re of q.res) {
    const g = new RegExp(re.source, "giu");
    for (let x = g.exec(snippet); x; x = g.exec(snippet)) {
      if (x[0].length === 0) break;
      marks.push([x.index, x.index + x[0].length]);
    }
  }
  marks.sort((a, b) => a[0] - b[0]);
  return { kind: KIND[it.k], ts: it.ts, snippet, marks };
}
function highlight(m, on, off) {
  let out = "";
  let at = 0;
  for (const [s, e] of m.marks) {
    if (s < at) continue;
    out += m.snippet.slice(at, s) + on + m.snippet.slice(s, e) + off;
    at = e;
  }
  return out + m.snippet.slice(at);
}

// src/sessions/text-scan.ts
import { readFileSync } from "node:fs";
var QUOTE = 34;
var BACKSLASH = 92;
var K_X = 88;
var K_F = 102;
function stringEnd(raw, i, end) {
  for (; i < end; i++) {
    const c = raw.charCodeAt(i);
    if (c === BACKSLASH) i++;
    else if (c === QUOTE) return i;
  }
  return -1;
}
function decodePath(buf, start, end) {
  const body = buf.toString("utf8", start, end);
  if (!body.includes("\\")) return body;
  try {
    return JSON.parse(`"${body}"`);
  } catch {
    return void 0;
  }
}
function grow(a, n) {
  if (n < a.length) return a;
  const b = new a.constructor(a.length * 2);
  b.set(a);
  return b;
}
function readTextJournal(file) {
  let buf;
  try {
    buf = readFileSync(file);
  } catch (err) {
    if (err.code !== "ENOENT") throw err;
    buf = Buffer.alloc(0);
  }
  const raw = buf.toString("latin1");
  let starts = new Int32Array(1024);
  let ends = new Int32Array(1024);
  let kinds = new Uint8Array(1024);
  let pathIdx = new Int32Array(1024);
  const paths = [];
  const pathByRaw = /* @__PURE__ */ new Map();
  const lastReset = [];
  const lastOfHash = /* @__PURE__ */ new Map();
  const superseded = [];
  const idBounds = [];
  let prevRaw = "";
  let prevPath = -1;
  let n = 0;
  let at = 0;
  while (at < raw.length) {
    let nl = raw.indexOf("\n", at);
    if (nl < 0) nl = raw.length;
    const ok = nl - at > 6 && raw.charCodeAt(at) === 91 && raw.charCodeAt(at + 1) === QUOTE && raw.charCodeAt(at + 3) === QUOTE;
    const same = ok && prevPath >= 0 && raw.startsWith(prevRaw, at + 6) && raw.charCodeAt(at + 6 + prevRaw.length) === QUOTE;
    const pathEnd = same ? at + 6 + prevRaw.length : ok ? stringEnd(raw, at + 6, nl) : -1;
    if (pathEnd > 0) {
      let p;
      if (same) p = prevPath;
      else {
        const r = raw.slice(at + 6, pathEnd);
        let known = pathByRaw.get(r);
        if (known === void 0) {
          const decoded = decodePath(buf, at + 6, pathEnd);
          if (decoded === void 0) {
            at = nl + 1;
            continue;
          }
          known = paths.length;
          paths.push(decoded);
          pathByRaw.set(r, known);
        }
        p = known;
        prevRaw = r;
        prevPath = p;
      }
      const kind = raw.charCodeAt(at + 2);
      starts = grow(starts, n);
      ends = grow(ends, n);
      kinds = grow(kinds, n);
      pathIdx = grow(pathIdx, n);
      starts[n] = at;
      ends[n] = nl;
      kinds[n] = kind;
      pathIdx[n] = p;
      if (kind === K_X) lastReset[p] = n;
      else {
        const idEnd = raw.charCodeAt(pathEnd + 2) === QUOTE ? stringEnd(raw, pathEnd + 3, nl) : -1;
        let h = Math.imul(p, 2654435761) ^ kind | 0;
        for (let i = pathEnd + 3; i < idEnd; i++) h = Math.imul(h, 31) + raw.charCodeAt(i) | 0;
        idBounds[2 * n] = pathEnd + 3;
        idBounds[2 * n + 1] = idEnd;
        const prev = lastOfHash.get(h);
        if (prev !== void 0) {
          const sameKey = pathIdx[prev] === p && kinds[prev] === kind && idBounds[2 * prev + 1] - idBounds[2 * prev] === idEnd - (pathEnd + 3) && raw.startsWith(raw.slice(idBounds[2 * prev], idBounds[2 * prev + 1]), pathEnd + 3);
          if (sameKey) superseded.push(prev);
        }
        lastOfHash.set(h, n);
      }
      n++;
    }
    at = nl + 1;
  }
  const live = new Uint8Array(n);
  for (let i = 0; i < n; i++) live[i] = kinds[i] !== K_X && i > (lastReset[pathIdx[i]] ?? -1) ? 1 : 0;
  for (const i of superseded) live[i] = 0;
  return { buf, raw, count: n, starts, ends, kinds, pathIdx, live, paths };
}
function decode(j, i) {
  try {
    return JSON.parse(j.buf.toString("utf8", j.starts[i], j.ends[i]));
  } catch {
    return void 0;
  }
}
var escape2 = (s) => s.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
var hexBytes = (c) => [...Buffer.from(c, "utf8")].map((b) => `\\x${b.toString(16).padStart(2, "0")}`).join("");
var isCaseless = (cp) => cp >= 12352 && cp <= 12543 || cp >= 13312 && cp <= 19903 || cp >= 19968 && cp <= 40959 || cp >= 44032 && cp <= 55215 || cp >= 63744 && cp <= 64255 || cp >= 126976 && cp <= 129791 || cp >= 131072 && cp <= 262143;
var RAW_SPACE = "(?:[ \\t\\x0b\\x0c\\r]|\\\\[nrtfb]|\\\\u[0-9a-fA-F]{4}|\\xc2\\xa0|\\xe1\\x9a\\x80|\\xe2\\x80[\\x80-\\x8a\\xa8\\xa9\\xaf]|\\xe2\\x81\\x9f|\\xe3\\x80\\x80|\\xef\\xbb\\xbf)+";
var RAW_NON_ASCII = "[\\xc2-\\xf4][\\x80-\\xbf]{1,3}";
function rawPattern(term) {
  if (new RegExp('["\\\\\\u0000-\\u001f]|\\p{Cs}', "u").test(term)) return void 0;
  let src = "";
  for (const c of term) {
    const cp = c.codePointAt(0);
    if (c === " ") src += RAW_SPACE;
    else if (/[A-Za-z]/.test(c)) {
      const l = c.toLowerCase();
      src += l === "k" ? "(?:[kK]|\\xe2\\x84\\xaa)" : l === "s" ? "(?:[sS]|\\xc5\\xbf)" : `[${l}${l.toUpperCase()}]`;
    } else if (cp < 128) src += escape2(c);
    else if (cp === 8490) src += "(?:[kK]|\\xe2\\x84\\xaa)";
    else if (cp === 383) src += "(?:[sS]|\\xc5\\xbf)";
    else if (isCaseless(cp)) src += hexBytes(c);
    else src += RAW_NON_ASCII;
  }
  return new RegExp(src, "g");
}
function lineAt(j, at) {
  let lo = 0;
  let hi = j.count - 1;
  while (lo < hi) {
    const mid = lo + hi + 1 >> 1;
    if (j.starts[mid] <= at) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
function pathsHoldingAll(journals, q, paths, allText, pending = []) {
  const counts = (k) => k === "p" || k === "a" || allText && k === "o";
  const pendingReset = /* @__PURE__ */ new Set();
  const pendingItems = /* @__PURE__ */ new Map();
  for (const r of pending) {
    if (!paths.has(r[1])) continue;
    if (r[0] === "X") {
      pendingReset.add(r[1]);
      pendingItems.delete(r[1]);
    } else if (counts(r[0])) {
      let a = pendingItems.get(r[1]);
      if (!a) pendingItems.set(r[1], a = []);
      a.push(String(r[4]));
    }
  }
  let holding;
  for (let t = 0; t < q.terms.length; t++) {
    const re = q.res[t];
    const found = /* @__PURE__ */ new Set();
    for (const [p, texts] of pendingItems) if (texts.some((x) => re.test(x))) found.add(p);
    const raw = rawPattern(q.terms[t]);
    const scan = (j) => {
      const check = (i) => {
        const path = j.paths[j.pathIdx[i]];
        if (!j.live[i] || !counts(String.fromCharCode(j.kinds[i])) || found.has(path) || !paths.has(path) || pendingReset.has(path)) return;
        if (holding && !holding.has(path)) return;
        const r = decode(j, i);
        if (r && re.test(String(r[4]))) found.add(path);
      };
      if (!raw) {
        for (let i = 0; i < j.count; i++) check(i);
        return;
      }
      raw.lastIndex = 0;
      for (let m = raw.exec(j.raw); m; m = raw.exec(j.raw)) {
        const i = lineAt(j, m.index);
        check(i);
        raw.lastIndex = Math.max(raw.lastIndex, j.ends[i]);
      }
    };
    for (const j of journals) scan(j);
    holding = holding ? new Set([...holding].filter((p) => found.has(p))) : found;
    if (holding.size === 0) break;
  }
  return holding ?? /* @__PURE__ */ new Set();
}
function itemsOf(journals, paths, pending = []) {
  const byPath = /* @__PURE__ */ new Map();
  const apply = (r) => {
    const path = r[1];
    if (r[0] === "X") {
      byPath.delete(path);
      return;
    }
    if (r[0] === "f") return;
    let m = byPath.get(path);
    if (!m) byPath.set(path, m = /* @__PURE__ */ new Map());
    const k = r[0];
    m.set(k + r[2], { k, id: String(r[2]), ts: Number(r[3]), text: String(r[4]) });
  };
  for (const j of journals) {
    const wanted = /* @__PURE__ */ new Set();
    j.paths.forEach((p, i) => paths.has(p) && wanted.add(i));
    for (let i = 0; i < j.count; i++) {
      if (!j.live[i] || !wanted.has(j.pathIdx[i]) || j.kinds[i] === K_F) continue;
      const r = decode(j, i);
      if (r) apply(r);
    }
  }
  for (const r of pending) if (paths.has(r[1])) apply(r);
  const out = /* @__PURE__ */ new Map();
  for (const [path, m] of byPath) out.set(path, [...m.values()].sort((a, b) => a.ts - b.ts || (a.id < b.id ? -1 : 1)));
  return out;
}

// src/sessions/report.ts
var SESSIONS_SCHEMA = "ccotel.sessions/v1";
var iso = (ms) => new Date(ms).toISOString();
function candidates(ctx, f) {
  const all = loadCatalog(ctx.stateDir, ctx.pending, ctx.present);
  const kept = all.filter((e) => e.lastTs >= f.startMs && e.firstTs < f.endMs && (f.project === void 0 || e.cwd.toLowerCase().includes(f.project.toLowerCase()) || e.folder.toLowerCase().includes(f.project.toLowerCase())));
  return { all, kept };
}
function rows(ctx, all, picked) {
  const dirs = resumeDirs(all);
  return picked.map((e) => {
    const s = ctx.totals.get(e.sessionId);
    return {
      sessionId: e.sessionId,
      path: e.path,
      project: dirs.get(e.path) ?? e.cwd,
      start: iso(e.firstTs),
      end: iso(e.lastTs),
      durationMs: e.lastTs - e.firstTs,
      firstPrompt: e.prompts[0]?.short ?? null,
      costUsd: usdOf(s?.nanoUsd ?? 0),
      toolCalls: s?.toolCalls ?? 0,
      subagents: s?.subagents.size ?? 0,
      resume: resumeLine(e, dirs.get(e.path), ctx.here)
    };
  });
}
function listSessions(ctx, f, query, allText = false) {
  const { all, kept } = candidates(ctx, f);
  if (query === void 0) return { schema: SESSIONS_SCHEMA, query: null, terms: [], total: kept.length, sessions: rows(ctx, all, kept.slice(0, f.limit)) };
  const q = parseQuery(query);
  if (q.terms.length === 0) throw new UserError('the search query is empty; give one or more words, e.g. ccotel sessions "flaky test"');
  const files = indexFiles(ctx.stateDir);
  const journal = allText ? [readTextJournal(files.text), readTextJournal(files.out)] : [readTextJournal(files.text)];
  const holding = pathsHoldingAll(journal, q, new Set(kept.map((e) => e.path)), allText, ctx.pending?.text);
  const hits = kept.filter((e) => holding.has(e.path));
  const shown = hits.slice(0, f.limit);
  const texts = itemsOf(journal, new Set(shown.map((e) => e.path)), ctx.pending?.text);
  const out = rows(ctx, all, shown);
  out.forEach((r, i) => r.matches = matchItems(texts.get(shown[i].path) ?? [], q, allText) ?? []);
  return { schema: SESSIONS_SCHEMA, query, terms: q.terms, total: hits.length, sessions: out };
}
function showSession(ctx, id) {
  const all = loadCatalog(ctx.stateDir, ctx.pending, ctx.present);
  const ids = [...new Set(all.filter((e) => e.sessionId.startsWith(id)).map((e) => e.sessionId))];
  if (ids.length === 0) throw new UserError(`no session id starts with "${id}"; \`ccotel sessions\` lists them`);
  if (ids.length > 1) throw new UserError(`"${id}" is the start of ${ids.length} session ids (${ids.slice(0, 5).join(", ")}${ids.length > 5 ? ", \u2026" : ""}); give more of it`);
  const sid = ids[0];
  const copies = all.filter((e) => e.sessionId === sid).sort((a, b) => a.path < b.path ? -1 : 1);
  const dirs = resumeDirs(all);
  const first = copies[0];
  const { items: texts, files } = loadSession(ctx.stateDir, first.path, ctx.pending);
  const s = ctx.totals.get(sid);
  const firstTs = Math.min(...copies.map((c) => c.firstTs));
  const lastTs = Math.max(...copies.map((c) => c.lastTs));
  const traceId = traceIdFor(sid);
  return {
    schema: SESSIONS_SCHEMA,
    sessionId: sid,
    copies: copies.map((e) => ({ path: e.path, project: dirs.get(e.path) ?? e.cwd, resume: resumeLine(e, dirs.get(e.path), ctx.here) })),
    start: iso(firstTs),
    end: iso(lastTs),
    durationMs: lastTs - firstTs,
    prompts: texts.filter((t) => t.k === "p" && isTypedPrompt(t.text)).map((t) => ({ time: iso(t.ts), text: oneLine(t.text, 500) })),
    tools: [...s?.tools ?? []].map(([name, c]) => ({ name, ...c })).sort((a, b) => b.calls - a.calls || (a.name < b.name ? -1 : 1)),
    files: [...files].map(([path, t]) => ({ path, tools: [...t].sort() })).sort((a, b) => a.path < b.path ? -1 : 1),
    costUsd: usdOf(s?.nanoUsd ?? 0),
    models: [...s?.models ?? []].map(([model, m]) => ({ model, calls: m.calls, tokens: m.tokens, costUsd: usdOf(m.nanoUsd) })).sort((a, b) => b.costUsd - a.costUsd || (a.model < b.model ? -1 : 1)),
    subagents: [...s?.subagents ?? []].map(([agentId, a]) => ({ agentId, modelCalls: a.calls, toolCalls: a.tools })).sort((a, b) => a.agentId < b.agentId ? -1 : 1),
    sensitive: [...s?.hits ?? []].sort((a, b) => a.ts - b.ts || (a.key < b.key ? -1 : 1)).map((h) => ({ time: iso(h.ts), rule: h.rule, severity: h.severity, tool: h.tool, value: h.value })),
    traceId,
    jaegerUrl: ctx.jaegerUrl ? `${ctx.jaegerUrl.replace(/\/+$/, "")}/trace/${traceId}` : null
  };
}

// src/sessions/render.ts
var formats = /* @__PURE__ */ new Map();
function localTime(iso2, tz) {
  let f = formats.get(tz);
  if (!f) formats.set(tz, f = new Intl.DateTimeFormat("sv-SE", { timeZone: tz, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hourCycle: "h23" }));
  return f.format(new Date(iso2));
}
function duration(ms) {
  const m = Math.round(ms / 6e4);
  if (m < 1) return "<1m";
  if (m < 60) return `${m}m`;
  const h = Math.floor(m / 60);
  return h < 48 ? `${h}h${String(m % 60).padStart(2, "0")}m` : `${Math.floor(h / 24)}d${h % 24}h`;
}
var usd = (n) => `$${n.toFixed(2)}`;
function renderList(r, o) {
  if (r.sessions.length === 0) return r.query === null ? "no sessions yet\n" : `no session matches ${r.terms.map((t) => `"${t}"`).join(" and ")}
`;
  const [on, off] = o.color ? ["\x1B[1;33m", "\x1B[0m"] : ["", ""];
  const lines = [];
  for (const s of r.sessions) {
    lines.push(`${localTime(s.start, o.timezone)}  ${duration(s.durationMs).padStart(6)}  ${usd(s.costUsd).padStart(8)}  ${s.toolCalls} tools  ${s.subagents} subagents  ${s.project}`);
    lines.push(`  ${s.firstPrompt ?? "(no prompt)"}`);
    for (const m of s.matches ?? []) lines.push(`  ${m.kind === "prompt" ? ">" : m.kind === "assistant" ? "<" : "$"} ${highlight(m, on, off)}`);
    lines.push(`  ${s.resume}`, "");
  }
  const more = r.total - r.sessions.length;
  if (more > 0) lines.push(`${more} more (-n ${r.total} shows all)`);
  return lines.join("\n").replace(/\n*$/, "\n");
}
function renderShow(d, o) {
  const l = [];
  l.push(`session ${d.sessionId}`, `  ${localTime(d.start, o.timezone)} \u2192 ${localTime(d.end, o.timezone)} (${duration(d.durationMs)}), ${usd(d.costUsd)}`);
  for (const c of d.copies) l.push(`  ${c.project}`, `    ${c.resume}`);
  l.push("", `prompts (${d.prompts.length})`);
  d.prompts.forEach((p, i) => l.push(`  ${String(i + 1).padStart(3)}. ${localTime(p.time, o.timezone)}  ${p.text}`));
  l.push("", "tools");
  for (const t of d.tools) l.push(`  ${t.name.padEnd(16)} ${String(t.calls).padStart(5)}${t.errors ? `  (${t.errors} failed)` : ""}`);
  if (d.tools.length === 0) l.push("  none");
  l.push("", `files touched (${d.files.length})`);
  for (const f of d.files) l.push(`  ${f.path}  [${f.tools.join(", ")}]`);
  l.push("", "cost by model");
  for (const m of d.models) l.push(`  ${m.model.padEnd(28)} ${String(m.calls).padStart(5)} calls  ${usd(m.costUsd).padStart(9)}`);
  l.push("", `subagents (${d.subagents.length})`);
  for (const a of d.subagents) l.push(`  ${a.agentId}  ${a.modelCalls} calls, ${a.toolCalls} tools`);
  l.push("", `sensitive hits (${d.sensitive.length})`);
  for (const h of d.sensitive) l.push(`  ${localTime(h.time, o.timezone)}  ${h.severity.padEnd(8)} ${h.rule}  ${h.tool}: ${h.value}`);
  l.push("", `trace ${d.traceId}${d.jaegerUrl ? `  ${d.jaegerUrl}` : ""}`);
  return l.join("\n") + "\n";
}

// src/sessions/rebuild.ts
async function resetIndex(store) {
  if (store.readOnly) throw new UserError(`cannot rebuild the sessions index while another ccotel uses ${store.dir}; stop it first`);
  for (const [path, cp] of Object.entries(store.files)) store.setCheckpoint(path, { ...cp, sinks: { ...cp.sinks ?? { traces: cp.offset }, sessions: 0 } });
  await store.commit();
  removeIndex(store.dir);
}

// src/cli/commands/sessions.ts
function registerSessions(program) {
  const cmd = program.command("sessions").description("list, search and resume past sessions (prompts and answers indexed locally, redacted)").argument("[query...]", 'words that must all occur (case-insensitive); "quoted words" form one phrase').option("-n <count>", "how many sessions to print (default 10)").option("--project <substring>", "only projects whose path contains this").option("--since <day>", "active on or after: today | yesterday | 7d | YYYY-MM-DD").option("--until <day>", "active on or before: today | yesterday | 7d | YYYY-MM-DD").option("--all-text", "search tool output too (the start of each result)").option("--show <id>", "one session in detail (a unique start of its id is enough)").option("--json", "print one JSON object (stable, documented in docs/sessions.md)").option("--rebuild", "rebuild the index from the transcripts").addHelpText("after", `
Examples:
  $ ccotel sessions                          the 10 most recent sessions with resume lines
  $ ccotel sessions "flaky test" retry       sessions whose prompts or answers hold both
  $ ccotel sessions migration --since 7d --project api -n 3
  $ ccotel sessions --show 3f2a1c`);
  addCommonOptions(cmd);
  cmd.action(async (words, o) => {
    const log = createLogger({ level: logLevelOf(o), json: false });
    if (o.timezone) checkTimeZone(o.timezone);
    const limit = o.n === void 0 ? 10 : Number(o.n);
    if (!Number.isInteger(limit) || limit < 1) throw new UserError(`-n must be a whole number of at least 1 (got "${o.n}")`);
    if (o.show !== void 0 && words.length > 0) throw new UserError("--show takes a session id; give the search words without --show");
    if (o.show !== void 0 && o.show.length < 4) throw new UserError("--show needs at least 4 characters of the session id");
    sessionRange(o.since, o.until, Date.now(), o.timezone ?? "UTC");
    const session = await IngestSession.open(o, log, { allowReadOnly: !o.rebuild });
    try {
      const { settings, store } = session;
      if (o.rebuild) await resetIndex(store);
      const sink = new SessionsSink(settings.stateDir, store.readOnly);
      session.attach([sink]);
      await syncWithProgress(session, o.rebuild ? "rebuilding the sessions index" : "reading transcripts");
      const ctx = {
        stateDir: settings.stateDir,
        totals: session.fold.sessions,
        present: new Set(session.files.map((f) => f.path)),
        pending: sink.pending(),
        here: process.cwd(),
        jaegerUrl: settings.config.jaeger?.url
      };
      const render = { timezone: settings.timezone, color: process.stdout.isTTY === true && !process.env.NO_COLOR };
      if (o.show !== void 0) {
        const d = showSession(ctx, o.show);
        process.stdout.write(o.json ? JSON.stringify(d, null, 2) + "\n" : renderShow(d, render));
        return;
      }
      const range = sessionRange(o.since, o.until, Date.now(), settings.timezone);
      const r = listSessions(ctx, { limit, project: o.project, ...range }, words.length > 0 ? words.join(" ") : void 0, o.allText === true);
      process.stdout.write(o.json ? JSON.stringify(r, null, 2) + "\n" : renderList(r, render));
    } finally {
      await session.close();
    }
  });
}
export {
  registerSessions
};
