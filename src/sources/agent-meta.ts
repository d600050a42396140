// A subagent transcript's metadata: newer Claude Code versions write `agent-<id>.meta.json` beside
// `agent-<id>.jsonl`, naming the subagent's type (`agentType`) and the Task call that started it.
import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';

const MAX_BYTES = 64 << 10;

/** The meta file of a subagent transcript path (`…/agent-<id>.jsonl`). */
export const agentMetaPath = (transcript: string): string => transcript.replace(/\.jsonl$/, '') + '.meta.json';

/**
 * The `agentType` the meta file beside a subagent transcript names; undefined when there is no such
 * file (older versions) or it is not what we expect (it is only a hint: never an error).
 */
export async function readAgentType(transcript: string): Promise<string | undefined> {
  let fh: FileHandle | undefined;
  try {
    // Only a small regular file: opened non-blocking and checked before reading, so a FIFO never
    // stalls ingest and a device (/dev/zero) is never read to its end.
    fh = await open(agentMetaPath(transcript), constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
    const st = await fh.stat();
    if (!st.isFile() || st.size > MAX_BYTES) return undefined;
    const text = await fh.readFile('utf8');
    if (text.length > MAX_BYTES) return undefined;
    const o = JSON.parse(text) as { agentType?: unknown };
    return typeof o?.agentType === 'string' && o.agentType.length > 0 ? o.agentType : undefined;
  } catch {
    return undefined;
  } finally {
    await fh?.close().catch(() => undefined);
  }
}
