import type { Kysely } from 'kysely';
import type { Adapter, AdapterPayload } from 'oidc-provider';

import type { OidcPayloadsTable } from '../identity-tables.ts';

/** The part of the database this adapter needs. */
export interface OidcPayloadDatabase {
  oidc_payloads: OidcPayloadsTable;
}

/**
 * oidc-provider's storage for one model (`Session`, `AccessToken`, `Grant` …) in the
 * `oidc_payloads` table, on SQLite or PostgreSQL. Expired rows are invisible to reads and
 * removed by {@link purgeExpiredOidcPayloads}. This is the identity feature's repository for
 * provider state: nothing else touches the table.
 */
export class KyselyOidcAdapter implements Adapter {
  readonly #db: Kysely<OidcPayloadDatabase>;
  readonly #model: string;
  readonly #now: () => number;

  constructor(db: Kysely<OidcPayloadDatabase>, model: string, now: () => number = Date.now) {
    this.#db = db;
    this.#model = model;
    this.#now = now;
  }

  async upsert(id: string, payload: AdapterPayload, expiresIn?: number): Promise<void> {
    const row = {
      payload: JSON.stringify(payload),
      grant_id: payload.grantId ?? null,
      user_code: payload.userCode ?? null,
      uid: payload.uid ?? null,
      expires_at:
        typeof expiresIn === 'number'
          ? new Date(this.#now() + expiresIn * 1000).toISOString()
          : null,
      consumed_at: null,
    };
    await this.#db
      .insertInto('oidc_payloads')
      .values({ model: this.#model, id, ...row })
      .onConflict((conflict) => conflict.columns(['model', 'id']).doUpdateSet(row))
      .execute();
  }

  async find(id: string): Promise<AdapterPayload | undefined> {
    return this.#findBy('id', id);
  }

  async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
    return this.#findBy('user_code', userCode);
  }

  async findByUid(uid: string): Promise<AdapterPayload | undefined> {
    return this.#findBy('uid', uid);
  }

  async consume(id: string): Promise<void> {
    await this.#db
      .updateTable('oidc_payloads')
      .set({ consumed_at: new Date(this.#now()).toISOString() })
      .where('model', '=', this.#model)
      .where('id', '=', id)
      .execute();
  }

  async destroy(id: string): Promise<void> {
    await this.#db
      .deleteFrom('oidc_payloads')
      .where('model', '=', this.#model)
      .where('id', '=', id)
      .execute();
  }

  /** Deletes every token of a grant, whatever its model (codes, access and refresh tokens). */
  async revokeByGrantId(grantId: string): Promise<void> {
    await this.#db.deleteFrom('oidc_payloads').where('grant_id', '=', grantId).execute();
  }

  async #findBy(
    column: 'id' | 'user_code' | 'uid',
    value: string,
  ): Promise<AdapterPayload | undefined> {
    const nowIso = new Date(this.#now()).toISOString();
    const row = await this.#db
      .selectFrom('oidc_payloads')
      .select(['payload', 'consumed_at'])
      .where('model', '=', this.#model)
      .where(column, '=', value)
      .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', nowIso)]))
      .executeTakeFirst();
    if (row === undefined) return undefined;
    const payload = JSON.parse(row.payload) as AdapterPayload;
    if (row.consumed_at !== null) {
      // oidc-provider only tests truthiness; epoch seconds mirror its in-memory adapter.
      payload.consumed = Math.floor(Date.parse(row.consumed_at) / 1000);
    }
    return payload;
  }
}

/** The value of oidc-provider's `adapter` option: one adapter per model, sharing `db`. */
export function createOidcAdapterFactory(
  db: Kysely<OidcPayloadDatabase>,
  now: () => number = Date.now,
): (model: string) => Adapter {
  return (model) => new KyselyOidcAdapter(db, model, now);
}

/** Housekeeping: deletes expired provider state; returns how many rows went. */
export async function purgeExpiredOidcPayloads(
  db: Kysely<OidcPayloadDatabase>,
  now: Date = new Date(),
): Promise<number> {
  const result = await db
    .deleteFrom('oidc_payloads')
    .where('expires_at', '<=', now.toISOString())
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
