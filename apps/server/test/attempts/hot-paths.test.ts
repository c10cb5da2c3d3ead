import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  answersTo,
  assertLeanListing,
  author,
  describeStatements,
  learner,
  useBusyPaths,
} from '../support/busy-paths.ts';

describe('statements on the busy paths of attempts', () => {
  const paths = useBusyPaths();
  /** The learner's attempt at the exam, every question answered right. */
  const answeredAttempt = async () => {
    const { attempt } = await paths.attempts.startOrResumeAttempt(learner, paths.examId);
    await paths.attempts.saveAnswers(learner, attempt.id, { answers: answersTo(attempt) });
    return attempt;
  };

  it('grades a submit in three statements: read, answers, conditional write', async () => {
    const { attempts, db, sentJson } = paths;
    const attempt = await answeredAttempt();
    const statements = await sentJson(() => attempts.submitAttempt(learner, attempt.id));
    assert.deepEqual(describeStatements(statements), [
      'SelectQueryNode attempts exams',
      'SelectQueryNode attempt_answers',
      'UpdateQueryNode attempts',
    ]);
    const stored = await db
      .selectFrom('attempts')
      .select(['state', 'score', 'max_score'])
      .where('id', '=', attempt.id)
      .executeTakeFirstOrThrow();
    assert.deepEqual(stored, { state: 'submitted', score: 20, max_score: 20 });
  });

  it('reads an attempt in progress in two statements, a graded one in one', async () => {
    const { attempts, sentJson } = paths;
    const attempt = await answeredAttempt();
    const reading = await sentJson(() => attempts.getAttempt(learner, attempt.id));
    assert.deepEqual(describeStatements(reading), [
      'SelectQueryNode attempts exams',
      'SelectQueryNode attempt_answers',
    ]);
    // The exam's long description is not what an attempt shows.
    assert.ok(!reading.some((json) => json.includes('"long_description"')));
    await attempts.submitAttempt(learner, attempt.id);
    const graded = await sentJson(() => attempts.getAttempt(learner, attempt.id));
    assert.deepEqual(describeStatements(graded), ['SelectQueryNode attempts exams']);
  });

  it('saves any number of answers in one write of answers', async () => {
    const { attempts, examId, sentJson } = paths;
    const { attempt } = await attempts.startOrResumeAttempt(learner, examId);
    const statements = await sentJson(() =>
      attempts.saveAnswers(learner, attempt.id, { answers: answersTo(attempt) }),
    );
    assert.deepEqual(describeStatements(statements), [
      'SelectQueryNode attempts exams',
      'UpdateQueryNode attempts',
      'InsertQueryNode attempt_answers',
      'SelectQueryNode attempt_answers',
    ]);
    const saved = await attempts.getAttempt(learner, attempt.id);
    assert.equal(saved.answeredCount, 20);
  });

  it('resumes an attempt without reading the exam’s questions again', async () => {
    const { attempts, examId, sentJson } = paths;
    const started = await sentJson(() => attempts.startOrResumeAttempt(learner, examId));
    assert.ok(describeStatements(started).some((line) => line.endsWith(' questions')));
    const resumed = await sentJson(() => attempts.startOrResumeAttempt(learner, examId));
    assert.deepEqual(describeStatements(resumed), [
      'SelectQueryNode exams',
      'SelectQueryNode attempts exams',
      'SelectQueryNode attempt_answers',
    ]);
  });

  it('lists attempts without long descriptions, frozen questions or results', async () => {
    const { attempts, examId, sentJson } = paths;
    const { attempt } = await attempts.startOrResumeAttempt(learner, examId);
    await attempts.submitAttempt(learner, attempt.id);
    for (const [name, work] of [
      ['my attempts', () => attempts.listMyAttempts(learner, {})],
      ['exam attempts', () => attempts.listExamAttempts(author, examId, {})],
    ] as const) {
      assertLeanListing(name, await sentJson(work));
    }
  });
});
