/*
 * The identity tables as Kysely sees them (created by migrations/20261122090000_identity.ts,
 * `accounts.search_text` added by 20261202100000_accounts_search_text.ts). Conventions are in
 * platform/db.ts: ISO-8601 text timestamps, 0/1 booleans, JSON as text.
 */
import type { Generated } from 'kysely';

/** One object stored by oidc-provider (session, interaction, code, token, grant …). */
export interface OidcPayloadsTable {
  /** The provider's model name, e.g. `Session`, `AccessToken`, `Grant`. */
  model: string;
  id: string;
  /** The payload as JSON. */
  payload: string;
  grant_id: string | null;
  user_code: string | null;
  uid: string | null;
  expires_at: string | null;
  consumed_at: string | null;
}

export interface AccountsTable {
  id: string;
  /** Lower-cased. */
  username: string;
  /** Lower-cased. */
  email: string;
  display_name: string;
  /** argon2id PHC string. */
  password_hash: string;
  role: 'learner' | 'instructor' | 'admin';
  disabled: 0 | 1;
  created_at: string;
  updated_at: string;
  /**
   * Username, email and display name, NFKC-normalised and lower-cased by JavaScript (the same
   * on both engines): what the admin's search matches. Written by `AccountsRepository.insert`.
   */
  search_text: Generated<string>;
}

export interface SigningKeysTable {
  kid: string;
  alg: string;
  /** Private JWK as JSON. */
  private_jwk: string;
  /** Published in the JWKS from here. */
  created_at: string;
  /** Signs from here (until `retired_at`). */
  active_from: string;
  retired_at: string | null;
  /** Removed from the JWKS from here. */
  not_after: string | null;
}

export interface SecretsTable {
  name: string;
  value: string;
  created_at: string;
  updated_at: string;
}

export interface ClientsTable {
  client_id: string;
  /** SHA-256 (base64url) of the client secret. */
  secret_hash: string;
  name: string;
  /** Space-separated granted scopes. */
  scopes: string;
  /** Further client metadata as JSON. */
  metadata: string;
  disabled: 0 | 1;
  created_at: string;
  updated_at: string;
}

export interface BffSessionsTable {
  /** SHA-256 (base64url) of the session cookie's random value. */
  id_hash: string;
  subject: string;
  /** Encrypted token set. */
  tokens: string;
  csrf_token: string;
  access_expires_at: string;
  created_at: string;
  updated_at: string;
  expires_at: string;
  /** While in the future, one instance is refreshing the tokens (migration …_bff_refresh_lease). */
  refresh_lease_until: Generated<string | null>;
}

export interface RateLimitsTable {
  key: string;
  window_start: string;
  count: number;
  expires_at: string;
}

export interface IdentityTables {
  oidc_payloads: OidcPayloadsTable;
  accounts: AccountsTable;
  signing_keys: SigningKeysTable;
  secrets: SecretsTable;
  clients: ClientsTable;
  bff_sessions: BffSessionsTable;
  rate_limits: RateLimitsTable;
}
