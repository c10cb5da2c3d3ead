/// <reference types="node" />
// The package itself is built without Node's types (browsers use it); its specs run on Node.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  areDetailsEditable,
  areQuestionsEditable,
  canTransition,
  findPublishProblems,
  findQuestionRuleBreaks,
  type QuestionUnderReview,
} from './exam-rules.ts';
import { EXAM_LIMITS } from './limits.ts';

const choices = (...correct: boolean[]) => correct.map((value) => ({ correct: value }));

function question(
  position: number,
  type: QuestionUnderReview['type'],
  correct: boolean[],
): QuestionUnderReview {
  return { id: `q${String(position)}`, position, type, choices: choices(...correct) };
}

describe('findPublishProblems', () => {
  it('accepts a valid mix of question types', () => {
    assert.deepEqual(
      findPublishProblems([
        question(1, 'single_choice', [false, true, false]),
        question(2, 'multiple_choice', [true, true, false]),
        question(3, 'true_false', [true, false]),
      ]),
      [],
    );
  });

  it('refuses an exam without questions', () => {
    assert.deepEqual(
      findPublishProblems([]).map((problem) => problem.rule),
      ['no_questions'],
    );
  });

  it('refuses an exam with more questions than the limit', () => {
    const questions = Array.from({ length: EXAM_LIMITS.questionsPerExamMax + 1 }, (_, index) =>
      question(index + 1, 'true_false', [true, false]),
    );
    assert.deepEqual(
      findPublishProblems(questions).map((problem) => problem.rule),
      ['too_many_questions'],
    );
    assert.deepEqual(findPublishProblems(questions.slice(1)), []);
  });

  it('reports every problem with its question position and field, in order', () => {
    const problems = findPublishProblems([
      question(3, 'true_false', [true, true, false]),
      question(1, 'single_choice', [true]),
      question(2, 'multiple_choice', [false, false]),
      question(4, 'single_choice', [true, true]),
    ]);
    assert.deepEqual(
      problems.map(({ rule, questionPosition, field }) => ({ rule, questionPosition, field })),
      [
        { rule: 'too_few_choices', questionPosition: 1, field: '/questions/1/choices' },
        { rule: 'needs_a_correct_choice', questionPosition: 2, field: '/questions/2/choices' },
        {
          rule: 'true_false_needs_two_choices',
          questionPosition: 3,
          field: '/questions/3/choices',
        },
        { rule: 'needs_exactly_one_correct', questionPosition: 3, field: '/questions/3/choices' },
        { rule: 'needs_exactly_one_correct', questionPosition: 4, field: '/questions/4/choices' },
      ],
    );
    assert.equal(problems[0]?.questionId, 'q1');
  });

  it('says what is wrong in words, counting choices', () => {
    assert.deepEqual(
      findPublishProblems([
        question(1, 'single_choice', [true]),
        question(2, 'multiple_choice', [false, false]),
        question(3, 'true_false', [true, true, false]),
      ]).map((problem) => problem.message),
      [
        'Question 1 needs at least two choices (it has 1).',
        'Question 2 needs at least one correct choice.',
        'Question 3 is true/false and needs exactly two choices (it has 3).',
        'Question 3 needs exactly one correct choice (it has 2).',
      ],
    );
  });

  it('requires a correct choice in single choice and true/false', () => {
    const rules = findPublishProblems([
      question(1, 'single_choice', [false, false]),
      question(2, 'true_false', [false, false]),
    ]).map((problem) => problem.rule);
    assert.deepEqual(rules, ['needs_exactly_one_correct', 'needs_exactly_one_correct']);
  });
});

describe('findQuestionRuleBreaks', () => {
  it('checks one question, saved or being edited, without its id or position', () => {
    assert.deepEqual(findQuestionRuleBreaks({ type: 'single_choice', choices: choices(true) }), [
      'too_few_choices',
    ]);
    assert.deepEqual(
      findQuestionRuleBreaks({ type: 'multiple_choice', choices: choices(true, true) }),
      [],
    );
  });
});

describe('status transitions', () => {
  it('allows draft→published→archived, unpublishing, and archiving a draft', () => {
    assert.equal(canTransition('draft', 'published'), true);
    assert.equal(canTransition('published', 'archived'), true);
    assert.equal(canTransition('published', 'draft'), true);
    assert.equal(canTransition('draft', 'archived'), true);
  });

  it('keeps archived exams archived', () => {
    assert.equal(canTransition('archived', 'published'), false);
    assert.equal(canTransition('archived', 'draft'), false);
  });

  it('lets questions change only in drafts, and details until archived', () => {
    assert.equal(areQuestionsEditable('draft'), true);
    assert.equal(areQuestionsEditable('published'), false);
    assert.equal(areDetailsEditable('published'), true);
    assert.equal(areDetailsEditable('archived'), false);
  });
});
