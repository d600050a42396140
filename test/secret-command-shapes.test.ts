// Passwords in the environment variables the tools themselves read (`PGPASSWORD=… psql`, `SSHPASS=…
// sshpass -e`): the names end in PASSWORD/PASS without the underscore the secret-assignment pattern
// asked for, so the command went to the collector, audit and the state as typed. Real backfill into a
// real collector; the expected redacted commands are written out here, not taken from ccotel.
import { appendFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { onCleanup, tempDir, useCleanups } from './support/temp.js';
import { ensureCollectorBinary, startCollector } from './support/collector.js';
import { requireBuiltCli } from './support/ccotel-cli.js';
import { runCli } from './support/cli-process.js';
import { encodeCwd } from './support/hand-transcripts.js';
import { SecretFactory } from './support/secrets.js';
import { waitFor } from './support/wait.js';
import { filesUnder } from './support/state-files.js';

useCleanups();

describe('passwords in PGPASSWORD and SSHPASS', () => {
  beforeAll(async () => {
    requireBuiltCli();
    await ensureCollectorBinary();
  }, 900_000);

  it('are redacted in spans, audit, stats and the state, and counted as secret_in_command', async () => {
    const f = new SecretFactory(31337);
    const pg = f.pw();
    const pg2 = f.pw();
    const ssh = f.pw();
    const calls: Array<{ id: string; command: string; redacted: string }> = [
      { id: 'toolu_pg', command: `PGPASSWORD=${pg} psql -h db.internal -U app -c 'select 1'`, redacted: `PGPASSWORD=[REDACTED:secret-assignment] psql -h db.internal -U app -c 'select 1'` },
      { id: 'toolu_pg2', command: `export PGPASSWORD='${pg2}' && pg_dump app > dump.sql`, redacted: `export PGPASSWORD=[REDACTED:secret-assignment] && pg_dump app > dump.sql` },
      { id: 'toolu_ssh', command: `SSHPASS=${ssh} sshpass -e ssh deploy@web1 uptime`, redacted: `SSHPASS=[REDACTED:secret-assignment] sshpass -e ssh deploy@web1 uptime` },
      // Not secrets: an expansion, and a name that only ends like one.
      { id: 'toolu_safe', command: 'PGPASSWORD="$(cat ~/.pgpass-app)" psql app; NOPGPASSWORD=1 make', redacted: 'PGPASSWORD="$(cat ~/.pgpass-app)" psql app; NOPGPASSWORD=1 make' },
    ];
    const d = await tempDir('secrets-shapes');
    const root = join(d, 'claude');
    const state = join(d, 'state');
    const cwd = '/home/dev/db-tools';
    const sid = 'c0ffee00-0000-4000-8000-000000000001';
    const dir = join(root, 'projects', encodeCwd(cwd));
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `${sid}.jsonl`);
    const t0 = Date.parse('2026-03-03T10:00:00Z');
    const base = { sessionId: sid, cwd, version: '2.1.0', gitBranch: 'main', isSidechain: false, userType: 'external' };
    const w = (o: object): void => appendFileSync(file, JSON.stringify(o) + '\n');
    w({ ...base, type: 'user', uuid: 'u1', parentUuid: null, timestamp: new Date(t0).toISOString(), message: { role: 'user', content: 'dump the db' } });
    w({ ...base, type: 'assistant', uuid: 'a1', parentUuid: 'u1', requestId: 'req_1', timestamp: new Date(t0 + 100).toISOString(), message: { id: 'msg_1', type: 'message', role: 'assistant', model: 'claude-sonnet-4-5-20250929', content: calls.map((c) => ({ type: 'tool_use', id: c.id, name: 'Bash', input: { command: c.command } })), stop_reason: 'tool_use', usage: { input_tokens: 10, output_tokens: 5 } } });
    w({ ...base, type: 'user', uuid: 'r1', parentUuid: 'a1', timestamp: new Date(t0 + 500).toISOString(), message: { role: 'user', content: calls.map((c) => ({ type: 'tool_result', tool_use_id: c.id, content: 'ok', is_error: false })) } });
    expect(readFileSync(file, 'utf8')).toContain(pg);

    const col = await startCollector();
    onCleanup(() => col.stop());
    const common = ['--claude-dir', root, '--state-dir', state, '--timezone', 'UTC'];
    const backfill = await runCli(['backfill', ...common], { OTEL_EXPORTER_OTLP_ENDPOINT: col.endpoint });
    expect(backfill.code, backfill.stderr).toBe(0);
    const audit = await runCli(['audit', ...common, '--json']);
    const stats = await runCli(['stats', ...common, '--range', 'all', '--json']);
    expect(audit.code, audit.stderr).toBe(0);

    // The span of each call carries the command as written above.
    const spans = await waitFor(async () => {
      const s = (await col.readSpans()).filter((x) => x.name === 'execute_tool Bash');
      return s.length >= calls.length ? s : undefined;
    }, { timeoutMs: 30_000 });
    const commandOf = Object.fromEntries(spans.map((s) => [s.attributes['gen_ai.tool.call.id'], s.attributes['ccotel.bash.command']]));
    expect(commandOf).toEqual(Object.fromEntries(calls.map((c) => [c.id, c.redacted])));
    // audit: the commands, and one secret_in_command hit per planted password (none on the safe call).
    const report = JSON.parse(audit.stdout) as { commands: Array<{ command: string }>; hits: Array<{ toolUseId: string; rule: string }> };
    expect(report.commands.map((c) => c.command).sort()).toEqual(calls.map((c) => c.redacted).sort());
    expect(report.hits.filter((h) => h.rule === 'secret_in_command').map((h) => h.toolUseId).sort()).toEqual(['toolu_pg', 'toolu_pg2', 'toolu_ssh']);

    await col.stop();
    const blobs: Array<[string, string]> = [...filesUnder(col.dir), ...filesUnder(state)].map((p) => [p, readFileSync(p, 'latin1')]);
    blobs.push(['backfill', backfill.stdout + backfill.stderr], ['audit', audit.stdout + audit.stderr], ['stats', stats.stdout + stats.stderr]);
    expect([pg, pg2, ssh].flatMap((s) => blobs.filter(([, t]) => t.includes(s)).map(([n]) => `${s.slice(0, 6)}… in ${n}`))).toEqual([]);
  }, 300_000);
});
