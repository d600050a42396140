// `ccotel doctor`: what is in effect and whether it works, one verdict per line.
import type { Command } from 'commander';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { addCommonOptions, type GlobalOptions } from '../options.js';
import { loadSettings } from '../../config/settings.js';
import { listTranscripts } from '../../sources/transcript-files.js';
import { StateStore } from '../../state/store.js';

type Verdict = 'ok' | 'warn' | 'fail';
interface Check {
  verdict: Verdict;
  what: string;
  detail: string;
}

export function registerDoctor(program: Command): void {
  const cmd = program
    .command('doctor')
    .description('check config, transcript roots, state and collector reachability')
    .option('--json', 'print the checks as JSON')
    .addHelpText('after', '\nExit code: 0 when nothing failed, 1 otherwise.');
  addCommonOptions(cmd);
  cmd.action(async (o: GlobalOptions & { json?: boolean }) => {
    const checks: Check[] = [];
    const add = (verdict: Verdict, what: string, detail: string) => checks.push({ verdict, what, detail });
    let settings;
    try {
      settings = loadSettings(o);
      add('ok', 'config', settings.configFound ? `loaded ${settings.configPath}` : `no config file at ${settings.configPath} (defaults in effect)`);
    } catch (err) {
      add('fail', 'config', (err as Error).message);
      return finish(checks, o.json);
    }
    add('ok', 'timezone', settings.timezone);
    if (settings.flatRate) add('warn', 'pricing', 'CLAUDE_RATE_INPUT/OUTPUT set: one flat rate for every model');
    const files = await listTranscripts(settings.roots);
    for (const r of settings.roots) {
      const n = files.filter((f) => f.path.startsWith(r.projectsDir + '/')).length;
      add(r.exists ? (n > 0 ? 'ok' : 'warn') : 'warn', 'transcripts', r.exists ? `${r.projectsDir}: ${n} transcript files (${r.source})` : `${r.projectsDir}: not found (${r.source})`);
    }
    if (!settings.roots.some((r) => r.exists)) add('fail', 'transcripts', 'no Claude Code projects folder found; set --claude-dir or CLAUDE_CONFIG_DIR');
    try {
      const store = await StateStore.open(settings.stateDir, { allowReadOnly: true });
      const tracked = Object.keys(store.files).length;
      const owner = store.readOnly ? `, in use by pid ${(await readFile(join(settings.stateDir, 'lock'), 'utf8').catch(() => '?')).trim()}` : '';
      add('ok', 'state', `${settings.stateDir}: ${tracked} files checkpointed, ${store.ledger.usage.size} model calls in the ledger${owner}`);
      store.close();
    } catch (err) {
      add('fail', 'state', (err as Error).message);
    }
    try {
      const { resolveExportTarget } = await import('../../export/otlp-settings.js');
      const target = resolveExportTarget(settings.config.otlp);
      if (!target.configured) add('ok', 'export', 'no OTLP endpoint: embedded default (Prometheus on 127.0.0.1:9464, trace files in the state directory)');
      for (const [signal, url] of [['traces', target.tracesUrl], ['metrics', target.metricsUrl]] as const) {
        if (!url) continue;
        const r = await probe(url);
        add(r.ok ? 'ok' : 'fail', `collector ${signal}`, `${url}: ${r.detail}`);
      }
    } catch (err) {
      add('fail', 'export', (err as Error).message);
    }
    finish(checks, o.json);
  });
}

/** An empty OTLP/JSON export: a collector answers 200 without storing anything. */
async function probe(url: string): Promise<{ ok: boolean; detail: string }> {
  try {
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}', signal: AbortSignal.timeout(5000) });
    if (res.ok) return { ok: true, detail: `reachable (HTTP ${res.status})` };
    if (res.status === 401 || res.status === 403) return { ok: false, detail: `HTTP ${res.status}: check OTEL_EXPORTER_OTLP_HEADERS (authentication)` };
    return { ok: false, detail: `HTTP ${res.status} ${res.statusText}` };
  } catch (err) {
    // undici hides the socket error in `cause` (an AggregateError when several addresses failed).
    const cause = (err as { cause?: { code?: string; errors?: Array<{ code?: string }> } }).cause;
    const code = cause?.code ?? cause?.errors?.[0]?.code;
    return { ok: false, detail: `unreachable (${code ?? (err as Error).message})` };
  }
}

function finish(checks: Check[], json?: boolean): void {
  if (json) process.stdout.write(JSON.stringify({ checks }, null, 2) + '\n');
  else for (const c of checks) process.stdout.write(`${c.verdict === 'ok' ? 'OK  ' : c.verdict === 'warn' ? 'WARN' : 'FAIL'}  ${c.what}: ${c.detail}\n`);
  if (checks.some((c) => c.verdict === 'fail')) process.exitCode = 1;
}
