// One writer per state directory. A lock left by a killed process (dead pid) is taken over.
//
// Taking over a stale lock must not race: with one lock file, "read the dead pid, unlink, create"
// lets two starting processes both win (one unlinks the lock the other just created). So locks are
// numbered generations, `lock.<n>`, each created exclusively with link() (content complete before
// it appears). The holder is the pid in the highest generation. A process takes over only by
// creating generation n+1 after seeing generation n dead or released; link() lets exactly one
// creator win it. Release empties the file (it keeps its number), and only a holder deletes lower
// generations, so the highest number never goes away and never comes back.
//
// A pid alone does not name a process: after a reboot (or wrap-around) a stale lock's pid may be
// reused by an unrelated live process, which would keep ccotel from starting for good. Where /proc
// exists, a lock also records the boot id and the process start time, and a holder is alive only
// when both still match.
//
// No fsync: other processes see a lock's content through the page cache as soon as it is written,
// and only a crash of the whole machine can lose it. After that the boot id has changed, so any lock
// from before is stale whatever it holds (lost content reads as empty, i.e. released). Syncing cost
// every command ~25 ms and bought nothing.
import { constants, closeSync, fstatSync, ftruncateSync, linkSync, openSync, readdirSync, readFileSync, readSync, unlinkSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { READ_NOFOLLOW } from './atomic-file.js';

const GEN = /^lock\.(\d+)$/;

export class StateLock {
  private constructor(private readonly path: string) {}

  /** Returns the lock, or the pid of the live process that holds it. Throws fs errors (unwritable dir). */
  static acquire(dir: string): StateLock | { heldBy: number } {
    const legacy = readHolder(join(dir, 'lock'));
    if (legacy && legacy.pid > 0 && legacy.pid !== process.pid && isAlive(legacy)) return { heldBy: legacy.pid };
    const tmp = join(dir, `lock.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
    const fd = openSync(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
    try {
      try {
        writeSync(fd, `${process.pid} ${processIdentity(process.pid) ?? ''}\n`);
      } finally {
        closeSync(fd);
      }
      for (let attempt = 0; attempt < 50; attempt++) {
        const top = highest(dir);
        if (top?.holder && top.holder.pid > 0 && top.holder.pid !== process.pid && isAlive(top.holder)) return { heldBy: top.holder.pid };
        if (top && !top.holder) continue; // vanished between listing and reading: look again
        const gen = (top?.gen ?? 0) + 1;
        const path = join(dir, `lock.${gen}`);
        try {
          linkSync(tmp, path);
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code === 'EEXIST') continue; // another process won this generation
          throw err;
        }
        // A generation above ours means ours was re-created after its number had been cleaned up.
        if ((highest(dir)?.gen ?? 0) > gen) {
          unlinkQuiet(path);
          continue;
        }
        for (const g of generations(dir)) if (g < gen) unlinkQuiet(join(dir, `lock.${g}`));
        unlinkQuiet(join(dir, 'lock'));
        return new StateLock(path);
      }
      const top = highest(dir);
      return { heldBy: top?.holder?.pid ?? -1 };
    } finally {
      unlinkQuiet(tmp);
    }
  }

  /** The pid of the live process holding `dir`, if any (doctor asks this instead of reading files). */
  static holder(dir: string): number | undefined {
    const legacy = readHolder(join(dir, 'lock'));
    if (legacy && legacy.pid > 0 && isAlive(legacy)) return legacy.pid;
    const h = highest(dir)?.holder;
    return h && h.pid > 0 && isAlive(h) ? h.pid : undefined;
  }

  release(): void {
    try {
      const fd = openSync(this.path, constants.O_RDWR | constants.O_NOFOLLOW);
      try {
        if (readFd(fd).split(' ')[0] === String(process.pid)) {
          ftruncateSync(fd, 0); // empty = released; the generation number stays taken
        }
      } finally {
        closeSync(fd);
      }
    } catch {
      // Already gone (a later holder cleaned it up).
    }
  }
}

function generations(dir: string): number[] {
  const out: number[] = [];
  for (const name of readdirSync(dir)) {
    const m = GEN.exec(name);
    if (m) out.push(Number(m[1]));
  }
  return out;
}

interface Holder {
  /** 0 = released. */
  pid: number;
  /** Boot id and start time of the process that wrote the lock, where /proc told them. */
  identity?: string;
}

/** The highest generation and its holder (undefined = could not be read). */
function highest(dir: string): { gen: number; holder: Holder | undefined } | undefined {
  const gens = generations(dir);
  if (gens.length === 0) return undefined;
  const gen = Math.max(...gens);
  return { gen, holder: readHolder(join(dir, `lock.${gen}`)) };
}

function readHolder(path: string): Holder | undefined {
  let fd: number;
  try {
    fd = openSync(path, READ_NOFOLLOW);
  } catch {
    return undefined;
  }
  try {
    const [pidText = '', identity] = readFd(fd).split(' ');
    if (pidText === '') return { pid: 0 };
    const pid = Number.parseInt(pidText, 10);
    return Number.isInteger(pid) ? { pid, identity: identity || undefined } : { pid: 0 };
  } finally {
    closeSync(fd);
  }
}

let bootId: string | undefined;

/** `<boot id>:<start time in clock ticks>` of a process, or undefined where /proc cannot tell. */
export function processIdentity(pid: number): string | undefined {
  try {
    bootId ??= readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces and parentheses); starttime is field 22.
    const start = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
    return start ? `${bootId}:${start}` : undefined;
  } catch {
    return undefined;
  }
}

function readFd(fd: number): string {
  const size = Math.min(fstatSync(fd).size, 64);
  const buf = Buffer.alloc(size);
  const n = size > 0 ? readSync(fd, buf, 0, size, 0) : 0;
  return buf.subarray(0, n).toString('utf8').trim();
}

function unlinkQuiet(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // Gone already.
  }
}

/** The process that wrote the lock still runs: its pid exists and, where recorded, is the same process. */
function isAlive(h: Holder): boolean {
  try {
    process.kill(h.pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  if (h.identity === undefined) return true;
  const now = processIdentity(h.pid);
  return now === undefined || now === h.identity;
}
