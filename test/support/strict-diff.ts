// A stricter deep equality than toEqual, for paths that must give the very objects another path
// gives: own properties in the same order, undefined-valued ones included, values by Object.is.

/** The first difference between two values (a path and what differs there), or undefined. */
export function strictDiff(a: unknown, b: unknown, at = '$'): string | undefined {
  if (typeof a !== typeof b) return `${at}: ${typeof a} vs ${typeof b}`;
  if (a === null || b === null || typeof a !== 'object') return Object.is(a, b) ? undefined : `${at}: ${String(a)} vs ${String(b)}`;
  if (Array.isArray(a) !== Array.isArray(b)) return `${at}: array vs not`;
  const ka = Object.keys(a as object);
  const kb = Object.keys(b as object);
  if (ka.join('\0') !== kb.join('\0')) return `${at}: keys ${ka.join(',')} vs ${kb.join(',')}`;
  for (const k of ka) {
    const d = strictDiff((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${at}.${k}`);
    if (d) return d;
  }
  return undefined;
}
