// `ccotel sessions`: list, search and show past sessions from the sessions index (docs/sessions.md),
// which the same checkpointed reader keeps current; this command only catches it up and asks.
import type { Command } from 'commander';
import { checkTimeZone } from '../../calendar/time-range.js';
import { createLogger } from '../../log.js';
import { UserError } from '../../errors.js';
import { addCommonOptions, type GlobalOptions, logLevelOf } from '../options.js';
import { IngestSession } from '../../ingest/session.js';
import { syncWithProgress } from '../progress.js';
import { SessionsSink } from '../../sessions/sessions-sink.js';
import { sessionRange } from '../../sessions/days.js';
import { listSessions, showSession, type SessionsContext } from '../../sessions/report.js';
import { renderList, renderShow } from '../../sessions/render.js';
import { resetIndex } from '../../sessions/rebuild.js';

interface SessionsOptions extends GlobalOptions {
  n?: string;
  project?: string;
  since?: string;
  until?: string;
  allText?: boolean;
  show?: string;
  json?: boolean;
  rebuild?: boolean;
}

export function registerSessions(program: Command): void {
  const cmd = program
    .command('sessions')
    .description('list, search and resume past sessions (prompts and answers indexed locally, redacted)')
    .argument('[query...]', 'words that must all occur (case-insensitive); "quoted words" form one phrase')
    .option('-n <count>', 'how many sessions to print (default 10)')
    .option('--project <substring>', 'only projects whose path contains this')
    .option('--since <day>', 'active on or after: today | yesterday | 7d | YYYY-MM-DD')
    .option('--until <day>', 'active on or before: today | yesterday | 7d | YYYY-MM-DD')
    .option('--all-text', 'search tool output too (the start of each result)')
    .option('--show <id>', 'one session in detail (a unique start of its id is enough)')
    .option('--json', 'print one JSON object (stable, documented in docs/sessions.md)')
    .option('--rebuild', 'rebuild the index from the transcripts')
    .addHelpText('after', `
Examples:
  $ ccotel sessions                          the 10 most recent sessions with resume lines
  $ ccotel sessions "flaky test" retry       sessions whose prompts or answers hold both
  $ ccotel sessions migration --since 7d --project api -n 3
  $ ccotel sessions --show 3f2a1c`);
  addCommonOptions(cmd);
  cmd.action(async (words: string[], o: SessionsOptions) => {
    const log = createLogger({ level: logLevelOf(o), json: false });
    // Every flag is checked before anything is read or saved.
    if (o.timezone) checkTimeZone(o.timezone);
    const limit = o.n === undefined ? 10 : Number(o.n);
    if (!Number.isInteger(limit) || limit < 1) throw new UserError(`-n must be a whole number of at least 1 (got "${o.n}")`);
    if (o.show !== undefined && words.length > 0) throw new UserError('--show takes a session id; give the search words without --show');
    if (o.show !== undefined && o.show.length < 4) throw new UserError('--show needs at least 4 characters of the session id');
    sessionRange(o.since, o.until, Date.now(), o.timezone ?? 'UTC');
    const session = await IngestSession.open(o, log, { allowReadOnly: !o.rebuild });
    try {
      const { settings, store } = session;
      if (o.rebuild) await resetIndex(store);
      const sink = new SessionsSink(settings.stateDir, store.readOnly);
      session.attach([sink]);
      await syncWithProgress(session, o.rebuild ? 'rebuilding the sessions index' : 'reading transcripts');
      const ctx: SessionsContext = {
        stateDir: settings.stateDir,
        totals: session.fold.sessions,
        present: new Set(session.files.map((f) => f.path)),
        pending: sink.pending(),
        here: process.cwd(),
        jaegerUrl: settings.config.jaeger?.url,
      };
      const render = { timezone: settings.timezone, color: process.stdout.isTTY === true && !process.env.NO_COLOR };
      if (o.show !== undefined) {
        const d = showSession(ctx, o.show);
        process.stdout.write(o.json ? JSON.stringify(d, null, 2) + '\n' : renderShow(d, render));
        return;
      }
      const range = sessionRange(o.since, o.until, Date.now(), settings.timezone);
      const r = listSessions(ctx, { limit, project: o.project, ...range }, words.length > 0 ? words.join(' ') : undefined, o.allText === true);
      process.stdout.write(o.json ? JSON.stringify(r, null, 2) + '\n' : renderList(r, render));
    } finally {
      await session.close();
    }
  });
}
