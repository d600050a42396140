import { createRequire as __cr } from 'module'; const require = __cr(import.meta.url);

// src/cli/progress.ts
function createProgress(label, stream = process.stderr) {
  if (!stream.isTTY) return { update() {
  }, done() {
  } };
  let last = 0;
  const started = Date.now();
  return {
    update(done, total) {
      const now = Date.now();
      if (now - last < 100 && done < total) return;
      last = now;
      const pct = total > 0 ? Math.floor(done / total * 100) : 100;
      const mb = (done / 1e6).toFixed(1);
      const rate = (done / 1e6 / Math.max(1e-3, (now - started) / 1e3)).toFixed(1);
      stream.write(`\r${label}: ${pct}% (${mb} of ${(total / 1e6).toFixed(1)} MB, ${rate} MB/s)\x1B[K`);
    },
    done() {
      if (last > 0) stream.write("\r\x1B[K");
    }
  };
}
function progressLog(log, files, everyMs = 5e3) {
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
    log.info(`read ${Math.floor(done / total * 100)}% (${(done / 1e6).toFixed(1)} of ${(total / 1e6).toFixed(1)} MB)`, { percent: Math.floor(done / total * 100), bytesDone: done, bytesTotal: total });
  };
}
async function syncWithProgress(session, label = "reading transcripts") {
  const progress = createProgress(label);
  try {
    await session.sync((d, t) => progress.update(d, t));
  } finally {
    progress.done();
  }
}

export {
  createProgress,
  progressLog,
  syncWithProgress
};
