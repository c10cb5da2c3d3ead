import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { QuestionRecord } from '../exams/exams.repository.ts';
import {
  QuestionSets,
  forLearner,
  freezeQuestionSet,
  inAttemptOrder,
  orderOfAttempt,
  type QuestionSetStore,
} from './attempt-questions.ts';
import { orderForAttempt } from './shuffle.ts';

function record(n: number, choices: number, type: QuestionRecord['type'] = 'single_choice') {
  return {
    id: `q${n}`,
    examId: 'exam',
    position: n,
    type,
    text: `Question ${n}`,
    points: n,
    explanation: `Because ${n}`,
    choices: Array.from({ length: choices }, (_, c) => ({
      id: `q${n}-c${c}`,
      questionId: `q${n}`,
      position: c + 1,
      text: `Choice ${c}`,
      correct: c === 0,
    })),
  } satisfies QuestionRecord;
}

const records = [record(1, 4), record(2, 2, 'true_false'), record(3, 5), record(4, 3)];
const shuffleAll = { shuffleQuestions: true, shuffleChoices: true };

/** A store that counts its reads. */
class CountingStore implements QuestionSetStore {
  readonly sets = new Map<string, string>();
  reads = 0;

  saveQuestionSet(id: string, json: string): Promise<void> {
    if (!this.sets.has(id)) this.sets.set(id, json);
    return Promise.resolve();
  }

  findQuestionSet(id: string): Promise<string | undefined> {
    this.reads++;
    return Promise.resolve(this.sets.get(id));
  }
}

describe('attempt questions', () => {
  it('names a question set by its content', () => {
    const set = freezeQuestionSet(records);
    assert.equal(set.id, freezeQuestionSet(records).id);
    assert.notEqual(set.id, freezeQuestionSet([...records].reverse()).id);
    const edited = [{ ...records[0], text: 'Edited' } as QuestionRecord, ...records.slice(1)];
    assert.notEqual(set.id, freezeQuestionSet(edited).id);
    assert.deepEqual(JSON.parse(set.json), set.questions);
  });

  it('stores an attempt’s order as indexes and reads back exactly the shuffled questions', () => {
    const set = freezeQuestionSet(records);
    for (const seed of [1, 2, 3, 42, 2 ** 31 - 1]) {
      const order = orderOfAttempt(set.questions, seed, shuffleAll);
      assert.deepEqual(
        inAttemptOrder(set.questions, order),
        orderForAttempt(set.questions, seed, shuffleAll),
      );
      assert.ok(!order.includes('q1'), 'indexes, not ids');
    }
    const unshuffled = orderOfAttempt(set.questions, 5, {
      shuffleQuestions: false,
      shuffleChoices: false,
    });
    assert.equal(unshuffled, '[[0,0,1,2,3],[1,0,1],[2,0,1,2,3,4],[3,0,1,2]]');
  });

  it('skips indexes outside the set instead of inventing questions', () => {
    const set = freezeQuestionSet(records);
    const ordered = inAttemptOrder(set.questions, '[[9,0],[1,1,0,7],"x"]');
    assert.deepEqual(
      ordered.map((question) => [question.id, question.choices.map((choice) => choice.id)]),
      [['q2', ['q2-c1', 'q2-c0']]],
    );
  });

  it('reads a set from the store once and then from memory, within its capacity', async () => {
    const store = new CountingStore();
    // One order kept: the sets are what is counted here.
    const sets = new QuestionSets(store, { sets: 2, orders: 1 });
    const frozen = [1, 2, 3].map((n) => freezeQuestionSet([record(n, 2)]));
    for (const set of frozen) await store.saveQuestionSet(set.id, set.json);
    const attemptOf = (n: number) => ({
      id: `attempt-${n}`,
      question_set_id: frozen[n]?.id ?? '',
      question_order: '[[0,1,0]]',
    });

    assert.equal((await sets.ofAttempt(attemptOf(0)))[0]?.id, 'q1');
    assert.equal((await sets.ofAttempt(attemptOf(0)))[0]?.choices[0]?.id, 'q1-c1');
    assert.equal(store.reads, 1);
    await sets.ofAttempt(attemptOf(1));
    await sets.ofAttempt(attemptOf(0)); // used last: kept when a third arrives
    await sets.ofAttempt(attemptOf(2));
    assert.equal(store.reads, 3);
    await sets.ofAttempt(attemptOf(0));
    assert.equal(store.reads, 3);
    await sets.ofAttempt(attemptOf(1)); // the least recently used, dropped
    assert.equal(store.reads, 4);
  });

  it('keeps an attempt in its order, frozen, and shows the learner the same questions once', async () => {
    const store = new CountingStore();
    const sets = new QuestionSets(store, { sets: 4, orders: 2 });
    const set = freezeQuestionSet(records);
    await sets.save(set, '2026-12-01T10:00:00.000Z');
    const attempt = (id: string, seed: number) => ({
      id,
      question_set_id: set.id,
      question_order: orderOfAttempt(set.questions, seed, shuffleAll),
    });
    const orders = new Set([9, 1, 2].map((seed) => attempt('x', seed).question_order));
    assert.equal(orders.size, 3);
    const first = await sets.ofAttempt(attempt('a', 9));
    assert.equal(await sets.ofAttempt(attempt('a', 9)), first);
    assert.deepEqual(first, inAttemptOrder(set.questions, attempt('a', 9).question_order));
    assert.ok(Object.isFrozen(first) && Object.isFrozen(first[0]?.choices[0]));
    assert.throws(() => Array.prototype.pop.call(first), TypeError);

    const shown = forLearner(first);
    assert.equal(forLearner(first), shown);
    assert.ok(Object.isFrozen(shown) && Object.isFrozen(shown[0]?.choices[0]));
    assert.deepEqual(
      shown.map((question) => [question.id, question.position, Object.keys(question)]),
      first.map((question, index) => [
        question.id,
        index + 1,
        ['id', 'position', 'type', 'text', 'points', 'choices'],
      ]),
    );
    for (const question of shown) {
      for (const choice of question.choices) assert.deepEqual(Object.keys(choice), ['id', 'text']);
    }
    // Questions not from the cache are not kept: they could still change.
    const loose = inAttemptOrder(set.questions, attempt('a', 9).question_order);
    assert.notEqual(forLearner(loose), forLearner(loose));

    await sets.ofAttempt(attempt('b', 1));
    await sets.ofAttempt(attempt('c', 2)); // 'a' was used least recently: dropped
    assert.notEqual(await sets.ofAttempt(attempt('a', 9)), first);
    assert.equal(store.reads, 0);
  });

  it('keeps a set it saved at hand, and fails loudly on a missing one', async () => {
    const store = new CountingStore();
    const sets = new QuestionSets(store);
    const set = freezeQuestionSet(records);
    await sets.save(set, '2026-12-01T10:00:00.000Z');
    assert.equal(store.sets.get(set.id), set.json);
    const order = orderOfAttempt(set.questions, 9, shuffleAll);
    await sets.ofAttempt({ id: 'a', question_set_id: set.id, question_order: order });
    assert.equal(store.reads, 0);
    await assert.rejects(
      sets.ofAttempt({ id: 'b', question_set_id: 'missing', question_order: order }),
      /Attempt b has no question set missing/,
    );
  });
});
