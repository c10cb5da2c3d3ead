// `npm run docs:config`: rewrites the README's configuration table from the config schema
// (apps/server/src/config.ts). A server test fails while the two differ.
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { renderConfigTable, writeConfigTable } from '../apps/server/src/config-table.ts';

const readmePath = path.resolve(import.meta.dirname, '../README.md');
const readme = await readFile(readmePath, 'utf8');
const updated = writeConfigTable(readme, await renderConfigTable(readmePath));
if (updated === readme) {
  console.log('README.md: configuration table already up to date');
} else {
  await writeFile(readmePath, updated);
  console.log('README.md: configuration table regenerated');
}
