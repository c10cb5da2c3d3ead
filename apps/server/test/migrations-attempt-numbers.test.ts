import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AttemptsRepository } from '../src/attempts/attempts.repository.ts';
import { AttemptsService } from '../src/attempts/attempts.service.ts';
import { createExamLookup } from '../src/exams/index.ts';
import { migratedFromOldRows } from './support/migrations.ts';
import { testPrincipal } from './support/principal.ts';

/*
 * `…_attempt_numbers` numbers every learner's attempts at an exam 1, 2, 3, … by when they were
 * started, and no two may share a number: later starts count on it to keep max attempts.
 */

const migration = '20261204090000_attempt_numbers';
const issuer = 'http://localhost:3000/oidc';
const ada = testPrincipal({ subject: 'ada', issuer, permissions: ['take:exams'] });
const questions = [
  {
    id: 'q1',
    type: 'single_choice',
    text: 'Question one',
    points: 1,
    explanation: '',
    choices: [
      { id: 'q1-a', text: 'A', correct: true },
      { id: 'q1-b', text: 'B', correct: false },
    ],
  },
];
const setId = 'set-1';

function exam(id: string) {
  const now = '2026-12-01T09:00:00.000Z';
  return {
    id,
    owner_subject: 'author',
    owner_issuer: issuer,
    owner_name: 'Author',
    title: `Exam ${id}`,
    description: '',
    long_description: '',
    status: 'published',
    pass_mark: 50,
    max_attempts: 4,
    shuffle_questions: 0,
    shuffle_choices: 0,
    review_policy: 'show_answers',
    question_count: 1,
    max_score: 1,
    search_text: '',
    created_at: now,
    updated_at: now,
    published_at: now,
  };
}

function attempt(id: string, examId: string, subject: string, startedAt: string) {
  return {
    id,
    exam_id: examId,
    learner_subject: subject,
    learner_issuer: issuer,
    learner_name: null,
    state: 'submitted' as const,
    seed: 1,
    question_set_id: setId,
    question_order: '[[0,0,1]]',
    started_at: startedAt,
    deadline: null,
    submitted_at: startedAt,
    score: 1,
    max_score: 1,
    passed: 1,
    result_json: JSON.stringify({ version: 2, questions: [] }),
    version: 1,
    updated_at: startedAt,
  };
}

describe(`migration ${migration} (${process.env.ASSAY_TEST_DB ?? 'sqlite'})`, () => {
  const database = migratedFromOldRows(migration, async (old) => {
    await old
      .insertInto('exams')
      .values([exam('e1'), exam('e2')])
      .execute();
    await old
      .insertInto('question_sets')
      .values({ id: setId, questions_json: JSON.stringify(questions), created_at: '2026' })
      .execute();
    // Ada's attempts at e1 out of order, two started at the same moment (the id decides); one
    // at e2; Bob's at e1.
    await old
      .insertInto('attempts')
      .values([
        attempt('a3', 'e1', 'ada', '2026-12-01T12:00:00.000Z'),
        attempt('a1', 'e1', 'ada', '2026-12-01T10:00:00.000Z'),
        attempt('a2b', 'e1', 'ada', '2026-12-01T11:00:00.000Z'),
        attempt('a2a', 'e1', 'ada', '2026-12-01T11:00:00.000Z'),
        attempt('x1', 'e2', 'ada', '2026-12-01T13:00:00.000Z'),
        attempt('b1', 'e1', 'bob', '2026-12-01T14:00:00.000Z'),
      ])
      .execute();
  });

  it('numbers each learner’s attempts at each exam in the order they were started', async () => {
    const rows = await database.db
      .selectFrom('attempts')
      .select(['id', 'number'])
      .orderBy('id')
      .execute();
    assert.deepEqual(Object.fromEntries(rows.map((row) => [row.id, row.number])), {
      a1: 1,
      a2a: 2,
      a2b: 3,
      a3: 4,
      b1: 1,
      x1: 1,
    });
  });

  it('refuses a second attempt with a number already taken', async () => {
    await assert.rejects(
      database.db
        .insertInto('attempts')
        .values({ ...attempt('dup', 'e2', 'ada', '2026-12-02T10:00:00.000Z'), number: 1 })
        .execute(),
    );
  });

  it('goes on numbering, and counts the old attempts against max attempts', async () => {
    const service = new AttemptsService(
      new AttemptsRepository(database.db),
      createExamLookup(database.db),
    );
    const started = await service.startOrResumeAttempt(ada, 'e2');
    assert.equal(started.created, true);
    const row = await database.db
      .selectFrom('attempts')
      .select('number')
      .where('id', '=', started.attempt.id)
      .executeTakeFirstOrThrow();
    assert.equal(row.number, 2);
    await assert.rejects(service.startOrResumeAttempt(ada, 'e1'), {
      code: 'max_attempts_reached',
    });
  });
});
