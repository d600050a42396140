// listing.json: the transcript folders' listings of the last start (sources/listing-cache.ts), so a
// start where nothing changed stats folders instead of reading them. Only a hint: a missing,
// unreadable or damaged file means a full walk, never an error; it is never followed through a link,
// written only when the walk saw a change, never by a read-only open, and dropped by --reset-state.
import { open, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { ListingCache } from '../sources/listing-cache.js';
import { READ_NOFOLLOW, writeFileAtomic } from './atomic-file.js';
import type { StateStore } from './store.js';

export const LISTING_FILE = 'listing.json';
/** Far above any real history's listing (a few hundred bytes per folder); a larger file is not ours. */
const MAX_BYTES = 256 * 1024 * 1024;

/** The saved listings, or an empty cache (fresh or reset state, or no usable file). */
export async function loadListing(store: Pick<StateStore, 'dir' | 'created' | 'readOnly'>): Promise<ListingCache> {
  const path = join(store.dir, LISTING_FILE);
  if (store.created) {
    if (!store.readOnly) await unlink(path).catch(() => {});
    return ListingCache.empty();
  }
  let fh;
  try {
    fh = await open(path, READ_NOFOLLOW);
    const st = await fh.stat();
    if (!st.isFile() || st.size > MAX_BYTES) return ListingCache.empty();
    return ListingCache.parse(await fh.readFile('utf8'));
  } catch {
    return ListingCache.empty();
  } finally {
    await fh?.close().catch(() => {});
  }
}

/** Saves the cache when the walk changed it; failing to is not the user's problem (the next start walks). */
export async function saveListing(store: Pick<StateStore, 'dir' | 'readOnly'>, cache: ListingCache): Promise<boolean> {
  if (store.readOnly || !cache.changed) return false;
  try {
    await writeFileAtomic(join(store.dir, LISTING_FILE), cache.serialize());
    return true;
  } catch {
    return false;
  }
}
