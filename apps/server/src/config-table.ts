import { format, resolveConfig } from 'prettier';
import { documentedVariables } from './config.ts';

export const configTableStart = '<!-- config-table:start -->';
export const configTableEnd = '<!-- config-table:end -->';

/** The command that rewrites the README's configuration table from the schema. */
export const configTableCommand = 'npm run docs:config';

function cell(markdown: string): string {
  return markdown.replaceAll('|', '\\|').replaceAll('\n', ' ');
}

/**
 * The README's configuration table as Markdown, rendered from the config schema and formatted
 * the way Prettier formats `readmePath`, so that `prettier --check` leaves it unchanged.
 */
export async function renderConfigTable(readmePath: string): Promise<string> {
  const rows = documentedVariables().map(
    (variable) =>
      `| \`${variable.name}\` | ${cell(variable.default)} | ${cell(variable.meaning)} |`,
  );
  const table = ['| Variable | Default | Meaning |', '| --- | --- | --- |', ...rows].join('\n');
  const options = (await resolveConfig(readmePath)) ?? {};
  return (await format(table, { ...options, filepath: readmePath })).trimEnd();
}

/** The table between the markers in `readme`; throws when the markers are missing. */
export function readConfigTable(readme: string): string {
  const start = readme.indexOf(configTableStart);
  const end = readme.indexOf(configTableEnd);
  if (start < 0 || end < start) {
    throw new Error(`README.md has no ${configTableStart} … ${configTableEnd} section`);
  }
  return readme.slice(start + configTableStart.length, end).trim();
}

/** `readme` with the table between the markers replaced by `table`. */
export function writeConfigTable(readme: string, table: string): string {
  readConfigTable(readme);
  const start = readme.indexOf(configTableStart) + configTableStart.length;
  const end = readme.indexOf(configTableEnd);
  return `${readme.slice(0, start)}\n\n${table}\n\n${readme.slice(end)}`;
}
