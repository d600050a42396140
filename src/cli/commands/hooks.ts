// `ccotel hooks install|uninstall|status`: Claude Code hooks that spool events for the daemon
// (docs/hooks.md). The settings.json logic is in src/hooks/.
import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadSettings } from '../../config/settings.js';
import { UserError } from '../../errors.js';
import { ALL_EVENTS, install, scopeStatus, SCOPES, settingsPath, uninstall, type Change, type Scope } from '../../hooks/install.js';
import { spoolBacklog, spoolDir } from '../../sources/spool-dir.js';
import { StateLock } from '../../state/lock.js';
import { limitsOf } from '../../budget/status-writer.js';

interface HooksOptions {
  scope?: string;
  settings?: string;
  events?: string;
  budgetGuard?: boolean;
  dryRun?: boolean;
  stateDir?: string;
  config?: string;
}

function scopeOf(o: HooksOptions): Scope {
  const s = o.scope ?? 'user';
  if (!(SCOPES as readonly string[]).includes(s)) throw new UserError(`--scope must be one of ${SCOPES.join(', ')} (got "${s}")`);
  return s as Scope;
}

const pathOf = (o: HooksOptions): string => o.settings ?? settingsPath(scopeOf(o));

function report(c: Change, verb: string, dryRun: boolean): void {
  if (!c.changed) {
    process.stdout.write(`${c.path}: already ${verb === 'install' ? 'installed' : 'without ccotel hooks'}, nothing to change\n`);
    return;
  }
  process.stdout.write(`${dryRun ? 'would change' : 'changed'} ${c.path}${c.backup ? ` (backup: ${c.backup})` : ''}\n${c.diff}\n`);
}

export function registerHooks(program: Command): void {
  const hooks = program.command('hooks').description('Claude Code hooks: exact tool timings, permission requests and notifications, live');
  const common = (cmd: Command): Command =>
    cmd
      .option('--scope <scope>', 'user (~/.claude/settings.json) | project (.claude/settings.json) | local (.claude/settings.local.json)', 'user')
      .option('--settings <file>', 'edit this settings.json instead of the scope\'s')
      .option('--dry-run', 'print the change, write nothing');
  common(
    hooks
      .command('install')
      .description("add ccotel's hooks to Claude Code's settings (idempotent; other hooks and keys untouched; a timestamped backup is kept)")
      .option('--events <list>', `comma-separated hook events (default: all: ${ALL_EVENTS.join(',')})`)
      .option('--budget-guard', 'also add the budget guard (UserPromptSubmit, PreToolUse): warns while a budget in the config is spent; blocks new prompts with budgets.enforce')
      .option('--state-dir <dir>', 'the state directory the daemon uses (default: $XDG_STATE_HOME/ccotel)')
      .option('--config <file>', 'config file (default: ~/.config/ccotel/config.yaml)'),
  ).action((o: HooksOptions) => {
    const path = pathOf(o);
    const events = o.events ? o.events.split(',').map((e) => e.trim()).filter(Boolean) : [...ALL_EVENTS];
    const { stateDir, config, configPath } = loadSettings({ stateDir: o.stateDir, config: o.config });
    const guard = o.budgetGuard === true;
    report(install({ path, stateDir, events, budgetGuard: guard, dryRun: o.dryRun === true }), 'install', o.dryRun === true);
    if (guard && !limitsOf(config)) process.stdout.write(`note: no budgets in ${configPath} yet: the guard does nothing until you set budgets.daily, .weekly or .monthly (and run \`ccotel run\`)\n`);
  });
  common(hooks.command('uninstall').description('remove exactly the hooks install added')).action((o: HooksOptions) => {
    report(uninstall(pathOf(o), o.dryRun === true), 'uninstall', o.dryRun === true);
  });
  hooks
    .command('status')
    .description('what is installed where, and whether the daemon is consuming the spool')
    .option('--settings <file>', 'look at this settings.json only')
    .option('--state-dir <dir>', 'the state directory (default: $XDG_STATE_HOME/ccotel)')
    .option('--config <file>', 'config file')
    .action(async (o: HooksOptions) => {
      const targets: Array<[string, string]> = o.settings ? [['file', o.settings]] : SCOPES.map((s) => [s, settingsPath(s)]);
      for (const [scope, path] of targets) {
        const st = scopeStatus(scope as Scope, path);
        let line = `${scope.padEnd(7)} ${path}: `;
        if (st.error) line += `unreadable: ${st.error}`;
        else if (!st.exists) line += 'no file';
        else if (st.events.length === 0 && st.guard.length === 0) line += 'no ccotel hooks';
        else line += `ccotel hooks on ${st.events.join(', ') || 'no event'}${st.guard.length ? `; budget guard on ${st.guard.join(', ')}` : ''}`;
        if (st.broken.length) line += ` — BROKEN: script missing or not executable (${st.broken.join('; ')}); run \`ccotel hooks install\` again`;
        process.stdout.write(line + '\n');
      }
      const { stateDir } = loadSettings({ stateDir: o.stateDir, config: o.config });
      const dir = spoolDir(stateDir);
      const backlog = await spoolBacklog(dir);
      let pid: number | undefined;
      try {
        pid = StateLock.holder(stateDir);
      } catch {
        pid = undefined; // no state directory yet
      }
      const daemon = pid ? `daemon running (pid ${pid})` : 'no daemon running: events wait in the spool until `ccotel run` or `ccotel backfill`';
      const waiting = backlog.waiting === 0 ? 'spool empty' : `${backlog.waiting} events waiting, oldest ${Math.round(backlog.oldestMs! / 1000)} s`;
      const stuck = pid && backlog.oldestMs !== undefined && backlog.oldestMs > 60_000 ? ' — the daemon is NOT consuming the spool (is it another state dir?)' : '';
      process.stdout.write(`spool   ${dir}: ${waiting}; ${daemon}${stuck}\n`);
      try {
        const errors = readFileSync(join(dir, 'hook-errors.log'), 'utf8').trim().split('\n');
        process.stdout.write(`hook errors: ${errors.length}, last: ${errors[errors.length - 1]}\n`);
      } catch {
        // no errors logged
      }
    });
}
