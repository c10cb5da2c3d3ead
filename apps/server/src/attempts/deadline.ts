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
 * How a closing attempt ends (graded with what was saved, either way): `expired`, at its
 * deadline, when its time ran out — it is closed past the deadline plus grace, or the client says
 * its countdown reached zero (`timeUp`), whenever that reaches the server; else `submitted`, now.
 * The grace keeps a submit the learner pressed just before zero `submitted`, which is why the
 * client's word is needed to tell a time-out inside the grace from it. Never later than `now`:
 * a countdown that reached zero early on a skewed clock ends the attempt when it says so.
 */
export function closingOf(
  deadline: string | null,
  now: Date,
  graceMs: number = DEADLINE_GRACE_MS,
  timeUp = false,
): { state: 'submitted' | 'expired'; endedAt: string } {
  const nowText = now.toISOString();
  if (deadline === null || !(timeUp || isPastDeadline(deadline, now, graceMs))) {
    return { state: 'submitted', endedAt: nowText };
  }
  return { state: 'expired', endedAt: Date.parse(deadline) < now.getTime() ? deadline : nowText };
}

/** Whole seconds from `startedAt` to `endedAt` (never negative). */
export function durationSeconds(startedAt: string, endedAt: string): number {
  return Math.max(0, Math.floor((Date.parse(endedAt) - Date.parse(startedAt)) / 1000));
}
