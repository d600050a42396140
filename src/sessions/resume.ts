// The copy-paste resume line. Claude Code finds a session by the folder its cwd encodes to
// (every character but letters and digits becomes `-`), so the line must cd to a directory that
// encodes to the transcript's folder, not necessarily the cwd written in its lines: after the
// guide's migration (folder renamed) or fork (`cp -n` into another project's folder) they differ.
import { existsSync } from 'node:fs';
import type { SessionEntry } from './catalog.js';

export const folderOf = (cwd: string): string => cwd.replace(/[^A-Za-z0-9]/g, '-');

/**
 * The directory to resume from: the session's own cwd when it encodes to its folder, else the cwd of
 * another session living natively in that folder, else the folder name read back as a path (the
 * encoding loses `.` and `-`, so that guess is used only when it exists). For `wanted` (default: all);
 * every entry counts as a native witness.
 */
export function resumeDirs(entries: readonly SessionEntry[], wanted: readonly SessionEntry[] = entries): Map<string, string | undefined> {
  // Only the wanted entries' folders need a witness; a project's sessions share a few cwds, each encoded once.
  const folders = new Set(wanted.map((e) => e.folder));
  const encoded = new Map<string, string>();
  const native = new Map<string, string>();
  for (const e of entries) {
    if (!e.cwd || !folders.has(e.folder)) continue;
    let f = encoded.get(e.cwd);
    if (f === undefined) encoded.set(e.cwd, (f = folderOf(e.cwd)));
    if (f === e.folder) native.set(e.folder, e.cwd);
  }
  // Only the entries shown (a listing's page, --show's copies), and each folder's guess looked up once.
  const guessed = new Map<string, string | undefined>();
  const out = new Map<string, string | undefined>();
  for (const e of wanted) {
    // Its own cwd first: two cwds can encode to one folder (`/a/b-c`, `/a/b/c`).
    let dir = e.cwd && encoded.get(e.cwd) === e.folder ? e.cwd : native.get(e.folder);
    if (dir === undefined) {
      if (!guessed.has(e.folder)) {
        const guess = e.folder.replace(/-/g, '/');
        guessed.set(e.folder, existsSync(guess) ? guess : undefined);
      }
      dir = guessed.get(e.folder);
    }
    out.set(e.path, dir);
  }
  return out;
}

const quote = (s: string): string => (/^[A-Za-z0-9_./@%+=:,-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

/** `cd <dir> && claude --resume <id>`, or just the resume when `here` already encodes to the folder. */
export function resumeLine(e: SessionEntry, dir: string | undefined, here: string): string {
  const resume = `claude --resume ${e.sessionId}`;
  if (folderOf(here) === e.folder) return resume;
  return dir === undefined ? `# folder ${e.folder}: cd to the project it belongs to, then ${resume}` : `cd ${quote(dir)} && ${resume}`;
}
