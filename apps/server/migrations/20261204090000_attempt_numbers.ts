/*
 * Attempts are numbered per learner and exam (1, 2, 3, … in the order they were started), and
 * no two of a learner's attempts at an exam share a number.
 *
 * That is what enforces an exam's max attempts under concurrency: a start counts the learner's
 * attempts and inserts number count + 1 only if that is within the limit. Two starts that
 * counted the same attempts want the same number, and the unique index lets only one of them
 * in, on SQLite and PostgreSQL alike. Counting and inserting were two statements before, so a
 * start that had counted could insert after another attempt had been started and submitted in
 * between, one over the limit.
 *
 * Existing attempts are numbered by (started_at, id).
 */
import { sql } from 'kysely';
import type { MigrationDatabase } from '../src/platform/migrations.ts';

export async function up(db: MigrationDatabase): Promise<void> {
  // Nullable only because SQLite cannot add a NOT NULL column without a default; every row gets
  // its number below, and the application always writes one.
  await db.schema.alterTable('attempts').addColumn('number', 'integer').execute();
  await sql`
    update attempts set number = (
      select count(*) from attempts as earlier
      where earlier.exam_id = attempts.exam_id
        and earlier.learner_subject = attempts.learner_subject
        and earlier.learner_issuer = attempts.learner_issuer
        and (earlier.started_at < attempts.started_at
          or (earlier.started_at = attempts.started_at and earlier.id <= attempts.id))
    )
  `.execute(db);
  await db.schema
    .createIndex('attempts_number_idx')
    .on('attempts')
    .columns(['exam_id', 'learner_subject', 'learner_issuer', 'number'])
    .unique()
    .execute();
}

export async function down(db: MigrationDatabase): Promise<void> {
  await db.schema.dropIndex('attempts_number_idx').execute();
  await db.schema.alterTable('attempts').dropColumn('number').execute();
}
