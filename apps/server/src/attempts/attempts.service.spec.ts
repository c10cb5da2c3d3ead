import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import type { AttemptView, CreateExamBody, Exam, QuestionBody } from '@assay/contracts';
import { createExamLookup } from '../exams/index.ts';
import { ExamsRepository } from '../exams/exams.repository.ts';
import { ExamsService } from '../exams/exams.service.ts';
import { ManualClock, useEmptiedExamsDatabase } from '../../test/support/exams-database.ts';
import { AttemptsRepository } from './attempts.repository.ts';
import { AttemptsService } from './attempts.service.ts';
import { testPrincipal } from '../../test/support/principal.ts';

const issuer = 'http://localhost:3000/oidc';
const author = testPrincipal({
  subject: 'author',
  issuer,
  permissions: ['take:exams', 'manage:exams'],
});
const otherAuthor = { ...author, subject: 'other-author' };
const learner = testPrincipal({
  subject: 'learner',
  issuer,
  permissions: ['take:exams'],
  displayName: 'Lena Learner',
});
const otherLearner = { ...learner, subject: 'other-learner' };
const graceMs = 2000;

/** Q1 single choice (2 points), Q2 multiple choice, Q3 true/false; every explanation a SECRET. */
const QUESTIONS: readonly QuestionBody[] = [
  {
    type: 'single_choice',
    text: 'Q1',
    points: 2,
    explanation: 'SECRET one',
    choices: [
      { text: 'Q1 right', correct: true },
      { text: 'Q1 wrong', correct: false },
    ],
  },
  {
    type: 'multiple_choice',
    text: 'Q2',
    explanation: 'SECRET two',
    choices: [
      { text: 'Q2 right A', correct: true },
      { text: 'Q2 right B', correct: true },
      { text: 'Q2 wrong', correct: false },
    ],
  },
  {
    type: 'true_false',
    text: 'Q3',
    explanation: 'SECRET three',
    choices: [
      { text: 'True', correct: false },
      { text: 'False', correct: true },
    ],
  },
];

/** Asserts that a learner-facing payload carries no answer key and no explanation. */
function assertNoAnswerKey(payload: unknown): void {
  const json = JSON.stringify(payload);
  assert.equal(json.includes('"correct"'), false, 'leaks "correct"');
  assert.equal(json.includes('explanation'), false, 'leaks an explanation');
  assert.equal(json.includes('SECRET'), false, 'leaks explanation text');
}

