// A subagent transcript's metadata: newer Claude Code versions write `agent-<id>.meta.json` beside
// `agent-<id>.jsonl`, naming the subagent's type (`agentType`) and the Task call that started it.
// Read synchronously: a meta file is a few hundred bytes, and a cold read meets one per subagent
// (1,462 on the 442 MB bench history): promise-based open/stat/read/close cost ~150 ms of CPU there.
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';

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
    // Only a small regular file: opened non-blocking and checked before reading, so a FIFO never
    // stalls ingest and a device (/dev/zero) is never read to its end.
    fd = openSync(agentMetaPath(transcript), constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
    const st = fstatSync(fd);
    if (!st.isFile() || st.size > MAX_BYTES) return undefined;
    // One byte more than allowed: a file that grew past the limit since the stat is refused too.
    const buf = (shared ??= Buffer.allocUnsafe(MAX_BYTES + 1));
    let n = 0;
    // Up to the size just seen (one read, not a second one only to meet the end), and on while the
    // file keeps giving bytes: one that grew past the limit since the stat is still refused.
    for (let r; n < buf.length && (r = readSync(fd, buf, n, buf.length - n, null)) > 0; ) {
      n += r;
      if (n === st.size) break;
    }
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
