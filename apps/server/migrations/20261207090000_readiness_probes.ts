/*
 * A table `/readyz` writes a row to and deletes it from, in one transaction, after a write
 * failed for want of space or because the database is read-only: reads still pass then, so only
 * a write tells whether the database can serve again. It stays empty.
 */
import type { MigrationDatabase } from '../src/platform/migrations.ts';

export async function up(db: MigrationDatabase): Promise<void> {
  await db.schema
    .createTable('readiness_probes')
    .addColumn('id', 'text', (column) => column.primaryKey())
    .addColumn('written_at', 'text', (column) => column.notNull())
    .addColumn('filler', 'text', (column) => column.notNull())
    .execute();
}

export async function down(db: MigrationDatabase): Promise<void> {
  await db.schema.dropTable('readiness_probes').execute();
}
