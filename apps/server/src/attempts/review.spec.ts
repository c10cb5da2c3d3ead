import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ReviewPolicy } from '@assay/contracts';
import type { KeyedQuestion } from '../exams/index.ts';
import { gradeAttempt } from './grading.ts';
import { buildAttemptResult, parseStoredGrade, snapshotGrade, storeGrade } from './review.ts';

const secretExplanation = 'SECRET-EXPLANATION-because-reasons';
const questions: KeyedQuestion[] = [
  {
    id: 'q1',
    type: 'single_choice',
    text: 'Pick B',
    points: 1,
    explanation: secretExplanation,
    choices: [
      { id: 'a', text: 'A', correct: false },
      { id: 'b', text: 'B', correct: true },
    ],
  },
  {
    id: 'q2',
    type: 'true_false',
    text: 'The sky is green',
    points: 1,
    explanation: secretExplanation,
    choices: [
      { id: 't', text: 'True', correct: false },
      { id: 'f', text: 'False', correct: true },
    ],
  },
];
const grade = gradeAttempt(
  questions,
  [
    { questionId: 'q1', choiceIds: ['a'] },
    { questionId: 'q2', choiceIds: ['f'] },
  ],
  50,
);
// Stored as JSON and read back, as the service does.
const snapshot = snapshotGrade(questions, parseStoredGrade(storeGrade(grade)));

function resultUnder(policy: ReviewPolicy): string {
  return JSON.stringify(
    buildAttemptResult(
      {
        attemptId: '00000000-0000-4000-8000-000000000001',
        examId: '00000000-0000-4000-8000-000000000002',
        examTitle: 'Exam',
        state: 'submitted',
        score: grade.score,
        maxScore: grade.maxScore,
        percentage: grade.percentage,
        passed: grade.passed,
        passMark: 50,
        startedAt: '2026-11-22T10:00:00.000Z',
        submittedAt: '2026-11-22T10:05:00.000Z',
        durationSeconds: 300,
      },
      snapshot,
      policy,
    ),
  );
}

describe('review policy', () => {
  it('score_only shows the score and nothing about questions', () => {
    const json = resultUnder('score_only');
    const parsed = JSON.parse(json) as Record<string, unknown>;
    assert.equal(parsed.score, 1);
    assert.equal(parsed.passed, true);
    assert.equal('questions' in parsed, false);
    for (const leak of [
      '"correct"',
      'explanation',
      secretExplanation,
      'answeredCorrectly',
      'Pick B',
    ]) {
      assert.equal(json.includes(leak), false, `score_only leaks ${leak}`);
    }
  });

  it('show_correctness shows which answers were right, but no key and no explanation', () => {
    const json = resultUnder('show_correctness');
    for (const leak of ['"correct"', 'explanation', secretExplanation]) {
      assert.equal(json.includes(leak), false, `show_correctness leaks ${leak}`);
    }
    const parsed = JSON.parse(json) as {
      questions: { answeredCorrectly: boolean; choices: { id: string; selected: boolean }[] }[];
    };
    assert.deepEqual(
      parsed.questions.map((question) => question.answeredCorrectly),
      [false, true],
    );
    assert.deepEqual(parsed.questions[0]?.choices, [
      { id: 'a', text: 'A', selected: true },
      { id: 'b', text: 'B', selected: false },
    ]);
  });

  it('show_answers adds the correct choices and the explanations', () => {
    const parsed = JSON.parse(resultUnder('show_answers')) as {
      questions: { explanation: string; choices: { id: string; correct: boolean }[] }[];
    };
    const first = parsed.questions[0];
    assert.ok(first);
    assert.equal(first.explanation, secretExplanation);
    assert.deepEqual(
      first.choices.map((choice) => [choice.id, choice.correct]),
      [
        ['a', false],
        ['b', true],
      ],
    );
  });

  it('stores only what grading decided: no texts, no key, no explanations', () => {
    const stored = storeGrade(grade);
    assert.deepEqual(JSON.parse(stored), {
      version: 2,
      questions: [
        { questionId: 'q1', awardedPoints: 0, answeredCorrectly: false, selectedChoiceIds: ['a'] },
        { questionId: 'q2', awardedPoints: 1, answeredCorrectly: true, selectedChoiceIds: ['f'] },
      ],
    });
    // Read back without a stored grade, every question reviews as unanswered.
    assert.deepEqual(
      snapshotGrade(questions, parseStoredGrade(null)).questions.map((question) => [
        question.awardedPoints,
        question.choices.some((choice) => choice.selected),
      ]),
      [
        [0, false],
        [0, false],
      ],
    );
  });
});
