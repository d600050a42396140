// Progress while reading history: a line redrawn on stderr when it is a terminal, or log lines (what
// will be read, then every few seconds) for daemons and scripts.
import type { Logger } from '../log.js';
export interface Progress {
  update(done: number, total: number): void;
  done(): void;
}

export function createProgress(label: string, stream: NodeJS.WriteStream = process.stderr): Progress {
  if (!stream.isTTY) return { update() {}, done() {} };
  let last = 0;
  const started = Date.now();
  return {
    update(done, total) {
      const now = Date.now();
      if (now - last < 100 && done < total) return;
      last = now;
      const pct = total > 0 ? Math.floor((done / total) * 100) : 100;
      const mb = (done / 1e6).toFixed(1);
      const rate = (done / 1e6 / Math.max(0.001, (now - started) / 1000)).toFixed(1);
      stream.write(`\r${label}: ${pct}% (${mb} of ${(total / 1e6).toFixed(1)} MB, ${rate} MB/s)\x1b[K`);
    },
    done() {
      if (last > 0) stream.write('\r\x1b[K');
    },
  };
}

/**
 * Progress as log records: what will be read at the start, then one line every `everyMs`. `files`
 * is read at the first call (the manager counts files before reporting progress).
 */
export function progressLog(log: Logger, files: () => number, everyMs = 5000): (done: number, total: number) => void {
  let last = 0;
  let told = false;
  return (done, total) => {
    if (!told) {
      told = true;
      last = Date.now();
      log.info(total > 0 ? `reading ${(total / 1e6).toFixed(1)} MB of new transcript data from ${files()} files` : `no new transcript data in ${files()} files`, { files: files(), bytesTotal: total });
      return;
    }
    const now = Date.now();
    if (now - last < everyMs || total === 0 || done >= total) return;
    last = now;
    log.info(`read ${Math.floor((done / total) * 100)}% (${(done / 1e6).toFixed(1)} of ${(total / 1e6).toFixed(1)} MB)`, { percent: Math.floor((done / total) * 100), bytesDone: done, bytesTotal: total });
  };
}

/** Brings history up to date with a progress line on a terminal (stats, audit, sessions). */
export async function syncWithProgress(session: { sync(progress: (done: number, total: number) => void): Promise<unknown> }, label = 'reading transcripts'): Promise<void> {
  const progress = createProgress(label);
  try {
    await session.sync((d, t) => progress.update(d, t));
  } finally {
    progress.done();
  }
}
