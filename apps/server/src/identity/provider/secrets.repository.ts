import type { Kysely } from 'kysely';

import type { SecretsKeyring } from '../../platform/secrets-key.ts';
import type { IdentityTables } from '../identity-tables.ts';

/** The `secrets` table: server secrets generated once and shared by every instance. */
export class SecretsRepository {
  readonly #db: Kysely<IdentityTables>;
  readonly #keyring: SecretsKeyring;

  /** Values are stored encrypted with `keyring` and returned in clear. */
  constructor(db: Kysely<IdentityTables>, keyring: SecretsKeyring) {
    this.#db = db;
    this.#keyring = keyring;
  }

  /**
   * The secret called `name`, created with `generate()` if there is none yet. Concurrent first
   * starts agree: the first insert wins and everyone reads it back.
   */
  async getOrCreate(name: string, generate: () => string): Promise<string> {
    const existing = await this.#find(name);
    if (existing !== undefined) return existing;
    const now = new Date().toISOString();
    await this.#db
      .insertInto('secrets')
      .values({
        name,
        value: await this.#keyring.seal(generate(), contextOf(name)),
        created_at: now,
        updated_at: now,
      })
      .onConflict((conflict) => conflict.column('name').doNothing())
      .execute();
    const created = await this.#find(name);
    if (created === undefined) throw new Error(`The secret ${name} could not be stored`);
    return created;
  }

  /** The secret called `name`, if there is one. */
  async find(name: string): Promise<string | undefined> {
    return this.#find(name);
  }

  /** Re-encrypts every secret that is not under the keyring's current key; returns how many. */
  async resealAll(): Promise<number> {
    return this.#db.transaction().execute(async (trx) => {
      const rows = await trx.selectFrom('secrets').select(['name', 'value']).execute();
      return this.#keyring.resealEach(
        rows,
        (row) => ({ sealed: row.value, context: contextOf(row.name) }),
        (row, value) =>
          trx
            .updateTable('secrets')
            .set({ value, updated_at: new Date().toISOString() })
            .where('name', '=', row.name)
            .execute(),
      );
    });
  }

  async #find(name: string): Promise<string | undefined> {
    const row = await this.#db
      .selectFrom('secrets')
      .select('value')
      .where('name', '=', name)
      .executeTakeFirst();
    return row === undefined ? undefined : this.#keyring.open(row.value, contextOf(name));
  }
}

/** What a secret's envelope is bound to: it opens in its own row only. */
function contextOf(name: string): string {
  return `secrets/${name}`;
}
