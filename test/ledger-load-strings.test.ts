// Loading the ledger keeps one copy of each repeated value (src/state/ledger.ts loadRow): the
// records it rebuilds must equal the rows on disk field by field, nulls and numbers included.
import { describe, expect, it } from 'vitest';
import { Ledger, type Row } from '../src/state/ledger.js';

const T0 = 1_750_000_000_000;
// Several records sharing session ids, cwds, models, tool names and targets, with nulls in between.
const rows: Row[] = [
  ['S', 's1', '/home/dev/app', 'main', '2.1.38'],
  ['S', 's2', '/home/dev/lib', null, null],
  ['U', 'u1', T0, 's1', null, '/home/dev/app', 'claude-sonnet-4-5', 10, 5, 3, 1, 1, 100, 0, 0, 'main'],
  ['U', 'u2', T0 + 1, 's1', 'a1', '/home/dev/app', 'claude-sonnet-4-5', 11, 6, 0, 0, 0, 200, 1, 1, 'explore'],
  ['U', 'u3', T0 + 2, 's2', null, '/home/dev/lib', 'claude-opus-4-6', 12, 7, 0, 0, 0, 0, 0, 0],
  ['T', 't1', T0, 's1', null, '/home/dev/app', 'Read', '/home/dev/app/x.ts', T0 + 5, 0],
  ['T', 't2', T0 + 1, 's1', 'a1', '/home/dev/app', 'Read', '/home/dev/app/x.ts', null, null, 3],
  ['T', 't3', T0 + 2, 's2', null, '/home/dev/lib', 'Bash', null, T0 + 9, 1],
  ['P', 'p1', T0, 's1', null, '/home/dev/app'],
  ['P', 'p2', T0 + 3, 's2', null, '/home/dev/lib', 1],
  ['C', 'c1', T0 + 4, 's1', '/home/dev/app'],
  ['E', 'e1', T0 + 5, 's3', null, '/home/dev/app', 40, 8, 1],
  ['K', 'k1', T0 + 6, 's1', '/home/dev/app', 'permission', 'Bash', 'allow'],
  ['K', 'k2', T0 + 7, 's1', '/home/dev/app', 'notification', 'idle_prompt', null],
];

function serialized(l: Ledger): Row[] {
  return [...l.serializeAll()].join('').trim().split('\n').map((line) => JSON.parse(line) as Row);
}

describe('ledger load', () => {
  it('rebuilds every record equal to its row, before and after the load ends', () => {
    const l = new Ledger();
    for (const row of rows) l.loadRow(JSON.parse(JSON.stringify(row)) as Row);
    l.loadDone();
    const sortRows = (rs: Row[]) => rs.map((r) => JSON.stringify(r)).sort();
    expect(sortRows(serialized(l))).toEqual(sortRows(rows));
    expect(l.usage.get('u2')).toMatchObject({ sessionId: 's1', agentId: 'a1', cwd: '/home/dev/app', model: 'claude-sonnet-4-5', agentType: 'explore', apiError: true });
    expect(l.tools.get('t3')).toMatchObject({ name: 'Bash', target: undefined, isError: true });
    expect(l.tools.get('t1')!.agentId).toBeUndefined();
    // Rows loaded after loadDone() (a second load) are rebuilt the same way.
    l.loadRow(['U', 'u4', T0 + 8, 's2', null, '/home/dev/lib', 'claude-opus-4-6', 1, 1, 0, 0, 0, 0, 0, 0]);
    expect(l.usage.get('u4')).toMatchObject({ sessionId: 's2', cwd: '/home/dev/lib', model: 'claude-opus-4-6' });
  });
});
