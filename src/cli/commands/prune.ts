// `ccotel prune --older-than 90d [--dry-run]`: old activity logs and spool files that no longer
// matter (src/activity/prune.ts), listed as they go, and the ledger's per-call detail older than
// that, whose counts stay in rollups (prune-ledger.ts).
import type { Command } from 'commander';
import { activitySettings } from '../../activity/activity-log.js';
import { planPrune, prune } from '../../activity/prune.js';
import { checkTimeZone } from '../../calendar/time-range.js';
import { loadSettings } from '../../config/settings.js';
import { UserError } from '../../errors.js';
import { parseDuration } from '../durations.js';
import { pruneLedger } from './prune-ledger.js';

interface PruneOptions {
  olderThan: string;
  dryRun?: boolean;
  stateDir?: string;
  config?: string;
  timezone?: string;
}

export function registerPrune(program: Command): void {
  program
    .command('prune')
    .description('delete activity logs ($CLAUDE_LOG_DIR, default ~/.claude/logs), committed or rejected hook spool files and the ledger\'s per-call detail older than --older-than (totals, metrics and stats keep counting it)')
    .requiredOption('--older-than <duration>', 'age to keep, e.g. 30d')
    .option('--dry-run', 'list what would be deleted, delete nothing')
    .option('--state-dir <dir>', 'the state directory (default: $XDG_STATE_HOME/ccotel)')
    .option('--config <file>', 'config file')
    .option('--timezone <tz>', 'IANA time zone of the activity logs\' days (default: the config\'s, else local)')
    .action(async (o: PruneOptions) => {
      const olderThanMs = parseDuration(o.olderThan, '--older-than');
      if (olderThanMs <= 0) throw new UserError('--older-than must be more than 0');
      if (o.timezone) checkTimeZone(o.timezone);
      const settings = loadSettings({ stateDir: o.stateDir, config: o.config, timezone: o.timezone });
      const nowMs = Date.now();
      const items = await planPrune({ activityDir: activitySettings().dir, stateDir: settings.stateDir, olderThanMs, timezone: settings.timezone, nowMs });
      const verb = o.dryRun ? 'would delete' : 'deleted';
      const failed = o.dryRun ? [] : await prune(items);
      const bad = new Set(failed.map((f) => f.path));
      for (const it of items) if (!bad.has(it.path)) process.stdout.write(`${verb} ${it.path} (${it.why}, ${it.bytes} bytes)\n`);
      const bytes = items.filter((i) => !bad.has(i.path)).reduce((a, i) => a + i.bytes, 0);
      process.stdout.write(`${verb} ${items.length - failed.length} files, ${bytes} bytes\n`);
      for (const f of failed) process.stderr.write(`ccotel: cannot delete ${f.path}: ${f.error}\n`);
      if (failed.length > 0) process.exitCode = 1;
      const ledger = await pruneLedger(settings, olderThanMs, nowMs, o.dryRun === true, (m) => process.stderr.write(`warn: ${m}\n`));
      if (ledger.failed) {
        process.stderr.write(`ccotel: ${ledger.line}\n`);
        process.exitCode = 1;
      } else process.stdout.write(`${ledger.line}\n`);
    });
}
