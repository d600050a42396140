// Embedded prices, USD per million tokens (from ../shared/claude-code-format.md, which mirrors the
// table ccusage 20.x uses, so our totals equal its; the Claude 3 and 3.5 models it does not list are
// Anthropic's published prices). Overridable from the config file. A key prices its own name and
// the same name with a date or version suffix only (./cost.ts).

export interface ModelPrice {
  input: number;
  output: number;
  /** 5-minute cache write. 1-hour writes cost 2 x input. */
  cacheWrite: number;
  cacheRead: number;
  /** Per-token-type prices for the part of an entry above 200k tokens of that type. */
  above200k?: { input: number; output: number; cacheWrite: number; cacheRead: number };
  /** Multiplier for `speed: "fast"` requests. */
  fastMultiplier?: number;
}

export type PriceTable = Record<string, ModelPrice>;

const opus45: ModelPrice = { input: 5, output: 25, cacheWrite: 6.25, cacheRead: 0.5 };
const opus46: ModelPrice = { ...opus45, fastMultiplier: 6 };
const opus4: ModelPrice = { input: 15, output: 75, cacheWrite: 18.75, cacheRead: 1.5 };
const sonnet: ModelPrice = { input: 3, output: 15, cacheWrite: 3.75, cacheRead: 0.3 };
const haiku3: ModelPrice = { input: 0.25, output: 1.25, cacheWrite: 0.3, cacheRead: 0.03 };
const sonnetTiered: ModelPrice = { ...sonnet, above200k: { input: 6, output: 22.5, cacheWrite: 7.5, cacheRead: 0.6 } };

export const EMBEDDED_PRICES: PriceTable = {
  'claude-opus-4-7': opus46,
  'claude-opus-4-6': opus46,
  'claude-opus-4-5': opus45,
  'claude-opus-4-1': opus4,
  'claude-opus-4': opus4,
  'claude-sonnet-4-6': sonnet,
  'claude-sonnet-4-5': sonnetTiered,
  'claude-sonnet-4': sonnetTiered,
  'claude-haiku-4-5': { input: 1, output: 5, cacheWrite: 1.25, cacheRead: 0.1 },
  'claude-3-5-haiku': { input: 0.8, output: 4, cacheWrite: 1, cacheRead: 0.08 },
  'claude-3-7-sonnet': sonnet,
  'claude-3-5-sonnet': sonnet,
  'claude-3-opus': opus4,
  'claude-3-sonnet': sonnet,
  'claude-3-haiku': haiku3,
};

/** Models that are free by definition (API error placeholders), never "unpriced". */
export const FREE_MODELS = new Set(['<synthetic>']);
