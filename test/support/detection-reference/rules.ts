// The built-in rules. Their ids are an interface: alert rules, dashboards and `ccotel audit --rule`
// use them. Each looks at one tool call (name, input, the session's cwd) and says whether it is a
// hit, on which input field, with a short redacted value. Bash commands are tokenized
// (./shell.ts): rules see the commands that run, not the raw string.
import { baseName, PRINTERS, simpleCommands } from '../../../src/detection/shell.js';
import { globMatcher, isCredentialPath, isInside, resolvePath } from './paths.js';
import { hostAllowed, hostOf } from '../../../src/detection/hosts.js';
import { findSecretKinds, redactCut } from '../../../src/detection/redact.js';

export type Severity = 'critical' | 'warning' | 'info';
export const SEVERITIES: readonly Severity[] = ['critical', 'warning', 'info'];

export interface ToolCall {
  name: string;
  input: Record<string, unknown>;
  /** The session's working directory (a subagent's is its session's); '' when unknown. */
  cwd: string;
}

export interface Match {
  /** The input field that matched (`command`, `file_path`, `url`, `content`, …). */
  field: string;
  /** What matched, redacted and cut: never a secret, never file contents. */
  value: string;
}

export interface RuleEnv {
  home: string;
}

export interface BuiltinRule {
  id: string;
  severity: Severity;
  description: string;
  /** What an allowlist entry is for this rule (shown in errors and docs). */
  allowlistOf: string;
  /** Compiles allowlist entries into a test of the value the rule would report (or its host, path, kind). */
  check(call: ToolCall, env: RuleEnv, allow: readonly string[]): Match | undefined;
}

/** Longest value a hit keeps (the same cut as tool targets). */
export const VALUE_MAX = 300;
/** Written contents and commands longer than this are scanned for secrets up to here only. */
const SCAN_MAX = 1 << 20;
/**
 * Commands are tokenized up to here: a longer one is a script or a file pasted into a heredoc, and
 * its first 64 KB say what it runs. Keeps one huge command from stalling ingest (bench/redact.ts).
 */
const TOKENIZE_MAX = 64 << 10;

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);
const clip = (s: string): string => redactCut(s, VALUE_MAX);
const commandOf = (call: ToolCall): string | undefined => (call.name === 'Bash' ? str(call.input.command)?.slice(0, SCAN_MAX) : undefined);

// Three rules read the same command's argv: tokenize it once per call (the last command is kept).
let lastCommand: string | undefined;
let lastArgv: string[][] = [];
function commandsOf(cmd: string): string[][] {
  if (cmd !== lastCommand) {
    lastArgv = simpleCommands(cmd.slice(0, TOKENIZE_MAX));
    lastCommand = cmd;
  }
  return lastArgv;
}

const PATH_READERS: Record<string, string[]> = {
  Read: ['file_path'],
  NotebookRead: ['notebook_path'],
  Grep: ['path', 'glob'],
  Glob: ['pattern', 'path'],
};
const WRITERS: Record<string, string> = { Write: 'file_path', Edit: 'file_path', MultiEdit: 'file_path', NotebookEdit: 'notebook_path' };

function pathAllow(allow: readonly string[], env: RuleEnv): (p: string) => boolean {
  const ms = allow.map((g) => globMatcher(g, env.home));
  return (p) => ms.some((m) => m(p));
}

