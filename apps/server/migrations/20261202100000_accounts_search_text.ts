/*
 * `accounts.search_text`: the username, email and display name folded to lower case by
 * JavaScript, for the admin's user search. SQLite's lower() folds ASCII only, so searching
 * `lower(display_name)` found "Émile" on PostgreSQL and not on SQLite; a stored folded copy
 * (as exams.search_text) searches alike on both engines. Existing rows are filled in here.
 */
import type { MigrationDatabase } from '../src/platform/migrations.ts';

// Kept here rather than imported: a migration must not change when application code does.
function searchTextOf(username: string, email: string, displayName: string): string {
  return `${username}\n${email}\n${displayName}`.normalize('NFKC').toLowerCase();
}

export async function up(db: MigrationDatabase): Promise<void> {
  await db.schema
    .alterTable('accounts')
    .addColumn('search_text', 'text', (col) => col.notNull().defaultTo(''))
    .execute();
  const rows = (await db
    .selectFrom('accounts')
    .select(['id', 'username', 'email', 'display_name'])
    .execute()) as { id: string; username: string; email: string; display_name: string }[];
  for (const row of rows) {
    await db
      .updateTable('accounts')
      .set({ search_text: searchTextOf(row.username, row.email, row.display_name) })
      .where('id', '=', row.id)
      .execute();
  }
}

export async function down(db: MigrationDatabase): Promise<void> {
  await db.schema.alterTable('accounts').dropColumn('search_text').execute();
}
