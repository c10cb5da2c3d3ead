import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DomainError } from '../platform/errors.ts';
import {
  assertPublishable,
  assertQuestionsEditable,
  assertTransition,
  canTransition,
  findPublishProblems,
  type QuestionUnderReview,
} from './exam-rules.ts';

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

  it('requires a correct choice in single choice and true/false', () => {
    const rules = findPublishProblems([
      question(1, 'single_choice', [false, false]),
      question(2, 'true_false', [false, false]),
    ]).map((problem) => problem.rule);
    assert.deepEqual(rules, ['needs_exactly_one_correct', 'needs_exactly_one_correct']);
  });

  it('throws exam_not_publishable carrying the whole list', () => {
    assert.throws(
      () => {
        assertPublishable([question(1, 'single_choice', []), question(2, 'true_false', [true])]);
      },
      (error: unknown) => {
        assert.ok(error instanceof DomainError);
        assert.equal(error.code, 'exam_not_publishable');
        const problems = (error.details as { problems: unknown[] }).problems;
        assert.equal(problems.length, 3);
        return true;
      },
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
    assert.throws(
      () => {
        assertTransition('archived', 'published');
      },
      { code: 'invalid_status_transition' },
    );
  });

  it('lets questions change only in drafts', () => {
    assertQuestionsEditable('draft');
    assert.throws(
      () => {
        assertQuestionsEditable('published');
      },
      { code: 'exam_not_editable' },
    );
  });
});
