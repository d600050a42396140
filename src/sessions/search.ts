// Search: every term must occur somewhere in the session's text (AND across lines and messages),
// case-insensitively with Unicode case folding (regex `iu`) over NFC text, so `ÉTÉ` finds `été` and
// positions stay those of the original text (for snippets). Quoted words are one term.
import type { TextItem } from './catalog.js';

export interface Query {
  terms: string[];
  res: RegExp[];
}

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Terms of a query: whitespace separates, "double quotes" keep a phrase together. */
export function parseQuery(q: string): Query {
  const terms: string[] = [];
  const re = /"([^"]*)"|(\S+)/g;
  const text = q.normalize('NFC');
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const t = (m[1] ?? m[2] ?? '').replace(/\s+/g, ' ').trim();
    if (t && !terms.some((x) => x.toLowerCase() === t.toLowerCase())) terms.push(t);
  }
  // Whitespace inside a phrase matches any run of whitespace (a phrase may wrap).
  return { terms, res: terms.map((t) => new RegExp(t.split(' ').map(escape).join('\\s+'), 'iu')) };
}

export interface Match {
  kind: 'prompt' | 'assistant' | 'tool_output';
  ts: number;
  /** Text around the first match, whitespace collapsed, with [start, end) of each term match. */
  snippet: string;
  marks: Array<[number, number]>;
}

const KIND = { p: 'prompt', a: 'assistant', o: 'tool_output' } as const;
const AROUND = 60;

/**
 * Whether the items hold every term, and the snippets that show them: for each term, the first
 * item holding it (items already shown that hold it too are not repeated). undefined: no match.
 */
export function matchItems(items: readonly TextItem[], q: Query, allText: boolean): Match[] | undefined {
  if (q.res.length === 0) return [];
  const firstHit: Array<TextItem | undefined> = q.res.map(() => undefined);
  let missing = q.res.length;
  for (const it of items) {
    if (it.k === 'o' && !allText) continue;
    for (let i = 0; i < q.res.length; i++) {
      if (firstHit[i] === undefined && q.res[i]!.test(it.text)) {
        firstHit[i] = it;
        missing--;
      }
    }
    if (missing === 0) break;
  }
  if (missing > 0) return undefined;
  const shown = new Set<TextItem>();
  const out: Match[] = [];
  for (let i = 0; i < firstHit.length; i++) {
    const it = firstHit[i]!;
    if (shown.has(it)) continue;
    shown.add(it);
    out.push(snippetOf(it, q, q.res[i]!));
  }
  return out;
}

function snippetOf(it: TextItem, q: Query, lead: RegExp): Match {
  const m = lead.exec(it.text)!;
  let from = Math.max(0, m.index - AROUND);
  let to = Math.min(it.text.length, m.index + m[0].length + AROUND);
  // Never cut a surrogate pair.
  if (from > 0 && /[\udc00-\udfff]/.test(it.text[from]!)) from--;
  if (to < it.text.length && /[\udc00-\udfff]/.test(it.text[to]!)) to++;
  const raw = (from > 0 ? '…' : '') + it.text.slice(from, to) + (to < it.text.length ? '…' : '');
  const snippet = raw.replace(/\s+/g, ' ');
  const marks: Array<[number, number]> = [];
  for (const re of q.res) {
    const g = new RegExp(re.source, 'giu');
    for (let x = g.exec(snippet); x; x = g.exec(snippet)) {
      if (x[0].length === 0) break;
      marks.push([x.index, x.index + x[0].length]);
    }
  }
  marks.sort((a, b) => a[0] - b[0]);
  return { kind: KIND[it.k], ts: it.ts, snippet, marks };
}

/** The snippet with its marks wrapped (ANSI bold yellow on a TTY). */
export function highlight(m: Match, on: string, off: string): string {
  let out = '';
  let at = 0;
  for (const [s, e] of m.marks) {
    if (s < at) continue;
    out += m.snippet.slice(at, s) + on + m.snippet.slice(s, e) + off;
    at = e;
  }
  return out + m.snippet.slice(at);
}
