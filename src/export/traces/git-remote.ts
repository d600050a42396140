// The repository a session's working directory belongs to, for the spans' vcs.repository.url.full:
// read from the `.git/config` found by walking up from the cwd (never by running git, which would
// run the repository's hooks and config-defined commands). Worktrees and submodules have a `.git`
// file (`gitdir: …`); a worktree's remotes live in the common directory it names.
import { closeSync, constants, fstatSync, openSync, readSync, statSync } from 'node:fs';
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
  // Read on the trace path, synchronously: only a regular file of bounded size. Opened non-blocking
  // and checked on the open descriptor, so a FIFO (no writer) or a device (/dev/zero) is never waited
  // on or read to its end.
  let fd: number | undefined;
  try {
    fd = openSync(p, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
    const st = fstatSync(fd);
    if (!st.isFile() || st.size > max) return undefined;
    const buf = Buffer.alloc(st.size + 1);
    let n = 0;
    for (let r = 1; r > 0 && n < buf.length; n += r) r = readSync(fd, buf, n, buf.length - n, null);
    return n > max ? undefined : buf.toString('utf8', 0, n);
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * The url of remote `origin`, else of the first remote with one, from a git config file's text,
 * with `url.<base>.insteadOf` aliases expanded as git does (the longest matching prefix).
 */
export function remoteUrlOf(config: string): string | undefined {
  let remote: string | undefined;
  let base: string | undefined;
  const urls = new Map<string, string>();
  const insteadOf: Array<[prefix: string, base: string]> = [];
  const value = (v: string): string => (v.startsWith('"') && v.endsWith('"') && v.length >= 2 ? v.slice(1, -1) : v);
  for (const raw of config.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith(';')) continue;
    const section = /^\[\s*([A-Za-z0-9.-]+)(?:\s+"((?:[^"\\]|\\.)*)")?\s*\]/.exec(line);
    if (section) {
      const name = section[1]!.toLowerCase();
      remote = name === 'remote' ? (section[2] ?? '') : undefined;
      base = name === 'url' ? section[2] : undefined;
      continue;
    }
    if (base !== undefined) {
      const alias = /^insteadof\s*=\s*(.*)$/i.exec(line);
      if (alias) insteadOf.push([value(alias[1]!.trim()), base]);
      continue;
    }
    if (remote === undefined || urls.has(remote)) continue;
    const kv = /^url\s*=\s*(.*)$/i.exec(line);
    if (!kv) continue;
    const v = value(kv[1]!.trim());
    if (v) urls.set(remote, v);
  }
  const url = urls.get('origin') ?? urls.values().next().value;
  if (url === undefined) return undefined;
  let best: [string, string] | undefined;
  for (const a of insteadOf) if (a[0] && url.startsWith(a[0]) && (!best || a[0].length > best[0].length)) best = a;
  return best ? best[1] + url.slice(best[0].length) : url;
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
    // (A query or fragment is no part of the repository; a URL's are dropped below too.)
    path = scp[2]!.replace(/[?#].*$/, '');
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
  // `@` in a path is userinfo in the wrong place (`https:/user:token@host/…` is scp-like to git):
  // no url rather than a credential in a span.
  if (!path || !host || path.includes('@')) return undefined;
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
