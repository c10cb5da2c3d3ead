import type { Kysely, Selectable } from 'kysely';

import { preparedQuery } from '../platform/prepared-query.ts';
import type { BffSessionsTable, IdentityTables } from './identity-tables.ts';

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

  async insert(row: BffSessionRow): Promise<void> {
    await this.#db.insertInto('bff_sessions').values(row).execute();
  }

  /**
   * Stores refreshed tokens, only if the row still holds `previousTokens` (another instance
   * may have refreshed it first); true when this update won.
   */
  async replaceTokens(
    idHash: string,
    previousTokens: string,
    update: { tokens: string; access_expires_at: string; updated_at: string },
  ): Promise<boolean> {
    const result = await this.#db
      .updateTable('bff_sessions')
      .set(update)
      .where('id_hash', '=', idHash)
      .where('tokens', '=', previousTokens)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /**
   * Claims the right to refresh the session's tokens: succeeds for exactly one caller among
   * instances that read the same `updated_at`.
   */
  async claimRefresh(idHash: string, previousUpdatedAt: string, nowIso: string): Promise<boolean> {
    const result = await this.#db
      .updateTable('bff_sessions')
      .set({ updated_at: nowIso })
      .where('id_hash', '=', idHash)
      .where('updated_at', '=', previousUpdatedAt)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
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
