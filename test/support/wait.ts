import { setTimeout as sleep } from 'node:timers/promises';

export interface WaitOptions {
  /** Give up after this long (default 10 000 ms). */
  timeoutMs?: number;
  /** Pause between two calls of `fn` (default 100 ms). */
  intervalMs?: number;
  /** Named in the timeout error, e.g. 'span "turn" in traces.jsonl'. */
  what?: string;
}

/**
 * Calls `fn` until it resolves to something other than `undefined` and returns that.
 * A call that throws counts as "not yet"; on timeout the last error (if any) is in the message.
 * `fn` is always called at least once, and once more right at the deadline.
 */
export async function waitFor<T>(fn: () => Promise<T | undefined> | T | undefined, opts: WaitOptions = {}): Promise<T> {
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const intervalMs = opts.intervalMs ?? 100;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    const last = Date.now() >= deadline;
    try {
      const value = await fn();
      if (value !== undefined) return value;
      lastError = undefined;
    } catch (err) {
      lastError = err;
    }
    if (last) break;
    await sleep(Math.max(0, Math.min(intervalMs, deadline - Date.now())));
  }
  const detail = lastError === undefined ? '' : `; last error: ${lastError instanceof Error ? lastError.message : String(lastError)}`;
  throw new Error(`waitFor: ${opts.what ?? 'condition'} not met within ${timeoutMs} ms${detail}`);
}