/** A `*` wildcard over a whole simple command (`rm -rf node_modules`, `rm -rf ./dist*`). */
function commandAllow(allow: readonly string[]): (cmd: string) => boolean {
  const rs = allow.map((a) => new RegExp('^' + a.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*') + '$'));
  return (c) => rs.some((r) => r.test(c));
}

// --- credential_access ----------------------------------------------------------------------

/** Commands that print a stored credential. */
function readsCredentialStore(argv: readonly string[]): boolean {
  const [cmd, a1, a2, a3] = [baseName(argv[0]!), argv[1], argv[2], argv[3]];
  if (cmd === 'gh') return a1 === 'auth' && (a2 === 'token' || (a2 === 'status' && argv.some((a) => a === '-t' || a === '--show-token')));
  if (cmd === 'gcloud') return a1 === 'auth' && (a2 === 'print-access-token' || a2 === 'print-identity-token' || (a2 === 'application-default' && a3 === 'print-access-token'));
  if (cmd === 'az') return a1 === 'account' && a2 === 'get-access-token';
  if (cmd === 'security') return a1 === 'find-generic-password' || a1 === 'find-internet-password' || a1 === 'dump-keychain' || a1 === 'export';
  if (cmd === 'secret-tool') return a1 === 'lookup';
  if (cmd === 'aws') return a1 === 'configure' && a2 === 'get' && /secret|token/i.test(a3 ?? '');
  if (cmd === 'op') return a1 === 'read' || (a1 === 'item' && a2 === 'get');
  return false;
}

const credentialAccess: BuiltinRule = {
  id: 'credential_access',
  severity: 'critical',
  description: 'reads of credential files (.env, keys, cloud and registry credentials, keychains) and credential stores',
  allowlistOf: 'path globs (`**/test/fixtures/*.pem`)',
  check(call, env, allow) {
    const allowed = pathAllow(allow, env);
    const fields = PATH_READERS[call.name];
    if (fields) {
      for (const f of fields) {
        const v = str(call.input[f]);
        if (!v || !isCredentialPath(v)) continue;
        const resolved = resolvePath(v, call.cwd, env.home) ?? v;
        if (allowed(resolved)) continue;
        return { field: f, value: clip(v) };
      }
      return undefined;
    }
    const cmd = commandOf(call);
    if (!cmd) return undefined;
    for (const argv of commandsOf(cmd)) {
      if (PRINTERS.has(baseName(argv[0]!))) continue;
      if (readsCredentialStore(argv)) return { field: 'command', value: clip(cmd) };
      for (const arg of argv.slice(1)) {
        const v = arg.startsWith('-') && arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : arg;
        if (!isCredentialPath(v)) continue;
        if (allowed(resolvePath(v, call.cwd, env.home) ?? v)) continue;
        return { field: 'command', value: clip(cmd) };
      }
    }
    return undefined;
  },
};

// --- destructive_command --------------------------------------------------------------------

/** Short flags in any order and grouping (`-rf`, `-fr`, `-r -f`, `-Rf`), plus their long names. */
function hasFlags(args: readonly string[], short: string, long: readonly string[]): boolean {
  for (const a of args) {
    if (a === '--') break;
    if (a.startsWith('--')) {
      if (long.includes(a.split('=')[0]!)) return true;
    } else if (a.startsWith('-') && a.length > 1 && a.includes(short)) return true;
  }
  return false;
}

/** The subcommand of a tool with global options before it (`git -C dir push`, `kubectl -n ns delete`). */
function subcommand(args: readonly string[], valued: ReadonlySet<string>): { sub?: string; rest: string[] } {
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a.startsWith('-')) {
      if (valued.has(a)) i++;
      continue;
    }
    return { sub: a, rest: args.slice(i + 1) };
  }
  return { rest: [] };
}
const GIT_VALUED = new Set(['-C', '-c', '--git-dir', '--work-tree', '--namespace', '--exec-path']);
const KUBECTL_VALUED = new Set(['-n', '--namespace', '--context', '--cluster', '--kubeconfig', '-l', '--selector', '-f', '--filename', '-o', '--output', '-s', '--server', '--user', '--token']);
const TERRAFORM_VALUED = new Set<string>();
const SQL_CLIENTS = new Set(['psql', 'mysql', 'mariadb', 'sqlite3', 'sqlite', 'duckdb', 'clickhouse-client', 'clickhouse', 'cockroach', 'sqlcmd', 'mongosh', 'cqlsh', 'snowsql', 'bq', 'pgcli', 'mycli', 'litecli']);
const SQL_DESTRUCTIVE = /\bdrop\s+(?:table|database|schema)\b|\btruncate\s+(?:table\s+)?[A-Za-z_"`[]/i;

function isDestructive(argv: readonly string[]): boolean {
  const cmd = baseName(argv[0]!);
  const args = argv.slice(1);
  switch (cmd) {
    case 'rm':
      return (hasFlags(args, 'r', ['--recursive']) || hasFlags(args, 'R', [])) && hasFlags(args, 'f', ['--force']);
    case 'git': {
      const { sub, rest } = subcommand(args, GIT_VALUED);
      if (sub === 'push') return rest.some((a) => a === '-f' || a === '--force' || a.startsWith('--force-with-lease') || (/^-[A-Za-z]+$/.test(a) && a.includes('f')) || /^\+[^\s]/.test(a));
      if (sub === 'reset') return rest.includes('--hard');
      if (sub === 'clean') return hasFlags(rest, 'f', ['--force']);
      if (sub === 'branch') return rest.some((a) => /^-[A-Za-z]*D/.test(a)) || (rest.includes('--delete') && rest.includes('--force'));
      return false;
    }
    case 'dd':
      return args.some((a) => a.startsWith('of=/dev/'));
    case 'chmod':
      return hasFlags(args, 'R', ['--recursive']) && args.some((a) => a === '777' || a === '0777' || a === 'a+rwx' || a === 'ugo+rwx');
    case 'kubectl':
    case 'oc':
      return subcommand(args, KUBECTL_VALUED).sub === 'delete';
    case 'terraform':
    case 'tofu': {
      const { sub, rest } = subcommand(args, TERRAFORM_VALUED);
      return sub === 'destroy' || (sub === 'apply' && rest.includes('-destroy'));
    }
  }
  if (cmd === 'mkfs' || cmd.startsWith('mkfs.')) return true;
  if (SQL_CLIENTS.has(cmd)) return args.some((a) => SQL_DESTRUCTIVE.test(a.slice(0, SCAN_MAX)));
  return false;
}

const destructiveCommand: BuiltinRule = {
  id: 'destructive_command',
  severity: 'warning',
  description: 'rm -rf, forced git push, git reset --hard, git clean -f, git branch -D, DROP/TRUNCATE, mkfs, dd to a device, chmod -R 777, kubectl delete, terraform destroy',
  allowlistOf: 'command patterns with * (`rm -rf node_modules`, `rm -rf ./dist*`)',
  check(call, _env, allow) {
    const cmd = commandOf(call);
    if (!cmd) return undefined;
    const allowed = commandAllow(allow);
    for (const argv of commandsOf(cmd)) {
      if (isDestructive(argv) && !allowed(argv.join(' '))) return { field: 'command', value: clip(cmd) };
    }
    return undefined;
  },
};

// --- external_fetch -------------------------------------------------------------------------

const FETCHERS = new Set(['curl', 'wget', 'http', 'https', 'httpie', 'xh', 'xhs', 'nc', 'ncat', 'netcat']);
/** Options of curl, wget, httpie and nc that take a value (the value is not a URL). */
const FETCH_VALUED = new Set([
  '-H', '-d', '-X', '-o', '-u', '-A', '-e', '-b', '-c', '-F', '-T', '-x', '-w', '-m', '-K', '-E', '-r', '-y', '-Y', '-z', '-C', '-U', '-D', '-P', '-Q', '-t', '-O', '-a', '-p', '-s', '-q', '-i', '-I', '-W',
  '--header', '--data', '--data-raw', '--data-binary', '--data-urlencode', '--json', '--request', '--output', '--user', '--user-agent', '--referer', '--cookie', '--cookie-jar', '--form', '--upload-file', '--proxy', '--write-out', '--max-time', '--connect-timeout', '--config', '--cert', '--key', '--cacert', '--retry', '--retry-delay', '--resolve', '--connect-to', '--range', '--limit-rate', '--interface', '--oauth2-bearer', '--unix-socket', '--output-document', '--post-data', '--password', '--auth', '--auth-type', '--timeout', '--tries', '--wait', '--directory-prefix', '--session',
]);
/** Short options of nc that take no value but look like curl's (`nc -z -v -w 1 host 22`). */
const NC_FLAGS = new Set(['-z', '-v', '-n', '-u', '-4', '-6', '-N', '-C', '-k', '-d', '-D', '-t']);

/** Hosts a fetch command contacts; '?' for a target that is not a literal host (`curl $URL`). */
function fetchHosts(argv: readonly string[]): string[] | undefined {
  const cmd = baseName(argv[0]!);
  if (!FETCHERS.has(cmd)) return undefined;
  const nc = cmd === 'nc' || cmd === 'ncat' || cmd === 'netcat';
  const args = argv.slice(1);
  if (nc && args.some((a) => /^-[A-Za-z]*l/.test(a))) return []; // listening, not fetching
  const positional: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--url') {
      if (args[i + 1]) positional.push(args[++i]!);
      continue;
    }
    if (a.startsWith('--')) {
      if (!a.includes('=') && FETCH_VALUED.has(a)) i++;
      continue;
    }
    if (a.startsWith('-') && a.length > 1) {
      if (nc && NC_FLAGS.has(a)) continue;
      // A cluster `-sSo file`: the last letter may take the next argument.
      if (FETCH_VALUED.has('-' + a[a.length - 1]!)) i++;
      continue;
    }
    positional.push(a);
  }
  const httpie = !nc && cmd !== 'curl' && cmd !== 'wget';
  let targets = positional;
  if (httpie && /^[A-Z]+$/.test(targets[0] ?? '')) targets = targets.slice(1); // METHOD
  if (httpie || nc) targets = targets.slice(0, 1); // the rest are request items / the port
  return targets.map((t) => hostOf(t) ?? '?');
}

