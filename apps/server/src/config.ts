import path from 'node:path';
import type { JWK } from 'jose';
import { Type, type Static, type TSchema } from 'typebox';
import { Value } from 'typebox/value';

/**
 * The environment variables Assay reads, as one schema. Every property is a variable; its
 * `description` is the README text (Markdown), `defaultText` the README's default when the
 * default is computed or missing, and `expected` the phrase used when the value is bad.
 * To add a variable: add a property here, map it in `toConfig`, then run `npm run docs:config`
 * to regenerate the README's table.
 */
const EnvSchema = Type.Object({
  PORT: Type.Integer({
    minimum: 0,
    maximum: 65535,
    default: 3000,
    description: 'TCP port the server listens on (`0` picks a free port).',
    expected: 'an integer from 0 to 65535',
  }),
  HOST: Type.String({
    minLength: 1,
    default: '0.0.0.0',
    description: 'Interface the server binds to.',
    expected: 'a host name or IP address',
  }),
  PUBLIC_URL: Type.Optional(
    Type.String({
      pattern: '^https?://[^\\s]+$',
      description:
        'The http(s) URL users reach Assay at; a trailing slash is removed. HSTS is sent only when it is https.',
      defaultText: '`http://localhost:${PORT}`',
      expected: 'an absolute http:// or https:// URL',
    }),
  ),
  DATABASE_URL: Type.String({
    pattern: '^(sqlite:.+|postgres(ql)?://.+)$',
    default: 'sqlite:data/assay.db',
    description:
      '`sqlite:<file>` (relative to the working directory; the directory is created) or `postgres://user:pass@host:port/db` (`postgresql://` also accepted).',
    expected: 'sqlite:<file> or postgres://…',
    secret: true,
  }),
  DATABASE_POOL_MAX: Type.Integer({
    minimum: 1,
    maximum: 1000,
    default: 10,
    description: 'Maximum PostgreSQL connections per server process (1–1000).',
    expected: 'an integer from 1 to 1000',
  }),
  LOG_LEVEL: Type.Enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
    default: 'info',
    description:
      '`fatal`, `error`, `warn`, `info`, `debug`, `trace` or `silent`; JSON lines on stdout.',
    expected: 'one of fatal, error, warn, info, debug, trace, silent',
  }),
  WEB_DIST_DIR: Type.Optional(
    Type.String({
      minLength: 1,
      description:
        'The built web app served at `/`. If it is missing, the API still runs and `/` answers 503 `web_app_not_built`.',
      defaultText: '`apps/web/dist/web/browser`',
      expected: 'a directory path',
    }),
  ),
  REQUEST_TIMEOUT_MS: Type.Integer({
    minimum: 1000,
    maximum: 600_000,
    default: 120_000,
    description:
      'How long a request may take to arrive completely (headers and body); a slower one gets 408 and its connection is closed.',
    expected: 'an integer from 1000 to 600000 (milliseconds)',
  }),
  SHUTDOWN_TIMEOUT_MS: Type.Integer({
    minimum: 0,
    maximum: 600_000,
    default: 10_000,
    description:
      'On a stop signal (SIGTERM, SIGINT, SIGHUP …) or an uncaught error, how long in-flight requests may take before a forced exit (code 1).',
    expected: 'an integer from 0 to 600000 (milliseconds)',
  }),
  TRUST_PROXY: Type.Boolean({
    default: false,
    description:
      '`true` behind a reverse proxy: client addresses (sign-in rate limits) and the protocol come from `X-Forwarded-For` / `-Proto`. Leave `false` when clients reach Assay directly, or they can choose their own address.',
    expected: 'true or false',
  }),
  SESSION_LIFETIME_SECONDS: Type.Integer({
    minimum: 300,
    maximum: 2_592_000,
    default: 28_800,
    description:
      'How long a web-app sign-in lasts (300–2592000 s): the BFF session, the provider session and the refresh token.',
    expected: 'an integer from 300 to 2592000 (seconds)',
  }),
  OIDC_ISSUER: Type.Optional(
    Type.String({
      pattern: '^https?://[^\\s]+$',
      description:
        "Unset: the embedded provider at `${PUBLIC_URL}/oidc` is the issuer. Set to an external provider's issuer (exactly its `iss`, e.g. `https://tenant.eu.auth0.com/`) to trust it instead; the embedded provider and its sign-in pages are then off.",
      expected: 'an absolute http:// or https:// URL (the exact `iss` of its tokens)',
    }),
  ),
  OIDC_CLIENT_ID: Type.Optional(
    Type.String({
      minLength: 1,
      description:
        'With `OIDC_ISSUER`: the client id of Assay\'s web app (a confidential, "regular web application" client) at that provider. Required with `OIDC_ISSUER`.',
      expected: 'a client id',
    }),
  ),
  OIDC_CLIENT_SECRET: Type.Optional(
    Type.String({
      minLength: 1,
      description:
        "With `OIDC_ISSUER`: that client's secret. Required with `OIDC_ISSUER`, unless the client uses `private_key_jwt`.",
      expected: 'a client secret',
      secret: true,
    }),
  ),
  OIDC_CLIENT_AUTH_METHOD: Type.Optional(
    Type.Enum(['client_secret_basic', 'client_secret_post', 'private_key_jwt'], {
      description:
        'How that client authenticates at the token endpoint: `client_secret_basic`, `client_secret_post` or `private_key_jwt`. Unset: the first of these the provider lists in `token_endpoint_auth_methods_supported` that Assay has a credential for.',
      defaultText: 'from discovery',
      expected: 'one of client_secret_basic, client_secret_post, private_key_jwt',
    }),
  ),
  OIDC_CLIENT_PRIVATE_KEY: Type.Optional(
    Type.String({
      minLength: 2,
      description:
        "For `private_key_jwt`: the client's private key as a JWK in JSON (EC P-256, RSA or Ed25519, with `kid`); register its public half (JWKS) with the provider. Keep it as secret as a password.",
      expected: 'a private JWK (EC P-256, RSA or Ed25519) as JSON, with a kid',
      secret: true,
    }),
  ),
  API_AUDIENCE: Type.Optional(
    Type.String({
      minLength: 1,
      pattern: '^\\S+$',
      description:
        "The `aud` the API requires in access tokens (the API's identifier at the provider).",
      defaultText: '`${PUBLIC_URL}/api`',
      expected: 'a URI without spaces',
    }),
  ),
  OIDC_PERMISSIONS_CLAIM: Type.String({
    pattern: '^[^.\\s]+(\\.[^.\\s]+)*$',
    default: 'permissions',
    description:
      "Dotted path of the access-token claim that lists the caller's permissions (an array or a space-separated string), e.g. `permissions` (Auth0 RBAC) or `realm_access.roles` (Keycloak).",
    expected: 'a claim name or dotted path, e.g. permissions or realm_access.roles',
  }),
  OIDC_ROLE_PERMISSIONS: Type.Optional(
    Type.String({
      minLength: 2,
      description:
        'JSON map from role to permissions, for providers whose tokens carry roles: the claim above then holds roles, e.g. `{"assay-admin":["take:exams","manage:exams","manage:users"],"assay-learner":["take:exams"]}`. Unknown roles grant nothing.',
      expected: 'a JSON object of role → array of permissions',
    }),
  ),
  OIDC_ACCESS_TOKEN_TYPES: Type.String({
    pattern: '^[A-Za-z0-9.+/-]+(,[A-Za-z0-9.+/-]+)*$',
    default: 'at+jwt',
    description:
      "Accepted `typ` headers of access tokens, comma-separated. RFC 9068 tokens are `at+jwt`; Keycloak, LemonLDAP::NG and Auth0's default profile type theirs `JWT`, which needs `at+jwt,JWT`. Their ID tokens, typed `JWT` as well, are then refused by their claims (see below).",
    expected: 'a comma-separated list such as at+jwt or at+jwt,JWT',
  }),
  ATTEMPT_SWEEP_INTERVAL_SECONDS: Type.Integer({
    minimum: 1,
    maximum: 86_400,
    default: 30,
    description:
      'How often (1–86400 s) in-progress attempts past their deadline are graded as expired with their saved answers. Every instance sweeps; they never grade an attempt twice.',
    expected: 'an integer from 1 to 86400 (seconds)',
  }),
  SEED_SAMPLE_EXAMS: Type.Boolean({
    default: true,
    description:
      'On start, add three published sample exams (by the built-in "Assay samples" author) when the database has no exams at all. `false` to start empty.',
    expected: 'true or false',
  }),
  SECRETS_KEY: Type.Optional(
    Type.String({
      minLength: 1,
      description:
        'Key (32 random bytes, base64/hex) encrypting signing keys and other secrets in the database. On SQLite, unset: a key file beside the database (`data/assay.secrets-key`), made at first start. **Required on PostgreSQL.** See [Secrets and backups](#secrets-and-backups).',
      expected: 'a key of 32 random bytes in base64 or hex',
      secret: true,
    }),
  ),
  SECRETS_KEY_PREVIOUS: Type.Optional(
    Type.String({
      minLength: 1,
      description:
        'While rotating: the former key(s), comma-separated, still accepted for reading until `secrets rotate` has re-encrypted everything under `SECRETS_KEY`.',
      expected: 'comma-separated keys of 32 random bytes in base64 or hex',
      secret: true,
    }),
  ),
});
type Env = Static<typeof EnvSchema>;

