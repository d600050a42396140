// `ccotel sessions`: list, search and show past sessions from the sessions index (docs/sessions.md),
// which the same checkpointed reader keeps current. A running daemon answers from memory
// (query/server.ts); otherwise this command catches the index up and asks it. What only
// that second path needs loads only there.
import type { Command } from 'commander';
import { checkTimeZone } from '../../calendar/time-range.js';
import { createLogger, type Logger } from '../../log.js';
import { UserError } from '../../errors.js';
import { COMMON_OPTIONS, type GlobalOptions, logLevelOf } from '../options.js';
import { registerSpec, type CommandSpec } from '../command-spec.js';
import { locate, type Located } from '../../config/locate.js';
import { sessionRange } from '../../sessions/days.js';
import { renderList, renderShow } from '../../sessions/render.js';
import type { SessionsAnswer, SessionsQuery } from '../../sessions/query.js';
import { toWire } from '../../sessions/query-wire.js';
import { askRunningDaemon } from '../ask-daemon.js';

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

export const sessionsCommand: CommandSpec<SessionsOptions> = {
  name: 'sessions',
  description: 'list, search and resume past sessions (prompts and answers indexed locally, redacted)',
  words: { name: 'query', description: 'words that must all occur (case-insensitive); "quoted words" form one phrase' },
  options: [
    { flags: '-n <count>', description: 'how many sessions to print (default 10)' },
    { flags: '--project <substring>', description: 'only projects whose path contains this' },
    { flags: '--since <day>', description: 'active on or after: today | yesterday | 7d | YYYY-MM-DD' },
    { flags: '--until <day>', description: 'active on or before: today | yesterday | 7d | YYYY-MM-DD' },
    { flags: '--all-text', description: 'search tool output too (the start of each result)' },
    { flags: '--show <id>', description: 'one session in detail (a unique start of its id is enough)' },
    { flags: '--json', description: 'print one JSON object (stable, documented in docs/sessions.md)' },
    { flags: '--rebuild', description: 'rebuild the index from the transcripts' },
    ...COMMON_OPTIONS,
  ],
  help: `
Examples:
  $ ccotel sessions                          the 10 most recent sessions with resume lines
  $ ccotel sessions "flaky test" retry       sessions whose prompts or answers hold both
  $ ccotel sessions migration --since 7d --project api -n 3
  $ ccotel sessions --show 3f2a1c`,
  run: sessions,
};

export const registerSessions = (program: Command): void => void registerSpec(program, sessionsCommand);

async function sessions(words: string[], o: SessionsOptions): Promise<void> {
  const log = createLogger({ level: logLevelOf(o), json: false });
  // Every flag is checked before anything is read or saved.
  if (o.timezone) checkTimeZone(o.timezone);
  const limit = o.n === undefined ? 10 : Number(o.n);
  if (!Number.isInteger(limit) || limit < 1) throw new UserError(`-n must be a whole number of at least 1 (got "${o.n}")`);
  if (o.show !== undefined && words.length > 0) throw new UserError('--show takes a session id; give the search words without --show');
  if (o.show !== undefined && o.show.length < 4) throw new UserError('--show needs at least 4 characters of the session id');
  sessionRange(o.since, o.until, Date.now(), o.timezone ?? 'UTC');
  // Only where things are: asking the daemon needs neither prices nor the detection rules.
  const settings = locate(o);
  const q: SessionsQuery =
    o.show !== undefined
      ? { op: 'show', id: o.show }
      : { op: 'list', limit, project: o.project, ...sessionRange(o.since, o.until, Date.now(), settings.timezone), query: words.length > 0 ? words.join(' ') : undefined, allText: o.allText === true };
  const asked = o.rebuild ? undefined : await fromRunningDaemon(settings, q, log);
  print(asked ?? (await readIndex(o, q, log)), o.json === true, settings.timezone);
}

async function fromRunningDaemon(settings: Located, q: SessionsQuery, log: Logger): Promise<SessionsAnswer | undefined> {
  const jaegerUrl = settings.config.jaeger?.url;
  const asked = await askRunningDaemon<SessionsAnswer>(settings, toWire(q, jaegerUrl), q.op === 'list' ? ['list', 'scan'] : [q.op], log);
  if (asked?.answer.op === 'scan' && q.op === 'list' && q.query !== undefined) {
    // A large search: the daemon named its candidates; the journals are searched here.
    const { searchCandidatesHere } = await import('../../sessions/journal-search.js');
    const rowsOf = async (paths: string[]) => {
      const r = await askRunningDaemon<SessionsAnswer>(settings, toWire({ op: 'rows', paths }, jaegerUrl), ['rows'], log);
      return r?.answer.op === 'rows' ? r.answer.rows : undefined;
    };
    const list = await searchCandidatesHere(settings.stateDir, q.query, q.limit, q.allText, asked.answer, rowsOf);
    if (list) log.debug(`searched here, in the order the running ccotel gave (pid ${asked.pid})`);
    return list && { op: 'list', list };
  }
  if (asked?.answer.op === 'list' || asked?.answer.op === 'show') {
    log.debug(`answered by the running ccotel (pid ${asked.pid})`);
    return asked.answer;
  }
  return undefined;
}

/** Without a daemon to ask: catch the index up with the transcripts, then answer from it. */
async function readIndex(o: SessionsOptions, q: SessionsQuery, log: Logger): Promise<SessionsAnswer> {
  const { IngestSession, syncWithProgress, SessionsSink, resetIndex, answer, JournalRead } = await import('../sessions-local.js');
  const session = await IngestSession.open(o, log, { allowReadOnly: !o.rebuild });
  // A search's journals are read while the transcripts are (what the catch-up appends, after it).
  const search = q.op === 'list' && q.query !== undefined && !o.rebuild;
  const journals = search ? JournalRead.start(session.settings.stateDir, q.allText) : undefined;
  try {
    const { settings, store } = session;
    if (o.rebuild) await resetIndex(store);
    const sink = new SessionsSink(settings.stateDir, store.readOnly);
    session.attach([sink]);
    await syncWithProgress(session, o.rebuild ? 'rebuilding the sessions index' : 'reading transcripts');
    const read = await journals?.done();
    return answer({ stateDir: settings.stateDir, totals: { get: (id) => session.fold.sessionTotals(id) }, present: session.present(), pending: sink.pending(), here: process.cwd(), jaegerUrl: settings.config.jaeger?.url, journals: read }, q);
  } finally {
    await journals?.abandon();
    await session.close();
  }
}

function print(a: SessionsAnswer, json: boolean, timezone: string): void {
  const render = { timezone, color: process.stdout.isTTY === true && !process.env.NO_COLOR };
  if (a.op === 'show') process.stdout.write(json ? JSON.stringify(a.detail, null, 2) + '\n' : renderShow(a.detail, render));
  else if (a.op === 'list') process.stdout.write(json ? JSON.stringify(a.list, null, 2) + '\n' : renderList(a.list, render));
  else throw new Error(`not an answer to print: ${a.op}`);
}
