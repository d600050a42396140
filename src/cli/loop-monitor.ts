// Event-loop stalls of the daemon, for `npm run bench` (CCOTEL_EVENT_LOOP_STATS=1): once a second,
// the longest delay of the past second is logged. Off by default: it costs a timer and a log line.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { Logger } from '../log.js';

export function startLoopMonitor(log: Logger, env: NodeJS.ProcessEnv = process.env): void {
  if (env.CCOTEL_EVENT_LOOP_STATS !== '1') return;
  const h = monitorEventLoopDelay({ resolution: 10 });
  h.enable();
  setInterval(() => {
    const m = process.memoryUsage();
    log.info('event loop delay', { maxMs: h.max / 1e6, p99Ms: h.percentile(99) / 1e6, rssMB: m.rss / 2 ** 20, heapMB: m.heapUsed / 2 ** 20, externalMB: m.external / 2 ** 20 });
    h.reset();
  }, 1000).unref();
}
