// The real hooks/ccotel-hook.sh, beyond test/hook-script.test.ts: its fallback error log lives in
// a shared folder ($TMPDIR, else /tmp) under a fixed name, so a symlink planted there must not make
// the hook truncate or append to the file it points to; and the hook never starts Node (every
// program it executes, seen by strace).
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HOOK_SCRIPT, payloads, runHook, spooled } from './support/hook-script.js';
import { tempDir, useCleanups } from './support/temp.js';

useCleanups();

describe('ccotel-hook.sh, hardened', () => {
  it('never writes through a symlink at the fallback error log (it would truncate the file past 64 kB)', async () => {
    const d = await tempDir('hooks-loglink');
    const tmp = join(d, 'tmp');
    mkdirSync(tmp);
    const victim = join(d, 'precious.txt');
    const precious = 'keep me\n'.repeat(10_000); // 80 kB: past the log's 64 kB limit
    writeFileSync(victim, precious);
    symlinkSync(victim, join(tmp, 'ccotel-hook-errors.log'));
    writeFileSync(join(d, 'file'), 'not a directory');
    // A state dir that cannot be created sends the error to $TMPDIR/ccotel-hook-errors.log.
    const r = await runHook(JSON.stringify(payloads()[0]), [join(d, 'file', 'state')], { TMPDIR: tmp });
    expect(r).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(readFileSync(victim, 'utf8')).toBe(precious);
  });

  it('runs no node: the programs it executes are sh builtins plus mkdir, date, cat, mv', async () => {
    // .ci/run installs strace: without it this fails rather than skips (the proof would be missing).
    expect(spawnSync('strace', ['-V']).status, 'strace is not installed').toBe(0);
    const d = await tempDir('hooks-strace');
    const state = join(d, 'state');
    const trace = join(d, 'trace');
    const payload = JSON.stringify(payloads()[0]);
    execFileSync('strace', ['-f', '-qq', '-e', 'trace=execve', '-o', trace, HOOK_SCRIPT, state], { input: payload, stdio: ['pipe', 'pipe', 'pipe'] });
    const programs = [...readFileSync(trace, 'utf8').matchAll(/execve\("([^"]+)"/g)].map((m) => basename(m[1]!));
    expect(programs[0]).toBe('ccotel-hook.sh');
    expect(programs.slice(1).filter((p) => !['mkdir', 'date', 'cat', 'mv'].includes(p))).toEqual([]);
    expect([...spooled(state).values()]).toEqual([payload]);
  });
});
