import type { Kysely } from 'kysely';

import type { SecretsKeyring } from '../../platform/secrets-key.ts';
import type { IdentityTables, SigningKeysTable } from '../identity-tables.ts';

/** A signing key, its private JWK in clear. */
export type SigningKeyRow = SigningKeysTable;

/**
 * The `signing_keys` table: the embedded provider's keys. Private JWKs are stored encrypted
 * with the keyring; rows come and go in clear.
 */
export class SigningKeysRepository {
  readonly #db: Kysely<IdentityTables>;
  readonly #keyring: SecretsKeyring;

  constructor(db: Kysely<IdentityTables>, keyring: SecretsKeyring) {
    this.#db = db;
    this.#keyring = keyring;
  }

  /** Keys still published at `nowIso` (not past `not_after`), oldest first. */
  async listPublished(nowIso: string): Promise<SigningKeyRow[]> {
    const rows = await this.#db
      .selectFrom('signing_keys')
      .selectAll()
      .where((eb) => eb.or([eb('not_after', 'is', null), eb('not_after', '>', nowIso)]))
      .orderBy('active_from')
      .orderBy('kid')
      .execute();
    return Promise.all(
      rows.map(async (row) => ({
        ...row,
        private_jwk: await this.#keyring.open(row.private_jwk, contextOf(row.kid)),
      })),
    );
  }

  async insertFirst(row: SigningKeyRow): Promise<void> {
    await this.#db
      .insertInto('signing_keys')
      .values(await this.#sealed(row))
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
      await trx
        .insertInto('signing_keys')
        .values(await this.#sealed(next))
        .execute();
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

  /** Re-encrypts every key that is not under the keyring's current key; returns how many. */
  async resealAll(): Promise<number> {
    return this.#db.transaction().execute(async (trx) => {
      const rows = await trx.selectFrom('signing_keys').select(['kid', 'private_jwk']).execute();
      return this.#keyring.resealEach(
        rows,
        (row) => ({ sealed: row.private_jwk, context: contextOf(row.kid) }),
        (row, privateJwk) =>
          trx
            .updateTable('signing_keys')
            .set({ private_jwk: privateJwk })
            .where('kid', '=', row.kid)
            .execute(),
      );
    });
  }

  async #sealed(row: SigningKeyRow): Promise<SigningKeyRow> {
    return { ...row, private_jwk: await this.#keyring.seal(row.private_jwk, contextOf(row.kid)) };
  }
}

/** What a key's envelope is bound to: it opens in its own row only. */
function contextOf(kid: string): string {
  return `signing_keys/${kid}`;
}
