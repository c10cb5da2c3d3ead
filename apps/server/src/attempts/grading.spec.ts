import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { gradeAttempt, isPassingScore, percentageOf, type GradableQuestion } from './grading.ts';

const single: GradableQuestion = {
  id: 'single',
  type: 'single_choice',
  points: 2,
  choices: [
    { id: 's-a', correct: false },
    { id: 's-b', correct: true },
    { id: 's-c', correct: false },
  ],
};
const multiple: GradableQuestion = {
  id: 'multiple',
  type: 'multiple_choice',
  points: 3,
  choices: [
    { id: 'm-a', correct: true },
    { id: 'm-b', correct: false },
    { id: 'm-c', correct: true },
  ],
};
const trueFalse: GradableQuestion = {
  id: 'tf',
  type: 'true_false',
  points: 1,
  choices: [
    { id: 'tf-true', correct: false },
    { id: 'tf-false', correct: true },
  ],
};
const questions = [single, multiple, trueFalse];

describe('gradeAttempt', () => {
  it('gives full marks for all right answers', () => {
    const grade = gradeAttempt(
      questions,
      [
        { questionId: 'single', choiceIds: ['s-b'] },
        { questionId: 'multiple', choiceIds: ['m-c', 'm-a'] },
        { questionId: 'tf', choiceIds: ['tf-false'] },
      ],
      100,
    );
    assert.deepEqual(
      { score: grade.score, maxScore: grade.maxScore, percentage: grade.percentage },
      { score: 6, maxScore: 6, percentage: 100 },
    );
    assert.equal(grade.passed, true);
  });

  it('grades multiple choice all-or-nothing', () => {
    const partial = gradeAttempt(questions, [{ questionId: 'multiple', choiceIds: ['m-a'] }], 0);
    const extra = gradeAttempt(
      questions,
      [{ questionId: 'multiple', choiceIds: ['m-a', 'm-b', 'm-c'] }],
      0,
    );
    assert.equal(partial.questions[1]?.awardedPoints, 0);
    assert.equal(extra.questions[1]?.awardedPoints, 0);
    assert.equal(partial.score, 0);
  });

  it('gives zero for a wrong or over-full single choice and for unanswered questions', () => {
    const grade = gradeAttempt(
      questions,
      [
        { questionId: 'single', choiceIds: ['s-a', 's-b'] },
        { questionId: 'tf', choiceIds: ['tf-true'] },
      ],
      50,
    );
    assert.deepEqual(
      grade.questions.map((question) => question.answeredCorrectly),
      [false, false, false],
    );
    assert.equal(grade.score, 0);
    assert.equal(grade.passed, false);
  });

  it('ignores unknown choice ids, duplicates and unknown questions', () => {
    const grade = gradeAttempt(
      questions,
      [
        { questionId: 'single', choiceIds: ['s-b', 'forged', 's-b'] },
        { questionId: 'nope', choiceIds: ['s-b'] },
        { questionId: 'multiple', choiceIds: ['m-a', 'm-c', 's-b'] },
      ],
      50,
    );
    assert.equal(grade.score, 5);
    assert.deepEqual(grade.questions[0]?.selectedChoiceIds, ['s-b']);
    assert.deepEqual(grade.questions[1]?.selectedChoiceIds, ['m-a', 'm-c']);
  });

  it('never awards a question without a correct choice', () => {
    const broken: GradableQuestion = { ...single, choices: [{ id: 'x', correct: false }] };
    assert.equal(gradeAttempt([broken], [{ questionId: 'single', choiceIds: [] }], 0).score, 0);
  });
});

describe('pass mark boundary', () => {
  it('passes exactly at the mark and fails one point below', () => {
    assert.equal(isPassingScore(7, 10, 70), true);
    assert.equal(isPassingScore(69, 100, 70), false);
    assert.equal(isPassingScore(70, 100, 70), true);
  });

  it('compares exactly, not the rounded percentage', () => {
    // 2/3 = 66.666…% is displayed as 66.67 but must not pass a mark of 67.
    assert.equal(percentageOf(2, 3), 66.67);
    assert.equal(isPassingScore(2, 3, 67), false);
    assert.equal(isPassingScore(2, 3, 66), true);
  });

  it('treats pass mark 0 as always passed and 100 as perfect only', () => {
    assert.equal(isPassingScore(0, 10, 0), true);
    assert.equal(isPassingScore(9, 10, 100), false);
    assert.equal(isPassingScore(10, 10, 100), true);
  });

  it('reports 0 % for an exam without points', () => {
    assert.equal(percentageOf(0, 0), 0);
  });
});
