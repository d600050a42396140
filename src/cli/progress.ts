// A progress line on stderr, only when stderr is a terminal (scripts and CI get clean output).
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
