// Cost of one deduplicated model call, computed the way ccusage 20.x does so totals agree to the cent:
// the 200k tier applies per token type per entry, to the tokens above the threshold only.
import { createHash } from 'node:crypto';
import type { Usage } from '../model/events.js';
import { FREE_MODELS, type ModelPrice, type PriceTable } from './price-table.js';

const TIER = 200_000;
const PER_TOKEN = 1e-6;

export class Pricer {
  private readonly keys: string[];
  private readonly cache = new Map<string, ModelPrice | null>();

  /** Identifies the table's content: aggregates computed with other prices are stale. */
  readonly fingerprint: string;

  constructor(private readonly table: PriceTable) {
    // Longest prefix wins: 'claude-sonnet-4-5' before 'claude-sonnet-4'.
    this.keys = Object.keys(table).sort((a, b) => b.length - a.length);
    const canonical = JSON.stringify(Object.keys(table).sort().map((k) => [k, table[k]]), (_k, v: unknown) => (v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1))) : v));
    this.fingerprint = createHash('sha256').update(canonical).update('\0').update([...FREE_MODELS].join(',')).digest('hex').slice(0, 16);
  }

  /** The price of a model, by longest known prefix; null when unknown. */
  priceOf(model: string): ModelPrice | null {
    let hit = this.cache.get(model);
    if (hit !== undefined) return hit;
    const bare = model.startsWith('anthropic/') ? model.slice('anthropic/'.length) : model;
    const key = this.keys.find((k) => bare.startsWith(k));
    hit = key ? this.table[key]! : null;
    this.cache.set(model, hit);
    return hit;
  }

  isFree(model: string): boolean {
    return FREE_MODELS.has(model);
  }

  /** USD for one call; `priced` is false for a model we have no price for (cost counted as 0). */
  cost(model: string, u: Usage, apiError = false): { usd: number; priced: boolean } {
    if (apiError || this.isFree(model)) return { usd: 0, priced: true };
    const p = this.priceOf(model);
    if (!p) return { usd: 0, priced: false };
    const hi = p.above200k;
    const tiered = (tokens: number, base: number, above: number | undefined): number =>
      above !== undefined && tokens > TIER ? TIER * base + (tokens - TIER) * above : tokens * base;
    const write5m = u.cacheSplit ? u.cacheCreation - u.cacheCreation1h : u.cacheCreation;
    let usd =
      tiered(u.input, p.input, hi?.input) +
      tiered(u.output, p.output, hi?.output) +
      tiered(write5m, p.cacheWrite, hi?.cacheWrite) +
      tiered(u.cacheRead, p.cacheRead, hi?.cacheRead) +
      tiered(u.cacheCreation1h, 2 * p.input, hi ? 2 * hi.input : undefined);
    if (u.fast && p.fastMultiplier) usd *= p.fastMultiplier;
    return { usd: usd * PER_TOKEN, priced: true };
  }
}
