import { createHash } from 'node:crypto';
import type { QuestionType } from '@assay/contracts';
import type { QuestionRecord } from '../exams/exams.repository.ts';
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

/** A frozen question with its answer key: only grading and the review built from it read it. */
export interface AttemptQuestionSnapshot {
  readonly id: string;
  readonly type: QuestionType;
  readonly text: string;
  readonly points: number;
  readonly explanation: string;
  readonly choices: readonly {
    readonly id: string;
    readonly text: string;
    readonly correct: boolean;
  }[];
}

/** A question set ready to store: its id is the hash of its JSON. */
export interface FrozenQuestionSet {
  readonly id: string;
  readonly json: string;
  readonly questions: readonly AttemptQuestionSnapshot[];
}

/** An exam's questions as they are now (author's order, with the key), as a question set. */
export function freezeQuestionSet(questions: readonly QuestionRecord[]): FrozenQuestionSet {
  const frozen: AttemptQuestionSnapshot[] = questions.map((question) => ({
    id: question.id,
    type: question.type,
    text: question.text,
    points: question.points,
    explanation: question.explanation,
    choices: question.choices.map((choice) => ({
      id: choice.id,
      text: choice.text,
      correct: choice.correct,
    })),
  }));
  const json = JSON.stringify(frozen);
  return { id: createHash('sha256').update(json).digest('base64url'), json, questions: frozen };
}

/**
 * A new attempt's order of `questions` (a set's, in the author's order) for its seed, as stored
 * in `attempts.question_order`: `[[questionIndex, choiceIndex, …], …]`.
 */
export function orderOfAttempt(
  questions: readonly AttemptQuestionSnapshot[],
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
  questions: readonly AttemptQuestionSnapshot[],
  orderJson: string,
): AttemptQuestionSnapshot[] {
  const order = JSON.parse(orderJson) as unknown;
  if (!Array.isArray(order)) return [];
  const ordered: AttemptQuestionSnapshot[] = [];
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
export function parseQuestionSet(json: string): AttemptQuestionSnapshot[] {
  const parsed: unknown = JSON.parse(json);
  return Array.isArray(parsed) ? (parsed as AttemptQuestionSnapshot[]) : [];
}

/** Where question sets are kept (the attempts repository). */
export interface QuestionSetStore {
  /** Stores a set unless one with its id is there already. */
  saveQuestionSet(id: string, json: string, createdAt: string): Promise<void>;
  /** A set's JSON, or undefined if there is none with this id. */
  findQuestionSet(id: string): Promise<string | undefined>;
}

/**
 * Question sets with the parsed ones this instance has used kept in memory (least recently used
 * dropped first): the busy paths — reading, saving, submitting — then parse nothing but a short
 * order. Safe with any number of instances because a set never changes.
 */
export class QuestionSets {
  readonly #store: QuestionSetStore;
  readonly #capacity: number;
  readonly #parsed = new Map<string, readonly AttemptQuestionSnapshot[]>();

  constructor(store: QuestionSetStore, capacity = 256) {
    this.#store = store;
    this.#capacity = capacity;
  }

  /** Stores a set (a no-op if it is there) and keeps it at hand. */
  async save(set: FrozenQuestionSet, createdAt: string): Promise<void> {
    await this.#store.saveQuestionSet(set.id, set.json, createdAt);
    this.#remember(set.id, set.questions);
  }

  /** An attempt's questions, with the key, in its order. */
  async ofAttempt(attempt: {
    readonly id: string;
    readonly question_set_id: string;
    readonly question_order: string;
  }): Promise<AttemptQuestionSnapshot[]> {
    return inAttemptOrder(
      await this.#load(attempt.question_set_id, attempt.id),
      attempt.question_order,
    );
  }

  async #load(id: string, attemptId: string): Promise<readonly AttemptQuestionSnapshot[]> {
    const cached = this.#parsed.get(id);
    if (cached !== undefined) {
      this.#remember(id, cached);
      return cached;
    }
    const json = await this.#store.findQuestionSet(id);
    // The foreign key makes this impossible short of a damaged database.
    if (json === undefined) throw new Error(`Attempt ${attemptId} has no question set ${id}`);
    const questions = parseQuestionSet(json);
    this.#remember(id, questions);
    return questions;
  }

  #remember(id: string, questions: readonly AttemptQuestionSnapshot[]): void {
    this.#parsed.delete(id);
    this.#parsed.set(id, questions);
    if (this.#parsed.size > this.#capacity) {
      const oldest = this.#parsed.keys().next().value;
      if (oldest !== undefined) this.#parsed.delete(oldest);
    }
  }
}
