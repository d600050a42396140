// Keys of ledger records that `ccotel prune` dropped. A transcript read again from 0 later (it was
// replaced or truncated) brings those keys back; without this list they would enter as new records
// and be counted a second time beside the rollup that already holds them. Each key is kept as 8
// bytes (the first 64 bits of its MD5: a false match among a million keys has odds of ~1e-8), in
// one sorted array searched by bisection, and saved in the ledger as base64 rows of up to CHUNK keys.
import { createHash } from 'node:crypto';

const CHUNK = 4096;

export function keyHash(typedKey: string): bigint {
  return createHash('md5').update(typedKey).digest().readBigUInt64LE(0);
}

export class Tombstones {
  private sorted = new BigUint64Array(0);
  /** Hashes loaded or added since the array was last sorted. */
  private added: bigint[] = [];

  get size(): number {
    return this.sorted.length + this.added.length;
  }

  /** Rows `serialize()` writes (the ledger counts them as current records). */
  get rowCount(): number {
    this.settle();
    return Math.ceil(this.sorted.length / CHUNK);
  }

  add(typedKey: string): void {
    this.added.push(keyHash(typedKey));
  }

  /** One saved row's payload (base64 of little-endian 64-bit hashes). */
  load(b64: string): void {
    const buf = Buffer.from(b64, 'base64');
    for (let i = 0; i + 8 <= buf.length; i += 8) this.added.push(buf.readBigUInt64LE(i));
  }

  has(typedKey: string): boolean {
    if (this.size === 0) return false;
    this.settle();
    const h = keyHash(typedKey);
    const a = this.sorted;
    let lo = 0;
    let hi = a.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (a[mid]! < h) lo = mid + 1;
      else hi = mid;
    }
    return lo < a.length && a[lo] === h;
  }

  /** The payloads of the rows to save, sorted and without duplicates. */
  *serialize(): Generator<string> {
    this.settle();
    for (let i = 0; i < this.sorted.length; i += CHUNK) {
      const part = this.sorted.subarray(i, i + CHUNK);
      const buf = Buffer.alloc(part.length * 8);
      part.forEach((h, j) => buf.writeBigUInt64LE(h, j * 8));
      yield buf.toString('base64');
    }
  }

  private settle(): void {
    if (this.added.length === 0) return;
    const all = new BigUint64Array(this.sorted.length + this.added.length);
    all.set(this.sorted);
    all.set(this.added, this.sorted.length);
    all.sort();
    let n = 0;
    for (let i = 0; i < all.length; i++) if (i === 0 || all[i] !== all[n - 1]) all[n++] = all[i]!;
    this.sorted = all.slice(0, n);
    this.added = [];
  }
}
