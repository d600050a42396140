// `ccotel import-activity DIR`: the monitoring guide's existing activity logs as estimated usage
// (src/activity/activity-import.ts). Idempotent: importing twice counts once.
import type { Command } from 'commander';
import { readActivityDir } from '../../activity/activity-import.js';
import { IngestSession } from '../../ingest/session.js';
import { createLogger } from '../../log.js';
import { addCommonOptions, logLevelOf, type GlobalOptions } from '../options.js';

export function registerImportActivity(program: Command): void {
  const cmd = program
    .command('import-activity')
    .argument('<dir>', 'folder holding activity-YYYY-MM-DD.jsonl files (the guide writes them to ~/.claude/logs)')
    .description("import the monitoring guide's activity logs as estimated usage for sessions with no transcript (idempotent)");
  addCommonOptions(cmd);
  cmd.action(async (dir: string, o: GlobalOptions) => {
    const log = createLogger({ level: logLevelOf(o), json: false });
    const found = await readActivityDir(dir);
    const session = await IngestSession.open(o, log, { allowReadOnly: false });
    try {
      // Transcripts first: a session whose transcript is here keeps its exact numbers.
      await session.sync();
      const ledger = session.store.ledger;
      let added = 0;
      for (const e of found.estimates) if (ledger.importEstimate(e)) added++;
      await session.store.commit();
      const exact = found.estimates.filter((e) => ledger.estimates.get(e.key)?.est === 2).length;
      process.stdout.write(
        `${dir}: ${found.files} activity files, ${found.lines} lines: ${added} imported as estimated usage, ${found.estimates.length - added} already imported` +
          `${found.noTokens ? `, ${found.noTokens} without tokens` : ''}${found.malformed ? `, ${found.malformed} not activity entries (skipped)` : ''}` +
          `${exact ? `; ${exact} belong to sessions with a transcript here (exact numbers count instead)` : ''}\n`,
      );
    } finally {
      await session.close();
    }
  });
}
