import { Type, type Static } from 'typebox';
import { EntityId, Timestamp } from './exams.ts';
import { ROLES } from './identity.ts';
import { USER_PAGE_SIZE_DEFAULT, USER_PAGE_SIZE_MAX, USER_SEARCH_MAX_LENGTH } from './limits.ts';
import { Page, PageCursor, PageLimit } from './pages.ts';

/*
 * The admin's users API (`manage:users`): `GET /api/users` and `PATCH /api/users/{userId}`.
 * Its error codes (`user_not_found`, `last_admin`) are in `identityProblemCatalog`.
 */

/** An account role, as a schema. */
export const UserRole = Type.Enum(ROLES);

/** One account as an admin sees it (never the password hash). */
export const UserSummary = Type.Object(
  {
    id: EntityId,
    /** Lower-case. */
    username: Type.String(),
    /** Lower-case. */
    email: Type.String(),
    displayName: Type.String(),
    role: UserRole,
    /** A disabled account cannot sign in, refresh tokens or keep web sessions. */
    disabled: Type.Boolean(),
    createdAt: Timestamp,
  },
  { $id: 'UserSummary', additionalProperties: false },
);
export type UserSummary = Static<typeof UserSummary>;

/** Query of `GET /api/users`. */
export const ListUsersQuery = Type.Object(
  {
    /**
     * Case-insensitive substring of the username, the email or the display name (Unicode case
     * folding, NFKC; `%` and `_` are literal).
     */
    q: Type.Optional(Type.String({ maxLength: USER_SEARCH_MAX_LENGTH })),
    /** `nextCursor` of the previous page; opaque. */
    cursor: Type.Optional(PageCursor),
    limit: Type.Optional(PageLimit(USER_PAGE_SIZE_MAX, USER_PAGE_SIZE_DEFAULT)),
  },
  { additionalProperties: false },
);
export type ListUsersQuery = Static<typeof ListUsersQuery>;

/** One page of users, by username; `nextCursor` is `null` on the last page. */
export const UserPage = Page(UserSummary);
export type UserPage = Static<typeof UserPage>;

/**
 * `PATCH /api/users/{userId}`: a new role, and/or disabling (`true`) or enabling (`false`) the
 * account. A new role applies from the user's next access token; disabling also ends the
 * user's web sessions at once. An empty body or any other member is refused (400).
 */
export const UpdateUserBody = Type.Object(
  {
    role: Type.Optional(UserRole),
    disabled: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateUserBody = Static<typeof UpdateUserBody>;

/** Path parameters `{userId}`. */
export const UserParams = Type.Object({ userId: EntityId }, { additionalProperties: false });
export type UserParams = Static<typeof UserParams>;
