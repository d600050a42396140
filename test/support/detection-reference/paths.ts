// Paths for the rules: resolving what a tool was given against the session's cwd and home, the
// credential-file catalogue, and the globs users write in allowlists.
import { posix } from 'node:path';

/** `~`, `$HOME` and relative paths resolved against cwd, `..` folded. Undefined when it cannot be known. */
export function resolvePath(p: string, cwd: string, home: string): string | undefined {
  let q = p.trim();
  if (q === '') return undefined;
  if (q === '~' || q.startsWith('~/')) q = home + q.slice(1);
  else if (q.startsWith('$HOME/') || q.startsWith('${HOME}/')) q = home + q.slice(q.indexOf('/'));
  if (!q.startsWith('/')) {
    if (!cwd.startsWith('/')) return undefined;
    q = cwd + '/' + q;
  }
  return posix.normalize(q).replace(/(.)\/+$/, '$1');
}

export const isInside = (path: string, dir: string): boolean => path === dir || path.startsWith(dir.endsWith('/') ? dir : dir + '/');

/** `.env.example` and friends are templates, meant to be read and committed. */
const ENV_TEMPLATES = new Set(['.env.example', '.env.sample', '.env.template', '.env.dist', '.env.defaults']);
const CREDENTIAL_NAMES = new Set(['.netrc', '_netrc', '.npmrc', '.pypirc', '.git-credentials', '.pgpass', '.my.cnf', 'credentials.db', 'access_tokens.db', 'application_default_credentials.json', 'accessTokens.json', 'msal_token_cache.json', 'msal_token_cache.bin']);
const CREDENTIAL_SUFFIXES = ['.aws/credentials', '.docker/config.json', '.kube/config', 'gh/hosts.yml', '.config/gcloud/', '.azure/', 'Library/Keychains/', '.gnupg/private-keys-v1.d/', '.password-store/'];

/**
 * A path (or a glob of paths) naming a credential: `.env*` but not templates, keys and certificates,
 * SSH keys, cloud and package-registry credential files, keychains. Works on what was written
 * (relative or not): only the file name and the tail of the path matter.
 */
export function isCredentialPath(p: string): boolean {
  if (p.length === 0 || p.length > 4096) return false;
  const path = p.replace(/\*+$/, ''); // a glob `.env*` or `**/id_rsa*` targets the files themselves
  const base = path.slice(path.lastIndexOf('/') + 1);
  if (base === '.env' || (base.startsWith('.env.') && !ENV_TEMPLATES.has(base))) return true;
  if (/\.(pem|key|p12|pfx|jks|keystore|keychain|keychain-db|ppk)$/i.test(base)) return true;
  if (/^id_(rsa|ed25519|ecdsa|dsa)/.test(base)) return true;
  if (CREDENTIAL_NAMES.has(base)) return true;
  const tail = '/' + path;
  return CREDENTIAL_SUFFIXES.some((s) => (s.endsWith('/') ? tail.includes('/' + s) : tail.endsWith('/' + s)));
}

/**
 * A user's glob: `**` any path, `*` and `?` within one segment. A glob with no `/` matches the file
 * name anywhere; `~/` is the home directory.
 */
export function globMatcher(glob: string, home: string): (path: string) => boolean {
  const g = glob.startsWith('~/') ? home + glob.slice(1) : glob;
  const byName = !g.includes('/');
  let re = '^';
  for (let i = 0; i < g.length; i++) {
    const c = g[i]!;
    if (c === '*' && g[i + 1] === '*') {
      re += '.*';
      i++;
      if (g[i + 1] === '/') i++;
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  const rx = new RegExp(re + '$');
  return (path) => rx.test(byName ? path.slice(path.lastIndexOf('/') + 1) : path);
}
