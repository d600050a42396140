import { createRequire as __cr } from 'module'; const require = __cr(import.meta.url);
import {
  resolveRoots,
  xdgDir
} from "./chunk-WNRRRGWU.js";
import {
  DEFAULT_PROMETHEUS_HOST,
  DEFAULT_PROMETHEUS_PORT,
  checkTimeZone,
  localTimeZone
} from "./chunk-62URUY5F.js";
import {
  checkUserPattern,
  configureRedaction,
  findSecretKinds,
  redactCut
} from "./chunk-IZPOGKRA.js";
import {
  UserError,
  __export
} from "./chunk-EM5NTX2M.js";

// src/detection/shell.ts
var PRINTERS = /* @__PURE__ */ new Set(["echo", "printf", "print", ":", "true", "false"]);
var SHELLS = /* @__PURE__ */ new Set(["bash", "sh", "zsh", "dash", "ksh", "fish", "ash"]);
var WRAPPERS = {
  sudo: /* @__PURE__ */ new Set(["-u", "-g", "-h", "-p", "-C", "-U", "-r", "-t", "-T", "-D", "--user", "--group", "--host", "--prompt", "--chdir"]),
  doas: /* @__PURE__ */ new Set(["-u", "-C"]),
  env: /* @__PURE__ */ new Set(["-u", "-C", "-S", "--unset", "--chdir", "--split-string"]),
  nohup: /* @__PURE__ */ new Set(),
  time: /* @__PURE__ */ new Set(["-f", "-o", "--format", "--output"]),
  command: /* @__PURE__ */ new Set(),
  exec: /* @__PURE__ */ new Set(["-a"]),
  nice: /* @__PURE__ */ new Set(["-n", "--adjustment"]),
  ionice: /* @__PURE__ */ new Set(["-c", "-n", "-p", "--class", "--classdata"]),
  timeout: /* @__PURE__ */ new Set(["-s", "-k", "--signal", "--kill-after"]),
  xargs: /* @__PURE__ */ new Set(["-I", "-i", "-n", "-P", "-L", "-l", "-s", "-d", "-E", "-a", "--max-args", "--max-procs", "--delimiter", "--arg-file", "--replace"]),
  stdbuf: /* @__PURE__ */ new Set(["-i", "-o", "-e"]),
  caffeinate: /* @__PURE__ */ new Set(["-t", "-w"]),
  watch: /* @__PURE__ */ new Set(["-n", "-d", "--interval"])
};
var TAKES_POSITIONAL = /* @__PURE__ */ new Set(["timeout"]);
var MAX_DEPTH = 4;
function simpleCommands(command) {
  const out = [];
  collect(command, 0, out);
  return out;
}
function collect(command, depth, out) {
  for (const argv of split(command)) unwrap(argv, depth, out);
}
function baseName(word) {
  const i = word.lastIndexOf("/");
  return i >= 0 ? word.slice(i + 1) : word;
}
function unwrap(argv, depth, out) {
  let i = 0;
  for (; ; ) {
    while (i < argv.length && /^[A-Za-z_][A-Za-z0-9_]*=/.test(argv[i])) i++;
    if (i >= argv.length) return;
    const name = baseName(argv[i]);
    const valued = WRAPPERS[name];
    if (valued) {
      i++;
      while (i < argv.length && argv[i].startsWith("-") && argv[i] !== "-" && argv[i] !== "--") {
        const opt = argv[i];
        i += valued.has(opt) ? 2 : 1;
      }
      if (argv[i] === "--") i++;
      if (TAKES_POSITIONAL.has(name)) i++;
      continue;
    }
    const rest = argv.slice(i);
    if ((SHELLS.has(name) || name === "eval") && depth < MAX_DEPTH) {
      if (name === "eval") return collect(rest.slice(1).join(" "), depth + 1, out);
      const c = rest.findIndex((a, k) => k > 0 && /^-[A-Za-z]*c[A-Za-z]*$/.test(a));
      if (c > 0 && rest[c + 1] !== void 0) return collect(rest[c + 1], depth + 1, out);
    }
    out.push(rest);
    return;
  }
}
var SPECIAL = new Uint8Array(128);
for (const c of "'\"\\#$<> 	\r\n;&|()`") SPECIAL[c.charCodeAt(0)] = 1;
var isSpecial = (code) => code < 128 && SPECIAL[code] === 1;
var SEPARATORS = /* @__PURE__ */ new Set([";", "&", "|", "\n", "(", ")", "`"]);
function split(s) {
  const cmds = [];
  let argv = [];
  let word = null;
  const heredocs = [];
  const endWord = () => {
    if (word !== null) argv.push(word);
    word = null;
  };
  const endCmd = () => {
    endWord();
    if (argv.length > 0) cmds.push(argv);
    argv = [];
  };
  const n = s.length;
  let i = 0;
  while (i < n) {
    const c = s[i];
    if (c === "'") {
      const j2 = s.indexOf("'", i + 1);
      const end = j2 < 0 ? n : j2;
      word = (word ?? "") + s.slice(i + 1, end);
      i = end + 1;
      continue;
    }
    if (c === '"') {
      let w = word ?? "";
      i++;
      while (i < n && s[i] !== '"') {
        if (s[i] === "\\" && i + 1 < n && '"\\$`'.includes(s[i + 1])) i++;
        w += s[i];
        i++;
      }
      word = w;
      i++;
      continue;
    }
    if (c === "\\") {
      if (s[i + 1] === "\n") i += 2;
      else {
        word = (word ?? "") + (s[i + 1] ?? "");
        i += 2;
      }
      continue;
    }
    if (c === "#" && word === null) {
      const j2 = s.indexOf("\n", i);
      i = j2 < 0 ? n : j2;
      continue;
    }
    if (c === "$" && s[i + 1] === "(") {
      endCmd();
      i += 2;
      continue;
    }
    if (c === "<" && s[i + 1] === "<" && s[i + 2] !== "<") {
      endWord();
      i += s[i + 2] === "-" ? 3 : 2;
      while (s[i] === " " || s[i] === "	") i++;
      let delim = "";
      while (i < n && !/[\s;&|<>()]/.test(s[i])) {
        if (s[i] !== "'" && s[i] !== '"' && s[i] !== "\\") delim += s[i];
        i++;
      }
      if (delim) heredocs.push(delim);
      continue;
    }
    if (c === "\n" && heredocs.length > 0) {
      endWord();
      i++;
      for (const delim of heredocs.splice(0)) {
        let body = "";
        while (i < n) {
          const j2 = s.indexOf("\n", i);
          const line = s.slice(i, j2 < 0 ? n : j2);
          i = j2 < 0 ? n : j2 + 1;
          if (line.trim() === delim) break;
          body += line + "\n";
        }
        argv.push(body);
      }
      endCmd();
      continue;
    }
    if (c === "<" || c === ">") {
      endWord();
      i++;
      while (s[i] === ">" || s[i] === "&" || s[i] === "|") {
        if (s[i] === "&") while (i + 1 < n && /[0-9-]/.test(s[i + 1])) i++;
        i++;
      }
      continue;
    }
    if (SEPARATORS.has(c)) {
      endCmd();
      i++;
      continue;
    }
    if (c === " " || c === "	" || c === "\r") {
      endWord();
      i++;
      continue;
    }
    let j = i + 1;
    while (j < n && !isSpecial(s.charCodeAt(j))) j++;
    if (s[j] === "#") j++;
    word = (word ?? "") + s.slice(i, j);
    i = j;
  }
  endCmd();
  return cmds;
}

// src/detection/paths.ts
import { posix } from "node:path";
function resolvePath(p, cwd, home) {
  let q = p.trim();
  if (q === "") return void 0;
  if (q === "~" || q.startsWith("~/")) q = home + q.slice(1);
  else if (q.startsWith("$HOME/") || q.startsWith("${HOME}/")) q = home + q.slice(q.indexOf("/"));
  if (!q.startsWith("/")) {
    if (!cwd.startsWith("/")) return void 0;
    q = cwd + "/" + q;
  }
  return posix.normalize(q).replace(/(.)\/+$/, "$1");
}
var isInside = (path2, dir) => path2 === dir || path2.startsWith(dir.endsWith("/") ? dir : dir + "/");
var ENV_TEMPLATES = /* @__PURE__ */ new Set([".env.example", ".env.sample", ".env.template", ".env.dist", ".env.defaults"]);
var CREDENTIAL_NAMES = /* @__PURE__ */ new Set([".netrc", "_netrc", ".npmrc", ".pypirc", ".git-credentials", ".pgpass", ".my.cnf", "credentials.db", "access_tokens.db", "application_default_credentials.json", "accessTokens.json", "msal_token_cache.json", "msal_token_cache.bin"]);
var CREDENTIAL_SUFFIXES = [".aws/credentials", ".docker/config.json", ".kube/config", "gh/hosts.yml", ".config/gcloud/", ".azure/", "Library/Keychains/", ".gnupg/private-keys-v1.d/", ".password-store/"];
function isCredentialPath(p) {
  if (p.length === 0 || p.length > 4096) return false;
  const path2 = p.replace(/\*+$/, "");
  const base = path2.slice(path2.lastIndexOf("/") + 1);
  if (base === ".env" || base.startsWith(".env.") && !ENV_TEMPLATES.has(base)) return true;
  if (/\.(pem|key|p12|pfx|jks|keystore|keychain|keychain-db|ppk)$/i.test(base)) return true;
  if (/^id_(rsa|ed25519|ecdsa|dsa)/.test(base)) return true;
  if (CREDENTIAL_NAMES.has(base)) return true;
  const tail = "/" + path2;
  return CREDENTIAL_SUFFIXES.some((s) => s.endsWith("/") ? tail.includes("/" + s) : tail.endsWith("/" + s));
}
function globMatcher(glob, home) {
  const g = glob.startsWith("~/") ? home + glob.slice(1) : glob;
  const byName = !g.includes("/");
  let re = "^";
  for (let i = 0; i < g.length; i++) {
    const c = g[i];
    if (c === "*" && g[i + 1] === "*") {
      re += ".*";
      i++;
      if (g[i + 1] === "/") i++;
    } else if (c === "*") re += "[^/]*";
    else if (c === "?") re += "[^/]";
    else re += c.replace(/[.+^${}()|[\]\\]/g, "\\$&");
  }
  const rx = new RegExp(re + "$");
  return (path2) => rx.test(byName ? path2.slice(path2.lastIndexOf("/") + 1) : path2);
}

// src/detection/hosts.ts
var DEFAULT_HOST_ALLOWLIST = ["localhost", "*.localhost", "127.0.0.0/8", "::1"];
function hostOf(arg) {
  let a = arg.trim();
  if (a.startsWith(":")) return "localhost";
  const scheme = a.indexOf("://");
  if (scheme >= 0) a = a.slice(scheme + 3);
  else if (!/^[A-Za-z0-9[]/.test(a)) return void 0;
  const at = a.search(/[@/?#]/);
  if (at >= 0 && a[at] === "@") a = a.slice(at + 1);
  let host2;
  if (a.startsWith("[")) host2 = a.slice(1, Math.max(1, a.indexOf("]")));
  else host2 = a.split(/[/:?#]/, 1)[0];
  host2 = host2.toLowerCase();
  if (scheme < 0 && !(host2 === "localhost" || host2.includes(".") || host2.includes(":"))) return void 0;
  return host2 || void 0;
}
function ipv4(s) {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s);
  if (!m) return void 0;
  const parts = m.slice(1).map(Number);
  if (parts.some((p) => p > 255)) return void 0;
  return (parts[0] << 24 | parts[1] << 16 | parts[2] << 8 | parts[3]) >>> 0;
}
function checkHostPattern(p) {
  if (p.includes("/")) {
    const [ip, bits] = p.split("/");
    if (ipv4(ip) === void 0 || !/^\d{1,2}$/.test(bits) || Number(bits) > 32) return `"${p}" is not an IPv4 range like 10.0.0.0/8`;
    return void 0;
  }
  if (!/^(\*\.|\.)?[A-Za-z0-9.:-]+$/.test(p)) return `"${p}" is not a host, *.domain or IPv4 range`;
  return void 0;
}
function hostAllowed(host2, allow) {
  const h = host2.toLowerCase().replace(/^\[|\]$/g, "");
  const ip = ipv4(h);
  for (const p of allow) {
    const q = p.toLowerCase();
    if (q.includes("/")) {
      if (ip === void 0) continue;
      const [base, bits] = q.split("/");
      const b = ipv4(base);
      const n = Number(bits);
      const mask = n === 0 ? 0 : 4294967295 << 32 - n >>> 0;
      if (b !== void 0 && (ip & mask) >>> 0 === (b & mask) >>> 0) return true;
    } else if (q.startsWith("*.") || q.startsWith(".")) {
      const d = q.slice(q.indexOf("."));
      if (h.endsWith(d) || h === d.slice(1)) return true;
    } else if (h === q) return true;
  }
  return false;
}

// src/detection/rules.ts
var SEVERITIES = ["critical", "warning", "info"];
var VALUE_MAX = 300;
var SCAN_MAX = 1 << 20;
var TOKENIZE_MAX = 64 << 10;
var str = (v) => typeof v === "string" && v.length > 0 ? v : void 0;
var clip = (s) => redactCut(s, VALUE_MAX);
var commandOf = (call) => call.name === "Bash" ? str(call.input.command)?.slice(0, SCAN_MAX) : void 0;
var lastCommand;
var lastArgv = [];
function commandsOf(cmd) {
  if (cmd !== lastCommand) {
    lastArgv = simpleCommands(cmd.slice(0, TOKENIZE_MAX));
    lastCommand = cmd;
  }
  return lastArgv;
}
var PATH_READERS = {
  Read: ["file_path"],
  NotebookRead: ["notebook_path"],
  Grep: ["path", "glob"],
  Glob: ["pattern", "path"]
};
var WRITERS = { Write: "file_path", Edit: "file_path", MultiEdit: "file_path", NotebookEdit: "notebook_path" };
function pathAllow(allow, env) {
  const ms = allow.map((g) => globMatcher(g, env.home));
  return (p) => ms.some((m) => m(p));
}
function commandAllow(allow) {
  const rs = allow.map((a) => new RegExp("^" + a.split("*").map((p) => p.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*") + "$"));
  return (c) => rs.some((r) => r.test(c));
}
function readsCredentialStore(argv) {
  const [cmd, a1, a2, a3] = [baseName(argv[0]), argv[1], argv[2], argv[3]];
  if (cmd === "gh") return a1 === "auth" && (a2 === "token" || a2 === "status" && argv.some((a) => a === "-t" || a === "--show-token"));
  if (cmd === "gcloud") return a1 === "auth" && (a2 === "print-access-token" || a2 === "print-identity-token" || a2 === "application-default" && a3 === "print-access-token");
  if (cmd === "az") return a1 === "account" && a2 === "get-access-token";
  if (cmd === "security") return a1 === "find-generic-password" || a1 === "find-internet-password" || a1 === "dump-keychain" || a1 === "export";
  if (cmd === "secret-tool") return a1 === "lookup";
  if (cmd === "aws") return a1 === "configure" && a2 === "get" && /secret|token/i.test(a3 ?? "");
  if (cmd === "op") return a1 === "read" || a1 === "item" && a2 === "get";
  return false;
}
var credentialAccess = {
  id: "credential_access",
  severity: "critical",
  description: "reads of credential files (.env, keys, cloud and registry credentials, keychains) and credential stores",
  allowlistOf: "path globs (`**/test/fixtures/*.pem`)",
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
      return void 0;
    }
    const cmd = commandOf(call);
    if (!cmd) return void 0;
    for (const argv of commandsOf(cmd)) {
      if (PRINTERS.has(baseName(argv[0]))) continue;
      if (readsCredentialStore(argv)) return { field: "command", value: clip(cmd) };
      for (const arg of argv.slice(1)) {
        const v = arg.startsWith("-") && arg.includes("=") ? arg.slice(arg.indexOf("=") + 1) : arg;
        if (!isCredentialPath(v)) continue;
        if (allowed(resolvePath(v, call.cwd, env.home) ?? v)) continue;
        return { field: "command", value: clip(cmd) };
      }
    }
    return void 0;
  }
};
function hasFlags(args, short, long) {
  for (const a of args) {
    if (a === "--") break;
    if (a.startsWith("--")) {
      if (long.includes(a.split("=")[0])) return true;
    } else if (a.startsWith("-") && a.length > 1 && a.includes(short)) return true;
  }
  return false;
}
function subcommand(args, valued) {
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a.startsWith("-")) {
      if (valued.has(a)) i++;
      continue;
    }
    return { sub: a, rest: args.slice(i + 1) };
  }
  return { rest: [] };
}
var GIT_VALUED = /* @__PURE__ */ new Set(["-C", "-c", "--git-dir", "--work-tree", "--namespace", "--exec-path"]);
var KUBECTL_VALUED = /* @__PURE__ */ new Set(["-n", "--namespace", "--context", "--cluster", "--kubeconfig", "-l", "--selector", "-f", "--filename", "-o", "--output", "-s", "--server", "--user", "--token"]);
var TERRAFORM_VALUED = /* @__PURE__ */ new Set();
var SQL_CLIENTS = /* @__PURE__ */ new Set(["psql", "mysql", "mariadb", "sqlite3", "sqlite", "duckdb", "clickhouse-client", "clickhouse", "cockroach", "sqlcmd", "mongosh", "cqlsh", "snowsql", "bq", "pgcli", "mycli", "litecli"]);
var SQL_DESTRUCTIVE = /\bdrop\s+(?:table|database|schema)\b|\btruncate\s+(?:table\s+)?[A-Za-z_"`[]/i;
function isDestructive(argv) {
  const cmd = baseName(argv[0]);
  const args = argv.slice(1);
  switch (cmd) {
    case "rm":
      return (hasFlags(args, "r", ["--recursive"]) || hasFlags(args, "R", [])) && hasFlags(args, "f", ["--force"]);
    case "git": {
      const { sub, rest } = subcommand(args, GIT_VALUED);
      if (sub === "push") return rest.some((a) => a === "-f" || a === "--force" || a.startsWith("--force-with-lease") || /^-[A-Za-z]+$/.test(a) && a.includes("f") || /^\+[^\s]/.test(a));
      if (sub === "reset") return rest.includes("--hard");
      if (sub === "clean") return hasFlags(rest, "f", ["--force"]);
      if (sub === "branch") return rest.some((a) => /^-[A-Za-z]*D/.test(a)) || rest.includes("--delete") && rest.includes("--force");
      return false;
    }
    case "dd":
      return args.some((a) => a.startsWith("of=/dev/"));
    case "chmod":
      return hasFlags(args, "R", ["--recursive"]) && args.some((a) => a === "777" || a === "0777" || a === "a+rwx" || a === "ugo+rwx");
    case "kubectl":
    case "oc":
      return subcommand(args, KUBECTL_VALUED).sub === "delete";
    case "terraform":
    case "tofu": {
      const { sub, rest } = subcommand(args, TERRAFORM_VALUED);
      return sub === "destroy" || sub === "apply" && rest.includes("-destroy");
    }
  }
  if (cmd === "mkfs" || cmd.startsWith("mkfs.")) return true;
  if (SQL_CLIENTS.has(cmd)) return args.some((a) => SQL_DESTRUCTIVE.test(a.slice(0, SCAN_MAX)));
  return false;
}
var destructiveCommand = {
  id: "destructive_command",
  severity: "warning",
  description: "rm -rf, forced git push, git reset --hard, git clean -f, git branch -D, DROP/TRUNCATE, mkfs, dd to a device, chmod -R 777, kubectl delete, terraform destroy",
  allowlistOf: "command patterns with * (`rm -rf node_modules`, `rm -rf ./dist*`)",
  check(call, _env, allow) {
    const cmd = commandOf(call);
    if (!cmd) return void 0;
    const allowed = commandAllow(allow);
    for (const argv of commandsOf(cmd)) {
      if (isDestructive(argv) && !allowed(argv.join(" "))) return { field: "command", value: clip(cmd) };
    }
    return void 0;
  }
};
var FETCHERS = /* @__PURE__ */ new Set(["curl", "wget", "http", "https", "httpie", "xh", "xhs", "nc", "ncat", "netcat"]);
var FETCH_VALUED = /* @__PURE__ */ new Set([
  "-H",
  "-d",
  "-X",
  "-o",
  "-u",
  "-A",
  "-e",
  "-b",
  "-c",
  "-F",
  "-T",
  "-x",
  "-w",
  "-m",
  "-K",
  "-E",
  "-r",
  "-y",
  "-Y",
  "-z",
  "-C",
  "-U",
  "-D",
  "-P",
  "-Q",
  "-t",
  "-O",
  "-a",
  "-p",
  "-s",
  "-q",
  "-i",
  "-I",
  "-W",
  "--header",
  "--data",
  "--data-raw",
  "--data-binary",
  "--data-urlencode",
  "--json",
  "--request",
  "--output",
  "--user",
  "--user-agent",
  "--referer",
  "--cookie",
  "--cookie-jar",
  "--form",
  "--upload-file",
  "--proxy",
  "--write-out",
  "--max-time",
  "--connect-timeout",
  "--config",
  "--cert",
  "--key",
  "--cacert",
  "--retry",
  "--retry-delay",
  "--resolve",
  "--connect-to",
  "--range",
  "--limit-rate",
  "--interface",
  "--oauth2-bearer",
  "--unix-socket",
  "--output-document",
  "--post-data",
  "--password",
  "--auth",
  "--auth-type",
  "--timeout",
  "--tries",
  "--wait",
  "--directory-prefix",
  "--session"
]);
var NC_FLAGS = /* @__PURE__ */ new Set(["-z", "-v", "-n", "-u", "-4", "-6", "-N", "-C", "-k", "-d", "-D", "-t"]);
function fetchHosts(argv) {
  const cmd = baseName(argv[0]);
  if (!FETCHERS.has(cmd)) return void 0;
  const nc = cmd === "nc" || cmd === "ncat" || cmd === "netcat";
  const args = argv.slice(1);
  if (nc && args.some((a) => /^-[A-Za-z]*l/.test(a))) return [];
  const positional = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === "--url") {
      if (args[i + 1]) positional.push(args[++i]);
      continue;
    }
    if (a.startsWith("--")) {
      if (!a.includes("=") && FETCH_VALUED.has(a)) i++;
      continue;
    }
    if (a.startsWith("-") && a.length > 1) {
      if (nc && NC_FLAGS.has(a)) continue;
      if (FETCH_VALUED.has("-" + a[a.length - 1])) i++;
      continue;
    }
    positional.push(a);
  }
  const httpie = !nc && cmd !== "curl" && cmd !== "wget";
  let targets = positional;
  if (httpie && /^[A-Z]+$/.test(targets[0] ?? "")) targets = targets.slice(1);
  if (httpie || nc) targets = targets.slice(0, 1);
  return targets.map((t) => hostOf(t) ?? "?");
}
var externalFetch = {
  id: "external_fetch",
  severity: "info",
  description: "WebFetch, WebSearch, and curl/wget/httpie/nc to a host not on the allowlist",
  allowlistOf: "hosts, *.domains and IPv4 ranges (added to localhost, 127.0.0.0/8, ::1)",
  check(call, _env, allow) {
    if (call.name === "WebSearch") {
      const q = str(call.input.query);
      return { field: "query", value: q ? clip(q) : "" };
    }
    if (call.name === "WebFetch") {
      const url = str(call.input.url);
      if (!url) return void 0;
      const host2 = hostOf(url);
      if (host2 && hostAllowed(host2, allow)) return void 0;
      return { field: "url", value: clip(url) };
    }
    const cmd = commandOf(call);
    if (!cmd) return void 0;
    for (const argv of commandsOf(cmd)) {
      const hosts = fetchHosts(argv);
      if (hosts?.some((h) => h === "?" || !hostAllowed(h, allow))) return { field: "command", value: clip(cmd) };
    }
    return void 0;
  }
};
var writeOutsideProject = {
  id: "write_outside_project",
  severity: "warning",
  description: "Write/Edit/MultiEdit/NotebookEdit of a path outside the session's working directory (/tmp included)",
  allowlistOf: "path globs (`/tmp/**`, `~/.claude/plans/**`)",
  check(call, env, allow) {
    const field = WRITERS[call.name];
    if (!field || !call.cwd) return void 0;
    const v = str(call.input[field]);
    if (!v) return void 0;
    const path2 = resolvePath(v, call.cwd, env.home);
    const cwd = resolvePath(call.cwd, "/", env.home);
    if (!path2 || !cwd || isInside(path2, cwd)) return void 0;
    if (pathAllow(allow, env)(path2)) return void 0;
    return { field, value: clip(path2) };
  }
};
function payloads(call) {
  const i = call.input;
  const out = [];
  const add = (f, v) => {
    if (typeof v === "string" && v.length > 0) out.push([f, v.slice(0, SCAN_MAX)]);
  };
  switch (call.name) {
    case "Bash":
      add("command", i.command);
      break;
    case "WebFetch":
      add("url", i.url);
      break;
    case "Write":
      add("content", i.content);
      break;
    case "Edit":
      add("new_string", i.new_string);
      break;
    case "NotebookEdit":
      add("new_source", i.new_source);
      break;
    case "MultiEdit":
      if (Array.isArray(i.edits)) {
        for (const e of i.edits) if (e && typeof e === "object") add("edits.new_string", e.new_string);
      }
      break;
  }
  return out;
}
var secretInCommand = {
  id: "secret_in_command",
  severity: "critical",
  description: "a credential in a Bash command, a WebFetch URL, or the content a Write/Edit puts into a file",
  allowlistOf: "redaction kinds to ignore (`jwt`, `secret-assignment`)",
  check(call, _env, allow) {
    for (const [field, text] of payloads(call)) {
      const kinds = findSecretKinds(text).filter((k) => !allow.includes(k));
      if (kinds.length === 0) continue;
      const value = field === "command" || field === "url" ? clip(text) : kinds.map((k) => `[REDACTED:${k}]`).join(" ");
      return { field, value };
    }
    return void 0;
  }
};
var BUILTIN_RULES = [credentialAccess, destructiveCommand, externalFetch, writeOutsideProject, secretInCommand];

// src/detection/engine.ts
import { homedir } from "node:os";
var TARGET_FIELDS = ["file_path", "notebook_path", "command", "url", "path", "pattern", "query"];
function fieldValue(call, field) {
  const fields = field === "target" ? TARGET_FIELDS : [field];
  for (const f of fields) {
    const v = call.input[f];
    if (typeof v === "string" && v.length > 0) return { field: f, value: v };
  }
  return void 0;
}
function userRule(r, env) {
  const tools = r.tools && r.tools.length > 0 ? new Set(r.tools) : void 0;
  const re = r.regex !== void 0 ? new RegExp(r.regex) : void 0;
  const glob = r.glob !== void 0 ? globMatcher(r.glob, env.home) : void 0;
  const allow = (r.allowlist ?? []).map((g) => globMatcher(g, env.home));
  return {
    id: r.id,
    severity: r.severity ?? "warning",
    check(call) {
      if (tools && !tools.has(call.name)) return void 0;
      const fv = fieldValue(call, r.field ?? "target");
      if (!fv) return void 0;
      const text = fv.value.slice(0, 1 << 20);
      const path2 = text.length < 4096 ? resolvePath(text, call.cwd, env.home) : void 0;
      const hit = re ? re.test(text) : glob(path2 ?? text) || glob(text);
      if (!hit) return void 0;
      if (allow.some((a) => a(text) || path2 !== void 0 && a(path2))) return void 0;
      return { field: fv.field, value: redactCut(text, VALUE_MAX) };
    }
  };
}
function createDetector(config = [], env = { home: homedir() }) {
  const compiled = [];
  for (const b of BUILTIN_RULES) {
    const overrides = config.filter((r) => r.id === b.id);
    if (overrides.some((r) => r.enabled === false) && !overrides.some((r) => r.enabled === true)) continue;
    const severity = overrides.reduce((s, r) => r.severity ?? s, b.severity);
    const allow = overrides.flatMap((r) => r.allowlist ?? []);
    if (b.id === "external_fetch") allow.unshift(...DEFAULT_HOST_ALLOWLIST);
    compiled.push({ id: b.id, severity, check: (call) => b.check(call, env, allow) });
  }
  for (const r of config) if (!BUILTIN_RULES.some((b) => b.id === r.id) && r.enabled !== false) compiled.push(userRule(r, env));
  return (call) => {
    const hits = [];
    for (const c of compiled) {
      let m;
      try {
        m = c.check(call);
      } catch {
        m = void 0;
      }
      if (m && !hits.some((h) => h.rule === c.id)) hits.push({ rule: c.id, severity: c.severity, field: m.field, value: m.value });
    }
    return hits;
  };
}
var BUILTIN_RULE_IDS = BUILTIN_RULES.map((b) => b.id);

// src/pricing/cost.ts
import { createHash } from "node:crypto";

// src/pricing/price-table.ts
var opus45 = { input: 5, output: 25, cacheWrite: 6.25, cacheRead: 0.5 };
var opus46 = { ...opus45, fastMultiplier: 6 };
var opus4 = { input: 15, output: 75, cacheWrite: 18.75, cacheRead: 1.5 };
var sonnet = { input: 3, output: 15, cacheWrite: 3.75, cacheRead: 0.3 };
var haiku3 = { input: 0.25, output: 1.25, cacheWrite: 0.3, cacheRead: 0.03 };
var sonnetTiered = { ...sonnet, above200k: { input: 6, output: 22.5, cacheWrite: 7.5, cacheRead: 0.6 } };
var EMBEDDED_PRICES = {
  "claude-opus-4-7": opus46,
  "claude-opus-4-6": opus46,
  "claude-opus-4-5": opus45,
  "claude-opus-4-1": opus4,
  "claude-opus-4": opus4,
  "claude-sonnet-4-6": sonnet,
  "claude-sonnet-4-5": sonnetTiered,
  "claude-sonnet-4": sonnetTiered,
  "claude-haiku-4-5": { input: 1, output: 5, cacheWrite: 1.25, cacheRead: 0.1 },
  "claude-3-5-haiku": { input: 0.8, output: 4, cacheWrite: 1, cacheRead: 0.08 },
  "claude-3-7-sonnet": sonnet,
  "claude-3-5-sonnet": sonnet,
  "claude-3-opus": opus4,
  "claude-3-sonnet": sonnet,
  "claude-3-haiku": haiku3
};
var FREE_MODELS = /* @__PURE__ */ new Set(["<synthetic>"]);

// src/pricing/cost.ts
var TIER = 2e5;
var PER_TOKEN = 1e-6;
var SUFFIX = /^(?:-\d{8}|-latest)?(?:-v\d+(?::\d+)?)?(?:@\d{8})?$/;
var PROVIDER = /^(?:[a-z]{2,6}\.)?anthropic[./]/;
var Pricer = class {
  constructor(table, opts = {}) {
    this.table = table;
    this.opts = opts;
    this.keys = Object.keys(table).sort((a, b) => b.length - a.length);
    const canonical = JSON.stringify(Object.keys(table).sort().map((k) => [k, table[k]]), (_k, v) => v && typeof v === "object" && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a < b ? -1 : 1)) : v);
    this.fingerprint = createHash("sha256").update(canonical).update("\0").update([...FREE_MODELS].join(",")).update("\0").update([...this.opts.prefixKeys ?? []].sort().join(",")).digest("hex").slice(0, 16);
  }
  table;
  opts;
  keys;
  cache = /* @__PURE__ */ new Map();
  /** Identifies the table's content and matching rules: aggregates computed with other prices are stale. */
  fingerprint;
  /** The table key pricing a model (Anthropic, Bedrock and Vertex id forms), if any. */
  keyOf(model) {
    const bare = model.replace(PROVIDER, "");
    return this.keys.find((k) => bare.startsWith(k) && (SUFFIX.test(bare.slice(k.length)) || this.opts.prefixKeys?.has(k) === true));
  }
  /** The price of a model; null when unknown. */
  priceOf(model) {
    let hit = this.cache.get(model);
    if (hit !== void 0) return hit;
    const key = this.keyOf(model);
    hit = key ? this.table[key] : null;
    this.cache.set(model, hit);
    return hit;
  }
  isFree(model) {
    return FREE_MODELS.has(model);
  }
  /** USD for one call; `priced` is false for a model we have no price for (cost counted as 0). */
  cost(model, u, apiError = false) {
    if (apiError || this.isFree(model)) return { usd: 0, priced: true };
    const p = this.priceOf(model);
    if (!p) return { usd: 0, priced: false };
    const hi = p.above200k;
    const tiered = (tokens, base, above) => above !== void 0 && tokens > TIER ? TIER * base + (tokens - TIER) * above : tokens * base;
    const write5m = u.cacheSplit ? u.cacheCreation - u.cacheCreation1h : u.cacheCreation;
    let usd2 = tiered(u.input, p.input, hi?.input) + tiered(u.output, p.output, hi?.output) + tiered(write5m, p.cacheWrite, hi?.cacheWrite) + tiered(u.cacheRead, p.cacheRead, hi?.cacheRead) + tiered(u.cacheCreation1h, 2 * p.input, hi ? 2 * hi.input : void 0);
    if (u.fast && p.fastMultiplier) usd2 *= p.fastMultiplier;
    return { usd: usd2 * PER_TOKEN, priced: true };
  }
  /**
   * USD that reading from the cache saved on one call: its cache-read tokens at the model's input
   * price minus what they cost at the cache-read price (same 200k tier and fast multiplier as cost()).
   * 0 for API errors, free and unpriced models, and never below 0.
   */
  cacheSavings(model, u, apiError = false) {
    if (apiError || u.cacheRead === 0 || this.isFree(model)) return 0;
    const p = this.priceOf(model);
    if (!p) return 0;
    const hi = p.above200k;
    const tiered = (tokens, base, above) => above !== void 0 && tokens > TIER ? TIER * base + (tokens - TIER) * above : tokens * base;
    let usd2 = tiered(u.cacheRead, p.input, hi?.input) - tiered(u.cacheRead, p.cacheRead, hi?.cacheRead);
    if (u.fast && p.fastMultiplier) usd2 *= p.fastMultiplier;
    return Math.max(0, usd2) * PER_TOKEN;
  }
};

