// Claude Code's own telemetry (CLAUDE_CODE_ENABLE_TELEMETRY=1), shown beside ccotel's exact cost and
// never summed with it: the two have different names (claude_code_* vs ccotel_*).
import { M, crossLinks, dashboard, datasourceVariables, instantQuery, labelVariables, selector, stat } from './common.js';

/** Prometheus names of Claude Code's native metrics (OTLP → Prometheus, UnderscoreEscapingWithSuffixes). */
export const NATIVE = {
  linesOfCode: 'claude_code_lines_of_code_count_total',
  commits: 'claude_code_commit_count_total',
  pullRequests: 'claude_code_pull_request_count_total',
  activeTime: 'claude_code_active_time_seconds_total',
  editDecisions: 'claude_code_code_edit_tool_decision_count_total',
  cost: 'claude_code_cost_usage_USD_total',
} as const;

export function native() {
  const s = selector(['team']);
  const inc = (m: string, by = ''): string => `sum${by ? ` by (${by})` : ''} (increase(${m}${s}[$__range]))`;
  const src = (m: string): string => `Claude Code's native telemetry, increase(${m}[$__range]); empty until CLAUDE_CODE_ENABLE_TELEMETRY=1 sends to the collector (README, Stack).`;
  return dashboard('ccotel-native', 'ccotel · Claude Code native telemetry', "What Claude Code reports about itself (lines, commits, PRs, active time, edit decisions), beside ccotel's exact cost. The two are never added together.")
    .link(crossLinks())
    .variables([...datasourceVariables(false), ...labelVariables(['team'])])
    .withPanel(stat({ title: 'Lines of code changed', question: 'How many lines did Claude Code add and remove?', source: src(NATIVE.linesOfCode), unit: 'short', w: 6 }, instantQuery(inc(NATIVE.linesOfCode, 'type'), '{{type}}')))
    .withPanel(stat({ title: 'Commits / pull requests', question: 'How many commits and PRs did Claude Code create?', source: src(`${NATIVE.commits}, ${NATIVE.pullRequests}`), unit: 'short', w: 6 }, instantQuery(inc(NATIVE.commits), 'commits', 'A'), instantQuery(inc(NATIVE.pullRequests), 'pull requests', 'B')))
    .withPanel(stat({ title: 'Active time', question: 'How long were people actively using Claude Code?', source: src(NATIVE.activeTime), unit: 's', w: 6 }, instantQuery(inc(NATIVE.activeTime))))
    .withPanel(stat({ title: 'Edit decisions', question: 'How often were Claude\'s edits accepted or rejected?', source: src(NATIVE.editDecisions), unit: 'short', w: 6 }, instantQuery(inc(NATIVE.editDecisions, 'decision'), '{{decision}}')))
    .withPanel(stat({ title: 'Cost: Claude Code\'s estimate vs ccotel (exact)', question: 'How does Claude Code\'s own cost figure compare with ccotel\'s exact one? (side by side, never summed)', source: `${NATIVE.cost} (Claude Code's estimate) and ${M.cost} (ccotel, exact), each increase over $__range.`, unit: 'currencyUSD', w: 12 }, instantQuery(inc(NATIVE.cost), 'Claude Code (estimate)', 'A'), instantQuery(`sum(increase(${M.cost}${selector(['team'])}[$__range]))`, 'ccotel (exact)', 'B')));
}
