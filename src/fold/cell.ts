// One time bucket of one project: what `stats` needs of the facts in a 15-minute slot and one cwd.
// Additive numbers add across cells; distinct things (sessions, subagents, per-session reads) are
// reference-counted sets, merged as unions at query time.
import { bump, type Counts } from './counts.js';
import { activityOf, type Activity, type Fact } from './facts.js';

export interface ModelTotals {
  /** Calls (API errors included). */
  n: number;
  apiErrors: number;
  unpriced: number;
  input: number;
  output: number;
  cacheCreation: number;
  /** The 1-hour part of cacheCreation. */
  cacheCreation1h: number;
  cacheRead: number;
  nanoUsd: number;
  /** What cache reads saved (nano-USD). */
  savedNanoUsd: number;
}

export interface Cell {
  /** Facts in the cell: it is dropped when this reaches 0. */
  n: number;
  prompts: number;
  compactions: number;
  operations: number;
  models: Map<string, ModelTotals>;
  tools: Map<string, { calls: number; errors: number }>;
  sessions: Counts;
  agents: Counts;
  /** Quality signals: reads by session + file, failing Bash commands, edited files. */
  reads: Counts;
  failing: Counts;
  edits: Counts;
  /** Sensitive-action rule hits by rule. */
  sensitive: Counts;
}

export const newCell = (): Cell => ({ n: 0, prompts: 0, compactions: 0, operations: 0, models: new Map(), tools: new Map(), sessions: new Map(), agents: new Map(), reads: new Map(), failing: new Map(), edits: new Map(), sensitive: new Map() });

export const newModelTotals = (): ModelTotals => ({ n: 0, apiErrors: 0, unpriced: 0, input: 0, output: 0, cacheCreation: 0, cacheCreation1h: 0, cacheRead: 0, nanoUsd: 0, savedNanoUsd: 0 });

/** `a`: the fact's activityOf, when the caller has it already. */
export function addToCell(c: Cell, f: Fact, sign: 1 | -1, a: Activity | undefined = activityOf(f)): void {
  c.n += sign;
  if (a) {
    bump(c.sessions, a.session, sign);
    if (a.agent) bump(c.agents, a.agent, sign);
  }
  switch (f.kind) {
    case 'call': {
      let m = c.models.get(f.model);
      if (m === undefined) c.models.set(f.model, (m = newModelTotals()));
      addModel(m, f, sign);
      if (m.n === 0) c.models.delete(f.model);
      return;
    }
    case 'tool': {
      c.operations += sign;
      let t = c.tools.get(f.name);
      if (t === undefined) c.tools.set(f.name, (t = { calls: 0, errors: 0 }));
      t.calls += sign;
      if (f.isError) t.errors += sign;
      if (t.calls === 0) c.tools.delete(f.name);
      if (f.quality) bump(f.quality.kind === 'read' ? c.reads : f.quality.kind === 'failing' ? c.failing : c.edits, f.quality.key, sign);
      return;
    }
    case 'prompt':
      if (f.user) c.prompts += sign;
      return;
    case 'compaction':
      c.compactions += sign;
      return;
    case 'hit':
      bump(c.sensitive, f.rule, sign);
      return;
    default:
      return; // hook facts are not in the time buckets (see Fold.add)
  }
}

export function addModel(m: ModelTotals, f: { apiError: boolean; priced: boolean; input: number; output: number; cacheCreation: number; cacheCreation1h: number; cacheRead: number; nanoUsd: number; savedNanoUsd: number }, sign: number): void {
  m.n += sign;
  if (f.apiError) m.apiErrors += sign;
  if (!f.priced) m.unpriced += sign;
  m.input += sign * f.input;
  m.output += sign * f.output;
  m.cacheCreation += sign * f.cacheCreation;
  m.cacheCreation1h += sign * f.cacheCreation1h;
  m.cacheRead += sign * f.cacheRead;
  m.nanoUsd += sign * f.nanoUsd;
  m.savedNanoUsd += sign * f.savedNanoUsd;
}

export function mergeModel(into: ModelTotals, m: ModelTotals): void {
  into.n += m.n;
  into.apiErrors += m.apiErrors;
  into.unpriced += m.unpriced;
  into.input += m.input;
  into.output += m.output;
  into.cacheCreation += m.cacheCreation;
  into.cacheCreation1h += m.cacheCreation1h;
  into.cacheRead += m.cacheRead;
  into.nanoUsd += m.nanoUsd;
  into.savedNanoUsd += m.savedNanoUsd;
}

export const tokensOf = (m: ModelTotals): number => m.input + m.output + m.cacheCreation + m.cacheRead;