// src/config/config.ts
import { readFileSync } from "node:fs";
import { join as join2 } from "node:path";
import { createRequire as createRequire2 } from "node:module";

// src/config/schema.ts
import { homedir as homedir2 } from "node:os";
import { join } from "node:path";
import { isIP } from "node:net";

// node_modules/zod/v3/external.js
var external_exports = {};
__export(external_exports, {
  BRAND: () => BRAND,
  DIRTY: () => DIRTY,
  EMPTY_PATH: () => EMPTY_PATH,
  INVALID: () => INVALID,
  NEVER: () => NEVER,
  OK: () => OK,
  ParseStatus: () => ParseStatus,
  Schema: () => ZodType,
  ZodAny: () => ZodAny,
  ZodArray: () => ZodArray,
  ZodBigInt: () => ZodBigInt,
  ZodBoolean: () => ZodBoolean,
  ZodBranded: () => ZodBranded,
  ZodCatch: () => ZodCatch,
  ZodDate: () => ZodDate,
  ZodDefault: () => ZodDefault,
  ZodDiscriminatedUnion: () => ZodDiscriminatedUnion,
  ZodEffects: () => ZodEffects,
  ZodEnum: () => ZodEnum,
  ZodError: () => ZodError,
  ZodFirstPartyTypeKind: () => ZodFirstPartyTypeKind,
  ZodFunction: () => ZodFunction,
  ZodIntersection: () => ZodIntersection,
  ZodIssueCode: () => ZodIssueCode,
  ZodLazy: () => ZodLazy,
  ZodLiteral: () => ZodLiteral,
  ZodMap: () => ZodMap,
  ZodNaN: () => ZodNaN,
  ZodNativeEnum: () => ZodNativeEnum,
  ZodNever: () => ZodNever,
  ZodNull: () => ZodNull,
  ZodNullable: () => ZodNullable,
  ZodNumber: () => ZodNumber,
  ZodObject: () => ZodObject,
  ZodOptional: () => ZodOptional,
  ZodParsedType: () => ZodParsedType,
  ZodPipeline: () => ZodPipeline,
  ZodPromise: () => ZodPromise,
  ZodReadonly: () => ZodReadonly,
  ZodRecord: () => ZodRecord,
  ZodSchema: () => ZodType,
  ZodSet: () => ZodSet,
  ZodString: () => ZodString,
  ZodSymbol: () => ZodSymbol,
  ZodTransformer: () => ZodEffects,
  ZodTuple: () => ZodTuple,
  ZodType: () => ZodType,
  ZodUndefined: () => ZodUndefined,
  ZodUnion: () => ZodUnion,
  ZodUnknown: () => ZodUnknown,
  ZodVoid: () => ZodVoid,
  addIssueToContext: () => addIssueToContext,
  any: () => anyType,
  array: () => arrayType,
  bigint: () => bigIntType,
  boolean: () => booleanType,
  coerce: () => coerce,
  custom: () => custom,
  date: () => dateType,
  datetimeRegex: () => datetimeRegex,
  defaultErrorMap: () => en_default,
  discriminatedUnion: () => discriminatedUnionType,
  effect: () => effectsType,
  enum: () => enumType,
  function: () => functionType,
  getErrorMap: () => getErrorMap,
  getParsedType: () => getParsedType,
  instanceof: () => instanceOfType,
  intersection: () => intersectionType,
  isAborted: () => isAborted,
  isAsync: () => isAsync,
  isDirty: () => isDirty,
  isValid: () => isValid,
  late: () => late,
  lazy: () => lazyType,
  literal: () => literalType,
  makeIssue: () => makeIssue,
  map: () => mapType,
  nan: () => nanType,
  nativeEnum: () => nativeEnumType,
  never: () => neverType,
  null: () => nullType,
  nullable: () => nullableType,
  number: () => numberType,
  object: () => objectType,
  objectUtil: () => objectUtil,
  oboolean: () => oboolean,
  onumber: () => onumber,
  optional: () => optionalType,
  ostring: () => ostring,
  pipeline: () => pipelineType,
  preprocess: () => preprocessType,
  promise: () => promiseType,
  quotelessJson: () => quotelessJson,
  record: () => recordType,
  set: () => setType,
  setErrorMap: () => setErrorMap,
  strictObject: () => strictObjectType,
  string: () => stringType,
  symbol: () => symbolType,
  transformer: () => effectsType,
  tuple: () => tupleType,
  undefined: () => undefinedType,
  union: () => unionType,
  unknown: () => unknownType,
  util: () => util,
  void: () => voidType
});

// node_modules/zod/v3/helpers/util.js
var util;
(function(util2) {
  util2.assertEqual = (_) => {
  };
  function assertIs(_arg) {
  }
  util2.assertIs = assertIs;
  function assertNever(_x) {
    throw new Error();
  }
  util2.assertNever = assertNever;
  util2.arrayToEnum = (items) => {
    const obj = {};
    for (const item of items) {
      obj[item] = item;
    }
    return obj;
  };
  util2.getValidEnumValues = (obj) => {
    const validKeys = util2.objectKeys(obj).filter((k) => typeof obj[obj[k]] !== "number");
    const filtered = {};
    for (const k of validKeys) {
      filtered[k] = obj[k];
    }
    return util2.objectValues(filtered);
  };
  util2.objectValues = (obj) => {
    return util2.objectKeys(obj).map(function(e) {
      return obj[e];
    });
  };
  util2.objectKeys = typeof Object.keys === "function" ? (obj) => Object.keys(obj) : (object) => {
    const keys = [];
    for (const key in object) {
      if (Object.prototype.hasOwnProperty.call(object, key)) {
        keys.push(key);
      }
    }
    return keys;
  };
  util2.find = (arr, checker) => {
    for (const item of arr) {
      if (checker(item))
        return item;
    }
    return void 0;
  };
  util2.isInteger = typeof Number.isInteger === "function" ? (val) => Number.isInteger(val) : (val) => typeof val === "number" && Number.isFinite(val) && Math.floor(val) === val;
  function joinValues(array, separator = " | ") {
    return array.map((val) => typeof val === "string" ? `'${val}'` : val).join(separator);
  }
  util2.joinValues = joinValues;
  util2.jsonStringifyReplacer = (_, value) => {
    if (typeof value === "bigint") {
      return value.toString();
    }
    return value;
  };
})(util || (util = {}));
var objectUtil;
(function(objectUtil2) {
  objectUtil2.mergeShapes = (first, second) => {
    return {
      ...first,
      ...second
      // second overwrites first
    };
  };
})(objectUtil || (objectUtil = {}));
var ZodParsedType = util.arrayToEnum([
  "string",
  "nan",
  "number",
  "integer",
  "float",
  "boolean",
  "date",
  "bigint",
  "symbol",
  "function",
  "undefined",
  "null",
  "array",
  "object",
  "unknown",
  "promise",
  "void",
  "never",
  "map",
  "set"
]);
var getParsedType = (data) => {
  const t = typeof data;
  switch (t) {
    case "undefined":
      return ZodParsedType.undefined;
    case "string":
      return ZodParsedType.string;
    case "number":
      return Number.isNaN(data) ? ZodParsedType.nan : ZodParsedType.number;
    case "boolean":
      return ZodParsedType.boolean;
    case "function":
      return ZodParsedType.function;
    case "bigint":
      return ZodParsedType.bigint;
    case "symbol":
      return ZodParsedType.symbol;
    case "object":
      if (Array.isArray(data)) {
        return ZodParsedType.array;
      }
      if (data === null) {
        return ZodParsedType.null;
      }
      if (data.then && typeof data.then === "function" && data.catch && typeof data.catch === "function") {
        return ZodParsedType.promise;
      }
      if (typeof Map !== "undefined" && data instanceof Map) {
        return ZodParsedType.map;
      }
      if (typeof Set !== "undefined" && data instanceof Set) {
        return ZodParsedType.set;
      }
      if (typeof Date !== "undefined" && data instanceof Date) {
        return ZodParsedType.date;
      }
      return ZodParsedType.object;
    default:
      return ZodParsedType.unknown;
  }
};

// node_modules/zod/v3/ZodError.js
var ZodIssueCode = util.arrayToEnum([
  "invalid_type",
  "invalid_literal",
  "custom",
  "invalid_union",
  "invalid_union_discriminator",
  "invalid_enum_value",
  "unrecognized_keys",
  "invalid_arguments",
  "invalid_return_type",
  "invalid_date",
  "invalid_string",
  "too_small",
  "too_big",
  "invalid_intersection_types",
  "not_multiple_of",
  "not_finite"
]);
var quotelessJson = (obj) => {
  const json = JSON.stringify(obj, null, 2);
  return json.replace(/"([^"]+)":/g, "$1:");
};
var ZodError = class _ZodError extends Error {
  get errors() {
    return this.issues;
  }
  constructor(issues) {
    super();
    this.issues = [];
    this.addIssue = (sub) => {
      this.issues = [...this.issues, sub];
    };
    this.addIssues = (subs = []) => {
      this.issues = [...this.issues, ...subs];
    };
    const actualProto = new.target.prototype;
    if (Object.setPrototypeOf) {
      Object.setPrototypeOf(this, actualProto);
    } else {
      this.__proto__ = actualProto;
    }
    this.name = "ZodError";
    this.issues = issues;
  }
  format(_mapper) {
    const mapper = _mapper || function(issue) {
      return issue.message;
    };
    const fieldErrors = { _errors: [] };
    const processError = (error) => {
      for (const issue of error.issues) {
        if (issue.code === "invalid_union") {
          issue.unionErrors.map(processError);
        } else if (issue.code === "invalid_return_type") {
          processError(issue.returnTypeError);
        } else if (issue.code === "invalid_arguments") {
          processError(issue.argumentsError);
        } else if (issue.path.length === 0) {
          fieldErrors._errors.push(mapper(issue));
        } else {
          let curr = fieldErrors;
          let i = 0;
          while (i < issue.path.length) {
            const el = issue.path[i];
            const terminal = i === issue.path.length - 1;
            if (!terminal) {
              curr[el] = curr[el] || { _errors: [] };
            } else {
              curr[el] = curr[el] || { _errors: [] };
              curr[el]._errors.push(mapper(issue));
            }
            curr = curr[el];
            i++;
          }
        }
      }
    };
    processError(this);
    return fieldErrors;
  }
  static assert(value) {
    if (!(value instanceof _ZodError)) {
      throw new Error(`Not a ZodError: ${value}`);
    }
  }
  toString() {
    return this.message;
  }
  get message() {
    return JSON.stringify(this.issues, util.jsonStringifyReplacer, 2);
  }
  get isEmpty() {
    return this.issues.length === 0;
  }
  flatten(mapper = (issue) => issue.message) {
    const fieldErrors = {};
    const formErrors = [];
    for (const sub of this.issues) {
      if (sub.path.length > 0) {
        const firstEl = sub.path[0];
        fieldErrors[firstEl] = fieldErrors[firstEl] || [];
        fieldErrors[firstEl].push(mapper(sub));
      } else {
        formErrors.push(mapper(sub));
      }
    }
    return { formErrors, fieldErrors };
  }
  get formErrors() {
    return this.flatten();
  }
};
ZodError.create = (issues) => {
  const error = new ZodError(issues);
  return error;
};

