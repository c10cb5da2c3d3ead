import { randomUUID } from 'node:crypto';
import {
  DEFAULT_EXAM_SETTINGS,
  EXAM_LIMITS,
  type AuthoredExamPage,
  type AuthoredExamSummary,
  type AuthorQuestion,
  type CreateExamBody,
  type Exam,
  type ExamDetail,
  type ExamSettings,
  type ExamSummary,
  type ExamSummaryPage,
  type ListExamsQuery,
  type QuestionBody,
  type ReorderQuestionsBody,
  type UpdateExamBody,
} from '@assay/contracts';
import {
  examNotEditable,
  examNotFound,
  invalidStatusTransition,
  questionLimitReached,
  questionNotFound,
  questionOrderMismatch,
} from './exam-errors.ts';
import {
  MAX_QUESTIONS_PER_EXAM,
  assertDetailsEditable,
  assertPublishable,
  assertTransition,
} from './exam-rules.ts';
import type {
  AuthoredExamSummaryRow,
  ExamPatch,
  ExamRow,
  ExamSummaryRow,
  ExamsRepository,
  QuestionRecord,
  QuestionToWrite,
} from './exams.repository.ts';
import { keyedQuestion } from './keyed-question.ts';
import { systemClock, type Clock } from '../platform/clock.ts';
import { readPage } from '../platform/page-cursor.ts';
import type { Principal } from '../platform/principal.ts';

/** Admins (`manage:users`) act on every exam. */
export function isAdmin(actor: Principal): boolean {
  return actor.permissions.includes('manage:users');
}

/** Whether `actor` owns the exam or is an admin. */
export function canManageExam(actor: Principal, exam: ExamRow): boolean {
  return (
    isAdmin(actor) || (exam.owner_subject === actor.subject && exam.owner_issuer === actor.issuer)
  );
}

const defaultPageSize = EXAM_LIMITS.pageSizeDefault;
const questionsPerExamMax: (typeof EXAM_LIMITS)['questionsPerExamMax'] = MAX_QUESTIONS_PER_EXAM;

/** Lower-cased searchable text of an exam (JS folds case the same way on every engine). */
export function searchTextOf(title: string, description: string): string {
  return `${title}\n${description}`.toLowerCase();
}

/** The catalog, authoring and publishing of exams. */
export class ExamsService {
  readonly #exams: ExamsRepository;
  readonly #clock: Clock;

  constructor(exams: ExamsRepository, clock: Clock = systemClock) {
    this.#exams = exams;
    this.#clock = clock;
  }

  /** `GET /api/exams`: published exams, newest first, with an optional text search. */
  async listCatalog(query: ListExamsQuery): Promise<ExamSummaryPage> {
    const page = await readPage(
      'catalog',
      query,
      defaultPageSize,
      (window) => this.#exams.listPublishedExams({ ...window, search: query.q?.trim() }),
      (row) => ({ sortKey: row.published_at ?? '', id: row.id }),
    );
    return { items: page.rows.map(toExamSummary), nextCursor: page.nextCursor };
  }

  /** `GET /api/exams/{examId}`: a published exam; anything else is `exam_not_found`. */
  async getPublishedExam(examId: string): Promise<ExamDetail> {
    const exam = await this.#exams.findExam(examId);
    if (exam?.status !== 'published') throw examNotFound();
    return toExamDetail(exam);
  }

  /** `POST /api/exams`: a new draft owned by the caller. */
  async createExam(actor: Principal, body: CreateExamBody): Promise<Exam> {
    const now = this.#now();
    const settings: ExamSettings = {
      timeLimitMinutes: body.timeLimitMinutes ?? DEFAULT_EXAM_SETTINGS.timeLimitMinutes,
      maxAttempts: body.maxAttempts ?? DEFAULT_EXAM_SETTINGS.maxAttempts,
      passMark: body.passMark ?? DEFAULT_EXAM_SETTINGS.passMark,
      shuffleQuestions: body.shuffleQuestions ?? DEFAULT_EXAM_SETTINGS.shuffleQuestions,
      shuffleChoices: body.shuffleChoices ?? DEFAULT_EXAM_SETTINGS.shuffleChoices,
      reviewPolicy: body.reviewPolicy ?? DEFAULT_EXAM_SETTINGS.reviewPolicy,
    };
    const description = body.description ?? '';
    const row: ExamRow = {
      id: randomUUID(),
      owner_subject: actor.subject,
      owner_issuer: actor.issuer,
      owner_name: actor.displayName ?? null,
      title: body.title,
      description,
      long_description: body.longDescription ?? '',
      search_text: searchTextOf(body.title, description),
      status: 'draft',
      time_limit_minutes: settings.timeLimitMinutes,
      max_attempts: settings.maxAttempts,
      pass_mark: settings.passMark,
      shuffle_questions: settings.shuffleQuestions ? 1 : 0,
      shuffle_choices: settings.shuffleChoices ? 1 : 0,
      review_policy: settings.reviewPolicy,
      question_count: 0,
      max_score: 0,
      created_at: now,
      updated_at: now,
      published_at: null,
      archived_at: null,
    };
    await this.#exams.insertExam(row);
    return toExam(row, []);
  }

