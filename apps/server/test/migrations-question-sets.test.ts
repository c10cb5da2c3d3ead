import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AttemptsRepository } from '../src/attempts/attempts.repository.ts';
import { AttemptsService } from '../src/attempts/attempts.service.ts';
import { createExamLookup } from '../src/exams/index.ts';
import { migratedFromOldRows } from './support/migrations.ts';
import { testPrincipal } from './support/principal.ts';

/*
 * `…_attempt_question_sets` moves every attempt's frozen questions into shared question sets
 * and cuts results down to the grade. Attempts written in the old form — in progress with saved
 * answers, and graded — must read, save, submit and review exactly as before.
 */

const migration = '20261203090000_attempt_question_sets';
const issuer = 'http://localhost:3000/oidc';
const learner = testPrincipal({ subject: 'learner', issuer, permissions: ['take:exams'] });
const now = '2026-12-01T10:00:00.000Z';

const examId = '00000000-0000-4000-8000-0000000000e1';
const inProgressId = '00000000-0000-4000-8000-0000000000a1';
const gradedId = '00000000-0000-4000-8000-0000000000a2';

/** Two questions as an old attempt stored them: in its (shuffled) order, with the key. */
const oldQuestions = [
  {
    id: 'q2',
    type: 'true_false',
    text: 'Question two',
    points: 2,
    explanation: 'Because two',
    choices: [
      { id: 'q2-t', text: 'True', correct: true },
      { id: 'q2-f', text: 'False', correct: false },
    ],
  },
  {
    id: 'q1',
    type: 'single_choice',
    text: 'Question one',
    points: 1,
    explanation: 'Because one',
    choices: [
      { id: 'q1-c', text: 'C', correct: false },
      { id: 'q1-a', text: 'A', correct: true },
      { id: 'q1-b', text: 'B', correct: false },
    ],
  },
];

/** The old graded snapshot of the same questions: q2 right, q1 wrong. */
const oldResult = {
  version: 1,
  questions: [
    {
      questionId: 'q2',
      position: 1,
      type: 'true_false',
      text: 'Question two',
      points: 2,
      awardedPoints: 2,
      answeredCorrectly: true,
      explanation: 'Because two',
      choices: [
        { id: 'q2-t', text: 'True', correct: true, selected: true },
        { id: 'q2-f', text: 'False', correct: false, selected: false },
      ],
    },
    {
      questionId: 'q1',
      position: 2,
      type: 'single_choice',
      text: 'Question one',
      points: 1,
      awardedPoints: 0,
      answeredCorrectly: false,
      explanation: 'Because one',
      choices: [
        { id: 'q1-c', text: 'C', correct: false, selected: true },
        { id: 'q1-a', text: 'A', correct: true, selected: false },
        { id: 'q1-b', text: 'B', correct: false, selected: false },
      ],
    },
  ],
};

function oldAttempt(id: string, graded: boolean) {
  return {
    id,
    exam_id: examId,
    learner_subject: learner.subject,
    learner_issuer: learner.issuer,
    learner_name: 'Learner',
    state: graded ? 'submitted' : 'in_progress',
    seed: 7,
    questions_json: JSON.stringify(oldQuestions),
    started_at: now,
    deadline: null,
    submitted_at: graded ? now : null,
    score: graded ? 2 : null,
    max_score: graded ? 3 : null,
    passed: graded ? 1 : null,
    result_json: graded ? JSON.stringify(oldResult) : null,
    version: graded ? 3 : 2,
    updated_at: now,
  };
}

describe(`migration ${migration} (${process.env.ASSAY_TEST_DB ?? 'sqlite'})`, () => {
  const database = migratedFromOldRows(migration, async (old) => {
    await old
      .insertInto('exams')
      .values({
        id: examId,
        owner_subject: 'author',
        owner_issuer: issuer,
        owner_name: 'Author',
        title: 'Old exam',
        description: '',
        long_description: '',
        status: 'published',
        pass_mark: 50,
        shuffle_questions: 1,
        shuffle_choices: 1,
        review_policy: 'show_answers',
        question_count: 2,
        max_score: 3,
        search_text: 'old exam',
        created_at: now,
        updated_at: now,
        published_at: now,
      })
      .execute();
    await old
      .insertInto('attempts')
      .values([oldAttempt(inProgressId, false), oldAttempt(gradedId, true)])
      .execute();
    await old
      .insertInto('attempt_answers')
      .values({
        attempt_id: inProgressId,
        question_id: 'q1',
        choice_ids: JSON.stringify(['q1-a']),
        revision: 1,
        updated_at: now,
      })
      .execute();
  });

  it('keeps the question texts only in one shared question set, not in attempts', async () => {
    const sets = await database.db.selectFrom('question_sets').selectAll().execute();
    assert.equal(sets.length, 1, 'both attempts had the same questions');
    assert.deepEqual(JSON.parse(sets[0]?.questions_json ?? ''), oldQuestions);
    const attempts = await database.db.selectFrom('attempts').selectAll().orderBy('id').execute();
    for (const attempt of attempts) {
      assert.equal(attempt.question_set_id, sets[0]?.id);
      assert.ok(!('questions_json' in attempt));
      assert.ok(!(attempt.result_json ?? '').includes('Because'), 'no explanation in results');
    }
  });

  it('shows an old attempt in progress in its order, with its saved answer', async () => {
    const service = new AttemptsService(
      new AttemptsRepository(database.db),
      createExamLookup(database.db),
    );
    const view = await service.getAttempt(learner, inProgressId);
    assert.deepEqual(
      view.questions.map((question) => [question.id, question.choices.map((c) => c.id)]),
      [
        ['q2', ['q2-t', 'q2-f']],
        ['q1', ['q1-c', 'q1-a', 'q1-b']],
      ],
    );
    assert.equal(view.answeredCount, 1);
    assert.ok(!JSON.stringify(view).includes('correct'), 'no answer key before submission');

    const result = await service.submitAttempt(learner, inProgressId);
    assert.equal(result.score, 1);
    assert.equal(result.maxScore, 3);
  });

  it('reviews an old graded attempt exactly as graded', async () => {
    const service = new AttemptsService(
      new AttemptsRepository(database.db),
      createExamLookup(database.db),
    );
    const view = await service.getAttempt(learner, gradedId);
    assert.ok(view.result);
    assert.equal(view.result.score, 2);
    assert.deepEqual(
      view.result.questions?.map((question) => ({
        id: question.questionId,
        position: question.position,
        awarded: question.awardedPoints,
        correct: question.answeredCorrectly,
        explanation: question.explanation,
        choices: question.choices.map((choice) => [choice.id, choice.selected, choice.correct]),
      })),
      [
        {
          id: 'q2',
          position: 1,
          awarded: 2,
          correct: true,
          explanation: 'Because two',
          choices: [
            ['q2-t', true, true],
            ['q2-f', false, false],
          ],
        },
        {
          id: 'q1',
          position: 2,
          awarded: 0,
          correct: false,
          explanation: 'Because one',
          choices: [
            ['q1-c', true, false],
            ['q1-a', false, true],
            ['q1-b', false, false],
          ],
        },
      ],
    );
  });
});