// node_modules/zod/v3/locales/en.js
var errorMap = (issue, _ctx) => {
  let message;
  switch (issue.code) {
    case ZodIssueCode.invalid_type:
      if (issue.received === ZodParsedType.undefined) {
        message = "Required";
      } else {
        message = `Expected ${issue.expected}, received ${issue.received}`;
      }
      break;
    case ZodIssueCode.invalid_literal:
      message = `Invalid literal value, expected ${JSON.stringify(issue.expected, util.jsonStringifyReplacer)}`;
      break;
    case ZodIssueCode.unrecognized_keys:
      message = `Unrecognized key(s) in object: ${util.joinValues(issue.keys, ", ")}`;
      break;
    case ZodIssueCode.invalid_union:
      message = `Invalid input`;
      break;
    case ZodIssueCode.invalid_union_discriminator:
      message = `Invalid discriminator value. Expected ${util.joinValues(issue.options)}`;
      break;
    case ZodIssueCode.invalid_enum_value:
      message = `Invalid enum value. Expected ${util.joinValues(issue.options)}, received '${issue.received}'`;
      break;
    case ZodIssueCode.invalid_arguments:
      message = `Invalid function arguments`;
      break;
    case ZodIssueCode.invalid_return_type:
      message = `Invalid function return type`;
      break;
    case ZodIssueCode.invalid_date:
      message = `Invalid date`;
      break;
    case ZodIssueCode.invalid_string:
      if (typeof issue.validation === "object") {
        if ("includes" in issue.validation) {
          message = `Invalid input: must include "${issue.validation.includes}"`;
          if (typeof issue.validation.position === "number") {
            message = `${message} at one or more positions greater than or equal to ${issue.validation.position}`;
          }
        } else if ("startsWith" in issue.validation) {
          message = `Invalid input: must start with "${issue.validation.startsWith}"`;
        } else if ("endsWith" in issue.validation) {
          message = `Invalid input: must end with "${issue.validation.endsWith}"`;
        } else {
          util.assertNever(issue.validation);
        }
      } else if (issue.validation !== "regex") {
        message = `Invalid ${issue.validation}`;
      } else {
        message = "Invalid";
      }
      break;
    case ZodIssueCode.too_small:
      if (issue.type === "array")
        message = `Array must contain ${issue.exact ? "exactly" : issue.inclusive ? `at least` : `more than`} ${issue.minimum} element(s)`;
      else if (issue.type === "string")
        message = `String must contain ${issue.exact ? "exactly" : issue.inclusive ? `at least` : `over`} ${issue.minimum} character(s)`;
      else if (issue.type === "number")
        message = `Number must be ${issue.exact ? `exactly equal to ` : issue.inclusive ? `greater than or equal to ` : `greater than `}${issue.minimum}`;
      else if (issue.type === "bigint")
        message = `Number must be ${issue.exact ? `exactly equal to ` : issue.inclusive ? `greater than or equal to ` : `greater than `}${issue.minimum}`;
      else if (issue.type === "date")
        message = `Date must be ${issue.exact ? `exactly equal to ` : issue.inclusive ? `greater than or equal to ` : `greater than `}${new Date(Number(issue.minimum))}`;
      else
        message = "Invalid input";
      break;
    case ZodIssueCode.too_big:
      if (issue.type === "array")
        message = `Array must contain ${issue.exact ? `exactly` : issue.inclusive ? `at most` : `less than`} ${issue.maximum} element(s)`;
      else if (issue.type === "string")
        message = `String must contain ${issue.exact ? `exactly` : issue.inclusive ? `at most` : `under`} ${issue.maximum} character(s)`;
      else if (issue.type === "number")
        message = `Number must be ${issue.exact ? `exactly` : issue.inclusive ? `less than or equal to` : `less than`} ${issue.maximum}`;
      else if (issue.type === "bigint")
        message = `BigInt must be ${issue.exact ? `exactly` : issue.inclusive ? `less than or equal to` : `less than`} ${issue.maximum}`;
      else if (issue.type === "date")
        message = `Date must be ${issue.exact ? `exactly` : issue.inclusive ? `smaller than or equal to` : `smaller than`} ${new Date(Number(issue.maximum))}`;
      else
        message = "Invalid input";
      break;
    case ZodIssueCode.custom:
      message = `Invalid input`;
      break;
    case ZodIssueCode.invalid_intersection_types:
      message = `Intersection results could not be merged`;
      break;
    case ZodIssueCode.not_multiple_of:
      message = `Number must be a multiple of ${issue.multipleOf}`;
      break;
    case ZodIssueCode.not_finite:
      message = "Number must be finite";
      break;
    default:
      message = _ctx.defaultError;
      util.assertNever(issue);
  }
  return { message };
};
var en_default = errorMap;

// node_modules/zod/v3/errors.js
var overrideErrorMap = en_default;
function setErrorMap(map) {
  overrideErrorMap = map;
}
function getErrorMap() {
  return overrideErrorMap;
}

// node_modules/zod/v3/helpers/parseUtil.js
var makeIssue = (params) => {
  const { data, path: path2, errorMaps, issueData } = params;
  const fullPath = [...path2, ...issueData.path || []];
  const fullIssue = {
    ...issueData,
    path: fullPath
  };
  if (issueData.message !== void 0) {
    return {
      ...issueData,
      path: fullPath,
      message: issueData.message
    };
  }
  let errorMessage = "";
  const maps = errorMaps.filter((m) => !!m).slice().reverse();
  for (const map of maps) {
    errorMessage = map(fullIssue, { data, defaultError: errorMessage }).message;
  }
  return {
    ...issueData,
    path: fullPath,
    message: errorMessage
  };
};
var EMPTY_PATH = [];
function addIssueToContext(ctx, issueData) {
  const overrideMap = getErrorMap();
  const issue = makeIssue({
    issueData,
    data: ctx.data,
    path: ctx.path,
    errorMaps: [
      ctx.common.contextualErrorMap,
      // contextual error map is first priority
      ctx.schemaErrorMap,
      // then schema-bound map if available
      overrideMap,
      // then global override map
      overrideMap === en_default ? void 0 : en_default
      // then global default map
    ].filter((x) => !!x)
  });
  ctx.common.issues.push(issue);
}
var ParseStatus = class _ParseStatus {
  constructor() {
    this.value = "valid";
  }
  dirty() {
    if (this.value === "valid")
      this.value = "dirty";
  }
  abort() {
    if (this.value !== "aborted")
      this.value = "aborted";
  }
  static mergeArray(status, results) {
    const arrayValue = [];
    for (const s of results) {
      if (s.status === "aborted")
        return INVALID;
      if (s.status === "dirty")
        status.dirty();
      arrayValue.push(s.value);
    }
    return { status: status.value, value: arrayValue };
  }
  static async mergeObjectAsync(status, pairs) {
    const syncPairs = [];
    for (const pair of pairs) {
      const key = await pair.key;
      const value = await pair.value;
      syncPairs.push({
        key,
        value
      });
    }
    return _ParseStatus.mergeObjectSync(status, syncPairs);
  }
  static mergeObjectSync(status, pairs) {
    const finalObject = {};
    for (const pair of pairs) {
      const { key, value } = pair;
      if (key.status === "aborted")
        return INVALID;
      if (value.status === "aborted")
        return INVALID;
      if (key.status === "dirty")
        status.dirty();
      if (value.status === "dirty")
        status.dirty();
      if (key.value !== "__proto__" && (typeof value.value !== "undefined" || pair.alwaysSet)) {
        finalObject[key.value] = value.value;
      }
    }
    return { status: status.value, value: finalObject };
  }
};
var INVALID = Object.freeze({
  status: "aborted"
});
var DIRTY = (value) => ({ status: "dirty", value });
var OK = (value) => ({ status: "valid", value });
var isAborted = (x) => x.status === "aborted";
var isDirty = (x) => x.status === "dirty";
var isValid = (x) => x.status === "valid";
var isAsync = (x) => typeof Promise !== "undefined" && x instanceof Promise;

// node_modules/zod/v3/helpers/errorUtil.js
var errorUtil;
(function(errorUtil2) {
  errorUtil2.errToObj = (message) => typeof message === "string" ? { message } : message || {};
  errorUtil2.toString = (message) => typeof message === "string" ? message : message?.message;
})(errorUtil || (errorUtil = {}));

