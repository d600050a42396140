// `ccotel hooks install|uninstall|status`: ccotel's entries in Claude Code's settings.json. An entry
// is ccotel's when its command runs one of the scripts in the package's hooks/ folder; install adds
// exactly those (replacing an older path of the same script), uninstall removes exactly those, and
// every other hook and key is left as it was.
import { accessSync, constants, existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UserError } from '../errors.js';
import { lineDiff, readSettings, serializeSettings, writeSettings, type Json, type JsonObject } from './settings-file.js';

export const HOOKS_DIR = fileURLToPath(new URL('../../hooks/', import.meta.url));
export const SPOOL_SCRIPT = 'ccotel-hook.sh';
export const GUARD_SCRIPT = 'ccotel-budget-guard.sh';
const OURS = [SPOOL_SCRIPT, GUARD_SCRIPT];

export const SCOPES = ['user', 'project', 'local'] as const;
export type Scope = (typeof SCOPES)[number];

/** Every hook event the spool records (docs/hooks.md says what each becomes). */
export const ALL_EVENTS = ['PreToolUse', 'PostToolUse', 'PostToolUseFailure', 'UserPromptSubmit', 'Notification', 'PermissionRequest', 'PreCompact', 'SessionStart', 'SessionEnd', 'SubagentStart', 'SubagentStop', 'Stop'] as const;
/** Events whose entries take a tool-name matcher. */
const MATCHED = new Set(['PreToolUse', 'PostToolUse', 'PostToolUseFailure', 'PermissionRequest']);
const GUARD_EVENTS = ['UserPromptSubmit', 'PreToolUse'];
const TIMEOUT_S = 10;

export function settingsPath(scope: Scope, env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): string {
  if (scope === 'project') return join(cwd, '.claude', 'settings.json');
  if (scope === 'local') return join(cwd, '.claude', 'settings.local.json');
  const configDir = env.CLAUDE_CONFIG_DIR?.split(',')[0]?.trim();
  return join(configDir ? configDir.replace(/\/projects\/?$/, '') : join(homedir(), '.claude'), 'settings.json');
}

const shellQuote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

export function hookCommand(script: string, stateDir: string, ...args: string[]): string {
  return [join(HOOKS_DIR, script), resolve(stateDir), ...args].map(shellQuote).join(' ');
}

const isOurs = (cmd: unknown): boolean => typeof cmd === 'string' && OURS.some((s) => cmd.includes(`/${s}`));
const isObj = (v: Json | undefined): v is JsonObject => v !== null && typeof v === 'object' && !Array.isArray(v);

export interface Change {
  path: string;
  changed: boolean;
  diff: string;
  backup?: string;
  /** Events ccotel's entries are under after the change. */
  events: string[];
}

/** Removes ccotel's entries from one event's matcher groups (a group left empty goes too). */
function withoutOurs(groups: Json[]): Json[] {
  const out: Json[] = [];
  for (const g of groups) {
    if (!isObj(g) || !Array.isArray(g.hooks)) {
      out.push(g);
      continue;
    }
    const hooks = g.hooks.filter((h) => !(isObj(h) && isOurs(h.command)));
    if (hooks.length === g.hooks.length) out.push(g);
    else if (hooks.length > 0) out.push({ ...g, hooks });
  }
  return out;
}

/**
 * Takes ccotel's entries out of every event. An event left empty by that goes; a value that is not
 * a list (the user's to fix) or a list that was already empty stays as it is.
 */
function removeOurs(hooks: JsonObject): void {
  for (const k of Object.keys(hooks)) {
    const groups = hooks[k];
    if (!Array.isArray(groups) || groups.length === 0) continue;
    const rest = withoutOurs(groups);
    if (rest.length > 0) hooks[k] = rest;
    else delete hooks[k];
  }
}

function hooksOf(data: JsonObject, path: string): JsonObject {
  const h = data.hooks;
  if (h === undefined) return {};
  if (!isObj(h)) throw new UserError(`${path}: "hooks" is not an object; fix it first, ccotel did not change it`);
  return h;
}

