import { computed, linkedSignal, resource, untracked } from '@angular/core';

/** A page of a list the server pages with a cursor. */
export interface CursorPage<T> {
  readonly items: readonly T[];
  readonly nextCursor: string | null;
}

/**
 * A list loaded a page at a time: the first page of `query()` through `resource()`, the pages after
 * it on "more". A new query (a new object, so the same words searched again reload) starts over,
 * and an answer to an older query is dropped. The items of a query that fails to load stay shown.
 * Call in an injection context; `query()` returning `undefined` loads nothing.
 */
export function cursorPages<Q extends object, T>(options: {
  readonly query: () => Q | undefined;
  readonly load: (query: Q, cursor: string | null) => Promise<CursorPage<T>>;
}) {
  const query = computed(options.query);
  const firstPage = resource({
    params: query,
    loader: ({ params }) => options.load(params, null),
  });
  const firstPageValue = computed(() => (firstPage.hasValue() ? firstPage.value() : undefined));
  const items = linkedSignal<CursorPage<T> | undefined, readonly T[]>({
    source: firstPageValue,
    computation: (page, previous) => page?.items ?? previous?.value ?? [],
  });
  const nextCursor = linkedSignal<CursorPage<T> | undefined, string | null>({
    source: firstPageValue,
    computation: (page, previous) => (page ? page.nextCursor : (previous?.value ?? null)),
  });
  const loadingMore = linkedSignal({ source: query, computation: () => false });
  const loadMoreError = linkedSignal<unknown, unknown>({
    source: query,
    computation: () => undefined,
  });

  return {
    state: computed(() => {
      if (loadMoreError() !== undefined || firstPage.error()) return 'error';
      return firstPage.isLoading() ? 'loading' : 'ready';
    }),
    /** The items of the pages so far; writable, so a page can show an item's change in place. */
    items,
    nextCursor: nextCursor.asReadonly(),
    /** The first page is on its way. */
    loading: computed(() => firstPage.isLoading()),
    loadingMore: loadingMore.asReadonly(),
    /**
     * What failed to load, if anything: a "more" (`more`), which a "more", query or reload that
     * loads clears, or else the first page.
     */
    failure: computed(() => {
      const more = loadMoreError();
      if (more !== undefined) return { error: more, more: true };
      const first = firstPage.error();
      return first ? { error: first, more: false } : undefined;
    }),
    /** Loads the first page of the same query again. */
    reload(): void {
      loadMoreError.set(undefined);
      firstPage.reload();
    },
    async loadMore(): Promise<void> {
      const cursor = nextCursor();
      const asked = untracked(query);
      if (cursor === null || asked === undefined || loadingMore()) return;
      const current = () => asked === untracked(query);
      loadingMore.set(true);
      try {
        const page = await options.load(asked, cursor);
        // A query asked for meanwhile replaces these items, so they are dropped.
        if (!current()) return;
        items.update((shown) => [...shown, ...page.items]);
        nextCursor.set(page.nextCursor);
        loadMoreError.set(undefined);
      } catch (error) {
        if (current()) loadMoreError.set(error);
      } finally {
        if (current()) loadingMore.set(false);
      }
    },
  };
}
