// `ccotel audit`: rule hits and the audit queries (files read, commands run, URLs fetched, writes
// outside the project) from the state, for a range, a session or a project.
import type { Command } from 'commander';
import { buildAudit } from '../../audit/report.js';
import { renderAudit } from '../../audit/render.js';
import { checkTimeZone, resolveRange } from '../../calendar/time-range.js';
import { createLogger } from '../../log.js';
import { UserError } from '../../errors.js';
import { BUILTIN_RULE_IDS, type Severity } from '../../detection/engine.js';
import { SEVERITIES } from '../../detection/rules.js';
import { addCommonOptions, type GlobalOptions, logLevelOf } from '../options.js';
import { IngestSession } from '../../ingest/session.js';
import { syncWithProgress } from '../progress.js';

interface AuditOptions extends GlobalOptions {
  session?: string;
  since?: string;
  until?: string;
  project?: string;
  rule?: string[];
  severity?: string;
  json?: boolean;
}

const collect = (v: string, prev: string[] | undefined): string[] => [...(prev ?? []), ...v.split(',').filter(Boolean)];

export function registerAudit(program: Command): void {
  const cmd = program
    .command('audit')
    .description('sensitive-action rule hits, files read, commands run, URLs fetched, writes outside the project')
    .option('--session <id>', 'one session (its id or the start of it)')
    .option('--since <YYYY-MM-DD>', 'from this day (inclusive)')
    .option('--until <YYYY-MM-DD>', 'to this day (inclusive)')
    .option('--project <substring>', 'only projects whose path contains this')
    .option('--rule <id>', `only hits of this rule (repeatable or comma-separated; built in: ${BUILTIN_RULE_IDS.join(', ')})`, collect)
    .option('--severity <level>', 'only hits of this severity or above: critical | warning | info')
    .option('--json', 'print one JSON object (stable, documented in docs/security.md)')
    .addHelpText('after', `
Examples:
  $ ccotel audit --since 2026-01-01                 everything since New Year
  $ ccotel audit --severity critical --json         critical hits, for a script
  $ ccotel audit --session 3f2a1c9e --rule destructive_command`);
  addCommonOptions(cmd);
  cmd.action(async (o: AuditOptions) => {
    const log = createLogger({ level: logLevelOf(o), json: false });
    if (o.timezone) checkTimeZone(o.timezone);
    if (o.severity !== undefined && !SEVERITIES.includes(o.severity as Severity)) throw new UserError(`--severity must be one of ${SEVERITIES.join(', ')} (got "${o.severity}")`);
    if (o.session !== undefined && o.session.length < 4) throw new UserError('--session needs at least 4 characters of the session id');
    const rangeOpts = { range: 'all', since: o.since, until: o.until };
    resolveRange(rangeOpts, Date.now(), o.timezone ?? 'UTC');
    const session = await IngestSession.open(o, log, { allowReadOnly: true });
    try {
      // Bring the state up to date (nothing to read when a daemon keeps it current), then answer from it.
      await syncWithProgress(session);
      const { settings, store } = session;
      const report = buildAudit(store.ledger, { range: resolveRange(rangeOpts, Date.now(), settings.timezone), session: o.session, project: o.project, rules: o.rule, severity: o.severity as Severity | undefined });
      process.stdout.write(o.json ? JSON.stringify(report, null, 2) + '\n' : renderAudit(report));
    } finally {
      await session.close();
    }
  });
}
