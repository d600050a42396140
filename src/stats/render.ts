// Human-readable `ccotel stats`: the guide's sections (summary, tokens, cost, tools, projects) plus
// per-model cost and the quality signals.
import type { StatsReport } from './report.js';

/**
 * A count with thousands separators, as toLocaleString('en-US') writes it: by hand for whole
 * numbers, since the first toLocaleString call loads ICU's locale data (~17 ms of every `stats`).
 */
export const n = (v: number): string => {
  if (!Number.isSafeInteger(v) || Object.is(v, -0)) return v.toLocaleString('en-US');
  const digits = String(Math.abs(v));
  let out = digits.slice(0, ((digits.length - 1) % 3) + 1);
  for (let i = out.length; i < digits.length; i += 3) out += ',' + digits.slice(i, i + 3);
  return v < 0 ? '-' + out : out;
};
/** One line, at most `max` characters: commands can span many lines. */
const short = (s: string, max = 100): string => {
  const line = s.replace(/\s+/g, ' ').trim();
  return line.length > max ? line.slice(0, max - 1) + '…' : line;
};
const usd = (v: number): string => `$${v.toFixed(v !== 0 && Math.abs(v) < 0.01 ? 4 : 2)}`;

function table(rows: string[][], indent = '  '): string[] {
  if (rows.length === 0) return [`${indent}(none)`];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => indent + r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd());
}

export function renderStats(r: StatsReport): string {
  const out: string[] = [];
  out.push(`Claude Code activity — ${r.range.label} (${r.range.timezone})`, '');
  out.push('Summary');
  out.push(...table([
    ['Sessions', n(r.sessions)],
    ['Subagents', n(r.subagents)],
    ['Prompts', n(r.prompts)],
    ['Operations (tool calls)', n(r.operations)],
    ['Model requests', n(r.requests)],
    ['API errors', n(r.apiErrors)],
    ['Compactions', n(r.compactions)],
  ]));
  out.push('', 'Token usage');
  out.push(...table([
    ['Input', n(r.tokens.input)],
    ['Output', n(r.tokens.output)],
    ['Cache write', n(r.tokens.cacheCreation)],
    ['Cache read', n(r.tokens.cacheRead)],
    ['Total', n(r.tokens.total)],
  ]));
  out.push('', `Estimated cost: ${usd(r.costUSD)}`);
  const models = Object.entries(r.models).sort(([, a], [, b]) => b.costUSD - a.costUSD);
  out.push(...table([['model', 'requests', 'input', 'output', 'cache write', 'cache read', 'cost'], ...models.map(([m, v]) => [m, n(v.requests), n(v.input), n(v.output), n(v.cacheCreation), n(v.cacheRead), usd(v.costUSD)])]));
  if (r.input.unpricedModels.length > 0) out.push(`  unpriced (counted as $0): ${r.input.unpricedModels.join(', ')}`);
  out.push('', 'Tools used');
  const tools = Object.entries(r.tools).sort(([, a], [, b]) => b.calls - a.calls);
  out.push(...table(tools.length ? [['tool', 'calls', 'errors'], ...tools.map(([t, v]) => [t, n(v.calls), n(v.errors)])] : []));
  out.push('', 'Projects');
  const projects = Object.entries(r.projects).sort(([, a], [, b]) => b.costUSD - a.costUSD);
  out.push(...table(projects.length ? [['project', 'sessions', 'operations', 'cost'], ...projects.map(([p, v]) => [p || '(unknown)', n(v.sessions), n(v.operations), usd(v.costUSD)])] : []));
  out.push('', 'Quality signals');
  const q = r.quality;
  out.push('  Files read 3+ times in one session:');
  out.push(...table(q.repeatedReads.map((x) => [x.file, `${x.reads}x`, x.sessionId.slice(0, 8)]), '    '));
  out.push('  Failing Bash commands:');
  out.push(...table(q.failingCommands.map((x) => [short(x.command), `${x.failures} failed`]), '    '));
  out.push('  Most edited files:');
  out.push(...table(q.mostEdited.map((x) => [x.file, `${x.edits} edits`]), '    '));
  out.push('', 'Sensitive actions (ccotel audit lists them)');
  const hits = Object.entries(r.sensitive).sort(([, a], [, b]) => b - a);
  out.push(...table(hits.map(([rule, count]) => [rule, n(count)])));
  const bad = r.input.malformedLines + r.input.oversizedLines;
  out.push('', `Input: ${n(r.input.files)} transcript files, ${n(r.input.lines)} lines${bad ? `, ${n(bad)} skipped (malformed or oversized)` : ''}`);
  return out.join('\n') + '\n';
}
