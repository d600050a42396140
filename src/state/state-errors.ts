// I/O failures of the state directory, turned into one line the user can act on. The state is
// left exactly as it was before the failed step, so the message can promise that nothing was lost.
import { UserError } from '../errors.js';

const REASON: Record<string, string> = {
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  EROFS: 'read-only filesystem',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EIO: 'I/O error',
  ELOOP: 'refusing to follow a symbolic link',
  EEXIST: 'a file that should not exist is in the way',
};

function advice(code: string | undefined, dir: string): string {
  switch (code) {
    case 'ENOSPC':
    case 'EDQUOT':
      return `free some space on the filesystem holding ${dir} (or point --state-dir elsewhere) and run again`;
    case 'EROFS':
    case 'EACCES':
    case 'EPERM':
      return `make ${dir} writable by you (or point --state-dir elsewhere) and run again`;
    case 'ELOOP':
      return `remove the symbolic link (someone else may have planted it) and run again`;
    default:
      return 'check the disk and run again';
  }
}

/** A write to the state directory failed; the previous committed state is intact, so a retry is safe. */
export class StateWriteError extends UserError {
  constructor(
    readonly path: string,
    readonly code: string | undefined,
    dir: string,
    cause?: unknown,
  ) {
    const why = (code && REASON[code]) ?? (cause instanceof Error ? cause.message : String(cause));
    super(`cannot write ${path}: ${why}${code && REASON[code] ? ` (${code})` : ''}. Nothing was lost (the state is unchanged and unread transcript lines are read next time); ${advice(code, dir)}.`);
    this.name = 'StateWriteError';
    if (cause !== undefined) (this as { cause?: unknown }).cause = cause;
  }
}

export function errnoOf(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException | undefined)?.code;
}

/** Wraps an fs error from writing `path` (already-typed errors pass through). */
export function stateWriteError(path: string, dir: string, err: unknown): UserError {
  if (err instanceof UserError) return err;
  return new StateWriteError(path, errnoOf(err), dir, err);
}