describe('AttemptsService on SQLite', () => {
  const database = useEmptiedExamsDatabase();
  let clock: ManualClock;
  let exams: ExamsService;
  let attempts: AttemptsService;

  beforeEach(() => {
    clock = new ManualClock();
    exams = new ExamsService(new ExamsRepository(database.db), clock);
    attempts = new AttemptsService(
      new AttemptsRepository(database.db),
      createExamLookup(database.db),
      {
        clock,
        graceMs,
      },
    );
  });

  /** A published exam of the QUESTIONS. */
  async function createExam(settings: Partial<CreateExamBody> = {}): Promise<Exam> {
    const exam = await exams.createExam(author, { title: 'Quiz', ...settings });
    for (const question of QUESTIONS) await exams.addQuestion(author, exam.id, question);
    return exams.publishExam(author, exam.id);
  }

  /** The choice ids of `view`'s question `text` whose text starts with `prefix`. */
  function choicesOf(view: AttemptView, text: string, ...choiceTexts: string[]): string[] {
    const question = view.questions.find((candidate) => candidate.text === text);
    assert.ok(question);
    return choiceTexts.map((choiceText) => {
      const choice = question.choices.find((candidate) => candidate.text === choiceText);
      assert.ok(choice, choiceText);
      return choice.id;
    });
  }

  function questionId(view: AttemptView, text: string): string {
    const question = view.questions.find((candidate) => candidate.text === text);
    assert.ok(question);
    return question.id;
  }

  it('starts an attempt without any answer key, then resumes the same one in the same order', async () => {
    const exam = await createExam({
      timeLimitMinutes: 10,
      shuffleQuestions: true,
      shuffleChoices: true,
    });
    const started = await attempts.startOrResumeAttempt(learner, exam.id);
    assert.equal(started.created, true);
    assertNoAnswerKey(started.attempt);
    assert.equal(started.attempt.state, 'in_progress');
    assert.equal(started.attempt.deadline, '2026-11-22T10:10:00.000Z');
    assert.equal(started.attempt.serverNow, '2026-11-22T10:00:00.000Z');
    assert.equal(started.attempt.questionCount, 3);

    clock.advance(60_000);
    const resumed = await attempts.startOrResumeAttempt(learner, exam.id);
    assert.equal(resumed.created, false);
    assert.equal(resumed.attempt.id, started.attempt.id);
    assert.deepEqual(resumed.attempt.questions, started.attempt.questions);
    assert.deepEqual(
      (await attempts.getAttempt(learner, started.attempt.id)).questions,
      started.attempt.questions,
    );
  });

  it('keeps the newest revision of each answer and ignores stale writes', async () => {
    const exam = await createExam();
    const { attempt } = await attempts.startOrResumeAttempt(learner, exam.id);
    const q1 = questionId(attempt, 'Q1');
    const [right, wrong] = choicesOf(attempt, 'Q1', 'Q1 right', 'Q1 wrong');

    const first = await attempts.saveAnswers(learner, attempt.id, {
      answers: [{ questionId: q1, choiceIds: [right!], revision: 5 }],
    });
    assert.deepEqual(first.answers, [{ questionId: q1, choiceIds: [right], revision: 5 }]);
    assert.equal(first.answeredCount, 1);

    // A delayed older request arrives after the newer one: it changes nothing.
    const stale = await attempts.saveAnswers(learner, attempt.id, {
      answers: [{ questionId: q1, choiceIds: [wrong!], revision: 4 }],
    });
    assert.deepEqual(stale.answers, [{ questionId: q1, choiceIds: [right], revision: 5 }]);
    // A retry with the same revision is idempotent.
    await attempts.saveAnswers(learner, attempt.id, {
      answers: [{ questionId: q1, choiceIds: [wrong!], revision: 5 }],
    });
    const newer = await attempts.saveAnswers(learner, attempt.id, {
      answers: [{ questionId: q1, choiceIds: [], revision: 6 }],
    });
    assert.deepEqual(newer.answers, [{ questionId: q1, choiceIds: [], revision: 6 }]);
    assert.equal(newer.answeredCount, 0);
  });

  it('refuses answers that do not fit their questions', async () => {
    const exam = await createExam();
    const { attempt } = await attempts.startOrResumeAttempt(learner, exam.id);
    const q1 = questionId(attempt, 'Q1');
    const q1Choices = choicesOf(attempt, 'Q1', 'Q1 right', 'Q1 wrong');
    const [q2Choice] = choicesOf(attempt, 'Q2', 'Q2 wrong');
    const unknown = '00000000-0000-4000-8000-000000000000';
    for (const answer of [
      { questionId: unknown, choiceIds: [], revision: 1 },
      { questionId: q1, choiceIds: [q2Choice!], revision: 1 },
      { questionId: q1, choiceIds: q1Choices, revision: 1 },
    ]) {
      await assert.rejects(attempts.saveAnswers(learner, attempt.id, { answers: [answer] }), {
        code: 'invalid_answer',
      });
    }
  });

  it('grades on submit, records one score, and refuses a second submit', async () => {
    const exam = await createExam({ passMark: 60, reviewPolicy: 'show_correctness' });
    const { attempt } = await attempts.startOrResumeAttempt(learner, exam.id);
    await attempts.saveAnswers(learner, attempt.id, {
      answers: [
        {
          questionId: questionId(attempt, 'Q1'),
          choiceIds: choicesOf(attempt, 'Q1', 'Q1 right'),
          revision: 1,
        },
        {
          questionId: questionId(attempt, 'Q2'),
          choiceIds: choicesOf(attempt, 'Q2', 'Q2 right A'),
          revision: 1,
        },
        {
          questionId: questionId(attempt, 'Q3'),
          choiceIds: choicesOf(attempt, 'Q3', 'False'),
          revision: 1,
        },
      ],
    });
    clock.advance(90_000);
    const result = await attempts.submitAttempt(learner, attempt.id);
    // 2 + 0 (partial multiple choice) + 1 of 4 = 75 % ≥ 60 %.
    assert.deepEqual(
      [result.state, result.score, result.maxScore, result.percentage, result.passed],
      ['submitted', 3, 4, 75, true],
    );
    assert.equal(result.durationSeconds, 90);
    assertNoAnswerKey(result);
    assert.deepEqual(
      result.questions?.map((question) => question.answeredCorrectly),
      [true, false, true],
    );

    await assert.rejects(attempts.submitAttempt(learner, attempt.id), { code: 'attempt_closed' });
    await assert.rejects(
      attempts.saveAnswers(learner, attempt.id, {
        answers: [{ questionId: questionId(attempt, 'Q1'), choiceIds: [], revision: 9 }],
      }),
      { code: 'attempt_closed' },
    );
    const view = await attempts.getAttempt(learner, attempt.id);
    assert.equal(view.state, 'submitted');
    assert.deepEqual(view.questions, []);
    assert.equal(view.result?.score, 3);
  });

  it('scores simultaneous submits of one attempt exactly once', async () => {
    const exam = await createExam();
    const { attempt } = await attempts.startOrResumeAttempt(learner, exam.id);
    const outcomes = await Promise.allSettled(
      Array.from({ length: 8 }, () => attempts.submitAttempt(learner, attempt.id)),
    );
    const fulfilled = outcomes.filter((outcome) => outcome.status === 'fulfilled');
    const rejected = outcomes.filter((outcome) => outcome.status === 'rejected');
    assert.equal(fulfilled.length, 1);
    for (const outcome of rejected) {
      assert.equal((outcome.reason as { code: string }).code, 'attempt_closed');
    }
  });

  it('opens one attempt when a learner starts twice at once', async () => {
    const exam = await createExam();
    const [a, b] = await Promise.all([
      attempts.startOrResumeAttempt(learner, exam.id),
      attempts.startOrResumeAttempt(learner, exam.id),
    ]);
    assert.equal(a.attempt.id, b.attempt.id);
    const rows = await database.db.selectFrom('attempts').select('id').execute();
    assert.equal(rows.length, 1);
  });

  it('answers another learner with attempt_not_found for read, save and submit', async () => {
    const exam = await createExam();
    const { attempt } = await attempts.startOrResumeAttempt(learner, exam.id);
    await assert.rejects(attempts.getAttempt(otherLearner, attempt.id), {
      code: 'attempt_not_found',
    });
    await assert.rejects(
      attempts.saveAnswers(otherLearner, attempt.id, {
        answers: [{ questionId: questionId(attempt, 'Q1'), choiceIds: [], revision: 1 }],
      }),
      { code: 'attempt_not_found' },
    );
    await assert.rejects(attempts.submitAttempt(otherLearner, attempt.id), {
      code: 'attempt_not_found',
    });
  });

  it('enforces the deadline and grades what was saved in time', async () => {
    const exam = await createExam({ timeLimitMinutes: 5, reviewPolicy: 'score_only' });
    const { attempt } = await attempts.startOrResumeAttempt(learner, exam.id);
    const q1 = questionId(attempt, 'Q1');
    await attempts.saveAnswers(learner, attempt.id, {
      answers: [{ questionId: q1, choiceIds: choicesOf(attempt, 'Q1', 'Q1 right'), revision: 1 }],
    });

    // Within the grace period a save still counts.
    clock.advance(5 * 60_000 + graceMs);
    await attempts.saveAnswers(learner, attempt.id, {
      answers: [
        {
          questionId: questionId(attempt, 'Q3'),
          choiceIds: choicesOf(attempt, 'Q3', 'False'),
          revision: 1,
        },
      ],
    });
    clock.advance(1);
    await assert.rejects(
      attempts.saveAnswers(learner, attempt.id, {
        answers: [{ questionId: q1, choiceIds: choicesOf(attempt, 'Q1', 'Q1 wrong'), revision: 2 }],
      }),
      { code: 'deadline_passed' },
    );
    const view = await attempts.getAttempt(learner, attempt.id);
    assert.equal(view.state, 'expired');
    const { result } = view;
    assert.ok(result);
    assert.equal(result.score, 3);
    assert.equal(result.submittedAt, '2026-11-22T10:05:00.000Z');
    assert.equal(result.durationSeconds, 300);
    assert.equal(result.questions, undefined);
    await assert.rejects(attempts.submitAttempt(learner, attempt.id), { code: 'attempt_closed' });
  });

  it('sweeps overdue attempts, once, and leaves the others alone', async () => {
    const timed = await createExam({ timeLimitMinutes: 1 });
    const untimed = await createExam();
    const overdue = await attempts.startOrResumeAttempt(learner, timed.id);
    const open = await attempts.startOrResumeAttempt(learner, untimed.id);
    clock.advance(30_000);
    const fresh = await attempts.startOrResumeAttempt(otherLearner, timed.id);
    await attempts.saveAnswers(learner, overdue.attempt.id, {
      answers: [
        {
          questionId: questionId(overdue.attempt, 'Q1'),
          choiceIds: choicesOf(overdue.attempt, 'Q1', 'Q1 right'),
          revision: 1,
        },
      ],
    });

    clock.advance(30_000 + graceMs + 1);
    assert.equal(await attempts.sweepExpiredAttempts(), 1);
    assert.equal(await attempts.sweepExpiredAttempts(), 0);
    const states = await database.db
      .selectFrom('attempts')
      .select(['id', 'state', 'score'])
      .execute();
    const byId = new Map(states.map((row) => [row.id, row]));
    assert.deepEqual(byId.get(overdue.attempt.id), {
      id: overdue.attempt.id,
      state: 'expired',
      score: 2,
    });
    assert.equal(byId.get(open.attempt.id)?.state, 'in_progress');
    assert.equal(byId.get(fresh.attempt.id)?.state, 'in_progress');
  });

  it('enforces max attempts, counting expired ones', async () => {
    const exam = await createExam({ maxAttempts: 2, timeLimitMinutes: 1 });
    const first = await attempts.startOrResumeAttempt(learner, exam.id);
    assert.deepEqual([first.attempt.number, first.attempt.maxAttempts], [1, 2]);
    await attempts.submitAttempt(learner, first.attempt.id);
    clock.advance(1000);
    const second = await attempts.startOrResumeAttempt(learner, exam.id);
    assert.deepEqual([second.attempt.number, second.attempt.maxAttempts], [2, 2]);
    assert.equal((await attempts.getAttempt(learner, second.attempt.id)).number, 2);
    clock.advance(10 * 60_000);
    // The second attempt expired; starting again grades it and finds no attempts left.
    await assert.rejects(attempts.startOrResumeAttempt(learner, exam.id), {
      code: 'max_attempts_reached',
    });
    const history = await attempts.listMyAttempts(learner, {});
    assert.deepEqual(
      history.items.map((item) => [item.state, item.number]),
      [
        ['expired', 2],
        ['submitted', 1],
      ],
    );
    const results = await attempts.listExamAttempts(author, exam.id, {});
    assert.deepEqual(results.items.map((item) => item.number).sort(), [1, 2]);
  });

  it('hides unpublished exams from learners and tells their author', async () => {
    const draft = await exams.createExam(author, { title: 'Draft' });
    await assert.rejects(attempts.startOrResumeAttempt(learner, draft.id), {
      code: 'exam_not_found',
    });
    await assert.rejects(attempts.startOrResumeAttempt(author, draft.id), {
      code: 'exam_not_published',
    });
  });

  it("lists an exam's graded attempts for its author only, and archives instead of deleting", async () => {
    const exam = await createExam();
    const { attempt } = await attempts.startOrResumeAttempt(learner, exam.id);
    await attempts.startOrResumeAttempt(otherLearner, exam.id);
    clock.advance(42_000);
    await attempts.submitAttempt(learner, attempt.id);

    const page = await attempts.listExamAttempts(author, exam.id, {});
    assert.deepEqual(
      page.items.map((row) => [row.learnerName, row.durationSeconds, row.score, row.maxScore]),
      [['Lena Learner', 42, 0, 4]],
    );
    await assert.rejects(attempts.listExamAttempts(otherAuthor, exam.id, {}), {
      code: 'exam_not_found',
    });
    await assert.rejects(attempts.listExamAttempts(learner, exam.id, {}), {
      code: 'exam_not_found',
    });

    assert.equal(await exams.deleteExam(author, exam.id), 'archived');
    assert.equal((await attempts.getAttempt(learner, attempt.id)).result?.score, 0);
  });
  it('keeps the questions, order and key an attempt started with, whatever the author changes', async () => {
    const exam = await createExam();
    const started = (await attempts.startOrResumeAttempt(learner, exam.id)).attempt;
    const order = started.questions.map((question) => question.text);
    // The author turns shuffling on, unpublishes, and rewrites Q1 so the other choice is right.
    await exams.updateExam(author, exam.id, { shuffleQuestions: true, shuffleChoices: true });
    await exams.unpublishExam(author, exam.id);
    const editable = await exams.getExamForEditing(author, exam.id);
    const q1 = editable.questions.find((question) => question.text === 'Q1');
    assert.ok(q1);
    await exams.replaceQuestion(author, exam.id, q1.id, {
      type: 'single_choice',
      text: 'Q1 rewritten',
      choices: [
        { text: 'Q1 right', correct: false },
        { text: 'Q1 wrong', correct: true },
      ],
    });

    const resumed = await attempts.getAttempt(learner, started.id);
    assert.deepEqual(
      resumed.questions.map((question) => question.text),
      order,
    );
    assert.deepEqual(resumed.questions, started.questions);
    await attempts.saveAnswers(learner, started.id, {
      answers: [
        {
          questionId: questionId(started, 'Q1'),
          choiceIds: choicesOf(started, 'Q1', 'Q1 right'),
          revision: 1,
        },
      ],
    });
    const result = await attempts.submitAttempt(learner, started.id);
    assert.equal(result.score, 2, 'graded on the key the attempt started with');
  });

  it('keeps max attempts when another start and submit land between counting and inserting', async () => {
    const exam = await createExam({ maxAttempts: 2 });
    const first = await attempts.startOrResumeAttempt(learner, exam.id);
    await attempts.submitAttempt(learner, first.attempt.id);
    // This start counts one attempt; before it inserts, the learner's other tab starts (the
    // second of two) and submits.
    let raced = false;
    class RacingAttempts extends AttemptsRepository {
      override async insertAttemptUnlessInProgress(
        attempt: Parameters<AttemptsRepository['insertAttemptUnlessInProgress']>[0],
      ) {
        if (!raced) {
          raced = true;
          const other = await attempts.startOrResumeAttempt(learner, exam.id);
          assert.equal(other.created, true);
          await attempts.submitAttempt(learner, other.attempt.id);
        }
        return super.insertAttemptUnlessInProgress(attempt);
      }
    }
    const racing = new AttemptsService(
      new RacingAttempts(database.db),
      createExamLookup(database.db),
      { clock },
    );
    await assert.rejects(racing.startOrResumeAttempt(learner, exam.id), {
      code: 'max_attempts_reached',
    });
    assert.ok(raced);
    const numbers = await database.db
      .selectFrom('attempts')
      .select('number')
      .where('exam_id', '=', exam.id)
      .orderBy('number')
      .execute();
    assert.deepEqual(
      numbers.map((row) => row.number),
      [1, 2],
    );
  });

  it('answers exam_not_found when the exam is deleted while a learner starts it', async () => {
    const exam = await createExam();
    // The delete lands between reading the exam and inserting the attempt.
    class RacingAttempts extends AttemptsRepository {
      override async insertAttemptUnlessInProgress(
        attempt: Parameters<AttemptsRepository['insertAttemptUnlessInProgress']>[0],
      ) {
        await database.db.deleteFrom('exams').where('id', '=', exam.id).execute();
        return super.insertAttemptUnlessInProgress(attempt);
      }
    }
    const racing = new AttemptsService(
      new RacingAttempts(database.db),
      createExamLookup(database.db),
      { clock },
    );
    await assert.rejects(racing.startOrResumeAttempt(learner, exam.id), { code: 'exam_not_found' });
  });
});
