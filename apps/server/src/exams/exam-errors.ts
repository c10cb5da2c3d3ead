import { ErrorCode, type FieldError, type PublishProblem } from '@assay/contracts';
import { DomainError } from '../platform/errors.ts';

/*
 * The exams feature's domain errors. Codes and statuses are declared in
 * `examProblemCatalog` (packages/contracts/src/exams.ts).
 */

export function examNotFound(): DomainError {
  return new DomainError(ErrorCode.exam_not_found, 'There is no such exam.');
}

export function questionNotFound(): DomainError {
  return new DomainError(ErrorCode.question_not_found, 'There is no such question in this exam.');
}

export function examNotPublishable(problems: readonly PublishProblem[]): DomainError {
  const count = problems.length;
  return new DomainError(
    ErrorCode.exam_not_publishable,
    `The exam cannot be published: ${String(count)} problem${count === 1 ? '' : 's'} to fix.`,
    { problems },
  );
}

export function examNotPublished(): DomainError {
  return new DomainError(ErrorCode.exam_not_published, 'The exam is not published.');
}

export function examNotEditable(status: string, what: string): DomainError {
  return new DomainError(
    ErrorCode.exam_not_editable,
    `${what} of a ${status} exam cannot be changed.`,
    {
      status,
    },
  );
}

export function invalidStatusTransition(from: string, to: string): DomainError {
  return new DomainError(
    ErrorCode.invalid_status_transition,
    `A ${from} exam cannot become ${to}.`,
    {
      from,
      to,
    },
  );
}

export function questionLimitReached(max: number): DomainError {
  return new DomainError(
    ErrorCode.question_limit_reached,
    `An exam has at most ${String(max)} questions.`,
    { max },
  );
}

export function questionOrderMismatch(errors: readonly FieldError[]): DomainError {
  return new DomainError(
    ErrorCode.question_order_mismatch,
    'The new order must list every question of the exam exactly once.',
    { errors },
  );
}
