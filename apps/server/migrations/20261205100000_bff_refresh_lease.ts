/*
 * A web session's refresh lease: while `refresh_lease_until` is in the future, one instance is
 * exchanging the session's refresh token and every other waits for the tokens it stores.
 *
 * Refresh tokens rotate, and presenting a rotated one revokes the whole grant, so two instances
 * refreshing the same session at once signed the user out. The lease is claimed with a
 * conditional update (free or lapsed, and the tokens still the ones the claimer read), which
 * only one caller can win on SQLite and PostgreSQL alike; it lapses by itself if its holder dies.
 */
import type { MigrationDatabase } from '../src/platform/migrations.ts';

export async function up(db: MigrationDatabase): Promise<void> {
  await db.schema.alterTable('bff_sessions').addColumn('refresh_lease_until', 'text').execute();
}

export async function down(db: MigrationDatabase): Promise<void> {
  await db.schema.alterTable('bff_sessions').dropColumn('refresh_lease_until').execute();
}