/** One row of the README's configuration table. */
export interface DocumentedVariable {
  readonly name: string;
  /** Markdown: the default, or `unset`. */
  readonly default: string;
  /** Markdown. */
  readonly meaning: string;
}

/** The variables as the README documents them, in schema order. */
export function documentedVariables(): DocumentedVariable[] {
  const properties = EnvSchema.properties as unknown as Record<string, Record<string, unknown>>;
  return Object.entries(properties).map(([name, schema]) => {
    const value = schema['default'] as string | number | boolean | undefined;
    const shown =
      typeof schema['defaultText'] === 'string'
        ? schema['defaultText']
        : value === undefined
          ? 'unset'
          : `\`${String(value)}\``;
    return { name, default: shown, meaning: String(schema['description']) };
  });
}

/** Where the data lives, parsed from `DATABASE_URL`. */
export type DatabaseTarget =
  | {
      readonly engine: 'sqlite';
      /** Absolute path of the database file, or `:memory:`. */
      readonly file: string;
    }
  | {
      readonly engine: 'postgres';
      /** The `postgres://` connection string, unchanged. */
      readonly connectionString: string;
    };

/** Log levels understood by pino. */
export type LogLevel = Env['LOG_LEVEL'];

/** The server's configuration: parsed, validated and frozen once at boot. */
export interface Config {
  /** TCP port to listen on (`PORT`, default 3000; 0 picks a free port). */
  readonly port: number;
  /** Interface to bind (`HOST`, default `0.0.0.0`). */
  readonly host: string;
  /**
   * The origin users reach Assay at, without a trailing slash (`PUBLIC_URL`, default
   * `http://localhost:<PORT>`). HSTS is sent only when it is https.
   */
  readonly publicUrl: string;
  /** The database (`DATABASE_URL`, default `sqlite:data/assay.db` relative to the cwd). */
  readonly database: {
    readonly target: DatabaseTarget;
    /** Maximum PostgreSQL pool size (`DATABASE_POOL_MAX`, default 10). Unused by SQLite. */
    readonly poolMax: number;
  };
  /** Minimum log level (`LOG_LEVEL`, default `info`). */
  readonly logLevel: LogLevel;
  /**
   * The Angular build served at `/` (`WEB_DIST_DIR`, default `apps/web/dist/web/browser` in
   * this repository). When absent the API still runs and `/` answers 503.
   */
  readonly webDistDir: string;
  /**
   * How long a request may take to arrive, headers and body (`REQUEST_TIMEOUT_MS`, default
   * 120000): without a bound, a client trickling its body holds a connection for ever.
   */
  readonly requestTimeoutMs: number;
  /** Grace period for in-flight requests on shutdown (`SHUTDOWN_TIMEOUT_MS`, default 10000). */
  readonly shutdownTimeoutMs: number;
  /**
   * Whether a reverse proxy's `X-Forwarded-*` headers are believed (`TRUST_PROXY`, default
   * false): the client address (rate limits) and protocol then come from them.
   */
  readonly trustProxy: boolean;
  /** Identity: who issues tokens and how the API reads them. */
  readonly identity: IdentityConfig;
  /** Exams and attempts. */
  readonly exams: ExamsConfig;
  /** The key that encrypts the secrets stored in the database. */
  readonly secrets: SecretsConfig;
}

