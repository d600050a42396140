// The real hooks/ccotel-hook.sh as Claude Code runs it (a child process, payload on stdin): it always
// exits 0 and prints nothing, whatever the input or the state directory; spooled payloads are
// byte-identical, never torn or lost under concurrency; failures land in a small error log.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { onCleanup, tempDir, useCleanups } from './support/temp.js';
import { HOOK_SCRIPT, payloads, runHook, spooled } from './support/hook-script.js';
import { spoolTime } from '../src/sources/spool-dir.js';

useCleanups();

describe('ccotel-hook.sh', () => {
  it('spools every event type byte for byte, one file each, named by the time it ran', async () => {
    const state = join(await tempDir('hook'), 'state'); // missing: the hook creates it
    const before = Date.now();
    const sent: string[] = [];
    for (const p of payloads()) {
      const text = JSON.stringify(p);
      sent.push(text);
      const r = await runHook(text, [state]);
      expect(r).toEqual({ code: 0, stdout: '', stderr: '' });
    }
    const after = Date.now();
    const files = spooled(state);
    expect([...files.values()].sort()).toEqual([...sent].sort());
    // Names sort in the order the hooks ran, and carry their time.
    const byName = [...files.keys()].sort((a, b) => spoolTime(a)! - spoolTime(b)!);
    expect(byName.map((n) => files.get(n))).toEqual(sent);
    for (const n of byName) {
      expect(spoolTime(n)!).toBeGreaterThanOrEqual(before - 1);
      expect(spoolTime(n)!).toBeLessThanOrEqual(after + 1);
    }
    expect(readdirSync(join(state, 'spool', 'tmp'))).toEqual([]);
  });

  it('takes the state dir from CCOTEL_STATE_DIR, then XDG_STATE_HOME', async () => {
    const d = await tempDir('hook-env');
    await runHook('{"a":1}', [], { CCOTEL_STATE_DIR: join(d, 'explicit') });
    await runHook('{"b":2}', [], { CCOTEL_STATE_DIR: '', XDG_STATE_HOME: join(d, 'xdg') });
    expect([...spooled(join(d, 'explicit')).values()]).toEqual(['{"a":1}']);
    expect([...spooled(join(d, 'xdg', 'ccotel')).values()]).toEqual(['{"b":2}']);
  });

  it('20 concurrent writers x 500 events: none torn, none lost', async () => {
    const state = join(await tempDir('hook-conc'), 'state');
    const writers = 20;
    const each = 500;
    // One shell loop per writer, each running the real hook `each` times with a distinct ~1 kB payload.
    const pad = 'x'.repeat(1000);
    const loop = `i=0; while [ $i -lt ${each} ]; do printf '{"w":%s,"i":%s,"pad":"${pad}"}' "$1" "$i" | "$2" "$3"; i=$((i+1)); done`;
    await Promise.all(
      Array.from({ length: writers }, (_, w) =>
        new Promise<void>((resolve, reject) => {
          const c = spawn('sh', ['-c', loop, 'sh', String(w), HOOK_SCRIPT, state], { stdio: ['ignore', 'ignore', 'pipe'] });
          let err = '';
          c.stderr.on('data', (d) => (err += d));
          c.once('close', (code) => (code === 0 && err === '' ? resolve() : reject(new Error(`writer ${w}: ${code} ${err}`))));
        }),
      ),
    );
    const files = spooled(state);
    expect(files.size).toBe(writers * each);
    const seen = new Set<string>();
    for (const text of files.values()) {
      const o = JSON.parse(text) as { w: number; i: number; pad: string };
      expect(o.pad).toBe(pad);
      seen.add(`${o.w}/${o.i}`);
    }
    expect(seen.size).toBe(writers * each);
    expect(existsSync(join(state, 'spool', 'hook-errors.log'))).toBe(false);
  }, 600_000);

  it('garbage is spooled as is (the daemon rejects it), empty stdin spools nothing; exit 0 and silent', async () => {
    const state = join(await tempDir('hook-garbage'), 'state');
    const garbage = Buffer.from([0xff, 0x00, 0x7b, 0x0a, 0x22, 0xfe]);
    expect(await runHook(garbage, [state])).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(await runHook('', [state])).toEqual({ code: 0, stdout: '', stderr: '' });
    const names = readdirSync(join(state, 'spool', 'new'));
    expect(names).toHaveLength(1);
    expect(readFileSync(join(state, 'spool', 'new', names[0]!))).toEqual(garbage);
    expect(readdirSync(join(state, 'spool', 'tmp'))).toEqual([]);
  });

  it('a 5 MB payload arrives whole', async () => {
    const state = join(await tempDir('hook-big'), 'state');
    const big = JSON.stringify({ session_id: 's', hook_event_name: 'PostToolUse', tool_response: 'y'.repeat(5 << 20) });
    expect(await runHook(big, [state])).toEqual({ code: 0, stdout: '', stderr: '' });
    expect([...spooled(state).values()]).toEqual([big]);
  });

  it('a state dir that cannot be created: exit 0, silent, one line in the fallback error log', async () => {
    const d = await tempDir('hook-missing');
    writeFileSync(join(d, 'file'), 'not a directory');
    const tmp = join(d, 'tmp');
    mkdirSync(tmp);
    const r = await runHook(JSON.stringify(payloads()[0]), [join(d, 'file', 'state')], { TMPDIR: tmp });
    expect(r).toEqual({ code: 0, stdout: '', stderr: '' });
    const log = readFileSync(join(tmp, 'ccotel-hook-errors.log'), 'utf8');
    expect(log.trim().split('\n')).toHaveLength(1);
    expect(log).toMatch(/ccotel-hook: cannot create .*file\/state\/spool/);
  });

  it('a read-only state filesystem: exit 0, silent, the event is not half-written anywhere', async (ctx) => {
    const d = await tempDir('hook-ro');
    const mnt = join(d, 'ro');
    mkdirSync(mnt);
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', mnt], { stdio: 'pipe' });
    } catch (err) {
      ctx.skip(`cannot mount a tmpfs here (${(err as Error).message.split('\n')[0]})`);
    }
    onCleanup(() => void execFileSync('umount', [mnt]));
    const state = join(mnt, 'state');
    await runHook('{"first":1}', [state]); // creates the spool while writable
    execFileSync('mount', ['-o', 'remount,ro', mnt]);
    const tmp = join(d, 'tmp');
    mkdirSync(tmp);
    const r = await runHook(JSON.stringify(payloads()[2]), [state], { TMPDIR: tmp });
    expect(r).toEqual({ code: 0, stdout: '', stderr: '' });
    expect([...spooled(state).values()]).toEqual(['{"first":1}']);
    expect(readdirSync(join(state, 'spool', 'tmp'))).toEqual([]);
    expect(readFileSync(join(tmp, 'ccotel-hook-errors.log'), 'utf8')).toMatch(/ccotel-hook: cannot write .*spool\/tmp/);
    execFileSync('mount', ['-o', 'remount,rw', mnt]);
  });

  it('a full disk: exit 0, no partial file left, the error in the spool error log', async (ctx) => {
    const d = await tempDir('hook-full');
    const mnt = join(d, 'full');
    mkdirSync(mnt);
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=256k', 'tmpfs', mnt], { stdio: 'pipe' });
    } catch (err) {
      ctx.skip(`cannot mount a tmpfs here (${(err as Error).message.split('\n')[0]})`);
    }
    onCleanup(() => void execFileSync('umount', [mnt]));
    const state = join(mnt, 'state');
    const r = await runHook(JSON.stringify({ session_id: 's', hook_event_name: 'PostToolUse', tool_response: 'z'.repeat(1 << 20) }), [state]);
    expect(r).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(spooled(state).size).toBe(0);
    expect(readdirSync(join(state, 'spool', 'tmp'))).toEqual([]);
    expect(readFileSync(join(state, 'spool', 'hook-errors.log'), 'utf8')).toMatch(/disk full/);
  });
});
