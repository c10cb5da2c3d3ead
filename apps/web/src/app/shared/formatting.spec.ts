import { formatAttemptNumber, formatDateTime } from './formatting';

/** Intl separates some parts with no-break or narrow no-break spaces. */
const spaced = (text: string) => text.replace(/\s/g, ' ');

describe('formatDateTime', () => {
  // 2:58:03 in the morning of 2 December 2026 wherever the tests run.
  const timestamp = new Date(2026, 11, 2, 2, 58, 3).toISOString();

  it('shows the date and the time of day without seconds, in the locale’s own way', () => {
    expect(spaced(formatDateTime(timestamp, 'en-US'))).toBe('Dec 2, 2026, 2:58 AM');
    expect(spaced(formatDateTime(timestamp, 'en-GB'))).toBe('2 Dec 2026, 02:58');
    expect(spaced(formatDateTime(timestamp, 'de-DE'))).toBe('02.12.2026, 02:58');
  });

  it('uses the browser’s locale by default', () => {
    const browserLocale = new Intl.DateTimeFormat().resolvedOptions().locale;
    expect(formatDateTime(timestamp)).toBe(formatDateTime(timestamp, browserLocale));
    expect(formatDateTime(timestamp)).not.toContain('03');
  });

  it('shows nothing for a missing or unreadable timestamp', () => {
    expect(formatDateTime(null)).toBe('');
    expect(formatDateTime(undefined)).toBe('');
    expect(formatDateTime('not a date')).toBe('');
  });
});

describe('formatAttemptNumber', () => {
  it('counts against the limit when the exam has one', () => {
    expect(formatAttemptNumber(2, 3)).toBe('Attempt 2 of 3');
    expect(formatAttemptNumber(1, null)).toBe('Attempt 1');
    expect(formatAttemptNumber(4)).toBe('Attempt 4');
  });
});
