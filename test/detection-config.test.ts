// Rules and redaction patterns in the config file: a good config changes what is flagged and
// redacted; a bad one stops `stats`, `doctor`, `audit`, … at start with one line naming the file,
// the line and the reason.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDir, useCleanups } from './support/temp.js';
import { requireBuiltCli } from './support/ccotel-cli.js';
import { expectOneLineError, runCli } from './support/cli-process.js';
import { writePlantedHistory } from './support/planted-history.js';

useCleanups();

async function withConfig(yaml: string): Promise<{ cfg: string; args: string[] }> {
  const dir = await tempDir('rules-cfg');
  const cfg = join(dir, 'config.yaml');
  writeFileSync(cfg, yaml);
  return { cfg, args: ['--config', cfg, '--claude-dir', join(dir, 'claude'), '--state-dir', join(dir, 'state'), '--timezone', 'UTC'] };
}

describe('rule configuration', () => {
  beforeAll(() => requireBuiltCli());

  const bad: Array<[string, string, RegExp]> = [
    ['rules:\n  - id: destructive_command\n    severity: loud\n', 'line 3', /severity must be one of critical, warning, info, got "loud"/],
    ['timezone: UTC\nrules:\n  - id: prod_db\n    regex: "(a+)+"\n', 'line 4', /rule "prod_db": regex nested quantifier/],
    ['rules:\n  - id: prod_db\n    regex: "["\n', 'line 3', /invalid regular expression/],
    ['rules:\n  - id: prod_db\n    tools: [Bash]\n', 'line 2', /give exactly one of regex or glob/],
    ['rules:\n  - id: external_fetch\n    allowlist: ["http://x.example.com/"]\n', 'line 3', /is not an IPv4 range like 10\.0\.0\.0\/8/],
    ['rules:\n  - id: external_fetch\n    allowlist: ["api.example.com:443?"]\n', 'line 3', /not a host, \*\.domain or IPv4 range/],
    ['rules:\n  - id: credential_access\n    regex: "x"\n', 'line 3', /built in: it takes only severity, enabled and allowlist/],
    ['rules:\n  - id: Prod-DB\n    regex: "x"\n', 'line 2', /id must be lower_snake_case/],
    ['rules:\n  - id: x\n    regex: "x"\n    sevrity: info\n', 'line 4', /unknown key "sevrity"/],
    ['redaction:\n  patterns:\n    - name: internal\n      regex: "(x*)*"\n', 'line 4', /nested quantifier/],
  ];
  it.each(bad)('rejects %j at its line', async (yaml, line, reason) => {
    const { cfg, args } = await withConfig(yaml);
    for (const cmd of ['stats', 'audit']) {
      const r = await runCli([cmd, ...args]);
      expect(r.code).toBe(2);
      const msg = expectOneLineError(r);
      expect(msg).toContain(`config file ${cfg} ${line}:`);
      expect(msg).toMatch(reason);
    }
    const doctor = await runCli(['doctor', ...args]);
    expect(doctor.code).toBe(1);
    expect(doctor.stdout + doctor.stderr).toContain(`${cfg} ${line}:`);
  });

  it('applies overrides, disabled rules, own rules and redaction patterns', async () => {
    const { args, cfg } = await withConfig([
      'rules:',
      '  - id: destructive_command',
      '    severity: critical',
      '  - id: secret_in_command',
      '    enabled: false',
      '  - id: write_outside_project',
      '    allowlist: ["/tmp/**"]',
      '  - id: dotenv_example',
      '    tools: [Read]',
      '    glob: "**/.env.example"',
      '    severity: info',
      'redaction:',
      '  patterns:',
      '    - name: ticket',
      '      regex: "SHOP-[0-9]{4}"',
      '',
    ].join('\n'));
    const root = join(cfg, '..', 'claude');
    const planted = writePlantedHistory(root, { rounds: 1, seed: 9 });
    const r = await runCli(['audit', ...args, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.summary.byRule).toEqual({
      credential_access: planted.expectedHits.credential_access,
      destructive_command: planted.expectedHits.destructive_command,
      dotenv_example: 1,
      external_fetch: planted.expectedHits.external_fetch,
      write_outside_project: planted.expectedHits.write_outside_project! - 1, // /tmp/scratch.sh is allowed now
    });
    expect(report.hits.filter((h: { rule: string }) => h.rule === 'destructive_command').every((h: { severity: string }) => h.severity === 'critical')).toBe(true);
    expect(report.hits.find((h: { rule: string }) => h.rule === 'dotenv_example')).toMatchObject({ severity: 'info', tool: 'Read', field: 'file_path' });
  });
});
