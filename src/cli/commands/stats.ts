// `ccotel stats`: local cost and activity report (no collector involved). A running daemon answers
// it from the fold it keeps current (stats/query.ts); otherwise this command catches up and reports.
import type { Command } from 'commander';
import { renderStats } from '../../stats/render.js';
import { checkTimeZone, resolveRange } from '../../calendar/time-range.js';
import { createLogger, type Logger } from '../../log.js';
import { COMMON_OPTIONS, type GlobalOptions, logLevelOf } from '../options.js';
import { registerSpec, type CommandSpec } from '../command-spec.js';
import { locate } from '../../config/locate.js';
import { FLAT_RATE_WARNING, pricesFor } from '../../config/prices.js';
import { missingNamedRoot } from '../../sources/roots.js';
import { askRunningDaemon } from '../ask-daemon.js';
import { statsQuestion, type StatsAnswer } from '../../stats/question.js';
import type { StatsReport } from '../../stats/report.js';

interface StatsOptions extends GlobalOptions {
  range?: string;
  date?: string;
  since?: string;
  until?: string;
  project?: string;
  json?: boolean;
}

export const statsCommand: CommandSpec<StatsOptions> = {
  name: 'stats',
  description: 'report tokens, cost, tools, projects and quality signals from local history',
  options: [
    { flags: '--range <range>', description: 'today | week | month | all (calendar, in --timezone)', default: 'today' },
    { flags: '--date <YYYY-MM-DD>', description: 'a single day' },
    { flags: '--since <YYYY-MM-DD>', description: 'from this day (inclusive)' },
    { flags: '--until <YYYY-MM-DD>', description: 'to this day (inclusive)' },
    { flags: '--project <substring>', description: 'only projects whose path contains this' },
    { flags: '--json', description: 'print one JSON object (for scripts)' },
    ...COMMON_OPTIONS,
  ],
  help: `
Examples:
  $ ccotel stats                       today's activity
  $ ccotel stats --range week          this calendar week (Monday on)
  $ ccotel stats --range all --json    everything, as JSON
  $ ccotel stats --since 2026-01-01 --until 2026-01-31 --project myrepo`,
  run: (_words, o) => stats(o),
};

export const registerStats = (program: Command): void => void registerSpec(program, statsCommand);

async function stats(o: StatsOptions): Promise<void> {
  const log = createLogger({ level: logLevelOf(o), json: false });
  // Every flag is checked before anything is read or saved.
  if (o.timezone) checkTimeZone(o.timezone);
  resolveRange(o, Date.now(), o.timezone ?? 'UTC');
  if (!o.resetState && (await fromRunningDaemon(o, log))) return;
  // The local read: what only it needs loads only here.
  const { IngestSession, syncWithProgress, buildReport, inputSummary, emptyReportHint } = await import('../stats-local.js');
  const session = await IngestSession.open(o, log, { allowReadOnly: true });
  try {
    await syncWithProgress(session);
    const { settings, store } = session;
    const now = Date.now();
    const range = resolveRange(o, now, settings.timezone);
    const report = buildReport(session.fold, { range, timezone: settings.timezone, project: o.project }, inputSummary(session.files.map((f) => f.path), store.files, session.fold), () => store.ledger);
    print(report, o, log, emptyReportHint(report, session.fold.sessions, range, now, settings.timezone, o.project));
  } finally {
    await session.close();
  }
}

function print(report: StatsReport, o: StatsOptions, log: Logger, hint: string | undefined): void {
  process.stdout.write(o.json ? JSON.stringify(report, null, 2) + '\n' : renderStats(report));
  // On stderr: scripts reading --json get the report alone.
  if (hint) log.info(hint);
}

/**
 * Beside a running daemon: its report, from the fold it keeps current, without walking the
 * transcripts or loading the state. False when there is none to ask or it declines (other prices,
 * a range off its 15-minute grid, other folders): the command then reads the state itself.
 */
async function fromRunningDaemon(o: StatsOptions, log: Logger): Promise<boolean> {
  const located = locate(o);
  // A folder the user named that does not exist is reported by the local read, as always.
  if (missingNamedRoot(located.roots)) return false;
  const { pricer, flatRate } = pricesFor(located.config);
  const now = Date.now();
  const q = statsQuestion(resolveRange(o, now, located.timezone), located.timezone, o.project, pricer.fingerprint, now);
  const asked = await askRunningDaemon<StatsAnswer>(located, q, ['stats'], log);
  if (!asked) return false;
  if (flatRate) log.warn(FLAT_RATE_WARNING);
  log.debug(`answered by the running ccotel (pid ${asked.pid})`);
  print(asked.answer.report, o, log, asked.answer.hint);
  return true;
}