/** The secrets part of `Config`. Keys are kept as base64url of their 32 bytes. */
export interface SecretsConfig {
  /**
   * The key that encrypts signing keys, the web client's secret and the sealing and cookie keys
   * in the database (`SECRETS_KEY`: 32 random bytes, base64 or hex). Unset on SQLite: the key
   * file beside the database (`data/assay.secrets-key`), created on first start. Required on
   * PostgreSQL, where every instance needs the same key.
   */
  readonly key: string | undefined;
  /**
   * Keys secrets may still be encrypted with while `secrets rotate` re-encrypts them under
   * `key` (`SECRETS_KEY_PREVIOUS`, comma-separated; default none).
   */
  readonly previousKeys: readonly string[];
}

/** The exams part of `Config`. */
export interface ExamsConfig {
  /**
   * Seconds between sweeps that grade overdue in-progress attempts as expired
   * (`ATTEMPT_SWEEP_INTERVAL_SECONDS`, default 30). Every instance sweeps; they never clash.
   */
  readonly attemptSweepIntervalSeconds: number;
  /** Whether start adds the sample exams to an empty database (`SEED_SAMPLE_EXAMS`, default true). */
  readonly seedSampleExams: boolean;
}

/** The identity part of `Config`. */
export interface IdentityConfig {
  /**
   * `embedded`: Assay's own provider at `${PUBLIC_URL}/oidc` (`OIDC_ISSUER` unset);
   * `external`: the provider at `OIDC_ISSUER`, with the BFF registered there.
   */
  readonly mode: 'embedded' | 'external';
  /** The exact `iss` of access tokens. */
  readonly issuer: string;
  /** The BFF's client at an external issuer. */
  readonly client: ExternalClientConfig | undefined;
  /** The API's audience (`API_AUDIENCE`, default `${PUBLIC_URL}/api`). */
  readonly audience: string;
  /** Dotted path of the permissions claim (`OIDC_PERMISSIONS_CLAIM`, default `permissions`). */
  readonly permissionsClaim: string;
  /**
   * When set (`OIDC_ROLE_PERMISSIONS`), the permissions claim holds roles, mapped to
   * permissions through this table.
   */
  readonly rolePermissions: Readonly<Record<string, readonly string[]>> | undefined;
  /** Accepted access token `typ` headers (`OIDC_ACCESS_TOKEN_TYPES`, default `at+jwt`). */
  readonly accessTokenTypes: readonly string[];
  /** Web-app sign-in lifetime in seconds (`SESSION_LIFETIME_SECONDS`, default 28800). */
  readonly sessionLifetimeSeconds: number;
}

