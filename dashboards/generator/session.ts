// Session drill-down: pick a session (from the bounded list of recent ones the ccotel.session.*
// gauges carry) → its cost, tokens, tools, subagents and prompts, and a link that opens its trace.
import { M, crossLinks, dashboard, datasourceVariables, instantQuery, jaegerSearch, jaegerSearchLink, labelVariables, link, selector, sessionVariable, stat, table, tableQuery, text, thresholds, TRACE_SERVICE, type Label } from './common.js';
import { DashboardLinkBuilder, DashboardLinkType } from '@grafana/grafana-foundation-sdk/dashboard';

/** The trace link on a stat of the session gauges: their trace_id label is the session's trace id. */
export const SESSION_TRACE_LINK = '${jaeger_url}/trace/${__field.labels.trace_id}';
/** The same on the recent-sessions table, whose trace_id column carries it. */
export const TABLE_TRACE_LINK = '${jaeger_url}/trace/${__data.fields.trace_id}';

export function session() {
  const labels: Label[] = ['team', 'user', 'project'];
  const one = selector(labels, 'session_id="$session"');
  const traceLink = (url: string) => new DashboardLinkBuilder("Open this session's trace in Jaeger").type(DashboardLinkType.Link).url(url).tooltip("The session's whole trace: turns, model calls, tools, subagents").targetBlank(true);
  const open = new DashboardLinkBuilder('Open this trace in Jaeger').type(DashboardLinkType.Link).url('${jaeger_url}/trace/${__value.raw}').tooltip("The session's whole trace: cost, tokens, turns, model calls, tools, subagents").targetBlank(true);
  const root = 'invoke_agent claude-code';
  const gauges = 'a ccotel.session.* gauge: exported only for recent sessions (last event within recentSessions.windowHours, default 24 h; the newest recentSessions.max, default 50), from the fold\'s per-session totals (transcripts only, equal to `ccotel sessions`). The link opens the trace by its trace_id label.';
  // max by (session_id, trace_id): one value per session even if a label (project) changed while it ran.
  const per = (metric: string) => instantQuery(`max by (session_id, trace_id) (${metric}${one})`, '{{session_id}}');
  const s = (title: string, question: string, metric: string, unit: string, extra = {}) =>
    stat({ title, question, source: `${metric}, ${gauges}`, unit, ...extra }, per(metric)).dataLinks([traceLink(SESSION_TRACE_LINK)]);
  return dashboard('ccotel-session', 'ccotel · Session drill-down', 'One recent session: its cost, tokens, tools, subagents and prompts (bounded per-session gauges), and its trace in Jaeger.')
    .link(crossLinks())
    .link(link('Session in Jaeger', jaegerSearchLink({ 'gen_ai.conversation.id': '${session}' }, root), "Jaeger's search for the selected session's trace"))
    .variables([...datasourceVariables(true), ...labelVariables(labels), sessionVariable(labels)])
    .withPanel(s('Cost', 'What did this session cost (exact, subagents included)?', M.sessionCost, 'currencyUSD'))
    .withPanel(s('Tokens', 'How many tokens (input, output, cache reads and writes) did it use?', M.sessionTokens, 'short'))
    .withPanel(s('Tool calls', 'How many tools did it call (subagents included)?', M.sessionToolCalls, 'short'))
    .withPanel(s('Tool errors', 'How many tool calls failed?', M.sessionToolErrors, 'short', { thresholds: thresholds([[null, 'green'], [1, 'orange']]) }))
    .withPanel(s('Subagents', 'How many subagents (Task) did it start?', M.sessionSubagents, 'short'))
    .withPanel(s('Prompts', 'How many prompts were typed in it?', M.sessionPrompts, 'short'))
    .withPanel(table({ title: 'Recent sessions by cost', question: 'Which recent sessions cost the most? Click a trace id to open the trace.', source: `${M.sessionCost}, ${gauges}`, unit: 'currencyUSD', w: 24, h: 8 }, tableQuery(`sort_desc(max by (session_id, project, user, trace_id) (${M.sessionCost}${selector(labels)}))`)).dataLinks([traceLink(TABLE_TRACE_LINK)]))
    .withPanel(table({ title: 'Selected session (Jaeger)', question: 'Which trace belongs to the selected session, and how long did it run?', source: 'Jaeger search by the span attribute gen_ai.conversation.id (the session id) on the session root span.', unit: 'none', w: 24, h: 5 }, jaegerSearch({ operation: root, tags: 'gen_ai.conversation.id="${session}"', limit: 1 })).dataLinks([open]))
    .withPanel(text('What the trace holds', 'Where are the details of one session?', [
      `The session's root span \`${root}\` (service ${TRACE_SERVICE}) carries its exact totals: \`ccotel.cost.usd\`, \`gen_ai.usage.*\` tokens, \`ccotel.session.turns\`, \`ccotel.session.model_calls\`, \`ccotel.session.tool_calls\`, \`ccotel.session.tool_errors\`, \`ccotel.session.compactions\`.`,
      'Below it: one `turn` per prompt, `chat <model>` per model call (its own `ccotel.cost.usd`), `execute_tool <tool>` per tool call, `invoke_agent subagent` per subagent.',
      'Older sessions are not on the gauges (bounded cardinality): use `ccotel sessions` or Jaeger\'s search by `gen_ai.conversation.id`.',
    ].join('\n\n'), 24, 5));
}
