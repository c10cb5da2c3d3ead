import type { BffUser } from '@assay/contracts';

export type { Permission, Role } from '@assay/contracts';

/** Who is signed in, as `GET /bff/user` answers. */
export type CurrentUser = BffUser;

/**
 * The name to show for a user. An external identity provider may not send one; the subject is
 * unreadable, so fall back to a plain word.
 */
export function nameToShow(user: CurrentUser): string {
  return user.displayName?.trim() || 'Your account';
}
