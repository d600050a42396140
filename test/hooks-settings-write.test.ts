// `ccotel hooks install|uninstall` (the built CLI) write Claude Code's settings.json without harm to
// the file itself: a symlinked settings.json (a dotfiles repository) stays a link and the change
// lands in the file it points to; the file's mode is kept; a read-only file is refused, not replaced;
// two writes within one second never overwrite the first backup. Expected contents come from the
// JSON this test writes (JSON.parse), never from ccotel's output.
import { chmodSync, lstatSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { requireBuiltCli } from './support/ccotel-cli.js';
import { expectOneLineError, runCli } from './support/cli-process.js';
import { HOOK_SCRIPT } from './support/hook-script.js';
import { tempDir, useCleanups } from './support/temp.js';

useCleanups();
beforeAll(() => requireBuiltCli());

const USER_HOOK = { matcher: 'Bash', hooks: [{ type: 'command', command: '/home/me/guard.sh' }] };
const ORIGINAL = { model: 'opus', hooks: { PreToolUse: [USER_HOOK] } };
// The user's own formatting, which only a backup keeps once ccotel re-serializes the file.
const ORIGINAL_TEXT = `{\n    "model":   "opus",\n    "hooks": {"PreToolUse": [${JSON.stringify(USER_HOOK)}]}\n}\n`;

const install = (file: string, state: string) => runCli(['hooks', 'install', '--settings', file, '--state-dir', state, '--events', 'PreToolUse,Stop']);
const uninstall = (file: string) => runCli(['hooks', 'uninstall', '--settings', file]);
const json = (file: string): any => JSON.parse(readFileSync(file, 'utf8'));
const commands = (groups: any[]): string[] => groups.flatMap((g) => g.hooks.map((h: any) => h.command));

describe('hooks install/uninstall on the settings file itself', () => {
  it('a symlinked settings.json stays a link; install and uninstall edit the file it points to', async () => {
    const d = await tempDir('hooks-link');
    mkdirSync(join(d, 'dotfiles'));
    mkdirSync(join(d, 'claude'));
    const target = join(d, 'dotfiles', 'settings.json');
    const link = join(d, 'claude', 'settings.json');
    writeFileSync(target, ORIGINAL_TEXT);
    symlinkSync('../dotfiles/settings.json', link);

    const r = await install(link, join(d, 'state'));
    expect(r.code, r.stderr).toBe(0);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    const after = json(target);
    // The user's hook first and untouched, ccotel's after it.
    expect(after.hooks.PreToolUse[0]).toEqual(USER_HOOK);
    expect(commands(after.hooks.PreToolUse).slice(1)).toEqual([`'${HOOK_SCRIPT}' '${join(d, 'state')}'`]);
    expect(after.model).toBe('opus');

    const u = await uninstall(link);
    expect(u.code, u.stderr).toBe(0);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(json(target)).toEqual(ORIGINAL);
  });

  it("keeps the file's mode", async () => {
    const d = await tempDir('hooks-mode');
    const file = join(d, 'settings.json');
    writeFileSync(file, ORIGINAL_TEXT);
    chmodSync(file, 0o644);
    expect((await install(file, join(d, 'state'))).code).toBe(0);
    expect(statSync(file).mode & 0o777).toBe(0o644);
    expect(commands(json(file).hooks.Stop)).toHaveLength(1);
  });

  it('refuses a read-only settings file (one-line error, exit 2) and leaves it as it was', async () => {
    const d = await tempDir('hooks-ro');
    const file = join(d, 'settings.json');
    writeFileSync(file, ORIGINAL_TEXT);
    chmodSync(file, 0o444);
    const r = await install(file, join(d, 'state'));
    expect(r.code).toBe(2);
    expect(expectOneLineError(r)).toMatch(/read-only/);
    expect(readFileSync(file, 'utf8')).toBe(ORIGINAL_TEXT);
    expect(statSync(file).mode & 0o777).toBe(0o444);
    expect(readdirSync(d)).toEqual(['settings.json']); // no backup, no temp file
  });

  it('install then uninstall within a second: the first backup (the original bytes) is not overwritten', async () => {
    const d = await tempDir('hooks-backup');
    const file = join(d, 'settings.json');
    writeFileSync(file, ORIGINAL_TEXT);
    // Each command takes well under a second; retry the pair if a second boundary fell between them.
    let backups: string[] = [];
    for (let attempt = 0; attempt < 5; attempt++) {
      writeFileSync(file, ORIGINAL_TEXT);
      for (const b of readdirSync(d).filter((n) => n.includes('.ccotel-backup-'))) rmSync(join(d, b));
      const t0 = Math.floor(Date.now() / 1000);
      expect((await install(file, join(d, 'state'))).code).toBe(0);
      expect((await uninstall(file)).code).toBe(0);
      backups = readdirSync(d).filter((n) => n.includes('.ccotel-backup-'));
      if (Math.floor(Date.now() / 1000) === t0) break;
    }
    const contents = backups.map((b) => readFileSync(join(d, b), 'utf8'));
    expect(contents).toContain(ORIGINAL_TEXT);
    expect(backups).toHaveLength(2);
  });
});

describe("hooks install/uninstall and the user's own entries", () => {
  it('an event whose value is not a list is kept as it is (never dropped), and one ccotel would add to is refused', async () => {
    const d = await tempDir('hooks-shape');
    const file = join(d, 'settings.json');
    // "Stop" holds an object, not the list Claude Code expects: the user's to fix, not ccotel's to drop.
    const mine = { Stop: { hooks: [{ type: 'command', command: '/home/me/notify.sh' }] }, SessionEnd: [] };
    writeFileSync(file, JSON.stringify({ hooks: mine }));
    const r = await runCli(['hooks', 'install', '--settings', file, '--state-dir', join(d, 'state'), '--events', 'PreToolUse']);
    expect(r.code, r.stderr).toBe(0);
    const after = json(file);
    expect(after.hooks.Stop).toEqual(mine.Stop);
    expect(after.hooks.SessionEnd).toEqual([]);
    expect(commands(after.hooks.PreToolUse)).toEqual([`'${HOOK_SCRIPT}' '${join(d, 'state')}'`]);
    const u = await uninstall(file);
    expect(u.code, u.stderr).toBe(0);
    expect(json(file)).toEqual({ hooks: mine });
    // Installing on that very event would have to replace the user's value: refused, file unchanged.
    const before = readFileSync(file, 'utf8');
    const s = await runCli(['hooks', 'install', '--settings', file, '--state-dir', join(d, 'state'), '--events', 'Stop']);
    expect(s.code).toBe(2);
    expect(expectOneLineError(s)).toMatch(/Stop/);
    expect(readFileSync(file, 'utf8')).toBe(before);
  });
});
