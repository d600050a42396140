// A command's options, written once as data: commander builds --help and the error messages from
// them, and `quickParse` reads an ordinary command line with Node's built-in util.parseArgs. Why:
// loading and building commander costs ~10 ms, a tenth of a `sessions --show` beside the daemon.
// The quick path only ever says "these are the options" or "not sure": anything unusual (help, an
// unknown option, a value that looks like a flag, `-n5`) goes to commander, which decides as before.
// test/cli-quick-args.test.ts checks both give the same options wherever the quick path answers.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { Command } from 'commander';

export interface OptionSpec {
  /** As commander writes them: `--json`, `-n <count>`, `--claude-dir <dir>`. */
  flags: string;
  description: string;
  default?: string;
  /** Given more than once, the values collect into an array. */
  repeat?: boolean;
}

export interface CommandSpec<O> {
  name: string;
  description: string;
  /** Words after the options (`[query...]`); none when absent. */
  words?: { name: string; description: string };
  options: readonly OptionSpec[];
  /** Shown after the options in --help (examples). */
  help: string;
  run: (words: string[], o: O) => Promise<void>;
}

interface Flag {
  short?: string;
  long?: string;
  takesValue: boolean;
  /** The key commander gives the value: camelCase of the long name, else the short letter. */
  key: string;
}

const FLAGS = /^(?:-([A-Za-z])(?:, )?)?(?:--([a-z][a-z0-9-]*))?(?: <[^>]+>)?$/;

export function flagOf(spec: OptionSpec): Flag {
  const m = FLAGS.exec(spec.flags);
  if (!m || (m[1] === undefined && m[2] === undefined)) throw new Error(`option flags not understood: ${spec.flags}`);
  const long = m[2];
  const key = long ? long.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase()) : m[1]!;
  return { short: m[1], long, takesValue: spec.flags.endsWith('>'), key };
}

const collect = (v: string, prev: string[] | undefined): string[] => [...(prev ?? []), v];

export function addOptions(cmd: Command, specs: readonly OptionSpec[]): Command {
  for (const o of specs) {
    if (o.repeat) cmd.option(o.flags, o.description, collect);
    else if (o.default !== undefined) cmd.option(o.flags, o.description, o.default);
    else cmd.option(o.flags, o.description);
  }
  return cmd;
}

/** Adds the command to commander's program, from the same spec the quick path reads. */
export function registerSpec<O>(program: Command, spec: CommandSpec<O>): Command {
  const cmd = program.command(spec.name).description(spec.description);
  if (spec.words) cmd.argument(`[${spec.words.name}...]`, spec.words.description);
  addOptions(cmd, spec.options);
  cmd.addHelpText('after', spec.help);
  cmd.action(async (...a: unknown[]) => {
    // commander passes the words (when declared), then the options.
    const words = spec.words ? (a[0] as string[]) : [];
    await spec.run(words, (spec.words ? a[1] : a[0]) as O);
  });
  return cmd;
}

/**
 * The options and words of an ordinary command line (the arguments after the command's name), as
 * commander would give them; undefined for anything commander should answer (help, mistakes, or a
 * form this parser reads differently).
 */
export function quickParse<O>(args: readonly string[], spec: CommandSpec<O>): { words: string[]; o: O } | undefined {
  const flags = spec.options.map((o) => ({ spec: o, flag: flagOf(o) }));
  const options: NonNullable<ParseArgsConfig['options']> = {};
  for (const { spec: o, flag } of flags) {
    // A short-only flag is keyed by its letter; `--n` would then parse too, which commander refuses.
    options[flag.long ?? flag.short!] = { type: flag.takesValue ? 'string' : 'boolean', ...(flag.short ? { short: flag.short } : {}), ...(o.repeat ? { multiple: true } : {}) };
  }
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: [...args], options, strict: true, allowPositionals: spec.words !== undefined, tokens: true });
  } catch {
    return undefined;
  }
  for (const t of parsed.tokens ?? []) {
    if (t.kind !== 'option') continue;
    const f = flags.find((x) => (x.flag.long ?? x.flag.short) === t.name)!.flag;
    // `--n` for a short-only flag, `-n5` or `-n=5`: commander's reading, not ours.
    if (t.rawName.startsWith('--') ? f.long === undefined : t.inlineValue === true) return undefined;
  }
  const o: Record<string, unknown> = {};
  for (const { spec: s, flag } of flags) {
    const v = parsed.values[flag.long ?? flag.short!];
    if (v !== undefined) o[flag.key] = v;
    else if (s.default !== undefined) o[flag.key] = s.default;
  }
  return { words: parsed.positionals, o: o as O };
}