/** How the BFF's client authenticates at the token endpoint. */
export type TokenEndpointAuthMethod = NonNullable<Env['OIDC_CLIENT_AUTH_METHOD']>;

/** The web app's (BFF's) client at an external issuer. */
export interface ExternalClientConfig {
  /** `OIDC_CLIENT_ID`. */
  readonly id: string;
  /** `OIDC_CLIENT_SECRET`, for `client_secret_basic` / `client_secret_post`. */
  readonly secret: string | undefined;
  /** `OIDC_CLIENT_PRIVATE_KEY`: the private JWK signing `private_key_jwt` assertions. */
  readonly privateKey: JWK | undefined;
  /**
   * `OIDC_CLIENT_AUTH_METHOD`; unset: chosen from the issuer's discovery document
   * (`token_endpoint_auth_methods_supported`, see `chooseTokenEndpointAuthMethod` in
   * identity/session/oidc-client.ts).
   */
  readonly tokenEndpointAuthMethod: TokenEndpointAuthMethod | undefined;
}

/** One bad environment variable and what is wrong with it. */
export interface ConfigIssue {
  readonly variable: string;
  readonly problem: string;
}

/** Thrown by `loadConfig` when any variable is invalid; the message names every one. */
export class ConfigError extends Error {
  readonly issues: readonly ConfigIssue[];

