// The state directory decides what gets counted and where files are written, so it is used only
// when no other local user can plant or swap files in it.
import { mkdirSync, statSync } from 'node:fs';
import { UserError } from '../errors.js';
import { errnoOf, StateWriteError } from './state-errors.js';

/** Creates `dir` (0700) if needed, then refuses it unless it is ours and not group/other-writable. */
export function ensureTrustedDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch (err) {
    const code = errnoOf(err);
    if (code === 'ENOSPC' || code === 'EROFS' || code === 'EACCES' || code === 'EDQUOT') throw new StateWriteError(dir, code, dir, err);
    throw new UserError(`cannot create state directory ${dir}: ${(err as Error).message}`);
  }
  const st = statSync(dir);
  if (!st.isDirectory()) throw new UserError(`state directory ${dir} is not a directory; point --state-dir at a directory`);
  const uid = process.getuid?.();
  if (uid !== undefined && st.uid !== uid) {
    throw new UserError(`refusing to use state directory ${dir}: it belongs to uid ${st.uid}, not to you (uid ${uid}), so its owner could change what ccotel counts; use a directory of your own (--state-dir)`);
  }
  if ((st.mode & 0o022) !== 0) {
    const bits = st.mode & 0o022;
    const who = bits === 0o022 ? 'group and others' : bits === 0o020 ? 'group' : 'others';
    throw new UserError(`refusing to use state directory ${dir}: it is writable by ${who} (mode ${(st.mode & 0o777).toString(8).padStart(4, '0')}), so another user could plant files in it; run \`chmod go-w ${dir}\` or use --state-dir`);
  }
}
