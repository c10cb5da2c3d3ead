import { Injectable, inject } from '@angular/core';
import type { SavedAnswer } from '@assay/contracts';
import { SignedInStorage } from '../core/auth/signed-in-storage';

/** What the browser keeps about one attempt in progress. */
interface Remembered {
  /** Answers chosen but not yet confirmed by the server. */
  readonly unsaved: readonly SavedAnswer[];
  /** Where the learner was: a question number ("3") or "review". */
  readonly place: string | null;
}

const KEY_PREFIX = 'attempt:';

/**
 * The browser's own copy of an attempt in progress, so that closing the tab, a crash or a sign-in
 * in the middle of a lost connection loses nothing: the answers the server has not confirmed yet
 * (sent again on return; their revisions keep a newer answer from another device winning) and
 * the question the learner was on. In `localStorage`, which outlives the tab; only choice ids and
 * a question number, never anything about the answer key. Forgotten when the attempt ends, and
 * with every other attempt's at sign-out (`SignedInStorage`).
 */
@Injectable({ providedIn: 'root' })
export class AttemptMemory {
  private readonly storage = inject(SignedInStorage);

  unsavedAnswers(attemptId: string): SavedAnswer[] {
    return [...this.read(attemptId).unsaved];
  }

  rememberUnsaved(attemptId: string, answers: readonly SavedAnswer[]): void {
    this.write(attemptId, { ...this.read(attemptId), unsaved: answers });
  }

  place(attemptId: string): string | null {
    return this.read(attemptId).place;
  }

  rememberPlace(attemptId: string, place: string): void {
    this.write(attemptId, { ...this.read(attemptId), place });
  }

  forget(attemptId: string): void {
    this.storage.removeItem(KEY_PREFIX + attemptId);
  }

  private read(attemptId: string): Remembered {
    let parsed: unknown;
    try {
      parsed = JSON.parse(this.storage.getItem(KEY_PREFIX + attemptId) ?? 'null');
    } catch {
      parsed = null;
    }
    const value = (typeof parsed === 'object' && parsed !== null ? parsed : {}) as {
      unsaved?: unknown;
      place?: unknown;
    };
    return {
      unsaved: Array.isArray(value.unsaved) ? value.unsaved.filter(isSavedAnswer) : [],
      place: typeof value.place === 'string' ? value.place : null,
    };
  }

  private write(attemptId: string, value: Remembered): void {
    // A full or refused storage keeps nothing; the server's copy and the retries still stand.
    if (value.unsaved.length === 0 && value.place === null) {
      this.storage.removeItem(KEY_PREFIX + attemptId);
    } else {
      this.storage.setItem(KEY_PREFIX + attemptId, JSON.stringify(value));
    }
  }
}

function isSavedAnswer(value: unknown): value is SavedAnswer {
  if (typeof value !== 'object' || value === null) return false;
  const answer = value as Partial<Record<keyof SavedAnswer, unknown>>;
  return (
    typeof answer.questionId === 'string' &&
    Array.isArray(answer.choiceIds) &&
    answer.choiceIds.every((id) => typeof id === 'string') &&
    typeof answer.revision === 'number' &&
    Number.isSafeInteger(answer.revision) &&
    answer.revision >= 0
  );
}