  /** `GET /api/my/exams`: the caller's own exams in any status, newest first. */
  async listMyExams(actor: Principal, query: ListExamsQuery): Promise<AuthoredExamPage> {
    const page = await readPage(
      'mine',
      query,
      defaultPageSize,
      (window) => this.#exams.listExamsOfOwner(actor, { ...window, search: query.q?.trim() }),
      (row) => ({ sortKey: row.created_at, id: row.id }),
    );
    return { items: page.rows.map(toAuthoredExamSummary), nextCursor: page.nextCursor };
  }

  /** The full exam with its answer key, for its owner or an admin. */
  async getExamForEditing(actor: Principal, examId: string): Promise<Exam> {
    const exam = await this.#findManageable(actor, examId);
    return toExam(exam, await this.#exams.findQuestions(examId));
  }

  /** `PATCH /api/exams/{examId}`: details and settings, in drafts and published exams. */
  async updateExam(actor: Principal, examId: string, body: UpdateExamBody): Promise<Exam> {
    const exam = await this.#findManageable(actor, examId);
    assertDetailsEditable(exam.status);
    const title = body.title ?? exam.title;
    const description = body.description ?? exam.description;
    const patch: ExamPatch = {
      title,
      description,
      search_text: searchTextOf(title, description),
      updated_at: this.#now(),
      ...(body.longDescription !== undefined && { long_description: body.longDescription }),
      ...(body.timeLimitMinutes !== undefined && { time_limit_minutes: body.timeLimitMinutes }),
      ...(body.maxAttempts !== undefined && { max_attempts: body.maxAttempts }),
      ...(body.passMark !== undefined && { pass_mark: body.passMark }),
      ...(body.shuffleQuestions !== undefined && {
        shuffle_questions: body.shuffleQuestions ? 1 : 0,
      }),
      ...(body.shuffleChoices !== undefined && { shuffle_choices: body.shuffleChoices ? 1 : 0 }),
      ...(body.reviewPolicy !== undefined && { review_policy: body.reviewPolicy }),
    };
    const updated = await this.#exams.updateExam(examId, patch, ['draft', 'published']);
    if (updated === undefined) throw examNotEditable('archived', 'The details');
    return toExam(updated, await this.#exams.findQuestions(examId));
  }

  /**
   * `DELETE /api/exams/{examId}`: destroys an exam nobody has attempted; archives one with
   * attempts, so results stay.
   */
  async deleteExam(actor: Principal, examId: string): Promise<'deleted' | 'archived'> {
    await this.#findManageable(actor, examId);
    const outcome = await this.#exams.deleteOrArchiveExam(examId, this.#now());
    if (outcome === undefined) throw examNotFound();
    return outcome;
  }

  /** Adds a question (at `body.position`, or last) to a draft. Returns the updated exam. */
  async addQuestion(actor: Principal, examId: string, body: QuestionBody): Promise<Exam> {
    const exam = await this.#findManageable(actor, examId);
    const outcome = await this.#exams.insertQuestion(
      examId,
      randomUUID(),
      questionToWrite(body),
      body.position,
      questionsPerExamMax,
      this.#now(),
    );
    if (outcome === 'not_draft') throw examNotEditable(exam.status, 'The questions');
    if (outcome === 'full') throw questionLimitReached(questionsPerExamMax);
    return this.getExamForEditing(actor, examId);
  }

  /** Replaces a question of a draft (its choices get new ids). Returns the updated exam. */
  async replaceQuestion(
    actor: Principal,
    examId: string,
    questionId: string,
    body: QuestionBody,
  ): Promise<Exam> {
    const exam = await this.#findManageable(actor, examId);
    const outcome = await this.#exams.replaceQuestion(
      examId,
      questionId,
      questionToWrite(body),
      this.#now(),
    );
    if (outcome === 'not_draft') throw examNotEditable(exam.status, 'The questions');
    if (outcome === 'not_found') throw questionNotFound();
    return this.getExamForEditing(actor, examId);
  }

  /** Deletes a question of a draft; later questions move up. */
  async deleteQuestion(actor: Principal, examId: string, questionId: string): Promise<void> {
    const exam = await this.#findManageable(actor, examId);
    const outcome = await this.#exams.deleteQuestion(examId, questionId, this.#now());
    if (outcome === 'not_draft') throw examNotEditable(exam.status, 'The questions');
    if (outcome === 'not_found') throw questionNotFound();
  }

  /** Reorders a draft's questions; the body must list each of them exactly once. */
  async reorderQuestions(
    actor: Principal,
    examId: string,
    body: ReorderQuestionsBody,
  ): Promise<Exam> {
    const exam = await this.#findManageable(actor, examId);
    const result = await this.#exams.reorderQuestions(examId, body.questionIds, this.#now());
    if (result.outcome === 'not_draft') throw examNotEditable(exam.status, 'The questions');
    if (result.outcome === 'mismatch') {
      const listed = new Set(body.questionIds);
      const actual = new Set(result.actualIds);
      throw questionOrderMismatch([
        ...result.actualIds
          .filter((id) => !listed.has(id))
          .map((id) => ({ field: '/questionIds', message: `is missing question ${id}` })),
        ...body.questionIds
          .filter((id) => !actual.has(id))
          .map((id) => ({
            field: '/questionIds',
            message: `${id} is not a question of this exam`,
          })),
      ]);
    }
    return this.getExamForEditing(actor, examId);
  }

