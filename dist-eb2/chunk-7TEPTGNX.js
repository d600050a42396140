import { createRequire as __cr } from 'module'; const require = __cr(import.meta.url);
import {
  rootOf
} from "./chunk-WNRRRGWU.js";

// src/sources/transcript-files.ts
import { readdirSync, realpathSync, statSync } from "node:fs";
import { basename, normalize, relative, sep } from "node:path";
async function listTranscripts(roots, onError) {
  const found = [];
  const dirsSeen = /* @__PURE__ */ new Set();
  const statOrUndefined = (path) => {
    try {
      return statSync(path);
    } catch {
      return void 0;
    }
  };
  let calls = 0;
  const breathe = async () => {
    if (++calls % 256 === 0) await new Promise((resolve) => setImmediate(resolve));
  };
  const walk = async (dir, projectsDir, top, linked) => {
    let entries;
    try {
      const st = statSync(dir);
      const id = `${st.dev}:${st.ino}`;
      if (dirsSeen.has(id)) return;
      dirsSeen.add(id);
      entries = readdirSync(dir, { withFileTypes: true });
    } catch (err) {
      if (top || err.code !== "ENOENT") onError?.(dir, err);
      return;
    }
    entries.sort((a, b) => a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
    const norm = normalize(dir);
    const prefix = norm.endsWith(sep) ? norm : norm + sep;
    for (const e of entries) {
      await breathe();
      const path = prefix + e.name;
      const link = e.isSymbolicLink();
      const st = link || e.name.endsWith(".jsonl") ? statOrUndefined(path) : void 0;
      const isDir = link ? st?.isDirectory() ?? false : e.isDirectory();
      if (isDir) await walk(path, projectsDir, false, linked || link);
      else if (st?.isFile() && e.name.endsWith(".jsonl")) found.push({ path, projectsDir, st, linked: linked || link });
    }
  };
  for (const root of roots) {
    if (!root.exists) continue;
    let real = root.projectsDir;
    try {
      real = realpathSync(root.projectsDir);
    } catch {
    }
    await walk(root.projectsDir, root.projectsDir, true, real !== root.projectsDir);
  }
  const byId = /* @__PURE__ */ new Map();
  const existing = roots.filter((r) => r.exists);
  for (const f of found) {
    const id = `${f.st.dev}:${f.st.ino}`;
    if (byId.has(id)) continue;
    let path = f.path;
    let projectsDir = f.projectsDir;
    if (f.linked) {
      let real = f.path;
      try {
        real = realpathSync(f.path);
      } catch {
      }
      const home = rootOf(existing, real);
      if (home) {
        path = real;
        projectsDir = home.projectsDir;
      }
    }
    byId.set(id, { path, hints: hintsFor(projectsDir, path), stat: f.st });
  }
  const out = [...byId.values()];
  out.sort((a, b) => a.path < b.path ? -1 : a.path > b.path ? 1 : 0);
  return out;
}
function hintsFor(projectsDir, path) {
  const rel = path.startsWith(projectsDir + sep) && !projectsDir.endsWith(sep) && normalize(projectsDir) === projectsDir ? path.slice(projectsDir.length + 1) : relative(projectsDir, path);
  const parts = rel.split(sep);
  const name = basename(path, ".jsonl");
  const sub = parts.indexOf("subagents");
  if (sub >= 2) return { sessionId: parts[sub - 1], agentId: name.startsWith("agent-") ? name.slice("agent-".length) : name };
  return { sessionId: name };
}

export {
  listTranscripts,
  hintsFor
};
