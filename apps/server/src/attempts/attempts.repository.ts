import { sql, type Kysely } from 'kysely';
import type { ReviewPolicy } from '@assay/contracts';
import type { Database } from '../platform/database-schema.ts';
import { isForeignKeyViolation, isUniqueViolation } from '../platform/database-errors.ts';
import { keysetPage, type PageWindow } from '../platform/page-cursor.ts';
import type { Principal } from '../platform/principal.ts';
import { preparedQuery } from '../platform/prepared-query.ts';
import type { QuestionSetStore } from './attempt-questions.ts';
import type { AttemptsTable } from './attempt.tables.ts';

// Written into the SQL, not bound: SQLite uses a partial index (`… where state = 'in_progress'`)
// only when it sees the value as it plans, so with a bound value it planned the statement again
// at every run (the start of every attempt did).
const inProgress = sql.lit<'in_progress'>('in_progress');

// The columns of `attempts_number_idx`, as SQLite names them in a violation.
const numberColumns = ['exam_id', 'learner_subject', 'learner_issuer', 'number'].map(
  (column) => `attempts.${column}`,
);

/** A stored attempt row. */
export type AttemptRow = AttemptsTable;

/** A learner: the principal's identity, all an attempt records of them. */
type Learner = Pick<Principal, 'subject' | 'issuer'>;

/** A saved answer as stored. */
export interface StoredAnswer {
  readonly questionId: string;
  readonly choiceIds: string[];
  readonly revision: number;
}

/** What closing an attempt writes. */
export interface AttemptClosing {
  readonly state: 'submitted' | 'expired';
  readonly submittedAt: string;
  readonly score: number;
  readonly maxScore: number;
  readonly passed: boolean;
  readonly resultJson: string;
}

/**
 * An attempt with what the learner-facing paths need of its exam, read in the same statement:
 * the title and max attempts for views, the pass mark for grading, the review policy for results.
 */
export type AttemptWithExam = AttemptRow & {
  exam_title: string;
  exam_pass_mark: number;
  exam_review_policy: ReviewPolicy;
  exam_max_attempts: number | null;
};

/** A row of a learner's history: no questions, no answer key, no graded snapshot. */
export type LearnerAttemptRow = Pick<
  AttemptRow,
  | 'id'
  | 'exam_id'
  | 'number'
  | 'state'
  | 'started_at'
  | 'deadline'
  | 'submitted_at'
  | 'score'
  | 'max_score'
  | 'passed'
> & { exam_title: string };

/** A row of an exam's results for its author: no questions, no answer key, no snapshot. */
export type GradedAttemptRow = Pick<
  AttemptRow,
  | 'id'
  | 'learner_subject'
  | 'learner_issuer'
  | 'learner_name'
  | 'number'
  | 'state'
  | 'started_at'
  | 'submitted_at'
  | 'updated_at'
  | 'score'
  | 'max_score'
  | 'passed'
>;

/**
 * Attempts and their answers.
 *
 * Every write to an in-progress attempt bumps its `version` on the condition
 * `state = 'in_progress'`. A save does that as the first statement of its transaction, which
 * on PostgreSQL takes the row lock (SQLite serialises writers anyway), so saves of one attempt
 * queue up and none lands after grading. Closing (submit, expiry) is optimistic: it reads the
 * attempt and its answers, grades them, and writes the grade on the condition that `version`
 * is still the one it read — any save or close in between makes that write miss, and the
 * caller retries under the row lock (`closeAttemptLocked`). That is what makes a second submit
 * fail instead of scoring twice, keeps a save from slipping in after grading, and keeps the
 * common submit to three statements without an explicit transaction.
 */
