// Human-readable `ccotel audit`: rule hits first, then what was read, run, fetched and written
// outside the project. Long lists are cut; `--json` has everything.
import type { AuditReport } from './report.js';

const LIST_MAX = 50;
const short = (s: string, max = 120): string => {
  const line = s.replace(/\s+/g, ' ').trim();
  return line.length > max ? line.slice(0, max - 1) + '…' : line;
};
const time = (iso: string): string => iso.slice(0, 19).replace('T', ' ');

function section(out: string[], title: string, rows: string[][], total = rows.length): void {
  out.push('', `${title} (${total})`);
  if (rows.length === 0) {
    out.push('  (none)');
    return;
  }
  const shown = rows.slice(0, LIST_MAX);
  const widths = shown[0]!.map((_, i) => (i === shown[0]!.length - 1 ? 0 : Math.max(...shown.map((r) => r[i]!.length))));
  for (const r of shown) out.push('  ' + r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd());
  if (total > shown.length) out.push(`  … ${total - shown.length} more (--json lists all)`);
}

export function renderAudit(r: AuditReport): string {
  const out: string[] = [`Audit — ${r.range.label}${r.filters.session ? `, session ${r.filters.session}` : ''}${r.filters.project ? `, project *${r.filters.project}*` : ''}`];
  const sev = r.summary.bySeverity;
  out.push(`Rule hits: ${r.summary.hits} (critical ${sev.critical}, warning ${sev.warning}, info ${sev.info})${Object.keys(r.summary.byRule).length ? ' — ' + Object.entries(r.summary.byRule).map(([k, v]) => `${k} ${v}`).join(', ') : ''}`);
  section(out, 'Rule hits', r.hits.map((h) => [time(h.time), h.sessionId.slice(0, 8), h.tool, h.rule, h.severity, short(h.value)]));
  section(out, 'Files read', r.filesRead.map((f) => [String(f.reads), short(f.path)]));
  section(out, 'Bash commands', r.commands.map((c) => [time(c.time), c.sessionId.slice(0, 8), c.isError ? 'error' : 'ok', short(c.command)]));
  section(out, 'URLs fetched', r.urlsFetched.map((u) => [String(u.fetches), short(u.url)]));
  section(out, 'Writes outside the project', r.writesOutsideProject.map((w) => [time(w.time), w.sessionId.slice(0, 8), short(w.path)]));
  section(out, 'Tool calls by type', Object.entries(r.toolCounts).sort((a, b) => b[1] - a[1]).map(([k, v]) => [String(v), k]), Object.keys(r.toolCounts).length);
  return out.join('\n') + '\n';
}
