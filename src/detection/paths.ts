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
  // Most paths tools are given are already normal: normalizing them would only copy them.
  if (isNormal(q)) return q;
  return posix.normalize(q).replace(/(.)\/+$/, '$1');
}

/** An absolute path with no empty, `.` or `..` segment and no trailing `/` (or `/` itself): its own normal form. */
function isNormal(q: string): boolean {
  const n = q.length;
  if (n === 1) return true;
  // After each `/`: not another `/`, not the end, not a `.` or `..` segment.
  for (let i = q.indexOf('/'); i >= 0; i = q.indexOf('/', i + 1)) {
    const a = q.charCodeAt(i + 1); // NaN at the end
    if (a !== a || a === 47) return false;
    if (a === 46) {
      const b = q.charCodeAt(i + 2);
      if (b !== b || b === 47) return false;
      if (b === 46) {
        const c = q.charCodeAt(i + 3);
        if (c !== c || c === 47) return false;
      }
    }
  }
  return true;
}

export const isInside = (path: string, dir: string): boolean => path === dir || path.startsWith(dir.endsWith('/') ? dir : dir + '/');

/** `.env.example` and friends are templates, meant to be read and committed. */
const ENV_TEMPLATES = new Set(['.env.example', '.env.sample', '.env.template', '.env.dist', '.env.defaults']);
const CREDENTIAL_NAMES = new Set(['.netrc', '_netrc', '.npmrc', '.pypirc', '.git-credentials', '.pgpass', '.my.cnf', 'credentials.db', 'access_tokens.db', 'application_default_credentials.json', 'accessTokens.json', 'msal_token_cache.json', 'msal_token_cache.bin']);
const CREDENTIAL_SUFFIXES = ['.aws/credentials', '.docker/config.json', '.kube/config', 'gh/hosts.yml', '.config/gcloud/', '.azure/', 'Library/Keychains/', '.gnupg/private-keys-v1.d/', '.password-store/'];

const KEY_EXTENSIONS = ['pem', 'key', 'p12', 'pfx', 'jks', 'keystore', 'keychain', 'keychain-db', 'ppk'];
const KEY_FILE = new RegExp(`\\.(${KEY_EXTENSIONS.join('|')})$`, 'i');
const SSH_KEYS = ['id_rsa', 'id_ed25519', 'id_ecdsa', 'id_dsa'];

/**
 * Literals every credential path holds one of (compared ignoring case): isCredentialPath's first
 * step, and the rules' prefilter for commands. Made from the same lists as each check there, so a
 * new extension or name is in both (test/detection-engine-diff.test.ts compares with the engine
 * before the prefilter).
 */
export const CREDENTIAL_LITERALS: readonly string[] = ['.env', ...KEY_EXTENSIONS.map((e) => '.' + e), ...SSH_KEYS, ...CREDENTIAL_NAMES, ...CREDENTIAL_SUFFIXES];

/** A test of whether a text holds one of `literals`, ignoring ASCII case (a prefilter: it may only find more). */
export function anyLiteral(literals: readonly string[]): RegExp {
  return new RegExp(literals.map((l) => l.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&')).join('|'), 'i');
}
/** Whether a text holds one of CREDENTIAL_LITERALS (isCredentialPath's first step). */
export const CREDENTIAL_GATE = anyLiteral(CREDENTIAL_LITERALS);

/**
 * A path (or a glob of paths) naming a credential: `.env*` but not templates, keys and certificates,
 * SSH keys, cloud and package-registry credential files, keychains. Works on what was written
 * (relative or not): only the file name and the tail of the path matter.
 */
export function isCredentialPath(p: string): boolean {
  if (p.length === 0 || p.length > 4096) return false;
  // Most paths hold none of the literals a credential path holds: one search says so.
  if (!CREDENTIAL_GATE.test(p)) return false;
  const path = p.replace(/\*+$/, ''); // a glob `.env*` or `**/id_rsa*` targets the files themselves
  const base = path.slice(path.lastIndexOf('/') + 1);
  if (base === '.env' || (base.startsWith('.env.') && !ENV_TEMPLATES.has(base))) return true;
  if (KEY_FILE.test(base)) return true;
  if (SSH_KEYS.some((k) => base.startsWith(k))) return true;
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
