import type { PublishProblem } from '@assay/contracts';
import {
  findPublishProblems,
  findQuestionRuleBreaks,
  type PublishRule,
  type QuestionUnderReview,
} from '@assay/contracts/exam-rules';
import { EXAM_LIMITS } from '@assay/contracts/limits';
import type { ApiError } from '../core/http/api-error';

/** A reason an exam cannot be published yet, tied to a question when it concerns one. */
export interface PublishIssue {
  readonly questionId?: string;
  /** 1-based position of the question concerned. */
  readonly position?: number;
  readonly message: string;
}

/** The publishing rules (shared with the server) in words for an author at work. */
const ruleMessages: Readonly<Record<PublishRule, string>> = {
  no_questions: 'Add at least one question.',
  too_many_questions: `An exam has at most ${String(EXAM_LIMITS.questionsPerExamMax)} questions.`,
  true_false_needs_two_choices: 'A true/false question needs exactly two choices.',
  too_few_choices: 'Add at least two choices.',
  needs_a_correct_choice: 'Mark at least one choice as correct.',
  needs_exactly_one_correct: 'Mark exactly one choice as correct.',
};

/** What keeps one question from being published, in words for its author. */
export function questionIssues(question: Pick<QuestionUnderReview, 'type' | 'choices'>): string[] {
  return findQuestionRuleBreaks(question).map((rule) => ruleMessages[rule]);
}

/** Every reason the exam cannot be published, in question order; empty when it can. */
export function examIssues(questions: readonly QuestionUnderReview[]): PublishIssue[] {
  return findPublishProblems(questions).map((problem) =>
    issueOf(problem, ruleMessages[problem.rule]),
  );
}

/** The server's `exam_not_publishable` problems, in the same shape as the client's. */
export function issuesFromServer(problems: readonly PublishProblem[]): PublishIssue[] {
  return problems.map((problem) => issueOf(problem, problem.message));
}

function issueOf(problem: PublishProblem, message: string): PublishIssue {
  return {
    ...(problem.questionId !== undefined && { questionId: problem.questionId }),
    ...(problem.questionPosition !== undefined && { position: problem.questionPosition }),
    message,
  };
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
