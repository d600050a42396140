// Reference counts: how many current records put a member in a set. A replaced record subtracts its
// old members, so distinct counts (sessions, subagents) stay exact under streaming copies.
export type Counts = Map<string, number>;

export function bump(m: Counts, key: string, by: number): void {
  const v = (m.get(key) ?? 0) + by;
  if (v === 0) m.delete(key);
  else m.set(key, v);
}

/** The entry for `key`, created with `make` when absent. */
export function entry<K, V>(m: Map<K, V>, key: K, make: () => V): V {
  let v = m.get(key);
  if (v === undefined) m.set(key, (v = make()));
  return v;
}
