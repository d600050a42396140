// `ccotel import-activity DIR`: the guide's activity logs (activity-YYYY-MM-DD.jsonl) as estimated
// usage, for sessions with no transcript on this machine. Each line becomes one estimate keyed by
// its content (and its occurrence in the file, for two identical lines), so importing the same log
// twice, or a copy of it, counts once; a session whose transcript is (or later becomes) known has
// its estimates replaced by the exact numbers, like a hook-only session's (docs/hooks.md).
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { UserError } from '../errors.js';
import type { EstimateRecord } from '../state/ledger.js';
import { ACTIVITY_FILE } from './activity-log.js';

export interface ActivityImport {
  files: number;
  lines: number;
  estimates: Array<Omit<EstimateRecord, 'est'>>;
  /** Lines that are not an activity entry (not JSON, no session_id or timestamp). */
  malformed: number;
  /** Entries without tokens (written with CLAUDE_LOG_TOKENS=false): nothing to estimate. */
  noTokens: number;
}

const count = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? Math.round(v) : undefined);

export async function readActivityDir(dir: string): Promise<ActivityImport> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => ACTIVITY_FILE.test(n)).sort();
  } catch (err) {
    throw new UserError(`cannot read ${dir}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such directory' : (err as Error).message}`);
  }
  const out: ActivityImport = { files: names.length, lines: 0, estimates: [], malformed: 0, noTokens: 0 };
  for (const name of names) {
    const seen = new Map<string, number>();
    for (const raw of (await readFile(join(dir, name), 'utf8')).split('\n')) {
      const line = raw.trim();
      if (!line) continue;
      out.lines++;
      let o: Record<string, unknown>;
      try {
        o = JSON.parse(line) as Record<string, unknown>;
      } catch {
        out.malformed++;
        continue;
      }
      const ts = typeof o.timestamp === 'string' ? Date.parse(o.timestamp) : NaN;
      if (!o || typeof o !== 'object' || typeof o.session_id !== 'string' || !o.session_id || !Number.isFinite(ts)) {
        out.malformed++;
        continue;
      }
      const t = o.tokens as Record<string, unknown> | undefined;
      const input = count(t?.input);
      const output = count(t?.output);
      if (input === undefined && output === undefined) {
        out.noTokens++;
        continue;
      }
      const n = (seen.get(line) ?? 0) + 1;
      seen.set(line, n);
      const key = `activity:${createHash('sha256').update(line).digest('hex').slice(0, 32)}:${n}`;
      const project = typeof o.project === 'string' && o.project ? o.project : 'unknown';
      out.estimates.push({ key, ts, sessionId: o.session_id, cwd: project, input: input ?? 0, output: output ?? 0 });
    }
  }
  return out;
}
