import { readFileSync } from 'node:fs';

import {
  PASSWORD_MAX_LENGTH,
  PASSWORD_MIN_LENGTH,
  type PasswordProblemCode,
} from '@assay/contracts';

// Length bounds (NIST SP 800-63B §3.1.1.2) and problem codes are declared in packages/contracts.
export { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, type PasswordProblemCode };

export interface PasswordProblem {
  readonly field: 'password';
  readonly code: PasswordProblemCode;
  readonly message: string;
}

/** What the password must not equal: the account's own identifiers. */
export interface PasswordContext {
  readonly username?: string | undefined;
  readonly email?: string | undefined;
}

/** Length in Unicode code points, as NIST SP 800-63B counts characters. */
export function codePointLength(text: string): number {
  return text.match(/./gsu)?.length ?? 0;
}

function canonical(text: string): string {
  return text.normalize('NFKC').toLowerCase();
}

function loadCommonPasswords(): ReadonlySet<string> {
  const text = readFileSync(new URL('./common-passwords.txt', import.meta.url), 'utf8');
  const entries = new Set<string>();
  for (const line of text.split('\n')) {
    const entry = line.trim();
    if (entry !== '') entries.add(canonical(entry));
  }
  return entries;
}

/**
 * Common passwords of at least {@link PASSWORD_MIN_LENGTH} characters, lower-cased: shorter ones
 * are refused by length anyway. Loaded once, at first import.
 */
const COMMON_PASSWORDS = loadCommonPasswords();

/** True when the password, ignoring case, is on the shipped list of common passwords. */
export function isCommonPassword(password: string): boolean {
  return COMMON_PASSWORDS.has(canonical(password));
}

/**
 * Checks a new password against the policy: 8 to 128 code points, no composition rules, not a
 * common password, not the account's username or email (case-insensitively). Returns every
 * problem found; an empty array means the password is acceptable.
 */
export function checkPassword(
  password: string,
  context: PasswordContext = {},
): readonly PasswordProblem[] {
  const problems: PasswordProblem[] = [];
  const normalized = password.normalize('NFKC');
  // Count code points, not UTF-16 units: an emoji is one character to the person typing it.
  const length = codePointLength(normalized);

  if (length < PASSWORD_MIN_LENGTH) {
    problems.push({
      field: 'password',
      code: 'password_too_short',
      message: `Use at least ${PASSWORD_MIN_LENGTH} characters.`,
    });
  } else if (length > PASSWORD_MAX_LENGTH) {
    problems.push({
      field: 'password',
      code: 'password_too_long',
      message: `Use at most ${PASSWORD_MAX_LENGTH} characters.`,
    });
  }

  const lowered = normalized.toLowerCase();
  if (COMMON_PASSWORDS.has(lowered)) {
    problems.push({
      field: 'password',
      code: 'password_common',
      message: 'This password is too common. Choose one that is harder to guess.',
    });
  }

  const identifiers = [context.username, context.email, context.email?.split('@')[0]]
    .filter((value): value is string => value !== undefined && value !== '')
    .map(canonical);
  if (identifiers.includes(lowered)) {
    problems.push({
      field: 'password',
      code: 'password_matches_identity',
      message: 'The password must not be your username or email address.',
    });
  }

  return problems;
}
