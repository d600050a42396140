// The repository a session's working directory belongs to, for the spans' vcs.repository.url.full:
// read from the `.git/config` found by walking up from the cwd (never by running git, which would
// run the repository's hooks and config-defined commands). Worktrees and submodules have a `.git`
// file (`gitdir: …`); a worktree's remotes live in the common directory it names.
import { readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { redactSecrets } from '../../detection/redact.js';

const MAX_CONFIG_BYTES = 1 << 20;

/** The git directory holding the config for `cwd` (walking up), if any. */
export function gitConfigPath(cwd: string): string | undefined {
  if (!cwd || !isAbsolute(cwd)) return undefined;
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    const dotGit = join(dir, '.git');
    const st = statOf(dotGit);
    if (st?.isDirectory()) return join(dotGit, 'config');
    if (st?.isFile()) return fromGitFile(dotGit, dir);
    if (dirname(dir) === dir) return undefined;
  }
}

function statOf(p: string): ReturnType<typeof statSync> | undefined {
  try {
    return statSync(p);
  } catch {
    return undefined;
  }
}

/** `.git` as a file (worktree, submodule): `gitdir: <path>`; a worktree's `commondir` names where config is. */
function fromGitFile(file: string, dir: string): string | undefined {
  const m = /^gitdir:\s*(.+?)\s*$/m.exec(readText(file, 4096) ?? '');
  if (!m) return undefined;
  const gitdir = resolve(dir, m[1]!);
  const common = readText(join(gitdir, 'commondir'), 4096)?.trim();
  return join(common ? resolve(gitdir, common) : gitdir, 'config');
}

function readText(p: string, max: number): string | undefined {
  try {
    const t = readFileSync(p, 'utf8');
    return t.length > max ? undefined : t;
  } catch {
    return undefined;
  }
}

/** The url of remote `origin`, else of the first remote with one, from a git config file's text. */
export function remoteUrlOf(config: string): string | undefined {
  let remote: string | undefined;
  const urls = new Map<string, string>();
  for (const raw of config.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith(';')) continue;
    const section = /^\[\s*([A-Za-z0-9.-]+)(?:\s+"((?:[^"\\]|\\.)*)")?\s*\]/.exec(line);
    if (section) {
      remote = section[1]!.toLowerCase() === 'remote' ? (section[2] ?? '') : undefined;
      continue;
    }
    if (remote === undefined || urls.has(remote)) continue;
    const kv = /^url\s*=\s*(.*)$/i.exec(line);
    if (!kv) continue;
    let v = kv[1]!.trim();
    if (v.startsWith('"') && v.endsWith('"') && v.length >= 2) v = v.slice(1, -1);
    if (v) urls.set(remote, v);
  }
  return urls.get('origin') ?? urls.values().next().value;
}

/**
 * A remote url as the canonical https address semconv asks for (no `.git`, no credentials):
 * `git@host:org/repo.git` and `ssh://git@host:22/org/repo` become `https://host/org/repo`,
 * `https://user:token@host/…` loses its userinfo. Local paths and other transports give undefined.
 */
export function canonicalRepoUrl(url: string): string | undefined {
  let host: string;
  let path: string;
  const scp = /^(?:[^@/\s]+@)?([A-Za-z0-9.-]+):(?!\/\/)(.+)$/.exec(url);
  if (scp && !/^[A-Za-z]:[\\/]/.test(url)) {
    host = scp[1]!;
    path = scp[2]!;
  } else {
    let u: URL;
    try {
      u = new URL(url);
    } catch {
      return undefined;
    }
    if (!['https:', 'http:', 'ssh:', 'git:', 'git+ssh:', 'ssh+git:'].includes(u.protocol) || !u.hostname) return undefined;
    host = u.protocol === 'http:' || u.protocol === 'https:' ? u.host : u.hostname;
    path = u.pathname;
  }
  path = path.replace(/^\/+/, '').replace(/\/+$/, '').replace(/\.git$/, '');
  if (!path || !host) return undefined;
  return redactSecrets(`https://${host.toLowerCase()}/${path}`);
}

/** Repository url by cwd, read once per cwd (a remote added later is seen after a restart). */
export class RepoUrls {
  private readonly cache = new Map<string, string | null>();

  of(cwd: string): string | undefined {
    let v = this.cache.get(cwd);
    if (v === undefined) {
      if (this.cache.size >= 1000) this.cache.clear();
      const path = gitConfigPath(cwd);
      const config = path ? readText(path, MAX_CONFIG_BYTES) : undefined;
      const url = config ? remoteUrlOf(config) : undefined;
      v = (url && canonicalRepoUrl(url)) ?? null;
      this.cache.set(cwd, v);
    }
    return v ?? undefined;
  }
}
