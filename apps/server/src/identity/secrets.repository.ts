import type { Kysely } from 'kysely';

import type { IdentityTables } from './identity-tables.ts';

/** The `secrets` table: server secrets generated once and shared by every instance. */
export class SecretsRepository {
  readonly #db: Kysely<IdentityTables>;

  constructor(db: Kysely<IdentityTables>) {
    this.#db = db;
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
      .values({ name, value: generate(), created_at: now, updated_at: now })
      .onConflict((conflict) => conflict.column('name').doNothing())
      .execute();
    const created = await this.#find(name);
    if (created === undefined) throw new Error(`The secret ${name} could not be stored`);
    return created;
  }

  async #find(name: string): Promise<string | undefined> {
    const row = await this.#db
      .selectFrom('secrets')
      .select('value')
      .where('name', '=', name)
      .executeTakeFirst();
    return row?.value;
  }
}
