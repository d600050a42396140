// The budget guard end to end: the real hooks/ccotel-budget-guard.sh as a child process, reading the
// status file a running `ccotel run` (built CLI) keeps over a generated history of today. The spend
// it must see is the generator's own total (all of it falls today), never ccotel's output; budgets
// are set below and above it. Stale and malformed status files are written by hand.
import { chmodSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { onCleanup, probablyFreePort, tempDir, useCleanups } from './support/temp.js';
import { requireBuiltCli } from './support/ccotel-cli.js';
import { killCli, runCli, startCli } from './support/cli-process.js';
import { generateHistory } from './support/history-generator.js';
import { GUARD_SCRIPT, runHook } from './support/hook-script.js';
import { waitFor } from './support/wait.js';

useCleanups();

const PROMPT = JSON.stringify({ session_id: 's', transcript_path: '/nowhere.jsonl', cwd: '/w', hook_event_name: 'UserPromptSubmit', prompt: 'go on' });
const guard = (state: string, event = 'UserPromptSubmit') => runHook(PROMPT, [state, event], {}, GUARD_SCRIPT);

/** The status file as key → value. */
function status(state: string): Map<string, string> | undefined {
  let text: string;
  try {
    text = readFileSync(join(state, 'budget-status'), 'utf8');
  } catch {
    return undefined;
  }
  return new Map(text.split('\n').filter((l) => l.includes('=') && !l.startsWith('#')).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
}
const spent = (v: string | undefined): number => Number(v?.split('/')[0]);
const nowS = (): number => Math.floor(Date.now() / 1000);

describe('budget guard with a running daemon', () => {
  beforeAll(() => requireBuiltCli());

  it('warns when today is over budget, blocks prompts with enforce, lets go when the budget is raised; a stopped daemon never blocks', async () => {
    const d = await tempDir('budget-guard');
    const root = join(d, 'claude');
    const state = join(d, 'state');
    const config = join(d, 'config.yaml');
    const today = new Date().toISOString().slice(0, 10);
    // Sessions start in the first 6 hours of today (UTC): every call's event time is today.
    const exp = generateHistory(root, { sessions: 6, seed: 11, startDate: today, days: 0.25, projects: 2 });
    expect(exp.costUSD).toBeGreaterThan(0.01);
    const daily = Math.round((exp.costUSD / 2) * 100) / 100;
    writeFileSync(config, `budgets:\n  daily: ${daily}\n  monthly: ${Math.ceil(exp.costUSD * 10)}\n`);

    const run = startCli(['run', '--claude-dir', root, '--state-dir', state, '--config', config, '--timezone', 'UTC', '--prometheus-port', String(await probablyFreePort()), '--log-format', 'text']);
    onCleanup(() => killCli(run));
    const st = await waitFor(() => {
      const s = status(state);
      return s && Math.abs(spent(s.get('daily')) - exp.costUSD) < 1e-5 ? s : undefined;
    }, { timeoutMs: 60_000, what: `status file with today's spend ${exp.costUSD}` });
    // The week and the month hold today and nothing else.
    expect(spent(st.get('weekly'))).toBeCloseTo(exp.costUSD, 5);
    expect(spent(st.get('monthly'))).toBeCloseTo(exp.costUSD, 5);
    expect(st.get('over')).toBe('daily');
    expect(statSync(join(state, 'budget-status')).mode & 0o777).toBe(0o600);

    // Over budget, not enforced: a warning Claude Code shows, the prompt goes through.
    const usd = (n: number) => `$${n.toFixed(2)}`;
    const warned = await guard(state);
    expect(warned.code).toBe(0);
    const msg = JSON.parse(warned.stdout) as { systemMessage: string };
    expect(msg.systemMessage).toContain(`today ${usd(exp.costUSD)} of the ${usd(daily)} daily budget`);
    expect(warned.stderr).toBe('');

    // Enforced (the daemon re-reads the changed config): prompts blocked, tool calls warned.
    writeFileSync(config, `budgets:\n  daily: ${daily}\n  enforce: true\n`);
    await waitFor(() => (status(state)?.get('enforce') === '1' ? true : undefined), { timeoutMs: 30_000, what: 'enforce in the status file' });
    const blocked = await guard(state);
    expect(blocked.code).toBe(2);
    expect(blocked.stderr).toContain(`today ${usd(exp.costUSD)} of the ${usd(daily)} daily budget`);
    expect(blocked.stderr).toMatch(/New prompts are blocked until the period ends or you raise it in .*config\.yaml/);
    expect(blocked.stderr.trim().split('\n')).toHaveLength(1);
    const tool = await guard(state, 'PreToolUse');
    expect(tool.code).toBe(0);
    expect(JSON.parse(tool.stdout).systemMessage).toContain('daily budget');

    // Budget raised above the spend: the block lifts without a restart.
    writeFileSync(config, `budgets:\n  daily: ${Math.ceil(exp.costUSD * 2)}\n  enforce: true\n`);
    await waitFor(() => (status(state)?.get('over') === '' ? true : undefined), { timeoutMs: 30_000, what: 'nothing over budget in the status file' });
    const free = await guard(state);
    expect(free).toEqual({ code: 0, stdout: '', stderr: '' });

    // Over again, then the daemon stops: once the file is older than 5 minutes nothing is blocked.
    writeFileSync(config, `budgets:\n  daily: ${daily}\n  enforce: true\n`);
    await waitFor(() => (status(state)?.get('over') === 'daily' ? true : undefined), { timeoutMs: 30_000, what: 'over budget again' });
    expect((await guard(state)).code).toBe(2);
    await killCli(run);
    const file = join(state, 'budget-status');
    const text = readFileSync(file, 'utf8');
    writeFileSync(file, text.replace(/^written=\d+$/m, `written=${nowS() - 301}`));
    expect(await guard(state)).toEqual({ code: 0, stdout: '', stderr: '' });
    // Still fresh (stopped a minute ago): the last status holds.
    writeFileSync(file, text.replace(/^written=\d+$/m, `written=${nowS() - 60}`));
    expect((await guard(state)).code).toBe(2);
  }, 180_000);
});

describe('budget guard script on its own', () => {
  const over = (o: { written?: number | string; until?: number | string; enforce?: 0 | 1 }) =>
    ['# test', `written=${o.written ?? nowS()}`, 'daily=12.000000/10', `enforce=${o.enforce ?? 1}`, 'over=daily', `until=${o.until ?? nowS() + 3600}`, 'block=ccotel budget spent: today $12.00 of the $10.00 daily budget.', 'warn={"systemMessage":"ccotel budget spent"}'].join('\n') + '\n';

  it('never blocks on a missing, unreadable, malformed, stale, future or expired status file', async () => {
    const state = await tempDir('guard-alone');
    const file = join(state, 'budget-status');
    expect(await guard(state)).toEqual({ code: 0, stdout: '', stderr: '' }); // missing
    expect(await guard(join(state, 'no-such-dir'))).toEqual({ code: 0, stdout: '', stderr: '' });
    writeFileSync(file, over({}));
    expect((await guard(state)).code).toBe(2); // the control: this one does block
    const cases: Array<[string, string]> = [
      ['stale', over({ written: nowS() - 400 })],
      ['written far in the future', over({ written: nowS() + 4000 })],
      ['period ended', over({ until: nowS() - 1 })],
      ['malformed written', over({ written: 'yesterday' })],
      ['malformed until', over({ until: '' })],
      ['garbage', 'hello\x00world\n\n=\n'],
      ['empty', ''],
    ];
    for (const [name, content] of cases) {
      writeFileSync(file, content);
      expect(await guard(state), name).toEqual({ code: 0, stdout: '', stderr: '' });
    }
    writeFileSync(file, over({}));
    chmodSync(file, 0o000);
    if (process.getuid?.() !== 0) expect(await guard(state), 'unreadable').toEqual({ code: 0, stdout: '', stderr: '' });
    chmodSync(file, 0o600);
  });

  it('warns without blocking when not enforced, and on tool calls; a last line without newline still counts', async () => {
    const state = await tempDir('guard-alone');
    const file = join(state, 'budget-status');
    writeFileSync(file, over({ enforce: 0 }));
    expect(await guard(state)).toEqual({ code: 0, stdout: '{"systemMessage":"ccotel budget spent"}\n', stderr: '' });
    writeFileSync(file, over({ enforce: 1 }));
    expect(await guard(state, 'PreToolUse')).toEqual({ code: 0, stdout: '{"systemMessage":"ccotel budget spent"}\n', stderr: '' });
    writeFileSync(file, over({ enforce: 1 }).replace(/\n$/, ''));
    const r = await guard(state);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('ccotel budget spent: today $12.00 of the $10.00 daily budget.\n');
  });

  it('hooks install --budget-guard adds the guard on UserPromptSubmit and PreToolUse; uninstall removes it', async () => {
    const d = await tempDir('guard-install');
    const settings = join(d, 'settings.json');
    writeFileSync(settings, '{"model":"opus"}\n');
    const r = await runCli(['hooks', 'install', '--settings', settings, '--state-dir', join(d, 'state'), '--events', 'PostToolUse', '--budget-guard']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/note: no budgets in/);
    const s = JSON.parse(readFileSync(settings, 'utf8'));
    const cmds = (e: string): string[] => (s.hooks[e] ?? []).flatMap((g: any) => g.hooks.map((h: any) => h.command));
    expect(cmds('UserPromptSubmit')).toEqual([`'${GUARD_SCRIPT}' '${join(d, 'state')}' 'UserPromptSubmit'`]);
    expect(cmds('PreToolUse')).toEqual([`'${GUARD_SCRIPT}' '${join(d, 'state')}' 'PreToolUse'`]);
    expect(cmds('PostToolUse')).toHaveLength(1);
    const st = await runCli(['hooks', 'status', '--settings', settings, '--state-dir', join(d, 'state')]);
    expect(st.stdout).toContain('budget guard on UserPromptSubmit, PreToolUse');
    expect(st.stdout).not.toContain('BROKEN');
    expect((await runCli(['hooks', 'uninstall', '--settings', settings])).code).toBe(0);
    expect(JSON.parse(readFileSync(settings, 'utf8'))).toEqual({ model: 'opus' });
  });
});
