import { createRequire as __cr } from 'module'; const require = __cr(import.meta.url);

// src/sources/roots.ts
import { existsSync, realpathSync, statSync } from "node:fs";
import { homedir as homedir2 } from "node:os";
import { basename, dirname, join as join2, resolve, sep } from "node:path";

// src/xdg.ts
import { homedir } from "node:os";
import { join } from "node:path";
function xdgDir(name, env = process.env) {
  const v = env[name];
  if (v && v !== "") return v;
  return name === "XDG_CONFIG_HOME" ? join(homedir(), ".config") : join(homedir(), ".local", "state");
}

// src/sources/roots.ts
function rootOf(roots, path) {
  return roots.find((r) => path.startsWith(r.projectsDir + sep));
}
function resolveRoots(flagDirs, env = process.env) {
  let dirs;
  let source;
  if (flagDirs && flagDirs.length > 0) {
    dirs = [...flagDirs];
    source = "flag";
  } else if (env.CLAUDE_CONFIG_DIR && env.CLAUDE_CONFIG_DIR.trim() !== "") {
    dirs = env.CLAUDE_CONFIG_DIR.split(",").map((s) => s.trim()).filter(Boolean);
    source = "CLAUDE_CONFIG_DIR";
  } else {
    dirs = [join2(xdgDir("XDG_CONFIG_HOME", env), "claude"), join2(homedir2(), ".claude")];
    source = "default";
  }
  const seen = /* @__PURE__ */ new Set();
  const roots = [];
  for (const d of dirs) {
    const abs = resolve(d.startsWith("~/") ? join2(homedir2(), d.slice(2)) : d);
    const dir = basename(abs) === "projects" ? dirname(abs) : abs;
    const real = identify(join2(dir, "projects"));
    if (seen.has(real.id)) continue;
    seen.add(real.id);
    roots.push({ dir, projectsDir: real.path, exists: isDir(real.path), source });
  }
  return roots;
}
function identify(p) {
  try {
    const path = realpathSync(p);
    const st = statSync(path);
    return { path, id: `${st.dev}:${st.ino}` };
  } catch {
    return { path: p, id: p };
  }
}
function isDir(p) {
  try {
    return existsSync(p) && statSync(p).isDirectory();
  } catch {
    return false;
  }
}

export {
  xdgDir,
  rootOf,
  resolveRoots
};
