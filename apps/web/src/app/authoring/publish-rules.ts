import type { PublishProblem, QuestionType } from '@assay/contracts';
import type { ApiError } from '../core/http/api-error';

/** What the publishing rules look at in a question (saved, or being edited). */
export interface QuestionShape {
  readonly type: QuestionType;
  readonly choices: readonly { readonly correct: boolean }[];
}

/** A reason an exam cannot be published yet, tied to a question when it concerns one. */
export interface PublishIssue {
  readonly questionId?: string;
  /** 1-based position of the question concerned. */
  readonly position?: number;
  readonly message: string;
}

/**
 * What keeps one question from being published, in words for its author. Mirrors the server's
 * rules (issue 4): at least two choices (true/false exactly two); single choice and true/false
 * exactly one correct choice; multiple choice at least one.
 */
export function questionIssues(question: QuestionShape): string[] {
  const issues: string[] = [];
  const choiceCount = question.choices.length;
  const correctCount = question.choices.filter((choice) => choice.correct).length;
  if (question.type === 'true_false') {
    if (choiceCount !== 2) issues.push('A true/false question needs exactly two choices.');
  } else if (choiceCount < 2) {
    issues.push('Add at least two choices.');
  }
  if (question.type === 'multiple_choice') {
    if (correctCount === 0) issues.push('Mark at least one choice as correct.');
  } else if (correctCount !== 1) {
    issues.push('Mark exactly one choice as correct.');
  }
  return issues;
}

/** Every reason the exam cannot be published, in question order; empty when it can. */
export function examIssues(
  questions: readonly (QuestionShape & { readonly id: string; readonly position: number })[],
): PublishIssue[] {
  if (questions.length === 0) return [{ message: 'Add at least one question.' }];
  return questions.flatMap((question) =>
    questionIssues(question).map((message) => ({
      questionId: question.id,
      position: question.position,
      message,
    })),
  );
}

/** The server's `exam_not_publishable` problems, in the same shape as the client's. */
export function issuesFromServer(problems: readonly PublishProblem[]): PublishIssue[] {
  return problems.map((problem) => ({
    ...(problem.questionId !== undefined && { questionId: problem.questionId }),
    ...(problem.questionPosition !== undefined && { position: problem.questionPosition }),
    message: problem.message,
  }));
}

/** The `problems` member of an `exam_not_publishable` answer; empty when it has none. */
export function publishProblemsOf(error: ApiError): PublishProblem[] {
  const problems = error.extensions['problems'];
  if (!Array.isArray(problems)) return [];
  return problems.filter(
    (problem): problem is PublishProblem =>
      typeof problem === 'object' &&
      problem !== null &&
      typeof (problem as Partial<PublishProblem>).message === 'string',
  );
}
