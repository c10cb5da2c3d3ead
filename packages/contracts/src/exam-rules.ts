/*
 * The rules of an exam's lifecycle: what keeps it from being published, which status changes are
 * allowed, and what may be edited in each status. The server enforces them; the web app checks
 * the same rules to explain them before asking. A pure module (no TypeBox, type-only imports), so
 * the web app can import it on its own as `@assay/contracts/exam-rules`.
 */
import type { ExamStatus, PublishProblem, QuestionType } from './exams.ts';
import { EXAM_LIMITS } from './limits.ts';

/** A stable reason an exam cannot be published (`PublishProblem.rule`). */
export type PublishRule = PublishProblem['rule'];

/** A reason that concerns one question rather than the whole exam. */
export type QuestionRule = Exclude<PublishRule, 'no_questions' | 'too_many_questions'>;

/** What the publishing rules look at in a question (saved, or being edited). */
export interface QuestionUnderReview {
  readonly id: string;
  /** 1-based. */
  readonly position: number;
  readonly type: QuestionType;
  readonly choices: readonly { readonly correct: boolean }[];
}

/**
 * The rules one question breaks, in the order they are reported; empty when it can be published.
 * A question needs at least two choices (true/false exactly two); single choice and true/false
 * exactly one correct choice; multiple choice at least one.
 */
export function findQuestionRuleBreaks(
  question: Pick<QuestionUnderReview, 'type' | 'choices'>,
): QuestionRule[] {
  const rules: QuestionRule[] = [];
  const choiceCount = question.choices.length;
  const correctCount = question.choices.filter((choice) => choice.correct).length;
  if (question.type === 'true_false') {
    if (choiceCount !== 2) rules.push('true_false_needs_two_choices');
  } else if (choiceCount < 2) {
    rules.push('too_few_choices');
  }
  if (question.type === 'multiple_choice') {
    if (correctCount === 0) rules.push('needs_a_correct_choice');
  } else if (correctCount !== 1) {
    rules.push('needs_exactly_one_correct');
  }
  return rules;
}

/**
 * Every reason the questions cannot be published, in question order, with the server's messages;
 * empty when they can. Besides each question's rules, an exam has at least one question and at
 * most `EXAM_LIMITS.questionsPerExamMax`.
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
  if (questions.length > EXAM_LIMITS.questionsPerExamMax) {
    problems.push({
      rule: 'too_many_questions',
      field: '/questions',
      message: `An exam has at most ${String(EXAM_LIMITS.questionsPerExamMax)} questions.`,
    });
  }
  const ordered = [...questions].sort((a, b) => a.position - b.position);
  for (const question of ordered) {
    for (const rule of findQuestionRuleBreaks(question)) {
      problems.push({
        rule,
        questionPosition: question.position,
        questionId: question.id,
        field: `/questions/${String(question.position)}/choices`,
        message: describeQuestionRuleBreak(rule, question),
      });
    }
  }
  return problems;
}

function describeQuestionRuleBreak(rule: QuestionRule, question: QuestionUnderReview): string {
  const position = String(question.position);
  const choiceCount = String(question.choices.length);
  const correctCount = String(question.choices.filter((choice) => choice.correct).length);
  switch (rule) {
    case 'true_false_needs_two_choices':
      return `Question ${position} is true/false and needs exactly two choices (it has ${choiceCount}).`;
    case 'too_few_choices':
      return `Question ${position} needs at least two choices (it has ${choiceCount}).`;
    case 'needs_a_correct_choice':
      return `Question ${position} needs at least one correct choice.`;
    case 'needs_exactly_one_correct':
      return `Question ${position} needs exactly one correct choice (it has ${correctCount}).`;
  }
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

/**
 * Whether questions and choices may change: only in drafts, because learners' in-progress
 * attempts and recorded results refer to them, so a published exam must be unpublished first.
 */
export function areQuestionsEditable(status: ExamStatus): boolean {
  return status === 'draft';
}

/** Whether title, descriptions and settings may change: in drafts and published exams. */
export function areDetailsEditable(status: ExamStatus): boolean {
  return status !== 'archived';
}