const externalFetch: BuiltinRule = {
  id: 'external_fetch',
  severity: 'info',
  description: 'WebFetch, WebSearch, and curl/wget/httpie/nc to a host not on the allowlist',
  allowlistOf: 'hosts, *.domains and IPv4 ranges (added to localhost, 127.0.0.0/8, ::1)',
  check(call, _env, allow) {
    if (call.name === 'WebSearch') {
      const q = str(call.input.query);
      return { field: 'query', value: q ? clip(q) : '' };
    }
    if (call.name === 'WebFetch') {
      const url = str(call.input.url);
      if (!url) return undefined;
      const host = hostOf(url);
      if (host && hostAllowed(host, allow)) return undefined;
      return { field: 'url', value: clip(url) };
    }
    const cmd = commandOf(call);
    if (!cmd) return undefined;
    for (const argv of commandsOf(cmd)) {
      const hosts = fetchHosts(argv);
      if (hosts?.some((h) => h === '?' || !hostAllowed(h, allow))) return { field: 'command', value: clip(cmd) };
    }
    return undefined;
  },
};

// --- write_outside_project ------------------------------------------------------------------

const writeOutsideProject: BuiltinRule = {
  id: 'write_outside_project',
  severity: 'warning',
  description: "Write/Edit/MultiEdit/NotebookEdit of a path outside the session's working directory (/tmp included)",
  allowlistOf: 'path globs (`/tmp/**`, `~/.claude/plans/**`)',
  check(call, env, allow) {
    const field = WRITERS[call.name];
    if (!field || !call.cwd) return undefined;
    const v = str(call.input[field]);
    if (!v) return undefined;
    const path = resolvePath(v, call.cwd, env.home);
    const cwd = resolvePath(call.cwd, '/', env.home);
    if (!path || !cwd || isInside(path, cwd)) return undefined;
    if (pathAllow(allow, env)(path)) return undefined;
    return { field, value: clip(path) };
  },
};

