import { ErrorCode } from '@assay/contracts';
import type { Kysely } from 'kysely';

import type { Config } from '../config.ts';
import { AccountsRepository } from '../identity/accounts/accounts.repository.ts';
import { AccountsService } from '../identity/accounts/accounts.service.ts';
import { BffSessionsRepository } from '../identity/session/bff-sessions.repository.ts';
import { ClientsRepository } from '../identity/clients/clients.repository.ts';
import { ClientsService } from '../identity/clients/clients.service.ts';
import { isRole, ROLES, type Role } from '../identity/auth/permissions.ts';
import { RateLimiter } from '../identity/accounts/rate-limiter.ts';
import { RateLimitsRepository } from '../identity/accounts/rate-limits.repository.ts';
import { rotateSigningKeys } from '../identity/provider/signing-keys.ts';
import { SigningKeysRepository } from '../identity/provider/signing-keys.repository.ts';
import type { Database } from '../platform/database-schema.ts';
import { createDatabase } from '../platform/db.ts';
import { DomainError } from '../platform/errors.ts';
import { openSecretsKeyring } from '../platform/secrets-key.ts';
import { CliUsageError, type CliCommand, type CliContext } from './command.ts';

async function withDatabase<T>(
  config: Config,
  work: (db: Kysely<Database>) => Promise<T>,
): Promise<T> {
  const db = createDatabase(config.database);
  try {
    return await work(db);
  } finally {
    await db.destroy();
  }
}

function accountsService(db: Kysely<Database>): AccountsService {
  return new AccountsService({
    accounts: new AccountsRepository(db),
    sessions: new BffSessionsRepository(db),
    limits: new RateLimiter(new RateLimitsRepository(db)),
  });
}

function requiredOption(context: CliContext, name: string): string {
  const value = context.options[name];
  if (typeof value !== 'string' || value.trim() === '') {
    throw new CliUsageError(`--${name} is required`);
  }
  return value;
}

function roleArgument(value: string | undefined): Role {
  if (!isRole(value)) throw new CliUsageError(`The role must be one of ${ROLES.join(', ')}`);
  return value;
}

function oneArgument(context: CliContext, count: number): readonly string[] {
  if (context.args.length !== count) {
    throw new CliUsageError(`Expected ${count} argument(s), got ${context.args.length}`);
  }
  return context.args;
}

/** Reads the whole of stdin; one trailing newline (from `echo` or a terminal) is dropped. */
async function readPassword(stdin: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) {
    chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  }
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

function explain(error: unknown): never {
  if (error instanceof DomainError && error.code === ErrorCode.validation_failed) {
    const errors = (error.details?.['errors'] ?? []) as { field: string; message: string }[];
    throw new Error(
      [error.message, ...errors.map((item) => `  ${item.field.slice(1)}: ${item.message}`)].join(
        '\n',
      ),
    );
  }
  throw error;
}

const usersCreate: CliCommand = {
  words: ['users', 'create'],
  summary: 'Create an account; the password is read from stdin (never from argv)',
  options: {
    username: { type: 'string' },
    email: { type: 'string' },
    name: { type: 'string' },
    role: { type: 'string', default: 'learner' },
  },
  async run(context) {
    const username = requiredOption(context, 'username');
    const email = requiredOption(context, 'email');
    const displayName = requiredOption(context, 'name');
    const role = roleArgument(String(context.options['role']));
    const config = context.loadConfig();
    const password = await readPassword(context.io.stdin);
    const account = await withDatabase(config, (db) =>
      accountsService(db).create({ username, email, displayName, password, role }).catch(explain),
    );
    context.io.stdout.write(
      `Created ${account.role} ${account.username} <${account.email}> (id ${account.id}).\n`,
    );
    return 0;
  },
};

const usersSetRole: CliCommand = {
  words: ['users', 'set-role'],
  argumentsUsage: '<username> <role>',
  summary: "Change a user's role (applies at their next access token)",
  async run(context) {
    const [username = '', roleName] = oneArgument(context, 2);
    const role = roleArgument(roleName);
    const account = await withDatabase(context.loadConfig(), (db) =>
      accountsService(db).setRole(username, role),
    );
    context.io.stdout.write(`${account.username} is now ${account.role}.\n`);
    return 0;
  },
};

/** `users disable` or `users enable`. */
function usersSetDisabled(disabled: boolean, summary: string): CliCommand {
  const state = disabled ? 'disabled' : 'enabled';
  return {
    words: ['users', disabled ? 'disable' : 'enable'],
    argumentsUsage: '<username>',
    summary,
    async run(context) {
      const [username = ''] = oneArgument(context, 1);
      const account = await withDatabase(context.loadConfig(), (db) =>
        accountsService(db).setDisabled(username, disabled),
      );
      context.io.stdout.write(`${account.username} is ${state}.\n`);
      return 0;
    },
  };
}

const usersDisable = usersSetDisabled(
  true,
  'Disable an account: ends its sessions, refuses its sign-ins and refresh tokens',
);
const usersEnable = usersSetDisabled(false, 'Enable a disabled account again');

const usersList: CliCommand = {
  words: ['users', 'list'],
  summary: 'List accounts (username, role, status, email, display name)',
  async run(context) {
    const accounts = await withDatabase(context.loadConfig(), (db) => accountsService(db).list());
    for (const account of accounts) {
      context.io.stdout.write(
        `${account.username}\t${account.role}\t${account.disabled ? 'disabled' : 'active'}\t${account.email}\t${account.displayName}\n`,
      );
    }
    return 0;
  },
};

const clientsCreate: CliCommand = {
  words: ['clients', 'create'],
  summary: 'Create a machine client (client credentials); prints its id and secret as JSON',
  options: { name: { type: 'string' }, scope: { type: 'string' } },
  async run(context) {
    const name = requiredOption(context, 'name');
    const scope = requiredOption(context, 'scope');
    const created = await withDatabase(context.loadConfig(), (db) =>
      new ClientsService(new ClientsRepository(db)).create(name, scope).catch(explain),
    );
    context.io.stdout.write(`${JSON.stringify(created, null, 2)}\n`);
    return 0;
  },
};

const keysRotate: CliCommand = {
  words: ['keys', 'rotate'],
  summary: 'Add a new signing key; it signs in 30 s, the old one stays published until expiry',
  async run(context) {
    const config = context.loadConfig();
    if (config.identity.mode !== 'embedded') {
      throw new Error('OIDC_ISSUER is set: the external provider owns the signing keys.');
    }
    const keyring = await openSecretsKeyring(config);
    const result = await withDatabase(config, (db) =>
      rotateSigningKeys(new SigningKeysRepository(db, keyring)),
    );
    context.io.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    return 0;
  },
};

/** Users, machine clients and signing keys. */
export const identityCommands: readonly CliCommand[] = [
  usersCreate,
  usersSetRole,
  usersDisable,
  usersEnable,
  usersList,
  clientsCreate,
  keysRotate,
];
