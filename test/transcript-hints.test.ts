// hintsFor's fast path (a path under a normalized projects folder) and its relative() fallback give
// the same session and agent ids, however the folder is spelled.
import { describe, expect, it } from 'vitest';
import { hintsFor } from '../src/sources/transcript-files.js';

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
});
