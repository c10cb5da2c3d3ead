import { sql } from 'kysely';
import type { MigrationDatabase } from '../src/platform/migrations.ts';

/*
 * Exams, their questions and choices, attempts and saved answers. Runs on SQLite and
 * PostgreSQL: text UUIDs, ISO-8601 text timestamps, integer 0/1 booleans, JSON as text.
 */
export async function up(db: MigrationDatabase): Promise<void> {
  await db.schema
    .createTable('exams')
    .addColumn('id', 'text', (column) => column.primaryKey())
    .addColumn('owner_subject', 'text', (column) => column.notNull())
    .addColumn('owner_issuer', 'text', (column) => column.notNull())
    .addColumn('owner_name', 'text')
    .addColumn('title', 'text', (column) => column.notNull())
    .addColumn('description', 'text', (column) => column.notNull().defaultTo(''))
    .addColumn('long_description', 'text', (column) => column.notNull().defaultTo(''))
    .addColumn('search_text', 'text', (column) => column.notNull().defaultTo(''))
    .addColumn('status', 'text', (column) =>
      column.notNull().check(sql`status in ('draft', 'published', 'archived')`),
    )
    .addColumn('time_limit_minutes', 'integer', (column) =>
      column.check(sql`time_limit_minutes > 0`),
    )
    .addColumn('max_attempts', 'integer', (column) => column.check(sql`max_attempts > 0`))
    .addColumn('pass_mark', 'integer', (column) =>
      column.notNull().check(sql`pass_mark between 0 and 100`),
    )
    .addColumn('shuffle_questions', 'integer', (column) => column.notNull().defaultTo(0))
    .addColumn('shuffle_choices', 'integer', (column) => column.notNull().defaultTo(0))
    .addColumn('review_policy', 'text', (column) =>
      column
        .notNull()
        .check(sql`review_policy in ('score_only', 'show_correctness', 'show_answers')`),
    )
    .addColumn('question_count', 'integer', (column) => column.notNull().defaultTo(0))
    .addColumn('max_score', 'integer', (column) => column.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (column) => column.notNull())
    .addColumn('updated_at', 'text', (column) => column.notNull())
    .addColumn('published_at', 'text')
    .addColumn('archived_at', 'text')
    .execute();
  // The public catalog: published exams, newest first, keyset-paginated on (published_at, id).
  await db.schema
    .createIndex('exams_catalog_idx')
    .on('exams')
    .columns(['status', 'published_at', 'id'])
    .execute();
  // An author's exams, newest first, keyset-paginated on (created_at, id).
  await db.schema
    .createIndex('exams_owner_idx')
    .on('exams')
    .columns(['owner_subject', 'owner_issuer', 'created_at', 'id'])
    .execute();

  await db.schema
    .createTable('questions')
    .addColumn('id', 'text', (column) => column.primaryKey())
    .addColumn('exam_id', 'text', (column) =>
      column.notNull().references('exams.id').onDelete('cascade'),
    )
    .addColumn('position', 'integer', (column) => column.notNull())
    .addColumn('type', 'text', (column) =>
      column.notNull().check(sql`type in ('single_choice', 'multiple_choice', 'true_false')`),
    )
    .addColumn('text', 'text', (column) => column.notNull())
    .addColumn('points', 'integer', (column) => column.notNull().check(sql`points > 0`))
    .addColumn('explanation', 'text', (column) => column.notNull().defaultTo(''))
    .addColumn('created_at', 'text', (column) => column.notNull())
    .addColumn('updated_at', 'text', (column) => column.notNull())
    .execute();
  await db.schema
    .createIndex('questions_exam_position_idx')
    .on('questions')
    .columns(['exam_id', 'position'])
    .unique()
    .execute();

  await db.schema
    .createTable('choices')
    .addColumn('id', 'text', (column) => column.primaryKey())
    .addColumn('question_id', 'text', (column) =>
      column.notNull().references('questions.id').onDelete('cascade'),
    )
    .addColumn('position', 'integer', (column) => column.notNull())
    .addColumn('text', 'text', (column) => column.notNull())
    .addColumn('correct', 'integer', (column) => column.notNull().check(sql`correct in (0, 1)`))
    .execute();
  await db.schema
    .createIndex('choices_question_position_idx')
    .on('choices')
    .columns(['question_id', 'position'])
    .unique()
    .execute();

  await db.schema
    .createTable('attempts')
    .addColumn('id', 'text', (column) => column.primaryKey())
    // No cascade: an exam with attempts is archived, never deleted.
    .addColumn('exam_id', 'text', (column) => column.notNull().references('exams.id'))
    .addColumn('learner_subject', 'text', (column) => column.notNull())
    .addColumn('learner_issuer', 'text', (column) => column.notNull())
    .addColumn('learner_name', 'text')
    .addColumn('state', 'text', (column) =>
      column.notNull().check(sql`state in ('in_progress', 'submitted', 'expired')`),
    )
    .addColumn('seed', 'integer', (column) => column.notNull())
    // The questions as this attempt shows them, in its order, with the answer key (JSON): taken
    // at the start, so later edits of the exam (after unpublishing) or of its shuffle settings
    // never change an attempt under way or its grading.
    .addColumn('questions_json', 'text', (column) => column.notNull())
    .addColumn('started_at', 'text', (column) => column.notNull())
    .addColumn('deadline', 'text')
    .addColumn('submitted_at', 'text')
    .addColumn('score', 'integer')
    .addColumn('max_score', 'integer')
    .addColumn('passed', 'integer')
    .addColumn('result_json', 'text')
    .addColumn('version', 'integer', (column) => column.notNull().defaultTo(0))
    .addColumn('updated_at', 'text', (column) => column.notNull())
    .execute();
  // At most one in-progress attempt per learner and exam, whatever the concurrency.
  await db.schema
    .createIndex('attempts_one_in_progress_idx')
    .on('attempts')
    .columns(['exam_id', 'learner_subject', 'learner_issuer'])
    .unique()
    .where(sql.ref('state'), '=', sql.lit('in_progress'))
    .execute();
  // A learner's history (and their attempt count per exam), newest first.
  await db.schema
    .createIndex('attempts_learner_idx')
    .on('attempts')
    .columns(['learner_subject', 'learner_issuer', 'started_at', 'id'])
    .execute();
  // An exam's attempts for its author, most recently ended first.
  await db.schema
    .createIndex('attempts_exam_idx')
    .on('attempts')
    .columns(['exam_id', 'submitted_at', 'id'])
    .execute();
  // The sweep of overdue attempts.
  await db.schema
    .createIndex('attempts_overdue_idx')
    .on('attempts')
    .column('deadline')
    .where(sql.ref('state'), '=', sql.lit('in_progress'))
    .execute();

  await db.schema
    .createTable('attempt_answers')
    .addColumn('attempt_id', 'text', (column) =>
      column.notNull().references('attempts.id').onDelete('cascade'),
    )
    // Deliberately no foreign key: a question deleted later must not delete saved answers;
    // grading ignores answers to questions that no longer exist.
    .addColumn('question_id', 'text', (column) => column.notNull())
    .addColumn('choice_ids', 'text', (column) => column.notNull())
    // bigint: clients may use large counters such as Date.now().
    .addColumn('revision', 'bigint', (column) => column.notNull())
    .addColumn('updated_at', 'text', (column) => column.notNull())
    .addPrimaryKeyConstraint('attempt_answers_pk', ['attempt_id', 'question_id'])
    .execute();
}

export async function down(db: MigrationDatabase): Promise<void> {
  await db.schema.dropTable('attempt_answers').execute();
  await db.schema.dropTable('attempts').execute();
  await db.schema.dropTable('choices').execute();
  await db.schema.dropTable('questions').execute();
  await db.schema.dropTable('exams').execute();
}