  constructor(issues: readonly ConfigIssue[]) {
    super(
      [
        `Invalid configuration (${issues.length} ${issues.length === 1 ? 'variable' : 'variables'}):`,
        ...issues.map((issue) => `  ${issue.variable}: ${issue.problem}`),
      ].join('\n'),
    );
    this.name = 'ConfigError';
    this.issues = issues;
  }
}

const defaultWebDistDir = path.resolve(import.meta.dirname, '../../web/dist/web/browser');

type EnvSource = Readonly<Record<string, string | undefined>>;

/**
 * Reads the configuration from environment variables (by default `process.env`) and returns it
 * frozen. Empty variables count as unset. Throws `ConfigError` naming every invalid variable.
 */
export function loadConfig(env: EnvSource = process.env, cwd: string = process.cwd()): Config {
  const properties = EnvSchema.properties as unknown as Record<
    string,
    TSchema & Record<string, unknown>
  >;
  const raw: Record<string, string> = {};
  for (const name of Object.keys(properties)) {
    const value = env[name];
    if (value !== undefined && value.trim() !== '') raw[name] = value.trim();
  }

  const issues = new Map<string, string>();
  const candidate = Value.Convert(EnvSchema, Value.Default(EnvSchema, { ...raw }));
  for (const error of Value.Errors(EnvSchema, candidate)) {
    const name = error.instancePath.split('/')[1];
    if (name === undefined || issues.has(name)) continue;
    const schema = properties[name];
    const expected = typeof schema?.['expected'] === 'string' ? schema['expected'] : error.message;
    const shown = schema?.['secret'] === true ? '' : ` (got ${JSON.stringify(raw[name])})`;
    issues.set(name, `must be ${expected}${shown}`);
  }

  for (const [name, check] of Object.entries(semanticChecks)) {
    const value = raw[name];
    const problem = value === undefined || issues.has(name) ? undefined : check(value);
    if (problem !== undefined) issues.set(name, problem);
  }

  if (raw['OIDC_ISSUER'] !== undefined && !issues.has('OIDC_ISSUER')) {
    if (raw['OIDC_CLIENT_ID'] === undefined) {
      issues.set('OIDC_CLIENT_ID', 'must be set when OIDC_ISSUER is set');
    }
    const method = raw['OIDC_CLIENT_AUTH_METHOD'];
    if (method === 'private_key_jwt') {
      if (raw['OIDC_CLIENT_PRIVATE_KEY'] === undefined) {
        issues.set(
          'OIDC_CLIENT_PRIVATE_KEY',
          'must be set when OIDC_CLIENT_AUTH_METHOD is private_key_jwt',
        );
      }
    } else if (
      raw['OIDC_CLIENT_SECRET'] === undefined &&
      (method !== undefined || raw['OIDC_CLIENT_PRIVATE_KEY'] === undefined)
    ) {
      issues.set(
        'OIDC_CLIENT_SECRET',
        'must be set when OIDC_ISSUER is set (or OIDC_CLIENT_PRIVATE_KEY)',
      );
    }
  }

  if (issues.size === 0 && Value.Check(EnvSchema, candidate)) {
    return deepFreeze(toConfig(candidate, cwd));
  }
  throw new ConfigError([...issues].map(([variable, problem]) => ({ variable, problem })));
}

