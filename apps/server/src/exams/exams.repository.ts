import { sql, type Kysely, type NotNull, type SelectQueryBuilder, type Transaction } from 'kysely';
import type { ExamStatus } from '@assay/contracts';
import type { Database } from '../platform/database-schema.ts';
import type { ExamsTable } from './exam.tables.ts';
import type { KeyedChoice, KeyedQuestion } from './keyed-question.ts';
import { isForeignKeyViolation } from '../platform/database-errors.ts';
import { keysetPage, whereSearchTextContains, type PageWindow } from '../platform/page-cursor.ts';

/** The database the exams and attempts repositories work on. */
export type ExamsDatabase = Database;

/** A stored exam row. */
export type ExamRow = ExamsTable;

/** The columns of an exam's public short form (no long description, no search text). */
const summaryColumns = [
  'id',
  'title',
  'description',
  'question_count',
  'max_score',
  'time_limit_minutes',
  'max_attempts',
  'pass_mark',
  'review_policy',
  'owner_name',
  'published_at',
] as const satisfies readonly (keyof ExamsTable)[];

/** An exam as the catalog lists it. */
export type ExamSummaryRow = Pick<ExamsTable, (typeof summaryColumns)[number]>;

/** An exam as its author's list shows it, with its number of graded attempts. */
export type AuthoredExamSummaryRow = ExamSummaryRow &
  Pick<ExamsTable, 'status' | 'created_at' | 'updated_at'> & { attempt_count: number };

/** A choice as stored, with its key. */
export interface ChoiceRecord extends KeyedChoice {
  readonly position: number;
}

/** A question as stored, with its choices in order. */
export interface QuestionRecord extends KeyedQuestion {
  readonly examId: string;
  readonly position: number;
  readonly choices: readonly ChoiceRecord[];
}

/** A question to write, with its choices in order. */
export type QuestionToWrite = Omit<KeyedQuestion, 'id'>;

/** Filters and window of an exam listing. */
export interface ExamListWindow extends PageWindow {
  readonly search?: string | undefined;
}

/** Changeable exam columns. */
export type ExamPatch = Partial<
  Omit<ExamsTable, 'id' | 'owner_subject' | 'owner_issuer' | 'created_at' | 'question_count'>
>;

/**
 * Exams, questions and choices. Every change to an exam's questions runs in one transaction
 * that first updates the exam row on the condition that it is a draft: that takes the row's
 * lock (PostgreSQL; SQLite serialises writers anyway), so concurrent edits of one exam queue up,
 * positions stay dense, and no edit lands in an exam that has just been published.
 */
export class ExamsRepository {
  readonly #db: Kysely<ExamsDatabase>;

  constructor(db: Kysely<ExamsDatabase>) {
    this.#db = db;
  }

  async insertExam(exam: ExamRow): Promise<void> {
    await this.#db.insertInto('exams').values(exam).execute();
  }

