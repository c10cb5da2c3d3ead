import {
  ListUsersQuery,
  PERMISSIONS,
  UpdateUserBody,
  UserPage,
  UserParams,
  UserSummary,
} from '@assay/contracts';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';

import { problems } from '../../platform/openapi.ts';
import { authProblems } from '../../platform/route-support.ts';
import { accountsExternal } from './account-errors.ts';
import type { AccountsService } from './accounts.service.ts';

/** Options of the users routes. */
export interface UsersRoutesOptions {
  readonly accounts: AccountsService;
  /**
   * Set with an external identity provider (`OIDC_ISSUER`), whose issuer this is: the accounts
   * are the provider's, so every route answers `accounts_external` rather than an empty list.
   */
  readonly externalIssuer?: string | undefined;
}

const manage = PERMISSIONS.manageUsers;
const tags = ['users'];
/** The admin's users API: list and search accounts, change a role, disable or enable. */
export const usersRoutes: FastifyPluginAsyncTypebox<UsersRoutesOptions> = (
  app,
  { accounts, externalIssuer },
) => {
  const refuseExternal = () => {
    if (externalIssuer === undefined) return;
    throw accountsExternal(externalIssuer);
  };

  app.get(
    '/api/users',
    {
      config: { permission: manage },
      schema: {
        tags,
        summary: 'List users',
        description:
          'Every account, by username. `q` searches the username, email and display name, ' +
          'case-insensitively; page with `cursor` (the previous page’s `nextCursor`).',
        querystring: ListUsersQuery,
        response: {
          200: UserPage,
          ...problems(['validation_failed', 'invalid_cursor', 'accounts_external']),
          ...authProblems(manage),
        },
      },
    },
    (request, reply) => {
      refuseExternal();
      reply.header('cache-control', 'no-store');
      return accounts.listPage(request.query);
    },
  );

  app.patch(
    '/api/users/:userId',
    {
      config: { permission: manage },
      schema: {
        tags,
        summary: 'Change a user’s role, or disable or enable the account',
        description:
          'A new role applies from the user’s next access token (the web app’s within ' +
          'minutes, at its next refresh). Disabling refuses sign-in and refresh and ends the ' +
          'user’s web sessions now. Refused with `last_admin` when no enabled admin would remain.',
        params: UserParams,
        body: UpdateUserBody,
        response: {
          200: UserSummary,
          ...problems(['validation_failed', 'user_not_found', 'accounts_external', 'last_admin']),
          ...authProblems(manage),
        },
      },
    },
    (request, reply) => {
      refuseExternal();
      reply.header('cache-control', 'no-store');
      return accounts.updateUser(request.params.userId, request.body);
    },
  );
  return Promise.resolve();
};
