// A worker thread that reads slices for the main thread (read-pool.ts): the same FileReader, so a
// slice read here is exactly the slice the main thread would have read. Its warnings go back with
// the slice and are logged by the main thread, in file order.
import { parentPort, workerData } from 'node:worker_threads';
import type { Logger } from '../log.js';
import { FileReader, type ReaderOptions } from './file-reader.js';
import { CLAIM, type SliceJob, type SliceReply } from './read-pool.js';
import { packLines } from './event-codec.js';

const { opts, claims } = workerData as { opts: ReaderOptions; claims: Int32Array };

parentPort!.on('message', (job: SliceJob) => {
  // The main thread took this job back (it got there first): nothing to do.
  if (Atomics.compareExchange(claims, job.slot, CLAIM.open, CLAIM.worker) !== CLAIM.open) {
    parentPort!.postMessage({ id: job.id, warnings: [], skipped: true } satisfies SliceReply);
    return;
  }
  const warnings: string[] = [];
  const log: Logger = { debug() {}, info() {}, warn: (msg) => warnings.push(msg), error: (msg) => warnings.push(msg) };
  new FileReader(log, opts).readSlice(job.file, job.cp, job.from).then(
    ({ lines, ...slice }) => {
      // The events go packed, their buffer moved rather than copied (event-codec.ts).
      const packed = packLines(lines);
      parentPort!.postMessage({ id: job.id, slice, packed, warnings } satisfies SliceReply, [packed.buffer]);
    },
    (err: NodeJS.ErrnoException) => parentPort!.postMessage({ id: job.id, error: { message: err.message, code: err.code }, warnings } satisfies SliceReply),
  );
});
