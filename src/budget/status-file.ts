// The budget status file the daemon keeps in the state directory for hooks/ccotel-budget-guard.sh:
// `key=value` lines, so a POSIX sh `while read` loop reads it with builtins only (no jq, no Node).
// The guard trusts it only while `written` is recent (STALE_S) and a period it names has not ended
// (`until`): a daemon that stopped never leaves a block behind.
import type { TimeRange } from '../calendar/time-range.js';

export const STATUS_FILE = 'budget-status';
/** Older than this (seconds), the guard ignores the file: the daemon is not running. */
export const STALE_S = 300;
/** The daemon rewrites the file at least this often (ms), so a running daemon's file is never stale. */
export const HEARTBEAT_MS = 60_000;

export const PERIODS = [
  { key: 'daily', range: 'today', label: 'today', noun: 'daily' },
  { key: 'weekly', range: 'week', label: 'this week', noun: 'weekly' },
  { key: 'monthly', range: 'month', label: 'this month', noun: 'monthly' },
] as const;

export interface Limits {
  daily?: number;
  weekly?: number;
  monthly?: number;
  enforce: boolean;
}

export interface PeriodSpend {
  key: (typeof PERIODS)[number]['key'];
  label: string;
  noun: string;
  spentUsd: number;
  limitUsd?: number;
  endMs: number;
}

export interface BudgetStatus {
  periods: PeriodSpend[];
  enforce: boolean;
  /** Periods whose budget is spent. */
  over: PeriodSpend[];
  /** Earliest end among the spent periods (epoch ms): the guard stops there even without a new file. */
  untilMs?: number;
}

export function budgetStatus(limits: Limits, spent: number[], ranges: TimeRange[]): BudgetStatus {
  const periods = PERIODS.map((p, i): PeriodSpend => ({ key: p.key, label: p.label, noun: p.noun, spentUsd: spent[i] ?? 0, limitUsd: limits[p.key], endMs: ranges[i]!.endMs }));
  const over = periods.filter((p) => p.limitUsd !== undefined && p.spentUsd >= p.limitUsd);
  const untilMs = over.length ? Math.min(...over.map((p) => p.endMs)) : undefined;
  return { periods, enforce: limits.enforce, over, untilMs };
}

const usd = (n: number): string => `$${n.toFixed(2)}`;

/** "today $12.34 of the $10.00 daily budget, this month $40.00 of $30.00" */
function overText(s: BudgetStatus): string {
  return s.over.map((p, i) => `${p.label} ${usd(p.spentUsd)} of ${i === 0 ? 'the ' : ''}${usd(p.limitUsd!)}${i === 0 ? ` ${p.noun} budget` : ''}`).join(', ');
}

/** The file's content. `nowMs` becomes `written`; the messages are ready to print. */
export function formatStatus(s: BudgetStatus, nowMs: number, configPath: string): string {
  const lines = ['# ccotel budget status: written by `ccotel run`, read by ccotel-budget-guard.sh (docs/hooks.md)', `written=${Math.floor(nowMs / 1000)}`];
  for (const p of s.periods) lines.push(`${p.key}=${p.spentUsd.toFixed(6)}${p.limitUsd !== undefined ? `/${p.limitUsd}` : ''}`);
  lines.push(`enforce=${s.enforce ? 1 : 0}`, `over=${s.over.map((p) => p.key).join(',')}`);
  if (s.over.length > 0) {
    const what = `ccotel budget spent: ${overText(s)}`;
    const raise = `raise it in ${configPath} (budgets)`;
    lines.push(`until=${Math.floor(s.untilMs! / 1000)}`);
    // One line each: the message itself never contains a newline, so `read` gets it whole.
    lines.push(`block=${oneLine(`${what}. New prompts are blocked until the period ends or you ${raise}.`)}`);
    lines.push(`warn=${JSON.stringify({ systemMessage: oneLine(`${what}. ${s.enforce ? 'New prompts will be blocked' : 'Spending continues (budgets.enforce is off)'}; ${raise}.`) })}`);
  }
  return lines.join('\n') + '\n';
}

const oneLine = (s: string): string => s.replace(/[\r\n]+/g, ' ');
