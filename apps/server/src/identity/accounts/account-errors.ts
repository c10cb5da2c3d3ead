import { ErrorCode } from '@assay/contracts';
import { DomainError } from '../../platform/errors.ts';

/*
 * The accounts' domain errors. Codes and statuses are declared in `identityProblemCatalog`
 * (packages/contracts/src/identity.ts).
 */

export function usernameTaken(): DomainError {
  return new DomainError(ErrorCode.username_taken, 'This username is taken. Choose another one.');
}

export function emailTaken(): DomainError {
  return new DomainError(
    ErrorCode.email_taken,
    'An account already uses this email address. Sign in instead.',
  );
}

export function invalidCredentials(): DomainError {
  return new DomainError(
    ErrorCode.invalid_credentials,
    'The username, email or password is incorrect.',
  );
}

export function accountDisabled(): DomainError {
  return new DomainError(
    ErrorCode.account_disabled,
    'This account has been disabled. Ask an administrator to enable it.',
  );
}

export function lastAdmin(): DomainError {
  return new DomainError(
    ErrorCode.last_admin,
    'This would leave no enabled admin. Make another account an admin first.',
  );
}

export function userNotFound(): DomainError {
  return new DomainError(ErrorCode.user_not_found, 'There is no such user.');
}

export function accountsExternal(issuer: string): DomainError {
  return new DomainError(
    ErrorCode.accounts_external,
    `Accounts and roles are managed by the identity provider at ${issuer}, not by Assay.`,
    { issuer },
  );
}

/** `not_found` for the CLI, which names accounts by username. */
export function accountNotNamed(username: string): DomainError {
  return new DomainError(ErrorCode.not_found, `There is no account named ${username}.`);
}
