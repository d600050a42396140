// The short readers: commands that read an ordinary command line without commander, exit as soon as
// their output is written (cli/main.ts), and run as one linked file, not as chunks (scripts/bundle.ts).
// A module of its own so the build script can read the list without starting the CLI.
export const QUICK_COMMANDS = ['stats', 'sessions'] as const;
export type QuickCommand = (typeof QUICK_COMMANDS)[number];