  /**
   * Inserts a complete exam with its questions unless an exam with its id exists (for seeding;
   * the fixed ids make concurrent seeding from several instances harmless). True if inserted.
   */
  async insertExamWithQuestions(
    exam: ExamRow,
    questions: readonly (QuestionToWrite & { readonly id: string })[],
  ): Promise<boolean> {
    return this.#db.transaction().execute(async (trx) => {
      const inserted = await trx
        .insertInto('exams')
        .values(exam)
        .onConflict((conflict) => conflict.column('id').doNothing())
        .returning('id')
        .executeTakeFirst();
      if (inserted === undefined) return false;
      for (const [index, question] of questions.entries()) {
        await insertQuestionRows(trx, exam.id, question.id, index + 1, question, exam.created_at);
      }
      await refreshQuestionTotals(trx, exam.id);
      return true;
    });
  }

  async countExams(): Promise<number> {
    const row = await this.#db
      .selectFrom('exams')
      .select((eb) => eb.fn.countAll<number>().as('count'))
      .executeTakeFirstOrThrow();
    return row.count;
  }

  async findExam(examId: string): Promise<ExamRow | undefined> {
    return this.#db.selectFrom('exams').selectAll().where('id', '=', examId).executeTakeFirst();
  }

  /** The exam's questions in position order, each with its choices in order. */
  async findQuestions(examId: string): Promise<QuestionRecord[]> {
    return findQuestionsWith(this.#db, examId);
  }

  /** Published exams, most recently published first, filtered by a case-insensitive search. */
  async listPublishedExams(window: ExamListWindow): Promise<ExamSummaryRow[]> {
    const query = this.#db
      .selectFrom('exams')
      .select(summaryColumns)
      .where('status', '=', 'published')
      .where('published_at', 'is not', null);
    return examListPage(query, 'published_at', window);
  }

  /**
   * An owner's exams in any status, newest first, each with its number of graded attempts
   * (submitted or expired, as `listGradedAttemptsOfExam` lists them) — counted in the same statement.
   */
  async listExamsOfOwner(
    owner: { readonly subject: string; readonly issuer: string },
    window: ExamListWindow,
  ): Promise<AuthoredExamSummaryRow[]> {
    const query = this.#db
      .selectFrom('exams')
      .select([...summaryColumns, 'status', 'created_at', 'updated_at'])
      // Correlated rather than a join on a grouped subquery: PostgreSQL would group every
      // attempt of every exam before joining, where this counts only the page's exams, each
      // along attempts_exam_idx.
      .select((eb) =>
        eb
          .selectFrom('attempts')
          .select((inner) => inner.fn.count<number>('attempts.id').as('count'))
          .whereRef('attempts.exam_id', '=', 'exams.id')
          .where('attempts.state', 'in', ['submitted', 'expired'])
          .where('attempts.submitted_at', 'is not', null)
          .as('attempt_count'),
      )
      .$narrowType<{ attempt_count: NotNull }>()
      .where('owner_subject', '=', owner.subject)
      .where('owner_issuer', '=', owner.issuer);
    return examListPage(query, 'created_at', window);
  }

  /** Applies `patch` if the exam's status is one of `inStatuses`; the updated row, or undefined. */
  async updateExam(
    examId: string,
    patch: ExamPatch,
    inStatuses: readonly ExamStatus[],
  ): Promise<ExamRow | undefined> {
    return this.#db
      .updateTable('exams')
      .set(patch)
      .where('id', '=', examId)
      .where('status', 'in', inStatuses)
      .returningAll()
      .executeTakeFirst();
  }

  /**
   * Moves an exam from `from` to `to` in one transaction: locks the row on the condition that
   * its status is `from`, then lets `check` see the questions (it throws to refuse, which rolls
   * back). The updated row, or undefined when the exam was not in status `from`.
   */
  async changeStatus(
    examId: string,
    from: ExamStatus,
    patch: ExamPatch & { status: ExamStatus },
    check: (questions: readonly QuestionRecord[]) => void = () => undefined,
  ): Promise<ExamRow | undefined> {
    return this.#db.transaction().execute(async (trx) => {
      const row = await trx
        .updateTable('exams')
        .set(patch)
        .where('id', '=', examId)
        .where('status', '=', from)
        .returningAll()
        .executeTakeFirst();
      if (row === undefined) return undefined;
      check(await findQuestionsWith(trx, examId));
      return row;
    });
  }

  async hasAttempts(examId: string): Promise<boolean> {
    const row = await this.#db
      .selectFrom('attempts')
      .select('id')
      .where('exam_id', '=', examId)
      .limit(1)
      .executeTakeFirst();
    return row !== undefined;
  }

  /**
   * Deletes the exam (questions and choices cascade) unless it has attempts, in which case it
   * is archived. Which one happened, or undefined if the exam does not exist.
   */
  async deleteOrArchiveExam(
    examId: string,
    now: string,
  ): Promise<'deleted' | 'archived' | undefined> {
    try {
      return await this.#deleteOrArchive(examId, now, 'delete_if_unattempted');
    } catch (error) {
      // A learner started an attempt between the check and the delete (PostgreSQL: the
      // attempt's foreign key check does not conflict with the exam row lock): archive instead.
      if (!isForeignKeyViolation(error)) throw error;
      return this.#deleteOrArchive(examId, now, 'archive');
    }
  }

  async #deleteOrArchive(
    examId: string,
    now: string,
    mode: 'delete_if_unattempted' | 'archive',
  ): Promise<'deleted' | 'archived' | undefined> {
    return this.#db.transaction().execute(async (trx) => {
      const locked = await trx
        .updateTable('exams')
        .set({ updated_at: now })
        .where('id', '=', examId)
        .returning(['status', 'archived_at'])
        .executeTakeFirst();
      if (locked === undefined) return undefined;
      const attempt = await trx
        .selectFrom('attempts')
        .select('id')
        .where('exam_id', '=', examId)
        .limit(1)
        .executeTakeFirst();
      if (attempt === undefined && mode === 'delete_if_unattempted') {
        await trx.deleteFrom('exams').where('id', '=', examId).execute();
        return 'deleted';
      }
      await trx
        .updateTable('exams')
        .set({ status: 'archived', archived_at: locked.archived_at ?? now })
        .where('id', '=', examId)
        .execute();
      return 'archived';
    });
  }

  /**
   * Adds a question at `position` (1-based; appended when undefined or past the end), shifting
   * later ones down. `'not_draft'` if the exam is not a draft, `'full'` if it already has
   * `maxQuestions`, else the new question's position.
   */
  async insertQuestion(
    examId: string,
    questionId: string,
    question: QuestionToWrite,
    position: number | undefined,
    maxQuestions: number,
    now: string,
  ): Promise<number | 'not_draft' | 'full'> {
    return this.#inDraft(examId, now, async (trx, exam) => {
      if (exam.question_count >= maxQuestions) return 'full';
      const at = Math.min(position ?? exam.question_count + 1, exam.question_count + 1);
      await trx
        .updateTable('questions')
        .set({ position: sql<number>`-position - 1` })
        .where('exam_id', '=', examId)
        .where('position', '>=', at)
        .execute();
      await unnegatePositions(trx, examId);
      await insertQuestionRows(trx, examId, questionId, at, question, now);
      await refreshQuestionTotals(trx, examId);
      return at;
    });
  }

  /** Replaces a question's fields and choices. `'not_draft'`, `'not_found'` or `'replaced'`. */
  async replaceQuestion(
    examId: string,
    questionId: string,
    question: QuestionToWrite,
    now: string,
  ): Promise<'not_draft' | 'not_found' | 'replaced'> {
    return this.#inDraft(examId, now, async (trx) => {
      const updated = await trx
        .updateTable('questions')
        .set({
          type: question.type,
          text: question.text,
          points: question.points,
          explanation: question.explanation,
          updated_at: now,
        })
        .where('id', '=', questionId)
        .where('exam_id', '=', examId)
        .returning('id')
        .executeTakeFirst();
      if (updated === undefined) return 'not_found';
      await trx.deleteFrom('choices').where('question_id', '=', questionId).execute();
      await insertChoiceRows(trx, questionId, question.choices);
      await refreshQuestionTotals(trx, examId);
      return 'replaced';
    });
  }

  /** Deletes a question and closes the gap. `'not_draft'`, `'not_found'` or `'deleted'`. */
  async deleteQuestion(
    examId: string,
    questionId: string,
    now: string,
  ): Promise<'not_draft' | 'not_found' | 'deleted'> {
    return this.#inDraft(examId, now, async (trx) => {
      const deleted = await trx
        .deleteFrom('questions')
        .where('id', '=', questionId)
        .where('exam_id', '=', examId)
        .returning('position')
        .executeTakeFirst();
      if (deleted === undefined) return 'not_found';
      await trx
        .updateTable('questions')
        .set({ position: sql<number>`-(position - 1)` })
        .where('exam_id', '=', examId)
        .where('position', '>', deleted.position)
        .execute();
      await unnegatePositions(trx, examId);
      await refreshQuestionTotals(trx, examId);
      return 'deleted';
    });
  }

  /**
   * Puts the exam's questions in the order of `questionIds`. `'not_draft'`; `'mismatch'` (with
   * the exam's ids) when the list is not exactly the exam's questions; or `'reordered'`.
   */
  async reorderQuestions(
    examId: string,
    questionIds: readonly string[],
    now: string,
  ): Promise<
    | { outcome: 'not_draft' }
    | { outcome: 'mismatch'; actualIds: string[] }
    | { outcome: 'reordered' }
  > {
    const reordered = await this.#inDraft(examId, now, async (trx) => {
      const existing = await trx
        .selectFrom('questions')
        .select('id')
        .where('exam_id', '=', examId)
        .execute();
      const actualIds = existing.map((row) => row.id);
      const wanted = new Set(questionIds);
      if (
        wanted.size !== questionIds.length ||
        actualIds.length !== wanted.size ||
        !actualIds.every((id) => wanted.has(id))
      ) {
        return { outcome: 'mismatch' as const, actualIds };
      }
      await trx
        .updateTable('questions')
        .set({ position: sql<number>`-position` })
        .where('exam_id', '=', examId)
        .execute();
      for (const [index, id] of questionIds.entries()) {
        await trx
          .updateTable('questions')
          .set({ position: index + 1, updated_at: now })
          .where('id', '=', id)
          .execute();
      }
      return { outcome: 'reordered' as const };
    });
    return reordered === 'not_draft' ? { outcome: reordered } : reordered;
  }

  /**
   * Runs `work` in a transaction that first locks the exam's row (touching `updated_at`), if the
   * exam is a draft; `'not_draft'`, with nothing done, if it is not.
   */
  async #inDraft<T>(
    examId: string,
    now: string,
    work: (trx: Transaction<ExamsDatabase>, exam: { question_count: number }) => Promise<T>,
  ): Promise<T | 'not_draft'> {
    return this.#db.transaction().execute(async (trx) => {
      const exam = await trx
        .updateTable('exams')
        .set({ updated_at: now })
        .where('id', '=', examId)
        .where('status', '=', 'draft')
        .returning('question_count')
        .executeTakeFirst();
      return exam === undefined ? 'not_draft' : work(trx, exam);
    });
  }
}

