// Which price a model name gets. A known name is followed only by a date or version suffix in the
// forms Anthropic's API, Bedrock and Vertex use; any other continuation is another model, reported
// unpriced (never silently billed as its prefix). Expected prices are the literal published numbers
// (USD per million tokens: input / output / cache write / cache read), not read from the table.
import { describe, expect, it } from 'vitest';
import { Pricer } from '../src/pricing/cost.js';
import { EMBEDDED_PRICES } from '../src/pricing/price-table.js';

const pricer = new Pricer(EMBEDDED_PRICES);
const prices = (model: string) => {
  const p = pricer.priceOf(model);
  return p && [p.input, p.output, p.cacheWrite, p.cacheRead];
};

describe('model ids and prices', () => {
  const priced: Array<[string, number[]]> = [
    // Anthropic API ids with dates, and aliases
    ['claude-opus-4-20250514', [15, 75, 18.75, 1.5]],
    ['claude-opus-4-1-20250805', [15, 75, 18.75, 1.5]],
    ['claude-opus-4-5-20251101', [5, 25, 6.25, 0.5]],
    ['claude-opus-4-6', [5, 25, 6.25, 0.5]],
    ['claude-sonnet-4-5-20250929', [3, 15, 3.75, 0.3]],
    ['claude-haiku-4-5-20251001', [1, 5, 1.25, 0.1]],
    ['claude-3-7-sonnet-latest', [3, 15, 3.75, 0.3]],
    // Claude 3 and 3.5
    ['claude-3-opus-20240229', [15, 75, 18.75, 1.5]],
    ['claude-3-sonnet-20240229', [3, 15, 3.75, 0.3]],
    ['claude-3-haiku-20240307', [0.25, 1.25, 0.3, 0.03]],
    ['claude-3-5-sonnet-20240620', [3, 15, 3.75, 0.3]],
    ['claude-3-5-sonnet-20241022', [3, 15, 3.75, 0.3]],
    ['claude-3-5-haiku-20241022', [0.8, 4, 1, 0.08]],
    // Bedrock: provider prefix, version suffix, cross-region inference prefixes
    ['anthropic.claude-3-5-sonnet-20240620-v1:0', [3, 15, 3.75, 0.3]],
    ['anthropic.claude-3-haiku-20240307-v1:0', [0.25, 1.25, 0.3, 0.03]],
    ['us.anthropic.claude-sonnet-4-20250514-v1:0', [3, 15, 3.75, 0.3]],
    ['eu.anthropic.claude-3-7-sonnet-20250219-v1:0', [3, 15, 3.75, 0.3]],
    ['apac.anthropic.claude-haiku-4-5-20251001-v1:0', [1, 5, 1.25, 0.1]],
    ['global.anthropic.claude-opus-4-5-20251101-v1:0', [5, 25, 6.25, 0.5]],
    // Vertex AI: @date, and 3.5 Sonnet v2
    ['claude-sonnet-4@20250514', [3, 15, 3.75, 0.3]],
    ['claude-opus-4-1@20250805', [15, 75, 18.75, 1.5]],
    ['claude-3-5-sonnet-v2@20241022', [3, 15, 3.75, 0.3]],
    // OpenRouter-style provider prefix
    ['anthropic/claude-sonnet-4-6', [3, 15, 3.75, 0.3]],
  ];
  for (const [model, want] of priced) it(`${model} costs ${want.join(' / ')}`, () => expect(prices(model)).toEqual(want));

  const unpriced = ['claude-opus-4-8-20270101', 'claude-opus-4-8', 'claude-sonnet-4-9', 'claude-opus-4x', 'claude-haiku-4-5-mini', 'claude-3-5-sonnet-turbo', 'claude-experimental-x', 'us.anthropic.claude-opus-4-8-v1:0', 'gpt-4o'];
  for (const model of unpriced) it(`${model} is unpriced, not billed as a shorter name`, () => {
    expect(pricer.priceOf(model)).toBeNull();
    expect(pricer.cost(model, { input: 1000, output: 1000, cacheCreation: 0, cacheCreation1h: 0, cacheRead: 0, cacheSplit: false, fast: false })).toEqual({ usd: 0, priced: false });
  });

  it("the config file's own keys price every name they start with", () => {
    const p = new Pricer({ ...EMBEDDED_PRICES, 'acme-model': { input: 2, output: 8, cacheWrite: 2.5, cacheRead: 0.2 } }, { prefixKeys: new Set(['acme-model']) });
    expect(p.priceOf('acme-model-9')?.input).toBe(2);
    expect(p.priceOf('claude-opus-4-8')).toBeNull();
  });
});
