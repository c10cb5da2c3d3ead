/*
 * Real access tokens for tests of other features.
 *
 * `accessTokenFor` signs with the instance's persisted, active signing key exactly as the
 * embedded provider does (header `{ alg: ES256, typ: at+jwt, kid }`, the same claims, the role
 * read from the database at issue time), so the API's real verifier accepts it — no mock. It
 * costs one ES256 signature, so an authorization matrix can call it freely. The identity
 * tests prove separately that tokens from the real flows carry exactly these claims.
 * `createAccount` inserts the account directly (one argon2id hash per process, shared by every
 * test account), so it is fast too; the account can still sign in with `TEST_PASSWORD`.
 */
import { randomUUID } from 'node:crypto';

import { SignJWT, importJWK } from 'jose';

import type { App } from '../../src/app.ts';
import { AccountsRepository } from '../../src/identity/accounts/accounts.repository.ts';
import {
  ACCESS_TOKEN_TTL_SECONDS,
  FIRST_PARTY_CLIENT_ID,
} from '../../src/identity/identity.plugin.ts';
import { hashPassword } from '../../src/identity/accounts/passwords.ts';
import {
  ALL_PERMISSIONS,
  permissionsForRole,
  permissionsForScopes,
  type Permission,
  type Role,
} from '../../src/identity/auth/permissions.ts';

/** The password of every account `createAccount` makes. */
export const TEST_PASSWORD = 'a test password nobody uses';

let sharedHash: Promise<string> | undefined;

/** An account made for a test. */
export interface TestAccount {
  readonly id: string;
  readonly username: string;
  readonly email: string;
  readonly displayName: string;
  readonly role: Role;
  readonly password: string;
}

/** Creates an account (role `learner` unless given) directly in the database. */
export async function createAccount(
  app: App,
  options: { role?: Role; username?: string; displayName?: string; disabled?: boolean } = {},
): Promise<TestAccount> {
  sharedHash ??= hashPassword(TEST_PASSWORD);
  const id = randomUUID();
  const username = options.username ?? `user-${id.slice(0, 8)}`;
  const account: TestAccount = {
    id,
    username,
    email: `${username}@example.test`,
    displayName: options.displayName ?? `Test ${username}`,
    role: options.role ?? 'learner',
    password: TEST_PASSWORD,
  };
  const now = new Date().toISOString();
  const conflict = await new AccountsRepository(app.db).insert({
    id,
    username: account.username,
    email: account.email,
    display_name: account.displayName,
    password_hash: await sharedHash,
    role: account.role,
    disabled: options.disabled === true ? 1 : 0,
    created_at: now,
    updated_at: now,
  });
  if (conflict !== undefined) throw new Error(`createAccount: the ${conflict} is taken`);
  return account;
}

/** Claims to add or override (`undefined` removes one), and the lifetime. */
export interface TokenOptions {
  readonly ttlSeconds?: number;
  readonly claims?: Readonly<Record<string, unknown>>;
}

async function sign(app: App, payload: Record<string, unknown>): Promise<string> {
  const keys = app.identity.keys;
  if (keys === undefined) throw new Error('accessTokenFor needs the embedded provider');
  const jwk = keys.current.privateJwks[0];
  if (jwk?.kid === undefined || jwk.alg === undefined) throw new Error('No signing key');
  const key = await importJWK(jwk, jwk.alg);
  return new SignJWT(payload)
    .setProtectedHeader({ alg: jwk.alg, typ: 'at+jwt', kid: jwk.kid })
    .sign(key);
}

function basePayload(app: App, subject: string, clientId: string, options: TokenOptions) {
  const iat = Math.floor(Date.now() / 1000);
  return {
    jti: randomUUID(),
    sub: subject,
    iat,
    exp: iat + (options.ttlSeconds ?? ACCESS_TOKEN_TTL_SECONDS),
    client_id: clientId,
    iss: app.identity.issuer,
    aud: app.identity.audience,
  };
}

function withOverrides(payload: Record<string, unknown>, options: TokenOptions) {
  return Object.fromEntries(
    Object.entries({ ...payload, ...options.claims }).filter(([, value]) => value !== undefined),
  );
}

/**
 * A valid access token for `account`, as the embedded provider issues it to the web app:
 * permissions (and `scope`) from the account's current role (read now), `roles`, `name`.
 */
export async function accessTokenFor(
  app: App,
  account: Pick<TestAccount, 'id'>,
  options: TokenOptions = {},
): Promise<string> {
  const current = await app.identity.accounts.findActive(account.id);
  if (current === undefined) throw new Error('accessTokenFor: the account is unknown or disabled');
  return sign(
    app,
    withOverrides(
      {
        permissions: [...permissionsForRole(current.role)],
        scope: permissionsForRole(current.role).join(' '),
        roles: [current.role],
        name: current.displayName,
        ...basePayload(app, current.id, FIRST_PARTY_CLIENT_ID, options),
      },
      options,
    ),
  );
}

/** A valid client-credentials token for a machine client with exactly `scope`. */
export async function machineTokenFor(
  app: App,
  scope: readonly Permission[] = ALL_PERMISSIONS,
  options: TokenOptions & { clientId?: string } = {},
): Promise<string> {
  const clientId = options.clientId ?? `client-${randomUUID()}`;
  return sign(
    app,
    withOverrides(
      {
        permissions: permissionsForScopes(scope),
        ...basePayload(app, clientId, clientId, options),
        scope: scope.join(' '),
      },
      options,
    ),
  );
}

/** `{ authorization: 'Bearer …' }` for `app.inject` or fetch. */
export function bearer(token: string): { authorization: string } {
  return { authorization: `Bearer ${token}` };
}