type Executor = Kysely<ExamsDatabase> | Transaction<ExamsDatabase>;

/** A page of an exam listing: `query` narrowed by the window's search, newest `sortKey` first. */
async function examListPage<O>(
  query: SelectQueryBuilder<ExamsDatabase, 'exams', O>,
  sortKey: 'published_at' | 'created_at',
  window: ExamListWindow,
): Promise<O[]> {
  const filtered = whereSearchTextContains(query, window.search);
  return keysetPage(filtered, { sortKey, id: 'id', direction: 'desc' }, window).execute();
}

/**
 * The second step of moving questions: the first gave the moved ones their new positions negated,
 * so that (exam_id, position) stays unique at every statement; this makes them positive again.
 */
async function unnegatePositions(trx: Transaction<ExamsDatabase>, examId: string): Promise<void> {
  await trx
    .updateTable('questions')
    .set({ position: sql<number>`-position` })
    .where('exam_id', '=', examId)
    .where('position', '<', 0)
    .execute();
}

async function insertQuestionRows(
  trx: Transaction<ExamsDatabase>,
  examId: string,
  questionId: string,
  position: number,
  question: QuestionToWrite,
  now: string,
): Promise<void> {
  await trx
    .insertInto('questions')
    .values({
      id: questionId,
      exam_id: examId,
      position,
      type: question.type,
      text: question.text,
      points: question.points,
      explanation: question.explanation,
      created_at: now,
      updated_at: now,
    })
    .execute();
  await insertChoiceRows(trx, questionId, question.choices);
}

