import type { ExamStatus, PublishProblem, QuestionType } from '@assay/contracts';
import { examNotEditable, examNotPublishable, invalidStatusTransition } from './exam-errors.ts';

/** What the publishing rules look at in a question. */
export interface QuestionUnderReview {
  readonly id: string;
  /** 1-based. */
  readonly position: number;
  readonly type: QuestionType;
  readonly choices: readonly { readonly correct: boolean }[];
}

/** An exam has at most this many questions (`EXAM_LIMITS.questionsPerExamMax`). */
export const MAX_QUESTIONS_PER_EXAM = 200;

/**
 * Every reason the questions cannot be published, in question order; empty when they can.
 * Rules: at least one question; at least two choices; true/false exactly two; single choice
 * and true/false exactly one correct choice; multiple choice at least one.
 */
export function findPublishProblems(questions: readonly QuestionUnderReview[]): PublishProblem[] {
  const problems: PublishProblem[] = [];
  if (questions.length === 0) {
    problems.push({
      rule: 'no_questions',
      field: '/questions',
      message: 'Add at least one question.',
    });
  }
  if (questions.length > MAX_QUESTIONS_PER_EXAM) {
    problems.push({
      rule: 'too_many_questions',
      field: '/questions',
      message: `An exam has at most ${String(MAX_QUESTIONS_PER_EXAM)} questions.`,
    });
  }
  const ordered = [...questions].sort((a, b) => a.position - b.position);
  for (const question of ordered) {
    const at = { questionPosition: question.position, questionId: question.id };
    const field = `/questions/${String(question.position)}/choices`;
    const choiceCount = question.choices.length;
    const correctCount = question.choices.filter((choice) => choice.correct).length;

    if (question.type === 'true_false') {
      if (choiceCount !== 2) {
        problems.push({
          rule: 'true_false_needs_two_choices',
          ...at,
          field,
          message: `Question ${String(question.position)} is true/false and needs exactly two choices (it has ${String(choiceCount)}).`,
        });
      }
    } else if (choiceCount < 2) {
      problems.push({
        rule: 'too_few_choices',
        ...at,
        field,
        message: `Question ${String(question.position)} needs at least two choices (it has ${String(choiceCount)}).`,
      });
    }

    if (question.type === 'multiple_choice') {
      if (correctCount === 0) {
        problems.push({
          rule: 'needs_a_correct_choice',
          ...at,
          field,
          message: `Question ${String(question.position)} needs at least one correct choice.`,
        });
      }
    } else if (correctCount !== 1) {
      problems.push({
        rule: 'needs_exactly_one_correct',
        ...at,
        field,
        message: `Question ${String(question.position)} needs exactly one correct choice (it has ${String(correctCount)}).`,
      });
    }
  }
  return problems;
}

/** Throws `exam_not_publishable` listing every problem, unless the questions can be published. */
export function assertPublishable(questions: readonly QuestionUnderReview[]): void {
  const problems = findPublishProblems(questions);
  if (problems.length > 0) throw examNotPublishable(problems);
}

const allowedTransitions: Readonly<Record<ExamStatus, readonly ExamStatus[]>> = {
  draft: ['published', 'archived'],
  published: ['draft', 'archived'],
  // Archived is final: attempts keep pointing at it, and it never reappears in the catalog.
  archived: [],
};

/** Whether an exam may move from one status to another (staying put is not a transition). */
export function canTransition(from: ExamStatus, to: ExamStatus): boolean {
  return allowedTransitions[from].includes(to);
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
  if (status !== 'draft') throw examNotEditable(status, 'The questions');
}

/** Title, descriptions and settings change in drafts and published exams, never once archived. */
export function assertDetailsEditable(status: ExamStatus): void {
  if (status === 'archived') throw examNotEditable(status, 'The details');
}