// node_modules/zod/v3/types.js
var ParseInputLazyPath = class {
  constructor(parent, value, path2, key) {
    this._cachedPath = [];
    this.parent = parent;
    this.data = value;
    this._path = path2;
    this._key = key;
  }
  get path() {
    if (!this._cachedPath.length) {
      if (Array.isArray(this._key)) {
        this._cachedPath.push(...this._path, ...this._key);
      } else {
        this._cachedPath.push(...this._path, this._key);
      }
    }
    return this._cachedPath;
  }
};
var handleResult = (ctx, result) => {
  if (isValid(result)) {
    return { success: true, data: result.value };
  } else {
    if (!ctx.common.issues.length) {
      throw new Error("Validation failed but no issues detected.");
    }
    return {
      success: false,
      get error() {
        if (this._error)
          return this._error;
        const error = new ZodError(ctx.common.issues);
        this._error = error;
        return this._error;
      }
    };
  }
};
function processCreateParams(params) {
  if (!params)
    return {};
  const { errorMap: errorMap2, invalid_type_error, required_error, description } = params;
  if (errorMap2 && (invalid_type_error || required_error)) {
    throw new Error(`Can't use "invalid_type_error" or "required_error" in conjunction with custom error map.`);
  }
  if (errorMap2)
    return { errorMap: errorMap2, description };
  const customMap = (iss, ctx) => {
    const { message } = params;
    if (iss.code === "invalid_enum_value") {
      return { message: message ?? ctx.defaultError };
    }
    if (typeof ctx.data === "undefined") {
      return { message: message ?? required_error ?? ctx.defaultError };
    }
    if (iss.code !== "invalid_type")
      return { message: ctx.defaultError };
    return { message: message ?? invalid_type_error ?? ctx.defaultError };
  };
  return { errorMap: customMap, description };
}
var ZodType = class {
  get description() {
    return this._def.description;
  }
  _getType(input) {
    return getParsedType(input.data);
  }
  _getOrReturnCtx(input, ctx) {
    return ctx || {
      common: input.parent.common,
      data: input.data,
      parsedType: getParsedType(input.data),
      schemaErrorMap: this._def.errorMap,
      path: input.path,
      parent: input.parent
    };
  }
  _processInputParams(input) {
    return {
      status: new ParseStatus(),
      ctx: {
        common: input.parent.common,
        data: input.data,
        parsedType: getParsedType(input.data),
        schemaErrorMap: this._def.errorMap,
        path: input.path,
        parent: input.parent
      }
    };
  }
  _parseSync(input) {
    const result = this._parse(input);
    if (isAsync(result)) {
      throw new Error("Synchronous parse encountered promise.");
    }
    return result;
  }
  _parseAsync(input) {
    const result = this._parse(input);
    return Promise.resolve(result);
  }
  parse(data, params) {
    const result = this.safeParse(data, params);
    if (result.success)
      return result.data;
    throw result.error;
  }
  safeParse(data, params) {
    const ctx = {
      common: {
        issues: [],
        async: params?.async ?? false,
        contextualErrorMap: params?.errorMap
      },
      path: params?.path || [],
      schemaErrorMap: this._def.errorMap,
      parent: null,
      data,
      parsedType: getParsedType(data)
    };
    const result = this._parseSync({ data, path: ctx.path, parent: ctx });
    return handleResult(ctx, result);
  }
  "~validate"(data) {
    const ctx = {
      common: {
        issues: [],
        async: !!this["~standard"].async
      },
      path: [],
      schemaErrorMap: this._def.errorMap,
      parent: null,
      data,
      parsedType: getParsedType(data)
    };
    if (!this["~standard"].async) {
      try {
        const result = this._parseSync({ data, path: [], parent: ctx });
        return isValid(result) ? {
          value: result.value
        } : {
          issues: ctx.common.issues
        };
      } catch (err) {
        if (err?.message?.toLowerCase()?.includes("encountered")) {
          this["~standard"].async = true;
        }
        ctx.common = {
          issues: [],
          async: true
        };
      }
    }
    return this._parseAsync({ data, path: [], parent: ctx }).then((result) => isValid(result) ? {
      value: result.value
    } : {
      issues: ctx.common.issues
    });
  }
  async parseAsync(data, params) {
    const result = await this.safeParseAsync(data, params);
    if (result.success)
      return result.data;
    throw result.error;
  }
  async safeParseAsync(data, params) {
    const ctx = {
      common: {
        issues: [],
        contextualErrorMap: params?.errorMap,
        async: true
      },
      path: params?.path || [],
      schemaErrorMap: this._def.errorMap,
      parent: null,
      data,
      parsedType: getParsedType(data)
    };
    const maybeAsyncResult = this._parse({ data, path: ctx.path, parent: ctx });
    const result = await (isAsync(maybeAsyncResult) ? maybeAsyncResult : Promise.resolve(maybeAsyncResult));
    return handleResult(ctx, result);
  }
  refine(check, message) {
    const getIssueProperties = (val) => {
      if (typeof message === "string" || typeof message === "undefined") {
        return { message };
      } else if (typeof message === "function") {
        return message(val);
      } else {
        return message;
      }
    };
    return this._refinement((val, ctx) => {
      const result = check(val);
      const setError = () => ctx.addIssue({
        code: ZodIssueCode.custom,
        ...getIssueProperties(val)
      });
      if (typeof Promise !== "undefined" && result instanceof Promise) {
        return result.then((data) => {
          if (!data) {
            setError();
            return false;
          } else {
            return true;
          }
        });
      }
      if (!result) {
        setError();
        return false;
      } else {
        return true;
      }
    });
  }
  refinement(check, refinementData) {
    return this._refinement((val, ctx) => {
      if (!check(val)) {
        ctx.addIssue(typeof refinementData === "function" ? refinementData(val, ctx) : refinementData);
        return false;
      } else {
        return true;
      }
    });
  }
  _refinement(refinement) {
    return new ZodEffects({
      schema: this,
      typeName: ZodFirstPartyTypeKind.ZodEffects,
      effect: { type: "refinement", refinement }
    });
  }
  superRefine(refinement) {
    return this._refinement(refinement);
  }
  constructor(def) {
    this.spa = this.safeParseAsync;
    this._def = def;
    this.parse = this.parse.bind(this);
    this.safeParse = this.safeParse.bind(this);
    this.parseAsync = this.parseAsync.bind(this);
    this.safeParseAsync = this.safeParseAsync.bind(this);
    this.spa = this.spa.bind(this);
    this.refine = this.refine.bind(this);
    this.refinement = this.refinement.bind(this);
    this.superRefine = this.superRefine.bind(this);
    this.optional = this.optional.bind(this);
    this.nullable = this.nullable.bind(this);
    this.nullish = this.nullish.bind(this);
    this.array = this.array.bind(this);
    this.promise = this.promise.bind(this);
    this.or = this.or.bind(this);
    this.and = this.and.bind(this);
    this.transform = this.transform.bind(this);
    this.brand = this.brand.bind(this);
    this.default = this.default.bind(this);
    this.catch = this.catch.bind(this);
    this.describe = this.describe.bind(this);
    this.pipe = this.pipe.bind(this);
    this.readonly = this.readonly.bind(this);
    this.isNullable = this.isNullable.bind(this);
    this.isOptional = this.isOptional.bind(this);
    this["~standard"] = {
      version: 1,
      vendor: "zod",
      validate: (data) => this["~validate"](data)
    };
  }
  optional() {
    return ZodOptional.create(this, this._def);
  }
  nullable() {
    return ZodNullable.create(this, this._def);
  }
  nullish() {
    return this.nullable().optional();
  }
  array() {
    return ZodArray.create(this);
  }
  promise() {
    return ZodPromise.create(this, this._def);
  }
  or(option) {
    return ZodUnion.create([this, option], this._def);
  }
  and(incoming) {
    return ZodIntersection.create(this, incoming, this._def);
  }
  transform(transform) {
    return new ZodEffects({
      ...processCreateParams(this._def),
      schema: this,
      typeName: ZodFirstPartyTypeKind.ZodEffects,
      effect: { type: "transform", transform }
    });
  }
  default(def) {
    const defaultValueFunc = typeof def === "function" ? def : () => def;
    return new ZodDefault({
      ...processCreateParams(this._def),
      innerType: this,
      defaultValue: defaultValueFunc,
      typeName: ZodFirstPartyTypeKind.ZodDefault
    });
  }
  brand() {
    return new ZodBranded({
      typeName: ZodFirstPartyTypeKind.ZodBranded,
      type: this,
      ...processCreateParams(this._def)
    });
  }
  catch(def) {
    const catchValueFunc = typeof def === "function" ? def : () => def;
    return new ZodCatch({
      ...processCreateParams(this._def),
      innerType: this,
      catchValue: catchValueFunc,
      typeName: ZodFirstPartyTypeKind.ZodCatch
    });
  }
  describe(description) {
    const This = this.constructor;
    return new This({
      ...this._def,
      description
    });
  }
  pipe(target) {
    return ZodPipeline.create(this, target);
  }
  readonly() {
    return ZodReadonly.create(this);
  }
  isOptional() {
    return this.safeParse(void 0).success;
  }
  isNullable() {
    return this.safeParse(null).success;
  }
};
var cuidRegex = /^c[^\s-]{8,}$/i;
var cuid2Regex = /^[0-9a-z]+$/;
var ulidRegex = /^[0-9A-HJKMNP-TV-Z]{26}$/i;
var uuidRegex = /^[0-9a-fA-F]{8}\b-[0-9a-fA-F]{4}\b-[0-9a-fA-F]{4}\b-[0-9a-fA-F]{4}\b-[0-9a-fA-F]{12}$/i;
var nanoidRegex = /^[a-z0-9_-]{21}$/i;
var jwtRegex = /^[A-Za-z0-9-_]+\.[A-Za-z0-9-_]+\.[A-Za-z0-9-_]*$/;
var durationRegex = /^[-+]?P(?!$)(?:(?:[-+]?\d+Y)|(?:[-+]?\d+[.,]\d+Y$))?(?:(?:[-+]?\d+M)|(?:[-+]?\d+[.,]\d+M$))?(?:(?:[-+]?\d+W)|(?:[-+]?\d+[.,]\d+W$))?(?:(?:[-+]?\d+D)|(?:[-+]?\d+[.,]\d+D$))?(?:T(?=[\d+-])(?:(?:[-+]?\d+H)|(?:[-+]?\d+[.,]\d+H$))?(?:(?:[-+]?\d+M)|(?:[-+]?\d+[.,]\d+M$))?(?:[-+]?\d+(?:[.,]\d+)?S)?)??$/;
var emailRegex = /^(?!\.)(?!.*\.\.)([A-Z0-9_'+\-\.]*)[A-Z0-9_+-]@([A-Z0-9][A-Z0-9\-]*\.)+[A-Z]{2,}$/i;
var _emojiRegex = `^(\\p{Extended_Pictographic}|\\p{Emoji_Component})+$`;
var emojiRegex;
var ipv4Regex = /^(?:(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]|[0-9])\.){3}(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]|[0-9])$/;
var ipv4CidrRegex = /^(?:(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]|[0-9])\.){3}(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]|[0-9])\/(3[0-2]|[12]?[0-9])$/;
var ipv6Regex = /^(([0-9a-fA-F]{1,4}:){7,7}[0-9a-fA-F]{1,4}|([0-9a-fA-F]{1,4}:){1,7}:|([0-9a-fA-F]{1,4}:){1,6}:[0-9a-fA-F]{1,4}|([0-9a-fA-F]{1,4}:){1,5}(:[0-9a-fA-F]{1,4}){1,2}|([0-9a-fA-F]{1,4}:){1,4}(:[0-9a-fA-F]{1,4}){1,3}|([0-9a-fA-F]{1,4}:){1,3}(:[0-9a-fA-F]{1,4}){1,4}|([0-9a-fA-F]{1,4}:){1,2}(:[0-9a-fA-F]{1,4}){1,5}|[0-9a-fA-F]{1,4}:((:[0-9a-fA-F]{1,4}){1,6})|:((:[0-9a-fA-F]{1,4}){1,7}|:)|fe80:(:[0-9a-fA-F]{0,4}){0,4}%[0-9a-zA-Z]{1,}|::(ffff(:0{1,4}){0,1}:){0,1}((25[0-5]|(2[0-4]|1{0,1}[0-9]){0,1}[0-9])\.){3,3}(25[0-5]|(2[0-4]|1{0,1}[0-9]){0,1}[0-9])|([0-9a-fA-F]{1,4}:){1,4}:((25[0-5]|(2[0-4]|1{0,1}[0-9]){0,1}[0-9])\.){3,3}(25[0-5]|(2[0-4]|1{0,1}[0-9]){0,1}[0-9]))$/;
var ipv6CidrRegex = /^(([0-9a-fA-F]{1,4}:){7,7}[0-9a-fA-F]{1,4}|([0-9a-fA-F]{1,4}:){1,7}:|([0-9a-fA-F]{1,4}:){1,6}:[0-9a-fA-F]{1,4}|([0-9a-fA-F]{1,4}:){1,5}(:[0-9a-fA-F]{1,4}){1,2}|([0-9a-fA-F]{1,4}:){1,4}(:[0-9a-fA-F]{1,4}){1,3}|([0-9a-fA-F]{1,4}:){1,3}(:[0-9a-fA-F]{1,4}){1,4}|([0-9a-fA-F]{1,4}:){1,2}(:[0-9a-fA-F]{1,4}){1,5}|[0-9a-fA-F]{1,4}:((:[0-9a-fA-F]{1,4}){1,6})|:((:[0-9a-fA-F]{1,4}){1,7}|:)|fe80:(:[0-9a-fA-F]{0,4}){0,4}%[0-9a-zA-Z]{1,}|::(ffff(:0{1,4}){0,1}:){0,1}((25[0-5]|(2[0-4]|1{0,1}[0-9]){0,1}[0-9])\.){3,3}(25[0-5]|(2[0-4]|1{0,1}[0-9]){0,1}[0-9])|([0-9a-fA-F]{1,4}:){1,4}:((25[0-5]|(2[0-4]|1{0,1}[0-9]){0,1}[0-9])\.){3,3}(25[0-5]|(2[0-4]|1{0,1}[0-9]){0,1}[0-9]))\/(12[0-8]|1[01][0-9]|[1-9]?[0-9])$/;
var base64Regex = /^([0-9a-zA-Z+/]{4})*(([0-9a-zA-Z+/]{2}==)|([0-9a-zA-Z+/]{3}=))?$/;
var base64urlRegex = /^([0-9a-zA-Z-_]{4})*(([0-9a-zA-Z-_]{2}(==)?)|([0-9a-zA-Z-_]{3}(=)?))?$/;
var dateRegexSource = `((\\d\\d[2468][048]|\\d\\d[13579][26]|\\d\\d0[48]|[02468][048]00|[13579][26]00)-02-29|\\d{4}-((0[13578]|1[02])-(0[1-9]|[12]\\d|3[01])|(0[469]|11)-(0[1-9]|[12]\\d|30)|(02)-(0[1-9]|1\\d|2[0-8])))`;
var dateRegex = new RegExp(`^${dateRegexSource}$`);
function timeRegexSource(args) {
  let secondsRegexSource = `[0-5]\\d`;
  if (args.precision) {
    secondsRegexSource = `${secondsRegexSource}\\.\\d{${args.precision}}`;
  } else if (args.precision == null) {
    secondsRegexSource = `${secondsRegexSource}(\\.\\d+)?`;
  }
  const secondsQuantifier = args.precision ? "+" : "?";
  return `([01]\\d|2[0-3]):[0-5]\\d(:${secondsRegexSource})${secondsQuantifier}`;
}
function timeRegex(args) {
  return new RegExp(`^${timeRegexSource(args)}$`);
}
function datetimeRegex(args) {
  let regex = `${dateRegexSource}T${timeRegexSource(args)}`;
  const opts = [];
  opts.push(args.local ? `Z?` : `Z`);
  if (args.offset)
    opts.push(`([+-]\\d{2}:?\\d{2})`);
  regex = `${regex}(${opts.join("|")})`;
  return new RegExp(`^${regex}$`);
}
function isValidIP(ip, version) {
  if ((version === "v4" || !version) && ipv4Regex.test(ip)) {
    return true;
  }
  if ((version === "v6" || !version) && ipv6Regex.test(ip)) {
    return true;
  }
  return false;
}
function isValidJWT(jwt, alg) {
  if (!jwtRegex.test(jwt))
    return false;
  try {
    const [header] = jwt.split(".");
    if (!header)
      return false;
    const base64 = header.replace(/-/g, "+").replace(/_/g, "/").padEnd(header.length + (4 - header.length % 4) % 4, "=");
    const decoded = JSON.parse(atob(base64));
    if (typeof decoded !== "object" || decoded === null)
      return false;
    if ("typ" in decoded && decoded?.typ !== "JWT")
      return false;
    if (!decoded.alg)
      return false;
    if (alg && decoded.alg !== alg)
      return false;
    return true;
  } catch {
    return false;
  }
}
function isValidCidr(ip, version) {
  if ((version === "v4" || !version) && ipv4CidrRegex.test(ip)) {
    return true;
  }
  if ((version === "v6" || !version) && ipv6CidrRegex.test(ip)) {
    return true;
  }
  return false;
}
var ZodString = class _ZodString extends ZodType {
  _parse(input) {
    if (this._def.coerce) {
      input.data = String(input.data);
    }
    const parsedType = this._getType(input);
    if (parsedType !== ZodParsedType.string) {
      const ctx2 = this._getOrReturnCtx(input);
      addIssueToContext(ctx2, {
        code: ZodIssueCode.invalid_type,
        expected: ZodParsedType.string,
        received: ctx2.parsedType
      });
      return INVALID;
    }
    const status = new ParseStatus();
    let ctx = void 0;
    for (const check of this._def.checks) {
      if (check.kind === "min") {
        if (input.data.length < check.value) {
          ctx = this._getOrReturnCtx(input, ctx);
          addIssueToContext(ctx, {
            code: ZodIssueCode.too_small,
            minimum: check.value,
            type: "string",
            inclusive: true,
            exact: false,
            message: check.message
          });
          status.dirty();
        }
      } else if (check.kind === "max") {
        if (input.data.length > check.value) {
          ctx = this._getOrReturnCtx(input, ctx);
          addIssueToContext(ctx, {
            code: ZodIssueCode.too_big,
            maximum: check.value,
            type: "string",
            inclusive: true,
            exact: false,
            message: check.message
          });
          status.dirty();
        }
      } else if (check.kind === "length") {
        const tooBig = input.data.length > check.value;
        const tooSmall = input.data.length < check.value;
        if (tooBig || tooSmall) {
          ctx = this._getOrReturnCtx(input, ctx);
          if (tooBig) {
            addIssueToContext(ctx, {
              code: ZodIssueCode.too_big,
              maximum: check.value,
              type: "string",
              inclusive: true,
              exact: true,
              message: check.message
            });
          } else if (tooSmall) {
            addIssueToContext(ctx, {
              code: ZodIssueCode.too_small,
              minimum: check.value,
              type: "string",
              inclusive: true,
              exact: true,
              message: check.message
            });
          }
          status.dirty();
        }
      } else if (check.kind === "email") {
        if (!emailRegex.test(input.data)) {
          ctx = this._getOrReturnCtx(input, ctx);
          addIssueToContext(ctx, {
            validation: "email",
            code: ZodIssueCode.invalid_string,
            message: check.message
          });
          status.dirty();
        }
      } else if (check.kind === "emoji") {
        if (!emojiRegex) {
          emojiRegex = new RegExp(_emojiRegex, "u");
        }
        if (!emojiRegex.test(input.data)) {
          ctx = this._getOrReturnCtx(input, ctx);
          addIssueToContext(ctx, {
            validation: "emoji",
            code: ZodIssueCode.invalid_string,
            message: check.message
          });
          status.dirty();
        }
      } else if (check.kind === "uuid") {
        if (!uuidRegex.test(input.data)) {
          ctx = this._getOrReturnCtx(input, ctx);
          addIssueToContext(ctx, {
            validation: "uuid",
            code: ZodIssueCode.invalid_string,
            message: check.message
          });
          status.dirty();
        }
      } else if (check.kind === "nanoid") {
        if (!nanoidRegex.test(input.data)) {
          ctx = this._getOrReturnCtx(input, ctx);
          addIssueToContext(ctx, {
            validation: "nanoid",
            code: ZodIssueCode.invalid_string,
            message: check.message
          });
          status.dirty();
        }
      } else if (check.kind === "cuid") {
        if (!cuidRegex.test(input.data)) {
          ctx = this._getOrReturnCtx(input, ctx);
          addIssueToContext(ctx, {
            validation: "cuid",
            code: ZodIssueCode.invalid_string,
            message: check.message
          });
          status.dirty();
        }
      } else if (check.kind === "cuid2") {
        if (!cuid2Regex.test(input.data)) {
          ctx = this._getOrReturnCtx(input, ctx);
          addIssueToContext(ctx, {
            validation: "cuid2",
            code: ZodIssueCode.invalid_string,
            message: check.message
          });
          status.dirty();
        }
      } else if (check.kind === "ulid") {
        if (!ulidRegex.test(input.data)) {
          ctx = this._getOrReturnCtx(input, ctx);
          addIssueToContext(ctx, {
            validation: "ulid",
            code: ZodIssueCode.invalid_string,
            message: check.message
          });
          status.dirty();
        }
      } else if (check.kind === "url") {
        try {
          new URL(input.data);
        } catch {
          ctx = this._getOrReturnCtx(input, ctx);
          addIssueToContext(ctx, {
            validation: "url",
            code: ZodIssueCode.invalid_string,
            message: check.message
          });
          status.dirty();
        }
      } else if (check.kind === "regex") {
        check.regex.lastIndex = 0;
        const testResult = check.regex.test(input.data);
        if (!testResult) {
          ctx = this._getOrReturnCtx(input, ctx);
          addIssueToContext(ctx, {
            validation: "regex",
            code: ZodIssueCode.invalid_string,
            message: check.message
          });
          status.dirty();
        }
      } else if (check.kind === "trim") {
        input.data = input.data.trim();
      } else if (check.kind === "includes") {
        if (!input.data.includes(check.value, check.position)) {
          ctx = this._getOrReturnCtx(input, ctx);
          addIssueToContext(ctx, {
            code: ZodIssueCode.invalid_string,
            validation: { includes: check.value, position: check.position },
            message: check.message
          });
          status.dirty();
        }
      } else if (check.kind === "toLowerCase") {
        input.data = input.data.toLowerCase();
      } else if (check.kind === "toUpperCase") {
        input.data = input.data.toUpperCase();
      } else if (check.kind === "startsWith") {
        if (!input.data.startsWith(check.value)) {
          ctx = this._getOrReturnCtx(input, ctx);
          addIssueToContext(ctx, {
            code: ZodIssueCode.invalid_string,
            validation: { startsWith: check.value },
            message: check.message
          });
          status.dirty();
        }
      } else if (check.kind === "endsWith") {
        if (!input.data.endsWith(check.value)) {
          ctx = this._getOrReturnCtx(input, ctx);
          addIssueToContext(ctx, {
            code: ZodIssueCode.invalid_string,
            validation: { endsWith: check.value },
            message: check.message
          });
          status.dirty();
        }
      } else if (check.kind === "datetime") {
        const regex = datetimeRegex(check);
        if (!regex.test(input.data)) {
          ctx = this._getOrReturnCtx(input, ctx);
          addIssueToContext(ctx, {
            code: ZodIssueCode.invalid_string,
            validation: "datetime",
            message: check.message
          });
          status.dirty();
        }
      } else if (check.kind === "date") {
        const regex = dateRegex;
        if (!regex.test(input.data)) {
          ctx = this._getOrReturnCtx(input, ctx);
          addIssueToContext(ctx, {
            code: ZodIssueCode.invalid_string,
            validation: "date",
            message: check.message
          });
          status.dirty();
        }
      } else if (check.kind === "time") {
        const regex = timeRegex(check);
        if (!regex.test(input.data)) {
          ctx = this._getOrReturnCtx(input, ctx);
          addIssueToContext(ctx, {
            code: ZodIssueCode.invalid_string,
            validation: "time",
            message: check.message
          });
          status.dirty();
        }
      } else if (check.kind === "duration") {
        if (!durationRegex.test(input.data)) {
          ctx = this._getOrReturnCtx(input, ctx);
          addIssueToContext(ctx, {
            validation: "duration",
            code: ZodIssueCode.invalid_string,
            message: check.message
          });
          status.dirty();
        }
      } else if (check.kind === "ip") {
        if (!isValidIP(input.data, check.version)) {
          ctx = this._getOrReturnCtx(input, ctx);
          addIssueToContext(ctx, {
            validation: "ip",
            code: ZodIssueCode.invalid_string,
            message: check.message
          });
          status.dirty();
        }
      } else if (check.kind === "jwt") {
        if (!isValidJWT(input.data, check.alg)) {
          ctx = this._getOrReturnCtx(input, ctx);
          addIssueToContext(ctx, {
            validation: "jwt",
            code: ZodIssueCode.invalid_string,
            message: check.message
          });
          status.dirty();
        }
      } else if (check.kind === "cidr") {
        if (!isValidCidr(input.data, check.version)) {
          ctx = this._getOrReturnCtx(input, ctx);
          addIssueToContext(ctx, {
            validation: "cidr",
            code: ZodIssueCode.invalid_string,
            message: check.message
          });
          status.dirty();
        }
      } else if (check.kind === "base64") {
        if (!base64Regex.test(input.data)) {
          ctx = this._getOrReturnCtx(input, ctx);
          addIssueToContext(ctx, {
            validation: "base64",
            code: ZodIssueCode.invalid_string,
            message: check.message
          });
          status.dirty();
        }
      } else if (check.kind === "base64url") {
        if (!base64urlRegex.test(input.data)) {
          ctx = this._getOrReturnCtx(input, ctx);
          addIssueToContext(ctx, {
            validation: "base64url",
            code: ZodIssueCode.invalid_string,
            message: check.message
          });
          status.dirty();
        }
      } else {
        util.assertNever(check);
      }
    }
    return { status: status.value, value: input.data };
  }
  _regex(regex, validation, message) {
    return this.refinement((data) => regex.test(data), {
      validation,
      code: ZodIssueCode.invalid_string,
      ...errorUtil.errToObj(message)
    });
  }
  _addCheck(check) {
    return new _ZodString({
      ...this._def,
      checks: [...this._def.checks, check]
    });
  }
  email(message) {
    return this._addCheck({ kind: "email", ...errorUtil.errToObj(message) });
  }
  url(message) {
    return this._addCheck({ kind: "url", ...errorUtil.errToObj(message) });
  }
  emoji(message) {
    return this._addCheck({ kind: "emoji", ...errorUtil.errToObj(message) });
  }
  uuid(message) {
    return this._addCheck({ kind: "uuid", ...errorUtil.errToObj(message) });
  }
  nanoid(message) {
    return this._addCheck({ kind: "nanoid", ...errorUtil.errToObj(message) });
  }
  cuid(message) {
    return this._addCheck({ kind: "cuid", ...errorUtil.errToObj(message) });
  }
  cuid2(message) {
    return this._addCheck({ kind: "cuid2", ...errorUtil.errToObj(message) });
  }
  ulid(message) {
    return this._addCheck({ kind: "ulid", ...errorUtil.errToObj(message) });
  }
  base64(message) {
    return this._addCheck({ kind: "base64", ...errorUtil.errToObj(message) });
  }
  base64url(message) {
    return this._addCheck({
      kind: "base64url",
      ...errorUtil.errToObj(message)
    });
  }
  jwt(options) {
    return this._addCheck({ kind: "jwt", ...errorUtil.errToObj(options) });
  }
  ip(options) {
    return this._addCheck({ kind: "ip", ...errorUtil.errToObj(options) });
  }
  cidr(options) {
    return this._addCheck({ kind: "cidr", ...errorUtil.errToObj(options) });
  }
  datetime(options) {
    if (typeof options === "string") {
      return this._addCheck({
        kind: "datetime",
        precision: null,
        offset: false,
        local: false,
        message: options
      });
    }
    return this._addCheck({
      kind: "datetime",
      precision: typeof options?.precision === "undefined" ? null : options?.precision,
      offset: options?.offset ?? false,
      local: options?.local ?? false,
      ...errorUtil.errToObj(options?.message)
    });
  }
  date(message) {
    return this._addCheck({ kind: "date", message });
  }
  time(options) {
    if (typeof options === "string") {
      return this._addCheck({
        kind: "time",
        precision: null,
        message: options
      });
    }
    return this._addCheck({
      kind: "time",
      precision: typeof options?.precision === "undefined" ? null : options?.precision,
      ...errorUtil.errToObj(options?.message)
    });
  }
  duration(message) {
    return this._addCheck({ kind: "duration", ...errorUtil.errToObj(message) });
  }
  regex(regex, message) {
    return this._addCheck({
      kind: "regex",
      regex,
      ...errorUtil.errToObj(message)
    });
  }
  includes(value, options) {
    return this._addCheck({
      kind: "includes",
      value,
      position: options?.position,
      ...errorUtil.errToObj(options?.message)
    });
  }
  startsWith(value, message) {
    return this._addCheck({
      kind: "startsWith",
      value,
      ...errorUtil.errToObj(message)
    });
  }
  endsWith(value, message) {
    return this._addCheck({
      kind: "endsWith",
      value,
      ...errorUtil.errToObj(message)
    });
  }
  min(minLength, message) {
    return this._addCheck({
      kind: "min",
      value: minLength,
      ...errorUtil.errToObj(message)
    });
  }
  max(maxLength, message) {
    return this._addCheck({
      kind: "max",
      value: maxLength,
      ...errorUtil.errToObj(message)
    });
  }
  length(len, message) {
    return this._addCheck({
      kind: "length",
      value: len,
      ...errorUtil.errToObj(message)
    });
  }
  /**
   * Equivalent to `.min(1)`
   */
  nonempty(message) {
    return this.min(1, errorUtil.errToObj(message));
  }
  trim() {
    return new _ZodString({
      ...this._def,
      checks: [...this._def.checks, { kind: "trim" }]
    });
  }
  toLowerCase() {
    return new _ZodString({
      ...this._def,
      checks: [...this._def.checks, { kind: "toLowerCase" }]
    });
  }
  toUpperCase() {
    return new _ZodString({
      ...this._def,
      checks: [...this._def.checks, { kind: "toUpperCase" }]
    });
  }
  get isDatetime() {
    return !!this._def.checks.find((ch) => ch.kind === "datetime");
  }
  get isDate() {
    return !!this._def.checks.find((ch) => ch.kind === "date");
  }
  get isTime() {
    return !!this._def.checks.find((ch) => ch.kind === "time");
  }
  get isDuration() {
    return !!this._def.checks.find((ch) => ch.kind === "duration");
  }
  get isEmail() {
    return !!this._def.checks.find((ch) => ch.kind === "email");
  }
  get isURL() {
    return !!this._def.checks.find((ch) => ch.kind === "url");
  }
  get isEmoji() {
    return !!this._def.checks.find((ch) => ch.kind === "emoji");
  }
  get isUUID() {
    return !!this._def.checks.find((ch) => ch.kind === "uuid");
  }
  get isNANOID() {
    return !!this._def.checks.find((ch) => ch.kind === "nanoid");
  }
  get isCUID() {
    return !!this._def.checks.find((ch) => ch.kind === "cuid");
  }
  get isCUID2() {
    return !!this._def.checks.find((ch) => ch.kind === "cuid2");
  }
  get isULID() {
    return !!this._def.checks.find((ch) => ch.kind === "ulid");
  }
  get isIP() {
    return !!this._def.checks.find((ch) => ch.kind === "ip");
  }
  get isCIDR() {
    return !!this._def.checks.find((ch) => ch.kind === "cidr");
  }
  get isBase64() {
    return !!this._def.checks.find((ch) => ch.kind === "base64");
  }
  get isBase64url() {
    return !!this._def.checks.find((ch) => ch.kind === "base64url");
  }
  get minLength() {
    let min = null;
    for (const ch of this._def.checks) {
      if (ch.kind === "min") {
        if (min === null || ch.value > min)
          min = ch.value;
      }
    }
    return min;
  }
  get maxLength() {
    let max = null;
    for (const ch of this._def.checks) {
      if (ch.kind === "max") {
        if (max === null || ch.value < max)
          max = ch.value;
      }
    }
    return max;
  }
};
ZodString.create = (params) => {
  return new ZodString({
    checks: [],
    typeName: ZodFirstPartyTypeKind.ZodString,
    coerce: params?.coerce ?? false,
    ...processCreateParams(params)
  });
};
function floatSafeRemainder(val, step) {
  const valDecCount = (val.toString().split(".")[1] || "").length;
  const stepDecCount = (step.toString().split(".")[1] || "").length;
  const decCount = valDecCount > stepDecCount ? valDecCount : stepDecCount;
  const valInt = Number.parseInt(val.toFixed(decCount).replace(".", ""));
  const stepInt = Number.parseInt(step.toFixed(decCount).replace(".", ""));
  return valInt % stepInt / 10 ** decCount;
}
var ZodNumber = class _ZodNumber extends ZodType {
  constructor() {
    super(...arguments);
    this.min = this.gte;
    this.max = this.lte;
    this.step = this.multipleOf;
  }
  _parse(input) {
    if (this._def.coerce) {
      input.data = Number(input.data);
    }
    const parsedType = this._getType(input);
    if (parsedType !== ZodParsedType.number) {
      const ctx2 = this._getOrReturnCtx(input);
      addIssueToContext(ctx2, {
        code: ZodIssueCode.invalid_type,
        expected: ZodParsedType.number,
        received: ctx2.parsedType
      });
      return INVALID;
    }
    let ctx = void 0;
    const status = new ParseStatus();
    for (const check of this._def.checks) {
      if (check.kind === "int") {
        if (!util.isInteger(input.data)) {
          ctx = this._getOrReturnCtx(input, ctx);
          addIssueToContext(ctx, {
            code: ZodIssueCode.invalid_type,
            expected: "integer",
            received: "float",
            message: check.message
          });
          status.dirty();
        }
      } else if (check.kind === "min") {
        const tooSmall = check.inclusive ? input.data < check.value : input.data <= check.value;
        if (tooSmall) {
          ctx = this._getOrReturnCtx(input, ctx);
          addIssueToContext(ctx, {
            code: ZodIssueCode.too_small,
            minimum: check.value,
            type: "number",
            inclusive: check.inclusive,
            exact: false,
            message: check.message
          });
          status.dirty();
        }
      } else if (check.kind === "max") {
        const tooBig = check.inclusive ? input.data > check.value : input.data >= check.value;
        if (tooBig) {
          ctx = this._getOrReturnCtx(input, ctx);
          addIssueToContext(ctx, {
            code: ZodIssueCode.too_big,
            maximum: check.value,
            type: "number",
            inclusive: check.inclusive,
            exact: false,
            message: check.message
          });
          status.dirty();
        }
      } else if (check.kind === "multipleOf") {
        if (floatSafeRemainder(input.data, check.value) !== 0) {
          ctx = this._getOrReturnCtx(input, ctx);
          addIssueToContext(ctx, {
            code: ZodIssueCode.not_multiple_of,
            multipleOf: check.value,
            message: check.message
          });
          status.dirty();
        }
      } else if (check.kind === "finite") {
        if (!Number.isFinite(input.data)) {
          ctx = this._getOrReturnCtx(input, ctx);
          addIssueToContext(ctx, {
            code: ZodIssueCode.not_finite,
            message: check.message
          });
          status.dirty();
        }
      } else {
        util.assertNever(check);
      }
    }
    return { status: status.value, value: input.data };
  }
  gte(value, message) {
    return this.setLimit("min", value, true, errorUtil.toString(message));
  }
  gt(value, message) {
    return this.setLimit("min", value, false, errorUtil.toString(message));
  }
  lte(value, message) {
    return this.setLimit("max", value, true, errorUtil.toString(message));
  }
  lt(value, message) {
    return this.setLimit("max", value, false, errorUtil.toString(message));
  }
  setLimit(kind, value, inclusive, message) {
    return new _ZodNumber({
      ...this._def,
      checks: [
        ...this._def.checks,
        {
          kind,
          value,
          inclusive,
          message: errorUtil.toString(message)
        }
      ]
    });
  }
  _addCheck(check) {
    return new _ZodNumber({
      ...this._def,
      checks: [...this._def.checks, check]
    });
  }
  int(message) {
    return this._addCheck({
      kind: "int",
      message: errorUtil.toString(message)
    });
  }
  positive(message) {
    return this._addCheck({
      kind: "min",
      value: 0,
      inclusive: false,
      message: errorUtil.toString(message)
    });
  }
  negative(message) {
    return this._addCheck({
      kind: "max",
      value: 0,
      inclusive: false,
      message: errorUtil.toString(message)
    });
  }
  nonpositive(message) {
    return this._addCheck({
      kind: "max",
      value: 0,
      inclusive: true,
      message: errorUtil.toString(message)
    });
  }
  nonnegative(message) {
    return this._addCheck({
      kind: "min",
      value: 0,
      inclusive: true,
      message: errorUtil.toString(message)
    });
  }
  multipleOf(value, message) {
    return this._addCheck({
      kind: "multipleOf",
      value,
      message: errorUtil.toString(message)
    });
  }
  finite(message) {
    return this._addCheck({
      kind: "finite",
      message: errorUtil.toString(message)
    });
  }
  safe(message) {
    return this._addCheck({
      kind: "min",
      inclusive: true,
      value: Number.MIN_SAFE_INTEGER,
      message: errorUtil.toString(message)
    })._addCheck({
      kind: "max",
      inclusive: true,
      value: Number.MAX_SAFE_INTEGER,
      message: errorUtil.toString(message)
    });
  }
  get minValue() {
    let min = null;
    for (const ch of this._def.checks) {
      if (ch.kind === "min") {
        if (min === null || ch.value > min)
          min = ch.value;
      }
    }
    return min;
  }
  get maxValue() {
    let max = null;
    for (const ch of this._def.checks) {
      if (ch.kind === "max") {
        if (max === null || ch.value < max)
          max = ch.value;
      }
    }
    return max;
  }
  get isInt() {
    return !!this._def.checks.find((ch) => ch.kind === "int" || ch.kind === "multipleOf" && util.isInteger(ch.value));
  }
  get isFinite() {
    let max = null;
    let min = null;
    for (const ch of this._def.checks) {
      if (ch.kind === "finite" || ch.kind === "int" || ch.kind === "multipleOf") {
        return true;
      } else if (ch.kind === "min") {
        if (min === null || ch.value > min)
          min = ch.value;
      } else if (ch.kind === "max") {
        if (max === null || ch.value < max)
          max = ch.value;
      }
    }
    return Number.isFinite(min) && Number.isFinite(max);
  }
};
ZodNumber.create = (params) => {
  return new ZodNumber({
    checks: [],
    typeName: ZodFirstPartyTypeKind.ZodNumber,
    coerce: params?.coerce || false,
    ...processCreateParams(params)
  });
};
var ZodBigInt = class _ZodBigInt extends ZodType {
  constructor() {
    super(...arguments);
    this.min = this.gte;
    this.max = this.lte;
  }
  _parse(input) {
    if (this._def.coerce) {
      try {
        input.data = BigInt(input.data);
      } catch {
        return this._getInvalidInput(input);
      }
    }
    const parsedType = this._getType(input);
    if (parsedType !== ZodParsedType.bigint) {
      return this._getInvalidInput(input);
    }
    let ctx = void 0;
    const status = new ParseStatus();
    for (const check of this._def.checks) {
      if (check.kind === "min") {
        const tooSmall = check.inclusive ? input.data < check.value : input.data <= check.value;
        if (tooSmall) {
          ctx = this._getOrReturnCtx(input, ctx);
          addIssueToContext(ctx, {
            code: ZodIssueCode.too_small,
            type: "bigint",
            minimum: check.value,
            inclusive: check.inclusive,
            message: check.message
          });
          status.dirty();
        }
      } else if (check.kind === "max") {
        const tooBig = check.inclusive ? input.data > check.value : input.data >= check.value;
        if (tooBig) {
          ctx = this._getOrReturnCtx(input, ctx);
          addIssueToContext(ctx, {
            code: ZodIssueCode.too_big,
            type: "bigint",
            maximum: check.value,
            inclusive: check.inclusive,
            message: check.message
          });
          status.dirty();
        }
      } else if (check.kind === "multipleOf") {
        if (input.data % check.value !== BigInt(0)) {
          ctx = this._getOrReturnCtx(input, ctx);
          addIssueToContext(ctx, {
            code: ZodIssueCode.not_multiple_of,
            multipleOf: check.value,
            message: check.message
          });
          status.dirty();
        }
      } else {
        util.assertNever(check);
      }
    }
    return { status: status.value, value: input.data };
  }
  _getInvalidInput(input) {
    const ctx = this._getOrReturnCtx(input);
    addIssueToContext(ctx, {
      code: ZodIssueCode.invalid_type,
      expected: ZodParsedType.bigint,
      received: ctx.parsedType
    });
    return INVALID;
  }
  gte(value, message) {
    return this.setLimit("min", value, true, errorUtil.toString(message));
  }
  gt(value, message) {
    return this.setLimit("min", value, false, errorUtil.toString(message));
  }
  lte(value, message) {
    return this.setLimit("max", value, true, errorUtil.toString(message));
  }
  lt(value, message) {
    return this.setLimit("max", value, false, errorUtil.toString(message));
  }
  setLimit(kind, value, inclusive, message) {
    return new _ZodBigInt({
      ...this._def,
      checks: [
        ...this._def.checks,
        {
          kind,
          value,
          inclusive,
          message: errorUtil.toString(message)
        }
      ]
    });
  }
  _addCheck(check) {
    return new _ZodBigInt({
      ...this._def,
      checks: [...this._def.checks, check]
    });
  }
  positive(message) {
    return this._addCheck({
      kind: "min",
      value: BigInt(0),
      inclusive: false,
      message: errorUtil.toString(message)
    });
  }
  negative(message) {
    return this._addCheck({
      kind: "max",
      value: BigInt(0),
      inclusive: false,
      message: errorUtil.toString(message)
    });
  }
  nonpositive(message) {
    return this._addCheck({
      kind: "max",
      value: BigInt(0),
      inclusive: true,
      message: errorUtil.toString(message)
    });
  }
  nonnegative(message) {
    return this._addCheck({
      kind: "min",
      value: BigInt(0),
      inclusive: true,
      message: errorUtil.toString(message)
    });
  }
  multipleOf(value, message) {
    return this._addCheck({
      kind: "multipleOf",
      value,
      message: errorUtil.toString(message)
    });
  }
  get minValue() {
    let min = null;
    for (const ch of this._def.checks) {
      if (ch.kind === "min") {
        if (min === null || ch.value > min)
          min = ch.value;
      }
    }
    return min;
  }
  get maxValue() {
    let max = null;
    for (const ch of this._def.checks) {
      if (ch.kind === "max") {
        if (max === null || ch.value < max)
          max = ch.value;
      }
    }
    return max;
  }
};
ZodBigInt.create = (params) => {
  return new ZodBigInt({
    checks: [],
    typeName: ZodFirstPartyTypeKind.ZodBigInt,
    coerce: params?.coerce ?? false,
    ...processCreateParams(params)
  });
};
var ZodBoolean = class extends ZodType {
  _parse(input) {
    if (this._def.coerce) {
      input.data = Boolean(input.data);
    }
    const parsedType = this._getType(input);
    if (parsedType !== ZodParsedType.boolean) {
      const ctx = this._getOrReturnCtx(input);
      addIssueToContext(ctx, {
        code: ZodIssueCode.invalid_type,
        expected: ZodParsedType.boolean,
        received: ctx.parsedType
      });
      return INVALID;
    }
    return OK(input.data);
  }
};
ZodBoolean.create = (params) => {
  return new ZodBoolean({
    typeName: ZodFirstPartyTypeKind.ZodBoolean,
    coerce: params?.coerce || false,
    ...processCreateParams(params)
  });
};
var ZodDate = class _ZodDate extends ZodType {
  _parse(input) {
    if (this._def.coerce) {
      input.data = new Date(input.data);
    }
    const parsedType = this._getType(input);
    if (parsedType !== ZodParsedType.date) {
      const ctx2 = this._getOrReturnCtx(input);
      addIssueToContext(ctx2, {
        code: ZodIssueCode.invalid_type,
        expected: ZodParsedType.date,
        received: ctx2.parsedType
      });
      return INVALID;
    }
    if (Number.isNaN(input.data.getTime())) {
      const ctx2 = this._getOrReturnCtx(input);
      addIssueToContext(ctx2, {
        code: ZodIssueCode.invalid_date
      });
      return INVALID;
    }
    const status = new ParseStatus();
    let ctx = void 0;
    for (const check of this._def.checks) {
      if (check.kind === "min") {
        if (input.data.getTime() < check.value) {
          ctx = this._getOrReturnCtx(input, ctx);
          addIssueToContext(ctx, {
            code: ZodIssueCode.too_small,
            message: check.message,
            inclusive: true,
            exact: false,
            minimum: check.value,
            type: "date"
          });
          status.dirty();
        }
      } else if (check.kind === "max") {
        if (input.data.getTime() > check.value) {
          ctx = this._getOrReturnCtx(input, ctx);
          addIssueToContext(ctx, {
            code: ZodIssueCode.too_big,
            message: check.message,
            inclusive: true,
            exact: false,
            maximum: check.value,
            type: "date"
          });
          status.dirty();
        }
      } else {
        util.assertNever(check);
      }
    }
    return {
      status: status.value,
      value: new Date(input.data.getTime())
    };
  }
  _addCheck(check) {
    return new _ZodDate({
      ...this._def,
      checks: [...this._def.checks, check]
    });
  }
  min(minDate, message) {
    return this._addCheck({
      kind: "min",
      value: minDate.getTime(),
      message: errorUtil.toString(message)
    });
  }
  max(maxDate, message) {
    return this._addCheck({
      kind: "max",
      value: maxDate.getTime(),
      message: errorUtil.toString(message)
    });
  }
  get minDate() {
    let min = null;
    for (const ch of this._def.checks) {
      if (ch.kind === "min") {
        if (min === null || ch.value > min)
          min = ch.value;
      }
    }
    return min != null ? new Date(min) : null;
  }
  get maxDate() {
    let max = null;
    for (const ch of this._def.checks) {
      if (ch.kind === "max") {
        if (max === null || ch.value < max)
          max = ch.value;
      }
    }
    return max != null ? new Date(max) : null;
  }
};
ZodDate.create = (params) => {
  return new ZodDate({
    checks: [],
    coerce: params?.coerce || false,
    typeName: ZodFirstPartyTypeKind.ZodDate,
    ...processCreateParams(params)
  });
};
var ZodSymbol = class extends ZodType {
  _parse(input) {
    const parsedType = this._getType(input);
    if (parsedType !== ZodParsedType.symbol) {
      const ctx = this._getOrReturnCtx(input);
      addIssueToContext(ctx, {
        code: ZodIssueCode.invalid_type,
        expected: ZodParsedType.symbol,
        received: ctx.parsedType
      });
      return INVALID;
    }
    return OK(input.data);
  }
};
ZodSymbol.create = (params) => {
  return new ZodSymbol({
    typeName: ZodFirstPartyTypeKind.ZodSymbol,
    ...processCreateParams(params)
  });
};
var ZodUndefined = class extends ZodType {
  _parse(input) {
    const parsedType = this._getType(input);
    if (parsedType !== ZodParsedType.undefined) {
      const ctx = this._getOrReturnCtx(input);
      addIssueToContext(ctx, {
        code: ZodIssueCode.invalid_type,
        expected: ZodParsedType.undefined,
        received: ctx.parsedType
      });
      return INVALID;
    }
    return OK(input.data);
  }
};
ZodUndefined.create = (params) => {
  return new ZodUndefined({
    typeName: ZodFirstPartyTypeKind.ZodUndefined,
    ...processCreateParams(params)
  });
};
var ZodNull = class extends ZodType {
  _parse(input) {
    const parsedType = this._getType(input);
    if (parsedType !== ZodParsedType.null) {
      const ctx = this._getOrReturnCtx(input);
      addIssueToContext(ctx, {
        code: ZodIssueCode.invalid_type,
        expected: ZodParsedType.null,
        received: ctx.parsedType
      });
      return INVALID;
    }
    return OK(input.data);
  }
};
ZodNull.create = (params) => {
  return new ZodNull({
    typeName: ZodFirstPartyTypeKind.ZodNull,
    ...processCreateParams(params)
  });
};
var ZodAny = class extends ZodType {
  constructor() {
    super(...arguments);
    this._any = true;
  }
  _parse(input) {
    return OK(input.data);
  }
};
ZodAny.create = (params) => {
  return new ZodAny({
    typeName: ZodFirstPartyTypeKind.ZodAny,
    ...processCreateParams(params)
  });
};
var ZodUnknown = class extends ZodType {
  constructor() {
    super(...arguments);
    this._unknown = true;
  }
  _parse(input) {
    return OK(input.data);
  }
};
ZodUnknown.create = (params) => {
  return new ZodUnknown({
    typeName: ZodFirstPartyTypeKind.ZodUnknown,
    ...processCreateParams(params)
  });
};
var ZodNever = class extends ZodType {
  _parse(input) {
    const ctx = this._getOrReturnCtx(input);
    addIssueToContext(ctx, {
      code: ZodIssueCode.invalid_type,
      expected: ZodParsedType.never,
      received: ctx.parsedType
    });
    return INVALID;
  }
};
ZodNever.create = (params) => {
  return new ZodNever({
    typeName: ZodFirstPartyTypeKind.ZodNever,
    ...processCreateParams(params)
  });
};
var ZodVoid = class extends ZodType {
  _parse(input) {
    const parsedType = this._getType(input);
    if (parsedType !== ZodParsedType.undefined) {
      const ctx = this._getOrReturnCtx(input);
      addIssueToContext(ctx, {
        code: ZodIssueCode.invalid_type,
        expected: ZodParsedType.void,
        received: ctx.parsedType
      });
      return INVALID;
    }
    return OK(input.data);
  }
};
ZodVoid.create = (params) => {
  return new ZodVoid({
    typeName: ZodFirstPartyTypeKind.ZodVoid,
    ...processCreateParams(params)
  });
};
var ZodArray = class _ZodArray extends ZodType {
  _parse(input) {
    const { ctx, status } = this._processInputParams(input);
    const def = this._def;
    if (ctx.parsedType !== ZodParsedType.array) {
      addIssueToContext(ctx, {
        code: ZodIssueCode.invalid_type,
        expected: ZodParsedType.array,
        received: ctx.parsedType
      });
      return INVALID;
    }
    if (def.exactLength !== null) {
      const tooBig = ctx.data.length > def.exactLength.value;
      const tooSmall = ctx.data.length < def.exactLength.value;
      if (tooBig || tooSmall) {
        addIssueToContext(ctx, {
          code: tooBig ? ZodIssueCode.too_big : ZodIssueCode.too_small,
          minimum: tooSmall ? def.exactLength.value : void 0,
          maximum: tooBig ? def.exactLength.value : void 0,
          type: "array",
          inclusive: true,
          exact: true,
          message: def.exactLength.message
        });
        status.dirty();
      }
    }
    if (def.minLength !== null) {
      if (ctx.data.length < def.minLength.value) {
        addIssueToContext(ctx, {
          code: ZodIssueCode.too_small,
          minimum: def.minLength.value,
          type: "array",
          inclusive: true,
          exact: false,
          message: def.minLength.message
        });
        status.dirty();
      }
    }
    if (def.maxLength !== null) {
      if (ctx.data.length > def.maxLength.value) {
        addIssueToContext(ctx, {
          code: ZodIssueCode.too_big,
          maximum: def.maxLength.value,
          type: "array",
          inclusive: true,
          exact: false,
          message: def.maxLength.message
        });
        status.dirty();
      }
    }
    if (ctx.common.async) {
      return Promise.all([...ctx.data].map((item, i) => {
        return def.type._parseAsync(new ParseInputLazyPath(ctx, item, ctx.path, i));
      })).then((result2) => {
        return ParseStatus.mergeArray(status, result2);
      });
    }
    const result = [...ctx.data].map((item, i) => {
      return def.type._parseSync(new ParseInputLazyPath(ctx, item, ctx.path, i));
    });
    return ParseStatus.mergeArray(status, result);
  }
  get element() {
    return this._def.type;
  }
  min(minLength, message) {
    return new _ZodArray({
      ...this._def,
      minLength: { value: minLength, message: errorUtil.toString(message) }
    });
  }
  max(maxLength, message) {
    return new _ZodArray({
      ...this._def,
      maxLength: { value: maxLength, message: errorUtil.toString(message) }
    });
  }
  length(len, message) {
    return new _ZodArray({
      ...this._def,
      exactLength: { value: len, message: errorUtil.toString(message) }
    });
  }
  nonempty(message) {
    return this.min(1, message);
  }
};
ZodArray.create = (schema, params) => {
  return new ZodArray({
    type: schema,
    minLength: null,
    maxLength: null,
    exactLength: null,
    typeName: ZodFirstPartyTypeKind.ZodArray,
    ...processCreateParams(params)
  });
};
function deepPartialify(schema) {
  if (schema instanceof ZodObject) {
    const newShape = {};
    for (const key in schema.shape) {
      const fieldSchema = schema.shape[key];
      newShape[key] = ZodOptional.create(deepPartialify(fieldSchema));
    }
    return new ZodObject({
      ...schema._def,
      shape: () => newShape
    });
  } else if (schema instanceof ZodArray) {
    return new ZodArray({
      ...schema._def,
      type: deepPartialify(schema.element)
    });
  } else if (schema instanceof ZodOptional) {
    return ZodOptional.create(deepPartialify(schema.unwrap()));
  } else if (schema instanceof ZodNullable) {
    return ZodNullable.create(deepPartialify(schema.unwrap()));
  } else if (schema instanceof ZodTuple) {
    return ZodTuple.create(schema.items.map((item) => deepPartialify(item)));
  } else {
    return schema;
  }
}
var ZodObject = class _ZodObject extends ZodType {
  constructor() {
    super(...arguments);
    this._cached = null;
    this.nonstrict = this.passthrough;
    this.augment = this.extend;
  }
  _getCached() {
    if (this._cached !== null)
      return this._cached;
    const shape = this._def.shape();
    const keys = util.objectKeys(shape);
    this._cached = { shape, keys };
    return this._cached;
  }
  _parse(input) {
    const parsedType = this._getType(input);
    if (parsedType !== ZodParsedType.object) {
      const ctx2 = this._getOrReturnCtx(input);
      addIssueToContext(ctx2, {
        code: ZodIssueCode.invalid_type,
        expected: ZodParsedType.object,
        received: ctx2.parsedType
      });
      return INVALID;
    }
    const { status, ctx } = this._processInputParams(input);
    const { shape, keys: shapeKeys } = this._getCached();
    const extraKeys = [];
    if (!(this._def.catchall instanceof ZodNever && this._def.unknownKeys === "strip")) {
      for (const key in ctx.data) {
        if (!shapeKeys.includes(key)) {
          extraKeys.push(key);
        }
      }
    }
    const pairs = [];
    for (const key of shapeKeys) {
      const keyValidator = shape[key];
      const value = ctx.data[key];
      pairs.push({
        key: { status: "valid", value: key },
        value: keyValidator._parse(new ParseInputLazyPath(ctx, value, ctx.path, key)),
        alwaysSet: key in ctx.data
      });
    }
    if (this._def.catchall instanceof ZodNever) {
      const unknownKeys = this._def.unknownKeys;
      if (unknownKeys === "passthrough") {
        for (const key of extraKeys) {
          pairs.push({
            key: { status: "valid", value: key },
            value: { status: "valid", value: ctx.data[key] }
          });
        }
      } else if (unknownKeys === "strict") {
        if (extraKeys.length > 0) {
          addIssueToContext(ctx, {
            code: ZodIssueCode.unrecognized_keys,
            keys: extraKeys
          });
          status.dirty();
        }
      } else if (unknownKeys === "strip") {
      } else {
        throw new Error(`Internal ZodObject error: invalid unknownKeys value.`);
      }
    } else {
      const catchall = this._def.catchall;
      for (const key of extraKeys) {
        const value = ctx.data[key];
        pairs.push({
          key: { status: "valid", value: key },
          value: catchall._parse(
            new ParseInputLazyPath(ctx, value, ctx.path, key)
            //, ctx.child(key), value, getParsedType(value)
          ),
          alwaysSet: key in ctx.data
        });
      }
    }
    if (ctx.common.async) {
      return Promise.resolve().then(async () => {
        const syncPairs = [];
        for (const pair of pairs) {
          const key = await pair.key;
          const value = await pair.value;
          syncPairs.push({
            key,
            value,
            alwaysSet: pair.alwaysSet
          });
        }
        return syncPairs;
      }).then((syncPairs) => {
        return ParseStatus.mergeObjectSync(status, syncPairs);
      });
    } else {
      return ParseStatus.mergeObjectSync(status, pairs);
    }
  }
  get shape() {
    return this._def.shape();
  }
  strict(message) {
    errorUtil.errToObj;
    return new _ZodObject({
      ...this._def,
      unknownKeys: "strict",
      ...message !== void 0 ? {
        errorMap: (issue, ctx) => {
          const defaultError = this._def.errorMap?.(issue, ctx).message ?? ctx.defaultError;
          if (issue.code === "unrecognized_keys")
            return {
              message: errorUtil.errToObj(message).message ?? defaultError
            };
          return {
            message: defaultError
          };
        }
      } : {}
    });
  }
  strip() {
    return new _ZodObject({
      ...this._def,
      unknownKeys: "strip"
    });
  }
  passthrough() {
    return new _ZodObject({
      ...this._def,
      unknownKeys: "passthrough"
    });
  }
  // const AugmentFactory =
  //   <Def extends ZodObjectDef>(def: Def) =>
  //   <Augmentation extends ZodRawShape>(
  //     augmentation: Augmentation
  //   ): ZodObject<
  //     extendShape<ReturnType<Def["shape"]>, Augmentation>,
  //     Def["unknownKeys"],
  //     Def["catchall"]
  //   > => {
  //     return new ZodObject({
  //       ...def,
  //       shape: () => ({
  //         ...def.shape(),
  //         ...augmentation,
  //       }),
  //     }) as any;
  //   };
  extend(augmentation) {
    return new _ZodObject({
      ...this._def,
      shape: () => ({
        ...this._def.shape(),
        ...augmentation
      })
    });
  }
  /**
   * Prior to zod@1.0.12 there was a bug in the
   * inferred type of merged objects. Please
   * upgrade if you are experiencing issues.
   */
  merge(merging) {
    const merged = new _ZodObject({
      unknownKeys: merging._def.unknownKeys,
      catchall: merging._def.catchall,
      shape: () => ({
        ...this._def.shape(),
        ...merging._def.shape()
      }),
      typeName: ZodFirstPartyTypeKind.ZodObject
    });
    return merged;
  }
  // merge<
  //   Incoming extends AnyZodObject,
  //   Augmentation extends Incoming["shape"],
  //   NewOutput extends {
  //     [k in keyof Augmentation | keyof Output]: k extends keyof Augmentation
  //       ? Augmentation[k]["_output"]
  //       : k extends keyof Output
  //       ? Output[k]
  //       : never;
  //   },
  //   NewInput extends {
  //     [k in keyof Augmentation | keyof Input]: k extends keyof Augmentation
  //       ? Augmentation[k]["_input"]
  //       : k extends keyof Input
  //       ? Input[k]
  //       : never;
  //   }
  // >(
  //   merging: Incoming
  // ): ZodObject<
  //   extendShape<T, ReturnType<Incoming["_def"]["shape"]>>,
  //   Incoming["_def"]["unknownKeys"],
  //   Incoming["_def"]["catchall"],
  //   NewOutput,
  //   NewInput
  // > {
  //   const merged: any = new ZodObject({
  //     unknownKeys: merging._def.unknownKeys,
  //     catchall: merging._def.catchall,
  //     shape: () =>
  //       objectUtil.mergeShapes(this._def.shape(), merging._def.shape()),
  //     typeName: ZodFirstPartyTypeKind.ZodObject,
  //   }) as any;
  //   return merged;
  // }
  setKey(key, schema) {
    return this.augment({ [key]: schema });
  }
  // merge<Incoming extends AnyZodObject>(
  //   merging: Incoming
  // ): //ZodObject<T & Incoming["_shape"], UnknownKeys, Catchall> = (merging) => {
  // ZodObject<
  //   extendShape<T, ReturnType<Incoming["_def"]["shape"]>>,
  //   Incoming["_def"]["unknownKeys"],
  //   Incoming["_def"]["catchall"]
  // > {
  //   // const mergedShape = objectUtil.mergeShapes(
  //   //   this._def.shape(),
  //   //   merging._def.shape()
  //   // );
  //   const merged: any = new ZodObject({
  //     unknownKeys: merging._def.unknownKeys,
  //     catchall: merging._def.catchall,
  //     shape: () =>
  //       objectUtil.mergeShapes(this._def.shape(), merging._def.shape()),
  //     typeName: ZodFirstPartyTypeKind.ZodObject,
  //   }) as any;
  //   return merged;
  // }
  catchall(index) {
    return new _ZodObject({
      ...this._def,
      catchall: index
    });
  }
  pick(mask) {
    const shape = {};
    for (const key of util.objectKeys(mask)) {
      if (mask[key] && this.shape[key]) {
        shape[key] = this.shape[key];
      }
    }
    return new _ZodObject({
      ...this._def,
      shape: () => shape
    });
  }
  omit(mask) {
    const shape = {};
    for (const key of util.objectKeys(this.shape)) {
      if (!mask[key]) {
        shape[key] = this.shape[key];
      }
    }
    return new _ZodObject({
      ...this._def,
      shape: () => shape
    });
  }
  /**
   * @deprecated
   */
  deepPartial() {
    return deepPartialify(this);
  }
  partial(mask) {
    const newShape = {};
    for (const key of util.objectKeys(this.shape)) {
      const fieldSchema = this.shape[key];
      if (mask && !mask[key]) {
        newShape[key] = fieldSchema;
      } else {
        newShape[key] = fieldSchema.optional();
      }
    }
    return new _ZodObject({
      ...this._def,
      shape: () => newShape
    });
  }
  required(mask) {
    const newShape = {};
    for (const key of util.objectKeys(this.shape)) {
      if (mask && !mask[key]) {
        newShape[key] = this.shape[key];
      } else {
        const fieldSchema = this.shape[key];
        let newField = fieldSchema;
        while (newField instanceof ZodOptional) {
          newField = newField._def.innerType;
        }
        newShape[key] = newField;
      }
    }
    return new _ZodObject({
      ...this._def,
      shape: () => newShape
    });
  }
  keyof() {
    return createZodEnum(util.objectKeys(this.shape));
  }
};
ZodObject.create = (shape, params) => {
  return new ZodObject({
    shape: () => shape,
    unknownKeys: "strip",
    catchall: ZodNever.create(),
    typeName: ZodFirstPartyTypeKind.ZodObject,
    ...processCreateParams(params)
  });
};
ZodObject.strictCreate = (shape, params) => {
  return new ZodObject({
    shape: () => shape,
    unknownKeys: "strict",
    catchall: ZodNever.create(),
    typeName: ZodFirstPartyTypeKind.ZodObject,
    ...processCreateParams(params)
  });
};
ZodObject.lazycreate = (shape, params) => {
  return new ZodObject({
    shape,
    unknownKeys: "strip",
    catchall: ZodNever.create(),
    typeName: ZodFirstPartyTypeKind.ZodObject,
    ...processCreateParams(params)
  });
};
var ZodUnion = class extends ZodType {
  _parse(input) {
    const { ctx } = this._processInputParams(input);
    const options = this._def.options;
    function handleResults(results) {
      for (const result of results) {
        if (result.result.status === "valid") {
          return result.result;
        }
      }
      for (const result of results) {
        if (result.result.status === "dirty") {
          ctx.common.issues.push(...result.ctx.common.issues);
          return result.result;
        }
      }
      const unionErrors = results.map((result) => new ZodError(result.ctx.common.issues));
      addIssueToContext(ctx, {
        code: ZodIssueCode.invalid_union,
        unionErrors
      });
      return INVALID;
    }
    if (ctx.common.async) {
      return Promise.all(options.map(async (option) => {
        const childCtx = {
          ...ctx,
          common: {
            ...ctx.common,
            issues: []
          },
          parent: null
        };
        return {
          result: await option._parseAsync({
            data: ctx.data,
            path: ctx.path,
            parent: childCtx
          }),
          ctx: childCtx
        };
      })).then(handleResults);
    } else {
      let dirty = void 0;
      const issues = [];
      for (const option of options) {
        const childCtx = {
          ...ctx,
          common: {
            ...ctx.common,
            issues: []
          },
          parent: null
        };
        const result = option._parseSync({
          data: ctx.data,
          path: ctx.path,
          parent: childCtx
        });
        if (result.status === "valid") {
          return result;
        } else if (result.status === "dirty" && !dirty) {
          dirty = { result, ctx: childCtx };
        }
        if (childCtx.common.issues.length) {
          issues.push(childCtx.common.issues);
        }
      }
      if (dirty) {
        ctx.common.issues.push(...dirty.ctx.common.issues);
        return dirty.result;
      }
      const unionErrors = issues.map((issues2) => new ZodError(issues2));
      addIssueToContext(ctx, {
        code: ZodIssueCode.invalid_union,
        unionErrors
      });
      return INVALID;
    }
  }
  get options() {
    return this._def.options;
  }
};
ZodUnion.create = (types, params) => {
  return new ZodUnion({
    options: types,
    typeName: ZodFirstPartyTypeKind.ZodUnion,
    ...processCreateParams(params)
  });
};
var getDiscriminator = (type) => {
  if (type instanceof ZodLazy) {
    return getDiscriminator(type.schema);
  } else if (type instanceof ZodEffects) {
    return getDiscriminator(type.innerType());
  } else if (type instanceof ZodLiteral) {
    return [type.value];
  } else if (type instanceof ZodEnum) {
    return type.options;
  } else if (type instanceof ZodNativeEnum) {
    return util.objectValues(type.enum);
  } else if (type instanceof ZodDefault) {
    return getDiscriminator(type._def.innerType);
  } else if (type instanceof ZodUndefined) {
    return [void 0];
  } else if (type instanceof ZodNull) {
    return [null];
  } else if (type instanceof ZodOptional) {
    return [void 0, ...getDiscriminator(type.unwrap())];
  } else if (type instanceof ZodNullable) {
    return [null, ...getDiscriminator(type.unwrap())];
  } else if (type instanceof ZodBranded) {
    return getDiscriminator(type.unwrap());
  } else if (type instanceof ZodReadonly) {
    return getDiscriminator(type.unwrap());
  } else if (type instanceof ZodCatch) {
    return getDiscriminator(type._def.innerType);
  } else {
    return [];
  }
};
var ZodDiscriminatedUnion = class _ZodDiscriminatedUnion extends ZodType {
  _parse(input) {
    const { ctx } = this._processInputParams(input);
    if (ctx.parsedType !== ZodParsedType.object) {
      addIssueToContext(ctx, {
        code: ZodIssueCode.invalid_type,
        expected: ZodParsedType.object,
        received: ctx.parsedType
      });
      return INVALID;
    }
    const discriminator = this.discriminator;
    const discriminatorValue = ctx.data[discriminator];
    const option = this.optionsMap.get(discriminatorValue);
    if (!option) {
      addIssueToContext(ctx, {
        code: ZodIssueCode.invalid_union_discriminator,
        options: Array.from(this.optionsMap.keys()),
        path: [discriminator]
      });
      return INVALID;
    }
    if (ctx.common.async) {
      return option._parseAsync({
        data: ctx.data,
        path: ctx.path,
        parent: ctx
      });
    } else {
      return option._parseSync({
        data: ctx.data,
        path: ctx.path,
        parent: ctx
      });
    }
  }
  get discriminator() {
    return this._def.discriminator;
  }
  get options() {
    return this._def.options;
  }
  get optionsMap() {
    return this._def.optionsMap;
  }
  /**
   * The constructor of the discriminated union schema. Its behaviour is very similar to that of the normal z.union() constructor.
   * However, it only allows a union of objects, all of which need to share a discriminator property. This property must
   * have a different value for each object in the union.
   * @param discriminator the name of the discriminator property
   * @param types an array of object schemas
   * @param params
   */
  static create(discriminator, options, params) {
    const optionsMap = /* @__PURE__ */ new Map();
    for (const type of options) {
      const discriminatorValues = getDiscriminator(type.shape[discriminator]);
      if (!discriminatorValues.length) {
        throw new Error(`A discriminator value for key \`${discriminator}\` could not be extracted from all schema options`);
      }
      for (const value of discriminatorValues) {
        if (optionsMap.has(value)) {
          throw new Error(`Discriminator property ${String(discriminator)} has duplicate value ${String(value)}`);
        }
        optionsMap.set(value, type);
      }
    }
    return new _ZodDiscriminatedUnion({
      typeName: ZodFirstPartyTypeKind.ZodDiscriminatedUnion,
      discriminator,
      options,
      optionsMap,
      ...processCreateParams(params)
    });
  }
};
function mergeValues(a, b) {
  const aType = getParsedType(a);
  const bType = getParsedType(b);
  if (a === b) {
    return { valid: true, data: a };
  } else if (aType === ZodParsedType.object && bType === ZodParsedType.object) {
    const bKeys = util.objectKeys(b);
    const sharedKeys = util.objectKeys(a).filter((key) => bKeys.indexOf(key) !== -1);
    const newObj = { ...a, ...b };
    for (const key of sharedKeys) {
      const sharedValue = mergeValues(a[key], b[key]);
      if (!sharedValue.valid) {
        return { valid: false };
      }
      newObj[key] = sharedValue.data;
    }
    return { valid: true, data: newObj };
  } else if (aType === ZodParsedType.array && bType === ZodParsedType.array) {
    if (a.length !== b.length) {
      return { valid: false };
    }
    const newArray = [];
    for (let index = 0; index < a.length; index++) {
      const itemA = a[index];
      const itemB = b[index];
      const sharedValue = mergeValues(itemA, itemB);
      if (!sharedValue.valid) {
        return { valid: false };
      }
      newArray.push(sharedValue.data);
    }
    return { valid: true, data: newArray };
  } else if (aType === ZodParsedType.date && bType === ZodParsedType.date && +a === +b) {
    return { valid: true, data: a };
  } else {
    return { valid: false };
  }
}
var ZodIntersection = class extends ZodType {
  _parse(input) {
    const { status, ctx } = this._processInputParams(input);
    const handleParsed = (parsedLeft, parsedRight) => {
      if (isAborted(parsedLeft) || isAborted(parsedRight)) {
        return INVALID;
      }
      const merged = mergeValues(parsedLeft.value, parsedRight.value);
      if (!merged.valid) {
        addIssueToContext(ctx, {
          code: ZodIssueCode.invalid_intersection_types
        });
        return INVALID;
      }
      if (isDirty(parsedLeft) || isDirty(parsedRight)) {
        status.dirty();
      }
      return { status: status.value, value: merged.data };
    };
    if (ctx.common.async) {
      return Promise.all([
        this._def.left._parseAsync({
          data: ctx.data,
          path: ctx.path,
          parent: ctx
        }),
        this._def.right._parseAsync({
          data: ctx.data,
          path: ctx.path,
          parent: ctx
        })
      ]).then(([left, right]) => handleParsed(left, right));
    } else {
      return handleParsed(this._def.left._parseSync({
        data: ctx.data,
        path: ctx.path,
        parent: ctx
      }), this._def.right._parseSync({
        data: ctx.data,
        path: ctx.path,
        parent: ctx
      }));
    }
  }
};
ZodIntersection.create = (left, right, params) => {
  return new ZodIntersection({
    left,
    right,
    typeName: ZodFirstPartyTypeKind.ZodIntersection,
    ...processCreateParams(params)
  });
};
var ZodTuple = class _ZodTuple extends ZodType {
  _parse(input) {
    const { status, ctx } = this._processInputParams(input);
    if (ctx.parsedType !== ZodParsedType.array) {
      addIssueToContext(ctx, {
        code: ZodIssueCode.invalid_type,
        expected: ZodParsedType.array,
        received: ctx.parsedType
      });
      return INVALID;
    }
    if (ctx.data.length < this._def.items.length) {
      addIssueToContext(ctx, {
        code: ZodIssueCode.too_small,
        minimum: this._def.items.length,
        inclusive: true,
        exact: false,
        type: "array"
      });
      return INVALID;
    }
    const rest = this._def.rest;
    if (!rest && ctx.data.length > this._def.items.length) {
      addIssueToContext(ctx, {
        code: ZodIssueCode.too_big,
        maximum: this._def.items.length,
        inclusive: true,
        exact: false,
        type: "array"
      });
      status.dirty();
    }
    const items = [...ctx.data].map((item, itemIndex) => {
      const schema = this._def.items[itemIndex] || this._def.rest;
      if (!schema)
        return null;
      return schema._parse(new ParseInputLazyPath(ctx, item, ctx.path, itemIndex));
    }).filter((x) => !!x);
    if (ctx.common.async) {
      return Promise.all(items).then((results) => {
        return ParseStatus.mergeArray(status, results);
      });
    } else {
      return ParseStatus.mergeArray(status, items);
    }
  }
  get items() {
    return this._def.items;
  }
  rest(rest) {
    return new _ZodTuple({
      ...this._def,
      rest
    });
  }
};
ZodTuple.create = (schemas, params) => {
  if (!Array.isArray(schemas)) {
    throw new Error("You must pass an array of schemas to z.tuple([ ... ])");
  }
  return new ZodTuple({
    items: schemas,
    typeName: ZodFirstPartyTypeKind.ZodTuple,
    rest: null,
    ...processCreateParams(params)
  });
};
var ZodRecord = class _ZodRecord extends ZodType {
  get keySchema() {
    return this._def.keyType;
  }
  get valueSchema() {
    return this._def.valueType;
  }
  _parse(input) {
    const { status, ctx } = this._processInputParams(input);
    if (ctx.parsedType !== ZodParsedType.object) {
      addIssueToContext(ctx, {
        code: ZodIssueCode.invalid_type,
        expected: ZodParsedType.object,
        received: ctx.parsedType
      });
      return INVALID;
    }
    const pairs = [];
    const keyType = this._def.keyType;
    const valueType = this._def.valueType;
    for (const key in ctx.data) {
      pairs.push({
        key: keyType._parse(new ParseInputLazyPath(ctx, key, ctx.path, key)),
        value: valueType._parse(new ParseInputLazyPath(ctx, ctx.data[key], ctx.path, key)),
        alwaysSet: key in ctx.data
      });
    }
    if (ctx.common.async) {
      return ParseStatus.mergeObjectAsync(status, pairs);
    } else {
      return ParseStatus.mergeObjectSync(status, pairs);
    }
  }
  get element() {
    return this._def.valueType;
  }
  static create(first, second, third) {
    if (second instanceof ZodType) {
      return new _ZodRecord({
        keyType: first,
        valueType: second,
        typeName: ZodFirstPartyTypeKind.ZodRecord,
        ...processCreateParams(third)
      });
    }
    return new _ZodRecord({
      keyType: ZodString.create(),
      valueType: first,
      typeName: ZodFirstPartyTypeKind.ZodRecord,
      ...processCreateParams(second)
    });
  }
};
var ZodMap = class extends ZodType {
  get keySchema() {
    return this._def.keyType;
  }
  get valueSchema() {
    return this._def.valueType;
  }
  _parse(input) {
    const { status, ctx } = this._processInputParams(input);
    if (ctx.parsedType !== ZodParsedType.map) {
      addIssueToContext(ctx, {
        code: ZodIssueCode.invalid_type,
        expected: ZodParsedType.map,
        received: ctx.parsedType
      });
      return INVALID;
    }
    const keyType = this._def.keyType;
    const valueType = this._def.valueType;
    const pairs = [...ctx.data.entries()].map(([key, value], index) => {
      return {
        key: keyType._parse(new ParseInputLazyPath(ctx, key, ctx.path, [index, "key"])),
        value: valueType._parse(new ParseInputLazyPath(ctx, value, ctx.path, [index, "value"]))
      };
    });
    if (ctx.common.async) {
      const finalMap = /* @__PURE__ */ new Map();
      return Promise.resolve().then(async () => {
        for (const pair of pairs) {
          const key = await pair.key;
          const value = await pair.value;
          if (key.status === "aborted" || value.status === "aborted") {
            return INVALID;
          }
          if (key.status === "dirty" || value.status === "dirty") {
            status.dirty();
          }
          finalMap.set(key.value, value.value);
        }
        return { status: status.value, value: finalMap };
      });
    } else {
      const finalMap = /* @__PURE__ */ new Map();
      for (const pair of pairs) {
        const key = pair.key;
        const value = pair.value;
        if (key.status === "aborted" || value.status === "aborted") {
          return INVALID;
        }
        if (key.status === "dirty" || value.status === "dirty") {
          status.dirty();
        }
        finalMap.set(key.value, value.value);
      }
      return { status: status.value, value: finalMap };
    }
  }
};
ZodMap.create = (keyType, valueType, params) => {
  return new ZodMap({
    valueType,
    keyType,
    typeName: ZodFirstPartyTypeKind.ZodMap,
    ...processCreateParams(params)
  });
};
var ZodSet = class _ZodSet extends ZodType {
  _parse(input) {
    const { status, ctx } = this._processInputParams(input);
    if (ctx.parsedType !== ZodParsedType.set) {
      addIssueToContext(ctx, {
        code: ZodIssueCode.invalid_type,
        expected: ZodParsedType.set,
        received: ctx.parsedType
      });
      return INVALID;
    }
    const def = this._def;
    if (def.minSize !== null) {
      if (ctx.data.size < def.minSize.value) {
        addIssueToContext(ctx, {
          code: ZodIssueCode.too_small,
          minimum: def.minSize.value,
          type: "set",
          inclusive: true,
          exact: false,
          message: def.minSize.message
        });
        status.dirty();
      }
    }
    if (def.maxSize !== null) {
      if (ctx.data.size > def.maxSize.value) {
        addIssueToContext(ctx, {
          code: ZodIssueCode.too_big,
          maximum: def.maxSize.value,
          type: "set",
          inclusive: true,
          exact: false,
          message: def.maxSize.message
        });
        status.dirty();
      }
    }
    const valueType = this._def.valueType;
    function finalizeSet(elements2) {
      const parsedSet = /* @__PURE__ */ new Set();
      for (const element of elements2) {
        if (element.status === "aborted")
          return INVALID;
        if (element.status === "dirty")
          status.dirty();
        parsedSet.add(element.value);
      }
      return { status: status.value, value: parsedSet };
    }
    const elements = [...ctx.data.values()].map((item, i) => valueType._parse(new ParseInputLazyPath(ctx, item, ctx.path, i)));
    if (ctx.common.async) {
      return Promise.all(elements).then((elements2) => finalizeSet(elements2));
    } else {
      return finalizeSet(elements);
    }
  }
  min(minSize, message) {
    return new _ZodSet({
      ...this._def,
      minSize: { value: minSize, message: errorUtil.toString(message) }
    });
  }
  max(maxSize, message) {
    return new _ZodSet({
      ...this._def,
      maxSize: { value: maxSize, message: errorUtil.toString(message) }
    });
  }
  size(size2, message) {
    return this.min(size2, message).max(size2, message);
  }
  nonempty(message) {
    return this.min(1, message);
  }
};
ZodSet.create = (valueType, params) => {
  return new ZodSet({
    valueType,
    minSize: null,
    maxSize: null,
    typeName: ZodFirstPartyTypeKind.ZodSet,
    ...processCreateParams(params)
  });
};
var ZodFunction = class _ZodFunction extends ZodType {
  constructor() {
    super(...arguments);
    this.validate = this.implement;
  }
  _parse(input) {
    const { ctx } = this._processInputParams(input);
    if (ctx.parsedType !== ZodParsedType.function) {
      addIssueToContext(ctx, {
        code: ZodIssueCode.invalid_type,
        expected: ZodParsedType.function,
        received: ctx.parsedType
      });
      return INVALID;
    }
    function makeArgsIssue(args, error) {
      return makeIssue({
        data: args,
        path: ctx.path,
        errorMaps: [ctx.common.contextualErrorMap, ctx.schemaErrorMap, getErrorMap(), en_default].filter((x) => !!x),
        issueData: {
          code: ZodIssueCode.invalid_arguments,
          argumentsError: error
        }
      });
    }
    function makeReturnsIssue(returns, error) {
      return makeIssue({
        data: returns,
        path: ctx.path,
        errorMaps: [ctx.common.contextualErrorMap, ctx.schemaErrorMap, getErrorMap(), en_default].filter((x) => !!x),
        issueData: {
          code: ZodIssueCode.invalid_return_type,
          returnTypeError: error
        }
      });
    }
    const params = { errorMap: ctx.common.contextualErrorMap };
    const fn = ctx.data;
    if (this._def.returns instanceof ZodPromise) {
      const me = this;
      return OK(async function(...args) {
        const error = new ZodError([]);
        const parsedArgs = await me._def.args.parseAsync(args, params).catch((e) => {
          error.addIssue(makeArgsIssue(args, e));
          throw error;
        });
        const result = await Reflect.apply(fn, this, parsedArgs);
        const parsedReturns = await me._def.returns._def.type.parseAsync(result, params).catch((e) => {
          error.addIssue(makeReturnsIssue(result, e));
          throw error;
        });
        return parsedReturns;
      });
    } else {
      const me = this;
      return OK(function(...args) {
        const parsedArgs = me._def.args.safeParse(args, params);
        if (!parsedArgs.success) {
          throw new ZodError([makeArgsIssue(args, parsedArgs.error)]);
        }
        const result = Reflect.apply(fn, this, parsedArgs.data);
        const parsedReturns = me._def.returns.safeParse(result, params);
        if (!parsedReturns.success) {
          throw new ZodError([makeReturnsIssue(result, parsedReturns.error)]);
        }
        return parsedReturns.data;
      });
    }
  }
  parameters() {
    return this._def.args;
  }
  returnType() {
    return this._def.returns;
  }
  args(...items) {
    return new _ZodFunction({
      ...this._def,
      args: ZodTuple.create(items).rest(ZodUnknown.create())
    });
  }
  returns(returnType) {
    return new _ZodFunction({
      ...this._def,
      returns: returnType
    });
  }
  implement(func) {
    const validatedFunc = this.parse(func);
    return validatedFunc;
  }
  strictImplement(func) {
    const validatedFunc = this.parse(func);
    return validatedFunc;
  }
  static create(args, returns, params) {
    return new _ZodFunction({
      args: args ? args : ZodTuple.create([]).rest(ZodUnknown.create()),
      returns: returns || ZodUnknown.create(),
      typeName: ZodFirstPartyTypeKind.ZodFunction,
      ...processCreateParams(params)
    });
  }
};
var ZodLazy = class extends ZodType {
  get schema() {
    return this._def.getter();
  }
  _parse(input) {
    const { ctx } = this._processInputParams(input);
    const lazySchema = this._def.getter();
    return lazySchema._parse({ data: ctx.data, path: ctx.path, parent: ctx });
  }
};
ZodLazy.create = (getter, params) => {
  return new ZodLazy({
    getter,
    typeName: ZodFirstPartyTypeKind.ZodLazy,
    ...processCreateParams(params)
  });
};
var ZodLiteral = class extends ZodType {
  _parse(input) {
    if (input.data !== this._def.value) {
      const ctx = this._getOrReturnCtx(input);
      addIssueToContext(ctx, {
        received: ctx.data,
        code: ZodIssueCode.invalid_literal,
        expected: this._def.value
      });
      return INVALID;
    }
    return { status: "valid", value: input.data };
  }
  get value() {
    return this._def.value;
  }
};
ZodLiteral.create = (value, params) => {
  return new ZodLiteral({
    value,
    typeName: ZodFirstPartyTypeKind.ZodLiteral,
    ...processCreateParams(params)
  });
};
function createZodEnum(values, params) {
  return new ZodEnum({
    values,
    typeName: ZodFirstPartyTypeKind.ZodEnum,
    ...processCreateParams(params)
  });
}
var ZodEnum = class _ZodEnum extends ZodType {
  _parse(input) {
    if (typeof input.data !== "string") {
      const ctx = this._getOrReturnCtx(input);
      const expectedValues = this._def.values;
      addIssueToContext(ctx, {
        expected: util.joinValues(expectedValues),
        received: ctx.parsedType,
        code: ZodIssueCode.invalid_type
      });
      return INVALID;
    }
    if (!this._cache) {
      this._cache = new Set(this._def.values);
    }
    if (!this._cache.has(input.data)) {
      const ctx = this._getOrReturnCtx(input);
      const expectedValues = this._def.values;
      addIssueToContext(ctx, {
        received: ctx.data,
        code: ZodIssueCode.invalid_enum_value,
        options: expectedValues
      });
      return INVALID;
    }
    return OK(input.data);
  }
  get options() {
    return this._def.values;
  }
  get enum() {
    const enumValues = {};
    for (const val of this._def.values) {
      enumValues[val] = val;
    }
    return enumValues;
  }
  get Values() {
    const enumValues = {};
    for (const val of this._def.values) {
      enumValues[val] = val;
    }
    return enumValues;
  }
  get Enum() {
    const enumValues = {};
    for (const val of this._def.values) {
      enumValues[val] = val;
    }
    return enumValues;
  }
  extract(values, newDef = this._def) {
    return _ZodEnum.create(values, {
      ...this._def,
      ...newDef
    });
  }
  exclude(values, newDef = this._def) {
    return _ZodEnum.create(this.options.filter((opt) => !values.includes(opt)), {
      ...this._def,
      ...newDef
    });
  }
};
ZodEnum.create = createZodEnum;
var ZodNativeEnum = class extends ZodType {
  _parse(input) {
    const nativeEnumValues = util.getValidEnumValues(this._def.values);
    const ctx = this._getOrReturnCtx(input);
    if (ctx.parsedType !== ZodParsedType.string && ctx.parsedType !== ZodParsedType.number) {
      const expectedValues = util.objectValues(nativeEnumValues);
      addIssueToContext(ctx, {
        expected: util.joinValues(expectedValues),
        received: ctx.parsedType,
        code: ZodIssueCode.invalid_type
      });
      return INVALID;
    }
    if (!this._cache) {
      this._cache = new Set(util.getValidEnumValues(this._def.values));
    }
    if (!this._cache.has(input.data)) {
      const expectedValues = util.objectValues(nativeEnumValues);
      addIssueToContext(ctx, {
        received: ctx.data,
        code: ZodIssueCode.invalid_enum_value,
        options: expectedValues
      });
      return INVALID;
    }
    return OK(input.data);
  }
  get enum() {
    return this._def.values;
  }
};
ZodNativeEnum.create = (values, params) => {
  return new ZodNativeEnum({
    values,
    typeName: ZodFirstPartyTypeKind.ZodNativeEnum,
    ...processCreateParams(params)
  });
};
var ZodPromise = class extends ZodType {
  unwrap() {
    return this._def.type;
  }
  _parse(input) {
    const { ctx } = this._processInputParams(input);
    if (ctx.parsedType !== ZodParsedType.promise && ctx.common.async === false) {
      addIssueToContext(ctx, {
        code: ZodIssueCode.invalid_type,
        expected: ZodParsedType.promise,
        received: ctx.parsedType
      });
      return INVALID;
    }
    const promisified = ctx.parsedType === ZodParsedType.promise ? ctx.data : Promise.resolve(ctx.data);
    return OK(promisified.then((data) => {
      return this._def.type.parseAsync(data, {
        path: ctx.path,
        errorMap: ctx.common.contextualErrorMap
      });
    }));
  }
};
ZodPromise.create = (schema, params) => {
  return new ZodPromise({
    type: schema,
    typeName: ZodFirstPartyTypeKind.ZodPromise,
    ...processCreateParams(params)
  });
};
var ZodEffects = class extends ZodType {
  innerType() {
    return this._def.schema;
  }
  sourceType() {
    return this._def.schema._def.typeName === ZodFirstPartyTypeKind.ZodEffects ? this._def.schema.sourceType() : this._def.schema;
  }
  _parse(input) {
    const { status, ctx } = this._processInputParams(input);
    const effect = this._def.effect || null;
    const checkCtx = {
      addIssue: (arg) => {
        addIssueToContext(ctx, arg);
        if (arg.fatal) {
          status.abort();
        } else {
          status.dirty();
        }
      },
      get path() {
        return ctx.path;
      }
    };
    checkCtx.addIssue = checkCtx.addIssue.bind(checkCtx);
    if (effect.type === "preprocess") {
      const processed = effect.transform(ctx.data, checkCtx);
      if (ctx.common.async) {
        return Promise.resolve(processed).then(async (processed2) => {
          if (status.value === "aborted")
            return INVALID;
          const result = await this._def.schema._parseAsync({
            data: processed2,
            path: ctx.path,
            parent: ctx
          });
          if (result.status === "aborted")
            return INVALID;
          if (result.status === "dirty")
            return DIRTY(result.value);
          if (status.value === "dirty")
            return DIRTY(result.value);
          return result;
        });
      } else {
        if (status.value === "aborted")
          return INVALID;
        const result = this._def.schema._parseSync({
          data: processed,
          path: ctx.path,
          parent: ctx
        });
        if (result.status === "aborted")
          return INVALID;
        if (result.status === "dirty")
          return DIRTY(result.value);
        if (status.value === "dirty")
          return DIRTY(result.value);
        return result;
      }
    }
    if (effect.type === "refinement") {
      const executeRefinement = (acc) => {
        const result = effect.refinement(acc, checkCtx);
        if (ctx.common.async) {
          return Promise.resolve(result);
        }
        if (result instanceof Promise) {
          throw new Error("Async refinement encountered during synchronous parse operation. Use .parseAsync instead.");
        }
        return acc;
      };
      if (ctx.common.async === false) {
        const inner = this._def.schema._parseSync({
          data: ctx.data,
          path: ctx.path,
          parent: ctx
        });
        if (inner.status === "aborted")
          return INVALID;
        if (inner.status === "dirty")
          status.dirty();
        executeRefinement(inner.value);
        return { status: status.value, value: inner.value };
      } else {
        return this._def.schema._parseAsync({ data: ctx.data, path: ctx.path, parent: ctx }).then((inner) => {
          if (inner.status === "aborted")
            return INVALID;
          if (inner.status === "dirty")
            status.dirty();
          return executeRefinement(inner.value).then(() => {
            return { status: status.value, value: inner.value };
          });
        });
      }
    }
    if (effect.type === "transform") {
      if (ctx.common.async === false) {
        const base = this._def.schema._parseSync({
          data: ctx.data,
          path: ctx.path,
          parent: ctx
        });
        if (!isValid(base))
          return INVALID;
        const result = effect.transform(base.value, checkCtx);
        if (result instanceof Promise) {
          throw new Error(`Asynchronous transform encountered during synchronous parse operation. Use .parseAsync instead.`);
        }
        return { status: status.value, value: result };
      } else {
        return this._def.schema._parseAsync({ data: ctx.data, path: ctx.path, parent: ctx }).then((base) => {
          if (!isValid(base))
            return INVALID;
          return Promise.resolve(effect.transform(base.value, checkCtx)).then((result) => ({
            status: status.value,
            value: result
          }));
        });
      }
    }
    util.assertNever(effect);
  }
};
ZodEffects.create = (schema, effect, params) => {
  return new ZodEffects({
    schema,
    typeName: ZodFirstPartyTypeKind.ZodEffects,
    effect,
    ...processCreateParams(params)
  });
};
ZodEffects.createWithPreprocess = (preprocess, schema, params) => {
  return new ZodEffects({
    schema,
    effect: { type: "preprocess", transform: preprocess },
    typeName: ZodFirstPartyTypeKind.ZodEffects,
    ...processCreateParams(params)
  });
};
var ZodOptional = class extends ZodType {
  _parse(input) {
    const parsedType = this._getType(input);
    if (parsedType === ZodParsedType.undefined) {
      return OK(void 0);
    }
    return this._def.innerType._parse(input);
  }
  unwrap() {
    return this._def.innerType;
  }
};
ZodOptional.create = (type, params) => {
  return new ZodOptional({
    innerType: type,
    typeName: ZodFirstPartyTypeKind.ZodOptional,
    ...processCreateParams(params)
  });
};
var ZodNullable = class extends ZodType {
  _parse(input) {
    const parsedType = this._getType(input);
    if (parsedType === ZodParsedType.null) {
      return OK(null);
    }
    return this._def.innerType._parse(input);
  }
  unwrap() {
    return this._def.innerType;
  }
};
ZodNullable.create = (type, params) => {
  return new ZodNullable({
    innerType: type,
    typeName: ZodFirstPartyTypeKind.ZodNullable,
    ...processCreateParams(params)
  });
};
var ZodDefault = class extends ZodType {
  _parse(input) {
    const { ctx } = this._processInputParams(input);
    let data = ctx.data;
    if (ctx.parsedType === ZodParsedType.undefined) {
      data = this._def.defaultValue();
    }
    return this._def.innerType._parse({
      data,
      path: ctx.path,
      parent: ctx
    });
  }
  removeDefault() {
    return this._def.innerType;
  }
};
ZodDefault.create = (type, params) => {
  return new ZodDefault({
    innerType: type,
    typeName: ZodFirstPartyTypeKind.ZodDefault,
    defaultValue: typeof params.default === "function" ? params.default : () => params.default,
    ...processCreateParams(params)
  });
};
var ZodCatch = class extends ZodType {
  _parse(input) {
    const { ctx } = this._processInputParams(input);
    const newCtx = {
      ...ctx,
      common: {
        ...ctx.common,
        issues: []
      }
    };
    const result = this._def.innerType._parse({
      data: newCtx.data,
      path: newCtx.path,
      parent: {
        ...newCtx
      }
    });
    if (isAsync(result)) {
      return result.then((result2) => {
        return {
          status: "valid",
          value: result2.status === "valid" ? result2.value : this._def.catchValue({
            get error() {
              return new ZodError(newCtx.common.issues);
            },
            input: newCtx.data
          })
        };
      });
    } else {
      return {
        status: "valid",
        value: result.status === "valid" ? result.value : this._def.catchValue({
          get error() {
            return new ZodError(newCtx.common.issues);
          },
          input: newCtx.data
        })
      };
    }
  }
  removeCatch() {
    return this._def.innerType;
  }
};
ZodCatch.create = (type, params) => {
  return new ZodCatch({
    innerType: type,
    typeName: ZodFirstPartyTypeKind.ZodCatch,
    catchValue: typeof params.catch === "function" ? params.catch : () => params.catch,
    ...processCreateParams(params)
  });
};
var ZodNaN = class extends ZodType {
  _parse(input) {
    const parsedType = this._getType(input);
    if (parsedType !== ZodParsedType.nan) {
      const ctx = this._getOrReturnCtx(input);
      addIssueToContext(ctx, {
        code: ZodIssueCode.invalid_type,
        expected: ZodParsedType.nan,
        received: ctx.parsedType
      });
      return INVALID;
    }
    return { status: "valid", value: input.data };
  }
};
ZodNaN.create = (params) => {
  return new ZodNaN({
    typeName: ZodFirstPartyTypeKind.ZodNaN,
    ...processCreateParams(params)
  });
};
var BRAND = /* @__PURE__ */ Symbol("zod_brand");
var ZodBranded = class extends ZodType {
  _parse(input) {
    const { ctx } = this._processInputParams(input);
    const data = ctx.data;
    return this._def.type._parse({
      data,
      path: ctx.path,
      parent: ctx
    });
  }
  unwrap() {
    return this._def.type;
  }
};
var ZodPipeline = class _ZodPipeline extends ZodType {
  _parse(input) {
    const { status, ctx } = this._processInputParams(input);
    if (ctx.common.async) {
      const handleAsync = async () => {
        const inResult = await this._def.in._parseAsync({
          data: ctx.data,
          path: ctx.path,
          parent: ctx
        });
        if (inResult.status === "aborted")
          return INVALID;
        if (inResult.status === "dirty") {
          status.dirty();
          return DIRTY(inResult.value);
        } else {
          return this._def.out._parseAsync({
            data: inResult.value,
            path: ctx.path,
            parent: ctx
          });
        }
      };
      return handleAsync();
    } else {
      const inResult = this._def.in._parseSync({
        data: ctx.data,
        path: ctx.path,
        parent: ctx
      });
      if (inResult.status === "aborted")
        return INVALID;
      if (inResult.status === "dirty") {
        status.dirty();
        return {
          status: "dirty",
          value: inResult.value
        };
      } else {
        return this._def.out._parseSync({
          data: inResult.value,
          path: ctx.path,
          parent: ctx
        });
      }
    }
  }
  static create(a, b) {
    return new _ZodPipeline({
      in: a,
      out: b,
      typeName: ZodFirstPartyTypeKind.ZodPipeline
    });
  }
};
var ZodReadonly = class extends ZodType {
  _parse(input) {
    const result = this._def.innerType._parse(input);
    const freeze = (data) => {
      if (isValid(data)) {
        data.value = Object.freeze(data.value);
      }
      return data;
    };
    return isAsync(result) ? result.then((data) => freeze(data)) : freeze(result);
  }
  unwrap() {
    return this._def.innerType;
  }
};
ZodReadonly.create = (type, params) => {
  return new ZodReadonly({
    innerType: type,
    typeName: ZodFirstPartyTypeKind.ZodReadonly,
    ...processCreateParams(params)
  });
};
function cleanParams(params, data) {
  const p = typeof params === "function" ? params(data) : typeof params === "string" ? { message: params } : params;
  const p2 = typeof p === "string" ? { message: p } : p;
  return p2;
}
function custom(check, _params = {}, fatal) {
  if (check)
    return ZodAny.create().superRefine((data, ctx) => {
      const r = check(data);
      if (r instanceof Promise) {
        return r.then((r2) => {
          if (!r2) {
            const params = cleanParams(_params, data);
            const _fatal = params.fatal ?? fatal ?? true;
            ctx.addIssue({ code: "custom", ...params, fatal: _fatal });
          }
        });
      }
      if (!r) {
        const params = cleanParams(_params, data);
        const _fatal = params.fatal ?? fatal ?? true;
        ctx.addIssue({ code: "custom", ...params, fatal: _fatal });
      }
      return;
    });
  return ZodAny.create();
}
var late = {
  object: ZodObject.lazycreate
};
var ZodFirstPartyTypeKind;
(function(ZodFirstPartyTypeKind2) {
  ZodFirstPartyTypeKind2["ZodString"] = "ZodString";
  ZodFirstPartyTypeKind2["ZodNumber"] = "ZodNumber";
  ZodFirstPartyTypeKind2["ZodNaN"] = "ZodNaN";
  ZodFirstPartyTypeKind2["ZodBigInt"] = "ZodBigInt";
  ZodFirstPartyTypeKind2["ZodBoolean"] = "ZodBoolean";
  ZodFirstPartyTypeKind2["ZodDate"] = "ZodDate";
  ZodFirstPartyTypeKind2["ZodSymbol"] = "ZodSymbol";
  ZodFirstPartyTypeKind2["ZodUndefined"] = "ZodUndefined";
  ZodFirstPartyTypeKind2["ZodNull"] = "ZodNull";
  ZodFirstPartyTypeKind2["ZodAny"] = "ZodAny";
  ZodFirstPartyTypeKind2["ZodUnknown"] = "ZodUnknown";
  ZodFirstPartyTypeKind2["ZodNever"] = "ZodNever";
  ZodFirstPartyTypeKind2["ZodVoid"] = "ZodVoid";
  ZodFirstPartyTypeKind2["ZodArray"] = "ZodArray";
  ZodFirstPartyTypeKind2["ZodObject"] = "ZodObject";
  ZodFirstPartyTypeKind2["ZodUnion"] = "ZodUnion";
  ZodFirstPartyTypeKind2["ZodDiscriminatedUnion"] = "ZodDiscriminatedUnion";
  ZodFirstPartyTypeKind2["ZodIntersection"] = "ZodIntersection";
  ZodFirstPartyTypeKind2["ZodTuple"] = "ZodTuple";
  ZodFirstPartyTypeKind2["ZodRecord"] = "ZodRecord";
  ZodFirstPartyTypeKind2["ZodMap"] = "ZodMap";
  ZodFirstPartyTypeKind2["ZodSet"] = "ZodSet";
  ZodFirstPartyTypeKind2["ZodFunction"] = "ZodFunction";
  ZodFirstPartyTypeKind2["ZodLazy"] = "ZodLazy";
  ZodFirstPartyTypeKind2["ZodLiteral"] = "ZodLiteral";
  ZodFirstPartyTypeKind2["ZodEnum"] = "ZodEnum";
  ZodFirstPartyTypeKind2["ZodEffects"] = "ZodEffects";
  ZodFirstPartyTypeKind2["ZodNativeEnum"] = "ZodNativeEnum";
  ZodFirstPartyTypeKind2["ZodOptional"] = "ZodOptional";
  ZodFirstPartyTypeKind2["ZodNullable"] = "ZodNullable";
  ZodFirstPartyTypeKind2["ZodDefault"] = "ZodDefault";
  ZodFirstPartyTypeKind2["ZodCatch"] = "ZodCatch";
  ZodFirstPartyTypeKind2["ZodPromise"] = "ZodPromise";
  ZodFirstPartyTypeKind2["ZodBranded"] = "ZodBranded";
  ZodFirstPartyTypeKind2["ZodPipeline"] = "ZodPipeline";
  ZodFirstPartyTypeKind2["ZodReadonly"] = "ZodReadonly";
})(ZodFirstPartyTypeKind || (ZodFirstPartyTypeKind = {}));
var instanceOfType = (cls, params = {
  message: `Input not instance of ${cls.name}`
}) => custom((data) => data instanceof cls, params);
var stringType = ZodString.create;
var numberType = ZodNumber.create;
var nanType = ZodNaN.create;
var bigIntType = ZodBigInt.create;
var booleanType = ZodBoolean.create;
var dateType = ZodDate.create;
var symbolType = ZodSymbol.create;
var undefinedType = ZodUndefined.create;
var nullType = ZodNull.create;
var anyType = ZodAny.create;
var unknownType = ZodUnknown.create;
var neverType = ZodNever.create;
var voidType = ZodVoid.create;
var arrayType = ZodArray.create;
var objectType = ZodObject.create;
var strictObjectType = ZodObject.strictCreate;
var unionType = ZodUnion.create;
var discriminatedUnionType = ZodDiscriminatedUnion.create;
var intersectionType = ZodIntersection.create;
var tupleType = ZodTuple.create;
var recordType = ZodRecord.create;
var mapType = ZodMap.create;
var setType = ZodSet.create;
var functionType = ZodFunction.create;
var lazyType = ZodLazy.create;
var literalType = ZodLiteral.create;
var enumType = ZodEnum.create;
var nativeEnumType = ZodNativeEnum.create;
var promiseType = ZodPromise.create;
var effectsType = ZodEffects.create;
var optionalType = ZodOptional.create;
var nullableType = ZodNullable.create;
var preprocessType = ZodEffects.createWithPreprocess;
var pipelineType = ZodPipeline.create;
var ostring = () => stringType().optional();
var onumber = () => numberType().optional();
var oboolean = () => booleanType().optional();
var coerce = {
  string: ((arg) => ZodString.create({ ...arg, coerce: true })),
  number: ((arg) => ZodNumber.create({ ...arg, coerce: true })),
  boolean: ((arg) => ZodBoolean.create({
    ...arg,
    coerce: true
  })),
  bigint: ((arg) => ZodBigInt.create({ ...arg, coerce: true })),
  date: ((arg) => ZodDate.create({ ...arg, coerce: true }))
};
var NEVER = INVALID;

