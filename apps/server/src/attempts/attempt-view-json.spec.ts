import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AttemptView, type AttemptQuestion } from '@assay/contracts';
import fastJson from 'fast-json-stringify';
import { serializeAttemptView } from './attempt-view-json.ts';

// What the route's response schema makes of a view without the kept questions.
const bySchema = fastJson(AttemptView);

/** A question whose text getter counts its reads, carrying members no learner may see. */
function countedQuestion(n: number, reads: { count: number }): AttemptQuestion {
  const question = {
    id: `q${String(n)}`,
    position: n,
    type: 'single_choice',
    get text() {
      reads.count++;
      return `Question "${String(n)}" \u2028 </script> \ud800 é`;
    },
    points: 2,
    choices: [
      { id: `q${String(n)}-a`, text: 'A', correct: true },
      { id: `q${String(n)}-b`, text: 'B', correct: false },
    ],
    explanation: 'SECRET',
  };
  return question as AttemptQuestion;
}

function viewWith(questions: AttemptQuestion[]): AttemptView {
  const view = {
    id: 'attempt-1',
    examId: 'exam-1',
    examTitle: 'An exam',
    state: 'in_progress',
    number: 2,
    maxAttempts: 3,
    startedAt: '2026-12-02T10:00:00.000Z',
    deadline: null,
    serverNow: '2026-12-02T10:05:00.000Z',
    questionCount: questions.length,
    answeredCount: 1,
    questions,
    answers: [{ questionId: 'q1', choiceIds: ['q1-a'], revision: 3 }],
    result: null,
    answerKey: 'SECRET',
  };
  return view as AttemptView;
}

describe('serializeAttemptView', () => {
  it('writes what the response schema writes, and nothing it does not name', () => {
    const reads = { count: 0 };
    const view = viewWith([countedQuestion(1, reads), countedQuestion(2, reads)]);
    const json = serializeAttemptView(view);
    assert.deepStrictEqual(JSON.parse(json), JSON.parse(bySchema(view)));
    assert.doesNotMatch(json, /SECRET|correct/);
    assert.equal((JSON.parse(json) as { questions: unknown[] }).questions.length, 2);
  });

  it('serializes frozen questions once, and questions that may change every time', () => {
    const reads = { count: 0 };
    const frozen = Object.freeze([countedQuestion(1, reads), countedQuestion(2, reads)]);
    const expected = JSON.parse(bySchema(viewWith(frozen as AttemptQuestion[]))) as object;
    reads.count = 0;
    const first = serializeAttemptView(viewWith(frozen as AttemptQuestion[]));
    assert.equal(reads.count, 2);
    const again = viewWith(frozen as AttemptQuestion[]);
    again.answeredCount = 2;
    const second = serializeAttemptView(again);
    assert.equal(reads.count, 2, 'the kept JSON is used');
    // Kept, and made flat, it is still exactly what the schema writes (odd characters too).
    assert.deepStrictEqual(JSON.parse(first), expected);
    assert.deepStrictEqual(JSON.parse(second), { ...expected, answeredCount: 2 });

    const loose = [countedQuestion(1, reads)];
    serializeAttemptView(viewWith(loose));
    loose.push(countedQuestion(2, reads));
    const changed = JSON.parse(serializeAttemptView(viewWith(loose))) as AttemptView;
    assert.equal(reads.count, 5);
    assert.deepEqual(
      changed.questions.map((question) => question.id),
      ['q1', 'q2'],
    );
  });

  it('writes a graded view, whose questions are empty', () => {
    const view = viewWith([]);
    view.state = 'submitted';
    const json = serializeAttemptView(view);
    assert.deepStrictEqual(JSON.parse(json), JSON.parse(bySchema(view)));
    assert.deepEqual((JSON.parse(json) as AttemptView).questions, []);
  });
});
