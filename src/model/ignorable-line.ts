// Recognizes lines that carry nothing ccotel counts without parsing them: hook and bash progress,
// file-history snapshots, queue operations, summaries. They are a large share of a transcript's
// bytes (bash_progress repeats the command's whole output), and JSON.parse would copy all of it.
//
// The line is still checked, so a torn or concatenated write is counted as malformed as before:
// the JSON grammar is checked outside strings (brackets, commas, colons, numbers, literals). Not
// checked is what is inside the skipped strings (escape sequences, raw control characters):
// JSON.stringify never writes those wrong, and the line's content is never used.

const Q = 0x22;
const BS = 0x5c;
const LBRACE = 0x7b;
const RBRACE = 0x7d;
const LBRACK = 0x5b;
const RBRACK = 0x5d;
const COLON = 0x3a;
const COMMA = 0x2c;

/** Top-level `type` values whose lines yield no event (normalize.ts ignores them). */
const IGNORED_TYPES = new Set(['"progress"', '"file-history-snapshot"', '"queue-operation"', '"summary"']);

/** Index just past the string starting at `i` (a quote), or -1 when it does not close. */
function skipString(t: string, i: number): number {
  for (;;) {
    const q = t.indexOf('"', i + 1);
    if (q === -1) return -1;
    let k = q - 1;
    while (t.charCodeAt(k) === BS) k--;
    // An even number of backslashes before the quote: it is not escaped.
    if (((q - 1 - k) & 1) === 0) return q + 1;
    i = q;
  }
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

/** Index just past a number, true, false or null at `i`, or -1. */
function skipScalar(t: string, i: number): number {
  const c = t.charCodeAt(i);
  if (c === 0x74) return t.startsWith('true', i) ? i + 4 : -1;
  if (c === 0x66) return t.startsWith('false', i) ? i + 5 : -1;
  if (c === 0x6e) return t.startsWith('null', i) ? i + 4 : -1;
  NUMBER.lastIndex = i;
  return NUMBER.test(t) ? NUMBER.lastIndex : -1;
}

function ws(t: string, i: number): number {
  for (;;) {
    const c = t.charCodeAt(i);
    if (c !== 0x20 && c !== 0x09 && c !== 0x0d && c !== 0x0a) return i;
    i++;
  }
}

// Seen while scanning one line: a "usage" key, an "agent_progress" string value.
let sawUsage = false;
let sawAgentProgress = false;

/** Index after `"key" :` and whitespace at `i`, or -1. */
function skipKey(t: string, i: number): number {
  if (t.charCodeAt(i) !== Q) return -1;
  const start = i;
  i = skipString(t, i);
  if (i === -1) return -1;
  if (i - start === 7 && t.startsWith('"usage"', start)) sawUsage = true;
  i = ws(t, i);
  return t.charCodeAt(i) === COLON ? ws(t, i + 1) : -1;
}

/**
 * Index just past the JSON value starting at `i`, or -1 when it is not well formed (the grammar
 * is checked; string contents are skipped).
 */
function skipValue(t: string, i: number): number {
  // Open containers: true = object, false = array.
  const open: boolean[] = [];
  for (;;) {
    const c = t.charCodeAt(i);
    if (c === Q) {
      const start = i;
      i = skipString(t, i);
      if (i - start === 16 && t.startsWith('"agent_progress"', start)) sawAgentProgress = true;
    } else if (c === LBRACE || c === LBRACK) {
      const obj = c === LBRACE;
      i = ws(t, i + 1);
      if (t.charCodeAt(i) === (obj ? RBRACE : RBRACK)) i++;
      else {
        open.push(obj);
        if (obj && (i = skipKey(t, i)) === -1) return -1;
        continue; // its first value
      }
    } else i = skipScalar(t, i);
    if (i === -1) return -1;
    // After a value: a comma and the next member or element, or the ends of containers.
    for (;;) {
      if (open.length === 0) return i;
      i = ws(t, i);
      const d = t.charCodeAt(i);
      const obj = open[open.length - 1]!;
      if (d === COMMA) {
        i = ws(t, i + 1);
        if (obj && (i = skipKey(t, i)) === -1) return -1;
        break;
      }
      if (d !== (obj ? RBRACE : RBRACK)) return -1;
      open.pop();
      i++;
    }
  }
}

/**
 * True when `t` is one well-formed JSON object whose top-level `type` is ignored and that holds no
 * agent_progress copy with usage (those carry a subagent's calls). False means: parse it as usual.
 */
export function isIgnorableLine(t: string): boolean {
  if (t.charCodeAt(0) !== LBRACE) return false;
  sawUsage = false;
  sawAgentProgress = false;
  let i = ws(t, 1);
  let ignored = false;
  if (t.charCodeAt(i) === RBRACE) return false;
  for (;;) {
    if (t.charCodeAt(i) !== Q) return false;
    const keyEnd = skipString(t, i);
    if (keyEnd === -1) return false;
    const isType = keyEnd - i === 6 && t.startsWith('"type"', i);
    if (keyEnd - i === 7 && t.startsWith('"usage"', i)) sawUsage = true;
    // Lines with a top-level message (user, assistant) are parsed: no need to scan it first.
    if (keyEnd - i === 9 && t.startsWith('"message"', i)) return false;
    i = ws(t, keyEnd);
    if (t.charCodeAt(i) !== COLON) return false;
    i = ws(t, i + 1);
    const valueStart = i;
    i = skipValue(t, i);
    if (i === -1) return false;
    if (isType) {
      // Another type (user, assistant, system...) is parsed: stop scanning at once.
      if (!IGNORED_TYPES.has(t.slice(valueStart, i))) return false;
      ignored = true;
    }
    i = ws(t, i);
    const c = t.charCodeAt(i);
    if (c === COMMA) {
      i = ws(t, i + 1);
      continue;
    }
    if (c !== RBRACE) return false;
    if (ws(t, i + 1) !== t.length) return false;
    // An agent_progress copy without a usage key (a subagent's prompt or tool result) counts for
    // nothing either.
    return ignored && (!sawAgentProgress || !sawUsage);
  }
}
