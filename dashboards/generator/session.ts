// Session drill-down: pick a session (from a bounded list of recent ones) and open its trace.
import { crossLinks, dashboard, datasourceVariables, jaegerSearch, jaegerSearchLink, link, sessionVariable, table, text, TRACE_SERVICE } from './common.js';
import { DashboardLinkBuilder, DashboardLinkType } from '@grafana/grafana-foundation-sdk/dashboard';

export function session() {
  const open = new DashboardLinkBuilder('Open this trace in Jaeger').type(DashboardLinkType.Link).url('${jaeger_url}/trace/${__value.raw}').tooltip("The session's whole trace: cost, tokens, turns, model calls, tools, subagents").targetBlank(true);
  const root = 'invoke_agent claude-code';
  return dashboard('ccotel-session', 'ccotel · Session drill-down', "One session: its cost, tokens, tools and subagents, from its trace (metrics carry no session id).")
    .link(crossLinks())
    .link(link('Session in Jaeger', jaegerSearchLink({ 'gen_ai.conversation.id': '${session}' }, root), "Jaeger's search for the selected session's trace"))
    .variables([...datasourceVariables(true), sessionVariable()])
    .withPanel(table({ title: 'Recent sessions', question: 'Which sessions ran in the selected range? (the 20 newest; click a trace id to open it)', source: `Jaeger search, service ${TRACE_SERVICE}, root spans "${root}" (one per session).`, unit: 'none', w: 24, h: 8 }, jaegerSearch({ operation: root, limit: 20 })).dataLinks([open]))
    .withPanel(table({ title: 'Selected session', question: 'Which trace belongs to the session id typed above?', source: 'Jaeger search by the span attribute gen_ai.conversation.id (the session id) on the session root span.', unit: 'none', w: 24, h: 5 }, jaegerSearch({ operation: root, tags: 'gen_ai.conversation.id="${session}"', limit: 1 })).dataLinks([open]))
    .withPanel(text('What the trace holds', 'Where are the numbers of one session?', [
      "The session's root span `invoke_agent claude-code` carries its exact totals: `ccotel.cost.usd`, `gen_ai.usage.*` tokens, `ccotel.session.turns`, `ccotel.session.model_calls`, `ccotel.session.tool_calls`, `ccotel.session.tool_errors`, `ccotel.session.compactions`.",
      'Below it: one `turn` per prompt, `chat <model>` per model call (its own `ccotel.cost.usd`), `execute_tool <tool>` per tool call, `invoke_agent subagent` per subagent.',
    ].join('\n\n'), 24, 5));
}
