// The prices in effect: the embedded table, the config file's `pricing`, or a flat rate from the
// environment, as the Pricer every cost goes through. Its own file: `stats` compares its
// fingerprint with the running daemon's without loading the detection rules.
import { Pricer } from '../pricing/cost.js';
import { EMBEDDED_PRICES, type PriceTable } from '../pricing/price-table.js';
import { UserError } from '../errors.js';
import type { FileConfig } from './config.js';

/** What a command says when the environment's flat rate prices every model. */
export const FLAT_RATE_WARNING = 'CLAUDE_RATE_INPUT/CLAUDE_RATE_OUTPUT set: costs use that flat rate for every model';

export function pricesFor(config: FileConfig, env: NodeJS.ProcessEnv = process.env): { pricer: Pricer; flatRate: boolean } {
  const { table, flatRate } = priceTable(config, env);
  return { pricer: new Pricer(table, { prefixKeys: new Set(Object.keys(config.pricing ?? {})) }), flatRate };
}

/**
 * The price table in effect. CLAUDE_RATE_INPUT / CLAUDE_RATE_OUTPUT (the guide's flat rates, USD per
 * 1K tokens) replace input/output prices for every model, with cache prices at the usual ratios
 * (write 1.25x, read 0.1x input).
 */
export function priceTable(config: FileConfig, env: NodeJS.ProcessEnv = process.env): { table: PriceTable; flatRate: boolean } {
  const table: PriceTable = { ...EMBEDDED_PRICES, ...(config.pricing ?? {}) };
  const rin = env.CLAUDE_RATE_INPUT;
  const rout = env.CLAUDE_RATE_OUTPUT;
  if (!rin && !rout) return { table, flatRate: false };
  const parse = (name: string, v: string | undefined): number | undefined => {
    if (v === undefined || v === '') return undefined;
    const n = Number(v);
    if (!Number.isFinite(n) || n < 0) throw new UserError(`${name} must be a non-negative number in USD per 1K tokens (got "${v}")`);
    return n * 1000; // per 1K -> per million
  };
  const inPerM = parse('CLAUDE_RATE_INPUT', rin);
  const outPerM = parse('CLAUDE_RATE_OUTPUT', rout);
  for (const [k, p] of Object.entries(table)) {
    const input = inPerM ?? p.input;
    table[k] = { input, output: outPerM ?? p.output, cacheWrite: inPerM !== undefined ? input * 1.25 : p.cacheWrite, cacheRead: inPerM !== undefined ? input * 0.1 : p.cacheRead, fastMultiplier: p.fastMultiplier };
  }
  return { table, flatRate: true };
}
