import { LiveAnnouncer } from '@angular/cdk/a11y';
import type { OutputEmitterRef } from '@angular/core';
import { inject, signal } from '@angular/core';
import { ApiError } from '../core/http/api-error';
import { PAGE_NAVIGATION } from '../core/page-navigation';
import { isExpiredInteraction } from './interaction-api';
import { rateLimitCountdown } from './rate-limit';

/**
 * What the sign-in and sign-up forms do alike around a submission: follow the server on to the
 * provider, count down after a 429, hand an expired interaction to the page, and show and announce
 * a problem with the attempt as a whole. Call in an injection context.
 */
export function formSubmission(expired: OutputEmitterRef<void>) {
  const navigation = inject(PAGE_NAVIGATION);
  const announcer = inject(LiveAnnouncer);
  const problem = signal<string | null>(null);
  const leaving = signal(false);
  const announce = (message: string): void => {
    void announcer.announce(message, 'polite');
  };
  const rateLimit = rateLimitCountdown();

  return {
    rateLimit,
    /** A problem with the attempt as a whole, not with one field. */
    problem: problem.asReadonly(),
    /** Done: the browser is on its way to the provider, so the form stays disabled. */
    leaving: leaving.asReadonly(),
    /** Whether to send the form now: not while the server still refuses attempts. */
    begin(): boolean {
      if (rateLimit.active()) return false;
      problem.set(null);
      return true;
    },
    leave(redirectTo: string): void {
      leaving.set(true);
      navigation.assign(redirectTo);
    },
    /** Handles an expired interaction or a 429; `false` leaves the error to the form. */
    handled(error: unknown): boolean {
      if (isExpiredInteraction(error)) {
        expired.emit();
        return true;
      }
      if (error instanceof ApiError && error.code === 'rate_limited') {
        const seconds = error.retryAfterSeconds ?? 60;
        rateLimit.start(seconds);
        announce(`Too many attempts. Try again in ${seconds} seconds.`);
        return true;
      }
      return false;
    },
    showProblem(message: string): void {
      problem.set(message);
      announce(message);
    },
  };
}
