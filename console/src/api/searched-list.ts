import { useDebouncedValue } from "@mantine/hooks";
import { useState } from "react";
import type { Query } from "./client";
import { type PagedState, usePaged } from "./hooks";
import { type ListShows, listShows, pagesOf } from "./list-shows";

export interface SearchedListState<T> extends PagedState<T> {
  /** The search field's text, as typed. */
  search: string;
  setSearch(text: string): void;
  /** The text searched for: trimmed, once typing pauses; "" lists everything. */
  query: string;
  /** The number of pages (at least 1). */
  pages: number;
  shows: ListShows;
}

/**
 * A paged list with a search field: `path` lists everything (`/applications`), and while
 * the user searches, `/search<path>` with `query` does (TTS's search API, same list field).
 * A new search starts on the first page (`usePaged`).
 */
export function useSearchedList<T>(
  path: string,
  listField: string,
  params: Query & { limit: number },
): SearchedListState<T> {
  const [search, setSearch] = useState("");
  const [query] = useDebouncedValue(search.trim(), 300);
  const list = usePaged<T>(
    query ? `/search${path}` : path,
    listField,
    query ? { ...params, query } : params,
  );
  return {
    ...list,
    search,
    setSearch,
    query,
    pages: pagesOf(list.total, params.limit),
    shows: listShows(list, query),
  };
}
