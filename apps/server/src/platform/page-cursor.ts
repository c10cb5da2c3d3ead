import { sql, type SelectQueryBuilder, type StringReference } from 'kysely';
import { ErrorCode } from '@assay/contracts';
import { DomainError } from './errors.ts';

/*
 * Opaque keyset-pagination cursors: base64url of the JSON `[listing, sortKey, id]` of the last
 * item of a page. `listing` names the list the cursor came from, so a cursor of one list is
 * refused by another. Cursors are not secret and not signed: a forged one only moves the
 * caller's own window, because every query still applies the caller's filters.
 */

/** `invalid_cursor`: a cursor this listing did not make (declared in the problem catalogue). */
export function invalidCursor(): DomainError {
  return new DomainError(
    ErrorCode.invalid_cursor,
    'The cursor is invalid; start again from page one.',
  );
}

/** Where the next page starts: after the item with this sort key and id. */
export interface PagePosition {
  readonly sortKey: string;
  readonly id: string;
}

/** Which rows a listing query fetches: `limit` of them, after `after` when it is set. */
export interface PageWindow {
  /** Rows to fetch (callers ask for one more than a page to know if there is a next one). */
  readonly limit: number;
  /** Start after this item. */
  readonly after?: PagePosition | undefined;
}

/** What a listing request asks for: a page size (or the default) and a cursor from a previous page. */
export interface PageRequest {
  readonly limit?: number | undefined;
  readonly cursor?: string | undefined;
}

/** A page of rows and the cursor of the page after it, or `null` when it is the last. */
export interface RowPage<Row> {
  readonly rows: Row[];
  readonly nextCursor: string | null;
}

/** Encodes the position after `item` in listing `listing`. */
export function encodeCursor(listing: string, position: PagePosition): string {
  return Buffer.from(JSON.stringify([listing, position.sortKey, position.id])).toString(
    'base64url',
  );
}

/** Decodes a cursor of `listing`; throws `invalid_cursor` for anything else. */
export function decodeCursor(listing: string, cursor: string): PagePosition {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalidCursor();
  }
  if (
    !Array.isArray(parsed) ||
    parsed.length !== 3 ||
    parsed[0] !== listing ||
    typeof parsed[1] !== 'string' ||
    typeof parsed[2] !== 'string' ||
    parsed[1].length > 64 ||
    parsed[2].length > 64
  ) {
    throw invalidCursor();
  }
  return { sortKey: parsed[1], id: parsed[2] };
}

/**
 * Cuts a page out of `rows` fetched with `limit + 1` and makes the next cursor from the last
 * item kept, or `null` when there is nothing more.
 */
export function pageOf<Row>(
  rows: readonly Row[],
  limit: number,
  listing: string,
  positionOf: (row: Row) => PagePosition,
): RowPage<Row> {
  const kept = rows.slice(0, limit);
  const last = kept.at(-1);
  const nextCursor =
    rows.length > limit && last !== undefined ? encodeCursor(listing, positionOf(last)) : null;
  return { rows: kept, nextCursor };
}

/**
 * One page of listing `listing`: decodes the request's cursor, fetches one row more than the
 * page with `fetch`, and makes the next cursor from the last row kept.
 */
export async function readPage<Row>(
  listing: string,
  request: PageRequest,
  defaultLimit: number,
  fetch: (window: PageWindow) => Promise<readonly Row[]>,
  positionOf: (row: Row) => PagePosition,
): Promise<RowPage<Row>> {
  const limit = request.limit ?? defaultLimit;
  const after = request.cursor === undefined ? undefined : decodeCursor(listing, request.cursor);
  return pageOf(await fetch({ limit: limit + 1, after }), limit, listing, positionOf);
}

/** The columns a listing is ordered by: a text sort key, then the id to break ties, both one way. */
export interface Keyset<DB, TB extends keyof DB> {
  readonly sortKey: StringReference<DB, TB>;
  readonly id: StringReference<DB, TB>;
  readonly direction: 'asc' | 'desc';
}

/**
 * Restricts `query` to the rows after `window.after` in `keyset` order, orders it so and limits
 * it to `window.limit` rows: `where (sortKey < ? or (sortKey = ? and id < ?)) order by sortKey
 * desc, id desc limit ?` for a descending keyset (`>` and no direction keyword for ascending).
 */
export function keysetPage<DB, TB extends keyof DB, O>(
  query: SelectQueryBuilder<DB, TB, O>,
  keyset: Keyset<DB, TB>,
  window: PageWindow,
): SelectQueryBuilder<DB, TB, O> {
  // The columns are checked against the query's tables by `Keyset`; `sql.ref` compiles them to
  // the same quoted identifiers the builder would, with a comparison type Kysely can check.
  const sortKey = sql.ref<string>(keyset.sortKey);
  const id = sql.ref<string>(keyset.id);
  const beyond = keyset.direction === 'desc' ? '<' : '>';
  let paged = query;
  const { after } = window;
  if (after !== undefined) {
    paged = paged.where((eb) =>
      eb.or([
        eb(sortKey, beyond, after.sortKey),
        eb.and([eb(sortKey, '=', after.sortKey), eb(id, beyond, after.id)]),
      ]),
    );
  }
  paged =
    keyset.direction === 'desc'
      ? paged.orderBy(sortKey, 'desc').orderBy(id, 'desc')
      : paged.orderBy(sortKey).orderBy(id);
  return paged.limit(window.limit);
}

/**
 * Narrows `query` to the rows whose `search_text` column contains `search` (which the column
 * holds lower-cased; LIKE wildcards in it are taken literally). No search narrows nothing.
 */
export function whereSearchTextContains<DB, TB extends keyof DB, O>(
  query: SelectQueryBuilder<DB, TB, O>,
  search: string | undefined,
): SelectQueryBuilder<DB, TB, O> {
  if (search === undefined || search === '') return query;
  return query.where(sql<boolean>`search_text like ${containsPattern(search)} escape '\\'`);
}

/** Escapes `%`, `_` and `\` for a `like … escape '\'` pattern, and wraps it in `%…%`. */
export function containsPattern(search: string): string {
  return `%${search.toLowerCase().replace(/[\\%_]/g, (character) => `\\${character}`)}%`;
}
