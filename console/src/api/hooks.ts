import { useCallback, useEffect, useRef, useState } from "react";
import { apiFetch, apiUrl, errorFromResponse, type Query } from "./client";

export interface RequestState<T> {
  data?: T;
  error?: unknown;
  loading: boolean;
  /** Fetches again (keeps the data shown until the new answer). */
  reload(): void;
}

/** A stable key for a query object, so that a new object with the same values does not refetch. */
function queryKey(query: Query | undefined): string {
  return JSON.stringify(Object.entries(query ?? {}).sort(([a], [b]) => a.localeCompare(b)));
}

/** `GET path` (under `/api/v3`) as state; `null` path: nothing is fetched. */
export function useRequest<T>(path: string | null, query?: Query): RequestState<T> {
  const key = queryKey(query);
  const queryRef = useRef(query);
  queryRef.current = query;
  const [generation, setGeneration] = useState(0);
  const [state, setState] = useState<{ data?: T; error?: unknown; loading: boolean }>({
    loading: path !== null,
  });

  useEffect(() => {
    void key;
    void generation;
    if (path === null) {
      setState({ loading: false });
      return;
    }
    const controller = new AbortController();
    setState((previous) => ({ data: previous.data, loading: true }));
    (async () => {
      const response = await apiFetch(
        "GET",
        apiUrl(path, queryRef.current),
        undefined,
        controller.signal,
      );
      if (!response.ok) throw await errorFromResponse(response);
      const data = (await response.json()) as T;
      if (!controller.signal.aborted) setState({ data, loading: false });
    })().catch((error: unknown) => {
      if (!controller.signal.aborted) setState({ error, loading: false });
    });
    return () => controller.abort();
  }, [path, key, generation]);

  const reload = useCallback(() => setGeneration((value) => value + 1), []);
  return { ...state, reload };
}

export interface PagedState<T> {
  items: T[];
  /** The number of items on all pages (`x-total-count`). */
  total: number;
  /** The page shown, from 1. */
  page: number;
  setPage(page: number): void;
  loading: boolean;
  error?: unknown;
  reload(): void;
}

/**
 * A TTS list (`limit`/`page`, the total in `x-total-count`): `listField` names the array in
 * the answer (such as `applications`). `query.limit` sets the page size (default 20).
 */
export function usePaged<T>(path: string | null, listField: string, query?: Query): PagedState<T> {
  const limit = Number(query?.limit ?? 20) || 20;
  const key = queryKey(query);
  const queryRef = useRef(query);
  queryRef.current = query;
  const [page, setPage] = useState(1);
  const [generation, setGeneration] = useState(0);
  const [state, setState] = useState<{
    items: T[];
    total: number;
    loading: boolean;
    error?: unknown;
  }>({ items: [], total: 0, loading: path !== null });

  // A different list or filter starts again on its first page.
  const listKey = `${path}\n${listField}\n${key}`;
  const [shownKey, setShownKey] = useState(listKey);
  if (shownKey !== listKey) {
    setShownKey(listKey);
    setPage(1);
  }

  useEffect(() => {
    void generation;
    void listKey;
    if (path === null) {
      setState({ items: [], total: 0, loading: false });
      return;
    }
    const controller = new AbortController();
    setState((previous) => ({ ...previous, error: undefined, loading: true }));
    (async () => {
      const response = await apiFetch(
        "GET",
        apiUrl(path, { ...queryRef.current, limit, page }),
        undefined,
        controller.signal,
      );
      if (!response.ok) throw await errorFromResponse(response);
      const body = (await response.json()) as Record<string, unknown>;
      const list = body[listField];
      const items = Array.isArray(list) ? (list as T[]) : [];
      const header = Number(response.headers.get("x-total-count"));
      const total =
        Number.isFinite(header) && header > 0 ? header : (page - 1) * limit + items.length;
      if (!controller.signal.aborted) setState({ items, total, loading: false });
    })().catch((error: unknown) => {
      if (!controller.signal.aborted) setState({ items: [], total: 0, error, loading: false });
    });
    return () => controller.abort();
  }, [path, listField, limit, page, listKey, generation]);

  const reload = useCallback(() => setGeneration((value) => value + 1), []);
  return { ...state, page, setPage, reload };
}