  /** Publishes a draft after checking every publishing rule (all problems reported at once). */
  async publishExam(actor: Principal, examId: string): Promise<Exam> {
    return this.#changeStatus(actor, examId, 'published', (_exam, now) => ({
      status: 'published',
      published_at: now,
      updated_at: now,
    }));
  }

  /** Takes a published exam back to draft (out of the catalog, questions editable again). */
  async unpublishExam(actor: Principal, examId: string): Promise<Exam> {
    return this.#changeStatus(actor, examId, 'draft', (_exam, now) => ({
      status: 'draft',
      updated_at: now,
    }));
  }

  /** Archives an exam: out of the catalog for good, results kept. */
  async archiveExam(actor: Principal, examId: string): Promise<Exam> {
    return this.#changeStatus(actor, examId, 'archived', (_exam, now) => ({
      status: 'archived',
      archived_at: now,
      updated_at: now,
    }));
  }

  /** Publishing, unpublishing and archiving; asking for the current status changes nothing. */
  async #changeStatus(
    actor: Principal,
    examId: string,
    to: ExamRow['status'],
    patchFor: (exam: ExamRow, now: string) => ExamPatch & { status: ExamRow['status'] },
  ): Promise<Exam> {
    const exam = await this.#findManageable(actor, examId);
    if (exam.status === to) return toExam(exam, await this.#exams.findQuestions(examId));
    assertTransition(exam.status, to);
    const updated = await this.#exams.changeStatus(
      examId,
      exam.status,
      patchFor(exam, this.#now()),
      to === 'published' ? assertPublishable : undefined,
    );
    // Someone else changed the status in between: report against what it is now.
    if (updated === undefined) throw invalidStatusTransition('changed', to);
    return toExam(updated, await this.#exams.findQuestions(examId));
  }

  async #findManageable(actor: Principal, examId: string): Promise<ExamRow> {
    const exam = await this.#exams.findExam(examId);
    // Another author's exam answers exactly like a missing one.
    if (exam === undefined || !canManageExam(actor, exam)) throw examNotFound();
    return exam;
  }

  #now(): string {
    return this.#clock.now().toISOString();
  }
}

function questionToWrite(body: QuestionBody): QuestionToWrite {
  return {
    type: body.type,
    text: body.text,
    points: body.points ?? 1,
    explanation: body.explanation ?? '',
    choices: body.choices.map((choice) => ({
      id: randomUUID(),
      text: choice.text,
      correct: choice.correct,
    })),
  };
}

/** The public short form of an exam. */
export function toExamSummary(exam: ExamSummaryRow): ExamSummary {
  return {
    id: exam.id,
    title: exam.title,
    description: exam.description,
    questionCount: exam.question_count,
    maxScore: exam.max_score,
    timeLimitMinutes: exam.time_limit_minutes,
    maxAttempts: exam.max_attempts,
    passMark: exam.pass_mark,
    reviewPolicy: exam.review_policy,
    authorName: exam.owner_name,
    publishedAt: exam.published_at,
  };
}

function toExamDetail(exam: ExamRow): ExamDetail {
  return {
    ...toExamSummary(exam),
    longDescription: exam.long_description,
    shuffleQuestions: exam.shuffle_questions === 1,
    shuffleChoices: exam.shuffle_choices === 1,
  };
}

function toAuthoredExamSummary(exam: AuthoredExamSummaryRow): AuthoredExamSummary {
  return {
    ...toExamSummary(exam),
    status: exam.status,
    createdAt: exam.created_at,
    updatedAt: exam.updated_at,
    attemptCount: exam.attempt_count,
  };
}

function toAuthorQuestion(question: QuestionRecord): AuthorQuestion {
  return { ...keyedQuestion(question), position: question.position };
}

/** The author's full view of an exam. */
export function toExam(exam: ExamRow, questions: readonly QuestionRecord[]): Exam {
  return {
    id: exam.id,
    title: exam.title,
    description: exam.description,
    longDescription: exam.long_description,
    status: exam.status,
    timeLimitMinutes: exam.time_limit_minutes,
    maxAttempts: exam.max_attempts,
    passMark: exam.pass_mark,
    shuffleQuestions: exam.shuffle_questions === 1,
    shuffleChoices: exam.shuffle_choices === 1,
    reviewPolicy: exam.review_policy,
    ownerSubject: exam.owner_subject,
    ownerIssuer: exam.owner_issuer,
    authorName: exam.owner_name,
    questionCount: exam.question_count,
    maxScore: exam.max_score,
    createdAt: exam.created_at,
    updatedAt: exam.updated_at,
    publishedAt: exam.published_at,
    archivedAt: exam.archived_at,
    questions: questions.map(toAuthorQuestion),
  };
}
