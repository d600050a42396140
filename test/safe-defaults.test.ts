// Safe defaults a user does not have to think about, through the real CLI:
// - the local /metrics endpoint refuses a Host header that is not this machine (DNS rebinding), and
//   a non-loopback bind address is warned about;
// - credentials never reach a log line or doctor's output (user-info stripped, headers never
//   printed), and credentials over plain http:// to another host are warned about;
// - the ccusage binary (tests and bench only) is not something every user installs.
import { request } from 'node:http';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO, requireBuiltCli } from './support/ccotel-cli.js';
import { runCli, startCli } from './support/cli-process.js';
import { freePorts } from './support/collector.js';
import { writeSessions } from './support/hand-transcripts.js';
import { waitFor } from './support/wait.js';

/** GET /metrics on 127.0.0.1:port with the given Host header; resolves to the status. */
function getWithHost(port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/metrics', headers: { host } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('safe defaults', () => {
  let dir: string;
  let root: string;

  beforeAll(() => {
    requireBuiltCli();
    dir = mkdtempSync(join(tmpdir(), 'ccotel-safe-'));
    root = join(dir, 'claude');
    writeSessions(root, [{ sessionId: 'safe-1', cwd: '/home/dev/safe', ts: Date.parse('2025-08-01T09:00:00Z'), input: 10, output: 20 }]);
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  for (const bind of ['127.0.0.1', '0.0.0.0'] as const) {
    it(`metrics bound to ${bind}: a foreign Host header is refused${bind === '0.0.0.0' ? ', and the bind is warned about' : ''}`, async () => {
      const [port] = await freePorts(1);
      const config = join(dir, `config-${bind}.yaml`);
      writeFileSync(config, `prometheus: {host: "${bind}", port: ${port}}\n`);
      const run = startCli(['run', '--config', config, '--claude-dir', root, '--state-dir', join(dir, `state-${bind}`), '--timezone', 'UTC']);
      try {
        await waitFor(async () => ((await getWithHost(port!, `127.0.0.1:${port}`)) === 200 ? true : undefined), { what: 'metrics served', timeoutMs: 30_000 });
        expect(await getWithHost(port!, `localhost:${port}`)).toBe(200);
        expect(await getWithHost(port!, 'localhost')).toBe(200);
        // A page on attacker.example whose name now resolves to 127.0.0.1 sends its own name.
        expect(await getWithHost(port!, `attacker.example:${port}`)).toBe(403);
        expect(await getWithHost(port!, 'attacker.example')).toBe(403);
        const warned = run.stderr.split('\n').some((l) => /other machines can read it/.test(l));
        expect(warned, run.stderr).toBe(bind === '0.0.0.0');
      } finally {
        run.child.kill('SIGTERM');
        await run.done;
      }
    });
  }

  it('credentials in the endpoint and headers never reach a log line; clear-text http to another host is warned about', async () => {
    const env = {
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://ccuser:pw-secret-123@collector.invalid:4318',
      OTEL_EXPORTER_OTLP_HEADERS: 'authorization=Bearer hdr-secret-456',
      OTEL_EXPORTER_OTLP_TIMEOUT: '500',
    };
    const r = await runCli(['backfill', '--claude-dir', root, '--state-dir', join(dir, 'state-cred'), '--timezone', 'UTC', '--session-idle', '1s', '--timeout', '2s'], env);
    expect(r.code, r.stderr).toBe(4);
    expect(r.stderr).toMatch(/clear text over http:\/\/ to collector\.invalid:4318; use https:\/\//);
    expect(r.stderr).toMatch(/span export failed; retrying/);
    expect(r.stderr).toContain('http://collector.invalid:4318/v1/traces');
    for (const secret of ['pw-secret-123', 'hdr-secret-456', 'ccuser']) expect(r.stderr + r.stdout).not.toContain(secret);

    const d = await runCli(['doctor', '--claude-dir', root, '--state-dir', join(dir, 'state-cred')], env);
    expect(d.stdout).toMatch(/WARN\s+export: .*clear text/);
    expect(d.stdout).toMatch(/collector traces: http:\/\/collector\.invalid:4318\/v1\/traces/);
    for (const secret of ['pw-secret-123', 'hdr-secret-456', 'ccuser']) expect(d.stderr + d.stdout).not.toContain(secret);
  });

  it('the ccusage reference binary is a devDependency, not installed for every user', () => {
    const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8'));
    expect(pkg.devDependencies['@ccusage/ccusage-linux-x64']).toBeDefined();
    expect(pkg.dependencies['@ccusage/ccusage-linux-x64']).toBeUndefined();
    expect(pkg.optionalDependencies?.['@ccusage/ccusage-linux-x64']).toBeUndefined();
  });
});
