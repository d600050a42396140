// Claude Code's settings.json, edited without harm: parsed strictly (a malformed file is reported
// with its path and line, never overwritten), changed only where ccotel's entries are, backed up
// with a timestamp before each write, and replaced atomically.
import { chmodSync, constants, copyFileSync, mkdirSync, readFileSync, realpathSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { UserError } from '../errors.js';

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
export type JsonObject = { [k: string]: Json };

export interface SettingsText {
  path: string;
  exists: boolean;
  text: string;
  data: JsonObject;
}

/** Line and column (1-based) of a character offset. */
function lineCol(text: string, pos: number): { line: number; col: number } {
  const before = text.slice(0, pos);
  const line = before.split('\n').length;
  return { line, col: pos - before.lastIndexOf('\n') };
}

export function readSettings(path: string): SettingsText {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { path, exists: false, text: '', data: {} };
    throw new UserError(`cannot read ${path}: ${(err as Error).message}`);
  }
  if (text.trim() === '') return { path, exists: true, text, data: {} };
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    const at = jsonErrorAt(text);
    const { line, col } = lineCol(text, at);
    const found = at >= text.length ? 'end of file' : `'${text[at]}'`;
    throw new UserError(`${path}:${line}:${col}: not valid JSON (unexpected ${found}); fix it first, ccotel did not change it`);
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) throw new UserError(`${path}:1:1: not a JSON object; fix it first, ccotel did not change it`);
  return { path, exists: true, text, data: data as JsonObject };
}

export const serializeSettings = (data: JsonObject): string => JSON.stringify(data, null, 2) + '\n';

/**
 * Writes `text`, after copying the current file to `<path>.ccotel-backup-<UTC time>` (returned; a
 * `-2`, `-3`... suffix when that name is taken, so a second write in the same second never replaces
 * the first backup). A symlinked settings.json (dotfiles) is written where it points, so the link
 * stays; the file's mode is kept; a read-only file (no write bit) is refused, never replaced.
 */
export function writeSettings(s: SettingsText, text: string, now = new Date()): string | undefined {
  try {
    let target = s.path;
    let mode = 0o600;
    let backup: string | undefined;
    if (s.exists) {
      target = realpathSync(s.path);
      const st = statSync(target);
      if ((st.mode & 0o222) === 0) throw new UserError(`${s.path} is read-only; ccotel did not change it (make it writable first)`);
      mode = st.mode & 0o7777;
      const stamp = `${s.path}.ccotel-backup-${now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}`;
      for (let n = 1; !backup; n++) {
        const name = n === 1 ? stamp : `${stamp}-${n}`;
        try {
          copyFileSync(s.path, name, constants.COPYFILE_EXCL);
          backup = name;
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || n >= 100) throw err;
        }
      }
    } else mkdirSync(dirname(target), { recursive: true });
    const tmp = `${target}.ccotel-${process.pid}.tmp`;
    try {
      writeFileSync(tmp, text, { mode });
      chmodSync(tmp, mode); // the umask narrowed writeFileSync's mode
      renameSync(tmp, target);
    } catch (err) {
      try {
        unlinkSync(tmp);
      } catch {
        // not created
      }
      throw err;
    }
    return backup;
  } catch (err) {
    if (err instanceof UserError) throw err;
    throw new UserError(`cannot write ${s.path}: ${(err as Error).message}; ccotel did not change it`);
  }
}

/** A line diff (longest common subsequence; settings files are small), `-`/`+`/` ` prefixed, changed lines with 2 lines of context. */
export function lineDiff(before: string, after: string): string {
  const a = before === '' ? [] : before.replace(/\n$/, '').split('\n');
  const b = after.replace(/\n$/, '').split('\n');
  const n = a.length;
  const m = b.length;
  const lcs: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) for (let j = m - 1; j >= 0; j--) lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
  const ops: Array<[' ' | '-' | '+', string]> = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) {
      ops.push([' ', a[i++]!]);
      j++;
    } else if (j < m && (i >= n || lcs[i]![j + 1]! >= lcs[i + 1]![j]!)) ops.push(['+', b[j++]!]);
    else ops.push(['-', a[i++]!]);
  }
  const keep = ops.map((_, k) => ops.slice(Math.max(0, k - 2), k + 3).some(([op]) => op !== ' '));
  const out: string[] = [];
  let skipped = false;
  ops.forEach(([op, line], k) => {
    if (!keep[k]) {
      if (!skipped) out.push('  ...');
      skipped = true;
      return;
    }
    skipped = false;
    out.push(`${op} ${line}`);
  });
  return out.join('\n');
}

/**
 * Offset of the first syntax error in `text` (JSON.parse on Node 20 does not say where). A small
 * recursive-descent walk over the JSON grammar; only called for text JSON.parse rejected.
 */
export function jsonErrorAt(text: string): number {
  let i = 0;
  const ws = (): void => {
    while (i < text.length && ' \t\n\r'.includes(text[i]!)) i++;
  };
  const fail = (): never => {
    throw i;
  };
  const lit = (w: string): void => {
    for (const ch of w) if (text[i++] !== ch) (i--, fail());
  };
  const str = (): void => {
    if (text[i] !== '"') fail();
    i++;
    while (i < text.length && text[i] !== '"') {
      if (text[i] === '\\') i++;
      else if (text.charCodeAt(i) < 0x20) fail();
      i++;
    }
    if (i >= text.length) fail();
    i++;
  };
  const num = (): void => {
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i));
    if (!m) fail();
    i += m![0].length;
  };
  const value = (): void => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      ws();
      if (text[i] === '}') return void i++;
      for (;;) {
        ws();
        str();
        ws();
        if (text[i] !== ':') fail();
        i++;
        value();
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === '}') return void i++;
        else fail();
      }
    } else if (c === '[') {
      i++;
      ws();
      if (text[i] === ']') return void i++;
      for (;;) {
        value();
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === ']') return void i++;
        else fail();
      }
    } else if (c === '"') str();
    else if (c === 't') lit('true');
    else if (c === 'f') lit('false');
    else if (c === 'n') lit('null');
    else num();
  };
  try {
    value();
    ws();
    if (i < text.length) fail();
  } catch (at) {
    if (typeof at === 'number') return at;
    throw at;
  }
  return text.length;
}
