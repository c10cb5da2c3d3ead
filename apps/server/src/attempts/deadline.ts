/** The source of the current time; tests pass a controllable one. */
export interface Clock {
  now(): Date;
}

/** The machine's clock. */
export const systemClock: Clock = { now: () => new Date() };

/**
 * Slack after the deadline during which saves and submits still count as on time, so an answer
 * clicked just before the countdown hit zero survives the network. Not shown to clients.
 */
export const DEADLINE_GRACE_MS = 2_000;

/** When an attempt started at `startedAt` must end; `null` when the exam has no time limit. */
export function deadlineFor(startedAt: Date, timeLimitMinutes: number | null): Date | null {
  if (timeLimitMinutes === null) return null;
  return new Date(startedAt.getTime() + timeLimitMinutes * 60_000);
}

/**
 * Whether `now` is past the deadline plus the grace period. At exactly `deadline + grace` the
 * attempt is still on time. No deadline is never past.
 */
export function isPastDeadline(
  deadline: string | null,
  now: Date,
  graceMs: number = DEADLINE_GRACE_MS,
): boolean {
  if (deadline === null) return false;
  return now.getTime() > Date.parse(deadline) + graceMs;
}

/**
 * The latest deadline that counts as passed at `now`, as ISO text: an in-progress attempt whose
 * deadline is strictly before it is overdue. Matches `isPastDeadline`, for queries.
 */
export function overdueBefore(now: Date, graceMs: number = DEADLINE_GRACE_MS): string {
  return new Date(now.getTime() - graceMs).toISOString();
}

/**
 * The state a closed attempt gets: `submitted` when the learner submitted in time, `expired`
 * when it was closed past its deadline (graded with what was saved, either way).
 */
export function closingState(
  deadline: string | null,
  now: Date,
  graceMs: number = DEADLINE_GRACE_MS,
): 'submitted' | 'expired' {
  return isPastDeadline(deadline, now, graceMs) ? 'expired' : 'submitted';
}

/** Whole seconds from `startedAt` to `endedAt` (never negative). */
export function durationSeconds(startedAt: string, endedAt: string): number {
  return Math.max(0, Math.floor((Date.parse(endedAt) - Date.parse(startedAt)) / 1000));
}
