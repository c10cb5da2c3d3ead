import type { Insertable, Kysely, Selectable } from 'kysely';

import { preparedQuery } from '../../platform/prepared-query.ts';
import type { BffSessionsTable, IdentityTables } from '../identity-tables.ts';

/** A stored BFF session. */
export type BffSessionRow = Selectable<BffSessionsTable>;

// Every request of the web app reads its session: compiled once.
const findLiveSession = preparedQuery(
  (db: Kysely<IdentityTables>, params: { idHash: string; nowIso: string }) =>
    db
      .selectFrom('bff_sessions')
      .selectAll()
      .where('id_hash', '=', params.idHash)
      .where('expires_at', '>', params.nowIso),
);

/** The `bff_sessions` table. Rows are found by the SHA-256 of the cookie value. */
export class BffSessionsRepository {
  readonly #db: Kysely<IdentityTables>;

  constructor(db: Kysely<IdentityTables>) {
    this.#db = db;
  }

  /** The live session, or undefined when it does not exist or has expired. */
  async find(idHash: string, nowIso: string): Promise<BffSessionRow | undefined> {
    return (await findLiveSession(this.#db, { idHash, nowIso })).rows[0];
  }

  async insert(row: Insertable<BffSessionsTable>): Promise<void> {
    await this.#db.insertInto('bff_sessions').values(row).execute();
  }

  /**
   * Claims the right to refresh the session's tokens until `leaseUntilIso`: true for exactly one
   * caller among all instances, and only while the row still holds `currentTokens` (the box the
   * caller read) and no other caller's lease is running.
   */
  async claimRefresh(
    idHash: string,
    currentTokens: string,
    nowIso: string,
    leaseUntilIso: string,
  ): Promise<boolean> {
    const result = await this.#db
      .updateTable('bff_sessions')
      .set({ refresh_lease_until: leaseUntilIso })
      .where('id_hash', '=', idHash)
      .where('tokens', '=', currentTokens)
      .where((eb) =>
        eb.or([eb('refresh_lease_until', 'is', null), eb('refresh_lease_until', '<=', nowIso)]),
      )
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /**
   * Stores refreshed tokens and ends the lease, only if the row still holds `previousTokens`;
   * false when the session is gone (signed out meanwhile).
   */
  async replaceTokens(
    idHash: string,
    previousTokens: string,
    update: { tokens: string; access_expires_at: string; updated_at: string },
  ): Promise<boolean> {
    const result = await this.#db
      .updateTable('bff_sessions')
      .set({ ...update, refresh_lease_until: null })
      .where('id_hash', '=', idHash)
      .where('tokens', '=', previousTokens)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** Ends a lease without new tokens (the refresh failed), so the next request may try again. */
  async releaseRefresh(idHash: string, leaseUntilIso: string): Promise<void> {
    await this.#db
      .updateTable('bff_sessions')
      .set({ refresh_lease_until: null })
      .where('id_hash', '=', idHash)
      .where('refresh_lease_until', '=', leaseUntilIso)
      .execute();
  }

  async delete(idHash: string): Promise<void> {
    await this.#db.deleteFrom('bff_sessions').where('id_hash', '=', idHash).execute();
  }

  /** Ends every session of a subject (e.g. a disabled account). */
  async deleteBySubject(subject: string): Promise<number> {
    const result = await this.#db
      .deleteFrom('bff_sessions')
      .where('subject', '=', subject)
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  async deleteExpired(nowIso: string): Promise<number> {
    const result = await this.#db
      .deleteFrom('bff_sessions')
      .where('expires_at', '<=', nowIso)
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
