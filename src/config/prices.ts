// The prices in effect: the embedded table, the config file's `pricing`, or a flat rate from the
// environment, as the Pricer every cost goes through. Its own file: `stats` compares its
// fingerprint with the running daemon's without loading the detection rules.
import { Pricer } from '../pricing/cost.js';
import { priceTable, type FileConfig } from './config.js';

export function pricesFor(config: FileConfig, env: NodeJS.ProcessEnv = process.env): { pricer: Pricer; flatRate: boolean } {
  const { table, flatRate } = priceTable(config, env);
  return { pricer: new Pricer(table, { prefixKeys: new Set(Object.keys(config.pricing ?? {})) }), flatRate };
}
