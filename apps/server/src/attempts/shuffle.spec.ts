import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createShuffleSeed, orderForAttempt, shuffleWithSeed } from './shuffle.ts';

const items = ['a', 'b', 'c', 'd'];

describe('shuffleWithSeed', () => {
  it('gives the same order for the same seed, and keeps every item', () => {
    const first = shuffleWithSeed(items, 12345);
    assert.deepEqual(shuffleWithSeed(items, 12345), first);
    assert.deepEqual([...first].sort(), items);
    assert.deepEqual(items, ['a', 'b', 'c', 'd'], 'the input is not modified');
  });

  it('gives different orders for different seeds', () => {
    const orders = new Set<string>();
    for (let seed = 0; seed < 50; seed++) orders.add(shuffleWithSeed(items, seed).join(''));
    assert.ok(orders.size > 15, `only ${String(orders.size)} distinct orders of 24`);
  });

  it('is roughly uniform over all permutations (chi-square, 23 degrees of freedom)', () => {
    const runs = 24_000;
    const counts = new Map<string, number>();
    for (let seed = 0; seed < runs; seed++) {
      const key = shuffleWithSeed(items, seed).join('');
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    assert.equal(counts.size, 24);
    const expected = runs / 24;
    let chiSquare = 0;
    for (const count of counts.values()) chiSquare += (count - expected) ** 2 / expected;
    // p = 0.001 critical value for 23 degrees of freedom is 49.7.
    assert.ok(chiSquare < 49.7, `chi-square ${chiSquare.toFixed(1)}`);
  });

  it('puts each item in each place about equally often', () => {
    const runs = 10_000;
    const firstPlace = new Map<string, number>();
    for (let seed = 0; seed < runs; seed++) {
      const first = shuffleWithSeed(items, seed * 7919 + 1)[0] ?? '';
      firstPlace.set(first, (firstPlace.get(first) ?? 0) + 1);
    }
    for (const item of items) {
      const share = (firstPlace.get(item) ?? 0) / runs;
      assert.ok(Math.abs(share - 0.25) < 0.03, `${item} first in ${share.toFixed(3)} of runs`);
    }
  });
});

describe('orderForAttempt', () => {
  const questions = Array.from({ length: 8 }, (_, index) => ({
    id: `question-${String(index)}`,
    type: index % 2 === 0 ? ('single_choice' as const) : ('multiple_choice' as const),
    choices: ['w', 'x', 'y', 'z'].map((text) => ({ id: `${String(index)}-${text}`, text })),
  }));

  it('keeps the author order when shuffling is off', () => {
    assert.deepEqual(
      orderForAttempt(questions, 99, { shuffleQuestions: false, shuffleChoices: false }),
      questions,
    );
  });

  it('shuffles questions and choices stably for one attempt', () => {
    const settings = { shuffleQuestions: true, shuffleChoices: true };
    const first = orderForAttempt(questions, 424242, settings);
    assert.deepEqual(orderForAttempt(questions, 424242, settings), first);
    assert.notDeepEqual(
      first.map((question) => question.id),
      questions.map((question) => question.id),
    );
    const choiceOrders = new Set(
      first.map((question) => question.choices.map((choice) => choice.text).join('')),
    );
    assert.ok(choiceOrders.size > 1, 'questions do not all share one choice order');
  });

  it('keeps "True" before "False" when choices are shuffled, and still shuffles the others', () => {
    const trueFalse = Array.from({ length: 4 }, (_, index) => ({
      id: `statement-${String(index)}`,
      type: 'true_false' as const,
      choices: ['True', 'False'].map((text) => ({ id: `tf-${String(index)}-${text}`, text })),
    }));
    const settings = { shuffleQuestions: true, shuffleChoices: true };
    const otherOrders = new Map<string, Set<string>>();
    const questionOrders = new Set<string>();
    for (let seed = 0; seed < 200; seed++) {
      const ordered = orderForAttempt([...questions, ...trueFalse], seed * 7919 + 3, settings);
      questionOrders.add(ordered.map((question) => question.id).join());
      for (const question of ordered) {
        const texts = question.choices.map((choice) => choice.text).join('');
        if (question.type === 'true_false') {
          assert.equal(texts, 'TrueFalse', `${question.id} with seed ${String(seed)}`);
        } else {
          otherOrders.set(question.id, (otherOrders.get(question.id) ?? new Set()).add(texts));
        }
      }
    }
    // Each single and multiple choice question shows many of its 24 orders; questions still move.
    for (const [id, orders] of otherOrders)
      assert.ok(orders.size > 15, `${id}: ${String(orders.size)}`);
    assert.equal(otherOrders.size, questions.length);
    assert.ok(questionOrders.size > 100, 'the question order is still shuffled');
  });

  it('makes seeds that fit a signed 32-bit column', () => {
    for (let index = 0; index < 100; index++) {
      const seed = createShuffleSeed();
      assert.ok(Number.isInteger(seed) && seed >= 0 && seed < 2 ** 31);
    }
  });
});
