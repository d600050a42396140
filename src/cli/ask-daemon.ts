// Asking the running daemon from a command (`stats`, `sessions`): the same folders, working
// directory, patience and debug lines for both. No answer (none running, another version, a
// declined question): undefined, and the command reads the state itself.
import { askDaemon, type Asked } from '../query/client.js';
import { existingProjectDirs } from '../sources/roots.js';
import type { Located } from '../config/locate.js';
import type { Logger } from '../log.js';

/** How long to wait for the daemon (busy with a large commit, say) before reading the state here. */
const ASK_TIMEOUT_MS = 2_000;

export function askRunningDaemon<A extends { op: string }>(located: Located, q: { op: string }, ops: readonly string[], log: Logger): Promise<Asked<A> | undefined> {
  const ctx = { roots: existingProjectDirs(located.roots), here: process.cwd() };
  return askDaemon<A>(located.stateDir, q, ctx, ops, ASK_TIMEOUT_MS, (why) => log.debug(`not asking the running ccotel (${why}): reading the state here`));
}
