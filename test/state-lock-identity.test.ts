// The state lock names a process, not just a pid: after a reboot (or pid wrap-around) a stale lock's
// pid can belong to an unrelated live process, which must not keep ccotel out for good.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { StateLock, processIdentity } from '../src/state/lock.js';

const children: ChildProcess[] = [];
const dirs: string[] = [];
afterEach(() => {
  for (const c of children.splice(0)) c.kill('SIGKILL');
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function stateDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'ccotel-lockid-'));
  dirs.push(d);
  return d;
}

function sleeper(): number {
  const c = spawn('sleep', ['60'], { stdio: 'ignore' });
  children.push(c);
  return c.pid!;
}

describe('state lock and process identity', () => {
  it('records the boot id and start time of its holder', () => {
    const dir = stateDir();
    const lock = StateLock.acquire(dir);
    expect(lock).toBeInstanceOf(StateLock);
    const file = readdirSync(dir).find((n) => /^lock\.\d+$/.test(n))!;
    const id = processIdentity(process.pid);
    expect(id, 'this machine has /proc').toMatch(/^[0-9a-f-]{36}:\d+$/);
    expect(readFileSync(join(dir, file), 'utf8').trim()).toBe(`${process.pid} ${id}`);
    (lock as StateLock).release();
  });

  it('a live process with the recorded identity holds the lock', () => {
    const dir = stateDir();
    const pid = sleeper();
    writeFileSync(join(dir, 'lock.1'), `${pid} ${processIdentity(pid)}\n`);
    expect(StateLock.acquire(dir)).toEqual({ heldBy: pid });
    expect(StateLock.holder(dir)).toBe(pid);
  });

  it('a live process that reuses the pid of a stale lock (another start time or boot) does not hold it', () => {
    const dir = stateDir();
    const pid = sleeper();
    const [boot, start] = processIdentity(pid)!.split(':');
    for (const [n, stale] of [
      [1, `${boot}:${Number(start) - 1000}`], // same boot, an earlier process with that pid
      [2, `00000000-0000-4000-8000-000000000000:${start}`], // another boot
    ] as const) {
      writeFileSync(join(dir, `lock.${n}`), `${pid} ${stale}\n`);
      expect(StateLock.holder(dir)).toBeUndefined();
    }
    const lock = StateLock.acquire(dir);
    expect(lock).toBeInstanceOf(StateLock);
    expect(StateLock.holder(dir)).toBe(process.pid);
    (lock as StateLock).release();
  });

  it('a lock written with a pid alone (older ccotel) still counts while that pid lives', () => {
    const dir = stateDir();
    const pid = sleeper();
    writeFileSync(join(dir, 'lock.1'), `${pid}\n`);
    expect(StateLock.acquire(dir)).toEqual({ heldBy: pid });
  });
});