// src/config/schema.ts
function expandHome(p) {
  if (p === "~") return homedir2();
  if (p.startsWith("~/")) return join(homedir2(), p.slice(2));
  return p;
}
var path = external_exports.string({ invalid_type_error: "must be a path (text)" }).min(1, "must not be empty").transform(expandHome);
var httpUrl = external_exports.string({ invalid_type_error: "must be an http(s) URL (text)" }).refine((u) => {
  try {
    const p = new URL(u).protocol;
    return p === "http:" || p === "https:";
  } catch {
    return false;
  }
}, "must be an http(s) URL such as https://collector.example:4318");
var HOSTNAME = /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/i;
var host = external_exports.string({ invalid_type_error: "must be a host name or IP address (text)" }).min(1, "must not be empty (use 127.0.0.1 for this machine only, 0.0.0.0 for every interface)").refine((h) => isIP(h) !== 0 || HOSTNAME.test(h), "must be a host name or IP address");
var port = external_exports.number({ invalid_type_error: "must be a port number from 1 to 65535" }).int("must be a port number from 1 to 65535").min(1, "must be a port number from 1 to 65535").max(65535, "must be a port number from 1 to 65535");
var usdPerMillion = external_exports.number({ invalid_type_error: "must be a non-negative number (USD per million tokens)", required_error: "must be a non-negative number (USD per million tokens)" }).nonnegative("must be a non-negative number (USD per million tokens)");
var usd = external_exports.number({ invalid_type_error: "must be a positive number (USD)" }).positive("must be a positive number (USD)");
var tokenPrices = { input: usdPerMillion, output: usdPerMillion, cacheWrite: usdPerMillion, cacheRead: usdPerMillion };
var modelPrice = external_exports.object({
  ...tokenPrices,
  above200k: external_exports.object(tokenPrices).strict().optional().describe("prices for the part of one call above 200k tokens of a type"),
  fastMultiplier: external_exports.number().positive().optional().describe('multiplier for `speed: "fast"` requests')
}, { invalid_type_error: "must be a mapping with input, output, cacheWrite and cacheRead" }).strict();
var otlpSchema = external_exports.object({
  endpoint: httpUrl.optional().describe("OTLP/HTTP base URL; /v1/traces and /v1/metrics are appended (OTEL_EXPORTER_OTLP_ENDPOINT wins)"),
  tracesEndpoint: httpUrl.optional().describe("full URL for spans, used as given (OTEL_EXPORTER_OTLP_TRACES_ENDPOINT wins)"),
  metricsEndpoint: httpUrl.optional().describe("full URL for metrics, used as given (OTEL_EXPORTER_OTLP_METRICS_ENDPOINT wins)"),
  protocol: external_exports.enum(["http/protobuf", "http/json"]).optional().describe("wire format (OTEL_EXPORTER_OTLP_PROTOCOL wins; default http/protobuf)"),
  headers: external_exports.record(external_exports.string({ invalid_type_error: "must be text" }), { invalid_type_error: "must map header names to values" }).optional().describe("headers sent with every export, e.g. authorization (OTEL_EXPORTER_OTLP_HEADERS wins); never logged"),
  timeoutMs: external_exports.number().int().positive().optional().describe("per-request timeout in milliseconds (OTEL_EXPORTER_OTLP_TIMEOUT wins; default 10000)"),
  compression: external_exports.enum(["gzip", "none"]).optional().describe("request compression (OTEL_EXPORTER_OTLP_COMPRESSION wins; default none)")
}, { invalid_type_error: "must be a mapping (endpoint, headers, \u2026)" }).strict();
var configSchema = external_exports.object({
  claudeDirs: external_exports.array(path, { invalid_type_error: "must be a list of paths, e.g. [~/.claude]" }).optional().describe("Claude config directories holding projects/ (default: $CLAUDE_CONFIG_DIR, else ~/.config/claude and ~/.claude); --claude-dir wins"),
  stateDir: path.optional().describe("where checkpoints, the ledger and local trace files live (default: $CCOTEL_STATE_DIR, else $XDG_STATE_HOME/ccotel); --state-dir wins"),
  timezone: external_exports.string({ invalid_type_error: "must be an IANA time zone name (text)" }).refine((tz) => {
    try {
      checkTimeZone(tz);
      return true;
    } catch {
      return false;
    }
  }, "must be an IANA time zone such as Europe/Berlin").optional().describe("IANA time zone for days, weeks and months (default: the system zone); --timezone wins"),
  serviceName: external_exports.string({ invalid_type_error: "must be text" }).min(1, "must not be empty").default("claude-code").describe("service.name of every span and metric"),
  otlp: otlpSchema.optional().describe("where to send traces and metrics; the standard OTEL_EXPORTER_OTLP_* variables win"),
  pricing: external_exports.record(modelPrice, { invalid_type_error: "must map model names to prices" }).optional().describe("USD per million tokens by model name (input, output, cacheWrite, cacheRead): adds to or replaces the embedded table"),
  prometheus: external_exports.object({
    host: host.default(DEFAULT_PROMETHEUS_HOST).describe("address the local /metrics endpoint binds (loopback unless told; another host gets a warning)"),
    port: port.default(DEFAULT_PROMETHEUS_PORT).describe("port of the local /metrics endpoint; --prometheus-port wins")
  }, { invalid_type_error: "must be a mapping (host, port)" }).strict().default({}).describe("the embedded Prometheus endpoint `ccotel run` serves when no OTLP endpoint is set"),
  recentSessions: external_exports.object({
    windowHours: external_exports.number({ invalid_type_error: "must be a positive number of hours" }).positive("must be a positive number of hours").default(24).describe("a session is on the ccotel.session.* gauges while its last event is at most this many hours old"),
    max: external_exports.number({ invalid_type_error: "must be a whole number from 0 to 1000" }).int("must be a whole number from 0 to 1000").min(0, "must be a whole number from 0 to 1000").max(1e3, "must be a whole number from 0 to 1000").default(50).describe("at most this many sessions (the newest) on those gauges; 0 turns them off. Bounds their series count (docs/metrics.md)")
  }, { invalid_type_error: "must be a mapping (windowHours, max)" }).strict().default({}).describe("the bounded set of recent sessions exported with a session_id label (the Session drill-down dashboard)"),
  budgets: external_exports.object({
    daily: usd.optional().describe("USD per calendar day (in `timezone`), exact transcript costs of all projects"),
    weekly: usd.optional().describe("USD per week from Monday"),
    monthly: usd.optional().describe("USD per calendar month"),
    enforce: external_exports.boolean({ invalid_type_error: "must be true or false" }).default(false).describe("with the budget guard hook installed, block new prompts while a budget is spent (otherwise: a warning only)")
  }, { invalid_type_error: "must be a mapping (daily, weekly, monthly, enforce)" }).strict().optional().describe("spending limits the budget guard hook (`ccotel hooks install --budget-guard`) checks; `ccotel run` keeps its status file current (docs/hooks.md)"),
  activityLog: external_exports.boolean({ invalid_type_error: "must be true or false" }).default(false).describe("`ccotel run` writes the monitoring guide's activity-YYYY-MM-DD.jsonl (one line per tool call) to $CLAUDE_LOG_DIR (default ~/.claude/logs); also on when CLAUDE_LOG_DIR is set"),
  jaeger: external_exports.object({
    url: external_exports.string({ invalid_type_error: "must be a URL (text)" }).url("must be a URL such as http://127.0.0.1:16686").optional().describe("base URL of the Jaeger UI: `ccotel sessions --show` prints a link to the session's trace")
  }, { invalid_type_error: "must be a mapping (url)" }).strict().optional().describe("where your traces can be looked at"),
  // Checked in detail, with line numbers, by src/detection/rule-config.ts.
  rules: external_exports.unknown().optional().describe("sensitive-action rules: overrides of the built-in ones and your own (docs/security.md)"),
  redaction: external_exports.unknown().optional().describe("extra redaction patterns, `patterns: [{name, regex}]` (docs/security.md)")
}).strict();
function describeIssues(err) {
  const first = err.issues[0];
  const more = err.issues.length > 1 ? ` (and ${err.issues.length - 1} more)` : "";
  return describeIssue(first) + more;
}
function describeIssue(i) {
  const at = i.path.join(".");
  if (i.code === "unrecognized_keys") {
    const key = i.keys[0];
    const known = Object.keys(shapeAt(i.path) ?? {});
    const near = known.find((k) => similar(k, key));
    return `unknown setting "${at ? `${at}.` : ""}${key}"${near ? ` (did you mean "${near}"?)` : ""} (known${at ? ` in ${at}` : ""}: ${known.join(", ")})`;
  }
  if (i.code === "invalid_type") {
    const reason = i.message && !/^(Expected|Required)/.test(i.message) ? i.message : `must be ${article(i.expected)}`;
    return `${at} ${reason} (got ${i.received === "undefined" ? "nothing" : i.received === "array" ? "a list" : i.received})`;
  }
  if (i.code === "invalid_enum_value") return `${at} must be one of ${i.options.map((o) => `"${String(o)}"`).join(", ")} (got "${String(i.received)}")`;
  return `${at} ${i.message}`;
}
var article = (t) => t === "object" ? "a mapping" : t === "array" ? "a list" : /^[aeiou]/.test(t) ? `an ${t}` : `a ${t}`;
function similar(a, b) {
  if (Math.abs(a.length - b.length) > 2) return false;
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) for (let j = 1; j <= b.length; j++) d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1].toLowerCase() === b[j - 1].toLowerCase() ? 0 : 1));
  return d[a.length][b.length] <= 2;
}
function unwrap2(t) {
  for (; ; ) {
    if (t instanceof external_exports.ZodOptional || t instanceof external_exports.ZodNullable) t = t.unwrap();
    else if (t instanceof external_exports.ZodDefault) t = t.removeDefault();
    else if (t instanceof external_exports.ZodEffects) t = t.innerType();
    else return t;
  }
}
function shapeAt(path2) {
  let t = configSchema;
  for (const k of path2) {
    const u2 = unwrap2(t);
    if (u2 instanceof external_exports.ZodObject) t = u2.shape[k];
    else if (u2 instanceof external_exports.ZodRecord) t = u2.valueSchema;
    else if (u2 instanceof external_exports.ZodArray) t = u2.element;
    else return void 0;
    if (!t) return void 0;
  }
  const u = unwrap2(t);
  return u instanceof external_exports.ZodObject ? u.shape : void 0;
}

