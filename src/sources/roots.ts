// Which Claude Code data directories to read (rules in ../shared/claude-code-format.md):
// explicit --claude-dir flags, else CLAUDE_CONFIG_DIR (comma list), else both default locations.
import { existsSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { xdgDir } from '../xdg.js';

export interface Root {
  /** The Claude config directory (holding projects/). */
  dir: string;
  projectsDir: string;
  exists: boolean;
  /** Why this root is in the list, for `doctor` and error messages. */
  source: 'flag' | 'CLAUDE_CONFIG_DIR' | 'default';
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
    if (seen.has(dir)) continue;
    seen.add(dir);
    const projectsDir = join(dir, 'projects');
    roots.push({ dir, projectsDir, exists: isDir(projectsDir), source });
  }
  return roots;
}

function isDir(p: string): boolean {
  try {
    return existsSync(p) && statSync(p).isDirectory();
  } catch {
    return false;
  }
}
