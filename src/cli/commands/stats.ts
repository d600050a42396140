// `ccotel stats`: local cost and activity report (no collector involved).
import type { Command } from 'commander';
import { buildReport } from '../../stats/report.js';
import { renderStats } from '../../stats/render.js';
import { inputSummary } from '../../stats/input-summary.js';
import { emptyRangeHint } from '../../stats/empty-range-hint.js';
import { checkTimeZone, resolveRange } from '../../calendar/time-range.js';
import { createLogger } from '../../log.js';
import { addCommonOptions, type GlobalOptions, logLevelOf } from '../options.js';
import { IngestSession } from '../../ingest/session.js';
import { syncWithProgress } from '../progress.js';

interface StatsOptions extends GlobalOptions {
  range?: string;
  date?: string;
  since?: string;
  until?: string;
  project?: string;
  json?: boolean;
}

export function registerStats(program: Command): void {
  const cmd = program
    .command('stats')
    .description('report tokens, cost, tools, projects and quality signals from local history')
    .option('--range <range>', 'today | week | month | all (calendar, in --timezone)', 'today')
    .option('--date <YYYY-MM-DD>', 'a single day')
    .option('--since <YYYY-MM-DD>', 'from this day (inclusive)')
    .option('--until <YYYY-MM-DD>', 'to this day (inclusive)')
    .option('--project <substring>', 'only projects whose path contains this')
    .option('--json', 'print one JSON object (for scripts)')
    .addHelpText('after', `
Examples:
  $ ccotel stats                       today's activity
  $ ccotel stats --range week          this calendar week (Monday on)
  $ ccotel stats --range all --json    everything, as JSON
  $ ccotel stats --since 2026-01-01 --until 2026-01-31 --project myrepo`);
  addCommonOptions(cmd);
  cmd.action(async (o: StatsOptions) => {
    const log = createLogger({ level: logLevelOf(o), json: false });
    // Every flag is checked before anything is read or saved.
    if (o.timezone) checkTimeZone(o.timezone);
    resolveRange(o, Date.now(), o.timezone ?? 'UTC');
    const session = await IngestSession.open(o, log, { allowReadOnly: true });
    try {
      await syncWithProgress(session);
      const { settings, store } = session;
      const now = Date.now();
      const range = resolveRange(o, now, settings.timezone);
      const report = buildReport(session.fold, { range, timezone: settings.timezone, project: o.project }, inputSummary(session.files, store.files, session.fold), () => store.ledger);
      process.stdout.write(o.json ? JSON.stringify(report, null, 2) + '\n' : renderStats(report));
      // On stderr: scripts reading --json get the report alone.
      const empty = report.requests + report.apiErrors + report.operations + report.prompts === 0;
      const hint = empty ? emptyRangeHint(session.fold.sessions, range, now, settings.timezone, o.project) : undefined;
      if (hint) log.info(hint);
    } finally {
      await session.close();
    }
  });
}
