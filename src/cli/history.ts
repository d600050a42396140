// The shared loader behind every command: settings, roots, state, and an up-to-date ledger.
// Commands stay thin; they choose sinks and present results.
import { loadSettings, type CommonOptions, type Settings } from '../config/settings.js';
import { listTranscripts, type TranscriptFile } from '../sources/transcript-files.js';
import { HistoryReader, DEFAULT_READER_OPTIONS } from '../sources/history-reader.js';
import { StateStore } from '../state/store.js';
import { attachFold } from '../fold/fold-file.js';
import type { Fold } from '../fold/fold.js';
import type { Logger } from '../log.js';
import { UserError } from '../errors.js';
import type { StatsReport } from '../stats/report.js';
import { createProgress } from './progress.js';

export interface History {
  settings: Settings;
  store: StateStore;
  fold: Fold;
  reader: HistoryReader;
  files: TranscriptFile[];
  close(): void;
}

/**
 * Settings and the state directory, with the warnings every command owes its user (no transcripts
 * anywhere, a flat rate in effect, state owned by a running daemon).
 */
export async function openState(o: CommonOptions, log: Logger, opts: { allowReadOnly: boolean }): Promise<{ settings: Settings; store: StateStore; fold: Fold }> {
  const settings = loadSettings(o);
  if (settings.flatRate) log.warn('CLAUDE_RATE_INPUT/CLAUDE_RATE_OUTPUT set: costs use that flat rate for every model');
  if (!settings.roots.some((r) => r.exists)) {
    const where = settings.roots.map((r) => r.projectsDir).join(', ');
    log.warn(`no Claude Code transcripts found (looked in ${where}); set --claude-dir or CLAUDE_CONFIG_DIR`);
  }
  const store = await StateStore.open(settings.stateDir, { allowReadOnly: opts.allowReadOnly, reset: o.resetState });
  if (store.readOnly) log.info(`state directory is in use by a running ccotel; reading without saving progress`);
  try {
    // The fold that stats and metrics read; it follows the ledger from here on.
    const { fold, source } = await attachFold(store, { pricer: settings.pricer });
    if (source === 'rebuilt') log.debug('aggregates rebuilt from the ledger');
    return { settings, store, fold };
  } catch (err) {
    store.close();
    throw err;
  }
}

/** Every transcript under the roots; a folder that cannot be listed is reported, not fatal. */
export function listFiles(settings: Settings, log: Logger): Promise<TranscriptFile[]> {
  return listTranscripts(settings.roots, (p, err) => log.warn(`cannot list ${p}: ${err.message}`));
}

/** Opens state read-only if need be and brings the ledger up to date (progress on a TTY). */
export async function openHistory(o: CommonOptions, log: Logger, opts: { allowReadOnly: boolean }): Promise<History> {
  const { settings, store, fold } = await openState(o, log, opts);
  const reader = new HistoryReader(store, [], log, DEFAULT_READER_OPTIONS);
  const progress = createProgress('reading transcripts');
  try {
    const files = await listFiles(settings, log);
    await reader.syncAll(files, (d, t) => progress.update(d, t));
    return { settings, store, fold, reader, files, close: () => store.close() };
  } catch (err) {
    store.close();
    throw err;
  } finally {
    progress.done();
  }
}

/** The `input` section of a report: what the reader has seen over all history. */
export function inputSummary(h: History): StatsReport['input'] {
  let lines = 0;
  let malformed = 0;
  let oversized = 0;
  const known = new Set(h.files.map((f) => f.path));
  let files = 0;
  for (const [path, cp] of Object.entries(h.store.files)) {
    if (!known.has(path)) continue;
    files++;
    lines += cp.lines;
    malformed += cp.malformed;
    oversized += cp.oversized;
  }
  return { files, lines, malformedLines: malformed, oversizedLines: oversized, unpricedModels: h.fold.unpricedModels() };
}

/** A TCP port from the command line. */
export function parsePort(name: string, v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 65535) throw new UserError(`${name} must be a port number from 1 to 65535 (got "${v}")`);
  return n;
}
