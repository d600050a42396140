// Finds transcript files under each root's projects/ folder: main sessions and subagents
// (<session>/subagents/agent-<id>.jsonl, possibly nested deeper in newer versions).
import { readdir } from 'node:fs/promises';
import { basename, join, relative, sep } from 'node:path';
import type { Root } from './roots.js';
import type { FileHints } from '../model/normalize.js';

export interface TranscriptFile {
  path: string;
  hints: FileHints;
}

export async function listTranscripts(roots: readonly Root[], onError?: (path: string, err: Error) => void): Promise<TranscriptFile[]> {
  const out: TranscriptFile[] = [];
  for (const root of roots) {
    if (!root.exists) continue;
    let entries: string[];
    try {
      entries = (await readdir(root.projectsDir, { recursive: true })) as string[];
    } catch (err) {
      onError?.(root.projectsDir, err as Error);
      continue;
    }
    for (const rel of entries) {
      if (!rel.endsWith('.jsonl')) continue;
      const path = join(root.projectsDir, rel);
      out.push({ path, hints: hintsFor(root.projectsDir, path) });
    }
  }
  // Main transcript before its subagents ('.' sorts before '/'), deterministic across runs.
  out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return out;
}

/** Session and agent ids implied by a transcript's location, used when a line omits them. */
export function hintsFor(projectsDir: string, path: string): FileHints {
  const parts = relative(projectsDir, path).split(sep);
  const name = basename(path, '.jsonl');
  const sub = parts.indexOf('subagents');
  if (sub >= 2) return { sessionId: parts[sub - 1], agentId: name.startsWith('agent-') ? name.slice('agent-'.length) : name };
  return { sessionId: name };
}
