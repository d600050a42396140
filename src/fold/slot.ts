// Time buckets of the fold. Every calendar boundary `stats` and the budget gauges use is a local
// midnight, and every time zone in use today is offset from UTC by a multiple of 15 minutes
// (India +5:30, Nepal +5:45, Chatham +12:45), so 15-minute UTC slots answer any day range in any
// zone exactly. A boundary off that grid (historic local mean time) is answered from the ledger.
export const SLOT_MS = 15 * 60_000;

export const slotOf = (ts: number): number => Math.floor(ts / SLOT_MS);

/** True when [startMs, endMs) is a union of whole slots (infinite ends count as whole). */
export function onSlotGrid(startMs: number, endMs: number): boolean {
  const ok = (t: number) => !Number.isFinite(t) || t % SLOT_MS === 0;
  return ok(startMs) && ok(endMs);
}

/** Slot range [from, to) covering [startMs, endMs). */
export function slotRange(startMs: number, endMs: number): [number, number] {
  return [Number.isFinite(startMs) ? Math.ceil(startMs / SLOT_MS) : -Infinity, Number.isFinite(endMs) ? Math.ceil(endMs / SLOT_MS) : Infinity];
}

/** Slots per chunk: the fold saves its buckets a UTC day a file (fold-file.ts), so a snapshot while following rewrites about a day. */
export const CHUNK_SLOTS = 96;
export const chunkOf = (slot: number): number => Math.floor(slot / CHUNK_SLOTS);
