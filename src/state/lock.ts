// One writer per state directory. A lock left by a killed process (dead pid) is taken over.
//
// Taking over a stale lock must not race: with one lock file, "read the dead pid, unlink, create"
// lets two starting processes both win (one unlinks the lock the other just created). So locks are
// numbered generations, `lock.<n>`, each created exclusively with link() (content complete before
// it appears). The holder is the pid in the highest generation. A process takes over only by
// creating generation n+1 after seeing generation n dead or released; link() lets exactly one
// creator win it. Release empties the file (it keeps its number), and only a holder deletes lower
// generations, so the highest number never goes away and never comes back.
import { constants, closeSync, fstatSync, ftruncateSync, linkSync, openSync, readdirSync, readSync, unlinkSync, writeSync, fsyncSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';

const GEN = /^lock\.(\d+)$/;
const READ = constants.O_RDONLY | constants.O_NOFOLLOW;

export class StateLock {
  private constructor(private readonly path: string) {}

  /** Returns the lock, or the pid of the live process that holds it. Throws fs errors (unwritable dir). */
  static acquire(dir: string): StateLock | { heldBy: number } {
    const legacy = readPid(join(dir, 'lock'));
    if (legacy !== undefined && legacy > 0 && legacy !== process.pid && isAlive(legacy)) return { heldBy: legacy };
    const tmp = join(dir, `lock.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
    const fd = openSync(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
    try {
      try {
        writeSync(fd, `${process.pid}\n`);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      for (let attempt = 0; attempt < 50; attempt++) {
        const top = highest(dir);
        if (top && top.pid !== undefined && top.pid > 0 && top.pid !== process.pid && isAlive(top.pid)) return { heldBy: top.pid };
        if (top && top.pid === undefined) continue; // vanished between listing and reading: look again
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
      return { heldBy: top?.pid ?? -1 };
    } finally {
      unlinkQuiet(tmp);
    }
  }

  /** The pid of the live process holding `dir`, if any (doctor asks this instead of reading files). */
  static holder(dir: string): number | undefined {
    const legacy = readPid(join(dir, 'lock'));
    if (legacy !== undefined && legacy > 0 && isAlive(legacy)) return legacy;
    const top = highest(dir);
    return top?.pid !== undefined && top.pid > 0 && isAlive(top.pid) ? top.pid : undefined;
  }

  release(): void {
    try {
      const fd = openSync(this.path, constants.O_RDWR | constants.O_NOFOLLOW);
      try {
        if (readFd(fd) === String(process.pid)) {
          ftruncateSync(fd, 0); // empty = released; the generation number stays taken
          fsyncSync(fd);
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

/** The highest generation and its pid (0 = released, undefined = could not be read). */
function highest(dir: string): { gen: number; pid: number | undefined } | undefined {
  const gens = generations(dir);
  if (gens.length === 0) return undefined;
  const gen = Math.max(...gens);
  return { gen, pid: readPid(join(dir, `lock.${gen}`)) };
}

function readPid(path: string): number | undefined {
  let fd: number;
  try {
    fd = openSync(path, READ);
  } catch {
    return undefined;
  }
  try {
    const text = readFd(fd);
    if (text === '') return 0;
    const pid = Number.parseInt(text, 10);
    return Number.isInteger(pid) ? pid : 0;
  } finally {
    closeSync(fd);
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

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