// src/detection/rule-config.ts
import { createRequire } from "node:module";
var DetectionConfigError = class extends Error {
  constructor(line, reason) {
    super(reason);
    this.line = line;
    this.reason = reason;
  }
  line;
  reason;
};
var RULE_KEYS = /* @__PURE__ */ new Set(["id", "tools", "field", "regex", "glob", "severity", "allowlist", "enabled"]);
var BUILTIN_KEYS = /* @__PURE__ */ new Set(["id", "severity", "allowlist", "enabled"]);
function checkDetectionConfig(text, rules, redaction) {
  let lines;
  const lineOf = (path2) => {
    if (!lines) {
      const { LineCounter, parseDocument } = createRequire(import.meta.url)("yaml");
      const lc = new LineCounter();
      const doc = parseDocument(text, { lineCounter: lc });
      lines = (p) => {
        for (let k = p.length; k > 0; k--) {
          const node = doc.getIn(p.slice(0, k), true);
          if (node && typeof node === "object" && node.range) return lc.linePos(node.range[0]).line;
        }
        return void 0;
      };
    }
    return lines(path2);
  };
  const fail = (path2, reason) => {
    throw new DetectionConfigError(lineOf(path2), reason);
  };
  const strings = (v, path2, what) => {
    if (!Array.isArray(v) || v.some((x) => typeof x !== "string" || x.length === 0)) fail(path2, `${what} must be a list of non-empty strings`);
    return v;
  };
  const out = { rules: [], redaction: [] };
  if (rules !== void 0 && rules !== null) {
    if (!Array.isArray(rules)) fail(["rules"], "rules must be a list of rules (each with an id)");
    const seen = /* @__PURE__ */ new Set();
    rules.forEach((r, i) => {
      const at = (k) => k ? ["rules", i, k] : ["rules", i];
      if (typeof r !== "object" || r === null || Array.isArray(r)) fail(at(), `rules[${i}] must be a mapping with an id`);
      const o = r;
      const id = o.id;
      if (typeof id !== "string" || !/^[a-z][a-z0-9_]{0,63}$/.test(id)) fail(at("id"), `rules[${i}]: id must be lower_snake_case (a-z, 0-9, _), got ${JSON.stringify(id)}`);
      const name = `rule "${id}"`;
      const builtin = BUILTIN_RULES.find((b) => b.id === id);
      for (const k of Object.keys(o)) {
        if (!RULE_KEYS.has(k)) fail(at(k), `${name}: unknown key "${k}" (known: ${[...RULE_KEYS].join(", ")})`);
        if (builtin && !BUILTIN_KEYS.has(k)) fail(at(k), `${name} is built in: it takes only severity, enabled and allowlist (give your own rule another id)`);
      }
      const rule = { id };
      if (o.severity !== void 0) {
        if (!SEVERITIES.includes(o.severity)) fail(at("severity"), `${name}: severity must be one of ${SEVERITIES.join(", ")}, got ${JSON.stringify(o.severity)}`);
        rule.severity = o.severity;
      }
      if (o.enabled !== void 0) {
        if (typeof o.enabled !== "boolean") fail(at("enabled"), `${name}: enabled must be true or false`);
        rule.enabled = o.enabled;
      }
      if (o.allowlist !== void 0) {
        rule.allowlist = strings(o.allowlist, at("allowlist"), `${name}: allowlist`);
        if (id === "external_fetch") for (const h of rule.allowlist) {
          const why = checkHostPattern(h);
          if (why) fail(at("allowlist"), `${name}: allowlist entry ${why}`);
        }
      }
      if (!builtin) {
        if (seen.has(id)) fail(at("id"), `${name} is defined twice`);
        seen.add(id);
        if (o.regex === void 0 === (o.glob === void 0)) fail(at(), `${name}: give exactly one of regex or glob`);
        if (o.regex !== void 0) {
          if (typeof o.regex !== "string") fail(at("regex"), `${name}: regex must be a string`);
          const why = checkUserPattern(o.regex);
          if (why) fail(at("regex"), `${name}: regex ${why}`);
          rule.regex = o.regex;
        }
        if (o.glob !== void 0) {
          if (typeof o.glob !== "string" || o.glob.length === 0) fail(at("glob"), `${name}: glob must be a non-empty string`);
          rule.glob = o.glob;
        }
        if (o.tools !== void 0) rule.tools = strings(o.tools, at("tools"), `${name}: tools`);
        if (o.field !== void 0) {
          if (typeof o.field !== "string" || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(o.field)) fail(at("field"), `${name}: field must name a tool input field (command, file_path, url, \u2026) or be "target"`);
          rule.field = o.field;
        }
      }
      out.rules.push(rule);
    });
  }
  if (redaction !== void 0 && redaction !== null) {
    if (typeof redaction !== "object" || Array.isArray(redaction)) fail(["redaction"], "redaction must be a mapping (redaction.patterns: a list of {name, regex})");
    const r = redaction;
    for (const k of Object.keys(r)) if (k !== "patterns") fail(["redaction", k], `redaction: unknown key "${k}" (known: patterns)`);
    const pats = r.patterns ?? [];
    if (!Array.isArray(pats)) fail(["redaction", "patterns"], "redaction.patterns must be a list of {name, regex}");
    pats.forEach((p, i) => {
      const at = (k) => k ? ["redaction", "patterns", i, k] : ["redaction", "patterns", i];
      const o = typeof p === "object" && p !== null ? p : {};
      for (const k of Object.keys(o)) if (k !== "name" && k !== "regex") fail(at(k), `redaction.patterns[${i}]: unknown key "${k}" (known: name, regex)`);
      if (typeof o.name !== "string" || !/^[a-z0-9][a-z0-9-]{0,39}$/.test(o.name)) fail(at("name"), `redaction.patterns[${i}]: name must be lower-case-with-dashes (it becomes [REDACTED:<name>])`);
      if (typeof o.regex !== "string") fail(at("regex"), `redaction.patterns[${i}] "${o.name}": regex must be a string`);
      const why = checkUserPattern(o.regex);
      if (why) fail(at("regex"), `redaction.patterns[${i}] "${o.name}": regex ${why}`);
      out.redaction.push({ name: o.name, regex: o.regex });
    });
  }
  return out;
}

