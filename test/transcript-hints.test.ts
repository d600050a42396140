// hintsFor's fast path (a path under a normalized projects folder) and its relative() fallback give
// the same session and agent ids, however the folder is spelled; and they equal the plain reference
// (split the relative path, take the part before the first "subagents").
import { normalize, relative, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hintsFor } from '../src/sources/transcript-files.js';

/**
 * The definition, written the obvious way (the listing's code before it searched the string instead
 * of splitting it): the relative path as the listing takes it, split, the part before the first
 * "subagents" when two parts or more come before it.
 */
function reference(projectsDir: string, path: string): { sessionId?: string; agentId?: string } {
  const plain = !projectsDir.endsWith(sep) && normalize(projectsDir) === projectsDir;
  const rel = plain && path.startsWith(projectsDir) && path[projectsDir.length] === sep ? path.slice(projectsDir.length + 1) : relative(projectsDir, path);
  const base = path.slice(path.lastIndexOf(sep) + 1);
  const name = base.length > 6 && base.endsWith('.jsonl') ? base.slice(0, -6) : base;
  const parts = rel.split(sep);
  const sub = parts.indexOf('subagents');
  if (sub >= 2) return { sessionId: parts[sub - 1], agentId: name.startsWith('agent-') ? name.slice(6) : name };
  return { sessionId: name };
}

describe('hintsFor', () => {
  const sub = '/h/.claude/projects/-p/3f2a/subagents/agent-a01.jsonl';
  it.each(['/h/.claude/projects', '/h/.claude/projects/', '/h/./.claude/projects', '/h/x/../.claude/projects'])('a subagent file under %s', (dir) => {
    expect(hintsFor(dir, sub)).toEqual({ sessionId: '3f2a', agentId: 'a01' });
  });
  it('a main transcript, and a folder that only shares a prefix with the path', () => {
    expect(hintsFor('/h/.claude/projects', '/h/.claude/projects/-p/3f2a.jsonl')).toEqual({ sessionId: '3f2a' });
    // "/h/.claude/proj" is not the folder of ".../projects/...": no subagents folder two levels down.
    expect(hintsFor('/h/.claude/proj', '/h/.claude/projects/3f2a/subagents/agent-a01.jsonl')).toEqual({ sessionId: '3f2a', agentId: 'a01' });
    expect(hintsFor('/h/.claude/proj', '/h/.claude/projectsx/subagents/agent-a01.jsonl')).toEqual({ sessionId: 'projectsx', agentId: 'a01' });
  });

  it('equals the split-the-path reference on every arrangement of "subagents"-like parts', () => {
    for (const dir of ['/h/.claude/projects', '/h/.claude/projects/', '/h/x/../.claude/projects']) check(dir);
  });
  function check(dir: string): void {
    const parts = ['-p', 's1', 'subagents', 'subagentsx', 'xsubagents', 'sub', 'agents', 'a-subagents-b', ''];
    const files = ['agent-a01.jsonl', 'a02.jsonl', 'agent-.jsonl', 'subagents.jsonl', 'agent-subagents.jsonl', '.jsonl', 'subagents'];
    let checked = 0;
    // Every path of up to four folder parts from the list (empty parts give '//', as an unnormalized path would).
    const walk = (prefix: string[], depth: number): void => {
      for (const f of files) {
        const path = ['/h/.claude/projects', ...prefix, f].join(sep);
        expect(hintsFor(dir, path), path).toEqual(reference(dir, path));
        checked++;
      }
      if (depth < 4) for (const p of parts) walk([...prefix, p], depth + 1);
    };
    walk([], 0);
    expect(checked).toBeGreaterThan(40_000);
  }
});
