// The shared loader behind every command: settings, roots, state, and an up-to-date ledger.
// Commands stay thin; they choose sinks and present results.
import { Pricer } from '../pricing/cost.js';
import { loadConfigFile, priceTable, defaultStateDir, type FileConfig } from '../config/config.js';
import { resolveRoots, type Root } from '../sources/roots.js';
import { listTranscripts, type TranscriptFile } from '../sources/transcript-files.js';
import { HistoryReader, DEFAULT_READER_OPTIONS } from '../sources/history-reader.js';
import { StateStore } from '../state/store.js';
import type { EventSink } from '../model/sink.js';
import type { Logger } from '../log.js';
import { UserError } from '../errors.js';
import { checkTimeZone, localTimeZone } from '../stats/time-range.js';
import type { StatsReport } from '../stats/report.js';
import { createProgress } from './progress.js';

export interface CommonOptions {
  claudeDir?: string[];
  config?: string;
  stateDir?: string;
  resetState?: boolean;
  timezone?: string;
}

export interface Settings {
  config: FileConfig;
  configPath: string;
  configFound: boolean;
  roots: Root[];
  stateDir: string;
  timezone: string;
  pricer: Pricer;
  flatRate: boolean;
}

export function loadSettings(o: CommonOptions, env: NodeJS.ProcessEnv = process.env): Settings {
  const { path, config, found } = loadConfigFile(o.config, env);
  const roots = resolveRoots(o.claudeDir?.length ? o.claudeDir : config.claudeDirs, env);
  const { table, flatRate } = priceTable(config, env);
  return {
    config,
    configPath: path,
    configFound: found,
    roots,
    stateDir: o.stateDir ?? config.stateDir ?? defaultStateDir(env),
    timezone: checkTimeZone(o.timezone ?? config.timezone ?? localTimeZone()),
    pricer: new Pricer(table),
    flatRate,
  };
}

export interface History {
  settings: Settings;
  store: StateStore;
  reader: HistoryReader;
  files: TranscriptFile[];
  close(): void;
}

/** Opens state and brings the ledger up to date with the transcripts (progress on a TTY). */
export async function openHistory(
  o: CommonOptions,
  log: Logger,
  opts: { sinks?: EventSink[]; allowReadOnly: boolean; sinceMs?: number; progressLabel?: string },
): Promise<History> {
  const settings = loadSettings(o);
  if (settings.flatRate) log.warn('CLAUDE_RATE_INPUT/CLAUDE_RATE_OUTPUT set: costs use that flat rate for every model');
  if (!settings.roots.some((r) => r.exists)) {
    const where = settings.roots.map((r) => r.projectsDir).join(', ');
    log.warn(`no Claude Code transcripts found (looked in ${where}); set --claude-dir or CLAUDE_CONFIG_DIR`);
  }
  const store = await StateStore.open(settings.stateDir, { allowReadOnly: opts.allowReadOnly, reset: o.resetState });
  if (store.readOnly) log.info(`state directory is in use by a running ccotel; reading without saving progress`);
  const reader = new HistoryReader(store, opts.sinks ?? [], log, { ...DEFAULT_READER_OPTIONS, sinceMs: opts.sinceMs });
  const files = await listTranscripts(settings.roots, (p, err) => log.warn(`cannot list ${p}: ${err.message}`));
  const progress = createProgress(opts.progressLabel ?? 'reading transcripts');
  try {
    await reader.syncAll(files, (d, t) => progress.update(d, t));
  } catch (err) {
    store.close();
    throw err;
  } finally {
    progress.done();
  }
  return { settings, store, reader, files, close: () => store.close() };
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
  const unpriced = new Set<string>();
  for (const r of h.store.ledger.usage.values()) if (!h.settings.pricer.cost(r.model, r.usage, r.apiError).priced) unpriced.add(r.model);
  return { files, lines, malformedLines: malformed, oversizedLines: oversized, unpricedModels: [...unpriced].sort() };
}

export function requireNonNegativeInt(name: string, v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new UserError(`${name} must be a whole number (got "${v}")`);
  return n;
}
