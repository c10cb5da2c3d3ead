import { sql, type Kysely } from 'kysely';

import type { IdentityTables } from '../identity-tables.ts';

/** A fixed-window counter's state. */
export interface WindowCount {
  readonly count: number;
  /** When the window ends, ms since the epoch. */
  readonly resetsAt: number;
}

/** The `rate_limits` table: fixed-window counters shared by every instance. */
export class RateLimitsRepository {
  readonly #db: Kysely<IdentityTables>;

  constructor(db: Kysely<IdentityTables>) {
    this.#db = db;
  }

  /** Adds one to `key`'s counter (a new window when the last one is over), atomically. */
  async hit(key: string, windowSeconds: number, now: Date): Promise<WindowCount> {
    const nowIso = now.toISOString();
    const expiresIso = new Date(now.getTime() + windowSeconds * 1000).toISOString();
    const expired = sql<boolean>`rate_limits.expires_at <= ${nowIso}`;
    const row = await this.#db
      .insertInto('rate_limits')
      .values({ key, window_start: nowIso, count: 1, expires_at: expiresIso })
      .onConflict((conflict) =>
        conflict.column('key').doUpdateSet({
          count: sql<number>`case when ${expired} then 1 else rate_limits.count + 1 end`,
          window_start: sql<string>`case when ${expired} then ${nowIso} else rate_limits.window_start end`,
          expires_at: sql<string>`case when ${expired} then ${expiresIso} else rate_limits.expires_at end`,
        }),
      )
      .returning(['count', 'expires_at'])
      .executeTakeFirstOrThrow();
    return { count: row.count, resetsAt: Date.parse(row.expires_at) };
  }

  /**
   * Takes back one count that {@link hit} added to the window ending at `resetsAt`; a window
   * that has ended since (or was reset) is left alone.
   */
  async release(key: string, resetsAt: number): Promise<void> {
    await this.#db
      .updateTable('rate_limits')
      .set({ count: sql<number>`rate_limits.count - 1` })
      .where('key', '=', key)
      .where('expires_at', '=', new Date(resetsAt).toISOString())
      .where('count', '>', 0)
      .execute();
  }

  async reset(key: string): Promise<void> {
    await this.#db.deleteFrom('rate_limits').where('key', '=', key).execute();
  }

  /** Housekeeping: deletes finished windows. */
  async deleteExpired(now: Date): Promise<number> {
    const result = await this.#db
      .deleteFrom('rate_limits')
      .where('expires_at', '<=', now.toISOString())
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
