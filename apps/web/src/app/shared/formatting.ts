import { Pipe, type PipeTransform } from '@angular/core';

/** "20 minutes", "1 hour 30 minutes", or "No time limit". */
export function formatTimeLimit(minutes: number | null): string {
  if (minutes === null) return 'No time limit';
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  const parts: string[] = [];
  if (hours) parts.push(`${hours} ${hours === 1 ? 'hour' : 'hours'}`);
  if (rest || !hours) parts.push(`${rest} ${rest === 1 ? 'minute' : 'minutes'}`);
  return parts.join(' ');
}

export function plural(count: number, one: string, many: string): string {
  return `${count} ${count === 1 ? one : many}`;
}

/** Which attempt this is: "Attempt 2 of 3", or "Attempt 2" when the exam has no limit. */
export function formatAttemptNumber(number: number, maxAttempts: number | null = null): string {
  return maxAttempts === null ? `Attempt ${number}` : `Attempt ${number} of ${maxAttempts}`;
}

/**
 * Whether a graded attempt reached the pass mark, in the words every page uses — the learner's
 * result and history, and the instructor's list of attempts alike.
 */
export function formatOutcome(passed: boolean): 'Passed' | 'Not passed' {
  return passed ? 'Passed' : 'Not passed';
}

/** A duration for people: "45 s", "12 min 5 s", "1 h 3 min". */
export function formatDuration(totalSeconds: number): string {
  const seconds = Math.max(0, Math.round(totalSeconds));
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  if (h) return m ? `${h} h ${m} min` : `${h} h`;
  if (m) return s ? `${m} min ${s} s` : `${m} min`;
  return `${s} s`;
}

/** A percentage with at most one decimal: "70 %", "66.7 %". */
export function formatPercentage(value: number): string {
  return `${Math.round(value * 10) / 10} %`;
}

const dateTimeOptions: Intl.DateTimeFormatOptions = { dateStyle: 'medium', timeStyle: 'short' };
/** The browser's language and time zone (Angular's `LOCALE_ID` is the build's, en-US). */
const browserDateTime = new Intl.DateTimeFormat(undefined, dateTimeOptions);

/**
 * Every date and time the app shows, in one form: the browser's locale and time zone, date and
 * time of day without seconds — "Dec 2, 2026, 2:58 AM" in American English, "2 Dec 2026, 02:58"
 * in British. Empty for a missing or unreadable timestamp. `locale` is for tests.
 */
export function formatDateTime(timestamp: string | null | undefined, locale?: string): string {
  if (!timestamp) return '';
  const date = new Date(timestamp);
  if (Number.isNaN(date.getTime())) return '';
  const format =
    locale === undefined ? browserDateTime : new Intl.DateTimeFormat(locale, dateTimeOptions);
  return format.format(date);
}

/** `{{ exam.updatedAt | dateTime }}`: `formatDateTime` in templates. */
@Pipe({ name: 'dateTime' })
export class DateTimePipe implements PipeTransform {
  transform(timestamp: string | null | undefined): string {
    return formatDateTime(timestamp);
  }
}
