import { Type, type Static } from 'typebox';

/** Account roles; every new account is a learner. */
export const ROLES = ['learner', 'instructor', 'admin'] as const;
/** An account role. */
export type Role = (typeof ROLES)[number];
/** The role of every new account. */
export const DEFAULT_ROLE: Role = 'learner';

/** Permissions carried in access tokens (`permissions` claim) and required by API routes. */
export const PERMISSIONS = {
  takeExams: 'take:exams',
  manageExams: 'manage:exams',
  manageUsers: 'manage:users',
} as const;
/** A permission an API route can require. */
export type Permission = (typeof PERMISSIONS)[keyof typeof PERMISSIONS];
/** Every permission, in a stable order. */
export const ALL_PERMISSIONS: readonly Permission[] = Object.freeze(Object.values(PERMISSIONS));

/** What each role grants, as in PRODUCT.md. */
export const ROLE_PERMISSIONS: Readonly<Record<Role, readonly Permission[]>> = Object.freeze({
  learner: Object.freeze([PERMISSIONS.takeExams]),
  instructor: Object.freeze([PERMISSIONS.takeExams, PERMISSIONS.manageExams]),
  admin: Object.freeze([PERMISSIONS.takeExams, PERMISSIONS.manageExams, PERMISSIONS.manageUsers]),
});

/**
 * Why a new password was refused (`checkPassword` on the server). The answer to the client is a
 * `/password` field error whose `message` says it in words; `FieldError` carries no code.
 */
export const PASSWORD_PROBLEM_CODES = [
  'password_too_short',
  'password_too_long',
  'password_common',
  'password_matches_identity',
] as const;
/** One reason a new password was refused. */
export type PasswordProblemCode = (typeof PASSWORD_PROBLEM_CODES)[number];

/** Password length bounds in Unicode code points (after NFKC normalisation). */
export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 128;

/** Usernames: 3 to 32 of lower-case letters, digits, `.`, `_`, `-` (stored lower-cased). */
export const USERNAME_PATTERN = '^[a-z0-9._-]{3,32}$';

/**
 * Error codes of identity (sign-in, sign-up, sessions), in the shape of `problemCatalog`
 * (merged into it in index.ts).
 */
export const identityProblemCatalog = {
  /** Sign-in refused: unknown account or wrong password (never says which). */
  invalid_credentials: { status: 401, title: 'The username, email or password is incorrect' },
  /** The password was right but the account is disabled by an administrator. */
  account_disabled: { status: 403, title: 'The account is disabled' },
  /** The sign-in or sign-up interaction does not exist or has expired; start over at /bff/login. */
  interaction_not_found: { status: 404, title: 'The sign-in request has expired' },
  /** Sign-up refused: the username is taken. */
  username_taken: { status: 409, title: 'The username is taken' },
  /** Sign-up refused: an account already uses this email address. */
  email_taken: { status: 409, title: 'The email address is already registered' },
  /** `GET /bff/user` or a cookie-authenticated call without a live session. */
  session_missing: { status: 401, title: 'Nobody is signed in' },
  /** The OpenID callback failed (state mismatch, refused by the provider, expired login). */
  login_failed: { status: 400, title: 'Signing in failed' },
  /** `/api/users/{userId}`: no account has this id. */
  user_not_found: { status: 404, title: 'The user does not exist' },
  /** The change would leave no enabled admin (demoting or disabling the last one). */
  last_admin: { status: 409, title: 'Assay needs at least one enabled admin' },
  /**
   * `/api/users` with an external identity provider (`OIDC_ISSUER`): accounts and roles live at
   * the provider, so Assay has none to list or change. `issuer` names the provider.
   */
  accounts_external: { status: 404, title: 'Accounts are managed by the identity provider' },
} as const satisfies Record<string, { readonly status: number; readonly title: string }>;

