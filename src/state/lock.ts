// One writer per state directory. A lock left by a killed process (dead pid) is taken over.
import { readFileSync, writeFileSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';

export class StateLock {
  private constructor(private readonly path: string) {}

  /** Returns the lock, or the pid of the live process that holds it. */
  static acquire(dir: string): StateLock | { heldBy: number } {
    const path = join(dir, 'lock');
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        writeFileSync(path, String(process.pid), { flag: 'wx' });
        return new StateLock(path);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
        const pid = Number.parseInt(readFileSafe(path), 10);
        if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && isAlive(pid)) return { heldBy: pid };
        try {
          unlinkSync(path);
        } catch {
          // Raced with another process taking over; the next attempt tells.
        }
      }
    }
    return { heldBy: Number.parseInt(readFileSafe(path), 10) || -1 };
  }

  release(): void {
    try {
      if (readFileSafe(this.path) === String(process.pid)) unlinkSync(this.path);
    } catch {
      // Already gone.
    }
  }
}

function readFileSafe(path: string): string {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return '';
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
