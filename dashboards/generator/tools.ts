// Tools and quality: which tools run, which fail and how long they take; file-level questions go
// to trace search (no file path or command is ever a metric label).
import { JAEGER, M, bars, crossLinks, dashboard, datasourceVariables, instantQuery, jaegerSearchLink, labelVariables, promQuery, selector, stat, text, thresholds, timeseries } from './common.js';

export function tools() {
  const s = (...x: string[]) => selector(['team', 'user', 'project'], ...x);
  const exact = 'ccotel exact counters, to date';
  const links = [
    `- [Failing Bash commands](${jaegerSearchLink({ 'error.type': 'tool_error' }, 'execute_tool Bash')}): Bash spans whose result was an error (\`error.type=tool_error\`); the command is the span's \`ccotel.bash.command\` (redacted).`,
    `- [Edits](${jaegerSearchLink({ 'gen_ai.tool.name': 'Edit' }, 'execute_tool Edit')}): the edited file is each span's \`ccotel.file.path\`.`,
    `- [Reads](${jaegerSearchLink({ 'gen_ai.tool.name': 'Read' }, 'execute_tool Read')}): repeated reads of one file show as several Read spans with the same \`ccotel.file.path\` in one trace.`,
  ].join('\n');
  void JAEGER;
  return dashboard('ccotel-tools', 'ccotel · Tools and quality', 'Tool mix, error rates and durations; failing commands and most-edited files through trace search.')
    .link(crossLinks())
    .variables([...datasourceVariables(true), ...labelVariables(['team', 'user', 'project'])])
    .withPanel(bars({ title: 'Tool mix (completed calls)', question: 'Which tools does Claude Code use, and how often?', source: `sum by (tool) (${M.toolCalls}); ${exact}.`, unit: 'short', w: 8 }, instantQuery(`topk(15, sum by (tool) (${M.toolCalls}${s()}))`, '{{tool}}')))
    .withPanel(bars({ title: 'Error rate per tool', question: 'Which tools fail most often?', source: `${M.toolCalls}{outcome="error"} ÷ all completed calls, per tool; ${exact}.`, unit: 'percentunit', w: 8, thresholds: thresholds([[null, 'green'], [0.05, 'orange'], [0.2, 'red']]) }, instantQuery(`sum by (tool) (${M.toolCalls}${s('outcome="error"')}) / sum by (tool) (${M.toolCalls}${s()})`, '{{tool}}')))
    .withPanel(bars({ title: 'Tool duration p50 / p95 (all time)', question: 'Which tools are slow?', source: `histogram_quantile over the cumulative buckets of ${M.toolDuration}_bucket (tool_use → tool_result, event time), all observations so far.`, unit: 's', w: 8 }, instantQuery(`histogram_quantile(0.5, sum by (le, tool) (${M.toolDuration}_bucket${selector(['team'])}))`, '{{tool}} p50', 'A'), instantQuery(`histogram_quantile(0.95, sum by (le, tool) (${M.toolDuration}_bucket${selector(['team'])}))`, '{{tool}} p95', 'B')))
    .withPanel(timeseries({ title: 'Tool errors per minute', question: 'Are tool failures rising right now?', source: `rate(${M.toolCalls}{outcome="error"}[$__rate_interval]) × 60 per tool.`, unit: 'short', w: 12 }, promQuery(`sum by (tool) (rate(${M.toolCalls}${s('outcome="error"')}[$__rate_interval])) * 60`, '{{tool}}')))
    .withPanel(stat({ title: 'Tool calls without a result', question: 'How many tool calls are running or were interrupted and never answered?', source: `sum(${M.toolCallsPending}) (a gauge: a call leaves it when its result arrives).`, unit: 'short', w: 6, thresholds: thresholds([[null, 'green'], [20, 'orange']]) }, instantQuery(`sum(${M.toolCallsPending}${s()}) or vector(0)`)))
    .withPanel(stat({ title: 'API errors', question: 'How many model responses were API errors (rate limits, overload)?', source: `sum(${M.apiErrors}); ${exact}.`, unit: 'short', w: 6, thresholds: thresholds([[null, 'green'], [1, 'orange']]) }, instantQuery(`sum(${M.apiErrors}${s()}) or vector(0)`)))
    .withPanel(text('Failing commands, most-edited files, repeated reads', 'Which commands fail, which files are edited or re-read most? Metrics carry no file path or command (cardinality, privacy): these links search the session traces in Jaeger for the selected time range.', links, 24, 5));
}
