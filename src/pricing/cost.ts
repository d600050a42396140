// Cost of one deduplicated model call, computed the way ccusage 20.x does so totals agree to the cent:
// the 200k tier applies per token type per entry, to the tokens above the threshold only.
import { createHash } from 'node:crypto';
import type { Usage } from '../model/events.js';
import { FREE_MODELS, type ModelPrice, type PriceTable } from './price-table.js';

const TIER = 200_000;
const PER_TOKEN = 1e-6;

/**
 * What may follow a known model name: a date (`-20250514`), `-latest`, a version (`-v1:0` on
 * Bedrock, `-v2`) or a Vertex date (`@20250514`). Anything else is another model:
 * `claude-opus-4-8-…` is not Opus 4.
 */
const SUFFIX = /^(?:-\d{8}|-latest)?(?:-v\d+(?::\d+)?)?(?:@\d{8})?$/;
/** Bedrock's region prefixes (`us.`, `eu.`, `apac.`, `global.`, …) and the provider prefix. */
const PROVIDER = /^(?:[a-z]{2,6}\.)?anthropic[./]/;

export interface PricerOptions {
  /** Keys that price every model name they start with (the config file's own entries). */
  prefixKeys?: ReadonlySet<string>;
}

export class Pricer {
  private readonly keys: string[];
  private readonly cache = new Map<string, ModelPrice | null>();

  /** Identifies the table's content and matching rules: aggregates computed with other prices are stale. */
  readonly fingerprint: string;

  constructor(
    private readonly table: PriceTable,
    private readonly opts: PricerOptions = {},
  ) {
    // Longest first: 'claude-sonnet-4-5' before 'claude-sonnet-4'.
    this.keys = Object.keys(table).sort((a, b) => b.length - a.length);
    const canonical = JSON.stringify(Object.keys(table).sort().map((k) => [k, table[k]]), (_k, v: unknown) => (v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1))) : v));
    this.fingerprint = createHash('sha256').update(canonical).update('\0').update([...FREE_MODELS].join(',')).update('\0').update([...(this.opts.prefixKeys ?? [])].sort().join(',')).digest('hex').slice(0, 16);
  }

  /** The table key pricing a model (Anthropic, Bedrock and Vertex id forms), if any. */
  keyOf(model: string): string | undefined {
    const bare = model.replace(PROVIDER, '');
    return this.keys.find((k) => bare.startsWith(k) && (SUFFIX.test(bare.slice(k.length)) || this.opts.prefixKeys?.has(k) === true));
  }

  /** The price of a model; null when unknown. */
  priceOf(model: string): ModelPrice | null {
    let hit = this.cache.get(model);
    if (hit !== undefined) return hit;
    const key = this.keyOf(model);
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

  /**
   * USD that reading from the cache saved on one call: its cache-read tokens at the model's input
   * price minus what they cost at the cache-read price (same 200k tier and fast multiplier as cost()).
   * 0 for API errors, free and unpriced models, and never below 0.
   */
  cacheSavings(model: string, u: Usage, apiError = false): number {
    if (apiError || u.cacheRead === 0 || this.isFree(model)) return 0;
    const p = this.priceOf(model);
    if (!p) return 0;
    const hi = p.above200k;
    const tiered = (tokens: number, base: number, above: number | undefined): number =>
      above !== undefined && tokens > TIER ? TIER * base + (tokens - TIER) * above : tokens * base;
    let usd = tiered(u.cacheRead, p.input, hi?.input) - tiered(u.cacheRead, p.cacheRead, hi?.cacheRead);
    if (u.fast && p.fastMultiplier) usd *= p.fastMultiplier;
    // A configured cache-read price above the input price saves nothing (a counter never goes down).
    return Math.max(0, usd) * PER_TOKEN;
  }
}
