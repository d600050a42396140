// Text output of `ccotel sessions`: one block per session, times in the configured zone.
import type { SessionDetail, SessionsList } from './report.js';
import { highlight } from './search.js';
import { localMinute } from '../calendar/time-range.js';

export interface RenderOptions {
  timezone: string;
  /** Highlight matches (a TTY). */
  color: boolean;
}

export const localTime = (iso: string, tz: string): string => localMinute(Date.parse(iso), tz);

export function duration(ms: number): string {
  const m = Math.round(ms / 60_000);
  if (m < 1) return '<1m';
  if (m < 60) return `${m}m`;
  const h = Math.floor(m / 60);
  return h < 48 ? `${h}h${String(m % 60).padStart(2, '0')}m` : `${Math.floor(h / 24)}d${h % 24}h`;
}

const usd = (n: number): string => `$${n.toFixed(2)}`;

export function renderList(r: SessionsList, o: RenderOptions): string {
  if (r.sessions.length === 0) return r.query === null ? 'no sessions yet\n' : `no session matches ${r.terms.map((t) => `"${t}"`).join(' and ')}\n`;
  const [on, off] = o.color ? ['\x1b[1;33m', '\x1b[0m'] : ['', ''];
  const lines: string[] = [];
  for (const s of r.sessions) {
    lines.push(`${localTime(s.start, o.timezone)}  ${duration(s.durationMs).padStart(6)}  ${usd(s.costUsd).padStart(8)}  ${s.toolCalls} tools  ${s.subagents} subagents  ${s.project}`);
    lines.push(`  ${s.firstPrompt ?? '(no prompt)'}`);
    for (const m of s.matches ?? []) lines.push(`  ${m.kind === 'prompt' ? '>' : m.kind === 'assistant' ? '<' : '$'} ${highlight(m, on, off)}`);
    lines.push(`  ${s.resume}`, '');
  }
  const more = r.total - r.sessions.length;
  if (more > 0) lines.push(`${more} more (-n ${r.total} shows all)`);
  return lines.join('\n').replace(/\n*$/, '\n');
}

export function renderShow(d: SessionDetail, o: RenderOptions): string {
  const l: string[] = [];
  l.push(`session ${d.sessionId}`, `  ${localTime(d.start, o.timezone)} → ${localTime(d.end, o.timezone)} (${duration(d.durationMs)}), ${usd(d.costUsd)}`);
  for (const c of d.copies) l.push(`  ${c.project}`, `    ${c.resume}`);
  l.push('', `prompts (${d.prompts.length})`);
  d.prompts.forEach((p, i) => l.push(`  ${String(i + 1).padStart(3)}. ${localTime(p.time, o.timezone)}  ${p.text}`));
  l.push('', 'tools');
  for (const t of d.tools) l.push(`  ${t.name.padEnd(16)} ${String(t.calls).padStart(5)}${t.errors ? `  (${t.errors} failed)` : ''}`);
  if (d.tools.length === 0) l.push('  none');
  l.push('', `files touched (${d.files.length})`);
  for (const f of d.files) l.push(`  ${f.path}  [${f.tools.join(', ')}]`);
  l.push('', 'cost by model');
  for (const m of d.models) l.push(`  ${m.model.padEnd(28)} ${String(m.calls).padStart(5)} calls  ${usd(m.costUsd).padStart(9)}`);
  l.push('', `subagents (${d.subagents.length})`);
  for (const a of d.subagents) l.push(`  ${a.agentId}  ${a.modelCalls} calls, ${a.toolCalls} tools`);
  l.push('', `sensitive hits (${d.sensitive.length})`);
  for (const h of d.sensitive) l.push(`  ${localTime(h.time, o.timezone)}  ${h.severity.padEnd(8)} ${h.rule}  ${h.tool}: ${h.value}`);
  l.push('', `trace ${d.traceId}${d.jaegerUrl ? `  ${d.jaegerUrl}` : ''}`);
  return l.join('\n') + '\n';
}
