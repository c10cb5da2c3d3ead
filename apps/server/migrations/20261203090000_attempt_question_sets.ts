/*
 * Frozen questions move out of the attempt row.
 *
 * Until now every attempt carried its own copy of its questions with the answer key
 * (`attempts.questions_json`, about 10 KB for 20 questions) and, once graded, a second copy
 * inside its result (`result_json`). SQLite rewrites a whole row, overflow pages and all, on
 * every update, so each autosave's version bump and each submit wrote some 25 KB; 300 learners
 * sitting one exam stored its questions 600 times.
 *
 * Now:
 * - `question_sets` holds frozen question content (questions in the author's order, with the
 *   key), content-addressed: the id is the SHA-256 of the JSON, so the attempts at one version of
 *   an exam share one row, and a row never changes once written.
 * - `attempts.question_set_id` points at it and `attempts.question_order` holds the attempt's
 *   order as indexes into it: `[[questionIndex, choiceIndex, …], …]`.
 * - `result_json` keeps per question only what grading decided
 *   (`{"version":2,"questions":[{questionId, awardedPoints, answeredCorrectly,
 *   selectedChoiceIds}]}`, in the attempt's order); texts, the key and explanations come from the
 *   question set.
 *
 * Existing attempts get a set of their own questions, as stored (already in their order), with
 * the identity order; existing results are cut down to the new form.
 *
 * No `down`: SQLite cannot drop a column that takes part in a foreign key.
 */
import { createHash } from 'node:crypto';
import type { MigrationDatabase } from '../src/platform/migrations.ts';

// Kept here rather than imported: a migration must not change when application code does.
interface FrozenQuestion {
  id: string;
  choices: unknown[];
}

interface GradedV1 {
  questions?: {
    questionId: string;
    awardedPoints: number;
    answeredCorrectly: boolean;
    choices: { id: string; selected: boolean }[];
  }[];
}

function questionSetId(json: string): string {
  return createHash('sha256').update(json).digest('base64url');
}

function identityOrder(questions: readonly FrozenQuestion[]): string {
  return JSON.stringify(
    questions.map((question, index) => [index, ...question.choices.map((_, choice) => choice)]),
  );
}

function compactResult(json: string | null): string | null {
  if (json === null) return null;
  const graded = JSON.parse(json) as GradedV1;
  return JSON.stringify({
    version: 2,
    questions: (graded.questions ?? []).map((question) => ({
      questionId: question.questionId,
      awardedPoints: question.awardedPoints,
      answeredCorrectly: question.answeredCorrectly,
      selectedChoiceIds: question.choices
        .filter((choice) => choice.selected)
        .map((choice) => choice.id),
    })),
  });
}

const batchSize = 200;

export async function up(db: MigrationDatabase): Promise<void> {
  await db.schema
    .createTable('question_sets')
    .addColumn('id', 'text', (column) => column.primaryKey())
    .addColumn('questions_json', 'text', (column) => column.notNull())
    .addColumn('created_at', 'text', (column) => column.notNull())
    .execute();
  // Nullable only because SQLite cannot add a NOT NULL column without a default; every row
  // gets both below, and the application always writes them.
  await db.schema
    .alterTable('attempts')
    .addColumn('question_set_id', 'text', (column) => column.references('question_sets.id'))
    .execute();
  await db.schema.alterTable('attempts').addColumn('question_order', 'text').execute();

  let after = '';
  for (;;) {
    const rows = (await db
      .selectFrom('attempts')
      .select(['id', 'questions_json', 'result_json', 'started_at'])
      .where('id', '>', after)
      .orderBy('id')
      .limit(batchSize)
      .execute()) as {
      id: string;
      questions_json: string;
      result_json: string | null;
      started_at: string;
    }[];
    for (const row of rows) {
      const questions = JSON.parse(row.questions_json) as FrozenQuestion[];
      const json = JSON.stringify(questions);
      const setId = questionSetId(json);
      await db
        .insertInto('question_sets')
        .values({ id: setId, questions_json: json, created_at: row.started_at })
        .onConflict((conflict) => conflict.column('id').doNothing())
        .execute();
      await db
        .updateTable('attempts')
        .set({
          question_set_id: setId,
          question_order: identityOrder(questions),
          result_json: compactResult(row.result_json),
        })
        .where('id', '=', row.id)
        .execute();
    }
    if (rows.length < batchSize) break;
    after = rows.at(-1)?.id ?? after;
  }

  await db.schema.alterTable('attempts').dropColumn('questions_json').execute();
}
