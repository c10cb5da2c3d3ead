import { sql, type Kysely } from 'kysely';
import { isForeignKeyViolation, type ExamsDatabase } from '../exams/exams.repository.ts';
import type { PagePosition } from '../exams/page-cursor.ts';
import type { AttemptsTable } from './attempt.tables.ts';

/** A stored attempt row. */
export type AttemptRow = AttemptsTable;

/** A learner, as identified by their token. */
export interface Learner {
  readonly subject: string;
  readonly issuer: string;
}

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

/** An attempt with its exam's title, for histories. */
export type AttemptWithExamTitle = AttemptRow & { exam_title: string };

/**
 * Attempts and their answers. Every write to an in-progress attempt starts by bumping its
 * `version` on the condition `state = 'in_progress'`: on PostgreSQL that takes the row lock,
 * so a save, a submit and an expiry of the same attempt run one after the other and whoever
 * comes second sees the state the first one left (SQLite serialises writers anyway). This is
 * what makes a second submit fail instead of scoring twice, and keeps a save from slipping in
 * after grading.
 */
export class AttemptsRepository {
  readonly #db: Kysely<ExamsDatabase>;

  constructor(db: Kysely<ExamsDatabase>) {
    this.#db = db;
  }

  async findAttempt(attemptId: string): Promise<AttemptRow | undefined> {
    return this.#db
      .selectFrom('attempts')
      .selectAll()
      .where('id', '=', attemptId)
      .executeTakeFirst();
  }

  async findInProgressAttempt(examId: string, learner: Learner): Promise<AttemptRow | undefined> {
    return this.#db
      .selectFrom('attempts')
      .selectAll()
      .where('exam_id', '=', examId)
      .where('learner_subject', '=', learner.subject)
      .where('learner_issuer', '=', learner.issuer)
      .where('state', '=', 'in_progress')
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
   * Inserts a new in-progress attempt unless the learner already has one at the exam (the
   * partial unique index decides, so two concurrent starts cannot both succeed):
   * `'in_progress'` when they have one, `'exam_gone'` when the exam has just been deleted.
   */
  async insertAttemptUnlessInProgress(
    attempt: AttemptRow,
  ): Promise<'inserted' | 'in_progress' | 'exam_gone'> {
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
      throw error;
    }
  }

  async findAnswers(attemptId: string): Promise<StoredAnswer[]> {
    const rows = await this.#db
      .selectFrom('attempt_answers')
      .select(['question_id', 'choice_ids', 'revision'])
      .where('attempt_id', '=', attemptId)
      .execute();
    return rows.map(toStoredAnswer);
  }