function plan(path: string, edit: (hooks: JsonObject) => JsonObject): { s: ReturnType<typeof readSettings>; next: string; events: string[] } {
  const s = readSettings(path);
  const hooks = edit({ ...hooksOf(s.data, path) });
  const data: JsonObject = { ...s.data };
  if (Object.keys(hooks).length > 0) data.hooks = hooks;
  else delete data.hooks;
  const events = Object.entries(hooks)
    .filter(([, groups]) => Array.isArray(groups) && groups.some((g) => isObj(g) && Array.isArray(g.hooks) && g.hooks.some((h) => isObj(h) && isOurs(h.command))))
    .map(([e]) => e);
  return { s, next: serializeSettings(data), events };
}

function apply(p: ReturnType<typeof plan>, dryRun: boolean): Change {
  // Unchanged content: no write, no backup (install twice = once).
  const same = p.s.exists && JSON.stringify(JSON.parse(p.next)) === JSON.stringify(p.s.data);
  if (same || (!p.s.exists && p.events.length === 0)) return { path: p.s.path, changed: false, diff: '', events: p.events };
  const diff = lineDiff(p.s.text, p.next);
  const backup = dryRun ? undefined : writeSettings(p.s, p.next);
  return { path: p.s.path, changed: true, diff, backup, events: p.events };
}

export interface InstallOptions {
  path: string;
  stateDir: string;
  events: readonly string[];
  budgetGuard: boolean;
  dryRun: boolean;
}

export function install(o: InstallOptions): Change {
  for (const e of o.events) if (!(ALL_EVENTS as readonly string[]).includes(e)) throw new UserError(`unknown hook event "${e}" (known: ${ALL_EVENTS.join(', ')})`);
  const spool = hookCommand(SPOOL_SCRIPT, o.stateDir);
  return apply(
    plan(o.path, (hooks) => {
      // Ours out first (an older path, other events), then in where asked: the result is the same however often it runs.
      removeOurs(hooks);
      const add = (event: string, command: string): void => {
        const handler: Json[] = [{ type: 'command', command, timeout: TIMEOUT_S }];
        const current = hooks[event];
        if (current !== undefined && !Array.isArray(current)) throw new UserError(`${o.path}: "hooks.${event}" is not a list; fix it first, ccotel did not change it`);
        const groups = current ?? [];
        hooks[event] = [...groups, MATCHED.has(event) ? { matcher: '*', hooks: handler } : { hooks: handler }];
      };
      for (const e of o.events) add(e, spool);
      // The guard is told its event: only a prompt is ever blocked, a tool call gets the warning.
      if (o.budgetGuard) for (const e of GUARD_EVENTS) add(e, hookCommand(GUARD_SCRIPT, o.stateDir, e));
      return hooks;
    }),
    o.dryRun,
  );
}

export function uninstall(path: string, dryRun: boolean): Change {
  return apply(
    plan(path, (hooks) => {
      removeOurs(hooks);
      return hooks;
    }),
    dryRun,
  );
}

export interface ScopeStatus {
  scope: Scope;
  path: string;
  exists: boolean;
  /** Events with ccotel's spool hook, and with the budget guard. */
  events: string[];
  guard: string[];
  /** Commands of ccotel's entries whose script is missing or not executable. */
  broken: string[];
  error?: string;
}

export function scopeStatus(scope: Scope, path: string): ScopeStatus {
  const st: ScopeStatus = { scope, path, exists: existsSync(path), events: [], guard: [], broken: [] };
  let data: JsonObject;
  try {
    data = readSettings(path).data;
  } catch (err) {
    st.error = (err as Error).message;
    return st;
  }
  const hooks = isObj(data.hooks) ? data.hooks : {};
  for (const [event, groups] of Object.entries(hooks)) {
    if (!Array.isArray(groups)) continue;
    for (const g of groups) {
      if (!isObj(g) || !Array.isArray(g.hooks)) continue;
      for (const h of g.hooks) {
        if (!isObj(h) || !isOurs(h.command)) continue;
        const cmd = h.command as string;
        (cmd.includes(`/${GUARD_SCRIPT}`) ? st.guard : st.events).push(event);
        const script = /^'([^']+)'/.exec(cmd)?.[1] ?? cmd.split(' ')[0]!;
        try {
          accessSync(script, constants.X_OK);
        } catch {
          st.broken.push(cmd);
        }
      }
    }
  }
  return st;
}
