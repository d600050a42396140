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
  // Character classes: 0 for every character no literal holds, then one per (lowercased) character.
  const cls = new Uint8Array(128);
  let classes = 1;
  for (const g of groups) {
    for (const lit of g) {
      // Checked before lowercasing: the Kelvin sign lowercases to `k`.
      if (!/^[\x00-\x7f]+$/.test(lit)) throw new Error(`literal gate: ${JSON.stringify(lit)} is not ASCII (or empty)`);
      for (const ch of lit.toLowerCase()) {
        const c = ch.charCodeAt(0);
        if (cls[c] === 0) cls[c] = classes++;
      }
    }
  }
  for (let c = 65; c <= 90; c++) cls[c] = cls[c + 32]!; // upper case takes the lower case's class
  // The trie: goto[state * classes + class], 0 = none (the root is never a goto target).
  const go: number[] = [];
  const out: number[][] = [];
  const node = (): number => {
    out.push(new Array<number>(words).fill(0));
    for (let k = 0; k < classes; k++) go.push(0);
    return out.length - 1;
  };
  node();
  groups.forEach((g, gi) => {
    for (const lit of g) {
      let s = 0;
      for (const ch of lit.toLowerCase()) {
        const k = s * classes + cls[ch.charCodeAt(0)]!;
        if (go[k] === 0) go[k] = node();
        s = go[k]!;
      }
      out[s]![gi >> 5]! |= 1 << (gi & 31);
    }
  });
  // Breadth first: each state's failure link (its longest proper suffix that is a trie state), its
  // outputs joined with the suffix's, and missing moves taken from the suffix (a complete DFA).
  const states = out.length;
  const delta = new Int32Array(states * classes);
  const fail = new Array<number>(states).fill(0);
  const queue: number[] = [];
  for (let k = 1; k < classes; k++) {
    const t = go[k]!;
    delta[k] = t;
    if (t !== 0) queue.push(t);
  }
  for (let qi = 0; qi < queue.length; qi++) {
    const s = queue[qi]!;
    for (let w = 0; w < words; w++) out[s]![w]! |= out[fail[s]!]![w]!;
    for (let k = 1; k < classes; k++) {
      const t = go[s * classes + k]!;
      if (t === 0) {
        delta[s * classes + k] = delta[fail[s]! * classes + k]!;
      } else {
        fail[t] = delta[fail[s]! * classes + k]!;
        delta[s * classes + k] = t;
        queue.push(t);
      }
    }
  }
  // Class 0 (a character in no literal) leads to the root from everywhere: delta is 0 there already.
  // The scan's table holds row offsets (state * classes), so a step is one add and one load, and
  // `hit` is indexed by the same offset.
  const step = new Int32Array(states * classes);
  for (let i = 0; i < step.length; i++) step[i] = delta[i]! * classes;
  const hit = new Uint8Array(states * classes);
  const bits = new Uint32Array(states * words);
  for (let s = 0; s < states; s++) {
    for (let w = 0; w < words; w++) bits[s * words + w] = out[s]![w]! >>> 0;
    hit[s * classes] = out[s]!.some((x) => x !== 0) ? 1 : 0;
  }
  return {
    words,
    scan(text: string): Uint32Array {
      const found = new Uint32Array(words);
      let row = 0;
      for (let i = 0, n = text.length; i < n; i++) {
        const c = text.charCodeAt(i);
        row = step[row + (c < 128 ? cls[c]! : 0)]!;
        if (hit[row] !== 0) {
          const s = (row / classes) * words;
          for (let w = 0; w < words; w++) found[w]! |= bits[s + w]!;
        }
      }
      return found;
    },
  };
}
