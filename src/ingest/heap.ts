// Memory of the long-running daemon. While it backfills, V8 grows its heap into the garbage of
// reading all history and keeps most of it afterwards; with --optimize-for-size (smaller growing
// factors and young generation) during the backfill `ccotel run` ends it ~15 MB smaller (bench
// daemon shape, 150 MB: 146-151 MB resident after backfill against 157-169 MB). Kept for good the
// hint would save more (115-125 MB), but while following it made V8 run memory-reducing full
// collections every few hundred ms (GC ~160 ms per 10 s of appends, single pauses up to 117 ms on
// a loaded machine, against ~25-55 ms and no long pause without it), which the event-loop target
// (no stall over 50 ms) does not allow. So it is set for the backfill and cleared to follow.
// The watcher's first walk (chokidar stats and watches every folder and file) allocates like the
// backfill: cleared after the walk, the hint keeps ~45 MB of its garbage out of the resident set
// (445 MB shape: chokidar alone grows a bare process by ~85 MB with V8's default sizing, ~40 MB
// with the hint; the walk takes a second or two).
import { setFlagsFromString } from 'node:v8';

/** At the start of `ccotel run`, before the backfill allocates. Only a hint to V8. */
export function preferSmallHeap(): void {
  setFlag('--optimize-for-size');
}

/**
 * For `backfill`, a read of all history that then exits: V8 grows the old generation by 1.5x at
 * each collection instead of its default factor, so less garbage stays resident between collections.
 * Measured on the bench shapes (417 MB / 598 MB, into a real collector): peak RSS 214-218 -> ~175 MB
 * and 229 -> ~189 MB for ~10% more time, where --optimize-for-size took 130 MB for 65% more.
 */
export function growHeapSlowly(): void {
  setFlag('--heap-growing-percent=50');
}

/**
 * Once the backfill and the watcher's first walk (`settled`) are done: V8's default heap sizing,
 * which collects less often. After `maxMs` at the latest, should the walk never end.
 */
export function heapForFollowing(settled: Promise<unknown>, maxMs = 60_000): void {
  let timer: NodeJS.Timeout | undefined;
  const done = (): void => {
    clearTimeout(timer);
    setFlag('--no-optimize-for-size');
  };
  timer = setTimeout(done, maxMs);
  timer.unref();
  settled.then(done, done);
}

function setFlag(flag: string): void {
  try {
    setFlagsFromString(flag);
  } catch {
    // Another engine: nothing to tune.
  }
}
