// npm run dashboards: regenerates dashboards/*.json from the builders.
import { writeFileSync } from 'node:fs';
import { dashboards, render } from './index.js';

const dir = new URL('../', import.meta.url);
for (const [name, d] of Object.entries(dashboards())) {
  writeFileSync(new URL(`${name}.json`, dir), render(d));
  console.log(`dashboards/${name}.json  ${d.uid}  ${d.panels?.length ?? 0} panels`);
}
