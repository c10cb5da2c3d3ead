import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { configTableCommand, readConfigTable, renderConfigTable } from '../src/config-table.ts';
import { documentedVariables } from '../src/config.ts';

const readmePath = path.resolve(import.meta.dirname, '../../../README.md');

test("the README's configuration table is the one generated from the config schema", async () => {
  const readme = await readFile(readmePath, 'utf8');
  const generated = await renderConfigTable(readmePath);
  assert.ok(
    readConfigTable(readme) === generated,
    `README.md's configuration table differs from the config schema; run \`${configTableCommand}\``,
  );
});

test('every variable has a meaning and a default in the table', async () => {
  const variables = documentedVariables();
  for (const name of [
    'DATABASE_URL',
    'PUBLIC_URL',
    'SECRETS_KEY',
    'SECRETS_KEY_PREVIOUS',
    'OIDC_CLIENT_AUTH_METHOD',
    'OIDC_CLIENT_PRIVATE_KEY',
  ]) {
    assert.ok(
      variables.some((variable) => variable.name === name),
      name,
    );
  }
  const table = await renderConfigTable(readmePath);
  for (const variable of variables) {
    assert.notEqual(variable.meaning.trim(), '', variable.name);
    assert.match(
      table,
      new RegExp(`^\\| \`${variable.name}\` +\\| ${escape(variable.default)} `, 'm'),
    );
  }
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
