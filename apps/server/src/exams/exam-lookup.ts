import type { Kysely } from 'kysely';
import type { Database } from '../platform/database-schema.ts';
import type { Principal } from '../platform/principal.ts';
import { examNotFound, examNotPublished } from './exam-errors.ts';
import { ExamsRepository, type ExamRow, type QuestionRecord } from './exams.repository.ts';
import { canManageExam } from './exams.service.ts';

/** What taking an exam needs of it. */
export type ExamToTake = Pick<
  ExamRow,
  | 'id'
  | 'title'
  | 'pass_mark'
  | 'review_policy'
  | 'max_attempts'
  | 'time_limit_minutes'
  | 'shuffle_questions'
  | 'shuffle_choices'
>;

/** What other features may read of exams: attempts takes and reviews exams through it. */
export interface ExamLookup {
  /**
   * The published exam `principal` may start an attempt at. `exam_not_published` for its owner
   * or an admin when it is not published, `exam_not_found` for anyone else.
   */
  examToTake(principal: Principal, examId: string): Promise<ExamToTake>;
  /** Resolves when `principal` manages the exam (owner or admin); `exam_not_found` otherwise. */
  checkManages(principal: Principal, examId: string): Promise<void>;
  /** The exam's questions with their answer keys, in order. */
  questionsOf(examId: string): Promise<QuestionRecord[]>;
}

class RepositoryExamLookup implements ExamLookup {
  readonly #exams: ExamsRepository;

  constructor(exams: ExamsRepository) {
    this.#exams = exams;
  }

  async examToTake(principal: Principal, examId: string): Promise<ExamToTake> {
    const exam = await this.#exams.findExam(examId);
    if (exam === undefined) throw examNotFound();
    if (exam.status !== 'published') {
      throw canManageExam(principal, exam) ? examNotPublished() : examNotFound();
    }
    return exam;
  }

  async checkManages(principal: Principal, examId: string): Promise<void> {
    const exam = await this.#exams.findExam(examId);
    if (exam === undefined || !canManageExam(principal, exam)) throw examNotFound();
  }

  questionsOf(examId: string): Promise<QuestionRecord[]> {
    return this.#exams.findQuestions(examId);
  }
}

/** The exams lookup over `db`, for the composition root to hand to other features. */
export function createExamLookup(db: Kysely<Database>): ExamLookup {
  return new RepositoryExamLookup(new ExamsRepository(db));
}