async function insertChoiceRows(
  trx: Transaction<ExamsDatabase>,
  questionId: string,
  choices: QuestionToWrite['choices'],
): Promise<void> {
  if (choices.length === 0) return;
  await trx
    .insertInto('choices')
    .values(
      choices.map((choice, index) => ({
        id: choice.id,
        question_id: questionId,
        position: index + 1,
        text: choice.text,
        correct: choice.correct ? 1 : 0,
      })),
    )
    .execute();
}

async function refreshQuestionTotals(
  trx: Transaction<ExamsDatabase>,
  examId: string,
): Promise<void> {
  await trx
    .updateTable('exams')
    .set((eb) => ({
      question_count: eb
        .selectFrom('questions')
        .select((inner) => inner.fn.countAll<number>().as('count'))
        .where('exam_id', '=', examId),
      max_score: eb
        .selectFrom('questions')
        .select((inner) =>
          inner.fn.coalesce(inner.fn.sum<number>('points'), inner.lit(0)).as('sum'),
        )
        .where('exam_id', '=', examId),
    }))
    .where('id', '=', examId)
    .execute();
}

async function findQuestionsWith(db: Executor, examId: string): Promise<QuestionRecord[]> {
  const questions = await db
    .selectFrom('questions')
    .select(['id', 'exam_id', 'position', 'type', 'text', 'points', 'explanation'])
    .where('exam_id', '=', examId)
    .orderBy('position')
    .execute();
  if (questions.length === 0) return [];
  const choices = await db
    .selectFrom('choices')
    .innerJoin('questions', 'questions.id', 'choices.question_id')
    .select([
      'choices.id',
      'choices.question_id',
      'choices.position',
      'choices.text',
      'choices.correct',
    ])
    .where('questions.exam_id', '=', examId)
    .orderBy('choices.question_id')
    .orderBy('choices.position')
    .execute();
  const choicesByQuestion = new Map<string, ChoiceRecord[]>();
  for (const choice of choices) {
    const list = choicesByQuestion.get(choice.question_id) ?? [];
    list.push({
      id: choice.id,
      position: choice.position,
      text: choice.text,
      correct: choice.correct === 1,
    });
    choicesByQuestion.set(choice.question_id, list);
  }
  return questions.map((question) => ({
    id: question.id,
    examId: question.exam_id,
    position: question.position,
    type: question.type,
    text: question.text,
    points: question.points,
    explanation: question.explanation,
    choices: choicesByQuestion.get(question.id) ?? [],
  }));
}
