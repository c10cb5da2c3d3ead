import { DomainError } from '../platform/errors.ts';
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

  /** Throws {@link RateLimitedError} when any of `keys` has reached its limit. */
  async assertUnder(entries: readonly (readonly [string, Limit])[]): Promise<void> {
    const now = this.#now();
    let retryAfter = 0;
    for (const [key, limit] of entries) {
      const state = await this.#repository.peek(key, now);
      if (state !== undefined && state.count >= limit.max) {
        retryAfter = Math.max(retryAfter, Math.ceil((state.resetsAt - now.getTime()) / 1000));
      }
    }
    if (retryAfter > 0) throw new RateLimitedError(retryAfter);
  }

  /** Counts one event against each key. */
  async hit(entries: readonly (readonly [string, Limit])[]): Promise<void> {
    const now = this.#now();
    for (const [key, limit] of entries) await this.#repository.hit(key, limit.windowSeconds, now);
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
