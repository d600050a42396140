// readAgentTypeSync reads a meta file in one read, without a stat first: the 64 KiB limit still holds
// exactly (a file one byte over is refused even when its first 64 KiB are valid JSON), and a missing
// file or a folder in its place is no type and no error. FIFOs and devices: test/metrics-agent-label.test.ts.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readAgentTypeSync } from '../src/sources/agent-meta.js';

const LIMIT = 64 * 1024;

describe('readAgentTypeSync', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ccotel-meta-'));
  const transcript = (id: string, meta?: string): string => {
    if (meta !== undefined) writeFileSync(join(dir, `agent-${id}.meta.json`), meta);
    return join(dir, `agent-${id}.jsonl`);
  };
  // Valid JSON padded with trailing spaces to `size` bytes: any prefix of at least the object is valid too.
  const padded = (size: number): string => {
    const json = JSON.stringify({ agentType: 'Plan', description: 'padded' });
    return json + ' '.repeat(size - json.length);
  };

  it('names the type of a small meta file', () => {
    expect(readAgentTypeSync(transcript('a1', JSON.stringify({ agentType: 'Explore', toolUseId: 'toolu_1' })))).toBe('Explore');
    expect(readAgentTypeSync(transcript('a2', JSON.stringify({ agentType: 'général-purpose' })))).toBe('général-purpose');
  });

  it('takes a file of exactly 64 KiB and refuses one a byte longer', () => {
    expect(readAgentTypeSync(transcript('at', padded(LIMIT)))).toBe('Plan');
    expect(readAgentTypeSync(transcript('over', padded(LIMIT + 1)))).toBeUndefined();
    expect(readAgentTypeSync(transcript('far-over', padded(LIMIT * 3)))).toBeUndefined();
  });

  it('no type without a file, with a folder in its place, or with an empty or damaged one', () => {
    expect(readAgentTypeSync(transcript('none'))).toBeUndefined();
    mkdirSync(join(dir, 'agent-folder.meta.json'));
    expect(readAgentTypeSync(transcript('folder'))).toBeUndefined();
    expect(readAgentTypeSync(transcript('empty', ''))).toBeUndefined();
    expect(readAgentTypeSync(transcript('cut', '{"agentType":"Pl'))).toBeUndefined();
    expect(readAgentTypeSync(transcript('blank-type', '{"agentType":""}'))).toBeUndefined();
  });
});
