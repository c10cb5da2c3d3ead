import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  closingOf,
  deadlineFor,
  durationSeconds,
  isPastDeadline,
  overdueBefore,
} from './deadline.ts';

const start = new Date('2026-11-22T10:00:00.000Z');

describe('deadlines', () => {
  it('is the start plus the time limit, or none', () => {
    assert.equal(deadlineFor(start, 30)?.toISOString(), '2026-11-22T10:30:00.000Z');
    assert.equal(deadlineFor(start, null), null);
  });

  it('counts as passed only after deadline plus grace', () => {
    const deadline = '2026-11-22T10:30:00.000Z';
    assert.equal(isPastDeadline(deadline, new Date('2026-11-22T10:30:02.000Z'), 2000), false);
    assert.equal(isPastDeadline(deadline, new Date('2026-11-22T10:30:02.001Z'), 2000), true);
    assert.equal(isPastDeadline(null, new Date('2999-01-01T00:00:00.000Z'), 0), false);
  });

  it('agrees with the query bound used by the sweep', () => {
    const deadline = '2026-11-22T10:30:00.000Z';
    for (const now of [
      '2026-11-22T10:30:01.999Z',
      '2026-11-22T10:30:02.000Z',
      '2026-11-22T10:30:02.001Z',
    ]) {
      const date = new Date(now);
      assert.equal(deadline < overdueBefore(date, 2000), isPastDeadline(deadline, date, 2000), now);
    }
  });

  it('closes late attempts as expired at the deadline and timely ones as submitted now', () => {
    const deadline = '2026-11-22T10:30:00.000Z';
    const at = (now: string, timeUp = false) => closingOf(deadline, new Date(now), 2000, timeUp);
    assert.deepEqual(at('2026-11-22T10:29:00.000Z'), {
      state: 'submitted',
      endedAt: '2026-11-22T10:29:00.000Z',
    });
    // Pressed just before zero, arriving inside the grace: the learner's submit.
    assert.deepEqual(at('2026-11-22T10:30:01.000Z'), {
      state: 'submitted',
      endedAt: '2026-11-22T10:30:01.000Z',
    });
    assert.deepEqual(at('2026-11-22T10:31:00.000Z'), { state: 'expired', endedAt: deadline });
    assert.deepEqual(
      closingOf(null, new Date('2030-01-01T00:00:00.000Z'), 0, true).state,
      'submitted',
    );
  });

  it('closes as expired when the countdown reached zero, never ending later than now', () => {
    const deadline = '2026-11-22T10:30:00.000Z';
    const at = (now: string) => closingOf(deadline, new Date(now), 2000, true);
    assert.deepEqual(at('2026-11-22T10:30:01.000Z'), { state: 'expired', endedAt: deadline });
    assert.deepEqual(at('2026-11-22T10:29:59.500Z'), {
      state: 'expired',
      endedAt: '2026-11-22T10:29:59.500Z',
    });
  });

  it('measures durations in whole seconds', () => {
    assert.equal(durationSeconds('2026-11-22T10:00:00.000Z', '2026-11-22T10:01:30.900Z'), 90);
  });
});
