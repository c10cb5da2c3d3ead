/*
 * Identity tables: provider state, accounts, signing keys, secrets, machine clients, BFF
 * sessions and rate-limit counters. Conventions (platform/db.ts): text UUID ids, ISO-8601 UTC text timestamps, 0/1 integers for
 * booleans, JSON as text. Every statement is portable between SQLite and PostgreSQL.
 */
import { sql } from 'kysely';
import type { MigrationDatabase } from '../src/platform/migrations.ts';

export async function up(db: MigrationDatabase): Promise<void> {
  // Everything oidc-provider stores (sessions, interactions, codes, tokens, grants …), one row
  // per model and id. Secondary lookups: grant (revocation), user code (device flow), uid
  // (sessions). Expired rows are ignored on read and purged by housekeeping.
  await db.schema
    .createTable('oidc_payloads')
    .addColumn('model', 'text', (col) => col.notNull())
    .addColumn('id', 'text', (col) => col.notNull())
    .addColumn('payload', 'text', (col) => col.notNull())
    .addColumn('grant_id', 'text')
    .addColumn('user_code', 'text')
    .addColumn('uid', 'text')
    .addColumn('expires_at', 'text')
    .addColumn('consumed_at', 'text')
    .addPrimaryKeyConstraint('oidc_payloads_pk', ['model', 'id'])
    .execute();
  await db.schema
    .createIndex('oidc_payloads_grant_id_idx')
    .on('oidc_payloads')
    .column('grant_id')
    .execute();
  await db.schema
    .createIndex('oidc_payloads_user_code_idx')
    .on('oidc_payloads')
    .columns(['model', 'user_code'])
    .execute();
  await db.schema
    .createIndex('oidc_payloads_uid_idx')
    .on('oidc_payloads')
    .columns(['model', 'uid'])
    .execute();
  await db.schema
    .createIndex('oidc_payloads_expires_at_idx')
    .on('oidc_payloads')
    .column('expires_at')
    .execute();

  // People who sign in to the embedded provider. `username` and `email` are stored lower-cased
  // (the service canonicalises them) so the unique constraints are case-insensitive on both
  // engines; sign-in accepts either. `password_hash` is an argon2id PHC string.
  await db.schema
    .createTable('accounts')
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('username', 'text', (col) => col.notNull().unique())
    .addColumn('email', 'text', (col) => col.notNull().unique())
    .addColumn('display_name', 'text', (col) => col.notNull())
    .addColumn('password_hash', 'text', (col) => col.notNull())
    .addColumn('role', 'text', (col) =>
      col
        .notNull()
        .defaultTo('learner')
        .check(sql`role in ('learner', 'instructor', 'admin')`),
    )
    .addColumn('disabled', 'integer', (col) =>
      col
        .notNull()
        .defaultTo(0)
        .check(sql`disabled in (0, 1)`),
    )
    .addColumn('created_at', 'text', (col) => col.notNull())
    .addColumn('updated_at', 'text', (col) => col.notNull())
    .execute();

  // The embedded provider's signing keys (private JWK as JSON text). A key is published in the
  // JWKS from `created_at`, signs from `active_from` (later than `created_at` after a rotation,
  // so every instance knows the key before any signs with it) until `retired_at`, and stays
  // published until `not_after`, when every token it signed has expired.
  await db.schema
    .createTable('signing_keys')
    .addColumn('kid', 'text', (col) => col.primaryKey())
    .addColumn('alg', 'text', (col) => col.notNull())
    .addColumn('private_jwk', 'text', (col) => col.notNull())
    .addColumn('created_at', 'text', (col) => col.notNull())
    .addColumn('active_from', 'text', (col) => col.notNull())
    .addColumn('retired_at', 'text')
    .addColumn('not_after', 'text')
    .execute();

  // Generated server secrets, by purpose: `cookie_keys` (provider cookie signing, JSON array,
  // newest first), `bff_client_secret`, `bff_token_key` (encrypts tokens in bff_sessions).
  await db.schema
    .createTable('secrets')
    .addColumn('name', 'text', (col) => col.primaryKey())
    .addColumn('value', 'text', (col) => col.notNull())
    .addColumn('created_at', 'text', (col) => col.notNull())
    .addColumn('updated_at', 'text', (col) => col.notNull())
    .execute();

  // Machine clients created with `assay clients create`. The secret is 256 random bits shown
  // once and stored as its SHA-256 (a slow hash adds nothing to a random secret and would cost
  // ~40 ms on every token request). `scopes` is space-separated; metadata is JSON for the rest.
  await db.schema
    .createTable('clients')
    .addColumn('client_id', 'text', (col) => col.primaryKey())
    .addColumn('secret_hash', 'text', (col) => col.notNull())
    .addColumn('name', 'text', (col) => col.notNull())
    .addColumn('scopes', 'text', (col) => col.notNull())
    .addColumn('metadata', 'text', (col) => col.notNull().defaultTo('{}'))
    .addColumn('disabled', 'integer', (col) =>
      col
        .notNull()
        .defaultTo(0)
        .check(sql`disabled in (0, 1)`),
    )
    .addColumn('created_at', 'text', (col) => col.notNull())
    .addColumn('updated_at', 'text', (col) => col.notNull())
    .execute();

  // Backend-for-frontend sessions. The cookie holds a random id; only its SHA-256 is stored.
  // `tokens` is the token set as JSON, encrypted (AES-256-GCM with the `bff_token_key` secret).
  // `subject` is the token's sub: an account id, or an external provider's subject.
  await db.schema
    .createTable('bff_sessions')
    .addColumn('id_hash', 'text', (col) => col.primaryKey())
    .addColumn('subject', 'text', (col) => col.notNull())
    .addColumn('tokens', 'text', (col) => col.notNull())
    .addColumn('csrf_token', 'text', (col) => col.notNull())
    .addColumn('access_expires_at', 'text', (col) => col.notNull())
    .addColumn('created_at', 'text', (col) => col.notNull())
    .addColumn('updated_at', 'text', (col) => col.notNull())
    .addColumn('expires_at', 'text', (col) => col.notNull())
    .execute();
  await db.schema
    .createIndex('bff_sessions_subject_idx')
    .on('bff_sessions')
    .column('subject')
    .execute();
  await db.schema
    .createIndex('bff_sessions_expires_at_idx')
    .on('bff_sessions')
    .column('expires_at')
    .execute();

  // Fixed-window counters for sign-in and sign-up, keyed e.g. `signin:account:<id>` or
  // `signin:ip:<address>`; shared by every instance through the database.
  await db.schema
    .createTable('rate_limits')
    .addColumn('key', 'text', (col) => col.primaryKey())
    .addColumn('window_start', 'text', (col) => col.notNull())
    .addColumn('count', 'integer', (col) => col.notNull())
    .addColumn('expires_at', 'text', (col) => col.notNull())
    .execute();
  await db.schema
    .createIndex('rate_limits_expires_at_idx')
    .on('rate_limits')
    .column('expires_at')
    .execute();
}

export async function down(db: MigrationDatabase): Promise<void> {
  for (const table of [
    'rate_limits',
    'bff_sessions',
    'clients',
    'secrets',
    'signing_keys',
    'accounts',
    'oidc_payloads',
  ]) {
    await db.schema.dropTable(table).execute();
  }
}
