import { randomUUID } from 'node:crypto';

import {
  USER_PAGE_SIZE_DEFAULT,
  USERNAME_PATTERN,
  type FieldError,
  type ListUsersQuery,
  type UpdateUserBody,
} from '@assay/contracts';

import { readPage } from '../../platform/page-cursor.ts';
import { DomainError, validationFailed } from '../../platform/errors.ts';
import {
  accountDisabled,
  accountNotNamed,
  emailTaken,
  invalidCredentials,
  lastAdmin,
  userNotFound,
  usernameTaken,
} from './account-errors.ts';
import type { AccountsRepository, NewAccountRow } from './accounts.repository.ts';
import type { BffSessionsRepository } from '../session/bff-sessions.repository.ts';
import { checkPassword } from './password-policy.ts';
import { hashPassword, verifyPassword } from './passwords.ts';
import { DEFAULT_ROLE, isRole, type Role } from '../auth/permissions.ts';
import {
  SIGN_IN_FAILURES_PER_ACCOUNT,
  SIGN_IN_FAILURES_PER_ADDRESS,
  SIGN_UP_REFUSALS_PER_ACCOUNT,
  SIGN_UPS_PER_ADDRESS,
  type RateLimiter,
} from './rate-limiter.ts';

/** An account as the rest of the server sees it (never the password hash). */
export interface Account {
  readonly id: string;
  readonly username: string;
  readonly email: string;
  readonly displayName: string;
  readonly role: Role;
  readonly disabled: boolean;
  readonly createdAt: string;
}

/** One page of accounts; `nextCursor` is `null` on the last page. */
export interface AccountPage {
  readonly items: readonly Account[];
  readonly nextCursor: string | null;
}

/** The listing name inside user-list cursors, so a cursor of another list is refused. */
const USERS_LISTING = 'users';

/** What sign-up asks for. */
export interface NewAccount {
  readonly username: string;
  readonly email: string;
  readonly displayName: string;
  readonly password: string;
  readonly role?: Role;
}

const usernamePattern = new RegExp(USERNAME_PATTERN);
// Deliberately loose: one @, something on each side, a dot in the domain, no spaces.
const emailPattern = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function toAccount(row: NewAccountRow): Account {
  return {
    id: row.id,
    username: row.username,
    email: row.email,
    displayName: row.display_name,
    role: isRole(row.role) ? row.role : DEFAULT_ROLE,
    disabled: row.disabled === 1,
    createdAt: row.created_at,
  };
}

/** Lower-cases and trims a username or email the way they are stored. */
export function canonicalLogin(value: string): string {
  return value.normalize('NFKC').trim().toLowerCase();
}

/**
 * Accounts of the embedded provider: sign-up, sign-in by username or email, roles, disabling.
 * Unknown account and wrong password are the same error after the same work (one argon2id
 * derivation); a disabled account is only revealed to someone who knows its password.
 */
export class AccountsService {
  readonly #accounts: AccountsRepository;
  readonly #sessions: BffSessionsRepository;
  readonly #limits: RateLimiter;
  readonly #now: () => Date;

  constructor(deps: {
    accounts: AccountsRepository;
    sessions: BffSessionsRepository;
    limits: RateLimiter;
    now?: () => Date;
  }) {
    this.#accounts = deps.accounts;
    this.#sessions = deps.sessions;
    this.#limits = deps.limits;
    this.#now = deps.now ?? (() => new Date());
  }

  /** Validates and creates an account. Field errors name `/username`, `/email` … */
  async create(input: NewAccount): Promise<Account> {
    const username = canonicalLogin(input.username);
    const email = canonicalLogin(input.email);
    const displayName = input.displayName.trim();
    const errors: FieldError[] = [];
    if (!usernamePattern.test(username)) {
      errors.push({
        field: '/username',
        message: 'Use 3 to 32 lower-case letters, digits, dots, dashes or underscores.',
      });
    }
    if (email.length > 254 || !emailPattern.test(email)) {
      errors.push({ field: '/email', message: 'Enter an email address such as ada@example.org.' });
    }
    if (displayName.length < 1 || displayName.length > 100) {
      errors.push({ field: '/displayName', message: 'Use 1 to 100 characters.' });
    }
    for (const problem of checkPassword(input.password, { username, email })) {
      errors.push({ field: '/password', message: problem.message });
    }
    if (errors.length > 0) throw validationFailed('Some fields are invalid.', errors);

    const now = this.#now().toISOString();
    const row: NewAccountRow = {
      id: randomUUID(),
      username,
      email,
      display_name: displayName,
      password_hash: await hashPassword(input.password),
      role: input.role ?? DEFAULT_ROLE,
      disabled: 0,
      created_at: now,
      updated_at: now,
    };
    const conflict = await this.#accounts.insert(row);
    if (conflict === 'username') {
      throw usernameTaken();
    }
    if (conflict === 'email') {
      throw emailTaken();
    }
    return toAccount(row);
  }

