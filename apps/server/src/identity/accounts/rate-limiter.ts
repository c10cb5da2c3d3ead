import { DomainError } from '../../platform/errors.ts';
import type { RateLimitsRepository } from './rate-limits.repository.ts';

/** One limit: at most `max` events per `windowSeconds`. */
export interface Limit {
  readonly max: number;
  readonly windowSeconds: number;
}

/** Sign-in and sign-up limits (per the product brief: per account and per client address). */
export const SIGN_IN_FAILURES_PER_ACCOUNT: Limit = { max: 5, windowSeconds: 15 * 60 };
export const SIGN_IN_FAILURES_PER_ADDRESS: Limit = { max: 20, windowSeconds: 15 * 60 };
export const SIGN_UPS_PER_ADDRESS: Limit = { max: 10, windowSeconds: 60 * 60 };
/** Refused sign-ups (bad fields, taken) for one username or one email address. */
export const SIGN_UP_REFUSALS_PER_ACCOUNT: Limit = { max: 5, windowSeconds: 15 * 60 };

/** Too many attempts (429 `rate_limited`); `retryAfter` seconds go in `Retry-After`. */
export class RateLimitedError extends DomainError {
  readonly retryAfter: number;

  constructor(retryAfter: number) {
    super('rate_limited', `Too many attempts. Try again in ${retryAfter} s.`, { retryAfter });
    this.retryAfter = retryAfter;
  }
}

/** Attempts counted by {@link RateLimiter.reserve}. */
export interface Reservation {
  /** Takes the attempts back (once): they do not count. */
  release(): Promise<void>;
}

/**
 * Fixed-window limits kept in the database (`rate_limits`), so every instance sees the same
 * counts and no per-user state lives in memory.
 */
export class RateLimiter {
  readonly #repository: RateLimitsRepository;
  readonly #now: () => Date;

  constructor(repository: RateLimitsRepository, now: () => Date = () => new Date()) {
    this.#repository = repository;
    this.#now = now;
  }

  /**
   * Counts one attempt against each key before the work it limits, and throws
   * {@link RateLimitedError} (giving back what it counted) when any limit is already full.
   * Counting and checking are one atomic statement per key, so parallel requests cannot all
   * read "under the limit": at most `max` attempts per window get through, whether they end
   * or are still running. The attempt stays counted unless the returned reservation is
   * released (an attempt that turned out not to count, like a correct password).
   */
  async reserve(entries: readonly (readonly [string, Limit])[]): Promise<Reservation> {
    const now = this.#now();
    const taken: (readonly [string, number])[] = [];
    let retryAfter = 0;
    for (const [key, limit] of entries) {
      const state = await this.#repository.hit(key, limit.windowSeconds, now);
      if (state.count > limit.max) {
        retryAfter = Math.max(retryAfter, Math.ceil((state.resetsAt - now.getTime()) / 1000));
      } else {
        taken.push([key, state.resetsAt]);
      }
    }
    const reservation: Reservation = {
      release: async () => {
        for (const [key, resetsAt] of taken.splice(0)) {
          await this.#repository.release(key, resetsAt);
        }
      },
    };
    if (retryAfter > 0) {
      await reservation.release();
      throw new RateLimitedError(retryAfter);
    }
    return reservation;
  }

  /**
   * Counts one event and throws {@link RateLimitedError} if that went over a limit (for
   * events that are limited whatever their outcome, like sign-ups).
   */
  async consume(entries: readonly (readonly [string, Limit])[]): Promise<void> {
    const now = this.#now();
    let retryAfter = 0;
    for (const [key, limit] of entries) {
      const state = await this.#repository.hit(key, limit.windowSeconds, now);
      if (state.count > limit.max) {
        retryAfter = Math.max(retryAfter, Math.ceil((state.resetsAt - now.getTime()) / 1000));
      }
    }
    if (retryAfter > 0) throw new RateLimitedError(retryAfter);
  }

  async reset(key: string): Promise<void> {
    await this.#repository.reset(key);
  }
}