/** Checks a schema cannot express, on values that passed the schema. */
const semanticChecks: Partial<Record<keyof Env, (value: string) => string | undefined>> = {
  PUBLIC_URL: (value) =>
    URL.canParse(value) ? undefined : 'must be a valid absolute http:// or https:// URL',
  DATABASE_URL: (value) =>
    value.startsWith('sqlite:') || (URL.canParse(value) && new URL(value).hostname !== '')
      ? undefined
      : 'must be a valid postgres:// URL with a host name',
  OIDC_ISSUER: (value) =>
    URL.canParse(value) ? undefined : 'must be a valid absolute http:// or https:// URL',
  SECRETS_KEY: (value) =>
    decodeSecretsKey(value) === undefined
      ? `must be 32 random bytes in base64 or hex, e.g. from ${GENERATE_KEY_HINT}`
      : undefined,
  SECRETS_KEY_PREVIOUS: (value) =>
    value.split(',').every((key) => decodeSecretsKey(key) !== undefined)
      ? undefined
      : 'must be keys of 32 random bytes in base64 or hex, separated by commas',
  OIDC_CLIENT_PRIVATE_KEY: (value) =>
    parsePrivateJwk(value) === undefined
      ? 'must be a private JWK as JSON: kty EC (P-256), RSA or OKP (Ed25519), with d and kid'
      : undefined,
  OIDC_ROLE_PERMISSIONS: (value) =>
    parseRolePermissions(value) === undefined
      ? 'must be a JSON object mapping each role to an array of permission strings, e.g. {"assay-admin":["manage:users"]}'
      : undefined,
};

/** How an operator makes a `SECRETS_KEY`, for messages. */
export const GENERATE_KEY_HINT =
  '`openssl rand -base64 32` or `npm run assay -- secrets generate-key`';

/**
 * Decodes a key written as base64, base64url (padded or not) or hex; undefined unless it is
 * exactly 32 bytes.
 */
export function decodeSecretsKey(text: string): Uint8Array | undefined {
  const value = text.trim();
  let bytes: Buffer | undefined;
  if (/^[0-9a-fA-F]{64}$/.test(value)) bytes = Buffer.from(value, 'hex');
  else if (/^[A-Za-z0-9+/_-]{43}=?$/.test(value)) bytes = Buffer.from(value, 'base64url');
  return bytes?.length === 32 ? new Uint8Array(bytes) : undefined;
}

function normalizeSecretsKey(text: string): string {
  return Buffer.from(decodeSecretsKey(text) ?? []).toString('base64url');
}

/** `value` parsed as a JSON object; undefined for anything else. */
function parseJsonObject(value: string): Record<string, unknown> | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    return undefined;
  }
  return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
    ? (parsed as Record<string, unknown>)
    : undefined;
}

function parsePrivateJwk(value: string): JWK | undefined {
  const jwk = parseJsonObject(value) as JWK | undefined;
  if (jwk === undefined) return undefined;
  const supported =
    (jwk.kty === 'EC' && jwk.crv === 'P-256') ||
    jwk.kty === 'RSA' ||
    (jwk.kty === 'OKP' && jwk.crv === 'Ed25519');
  return supported && typeof jwk.d === 'string' && typeof jwk.kid === 'string' ? jwk : undefined;
}

