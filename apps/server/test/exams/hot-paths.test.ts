import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ExamsService } from '../../src/exams/exams.service.ts';
import {
  assertLeanListing,
  author,
  describeStatements,
  learner,
  otherLearner,
  useBusyPaths,
} from '../support/busy-paths.ts';

describe('statements on the busy paths of exams', () => {
  const paths = useBusyPaths();

  it('lists my exams with their attempt counts in one statement, however many exams', async () => {
    const { attempts, exams, examId, sentJson } = paths;
    const { attempt } = await attempts.startOrResumeAttempt(learner, examId);
    await attempts.submitAttempt(learner, attempt.id);
    await attempts.startOrResumeAttempt(otherLearner, examId);
    const second = await exams.createExam(author, { title: 'Second' });
    let page: Awaited<ReturnType<ExamsService['listMyExams']>> | undefined;
    const statements = await sentJson(async () => {
      page = await exams.listMyExams(author, {});
    });
    assert.deepEqual(describeStatements(statements), ['SelectQueryNode attempts exams']);
    const counts = new Map(page?.items.map((item) => [item.id, item.attemptCount]));
    assert.equal(counts.get(examId), 1, 'the submitted attempt, not the one in progress');
    assert.equal(counts.get(second.id), 0);
  });

  it('lists exams without long descriptions, frozen questions or results', async () => {
    const { attempts, exams, examId, sentJson } = paths;
    const { attempt } = await attempts.startOrResumeAttempt(learner, examId);
    await attempts.submitAttempt(learner, attempt.id);
    for (const [name, work] of [
      ['catalog', () => exams.listCatalog({})],
      ['my exams', () => exams.listMyExams(author, {})],
    ] as const) {
      assertLeanListing(name, await sentJson(work));
    }
  });
});
