// The saved forms of the fold's parts (fold.json and the ledger's rollup rows): cells as arrays,
// since they are the bulk; the small series as plain JSON with Maps as {$m: entries}.
import type { Cell, ModelTotals } from './cell.js';
import type { Counts } from './counts.js';

// Compact forms: cells are the bulk of the file, so they are arrays rather than named fields.
export type Plain = unknown;
const flat = (c: Counts): Plain[] => {
  const out: Plain[] = [];
  for (const [k, n] of c) out.push(k, n);
  return out;
};
const unflat = (a: Plain[]): Counts => {
  const m: Counts = new Map();
  for (let i = 0; i < a.length; i += 2) m.set(a[i] as string, a[i + 1] as number);
  return m;
};
const modelToArr = (m: ModelTotals): number[] => [m.n, m.apiErrors, m.unpriced, m.input, m.output, m.cacheCreation, m.cacheRead, m.nanoUsd, m.cacheCreation1h, m.savedNanoUsd];
const arrToModel = (a: number[]): ModelTotals => ({ n: a[0]!, apiErrors: a[1]!, unpriced: a[2]!, input: a[3]!, output: a[4]!, cacheCreation: a[5]!, cacheRead: a[6]!, nanoUsd: a[7]!, cacheCreation1h: a[8] ?? 0, savedNanoUsd: a[9] ?? 0 });
export function cellToArr(c: Cell): Plain[] {
  const models: Plain[] = [];
  for (const [k, m] of c.models) models.push(k, modelToArr(m));
  const tools: Plain[] = [];
  for (const [k, t] of c.tools) tools.push(k, t.calls, t.errors);
  return [c.n, c.prompts, c.compactions, c.operations, models, tools, flat(c.sessions), flat(c.agents), flat(c.reads), flat(c.failing), flat(c.edits), flat(c.sensitive)];
}
export function arrToCell(a: Plain[]): Cell {
  const models = new Map<string, ModelTotals>();
  const ma = a[4] as Plain[];
  for (let i = 0; i < ma.length; i += 2) models.set(ma[i] as string, arrToModel(ma[i + 1] as number[]));
  const tools = new Map<string, { calls: number; errors: number }>();
  const ta = a[5] as Plain[];
  for (let i = 0; i < ta.length; i += 3) tools.set(ta[i] as string, { calls: ta[i + 1] as number, errors: ta[i + 2] as number });
  return { n: a[0] as number, prompts: a[1] as number, compactions: a[2] as number, operations: a[3] as number, models, tools, sessions: unflat(a[6] as Plain[]), agents: unflat(a[7] as Plain[]), reads: unflat(a[8] as Plain[]), failing: unflat(a[9] as Plain[]), edits: unflat(a[10] as Plain[]), sensitive: unflat((a[11] ?? []) as Plain[]) };
}

// The series are small: Maps become {$m: entries}, infinities strings.
export function toPlain(v: unknown): Plain {
  if (v instanceof Map) {
    const a: Plain[] = [];
    for (const [k, x] of v) a.push([k, toPlain(x)]);
    return { $m: a };
  }
  if (Array.isArray(v)) return v.map(toPlain);
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  if (v !== null && typeof v === 'object') {
    const o: Record<string, Plain> = {};
    for (const [k, x] of Object.entries(v)) o[k] = toPlain(x);
    return o;
  }
  return v;
}
export function fromPlain(v: Plain): unknown {
  if (Array.isArray(v)) return v.map(fromPlain);
  if (v === '+Inf') return Infinity;
  if (v === '-Inf') return -Infinity;
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, Plain>;
    if (Array.isArray(o.$m)) return new Map((o.$m as [unknown, Plain][]).map(([k, x]) => [k, fromPlain(x)]));
    return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, fromPlain(x)]));
  }
  return v;
}