// src/config/config.ts
var parseYaml = (text) => createRequire2(import.meta.url)("yaml").parse(text);
var NO_DETECTION = { rules: [], redaction: [] };
function defaultConfigPath(env = process.env) {
  return join2(xdgDir("XDG_CONFIG_HOME", env), "ccotel", "config.yaml");
}
function defaultStateDir(env = process.env) {
  if (env.CCOTEL_STATE_DIR) return expandHome(env.CCOTEL_STATE_DIR);
  return join2(xdgDir("XDG_STATE_HOME", env), "ccotel");
}
function loadConfigFile(path2, env = process.env) {
  const explicit = path2 !== void 0;
  const p = path2 !== void 0 ? expandHome(path2) : defaultConfigPath(env);
  let text;
  try {
    text = readFileSync(p, "utf8");
  } catch (err) {
    if (!explicit && err.code === "ENOENT") return { path: p, config: DEFAULT_CONFIG, found: false, detection: NO_DETECTION };
    throw new UserError(`cannot read config file ${p}: ${err.message}`);
  }
  let doc;
  try {
    doc = parseYaml(text);
  } catch (err) {
    throw new UserError(`config file ${p} is not valid YAML: ${err.message.split("\n")[0]}`);
  }
  if (doc !== null && doc !== void 0 && (typeof doc !== "object" || Array.isArray(doc))) throw new UserError(`config file ${p} must be a mapping of settings`);
  const parsed = configSchema.safeParse(doc ?? {});
  if (!parsed.success) throw new UserError(`config file ${p}: ${describeIssues(parsed.error)}`);
  let detection;
  try {
    detection = checkDetectionConfig(text, parsed.data.rules, parsed.data.redaction);
  } catch (err) {
    if (!(err instanceof DetectionConfigError)) throw err;
    throw new UserError(`config file ${p}${err.line !== void 0 ? ` line ${err.line}` : ""}: ${err.reason}`);
  }
  return { path: p, config: parsed.data, found: true, detection };
}
var DEFAULT_CONFIG = configSchema.parse({});
function priceTable(config, env = process.env) {
  const table = { ...EMBEDDED_PRICES, ...config.pricing ?? {} };
  const rin = env.CLAUDE_RATE_INPUT;
  const rout = env.CLAUDE_RATE_OUTPUT;
  if (!rin && !rout) return { table, flatRate: false };
  const parse = (name, v) => {
    if (v === void 0 || v === "") return void 0;
    const n = Number(v);
    if (!Number.isFinite(n) || n < 0) throw new UserError(`${name} must be a non-negative number in USD per 1K tokens (got "${v}")`);
    return n * 1e3;
  };
  const inPerM = parse("CLAUDE_RATE_INPUT", rin);
  const outPerM = parse("CLAUDE_RATE_OUTPUT", rout);
  for (const [k, p] of Object.entries(table)) {
    const input = inPerM ?? p.input;
    table[k] = { input, output: outPerM ?? p.output, cacheWrite: inPerM !== void 0 ? input * 1.25 : p.cacheWrite, cacheRead: inPerM !== void 0 ? input * 0.1 : p.cacheRead, fastMultiplier: p.fastMultiplier };
  }
  return { table, flatRate: true };
}

