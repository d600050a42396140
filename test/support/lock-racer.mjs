// Child process for the stale-lock race test: on "go <dir>" it tries to take the state lock of
// <dir> and prints "got" or "held <pid>"; on "release" it releases it and prints "released".
import { createInterface } from 'node:readline';
const { StateLock } = await import(process.argv[2]);
let lock;
const rl = createInterface({ input: process.stdin });
process.stdout.write('ready\n');
for await (const line of rl) {
  const [cmd, dir] = line.split(' ');
  if (cmd === 'go') {
    const r = StateLock.acquire(dir);
    if ('heldBy' in r) process.stdout.write(`held ${r.heldBy}\n`);
    else {
      lock = r;
      process.stdout.write('got\n');
    }
  } else if (cmd === 'release') {
    lock?.release();
    lock = undefined;
    process.stdout.write('released\n');
  }
}
