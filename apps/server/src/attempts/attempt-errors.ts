import { ErrorCode, type FieldError } from '@assay/contracts';
import { DomainError } from '../platform/errors.ts';

/*
 * The attempts feature's domain errors. Codes and statuses are declared in
 * `examProblemCatalog` (packages/contracts/src/exams.ts).
 */

export function attemptNotFound(): DomainError {
  return new DomainError(ErrorCode.attempt_not_found, 'There is no such attempt.');
}

export function attemptClosed(state: string): DomainError {
  return new DomainError(
    ErrorCode.attempt_closed,
    `The attempt is ${state}; it can no longer change.`,
    {
      state,
    },
  );
}

export function deadlinePassed(deadline: string): DomainError {
  return new DomainError(
    ErrorCode.deadline_passed,
    'The deadline has passed; the attempt was graded with the answers saved before it.',
    { deadline },
  );
}

export function maxAttemptsReached(maxAttempts: number): DomainError {
  return new DomainError(
    ErrorCode.max_attempts_reached,
    `This exam allows ${String(maxAttempts)} attempt${maxAttempts === 1 ? '' : 's'}, all used.`,
    { maxAttempts },
  );
}

export function invalidAnswer(errors: readonly FieldError[]): DomainError {
  return new DomainError(ErrorCode.invalid_answer, 'Some answers do not fit their questions.', {
    errors,
  });
}
