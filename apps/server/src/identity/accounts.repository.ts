import type { Kysely, Selectable } from 'kysely';

import type { AccountsTable, IdentityTables } from './identity-tables.ts';
import type { Role } from './permissions.ts';

/** A stored account. */
export type AccountRow = Selectable<AccountsTable>;

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
  async insert(row: AccountRow): Promise<AccountConflict | undefined> {
    const taken = await this.#taken(row.username, row.email);
    if (taken !== undefined) return taken;
    try {
      await this.#db.insertInto('accounts').values(row).execute();
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

  /** Every account, by username. */
  async list(): Promise<AccountRow[]> {
    return this.#db.selectFrom('accounts').selectAll().orderBy('username').execute();
  }
}
