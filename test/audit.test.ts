// `ccotel audit` on a planted history: hits first, then files read, commands, URLs, writes outside
// the project and tool counts, every number checked against what the history planted; filters by
// rule, severity, range, session and project; the JSON shape is pinned (it is documented as stable).
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDir, useCleanups } from './support/temp.js';
import { requireBuiltCli } from './support/ccotel-cli.js';
import { expectOneLineError, runCli } from './support/cli-process.js';
import { writePlantedHistory, type PlantedHistory } from './support/planted-history.js';
import { SecretFactory } from './support/secrets.js';

useCleanups();

describe('ccotel audit', () => {
  let args: string[] = [];
  let planted: PlantedHistory;
  const audit = async (...extra: string[]) => {
    const r = await runCli(['audit', ...args, ...extra]);
    expect(r.code, r.stderr).toBe(0);
    return extra.includes('--json') ? JSON.parse(r.stdout) : r.stdout;
  };

  beforeAll(async () => {
    requireBuiltCli();
  });

  it('answers the audit queries from the state', async () => {
    const dir = await tempDir('audit');
    planted = writePlantedHistory(join(dir, 'claude'), { rounds: 2, seed: 21 });
    args = ['--claude-dir', join(dir, 'claude'), '--state-dir', join(dir, 'state'), '--timezone', 'UTC'];
    const r = await audit('--json');
    expect(Object.keys(r)).toEqual(['schema', 'range', 'filters', 'hits', 'summary', 'filesRead', 'commands', 'urlsFetched', 'writesOutsideProject', 'toolCounts']);
    expect(r.schema).toBe('ccotel.audit/v1');
    expect(Object.keys(r.hits[0])).toEqual(['time', 'sessionId', 'agentId', 'project', 'tool', 'toolUseId', 'rule', 'severity', 'field', 'value']);
    expect(r.summary.byRule).toEqual(Object.fromEntries(Object.entries(planted.expectedHits).sort(([a], [b]) => (a < b ? -1 : 1))));
    const total = Object.values(planted.expectedHits).reduce((a, b) => a + b, 0);
    expect(r.summary.hits).toBe(total);
    expect(r.summary.bySeverity).toEqual({
      critical: planted.expectedHits.credential_access! + planted.expectedHits.secret_in_command!,
      warning: planted.expectedHits.destructive_command! + planted.expectedHits.write_outside_project!,
      info: planted.expectedHits.external_fetch!,
    });
    expect([...r.hits.map((h: { time: string }) => h.time)]).toEqual([...r.hits.map((h: { time: string }) => h.time)].sort());
    expect(r.toolCounts).toEqual(Object.fromEntries(Object.entries(planted.byTool).sort(([a], [b]) => (a < b ? -1 : 1))));
    expect(r.commands.length).toBe(planted.byTool.Bash);
    expect(r.urlsFetched.reduce((a: number, u: { fetches: number }) => a + u.fetches, 0)).toBe(planted.byTool.WebFetch);
    expect(r.writesOutsideProject.map((w: { path: string }) => w.path)).toEqual(['/tmp/scratch.sh', '/home/dev/src/other-repo/a.ts', '/tmp/scratch.sh', '/home/dev/src/other-repo/a.ts']);
    expect(r.filesRead.find((f: { path: string }) => f.path === `${planted.cwd}/.env`)?.reads).toBe(2);
    expect(r.filesRead.find((f: { path: string }) => f.path === `${planted.cwd}/README.md`)?.reads).toBe(2 * new SecretFactory(1).all().length); // one README read per planted secret

    // Filters.
    const destructive = await audit('--json', '--rule', 'destructive_command');
    expect(destructive.hits.map((h: { rule: string }) => h.rule)).toEqual(Array(planted.expectedHits.destructive_command).fill('destructive_command'));
    const two = await audit('--json', '--rule', 'destructive_command,write_outside_project');
    expect(two.summary.hits).toBe(planted.expectedHits.destructive_command! + planted.expectedHits.write_outside_project!);
    const critical = await audit('--json', '--severity', 'critical');
    expect(critical.summary.bySeverity).toEqual({ critical: r.summary.bySeverity.critical, warning: 0, info: 0 });
    const warningUp = await audit('--json', '--severity', 'warning');
    expect(warningUp.summary.hits).toBe(r.summary.bySeverity.critical + r.summary.bySeverity.warning);
    const later = await audit('--json', '--since', '2026-03-03');
    expect([later.summary.hits, later.commands.length, Object.keys(later.toolCounts).length]).toEqual([0, 0, 0]);
    const day = await audit('--json', '--since', '2026-03-02', '--until', '2026-03-02');
    expect(day.summary.hits).toBe(total);
    const oneSession = await audit('--json', '--session', r.hits[0].sessionId);
    expect(oneSession.summary.hits).toBe(total / 2);
    const otherProject = await audit('--json', '--project', 'no-such-project');
    expect(otherProject.summary.hits).toBe(0);

    // The text report: hits first, then the sections.
    const text: string = await audit();
    const order = ['Rule hits (', 'Files read (', 'Bash commands (', 'URLs fetched (', 'Writes outside the project (', 'Tool calls by type ('];
    const at = order.map((s) => text.indexOf(s));
    expect(at.every((i) => i > 0)).toBe(true);
    expect(at).toEqual([...at].sort((a, b) => a - b));
    // stats: the same counts for the range, as JSON and as a section of the text report.
    const statsJson = await runCli(['stats', ...args, '--range', 'all', '--json']);
    expect(JSON.parse(statsJson.stdout).sensitive).toEqual(r.summary.byRule);
    const statsText = (await runCli(['stats', ...args, '--range', 'all'])).stdout;
    const section = statsText.slice(statsText.indexOf('Sensitive actions'));
    for (const [rule, count] of Object.entries(planted.expectedHits)) expect(section).toMatch(new RegExp(`${rule}\\s+${count}\\b`));
    expect(text).toContain(`Rule hits: ${total} (critical ${r.summary.bySeverity.critical}, warning ${r.summary.bySeverity.warning}, info ${r.summary.bySeverity.info})`);
  }, 60_000);

  it('rejects bad flags with one line', async () => {
    const dir = await tempDir('audit-bad');
    const base = ['audit', '--claude-dir', join(dir, 'c'), '--state-dir', join(dir, 's')];
    expect(expectOneLineError(await runCli([...base, '--severity', 'loud']))).toMatch(/--severity must be one of critical, warning, info/);
    expect(expectOneLineError(await runCli([...base, '--since', '2026-13-01']))).toMatch(/--since/);
    expect(expectOneLineError(await runCli([...base, '--session', 'ab']))).toMatch(/at least 4 characters/);
  });
});
