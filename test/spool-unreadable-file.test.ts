// A spool file the daemon cannot read (a hook run as another user — `sudo claude` keeps the state dir
// in the hook's command, and the hook's umask makes its file 0600 root's) must not stop ccotel: the
// other hook events are consumed, the unreadable one stays in spool/new with one warning. Before,
// `ccotel run` and `backfill` died at start with "internal error: EACCES" and nothing was consumed.
// The real hook script writes the payloads; the real CLI consumes them; a stand-in OTLP receiver accepts.
import { chmodSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { requireBuiltCli } from './support/ccotel-cli.js';
import { runCli } from './support/cli-process.js';
import { startFakeOtlp } from './support/fake-otlp.js';
import { runHook } from './support/hook-script.js';
import { onCleanup, tempDir, useCleanups } from './support/temp.js';

useCleanups();

describe('a spool file that cannot be read', () => {
  it('is left in place with a warning; backfill consumes every other hook event and exits 0', async () => {
    requireBuiltCli();
    const d = await tempDir('hooks-unreadable');
    const state = join(d, 'state');
    mkdirSync(join(d, 'claude', 'projects'), { recursive: true });
    const otlp = await startFakeOtlp();
    onCleanup(() => otlp.close());
    const payload = (i: number): string =>
      JSON.stringify({ session_id: 'hook-only', transcript_path: join(d, 'elsewhere.jsonl'), cwd: '/p', hook_event_name: 'Notification', message: `m${i}`, notification_type: 'idle_prompt' });
    for (let i = 0; i < 3; i++) expect(await runHook(payload(i), [state])).toEqual({ code: 0, stdout: '', stderr: '' });
    const written = readdirSync(join(state, 'spool', 'new')).sort();
    expect(written).toHaveLength(3);
    // The middle one becomes unreadable: mode 000 for a normal user; root reads any file, so there a
    // directory under a hook file's name stands in (EISDIR instead of EACCES: the same read failure).
    const bad = written[1]!;
    const badPath = join(state, 'spool', 'new', bad);
    if (process.getuid?.() === 0) {
      rmSync(badPath);
      mkdirSync(badPath);
    } else chmodSync(badPath, 0);
    onCleanup(() => chmodSync(badPath, 0o700));

    const env = { OTEL_EXPORTER_OTLP_ENDPOINT: otlp.endpoint, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_EXPORTER_OTLP_TIMEOUT: '1000' };
    const r = await runCli(['backfill', '--claude-dir', join(d, 'claude'), '--state-dir', state, '--timezone', 'UTC', '--session-idle', '1s', '--timeout', '20s'], env);
    expect(r.stderr).not.toMatch(/internal error|\n\s+at \S/);
    expect(r.code, r.stderr).toBe(0);
    // The two readable events were consumed (committed, then removed); the unreadable one waits.
    expect(readdirSync(join(state, 'spool', 'new'))).toEqual([bad]);
    expect(r.stderr).toContain(bad);
    // A second run warns again (a new process) but still consumes nothing twice and fails nothing.
    const again = await runCli(['backfill', '--claude-dir', join(d, 'claude'), '--state-dir', state, '--timezone', 'UTC', '--session-idle', '1s', '--timeout', '20s'], env);
    expect(again.code, again.stderr).toBe(0);
    expect(readdirSync(join(state, 'spool', 'new'))).toEqual([bad]);
  });
});
