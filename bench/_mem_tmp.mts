import { StateStore } from '../src/state/store.js';
const gc = (globalThis as any).gc as () => void;
gc(); const h0 = process.memoryUsage().heapUsed;
const s = await StateStore.open('/tmp/dprof/state', { allowReadOnly: true });
const l = s.ledger;
gc(); const h1 = process.memoryUsage().heapUsed;
console.log('records', l.recordCount, 'usage', l.usage.size, 'tools', l.tools.size, 'prompts', l.prompts.size, 'hits', l.hits.size, 'ledger heap MB', ((h1 - h0) / 1048576).toFixed(1));
s.close();
