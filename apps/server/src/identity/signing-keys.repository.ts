import type { Kysely } from 'kysely';

import type { IdentityTables, SigningKeysTable } from './identity-tables.ts';

/** A stored signing key. */
export type SigningKeyRow = SigningKeysTable;

/** The `signing_keys` table: the embedded provider's keys. */
export class SigningKeysRepository {
  readonly #db: Kysely<IdentityTables>;

  constructor(db: Kysely<IdentityTables>) {
    this.#db = db;
  }

  /** Keys still published at `nowIso` (not past `not_after`), oldest first. */
  async listPublished(nowIso: string): Promise<SigningKeyRow[]> {
    return this.#db
      .selectFrom('signing_keys')
      .selectAll()
      .where((eb) => eb.or([eb('not_after', 'is', null), eb('not_after', '>', nowIso)]))
      .orderBy('active_from')
      .orderBy('kid')
      .execute();
  }

  async insertFirst(row: SigningKeyRow): Promise<void> {
    await this.#db
      .insertInto('signing_keys')
      .values(row)
      .onConflict((conflict) => conflict.column('kid').doNothing())
      .execute();
  }

  /**
   * Publishes `next` and retires every key without a retirement date: they sign until
   * `next.active_from` and stay published until `notAfter`. One transaction.
   */
  async rotate(next: SigningKeyRow, notAfter: string): Promise<string[]> {
    return this.#db.transaction().execute(async (trx) => {
      const retiring = await trx
        .selectFrom('signing_keys')
        .select('kid')
        .where('retired_at', 'is', null)
        .execute();
      await trx
        .updateTable('signing_keys')
        .set({ retired_at: next.active_from, not_after: notAfter })
        .where('retired_at', 'is', null)
        .execute();
      await trx.insertInto('signing_keys').values(next).execute();
      return retiring.map((row) => row.kid);
    });
  }

  /** Housekeeping: deletes keys no longer published; returns how many. */
  async deleteExpired(nowIso: string): Promise<number> {
    const result = await this.#db
      .deleteFrom('signing_keys')
      .where('not_after', '<=', nowIso)
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
