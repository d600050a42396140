// XDG base directories (https://specifications.freedesktop.org/basedir-spec/): an empty variable
// counts as unset.
import { homedir } from 'node:os';
import { join } from 'node:path';

export function xdgDir(name: 'XDG_CONFIG_HOME' | 'XDG_STATE_HOME', env: NodeJS.ProcessEnv = process.env): string {
  const v = env[name];
  if (v && v !== '') return v;
  return name === 'XDG_CONFIG_HOME' ? join(homedir(), '.config') : join(homedir(), '.local', 'state');
}