export class AttemptsRepository implements QuestionSetStore {
  readonly #db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  async saveQuestionSet(id: string, json: string, createdAt: string): Promise<void> {
    await this.#db
      .insertInto('question_sets')
      .values({ id, questions_json: json, created_at: createdAt })
      .onConflict((conflict) => conflict.column('id').doNothing())
      .execute();
  }

  async findQuestionSet(id: string): Promise<string | undefined> {
    const row = await this.#db
      .selectFrom('question_sets')
      .select('questions_json')
      .where('id', '=', id)
      .executeTakeFirst();
    return row?.questions_json;
  }

  /** The attempt with its exam's title, pass mark and review policy (one statement). */
  async findAttempt(attemptId: string): Promise<AttemptWithExam | undefined> {
    return (await findAttemptQuery(this.#db, { attemptId })).rows[0];
  }

  async findInProgressAttempt(
    examId: string,
    learner: Learner,
  ): Promise<AttemptWithExam | undefined> {
    return attemptsWithExam(this.#db)
      .where('attempts.exam_id', '=', examId)
      .where('attempts.learner_subject', '=', learner.subject)
      .where('attempts.learner_issuer', '=', learner.issuer)
      .where('attempts.state', '=', inProgress)
      .executeTakeFirst();
  }

  /** Attempts of any state the learner has started at the exam. */
  async countAttempts(examId: string, learner: Learner): Promise<number> {
    const row = await this.#db
      .selectFrom('attempts')
      .select((eb) => eb.fn.countAll<number>().as('count'))
      .where('learner_subject', '=', learner.subject)
      .where('learner_issuer', '=', learner.issuer)
      .where('exam_id', '=', examId)
      .executeTakeFirstOrThrow();
    return row.count;
  }

  /**
   * Inserts a new in-progress attempt unless the learner already has one at the exam, or one with
   * its number (the unique indexes decide, so of two concurrent starts only one succeeds):
   * `'in_progress'` when they have one in progress, `'number_taken'` when another start took the
   * number, `'exam_gone'` when the exam has just been deleted.
   */
  async insertAttemptUnlessInProgress(
    attempt: AttemptRow,
  ): Promise<'inserted' | 'in_progress' | 'number_taken' | 'exam_gone'> {
    try {
      const inserted = await this.#db
        .insertInto('attempts')
        .values(attempt)
        .onConflict((conflict) =>
          conflict
            .columns(['exam_id', 'learner_subject', 'learner_issuer'])
            // A literal, not a parameter: the engine must match it to the index's predicate.
            .where(sql<boolean>`state = 'in_progress'`)
            .doNothing(),
        )
        .returning('id')
        .executeTakeFirst();
      return inserted === undefined ? 'in_progress' : 'inserted';
    } catch (error) {
      if (isForeignKeyViolation(error)) return 'exam_gone';
      if (isUniqueViolation(error, 'attempts_number_idx', numberColumns)) return 'number_taken';
      throw error;
    }
  }

  async findAnswers(attemptId: string): Promise<StoredAnswer[]> {
    return (await findAnswersQuery(this.#db, { attemptId })).rows.map(toStoredAnswer);
  }

  /**
   * Saves answers (at most one per question) while the attempt is in progress: per question,
   * an answer replaces the stored one only if its revision is higher. All of the attempt's
   * answers after the write, or `'closed'` when the attempt is no longer in progress (nothing
   * written).
   */
  async saveAnswers(
    attemptId: string,
    answers: readonly StoredAnswer[],
    now: string,
  ): Promise<StoredAnswer[] | 'closed'> {
    return this.#db.transaction().execute(async (trx) => {
      if (!(await lockInProgress(trx, attemptId, now))) return 'closed';
      if (answers.length > 0) {
        // One statement for the whole request; the per-row condition keeps the newest revision.
        await trx
          .insertInto('attempt_answers')
          .values(
            answers.map((answer) => ({
              attempt_id: attemptId,
              question_id: answer.questionId,
              choice_ids: JSON.stringify(answer.choiceIds),
              revision: answer.revision,
              updated_at: now,
            })),
          )
          .onConflict((conflict) =>
            conflict
              .columns(['attempt_id', 'question_id'])
              .doUpdateSet((eb) => ({
                choice_ids: eb.ref('excluded.choice_ids'),
                revision: eb.ref('excluded.revision'),
                updated_at: eb.ref('excluded.updated_at'),
              }))
              .whereRef('attempt_answers.revision', '<', 'excluded.revision'),
          )
          .execute();
      }
      return answersIn(trx, attemptId);
    });
  }

  /**
   * Writes `closing` if the attempt is still in progress at `version` (the one its answers were
   * graded at). False when anything changed it since: a save, or another close.
   */
  async closeAttemptAtVersion(
    attemptId: string,
    version: number,
    closing: AttemptClosing,
    now: string,
  ): Promise<boolean> {
    const result = await closeAtVersionQuery(this.#db, {
      ...closingColumns(closing),
      nextVersion: version + 1,
      now,
      attemptId,
      version,
    });
    return (result.numAffectedRows ?? 0n) > 0n;
  }

  /**
   * Closes an in-progress attempt exactly once under its row lock: locks it on
   * `state = 'in_progress'`, reads the saved answers, lets `grade` turn them into the closing,
   * and writes it — all in one transaction. The closing written, or undefined if the attempt
   * was not in progress (someone else closed it first).
   */
  async closeAttemptLocked(
    attemptId: string,
    now: string,
    grade: (answers: readonly StoredAnswer[]) => AttemptClosing,
  ): Promise<AttemptClosing | undefined> {
    return this.#db.transaction().execute(async (trx) => {
      if (!(await lockInProgress(trx, attemptId, now))) return undefined;
      const closing = grade(await answersIn(trx, attemptId));
      await trx
        .updateTable('attempts')
        .set(closingColumns(closing))
        .where('id', '=', attemptId)
        .execute();
      return closing;
    });
  }

  /**
   * In-progress attempts whose deadline is strictly before `before` (ISO text), oldest deadline
   * first, optionally only a learner's or an exam's; each with its exam's facts, ready to close.
   */
  async findOverdueAttempts(
    before: string,
    limit: number,
    scope: { readonly learner?: Learner; readonly examId?: string } = {},
  ): Promise<AttemptWithExam[]> {
    let query = attemptsWithExam(this.#db)
      .where('attempts.state', '=', inProgress)
      .where('attempts.deadline', 'is not', null)
      .where('attempts.deadline', '<', before);
    if (scope.learner !== undefined) {
      query = query
        .where('attempts.learner_subject', '=', scope.learner.subject)
        .where('attempts.learner_issuer', '=', scope.learner.issuer);
    }
    if (scope.examId !== undefined) query = query.where('attempts.exam_id', '=', scope.examId);
    return query.orderBy('attempts.deadline').limit(limit).execute();
  }

  /** A learner's attempts at any exam, newest first, keyset-paginated on (started_at, id). */
  async listLearnerAttempts(learner: Learner, window: PageWindow): Promise<LearnerAttemptRow[]> {
    const query = this.#db
      .selectFrom('attempts')
      .innerJoin('exams', 'exams.id', 'attempts.exam_id')
      .select([
        'attempts.id',
        'attempts.exam_id',
        'attempts.number',
        'attempts.state',
        'attempts.started_at',
        'attempts.deadline',
        'attempts.submitted_at',
        'attempts.score',
        'attempts.max_score',
        'attempts.passed',
        'exams.title as exam_title',
      ])
      .where('attempts.learner_subject', '=', learner.subject)
      .where('attempts.learner_issuer', '=', learner.issuer);
    const keyset = {
      sortKey: 'attempts.started_at',
      id: 'attempts.id',
      direction: 'desc',
    } as const;
    return keysetPage(query, keyset, window).execute();
  }

  /** An exam's graded attempts, most recently ended first, keyset on (submitted_at, id). */
  async listGradedAttemptsOfExam(examId: string, window: PageWindow): Promise<GradedAttemptRow[]> {
    const query = this.#db
      .selectFrom('attempts')
      .select([
        'id',
        'learner_subject',
        'learner_issuer',
        'learner_name',
        'number',
        'state',
        'started_at',
        'submitted_at',
        'updated_at',
        'score',
        'max_score',
        'passed',
      ])
      .where('exam_id', '=', examId)
      .where('state', 'in', ['submitted', 'expired'])
      .where('submitted_at', 'is not', null);
    return keysetPage(
      query,
      { sortKey: 'submitted_at', id: 'id', direction: 'desc' },
      window,
    ).execute();
  }
}