function parseRolePermissions(value: string): Record<string, string[]> | undefined {
  const parsed = parseJsonObject(value);
  if (parsed === undefined) return undefined;
  const map: Record<string, string[]> = {};
  for (const [role, permissions] of Object.entries(parsed)) {
    if (!Array.isArray(permissions) || !permissions.every((p) => typeof p === 'string')) {
      return undefined;
    }
    map[role] = permissions;
  }
  return map;
}

/** Maps validated variables onto `Config`. */
function toConfig(env: Env, cwd: string): Config {
  const publicUrl = (env.PUBLIC_URL ?? `http://localhost:${env.PORT}`).replace(/\/+$/, '');
  const external = env.OIDC_ISSUER !== undefined;
  return {
    port: env.PORT,
    host: env.HOST,
    publicUrl,
    database: { target: parseDatabaseUrl(env.DATABASE_URL, cwd), poolMax: env.DATABASE_POOL_MAX },
    logLevel: env.LOG_LEVEL,
    webDistDir: path.resolve(cwd, env.WEB_DIST_DIR ?? defaultWebDistDir),
    requestTimeoutMs: env.REQUEST_TIMEOUT_MS,
    shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS,
    trustProxy: env.TRUST_PROXY,
    identity: {
      mode: external ? 'external' : 'embedded',
      issuer: env.OIDC_ISSUER ?? `${publicUrl}/oidc`,
      client:
        external && env.OIDC_CLIENT_ID !== undefined
          ? {
              id: env.OIDC_CLIENT_ID,
              secret: env.OIDC_CLIENT_SECRET,
              privateKey:
                env.OIDC_CLIENT_PRIVATE_KEY === undefined
                  ? undefined
                  : parsePrivateJwk(env.OIDC_CLIENT_PRIVATE_KEY),
              tokenEndpointAuthMethod: env.OIDC_CLIENT_AUTH_METHOD,
            }
          : undefined,
      audience: env.API_AUDIENCE ?? `${publicUrl}/api`,
      permissionsClaim: env.OIDC_PERMISSIONS_CLAIM,
      rolePermissions:
        env.OIDC_ROLE_PERMISSIONS === undefined
          ? undefined
          : parseRolePermissions(env.OIDC_ROLE_PERMISSIONS),
      accessTokenTypes: env.OIDC_ACCESS_TOKEN_TYPES.split(','),
      sessionLifetimeSeconds: env.SESSION_LIFETIME_SECONDS,
    },
    exams: {
      attemptSweepIntervalSeconds: env.ATTEMPT_SWEEP_INTERVAL_SECONDS,
      seedSampleExams: env.SEED_SAMPLE_EXAMS,
    },
    secrets: {
      key: env.SECRETS_KEY === undefined ? undefined : normalizeSecretsKey(env.SECRETS_KEY),
      previousKeys: (env.SECRETS_KEY_PREVIOUS ?? '')
        .split(',')
        .filter((key) => key.trim() !== '')
        .map(normalizeSecretsKey),
    },
  };
}

/**
 * Parses a `DATABASE_URL`: `sqlite:<file>` (relative to `cwd`, or `sqlite::memory:`) or a
 * `postgres://` / `postgresql://` connection string.
 */
export function parseDatabaseUrl(url: string, cwd: string = process.cwd()): DatabaseTarget {
  if (url.startsWith('sqlite:')) {
    const file = url.slice('sqlite:'.length);
    return { engine: 'sqlite', file: file === ':memory:' ? file : path.resolve(cwd, file) };
  }
  return { engine: 'postgres', connectionString: url };
}

function deepFreeze<T extends object>(value: T): T {
  for (const member of Object.values(value)) {
    if (typeof member === 'object' && member !== null) deepFreeze(member as object);
  }
  return Object.freeze(value);
}