// src/config/settings.ts
function loadSettings(o, env = process.env) {
  const { path: path2, config, found, detection } = loadConfigFile(o.config, env);
  configureRedaction(detection.redaction);
  const roots = resolveRoots(o.claudeDir?.length ? o.claudeDir.map(expandHome) : config.claudeDirs, env);
  const { table, flatRate } = priceTable(config, env);
  return {
    config,
    configPath: path2,
    configFound: found,
    roots,
    stateDir: o.stateDir !== void 0 ? expandHome(o.stateDir) : config.stateDir ?? defaultStateDir(env),
    timezone: checkTimeZone(o.timezone ?? config.timezone ?? localTimeZone()),
    pricer: new Pricer(table, { prefixKeys: new Set(Object.keys(config.pricing ?? {})) }),
    flatRate,
    detector: createDetector(detection.rules),
    rules: detection.rules
  };
}

// src/state/lock.ts
import { constants, closeSync, fstatSync, ftruncateSync, linkSync, openSync, readdirSync, readFileSync as readFileSync2, readSync, unlinkSync, writeSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { join as join3 } from "node:path";
var GEN = /^lock\.(\d+)$/;
var READ = constants.O_RDONLY | constants.O_NOFOLLOW;
var StateLock = class _StateLock {
  constructor(path2) {
    this.path = path2;
  }
  path;
  /** Returns the lock, or the pid of the live process that holds it. Throws fs errors (unwritable dir). */
  static acquire(dir) {
    const legacy = readHolder(join3(dir, "lock"));
    if (legacy && legacy.pid > 0 && legacy.pid !== process.pid && isAlive(legacy)) return { heldBy: legacy.pid };
    const tmp = join3(dir, `lock.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
    const fd = openSync(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 384);
    try {
      try {
        writeSync(fd, `${process.pid} ${processIdentity(process.pid) ?? ""}
`);
      } finally {
        closeSync(fd);
      }
      for (let attempt = 0; attempt < 50; attempt++) {
        const top2 = highest(dir);
        if (top2?.holder && top2.holder.pid > 0 && top2.holder.pid !== process.pid && isAlive(top2.holder)) return { heldBy: top2.holder.pid };
        if (top2 && !top2.holder) continue;
        const gen = (top2?.gen ?? 0) + 1;
        const path2 = join3(dir, `lock.${gen}`);
        try {
          linkSync(tmp, path2);
        } catch (err) {
          if (err.code === "EEXIST") continue;
          throw err;
        }
        if ((highest(dir)?.gen ?? 0) > gen) {
          unlinkQuiet(path2);
          continue;
        }
        for (const g of generations(dir)) if (g < gen) unlinkQuiet(join3(dir, `lock.${g}`));
        unlinkQuiet(join3(dir, "lock"));
        return new _StateLock(path2);
      }
      const top = highest(dir);
      return { heldBy: top?.holder?.pid ?? -1 };
    } finally {
      unlinkQuiet(tmp);
    }
  }
  /** The pid of the live process holding `dir`, if any (doctor asks this instead of reading files). */
  static holder(dir) {
    const legacy = readHolder(join3(dir, "lock"));
    if (legacy && legacy.pid > 0 && isAlive(legacy)) return legacy.pid;
    const h = highest(dir)?.holder;
    return h && h.pid > 0 && isAlive(h) ? h.pid : void 0;
  }
  release() {
    try {
      const fd = openSync(this.path, constants.O_RDWR | constants.O_NOFOLLOW);
      try {
        if (readFd(fd).split(" ")[0] === String(process.pid)) {
          ftruncateSync(fd, 0);
        }
      } finally {
        closeSync(fd);
      }
    } catch {
    }
  }
};
function generations(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const m = GEN.exec(name);
    if (m) out.push(Number(m[1]));
  }
  return out;
}
function highest(dir) {
  const gens = generations(dir);
  if (gens.length === 0) return void 0;
  const gen = Math.max(...gens);
  return { gen, holder: readHolder(join3(dir, `lock.${gen}`)) };
}
function readHolder(path2) {
  let fd;
  try {
    fd = openSync(path2, READ);
  } catch {
    return void 0;
  }
  try {
    const [pidText = "", identity] = readFd(fd).split(" ");
    if (pidText === "") return { pid: 0 };
    const pid = Number.parseInt(pidText, 10);
    return Number.isInteger(pid) ? { pid, identity: identity || void 0 } : { pid: 0 };
  } finally {
    closeSync(fd);
  }
}
var bootId;
function processIdentity(pid) {
  try {
    bootId ??= readFileSync2("/proc/sys/kernel/random/boot_id", "utf8").trim();
    const stat = readFileSync2(`/proc/${pid}/stat`, "utf8");
    const start = stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19];
    return start ? `${bootId}:${start}` : void 0;
  } catch {
    return void 0;
  }
}
function readFd(fd) {
  const size2 = Math.min(fstatSync(fd).size, 64);
  const buf = Buffer.alloc(size2);
  const n = size2 > 0 ? readSync(fd, buf, 0, size2, 0) : 0;
  return buf.subarray(0, n).toString("utf8").trim();
}
function unlinkQuiet(path2) {
  try {
    unlinkSync(path2);
  } catch {
  }
}
function isAlive(h) {
  try {
    process.kill(h.pid, 0);
  } catch (err) {
    if (err.code !== "EPERM") return false;
  }
  if (h.identity === void 0) return true;
  const now = processIdentity(h.pid);
  return now === void 0 || now === h.identity;
}

// src/model/hook-payload.ts
var TOOL_EVENTS = { PreToolUse: "pre", PostToolUse: "post", PostToolUseFailure: "failure" };
var DETAIL_FIELDS = ["notification_type", "trigger", "source", "reason", "agent_type", "permission_mode", "tool_name", "decision"];
var FLAG_FIELDS = ["stop_hook_active"];
var str2 = (v) => typeof v === "string" && v !== "" ? v : void 0;
var size = (v) => v === void 0 ? 0 : typeof v === "string" ? v.length : JSON.stringify(v)?.length ?? 0;
function parseHookPayload(id, ts, text, transcriptExists) {
  let p;
  try {
    p = JSON.parse(text);
  } catch {
    return { ok: false, reason: "not JSON" };
  }
  if (p === null || typeof p !== "object" || Array.isArray(p)) return { ok: false, reason: "not a JSON object" };
  const o = p;
  const sessionId = str2(o.session_id);
  const event = str2(o.hook_event_name);
  if (!sessionId) return { ok: false, reason: "no session_id" };
  if (!event) return { ok: false, reason: "no hook_event_name" };
  const transcriptPath = str2(o.transcript_path);
  const detail = {};
  for (const f of DETAIL_FIELDS) {
    const v = o[f];
    if (typeof v === "string" && v.length <= 200) detail[f] = v;
  }
  for (const f of FLAG_FIELDS) if (typeof o[f] === "boolean") detail[f] = String(o[f]);
  const out = {
    kind: "hook",
    ctx: { sessionId, cwd: str2(o.cwd) ?? "", agentId: str2(o.agent_id) },
    ts,
    id,
    event,
    transcript: transcriptPath !== void 0 && transcriptExists(transcriptPath),
    detail
  };
  const phase = TOOL_EVENTS[event];
  if (phase) {
    const toolId = str2(o.tool_use_id);
    const name = str2(o.tool_name);
    if (!toolId || !name) return { ok: false, reason: `${event} without tool_use_id or tool_name` };
    const input = o.tool_input !== null && typeof o.tool_input === "object" && !Array.isArray(o.tool_input) ? o.tool_input : {};
    out.tool = { phase, id: toolId, name, input, inputChars: size(o.tool_input) };
    if (phase === "post") out.tool.resultChars = size(o.tool_response);
    if (phase === "failure") {
      out.tool.errorText = (str2(o.error) ?? "tool failed").split("\n")[0].slice(0, 300);
      if (o.is_interrupt === true) out.tool.interrupt = true;
    }
  }
  if (event === "UserPromptSubmit") out.promptChars = size(o.prompt);
  return { ok: true, event: out };
}
var estimateTokens = (chars) => Math.ceil(chars / 4);
function hookEstimate(e) {
  if (e.transcript) return void 0;
  if (e.promptChars !== void 0) return { input: estimateTokens(e.promptChars), output: 0 };
  const t = e.tool;
  if (!t) return void 0;
  if (t.phase === "pre") return { input: 0, output: estimateTokens(t.inputChars) };
  if (t.phase === "post") return { input: estimateTokens(t.resultChars ?? 0), output: 0 };
  return { input: estimateTokens(t.errorText?.length ?? 0), output: 0 };
}

// src/state/fault-points.ts
var hook = fromEnv(process.env.CCOTEL_TEST_FAULT);
function faultPoint(point) {
  hook?.(point);
}
function errnoError(code, point) {
  const err = new Error(`${code}: injected at ${point}`);
  err.code = code;
  return err;
}
function fromEnv(spec) {
  if (!spec) return void 0;
  const rules = /* @__PURE__ */ new Map();
  for (const part of spec.split(",")) {
    const [point, code] = part.split("=");
    if (point) rules.set(point.trim(), code?.trim() || void 0);
  }
  return (point) => {
    if (!rules.has(point)) return;
    const code = rules.get(point);
    if (code) throw errnoError(code, point);
    process.kill(process.pid, "SIGKILL");
  };
}

// src/state/atomic-file.ts
import { constants as constants2 } from "node:fs";
import { open, rename, unlink } from "node:fs/promises";
import { randomBytes as randomBytes2 } from "node:crypto";
import { dirname } from "node:path";
var CREATE_EXCLUSIVE = constants2.O_WRONLY | constants2.O_CREAT | constants2.O_EXCL | constants2.O_NOFOLLOW;
async function writeFileAtomic(path2, data) {
  const tmp = `${path2}.${process.pid}.${randomBytes2(4).toString("hex")}.tmp`;
  const fh = await open(tmp, CREATE_EXCLUSIVE, 384);
  try {
    try {
      faultPoint("atomic.write");
      await fh.writeFile(data);
      await fh.sync();
    } finally {
      await fh.close();
    }
    faultPoint("atomic.rename");
    await rename(tmp, path2);
  } catch (err) {
    await unlink(tmp).catch(() => {
    });
    throw err;
  }
  await syncDir(dirname(path2));
}
async function syncDir(dir) {
  try {
    const d = await open(dir, "r");
    try {
      await d.sync();
    } finally {
      await d.close();
    }
  } catch {
  }
}

export {
  SEVERITIES,
  BUILTIN_RULES,
  loadConfigFile,
  createDetector,
  BUILTIN_RULE_IDS,
  loadSettings,
  parseHookPayload,
  estimateTokens,
  hookEstimate,
  StateLock,
  faultPoint,
  CREATE_EXCLUSIVE,
  writeFileAtomic,
  syncDir
};