/**
 * Takes the row lock of an in-progress attempt for the transaction `trx`, bumping its version so
 * concurrent graders notice; false (nothing written) when the attempt is not in progress.
 */
async function lockInProgress(
  trx: Kysely<Database>,
  attemptId: string,
  now: string,
): Promise<boolean> {
  const locked = await trx
    .updateTable('attempts')
    .set((eb) => ({ version: eb('version', '+', 1), updated_at: now }))
    .where('id', '=', attemptId)
    .where('state', '=', inProgress)
    .returning('id')
    .executeTakeFirst();
  return locked !== undefined;
}

/** The attempt's saved answers as `trx` sees them. */
async function answersIn(trx: Kysely<Database>, attemptId: string): Promise<StoredAnswer[]> {
  const rows = await trx
    .selectFrom('attempt_answers')
    .select(['question_id', 'choice_ids', 'revision'])
    .where('attempt_id', '=', attemptId)
    .execute();
  return rows.map(toStoredAnswer);
}

function attemptsWithExam(db: Kysely<Database>) {
  return db
    .selectFrom('attempts')
    .innerJoin('exams', 'exams.id', 'attempts.exam_id')
    .selectAll('attempts')
    .select([
      'exams.title as exam_title',
      'exams.pass_mark as exam_pass_mark',
      'exams.review_policy as exam_review_policy',
      'exams.max_attempts as exam_max_attempts',
    ]);
}

