import { createRequire as __cr } from 'module'; const require = __cr(import.meta.url);

// src/export/traces/tool-lookup.ts
function ledgerToolLookup(ledger) {
  return (id) => {
    const t = ledger.tools.get(id);
    return t && { target: t.target, hits: ledger.hitsOf(id) };
  };
}

export {
  ledgerToolLookup
};
