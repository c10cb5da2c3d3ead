/*
 * The secrets in the database are encrypted with the secrets key (SECRETS_KEY, or on SQLite the
 * key file beside the database): signing keys' private JWKs and the rows of `secrets` (the web
 * client's secret, the sealing key, the cookie keys). They were stored in clear before, so a copy
 * of the database was enough to sign tokens.
 *
 * Each value is sealed for its own row (`secrets/<name>`, `signing_keys/<kid>`), as the
 * repositories read it. Values that are already envelopes are left alone.
 */
import { isSealedSecret } from '../src/platform/secrets-key.ts';
import type { MigrationContext, MigrationDatabase } from '../src/platform/migrations.ts';

interface Row {
  readonly table: 'secrets' | 'signing_keys';
  readonly id: string;
  readonly value: string;
}

const columns = {
  secrets: { id: 'name', value: 'value' },
  signing_keys: { id: 'kid', value: 'private_jwk' },
} as const;

async function storedSecrets(db: MigrationDatabase): Promise<Row[]> {
  const rows: Row[] = [];
  for (const table of ['secrets', 'signing_keys'] as const) {
    const { id, value } = columns[table];
    const found = (await db.selectFrom(table).select([id, value]).execute()) as Record<
      string,
      string
    >[];
    for (const row of found) rows.push({ table, id: row[id] ?? '', value: row[value] ?? '' });
  }
  return rows;
}

async function rewrite(db: MigrationDatabase, row: Row, value: string): Promise<void> {
  const columnsOf = columns[row.table];
  await db
    .updateTable(row.table)
    .set({ [columnsOf.value]: value })
    .where(columnsOf.id, '=', row.id)
    .execute();
}

export async function up(db: MigrationDatabase, context: MigrationContext = {}): Promise<void> {
  const clear = (await storedSecrets(db)).filter((row) => !isSealedSecret(row.value));
  if (clear.length === 0) return;
  const keyring = context.secrets;
  if (keyring === undefined) {
    throw new Error('Encrypting the stored secrets needs the secrets key (SECRETS_KEY)');
  }
  for (const row of clear) {
    await rewrite(db, row, await keyring.seal(row.value, `${row.table}/${row.id}`));
  }
}

export async function down(db: MigrationDatabase, context: MigrationContext = {}): Promise<void> {
  const sealed = (await storedSecrets(db)).filter((row) => isSealedSecret(row.value));
  if (sealed.length === 0) return;
  const keyring = context.secrets;
  if (keyring === undefined) {
    throw new Error('Decrypting the stored secrets needs the secrets key (SECRETS_KEY)');
  }
  for (const row of sealed) {
    await rewrite(db, row, await keyring.open(row.value, `${row.table}/${row.id}`));
  }
}
