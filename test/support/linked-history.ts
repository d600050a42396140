// A generated history reachable by several paths: its config dir has an alias, one project folder
// is moved out and linked back, and a second link points at another project (symlinked-roots,
// transcript-listing-cache).
import { mkdirSync, readdirSync, renameSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { generateHistory, type Expected } from './history-generator.js';

export function linkedHistory(dir: string): { root: string; alias: string; projects: string; other: string; exp: Expected } {
  const root = join(dir, 'claude');
  const exp = generateHistory(root, { sessions: 8, seed: 77, projects: 3 });
  const alias = join(dir, 'config-claude');
  symlinkSync(root, alias);
  const projects = join(root, 'projects');
  const [moved, other] = readdirSync(projects).sort();
  mkdirSync(join(dir, 'elsewhere'));
  renameSync(join(projects, moved!), join(dir, 'elsewhere', moved!));
  symlinkSync(join(dir, 'elsewhere', moved!), join(projects, moved!));
  symlinkSync(join(projects, other!), join(projects, `zz-link-to-${other}`));
  return { root, alias, projects, other: other!, exp };
}
