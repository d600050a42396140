// Which of a set of literal groups occur in a text, in one pass over its characters: an Aho-Corasick
// automaton over ASCII, ignoring case. The redaction gate (redact.ts) asks it which patterns can
// match at all. One table step per character and no backtracking: a regex alternation of the same
// literals, tried at every position, cost 1.5-2x more and was most of the time redaction takes.
//
// Case: ASCII letters match either case and nothing else does, as in a JavaScript regex with the
// `i` flag and without `u` (its case folding never maps a non-ASCII character to an ASCII one).
// Every character a literal does not contain, non-ASCII included, takes the automaton to its root.

/** Literal groups → a scan giving the groups with a literal in a text (bit g of word g >> 5). */
export interface LiteralScan {
  /** How many 32-bit words the result has. */
  readonly words: number;
  scan(text: string): Uint32Array;
}

export function literalScan(groups: ReadonlyArray<readonly string[]>): LiteralScan {
  const words = Math.max(1, Math.ceil(groups.length / 32));
  // The trie over lowercased ASCII: goto[state * 128 + char], 0 = none (the root is never a target).
  const go: number[] = [];
  const out: number[][] = [];
  const node = (): number => {
    out.push(new Array<number>(words).fill(0));
    for (let c = 0; c < 128; c++) go.push(0);
    return out.length - 1;
  };
  node();
  groups.forEach((g, gi) => {
    for (const lit of g) {
      // Checked before lowercasing: the Kelvin sign lowercases to `k`.
      if (!/^[\x00-\x7f]+$/.test(lit)) throw new Error(`literal gate: ${JSON.stringify(lit)} is not ASCII (or empty)`);
      let s = 0;
      for (const ch of lit.toLowerCase()) {
        const k = s * 128 + ch.charCodeAt(0);
        if (go[k] === 0) go[k] = node();
        s = go[k]!;
      }
      out[s]![gi >> 5]! |= 1 << (gi & 31);
    }
  });
  // Breadth first: each state's failure link (its longest proper suffix that is a trie state), its
  // outputs joined with the suffix's, and missing moves taken from the suffix (a complete DFA).
  const states = out.length;
  const delta = new Int32Array(states * 128);
  const fail = new Int32Array(states);
  const queue: number[] = [];
  for (let c = 0; c < 128; c++) {
    delta[c] = go[c]!;
    if (go[c] !== 0) queue.push(go[c]!);
  }
  for (let qi = 0; qi < queue.length; qi++) {
    const s = queue[qi]!;
    for (let w = 0; w < words; w++) out[s]![w]! |= out[fail[s]!]![w]!;
    for (let c = 0; c < 128; c++) {
      const t = go[s * 128 + c]!;
      if (t === 0) {
        delta[s * 128 + c] = delta[fail[s]! * 128 + c]!;
      } else {
        fail[t] = delta[fail[s]! * 128 + c]!;
        delta[s * 128 + c] = t;
        queue.push(t);
      }
    }
  }
  // The scan's table: upper case moves as lower case; each entry is the next row's offset
  // (state * 128), bit-inverted (negative) when that state ends a literal, so a step is one load.
  const hits = (t: number): boolean => out[t]!.some((x) => x !== 0);
  const step = new Int32Array(states * 128);
  for (let s = 0; s < states; s++) {
    for (let c = 0; c < 128; c++) {
      const t = delta[s * 128 + (c >= 65 && c <= 90 ? c + 32 : c)]!;
      step[s * 128 + c] = hits(t) ? ~(t * 128) : t * 128;
    }
  }
  const bits = new Uint32Array(states * words);
  for (let s = 0; s < states; s++) for (let w = 0; w < words; w++) bits[s * words + w] = out[s]![w]! >>> 0;
  return {
    words,
    scan(text: string): Uint32Array {
      const found = new Uint32Array(words);
      let row = 0;
      for (let i = 0, n = text.length; i < n; i++) {
        const c = text.charCodeAt(i);
        // A character in no literal (every non-ASCII one) leads back to the root.
        if (c >= 128) {
          row = 0;
          continue;
        }
        row = step[row + c]!;
        if (row < 0) {
          row = ~row;
          const s = (row >> 7) * words;
          for (let w = 0; w < words; w++) found[w]! |= bits[s + w]!;
        }
      }
      return found;
    },
  };
}