// --- secret_in_command ----------------------------------------------------------------------

/** Text a call sends somewhere or writes into a file, by field. */
function payloads(call: ToolCall): Array<[string, string]> {
  const i = call.input;
  const out: Array<[string, string]> = [];
  const add = (f: string, v: unknown) => {
    if (typeof v === 'string' && v.length > 0) out.push([f, v.slice(0, SCAN_MAX)]);
  };
  switch (call.name) {
    case 'Bash':
      add('command', i.command);
      break;
    case 'WebFetch':
      add('url', i.url);
      break;
    case 'Write':
      add('content', i.content);
      break;
    case 'Edit':
      add('new_string', i.new_string);
      break;
    case 'NotebookEdit':
      add('new_source', i.new_source);
      break;
    case 'MultiEdit':
      if (Array.isArray(i.edits)) for (const e of i.edits) if (e && typeof e === 'object') add('edits.new_string', (e as Record<string, unknown>).new_string);
      break;
  }
  return out;
}

const secretInCommand: BuiltinRule = {
  id: 'secret_in_command',
  severity: 'critical',
  description: 'a credential in a Bash command, a WebFetch URL, or the content a Write/Edit puts into a file',
  allowlistOf: 'redaction kinds to ignore (`jwt`, `secret-assignment`)',
  check(call, _env, allow) {
    for (const [field, text] of payloads(call)) {
      const kinds = findSecretKinds(text).filter((k) => !allow.includes(k));
      if (kinds.length === 0) continue;
      // Commands and URLs are shown redacted; file contents never, only what kind of secret was in them.
      const value = field === 'command' || field === 'url' ? clip(text) : kinds.map((k) => `[REDACTED:${k}]`).join(' ');
      return { field, value };
    }
    return undefined;
  },
};

export const BUILTIN_RULES: readonly BuiltinRule[] = [credentialAccess, destructiveCommand, externalFetch, writeOutsideProject, secretInCommand];
