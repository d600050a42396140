// What a running daemon serves, for `ccotel doctor`: a small file in the state directory, written
// once the daemon is up and removed when it stops. Doctor trusts it only while the state lock's
// holder is the pid it names (a killed daemon leaves a stale file behind).
import { readFileSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from './atomic-file.js';
import { StateLock } from './lock.js';

export interface DaemonInfo {
  pid: number;
  startedAt: string;
  /** Where its traces and metrics go or are served, as the daemon logs it (credentials removed). */
  serves: string[];
}

const FILE = 'daemon.json';

export async function writeDaemonInfo(dir: string, info: DaemonInfo): Promise<void> {
  await writeFileAtomic(join(dir, FILE), JSON.stringify(info) + '\n');
}

export function removeDaemonInfo(dir: string): void {
  try {
    unlinkSync(join(dir, FILE));
  } catch {
    // never written, or gone already
  }
}

/** The running daemon's info, or undefined when none runs (or the file is stale or unreadable). */
export function readDaemonInfo(dir: string): DaemonInfo | undefined {
  try {
    const info = JSON.parse(readFileSync(join(dir, FILE), 'utf8')) as DaemonInfo;
    return typeof info?.pid === 'number' && StateLock.holder(dir) === info.pid ? info : undefined;
  } catch {
    return undefined;
  }
}