// The statements of the busy paths (reading, saving, submitting), compiled once.
const findAttemptQuery = preparedQuery((db: Kysely<Database>, params: { attemptId: string }) =>
  attemptsWithExam(db).where('attempts.id', '=', params.attemptId),
);

const findAnswersQuery = preparedQuery((db: Kysely<Database>, params: { attemptId: string }) =>
  db
    .selectFrom('attempt_answers')
    .select(['question_id', 'choice_ids', 'revision'])
    .where('attempt_id', '=', params.attemptId),
);

const closeAtVersionQuery = preparedQuery(
  (
    db: Kysely<Database>,
    params: ReturnType<typeof closingColumns> & {
      nextVersion: number;
      now: string;
      attemptId: string;
      version: number;
    },
  ) =>
    db
      .updateTable('attempts')
      .set({
        state: params.state,
        submitted_at: params.submitted_at,
        score: params.score,
        max_score: params.max_score,
        passed: params.passed,
        result_json: params.result_json,
        version: params.nextVersion,
        updated_at: params.now,
      })
      .where('id', '=', params.attemptId)
      .where('state', '=', inProgress)
      .where('version', '=', params.version),
);

/** The attempt columns a closing sets (the write, and the row callers show afterwards). */
export function closingColumns(closing: AttemptClosing) {
  return {
    state: closing.state,
    submitted_at: closing.submittedAt,
    score: closing.score,
    max_score: closing.maxScore,
    passed: closing.passed ? 1 : 0,
    result_json: closing.resultJson,
  };
}

function toStoredAnswer(row: {
  question_id: string;
  choice_ids: string;
  revision: number;
}): StoredAnswer {
  const parsed: unknown = JSON.parse(row.choice_ids);
  const choiceIds = Array.isArray(parsed)
    ? parsed.filter((id): id is string => typeof id === 'string')
    : [];
  return { questionId: row.question_id, choiceIds, revision: row.revision };
}
