// Worst inputs for the redaction patterns (src/detection/redact.ts) and the rule engine: a 1 MB
// command and, for every pattern, a long string built to make it backtrack. Prints µs per KB; the
// bound is what keeps one huge tool call from stalling the daemon (it took 14 s before the overhaul).
import { performance } from 'node:perf_hooks';
import { BUILTIN_PATTERNS, mayMatch, redactSecrets, redactCut } from '../src/detection/redact.js';
import { regexGatedRedact, regexMayMatch } from '../test/support/redact-gate-regex.js';
import { createDetector } from '../src/detection/engine.js';
import { bestMs } from './best-time.js';
import { fixtureStrings } from '../test/support/fixture-strings.js';

export interface RedactBenchRow {
  name: string;
  kb: number;
  usPerKB: number;
}

/** µs per KB above which a case fails the bench: linear patterns run around 1–20 µs/KB. */
export const REDACT_BOUND_US_PER_KB = 500;

const rep = (s: string, bytes: number): string => s.repeat(Math.ceil(bytes / s.length)).slice(0, bytes);

export function redactCases(): Array<[string, string]> {
  const KB = 1024;
  const uuid = '3f2a1c9e-1b2d-4c5e-8f9a-0b1c2d3e4f5a';
  const words = 'npm run build && git status; cd src/app | grep -n foo ';
  return [
    ['1 MB everyday command', rep(words, 1024 * KB)],
    ['eyJ- repeated (jwt)', rep('eyJ-', 256 * KB)],
    ['eyJ.eyJ. repeated (jwt)', rep('eyJaaaaaaaa.', 256 * KB)],
    ['dash-joined UUIDs', rep(uuid + '-', 256 * KB)],
    ['sk-ant- repeated', rep('sk-ant-', 256 * KB)],
    ['sk- repeated', rep('sk-a', 256 * KB)],
    ['AKIA repeated', rep('AKIA', 256 * KB)],
    ['ghp_ repeated', rep('ghp_a', 256 * KB)],
    ['xoxb- repeated', rep('xoxb-', 256 * KB)],
    ['BEGIN PRIVATE KEY repeated', rep('-----BEGIN RSA PRIVATE KEY-----', 256 * KB)],
    ['scheme:// repeated (url password)', rep('http://a:', 256 * KB)],
    ['user:pass without @', 'https://' + rep('a:b', 256 * KB)],
    ['Authorization: repeated', rep('Authorization: ', 256 * KB)],
    ['bearer repeated', rep('bearer ', 256 * KB)],
    ['basic + base64 run', rep('Basic ', 8) + rep('QUJD', 256 * KB)],
    ['X-Api-Key: repeated', rep('X-Api-Key:', 256 * KB)],
    ['_KEY= names', rep('A_B_C_D_E_F_KEY', 256 * KB)],
    ['name runs without =', rep('aws_secret_access_key ', 256 * KB)],
    ['config set repeated', rep('config set x ', 256 * KB)],
    ['--flag-flag- repeated', rep('--a-b-c-token-', 256 * KB)],
    ['mysql without -p', rep('mysql ', 256 * KB)],
    ['mysql long args', 'mysql ' + rep('-u root ', 256 * KB)],
    ['curl -u without colon', rep('curl -u x ', 256 * KB)],
    ['quotes and equals', rep('TOKEN="', 256 * KB)],
    ['base64 blob', rep('QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo0NTY3ODkr/', 256 * KB)],
  ];
}

/**
 * The literal gate on transcript text, and redaction as a whole, against the regex gate it replaced
 * (test/support/redact-gate-regex.ts, the differential test's reference): µs per KB, lower is better.
 */
function benchGate(rows: RedactBenchRow[]): void {
  const texts = fixtureStrings();
  const kb = texts.reduce((a, t) => a + t.length, 0) / 1024;
  // A pattern with no `also` character, so the old gate cannot skip its scan.
  const p = BUILTIN_PATTERNS.find((x) => x.also === undefined)!;
  const per = (fn: (t: string) => unknown): number => (time(() => texts.forEach(fn)) * 1000) / kb;
  rows.push({ name: 'literal gate, transcript text', kb, usPerKB: per((t) => mayMatch(t)(p)) });
  rows.push({ name: '  (the regex gate it replaced)', kb, usPerKB: per((t) => regexMayMatch(t)(p)) });
  rows.push({ name: 'redaction, transcript text', kb, usPerKB: per(redactSecrets) });
  rows.push({ name: '  (with the regex gate)', kb, usPerKB: per(regexGatedRedact) });
}

function time(fn: () => void): number {
  fn(); // warm up the regex compilation
  return bestMs(fn, 3);
}

export function benchRedact(): RedactBenchRow[] {
  const rows: RedactBenchRow[] = [];
  for (const [name, text] of redactCases()) {
    const kb = text.length / 1024;
    const ms = time(() => redactSecrets(text));
    rows.push({ name, kb, usPerKB: (ms * 1000) / kb });
  }
  // What ingest actually does with a huge command: cut, then redact what is kept.
  const huge = rep('eyJ-', 1024 * 1024);
  const ms = time(() => redactCut(huge, 300));
  rows.push({ name: '1 MB command, cut to 300 (per tool call)', kb: 1024, usPerKB: (ms * 1000) / 1024 });
  // The rules see the whole call (tokenized command, written content scanned for secrets).
  const detect = createDetector([], { home: '/home/dev' });
  const cmd = rep('npm run build && git status; cd src/app | grep -n "foo bar" ', 1024 * 1024);
  const tms = time(() => detect({ name: 'Bash', input: { command: cmd }, cwd: '/home/dev/app' }));
  rows.push({ name: 'rules on a 1 MB Bash command', kb: 1024, usPerKB: (tms * 1000) / 1024 });
  const content = rep('export const value = compute(a, b); // TODO\n', 1024 * 1024);
  const wms = time(() => detect({ name: 'Write', input: { file_path: '/home/dev/app/a.ts', content }, cwd: '/home/dev/app' }));
  rows.push({ name: 'rules on a 1 MB Write', kb: 1024, usPerKB: (wms * 1000) / 1024 });
  benchGate(rows);
  return rows;
}

export function printRedact(rows: readonly RedactBenchRow[]): boolean {
  let ok = true;
  process.stdout.write(`\nredaction, worst inputs (bound ${REDACT_BOUND_US_PER_KB} µs/KB)\n`);
  for (const r of rows) {
    const met = r.usPerKB <= REDACT_BOUND_US_PER_KB;
    ok &&= met;
    process.stdout.write(`  ${met ? 'ok  ' : 'SLOW'} ${r.name.padEnd(44)} ${r.kb.toFixed(0).padStart(5)} KB ${r.usPerKB.toFixed(1).padStart(9)} µs/KB\n`);
  }
  return ok;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const ok = printRedact(benchRedact());
  process.exitCode = ok ? 0 : 1;
}
