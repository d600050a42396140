// Which Claude Code data directories to read (rules in ../shared/claude-code-format.md):
// explicit --claude-dir flags, else CLAUDE_CONFIG_DIR (comma list), else both default locations.
import { existsSync, realpathSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { xdgDir } from '../xdg.js';

export interface Root {
  /** The Claude config directory (holding projects/). */
  dir: string;
  projectsDir: string;
  exists: boolean;
  /** Why this root is in the list, for `doctor` and error messages. */
  source: 'flag' | 'CLAUDE_CONFIG_DIR' | 'default';
}

/** The projects folders that exist: what a daemon reads, and what `ccotel sessions` compares with it. */
export const existingProjectDirs = (roots: readonly Root[]): string[] => roots.filter((r) => r.exists).map((r) => r.projectsDir);

/**
 * A folder the user named (flag, config or CLAUDE_CONFIG_DIR) that does not exist: a typo that would
 * otherwise report zeros. The default locations may be missing (only one of them is usually in use).
 */
export const missingNamedRoot = (roots: readonly Root[]): Root | undefined => roots.find((r) => !r.exists && r.source !== 'default');

/** The root whose projects folder holds this path, if any. */
export function rootOf<R extends Pick<Root, 'projectsDir'>>(roots: readonly R[], path: string): R | undefined {
  return roots.find((r) => path.startsWith(r.projectsDir + sep));
}

export function resolveRoots(flagDirs: readonly string[] | undefined, env: NodeJS.ProcessEnv = process.env): Root[] {
  let dirs: string[];
  let source: Root['source'];
  if (flagDirs && flagDirs.length > 0) {
    dirs = [...flagDirs];
    source = 'flag';
  } else if (env.CLAUDE_CONFIG_DIR && env.CLAUDE_CONFIG_DIR.trim() !== '') {
    dirs = env.CLAUDE_CONFIG_DIR.split(',').map((s) => s.trim()).filter(Boolean);
    source = 'CLAUDE_CONFIG_DIR';
  } else {
    dirs = [join(xdgDir('XDG_CONFIG_HOME', env), 'claude'), join(homedir(), '.claude')];
    source = 'default';
  }
  const seen = new Set<string>();
  const roots: Root[] = [];
  for (const d of dirs) {
    const abs = resolve(d.startsWith('~/') ? join(homedir(), d.slice(2)) : d);
    // An entry may name the projects folder itself.
    const dir = basename(abs) === 'projects' ? dirname(abs) : abs;
    // Symlinked config dirs (~/.config/claude -> ~/.claude) and an entry listed twice name one
    // folder: read it once, under its real path (so checkpoints do not depend on the alias used).
    const real = identify(join(dir, 'projects'));
    if (seen.has(real.id)) continue;
    seen.add(real.id);
    roots.push({ dir, projectsDir: real.path, exists: isDir(real.path), source });
  }
  return roots;
}

/** Real path and device+inode of a folder; a missing one is identified by its path alone. */
function identify(p: string): { path: string; id: string } {
  try {
    const path = realpathSync(p);
    const st = statSync(path);
    return { path, id: `${st.dev}:${st.ino}` };
  } catch {
    return { path: p, id: p };
  }
}

function isDir(p: string): boolean {
  try {
    return existsSync(p) && statSync(p).isDirectory();
  } catch {
    return false;
  }
}
