// Cost and budgets: who is over or heading over budget, and what caching and sessions cost.
import { M, bars, crossLinks, dashboard, datasourceVariables, instantQuery, labelVariables, promQuery, selector, stat, thresholds, timeseries } from './common.js';

const BUDGET = thresholds([[null, 'green'], [0.8, 'orange'], [1, 'red']]);

export function cost() {
  const s = (...x: string[]) => selector(['team', 'user', 'project'], ...x);
  const su = (...x: string[]) => selector(['team', 'user'], ...x);
  const gauges = 'event-time budget gauges (calendar periods in ccotel\'s time zone; right immediately after a backfill)';
  const limits = 'limits from deploy/prometheus/rules/thresholds.yml (ccotel:budget_limit:USD), the same the budget alerts use';
  return dashboard('ccotel-cost', 'ccotel · Cost and budgets', 'Spend against budgets per user and project, the day\'s forecast, and what caching, sessions and prompts cost.')
    .link(crossLinks())
    .variables([...datasourceVariables(false), ...labelVariables(['team', 'user', 'project'])])
    .withPanel(stat({ title: 'Spend today / this week / this month', question: 'How much has the selection spent in the current calendar periods?', source: `sum by (period) (${M.budgetCostTotal}): ${gauges}.`, unit: 'currencyUSD', w: 8 }, instantQuery(`sum by (period) (${M.budgetCostTotal}${su()})`, '{{period}}')))
    .withPanel(bars({ title: 'User budget used', question: 'Which users are close to or over their budget for today, this week or this month?', source: `${M.budgetCostTotal} ÷ user budget; ${gauges}; ${limits}. 100% = budget reached.`, unit: 'percentunit', w: 8, thresholds: BUDGET }, instantQuery(`sum by (user, period) (${M.budgetCostTotal}${su()}) / on (period) group_left () ccotel:budget_limit:USD{scope="user"}`, '{{user}} {{period}}')))
    .withPanel(bars({ title: 'Project budget used', question: 'Which projects are close to or over their budget?', source: `${M.budgetCost} summed over users ÷ project budget; ${gauges}; ${limits}.`, unit: 'percentunit', w: 8, thresholds: BUDGET }, instantQuery(`sum by (project, period) (${M.budgetCost}${s()}) / on (period) group_left () ccotel:budget_limit:USD{scope="project"}`, '{{project}} {{period}}')))
    .withPanel(timeseries({ title: 'Forecast: spend by local midnight', question: 'At the pace of the last hour, where will each user end the day, compared with the daily budget?', source: 'recording rules of deploy/prometheus/rules/budgets.yml (today\'s spend + its 1-hour slope × time to midnight), the expression of the CcotelDailyBudgetForecast alert; the dashed line is the user budget.', unit: 'currencyUSD', w: 12 }, promQuery(`ccotel:user_cost_today:USD${selector(['user'])} + ccotel:user_cost_today:deriv1h${selector(['user'])} * scalar(ccotel:seconds_until_local_midnight)`, '{{user}}', 'A'), promQuery('ccotel:budget_limit:USD{scope="user",period="today"}', 'daily budget', 'B')))
    .withPanel(stat({ title: 'Cache hit ratio', question: 'How much of the input is served from the prompt cache?', source: `cache_read ÷ (input + cache_read + cache_creation) tokens of ${M.tokens}, to date.`, unit: 'percentunit', w: 4, thresholds: thresholds([[null, 'red'], [0.5, 'orange'], [0.8, 'green']]) }, instantQuery(`sum(${M.tokens}${s('type="cache_read"')}) / sum(${M.tokens}${s('type=~"input|cache_read|cache_creation"')})`)))
    .withPanel(stat({ title: 'Cost per session', question: 'What does a session cost on average?', source: `sum(${M.cost}) ÷ sum(${M.sessions}), to date (the counters are exact: estimates are gauges apart).`, unit: 'currencyUSD', w: 4 }, instantQuery(`sum(${M.cost}${s()}) / sum(${M.sessions}${s()})`)))
    .withPanel(stat({ title: 'Cost per prompt', question: 'What does one typed prompt cost on average (its subagents and tools included)?', source: `sum(${M.cost}) ÷ sum(${M.prompts}), to date (the counters are exact: estimates are gauges apart).`, unit: 'currencyUSD', w: 4 }, instantQuery(`sum(${M.cost}${s()}) / sum(${M.prompts}${s()})`)))
    .withPanel(bars({ title: 'Spend per project this month', question: 'Where does this month\'s money go?', source: `sum by (project) (${M.budgetCost}{period="month"}): ${gauges}.`, unit: 'currencyUSD', w: 12 }, instantQuery(`topk(10, sum by (project) (${M.budgetCost}${s('period="month"')}))`, '{{project}}')));
}
