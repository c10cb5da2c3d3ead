import type { Kysely, Selectable } from 'kysely';

import {
  keysetPage,
  whereSearchTextContains,
  type PageWindow,
} from '../../platform/page-cursor.ts';
import type { AccountsTable, IdentityTables } from '../identity-tables.ts';
import type { Role } from '../auth/permissions.ts';

/** A stored account. */
export type AccountRow = Selectable<AccountsTable>;

/** A new account as inserted: the repository derives `search_text` itself. */
export type NewAccountRow = Omit<AccountRow, 'search_text'>;

/**
 * What the admin's search matches: username, email and display name, folded by JavaScript so
 * that "émile" finds "Émile" on SQLite (whose lower() folds ASCII only) as on PostgreSQL.
 */
export function accountSearchText(
  row: Pick<AccountRow, 'username' | 'email' | 'display_name'>,
): string {
  return `${row.username}\n${row.email}\n${row.display_name}`.normalize('NFKC').toLowerCase();
}

/** Filters and window of an account listing, ordered by username. */
export interface AccountListWindow extends PageWindow {
  /** Case-insensitive substring of the username, the email or the display name. */
  readonly search?: string | undefined;
}

/** Changeable columns of an account, as the admin changes them. */
export interface AccountChange {
  readonly role?: Role | undefined;
  readonly disabled?: boolean | undefined;
}

/**
 * Decides whether a change may stand: sees the row before the change and the number of
 * enabled admins after it, and throws to refuse (which rolls the change back).
 */
export type AccountChangeCheck = (before: AccountRow, enabledAdminsAfter: number) => void;

/** Which unique column an insert collided with. */
export type AccountConflict = 'username' | 'email';

/** The `accounts` table. `username` and `email` are stored (and looked up) lower-cased. */
export class AccountsRepository {
  readonly #db: Kysely<IdentityTables>;

  constructor(db: Kysely<IdentityTables>) {
    this.#db = db;
  }

  async findById(id: string): Promise<AccountRow | undefined> {
    return this.#db.selectFrom('accounts').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async findByUsername(username: string): Promise<AccountRow | undefined> {
    return this.#db
      .selectFrom('accounts')
      .selectAll()
      .where('username', '=', username)
      .executeTakeFirst();
  }

  /** The account whose username or email is `login` (already lower-cased). */
  async findByLogin(login: string): Promise<AccountRow | undefined> {
    return this.#db
      .selectFrom('accounts')
      .selectAll()
      .where((eb) => eb.or([eb('username', '=', login), eb('email', '=', login)]))
      .executeTakeFirst();
  }

  /** Inserts the account, or names the unique column that is already taken. */
  async insert(row: NewAccountRow): Promise<AccountConflict | undefined> {
    const taken = await this.#taken(row.username, row.email);
    if (taken !== undefined) return taken;
    try {
      await this.#db
        .insertInto('accounts')
        .values({ ...row, search_text: accountSearchText(row) })
        .execute();
      return undefined;
    } catch (error) {
      // A concurrent sign-up won the race: report what it took.
      const raced = await this.#taken(row.username, row.email);
      if (raced !== undefined) return raced;
      throw error;
    }
  }

  async #taken(username: string, email: string): Promise<AccountConflict | undefined> {
    const rows = await this.#db
      .selectFrom('accounts')
      .select(['username', 'email'])
      .where((eb) => eb.or([eb('username', '=', username), eb('email', '=', email)]))
      .execute();
    if (rows.some((row) => row.username === username)) return 'username';
    if (rows.some((row) => row.email === email)) return 'email';
    return undefined;
  }

  async setRole(id: string, role: Role, nowIso: string): Promise<void> {
    await this.#db
      .updateTable('accounts')
      .set({ role, updated_at: nowIso })
      .where('id', '=', id)
      .execute();
  }

  async setDisabled(id: string, disabled: boolean, nowIso: string): Promise<void> {
    await this.#db
      .updateTable('accounts')
      .set({ disabled: disabled ? 1 : 0, updated_at: nowIso })
      .where('id', '=', id)
      .execute();
  }

  async setPasswordHash(id: string, passwordHash: string, nowIso: string): Promise<void> {
    await this.#db
      .updateTable('accounts')
      .set({ password_hash: passwordHash, updated_at: nowIso })
      .where('id', '=', id)
      .execute();
  }

  /** A page of accounts by username (then id), filtered by a case-insensitive search. */
  async search(window: AccountListWindow): Promise<AccountRow[]> {
    const query = this.#db.selectFrom('accounts').selectAll();
    return keysetPage(
      whereSearchTextContains(query, window.search?.normalize('NFKC')),
      { sortKey: 'username', id: 'id', direction: 'asc' },
      window,
    ).execute();
  }

  /**
   * Applies `change` to the account in one transaction, unless `check` refuses it. The
   * transaction first write-locks every enabled admin's row, so concurrent changes that could
   * remove admins queue up (PostgreSQL; SQLite serialises writers anyway) and each one counts
   * the admins the previous one left. The updated row, or undefined if there is no such account.
   */
  async change(
    id: string,
    change: AccountChange,
    nowIso: string,
    check: AccountChangeCheck,
  ): Promise<AccountRow | undefined> {
    return this.#db.transaction().execute(async (trx) => {
      await trx
        .updateTable('accounts')
        .set((eb) => ({ updated_at: eb.ref('updated_at') }))
        .where('role', '=', 'admin')
        .where('disabled', '=', 0)
        .execute();
      const before = await trx
        .selectFrom('accounts')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirst();
      if (before === undefined) return undefined;
      const after = await trx
        .updateTable('accounts')
        .set({
          ...(change.role === undefined ? {} : { role: change.role }),
          ...(change.disabled === undefined ? {} : { disabled: change.disabled ? 1 : 0 }),
          updated_at: nowIso,
        })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirstOrThrow();
      const admins = await trx
        .selectFrom('accounts')
        .select((eb) => eb.fn.countAll<number>().as('count'))
        .where('role', '=', 'admin')
        .where('disabled', '=', 0)
        .executeTakeFirstOrThrow();
      check(before, admins.count);
      return after;
    });
  }

  /** Whether any enabled admin account exists. */
  async hasEnabledAdmin(): Promise<boolean> {
    const admin = await this.#db
      .selectFrom('accounts')
      .select('id')
      .where('role', '=', 'admin')
      .where('disabled', '=', 0)
      .limit(1)
      .executeTakeFirst();
    return admin !== undefined;
  }

  /** Every account, by username. */
  async list(): Promise<AccountRow[]> {
    return this.#db.selectFrom('accounts').selectAll().orderBy('username').execute();
  }
}
