import { Type, type TSchema } from 'typebox';

/** A listing's `cursor` parameter: the `nextCursor` of the previous page; opaque. */
export const PageCursor = Type.String({ maxLength: 512, pattern: '^[A-Za-z0-9_-]+$' });

/** A listing's `limit` parameter: how many items a page holds, `fallback` when absent. */
export function PageLimit(maximum: number, fallback: number) {
  return Type.Integer({ minimum: 1, maximum, default: fallback });
}

/** The paging parameters of a listing's query: `limit` (see `PageLimit`), then `cursor`. */
export function pageParameters(maximum: number, fallback: number) {
  return {
    limit: Type.Optional(PageLimit(maximum, fallback)),
    cursor: Type.Optional(PageCursor),
  };
}

/** One page of `item`s of a keyset-paginated listing; `nextCursor` is `null` on the last page. */
export function Page<Item extends TSchema>(item: Item) {
  return Type.Object(
    { items: Type.Array(item), nextCursor: Type.Union([Type.String(), Type.Null()]) },
    { additionalProperties: false },
  );
}
