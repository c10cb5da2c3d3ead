import { createHash } from 'node:crypto';
import type { AttemptQuestion } from '@assay/contracts';
import { LRUCache } from 'lru-cache';
import { keyedQuestion, type KeyedQuestion, type QuestionRecord } from '../exams/index.ts';
import { orderForAttempt, type ShuffleSettings } from './shuffle.ts';

/*
 * An attempt's questions, frozen when it starts, so neither an edit of the exam after
 * unpublishing nor a change of its shuffle settings alters an attempt under way: the learner
 * keeps the questions and order they started with and is graded on them.
 *
 * The content (questions in the author's order, with the answer key) is a question set, stored
 * once per version of an exam and shared by every attempt at it (`question_sets`, keyed by the
 * SHA-256 of its JSON). The attempt itself stores only its order, as indexes into the set. A set
 * never changes once written, so every server instance may keep the ones it has read.
 */

/** A question set ready to store: its id is the hash of its JSON. */
export interface FrozenQuestionSet {
  readonly id: string;
  readonly json: string;
  readonly questions: readonly KeyedQuestion[];
}

/** An exam's questions as they are now (author's order, with the key), as a question set. */
export function freezeQuestionSet(questions: readonly QuestionRecord[]): FrozenQuestionSet {
  const frozen: KeyedQuestion[] = questions.map((question) => keyedQuestion(question));
  const json = JSON.stringify(frozen);
  return { id: createHash('sha256').update(json).digest('base64url'), json, questions: frozen };
}

/**
 * A new attempt's order of `questions` (a set's, in the author's order) for its seed, as stored
 * in `attempts.question_order`: `[[questionIndex, choiceIndex, …], …]`.
 */
export function orderOfAttempt(
  questions: readonly KeyedQuestion[],
  seed: number,
  settings: ShuffleSettings,
): string {
  const questionIndex = new Map(questions.map((question, index) => [question.id, index]));
  const order = orderForAttempt(questions, seed, settings).map((question) => {
    const index = questionIndex.get(question.id) ?? 0;
    const source = questions[index]?.choices ?? [];
    const choiceIndex = new Map(source.map((choice, position) => [choice.id, position]));
    return [index, ...question.choices.map((choice) => choiceIndex.get(choice.id) ?? 0)];
  });
  return JSON.stringify(order);
}

/** A set's questions in an attempt's stored order. Indexes outside the set are skipped. */
export function inAttemptOrder(
  questions: readonly KeyedQuestion[],
  orderJson: string,
): KeyedQuestion[] {
  const order = JSON.parse(orderJson) as unknown;
  if (!Array.isArray(order)) return [];
  const ordered: KeyedQuestion[] = [];
  for (const entry of order as unknown[]) {
    if (!Array.isArray(entry)) continue;
    const [index, ...choiceIndexes] = entry as number[];
    const question = questions[index ?? -1];
    if (question === undefined) continue;
    ordered.push({
      ...question,
      choices: choiceIndexes.flatMap((choice) => question.choices[choice] ?? []),
    });
  }
  return ordered;
}

/** Reads a stored question set. */
export function parseQuestionSet(json: string): KeyedQuestion[] {
  const parsed: unknown = JSON.parse(json);
  return Array.isArray(parsed) ? (parsed as KeyedQuestion[]) : [];
}

/** Where question sets are kept (the attempts repository). */
export interface QuestionSetStore {
  /** Stores a set unless one with its id is there already. */
  saveQuestionSet(id: string, json: string, createdAt: string): Promise<void>;
  /** A set's JSON, or undefined if there is none with this id. */
  findQuestionSet(id: string): Promise<string | undefined>;
}

/** Freezes `value` and everything in it: cached questions are shared by every request. */
function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const member of Object.values(value)) deepFreeze(member);
  }
  return value;
}

const learnerQuestions = new WeakMap<readonly KeyedQuestion[], readonly AttemptQuestion[]>();

/**
 * Questions as the learner sees them while taking the exam: field by field, so the answer key
 * and explanations stay on the server. For frozen (cached) questions the result is made once and
 * frozen too, so that its JSON can be kept as well (see `attempt-view-json.ts`).
 */
export function forLearner(ordered: readonly KeyedQuestion[]): readonly AttemptQuestion[] {
  const known = learnerQuestions.get(ordered);
  if (known !== undefined) return known;
  const shown = ordered.map((question, index) => ({
    id: question.id,
    position: index + 1,
    type: question.type,
    text: question.text,
    points: question.points,
    choices: question.choices.map((choice) => ({ id: choice.id, text: choice.text })),
  }));
  if (!Object.isFrozen(ordered)) return shown;
  learnerQuestions.set(ordered, deepFreeze(shown));
  return shown;
}

/** How many of each kind `QuestionSets` keeps in memory. */
export interface QuestionSetsCapacity {
  /** Parsed sets (one per version of an exam in use). */
  readonly sets: number;
  /** Sets in one attempt's order (one per attempt when the exam shuffles), ~20 KB each. */
  readonly orders: number;
}

/**
 * Question sets with the parsed ones this instance has used kept in memory, and the orders of
 * the attempts it has served (least recently used dropped first): the busy paths — reading,
 * saving, submitting — then parse and reorder nothing. Safe with any number of instances
 * because neither a set nor an attempt's order ever changes. What is kept is frozen.
 */
export class QuestionSets {
  readonly #store: QuestionSetStore;
  readonly #parsed: LRUCache<string, readonly KeyedQuestion[]>;
  readonly #ordered: LRUCache<string, readonly KeyedQuestion[]>;

  constructor(
    store: QuestionSetStore,
    capacity: QuestionSetsCapacity = { sets: 256, orders: 1024 },
  ) {
    this.#store = store;
    this.#parsed = new LRUCache({ max: capacity.sets });
    this.#ordered = new LRUCache({ max: capacity.orders });
  }

  /** Stores a set (a no-op if it is there) and keeps it at hand. */
  async save(set: FrozenQuestionSet, createdAt: string): Promise<void> {
    await this.#store.saveQuestionSet(set.id, set.json, createdAt);
    this.#parsed.set(set.id, deepFreeze(set.questions));
  }

  /** An attempt's questions, with the key, in its order (frozen: shared by every caller). */
  async ofAttempt(attempt: {
    readonly id: string;
    readonly question_set_id: string;
    readonly question_order: string;
  }): Promise<readonly KeyedQuestion[]> {
    // A set id is base64url, so the separator cannot occur in it.
    const key = `${attempt.question_set_id} ${attempt.question_order}`;
    const known = this.#ordered.get(key);
    if (known !== undefined) return known;
    const ordered = deepFreeze(
      inAttemptOrder(await this.#load(attempt.question_set_id, attempt.id), attempt.question_order),
    );
    this.#ordered.set(key, ordered);
    return ordered;
  }

  async #load(id: string, attemptId: string): Promise<readonly KeyedQuestion[]> {
    const cached = this.#parsed.get(id);
    if (cached !== undefined) return cached;
    const json = await this.#store.findQuestionSet(id);
    // The foreign key makes this impossible short of a damaged database.
    if (json === undefined) throw new Error(`Attempt ${attemptId} has no question set ${id}`);
    const questions = deepFreeze(parseQuestionSet(json));
    this.#parsed.set(id, questions);
    return questions;
  }
}
