// Where a resume line cds to (src/sessions/resume.ts): Claude Code finds a session by the folder its
// cwd encodes to, so any directory encoding to the transcript's folder resumes it; the session's own
// cwd is the one to show when it does, else a session living natively in that folder, else the folder
// name read back as a path when that exists.
import { describe, expect, it } from 'vitest';
import { resumeDirs } from '../src/sessions/resume.js';
import type { SessionEntry } from '../src/sessions/catalog.js';

const entry = (sessionId: string, folder: string, cwd: string): SessionEntry => ({ path: `/p/${folder}/${sessionId}.jsonl`, folder, sessionId, cwd, firstTs: 0, lastTs: 0, firstPrompt: undefined });

describe('resumeDirs', () => {
  it("gives each session its own cwd when it encodes to the folder, even where two cwds share one", () => {
    const a = entry('a', '-w-b-c', '/w/b-c');
    const b = entry('b', '-w-b-c', '/w/b/c');
    const dirs = resumeDirs([a, b]);
    expect([dirs.get(a.path), dirs.get(b.path)]).toEqual(['/w/b-c', '/w/b/c']);
    expect(resumeDirs([a, b], [a]).get(a.path)).toBe('/w/b-c');
  });

  it('gives a forked or migrated session the cwd of a session native to its folder', () => {
    const native = entry('n', '-new-app', '/new/app');
    const forked = entry('f', '-new-app', '/old/app');
    const alone = entry('x', '-nowhere-at-all-zz', '/elsewhere');
    const dirs = resumeDirs([native, forked, alone], [forked, alone]);
    expect(dirs.get(forked.path)).toBe('/new/app');
    // No witness and no such directory: no directory to offer.
    expect(dirs.get(alone.path)).toBeUndefined();
    expect(dirs.has(native.path)).toBe(false);
  });
});
