import { DomainError } from './errors.ts';

/*
 * Opaque keyset-pagination cursors: base64url of the JSON `[listing, sortKey, id]` of the last
 * item of a page. `listing` names the list the cursor came from, so a cursor of one list is
 * refused by another. Cursors are not secret and not signed: a forged one only moves the
 * caller's own window, because every query still applies the caller's filters.
 */

/** `invalid_cursor`: a cursor this listing did not make (declared in the problem catalogue). */
export function invalidCursor(): DomainError {
  return new DomainError('invalid_cursor', 'The cursor is invalid; start again from page one.');
}

/** Where the next page starts: after the item with this sort key and id. */
export interface PagePosition {
  readonly sortKey: string;
  readonly id: string;
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
): { rows: Row[]; nextCursor: string | null } {
  const kept = rows.slice(0, limit);
  const last = kept.at(-1);
  const nextCursor =
    rows.length > limit && last !== undefined ? encodeCursor(listing, positionOf(last)) : null;
  return { rows: kept, nextCursor };
}

/** Escapes `%`, `_` and `\` for a `like … escape '\'` pattern, and wraps it in `%…%`. */
export function containsPattern(search: string): string {
  return `%${search.toLowerCase().replace(/[\\%_]/g, (character) => `\\${character}`)}%`;
}