/**
 * Why signing in failed, as `/bff/callback` tells the web app's `/sign-in-error` page
 * (`?reason=…&requestId=…`). The server log holds the details under that request id.
 * - `sign_in_expired`: the sign-in took too long, or was started in another tab or browser;
 * - `provider_error`: the identity provider answered with an error instead of a sign-in;
 * - `token_exchange_failed`: exchanging the provider's answer for tokens failed (client
 *   credentials, or an ID token that does not check out);
 * - `token_refused`: the provider's access token is not one the API accepts (audience, type,
 *   issuer, signature);
 * - `server_error`: Assay failed (its database, for instance).
 */
export const signInErrorReasons = [
  'sign_in_expired',
  'provider_error',
  'token_exchange_failed',
  'token_refused',
  'server_error',
] as const;
export type SignInErrorReason = (typeof signInErrorReasons)[number];

/** The caller, as `GET /api/me` answers it. */
export const Me = Type.Object(
  {
    /** `sub`: an account id, or a machine client's id. */
    subject: Type.String(),
    /** The issuer that vouched for the caller. */
    issuer: Type.String(),
    /** `user` for people, `client` for machine clients (client credentials). */
    kind: Type.Union([Type.Literal('user'), Type.Literal('client')]),
    displayName: Type.Union([Type.String(), Type.Null()]),
    roles: Type.Array(Type.String()),
    permissions: Type.Array(Type.String()),
  },
  { $id: 'Me', additionalProperties: false },
);
export type Me = Static<typeof Me>;

/** `GET /bff/user`: who is signed in to the web app. */
export const BffUser = Type.Object(
  {
    subject: Type.String(),
    displayName: Type.Union([Type.String(), Type.Null()]),
    roles: Type.Array(Type.String()),
    permissions: Type.Array(Type.String()),
    /**
     * The issuer of the external identity provider (`OIDC_ISSUER`) where accounts and roles are
     * managed; absent when Assay manages them itself (the admin's Users page).
     */
    accountsManagedAt: Type.Optional(Type.String()),
  },
  { $id: 'BffUser', additionalProperties: false },
);
export type BffUser = Static<typeof BffUser>;

/** Where the browser goes next (answer of the interaction endpoints and of `/bff/logout`). */
export const RedirectTo = Type.Object(
  { redirectTo: Type.String() },
  { $id: 'RedirectTo', additionalProperties: false },
);
export type RedirectTo = Static<typeof RedirectTo>;

/** `GET /interaction/:uid/details`: what the sign-in page must show. */
export const InteractionDetails = Type.Object(
  {
    uid: Type.String(),
    prompt: Type.Union([Type.Literal('login'), Type.Literal('consent')]),
    /** `signup` when the sign-in started from "Sign up" (`/bff/login?signup=1`). */
    mode: Type.Union([Type.Literal('signin'), Type.Literal('signup')]),
    clientName: Type.String(),
    /** The page the user will land on after signing in, when the web app said so. */
    returnTo: Type.Optional(Type.String()),
  },
  { $id: 'InteractionDetails', additionalProperties: false },
);
export type InteractionDetails = Static<typeof InteractionDetails>;

/** `POST /interaction/:uid/login`. `login` is a username or an email address. */
export const LoginBody = Type.Object(
  {
    login: Type.String({ minLength: 1, maxLength: 320 }),
    password: Type.String({ minLength: 1, maxLength: 1024 }),
  },
  { $id: 'LoginBody', additionalProperties: false },
);
export type LoginBody = Static<typeof LoginBody>;

/** `POST /interaction/:uid/signup`. */
export const SignupBody = Type.Object(
  {
    username: Type.String({ minLength: 3, maxLength: 32 }),
    email: Type.String({ minLength: 3, maxLength: 254 }),
    displayName: Type.String({ minLength: 1, maxLength: 100 }),
    password: Type.String({ minLength: 1, maxLength: 1024 }),
  },
  { $id: 'SignupBody', additionalProperties: false },
);
export type SignupBody = Static<typeof SignupBody>;
