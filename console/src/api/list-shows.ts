/** What a list shows: rows, nothing at all yet, or nothing that matches the search. */
export type ListShows = "loading" | "error" | "items" | "empty" | "no-match";

/** The number of pages of `total` items, `pageSize` a page (at least 1). */
export function pagesOf(total: number, pageSize: number): number {
  return Math.max(1, Math.ceil(total / pageSize));
}

/** What a list shows, from its loading state, its items and the search. */
export function listShows(
  list: { loading: boolean; error?: unknown; items: readonly unknown[] },
  query = "",
): ListShows {
  if (list.error !== undefined && list.error !== null) return "error";
  if (list.items.length > 0) return "items";
  if (list.loading) return "loading";
  return query === "" ? "empty" : "no-match";
}
