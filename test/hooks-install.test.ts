// `ccotel hooks install|uninstall|status` through the built CLI, on real settings files.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir, useCleanups } from './support/temp.js';
import { expectOneLineError, runCli } from './support/cli-process.js';
import { HOOK_SCRIPT } from './support/hook-script.js';

useCleanups();

const USER_SETTINGS = {
  model: 'opus',
  permissions: { allow: ['Bash(npm test)'] },
  hooks: {
    PostToolUse: [{ matcher: 'Write|Edit', hooks: [{ type: 'command', command: 'prettier --write "$FILE"' }] }],
    Stop: [{ hooks: [{ type: 'command', command: 'say done' }] }],
  },
};

describe('ccotel hooks', () => {
  it('install merges, is idempotent, keeps a backup, prints the diff; uninstall removes exactly what it added', async () => {
    const d = await tempDir('hooks-install');
    const settings = join(d, 'settings.json');
    const original = JSON.stringify(USER_SETTINGS, null, 2) + '\n';
    writeFileSync(settings, original);
    const state = join(d, 'state');
    const args = ['hooks', 'install', '--settings', settings, '--state-dir', state];

    const dry = await runCli([...args, '--dry-run']);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toContain(`+             "command": "'${HOOK_SCRIPT}' '${state}'"`);
    expect(readFileSync(settings, 'utf8')).toBe(original); // dry run writes nothing

    const first = await runCli(args);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/^changed .*settings\.json \(backup: .*settings\.json\.ccotel-backup-\d{8}T\d{6}Z\)/);
    const installed = JSON.parse(readFileSync(settings, 'utf8'));
    // Other keys and hooks as they were; ours added on every event.
    expect(installed.model).toBe('opus');
    expect(installed.permissions).toEqual(USER_SETTINGS.permissions);
    expect(installed.hooks.PostToolUse[0]).toEqual(USER_SETTINGS.hooks.PostToolUse[0]);
    expect(installed.hooks.Stop[0]).toEqual(USER_SETTINGS.hooks.Stop[0]);
    const ours = (event: string) => (installed.hooks[event] as any[]).filter((g) => g.hooks.some((h: any) => h.command.includes('ccotel-hook.sh')));
    for (const e of ['PreToolUse', 'PostToolUse', 'PostToolUseFailure', 'UserPromptSubmit', 'Notification', 'PermissionRequest', 'PreCompact', 'SessionStart', 'SessionEnd', 'SubagentStart', 'SubagentStop', 'Stop']) {
      expect(ours(e), e).toHaveLength(1);
      expect(ours(e)[0].hooks).toEqual([{ type: 'command', command: `'${HOOK_SCRIPT}' '${state}'`, timeout: 10 }]);
    }
    expect(ours('PreToolUse')[0].matcher).toBe('*');
    const backups = readdirSync(d).filter((f) => f.startsWith('settings.json.ccotel-backup-'));
    expect(backups).toHaveLength(1);
    expect(readFileSync(join(d, backups[0]!), 'utf8')).toBe(original);

    const again = await runCli(args);
    expect(again.stdout).toContain('already installed, nothing to change');
    expect(JSON.parse(readFileSync(settings, 'utf8'))).toEqual(installed);

    const status = await runCli(['hooks', 'status', '--settings', settings, '--state-dir', state]);
    expect(status.stdout).toContain('ccotel hooks on');
    expect(status.stdout).toContain('no daemon running');

    const un = await runCli(['hooks', 'uninstall', '--settings', settings]);
    expect(un.code, un.stderr).toBe(0);
    expect(JSON.parse(readFileSync(settings, 'utf8'))).toEqual(USER_SETTINGS);
    expect((await runCli(['hooks', 'uninstall', '--settings', settings])).stdout).toContain('nothing to change');
  });

  it('--events limits the events; a moved package path is replaced, not duplicated', async () => {
    const d = await tempDir('hooks-events');
    const settings = join(d, 'settings.json');
    writeFileSync(settings, JSON.stringify({ hooks: { PreToolUse: [{ matcher: '*', hooks: [{ type: 'command', command: "'/old/place/hooks/ccotel-hook.sh' '/old/state'" }] }] } }));
    const r = await runCli(['hooks', 'install', '--settings', settings, '--state-dir', join(d, 's'), '--events', 'PostToolUse,Notification']);
    expect(r.code, r.stderr).toBe(0);
    const h = JSON.parse(readFileSync(settings, 'utf8')).hooks;
    expect(Object.keys(h).sort()).toEqual(['Notification', 'PostToolUse']);
    const bad = await runCli(['hooks', 'install', '--settings', settings, '--events', 'PostToolUse,Nope']);
    expect(bad.code).toBe(2);
    expect(expectOneLineError(bad)).toContain('unknown hook event "Nope"');
  });

  it('a malformed settings.json is reported with its path and line, and never overwritten', async () => {
    const d = await tempDir('hooks-bad');
    const settings = join(d, 'settings.json');
    const text = '{\n  "model": "opus",\n  "hooks": {\n    "Stop": [,]\n  }\n}\n';
    writeFileSync(settings, text);
    for (const cmd of ['install', 'uninstall']) {
      const r = await runCli(['hooks', cmd, '--settings', settings]);
      expect(r.code).toBe(2);
      expect(expectOneLineError(r)).toBe(`ccotel: ${settings}:4:14: not valid JSON (unexpected ','); fix it first, ccotel did not change it`);
    }
    expect(readFileSync(settings, 'utf8')).toBe(text);
    expect(readdirSync(d).filter((f) => f.includes('backup'))).toEqual([]);
  });
});
