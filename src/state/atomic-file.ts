// Crash-safe file replacement: a reader sees the old or the new content, never a mix. The temp
// file is created exclusively (never through a planted file or link) and removed on any failure.
import { constants } from 'node:fs';
import { open, rename, unlink } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { dirname } from 'node:path';
import { faultPoint } from './fault-points.js';

/** Flags for reading a state file, never through a symbolic link (see dir-trust.ts). */
export const READ_NOFOLLOW = constants.O_RDONLY | constants.O_NOFOLLOW;

/** Flags for creating a file that must not exist yet and must not be a symbolic link. */
export const CREATE_EXCLUSIVE = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;

export async function writeFileAtomic(path: string, data: string | Buffer): Promise<void> {
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const fh = await open(tmp, CREATE_EXCLUSIVE, 0o600);
  try {
    try {
      faultPoint('atomic.write');
      await fh.writeFile(data);
      await fh.sync();
    } finally {
      await fh.close();
    }
    faultPoint('atomic.rename');
    await rename(tmp, path);
  } catch (err) {
    await unlink(tmp).catch(() => {});
    throw err;
  }
  await syncDir(dirname(path));
}

export async function syncDir(dir: string): Promise<void> {
  try {
    const d = await open(dir, 'r');
    try {
      await d.sync();
    } finally {
      await d.close();
    }
  } catch {
    // Some filesystems refuse fsync on directories; the rename is still atomic there.
  }
}
