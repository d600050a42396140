// The trace builder reads a tool call's target and rule hits from the ledger (computed once, at
// ingest) instead of redacting and matching the input again.
import type { Ledger } from '../../state/ledger.js';
import type { ToolLookup } from './trace-builder.js';

export function ledgerToolLookup(ledger: Ledger): ToolLookup {
  return (id) => {
    const t = ledger.tools.get(id);
    return t && { target: t.target, hits: ledger.hitsOf(id) };
  };
}
