import {
  EXAM_LIMITS,
  areDetailsEditable,
  areQuestionsEditable,
  canTransition,
  findPublishProblems,
  type ExamStatus,
  type QuestionUnderReview,
} from '@assay/contracts';
import { examNotEditable, examNotPublishable, invalidStatusTransition } from './exam-errors.ts';

// The rules themselves live in @assay/contracts, where the web app checks them too; this module
// turns a broken rule into the domain error the routes answer with.
export { canTransition, findPublishProblems, type QuestionUnderReview };

/** An exam has at most this many questions (`EXAM_LIMITS.questionsPerExamMax`). */
export const MAX_QUESTIONS_PER_EXAM = EXAM_LIMITS.questionsPerExamMax;

/** Throws `exam_not_publishable` listing every problem, unless the questions can be published. */
export function assertPublishable(questions: readonly QuestionUnderReview[]): void {
  const problems = findPublishProblems(questions);
  if (problems.length > 0) throw examNotPublishable(problems);
}

/** Throws `invalid_status_transition` unless `from → to` is allowed. */
export function assertTransition(from: ExamStatus, to: ExamStatus): void {
  if (!canTransition(from, to)) throw invalidStatusTransition(from, to);
}

/**
 * Questions and choices change only in drafts: learners' in-progress attempts and recorded
 * results refer to them, so a published exam must be unpublished first.
 */
export function assertQuestionsEditable(status: ExamStatus): void {
  if (!areQuestionsEditable(status)) throw examNotEditable(status, 'The questions');
}

/** Title, descriptions and settings change in drafts and published exams, never once archived. */
export function assertDetailsEditable(status: ExamStatus): void {
  if (!areDetailsEditable(status)) throw examNotEditable(status, 'The details');
}
