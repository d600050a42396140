// The tool calls of a history on disk, as the ledger's rule engine sees them: every distinct tool_use
// block (first copy wins), in file order, with its line's cwd. For the rule engine's bench and its
// differential test (the inputs, never the expected answers).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { ToolCall } from '../../src/detection/engine.js';

export function loadToolCalls(root: string): ToolCall[] {
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const n of readdirSync(dir).sort()) {
      const p = join(dir, n);
      if (statSync(p).isDirectory()) walk(p);
      else if (n.endsWith('.jsonl')) files.push(p);
    }
  };
  walk(root);
  const seen = new Set<string>();
  const calls: ToolCall[] = [];
  for (const f of files) {
    for (const line of readFileSync(f, 'utf8').split('\n')) {
      if (!line.includes('"tool_use"')) continue; // only assistant lines hold tool_use blocks
      let o: { type?: string; cwd?: string; message?: { content?: unknown } };
      try {
        o = JSON.parse(line) as typeof o;
      } catch {
        continue;
      }
      if (o.type !== 'assistant' || !Array.isArray(o.message?.content)) continue;
      for (const b of o.message.content as Array<Record<string, unknown>>) {
        if (b?.type !== 'tool_use' || typeof b.id !== 'string' || seen.has(b.id)) continue;
        seen.add(b.id);
        const input = b.input && typeof b.input === 'object' ? (b.input as Record<string, unknown>) : {};
        calls.push({ name: String(b.name), input, cwd: typeof o.cwd === 'string' ? o.cwd : '' });
      }
    }
  }
  return calls;
}
