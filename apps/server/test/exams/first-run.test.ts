import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AttemptResult, AttemptView, ExamSummaryPage } from '@assay/contracts';
import { ExamsRepository } from '../../src/exams/exams.repository.ts';
import { SAMPLE_EXAMS, seedSampleExams } from '../../src/exams/sample-exams.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { startServer } from '../support/processes.ts';
import {
  assertNoAnswerKey,
  expectJson,
  startExamsHttp,
  submitAttempt,
} from '../support/exam-fixture.ts';
import { forEachTest, forSuite } from '../support/suite.ts';

/** Runs server.ts until it listens, asks for the catalog, and stops it. */
async function catalogAfterStart(
  database: TestDatabase,
  env: Record<string, string> = {},
): Promise<ExamSummaryPage> {
  const server = await startServer(database, env);
  try {
    const response = await fetch(`${server.address}/api/exams`);
    assert.equal(response.status, 200);
    return (await response.json()) as ExamSummaryPage;
  } finally {
    server.child.kill('SIGTERM');
    await server.finished;
  }
}

describe('first run: sample exams', () => {
  const database = forEachTest(createTestDatabase, (created) => created.destroy());

  it('fills an empty database with the published samples, once', async () => {
    const first = await catalogAfterStart(database);
    assert.deepEqual(
      first.items.map((item) => item.title),
      SAMPLE_EXAMS.map((sample) => sample.title),
    );
    for (const item of first.items) {
      assert.equal(item.authorName, 'Assay samples');
      assert.ok(item.questionCount >= 5, item.title);
    }
    const second = await catalogAfterStart(database);
    assert.equal(second.items.length, SAMPLE_EXAMS.length, 'a restart adds nothing');
  });

  it('leaves the catalog empty with SEED_SAMPLE_EXAMS=false', async () => {
    const catalog = await catalogAfterStart(database, { SEED_SAMPLE_EXAMS: 'false' });
    assert.deepEqual(catalog.items, []);
  });
});

describe('first run: a newcomer takes a sample exam at once', () => {
  const http = forSuite(async () => {
    const started = await startExamsHttp();
    assert.equal(await seedSampleExams(new ExamsRepository(started.testApp.app.db)), 3);
    return started;
  });

  it('starts, submits and reviews the first sample, then scores full marks with its answers', async () => {
    const catalog = expectJson<ExamSummaryPage>(
      await http.call('anonymous', { method: 'GET', url: '/api/exams' }),
      200,
    );
    const sample = catalog.items[0];
    assert.ok(sample);
    assert.equal(sample.title, SAMPLE_EXAMS[0]?.title);
    const start = { method: 'POST', url: `/api/exams/${sample.id}/attempts` } as const;

    const firstResponse = await http.call('learner', start);
    const first = expectJson<AttemptView>(firstResponse, 201);
    assertNoAnswerKey(firstResponse, 'sample attempt');
    assert.equal(first.questions.length, sample.questionCount);
    assert.ok(first.deadline !== null, 'the sample has a time limit');
    const review = expectJson<AttemptResult>(await submitAttempt(http, first.id), 200);
    assert.equal(review.score, 0);
    assert.ok(review.questions, 'the first sample shows the answers after submission');

    const second = expectJson<AttemptView>(await http.call('learner', start), 201);
    const answers = review.questions.map((question) => ({
      questionId: question.questionId,
      choiceIds: question.choices.filter((choice) => choice.correct === true).map((c) => c.id),
      revision: 1,
    }));
    expectJson(
      await http.call('learner', {
        method: 'PUT',
        url: `/api/attempts/${second.id}/answers`,
        payload: { answers },
      }),
      200,
    );
    const result = expectJson<AttemptResult>(await submitAttempt(http, second.id), 200);
    assert.deepEqual([result.score, result.passed], [sample.maxScore, true]);
  });
});
