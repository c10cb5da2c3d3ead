import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DomainError } from '../platform/errors.ts';
import {
  assertDetailsEditable,
  assertPublishable,
  assertQuestionsEditable,
  assertTransition,
  type QuestionUnderReview,
} from './exam-rules.ts';

// The rules themselves are tested in @assay/contracts (exam-rules.spec.ts); these tests check
// that a broken rule becomes the right domain error.

const choices = (...correct: boolean[]) => correct.map((value) => ({ correct: value }));

function question(
  position: number,
  type: QuestionUnderReview['type'],
  correct: boolean[],
): QuestionUnderReview {
  return { id: `q${String(position)}`, position, type, choices: choices(...correct) };
}

describe('assertPublishable', () => {
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

  it('lets a publishable exam through', () => {
    assertPublishable([question(1, 'true_false', [true, false])]);
  });
});

describe('status transitions', () => {
  it('keeps archived exams archived', () => {
    assertTransition('draft', 'published');
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

  it('lets details change until the exam is archived', () => {
    assertDetailsEditable('published');
    assert.throws(
      () => {
        assertDetailsEditable('archived');
      },
      { code: 'exam_not_editable' },
    );
  });
});
