// Keeps the budget status file (./status-file.ts) current from the daemon: a step of every commit
// that rewrites the file (atomically, 0600) when the spend or a period changed, and at least once a
// HEARTBEAT_MS so the guard can tell a running daemon from a stopped one. The budgets are re-read
// when the config file changes, so raising a budget lifts a block without a restart. Nothing here
// can fail a commit: a status file that cannot be written is a warning.
import { statSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { namedRange } from '../calendar/time-range.js';
import type { FileConfig } from '../config/config.js';
import { loadConfigFile } from '../config/rules.js';
import type { Fold } from '../fold/fold.js';
import type { Logger } from '../log.js';
import { writeFileAtomic } from '../state/atomic-file.js';
import type { StateStore } from '../state/store.js';
import { budgetStatus, formatStatus, HEARTBEAT_MS, PERIODS, STATUS_FILE, type Limits } from './status-file.js';

const NANOS_PER_USD = 1e9;
const CONFIG_CHECK_MS = 2_000;

export interface StatusWriterOptions {
  timezone: string;
  config: FileConfig;
  configPath: string;
  /** Whether the config came from a file (only then is it watched for a raised budget). */
  configFound: boolean;
  clock?: () => number;
}

export function limitsOf(config: FileConfig): Limits | undefined {
  const b = config.budgets;
  if (!b || (b.daily === undefined && b.weekly === undefined && b.monthly === undefined)) return undefined;
  return { daily: b.daily, weekly: b.weekly, monthly: b.monthly, enforce: b.enforce };
}

export class BudgetStatusWriter {
  readonly path: string;
  private limits: Limits | undefined;
  private last = '';
  private lastWriteMs = 0;
  private configMtime: number | undefined;
  private configCheckedMs = 0;
  private warned = false;
  private readonly clock: () => number;

  constructor(
    store: StateStore,
    private readonly fold: Fold,
    private readonly o: StatusWriterOptions,
    private readonly log: Logger,
  ) {
    this.path = join(store.dir, STATUS_FILE);
    this.clock = o.clock ?? Date.now;
    this.limits = limitsOf(o.config);
    this.configMtime = this.mtimeOfConfig();
    store.addCommitHook(() => this.step());
  }

  /** The write this commit needs, if any (called synchronously by the commit). */
  private step(): (() => Promise<void>) | undefined {
    const now = this.clock();
    this.reloadIfChanged(now);
    if (!this.limits) {
      if (this.last === '') return undefined;
      this.last = '';
      return () => rm(this.path, { force: true }).catch(() => {}); // budgets removed from the config
    }
    const ranges = PERIODS.map((p) => namedRange(p.range, now, this.o.timezone));
    const byProject = this.fold.budget(ranges.map((r) => [r.startMs, r.endMs]));
    const spent = ranges.map((_, i) => {
      let nanos = 0;
      for (const v of byProject.values()) nanos += v[i] ?? 0;
      return nanos / NANOS_PER_USD;
    });
    const text = formatStatus(budgetStatus(this.limits, spent, ranges), 0, this.o.configPath);
    if (text === this.last && now - this.lastWriteMs < HEARTBEAT_MS) return undefined;
    const content = formatStatus(budgetStatus(this.limits, spent, ranges), now, this.o.configPath);
    return async () => {
      try {
        await writeFileAtomic(this.path, content);
        this.last = text;
        this.lastWriteMs = now;
        this.warned = false;
      } catch (err) {
        if (!this.warned) this.log.warn(`cannot write the budget status file ${this.path}: ${(err as Error).message} (the budget guard treats it as stale)`);
        this.warned = true;
      }
    };
  }

  private mtimeOfConfig(): number | undefined {
    if (!this.o.configFound) return undefined;
    try {
      return statSync(this.o.configPath).mtimeMs;
    } catch {
      return undefined;
    }
  }

  private reloadIfChanged(now: number): void {
    if (!this.o.configFound || now - this.configCheckedMs < CONFIG_CHECK_MS) return;
    this.configCheckedMs = now;
    const m = this.mtimeOfConfig();
    if (m === undefined || m === this.configMtime) return;
    this.configMtime = m;
    try {
      this.limits = limitsOf(loadConfigFile(this.o.configPath).config);
      this.log.info('budgets re-read from the config file', { config: this.o.configPath, budgets: this.limits ?? 'none' });
    } catch (err) {
      this.log.warn(`config file changed but cannot be used, budgets unchanged: ${(err as Error).message}`);
    }
  }
}