  /**
   * Sign-up from the web, rate-limited per client address (every attempt counts) and per
   * account: refused attempts (invalid fields, a taken username or email) count against the
   * username and the email asked for, so nobody can probe or hammer one account's sign-up
   * from many addresses.
   */
  async signUp(input: NewAccount, clientAddress: string): Promise<Account> {
    await this.#limits.consume([[`signup:ip:${clientAddress}`, SIGN_UPS_PER_ADDRESS]]);
    const accountLimits = [
      [`signup:username:${canonicalLogin(input.username)}`, SIGN_UP_REFUSALS_PER_ACCOUNT],
      [`signup:email:${canonicalLogin(input.email)}`, SIGN_UP_REFUSALS_PER_ACCOUNT],
    ] as const;
    const attempt = await this.#limits.reserve(accountLimits);
    try {
      const account = await this.create({ ...input, role: DEFAULT_ROLE });
      await attempt.release();
      return account;
    } catch (error) {
      if (!(error instanceof DomainError)) await attempt.release();
      throw error;
    }
  }

  /**
   * Checks a username-or-email and password. Failures count against the account (or the
   * login string, when there is no such account, so both cases look alike) and the address.
   * Each attempt is counted before its password check and taken back when the password was
   * right, so parallel attempts cannot outrun the limits.
   */
  async signIn(login: string, password: string, clientAddress: string): Promise<Account> {
    const canonical = canonicalLogin(login);
    const row = await this.#accounts.findByLogin(canonical);
    const accountKey = `signin:account:${row?.id ?? `login:${canonical}`}`;
    const addressKey = `signin:ip:${clientAddress}`;
    const limits = [
      [accountKey, SIGN_IN_FAILURES_PER_ACCOUNT],
      [addressKey, SIGN_IN_FAILURES_PER_ADDRESS],
    ] as const;
    const attempt = await this.#limits.reserve(limits);

    const { valid, needsRehash } = await verifyPassword(password, row?.password_hash);
    if (row === undefined || !valid) {
      throw invalidCredentials();
    }
    await attempt.release();
    await this.#limits.reset(accountKey);
    if (row.disabled === 1) {
      throw accountDisabled();
    }
    if (needsRehash) {
      await this.#accounts.setPasswordHash(
        row.id,
        await hashPassword(password),
        this.#now().toISOString(),
      );
    }
    return toAccount(row);
  }

  /** The account if it exists and may receive tokens (not disabled). */
  async findActive(id: string): Promise<Account | undefined> {
    const row = await this.#accounts.findById(id);
    return row === undefined || row.disabled === 1 ? undefined : toAccount(row);
  }

  async findByUsername(username: string): Promise<Account | undefined> {
    const row = await this.#accounts.findByUsername(canonicalLogin(username));
    return row === undefined ? undefined : toAccount(row);
  }

  async list(): Promise<Account[]> {
    return (await this.#accounts.list()).map(toAccount);
  }

  /** Accounts by username, filtered by a case-insensitive search, a page at a time. */
  async listPage(query: ListUsersQuery): Promise<AccountPage> {
    const page = await readPage(
      USERS_LISTING,
      query,
      USER_PAGE_SIZE_DEFAULT,
      (window) => this.#accounts.search({ ...window, search: query.q?.normalize('NFKC').trim() }),
      (row) => ({ sortKey: row.username, id: row.id }),
    );
    return { items: page.rows.map(toAccount), nextCursor: page.nextCursor };
  }

  /**
   * An admin's change to an account by id: a new role (from the account's next access token)
   * and/or disabling or enabling it. Refused with `last_admin` when it would leave no enabled
   * admin; the check and the change are one transaction, so two admins demoting each other at
   * once cannot both succeed. Disabling ends the account's web sessions, as `setDisabled` does.
   */
  async updateUser(id: string, change: UpdateUserBody): Promise<Account> {
    const row = await this.#accounts.change(
      id,
      change,
      this.#now().toISOString(),
      (before, enabledAdminsAfter) => {
        if (before.role === 'admin' && before.disabled === 0 && enabledAdminsAfter === 0) {
          throw lastAdmin();
        }
      },
    );
    if (row === undefined) throw userNotFound();
    if (change.disabled === true) await this.#endWebSessions(row.id);
    return toAccount(row);
  }

  /** Changes a role; it applies from the account's next access token. */
  async setRole(username: string, role: Role): Promise<Account> {
    const account = await this.#require(username);
    await this.#accounts.setRole(account.id, role, this.#now().toISOString());
    return { ...account, role };
  }

  /**
   * Disables (or re-enables) an account. Disabling ends its web sessions now; its refresh
   * tokens are refused at their next use and no new access token is issued.
   */
  async setDisabled(username: string, disabled: boolean): Promise<Account> {
    const account = await this.#require(username);
    await this.#accounts.setDisabled(account.id, disabled, this.#now().toISOString());
    if (disabled) await this.#endWebSessions(account.id);
    return { ...account, disabled };
  }

  /** Ends a disabled account's web sessions now (its refresh tokens are refused on use). */
  async #endWebSessions(accountId: string): Promise<void> {
    await this.#sessions.deleteBySubject(accountId);
  }

  async #require(username: string): Promise<Account> {
    const account = await this.findByUsername(username);
    if (account === undefined) throw accountNotNamed(username);
    return account;
  }
}