  /**
   * Saves answers while the attempt is in progress: per question, an answer replaces the stored
   * one only if its revision is higher. All of the attempt's answers after the write, or
   * `'closed'` when the attempt is no longer in progress (nothing written).
   */
  async saveAnswers(
    attemptId: string,
    answers: readonly StoredAnswer[],
    now: string,
  ): Promise<StoredAnswer[] | 'closed'> {
    return this.#db.transaction().execute(async (trx) => {
      const locked = await trx
        .updateTable('attempts')
        .set((eb) => ({ version: eb('version', '+', 1), updated_at: now }))
        .where('id', '=', attemptId)
        .where('state', '=', 'in_progress')
        .returning('id')
        .executeTakeFirst();
      if (locked === undefined) return 'closed';
      for (const answer of answers) {
        await trx
          .insertInto('attempt_answers')
          .values({
            attempt_id: attemptId,
            question_id: answer.questionId,
            choice_ids: JSON.stringify(answer.choiceIds),
            revision: answer.revision,
            updated_at: now,
          })
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
      const rows = await trx
        .selectFrom('attempt_answers')
        .select(['question_id', 'choice_ids', 'revision'])
        .where('attempt_id', '=', attemptId)
        .execute();
      return rows.map(toStoredAnswer);
    });
  }

  /**
   * Closes an in-progress attempt exactly once: locks it on `state = 'in_progress'`, reads the
   * saved answers, lets `grade` turn them into the closing, and writes it — all in one
   * transaction. The closed row, or undefined if the attempt was not in progress (someone else
   * closed it first).
   */
  async closeAttempt(
    attemptId: string,
    now: string,
    grade: (answers: readonly StoredAnswer[]) => AttemptClosing,
  ): Promise<AttemptRow | undefined> {
    return this.#db.transaction().execute(async (trx) => {
      const locked = await trx
        .updateTable('attempts')
        .set((eb) => ({ version: eb('version', '+', 1), updated_at: now }))
        .where('id', '=', attemptId)
        .where('state', '=', 'in_progress')
        .returning('id')
        .executeTakeFirst();
      if (locked === undefined) return undefined;
      const answers = await trx
        .selectFrom('attempt_answers')
        .select(['question_id', 'choice_ids', 'revision'])
        .where('attempt_id', '=', attemptId)
        .execute();
      const closing = grade(answers.map(toStoredAnswer));
      return trx
        .updateTable('attempts')
        .set({
          state: closing.state,
          submitted_at: closing.submittedAt,
          score: closing.score,
          max_score: closing.maxScore,
          passed: closing.passed ? 1 : 0,
          result_json: closing.resultJson,
        })
        .where('id', '=', attemptId)
        .returningAll()
        .executeTakeFirstOrThrow();
    });
  }

  /**
   * In-progress attempts whose deadline is strictly before `before` (ISO text), oldest deadline
   * first, optionally only a learner's or an exam's.
   */
  async findOverdueAttempts(
    before: string,
    limit: number,
    scope: { readonly learner?: Learner; readonly examId?: string } = {},
  ): Promise<{ id: string; exam_id: string; deadline: string }[]> {
    let query = this.#db
      .selectFrom('attempts')
      .select(['id', 'exam_id', 'deadline'])
      .where('state', '=', 'in_progress')
      .where('deadline', 'is not', null)
      .where('deadline', '<', before);
    if (scope.learner !== undefined) {
      query = query
        .where('learner_subject', '=', scope.learner.subject)
        .where('learner_issuer', '=', scope.learner.issuer);
    }
    if (scope.examId !== undefined) query = query.where('exam_id', '=', scope.examId);
    const rows = await query.orderBy('deadline').limit(limit).execute();
    return rows.map((row) => ({ id: row.id, exam_id: row.exam_id, deadline: row.deadline ?? '' }));
  }

  /** A learner's attempts at any exam, newest first, keyset-paginated on (started_at, id). */
  async listLearnerAttempts(
    learner: Learner,
    limit: number,
    after: PagePosition | undefined,
  ): Promise<AttemptWithExamTitle[]> {
    let query = this.#db
      .selectFrom('attempts')
      .innerJoin('exams', 'exams.id', 'attempts.exam_id')
      .selectAll('attempts')
      .select('exams.title as exam_title')
      .where('attempts.learner_subject', '=', learner.subject)
      .where('attempts.learner_issuer', '=', learner.issuer);
    if (after !== undefined) {
      query = query.where((eb) =>
        eb.or([
          eb('attempts.started_at', '<', after.sortKey),
          eb.and([eb('attempts.started_at', '=', after.sortKey), eb('attempts.id', '<', after.id)]),
        ]),
      );
    }
    return query
      .orderBy('attempts.started_at', 'desc')
      .orderBy('attempts.id', 'desc')
      .limit(limit)
      .execute();
  }

  /** An exam's graded attempts, most recently ended first, keyset on (submitted_at, id). */
  async listGradedAttemptsOfExam(
    examId: string,
    limit: number,
    after: PagePosition | undefined,
  ): Promise<AttemptRow[]> {
    let query = this.#db
      .selectFrom('attempts')
      .selectAll()
      .where('exam_id', '=', examId)
      .where('state', 'in', ['submitted', 'expired'])
      .where('submitted_at', 'is not', null);
    if (after !== undefined) {
      query = query.where((eb) =>
        eb.or([
          eb('submitted_at', '<', after.sortKey),
          eb.and([eb('submitted_at', '=', after.sortKey), eb('id', '<', after.id)]),
        ]),
      );
    }
    return query.orderBy('submitted_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
  }
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
