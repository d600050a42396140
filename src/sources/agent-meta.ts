// A subagent transcript's metadata: newer Claude Code versions write `agent-<id>.meta.json` beside
// `agent-<id>.jsonl`, naming the subagent's type (`agentType`) and the Task call that started it.
// Read synchronously: a meta file is a few hundred bytes, and a cold read meets one per subagent
// (1,462 on the 442 MB bench history): promise-based open/stat/read/close cost ~150 ms of CPU there.
import { closeSync, constants, openSync, readSync } from 'node:fs';

const MAX_BYTES = 64 << 10;
let shared: Buffer | undefined;

/** The meta file of a subagent transcript path (`…/agent-<id>.jsonl`). */
export const agentMetaPath = (transcript: string): string => transcript.replace(/\.jsonl$/, '') + '.meta.json';

/**
 * The `agentType` the meta file beside a subagent transcript names; undefined when there is no such
 * file (older versions) or it is not what we expect (it is only a hint: never an error).
 */
export function readAgentTypeSync(transcript: string): string | undefined {
  let fd: number | undefined;
  try {
    // Only a small file, in one read: opened non-blocking, so a FIFO never stalls ingest, and one byte
    // more than allowed is asked for, so a larger file or a device (/dev/zero) is refused. No fstat
    // first (a quarter of the system calls on a cold read of 1,223 meta files): one read gives the
    // whole of a regular file up to what was asked; anything else gives what it gives, and is then
    // refused or not JSON.
    fd = openSync(agentMetaPath(transcript), constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
    const buf = (shared ??= Buffer.allocUnsafe(MAX_BYTES + 1));
    const n = readSync(fd, buf, 0, buf.length, null);
    if (n > MAX_BYTES) return undefined;
    const o = JSON.parse(buf.toString('utf8', 0, n)) as { agentType?: unknown };
    return typeof o?.agentType === 'string' && o.agentType.length > 0 ? o.agentType : undefined;
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) {
      try {
        closeSync(fd);
      } catch {
        // nothing to do: the file was only read
      }
    }
  }
}
