import { randomInt } from 'node:crypto';
import type { QuestionType } from '@assay/contracts';

/*
 * Per-attempt order of questions and choices. The attempt stores one random seed; the order is
 * a pure function of the seed and the exam's content, so a resumed attempt (another request,
 * another server instance) shows exactly the same order without storing it.
 */

/** A fresh seed for a new attempt: a non-negative 31-bit integer (fits an SQL `integer`). */
export function createShuffleSeed(): number {
  return randomInt(0, 2 ** 31);
}

/** splitmix32's finaliser: spreads the bits of a 32-bit value. */
function mix32(value: number): number {
  let z = value >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
  z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
  return (z ^ (z >>> 15)) >>> 0;
}

/** FNV-1a over a string's UTF-16 code units, for deriving independent seeds per question. */
function hashString(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) {
    hash = Math.imul(hash ^ text.charCodeAt(index), 0x01000193);
  }
  return hash >>> 0;
}

/** A deterministic generator of uniform 32-bit unsigned integers (sfc32). */
export function createRandomSource(seed: number): () => number {
  let a = mix32(seed);
  let b = mix32(a ^ 0x9e3779b9);
  let c = mix32(b ^ 0x85ebca6b);
  let counter = 1;
  const next = (): number => {
    const result = (((a + b) | 0) + counter) | 0;
    counter = (counter + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + result) | 0;
    return result >>> 0;
  };
  // Discard the first outputs, which still resemble the seed.
  for (let round = 0; round < 12; round++) next();
  return next;
}

const uint32Range = 2 ** 32;

/** A uniform integer in [0, bound) without modulo bias (rejection sampling). */
function uniformBelow(random: () => number, bound: number): number {
  const limit = uint32Range - (uint32Range % bound);
  for (;;) {
    const value = random();
    if (value < limit) return value % bound;
  }
}

/** A Fisher–Yates shuffle of a copy of `items`, deterministic for a seed. */
export function shuffleWithSeed<T>(items: readonly T[], seed: number): T[] {
  const result = [...items];
  const random = createRandomSource(seed);
  for (let index = result.length - 1; index > 0; index--) {
    const other = uniformBelow(random, index + 1);
    const item = result[index] as T;
    result[index] = result[other] as T;
    result[other] = item;
  }
  return result;
}

/** What ordering needs of a question: its id, type and choices (any extra fields are kept). */
export interface OrderableQuestion<C> {
  readonly id: string;
  readonly type: QuestionType;
  readonly choices: readonly C[];
}

/** Whether a question's choices may be shuffled: "True" then "False" is not an order to mix. */
function hasShuffleableChoices(type: QuestionType): boolean {
  return type !== 'true_false';
}

/** How an exam orders an attempt. */
export interface ShuffleSettings {
  readonly shuffleQuestions: boolean;
  readonly shuffleChoices: boolean;
}

/**
 * The attempt's order: questions (given in the author's order) shuffled when the exam says so,
 * and each question's choices shuffled with a seed derived from the attempt's seed and the
 * question's id — so one question's choice order does not depend on the others. True/false
 * questions keep the author's order of their two choices whatever the exam says.
 */
export function orderForAttempt<C, Q extends OrderableQuestion<C>>(
  questions: readonly Q[],
  seed: number,
  settings: ShuffleSettings,
): Q[] {
  const ordered = settings.shuffleQuestions ? shuffleWithSeed(questions, seed) : [...questions];
  if (!settings.shuffleChoices) return ordered;
  return ordered.map((question) =>
    hasShuffleableChoices(question.type)
      ? {
          ...question,
          choices: shuffleWithSeed(question.choices, mix32(seed ^ hashString(question.id))),
        }
      : question,
  );
}
