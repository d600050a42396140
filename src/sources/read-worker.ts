// A worker thread that reads slices for the main thread (read-pool.ts): the same FileReader, so a
// slice read here is exactly the slice the main thread would have read. Its warnings go back with
// the slice and are logged by the main thread, in file order.
//
// Jobs are taken newest first. The main thread applies files in order and reads a job itself when
// its turn comes before the worker started it; taking the furthest-ahead job keeps the two apart:
// the worker reads at the front of the window while the main thread reads what the worker left,
// and neither waits for the other (in order, the main thread caught up with the worker on every
// file and both idled a third of the time). A slower worker simply reads fewer files.
import { parentPort, workerData } from 'node:worker_threads';
import type { Logger } from '../log.js';
import { FileReader, type ReaderOptions } from './file-reader.js';
import { CLAIM, type SliceJob, type SliceReply } from './read-pool.js';
import { packLines } from './event-codec.js';

const { opts, claims } = workerData as { opts: ReaderOptions; claims: Int32Array };
const jobs: SliceJob[] = [];
let running = false;

parentPort!.on('message', (job: SliceJob) => {
  jobs.push(job);
  if (!running) {
    running = true;
    setImmediate(next);
  }
});

async function next(): Promise<void> {
  const job = jobs.pop();
  if (job === undefined) {
    running = false;
    return;
  }
  await read(job);
  // Back to the event loop between jobs, so that jobs posted meanwhile are seen before the next pick.
  setImmediate(next);
}

async function read(job: SliceJob): Promise<void> {
  // The main thread took this job back (it got there first): nothing to do.
  if (Atomics.compareExchange(claims, job.slot, CLAIM.open, CLAIM.worker) !== CLAIM.open) {
    parentPort!.postMessage({ id: job.id, warnings: [], skipped: true } satisfies SliceReply);
    return;
  }
  const warnings: string[] = [];
  const log: Logger = { debug() {}, info() {}, warn: (msg) => warnings.push(msg), error: (msg) => warnings.push(msg) };
  try {
    const { lines, ...slice } = await new FileReader(log, opts).readSlice(job.file, job.cp, job.from);
    // The events go packed, their buffer moved rather than copied (event-codec.ts).
    const packed = packLines(lines);
    parentPort!.postMessage({ id: job.id, slice, packed, warnings } satisfies SliceReply, [packed.buffer]);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    parentPort!.postMessage({ id: job.id, error: { message: e.message, code: e.code }, warnings } satisfies SliceReply);
  }
}
