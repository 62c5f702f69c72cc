import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { apiFetch, type Query } from "./api-client";

/**
 * One page of a list API (`GET path?page=…`), cached under `[...key, "list", query]`: the page
 * before stays shown while the next one loads. `enabled: false` asks nothing (yet).
 */
export function usePageQuery<List>(key: readonly unknown[], path: string, query: Query, { enabled = true } = {}) {
  return useQuery({
    queryKey: [...key, "list", query],
    queryFn: ({ signal }) => apiFetch<List>(path, { query, signal }),
    placeholderData: keepPreviousData,
    enabled,
  });
}

/**
 * One item by id (`GET path(id)`), cached under `[...key, "one", id]`; a null id asks nothing.
 * Kept a minute, and not asked again after a failure (an id that is not there stays so).
 */
export function useItemQuery<Item>(key: readonly unknown[], path: (id: string) => string, id: string | null) {
  return useQuery({
    queryKey: [...key, "one", id],
    queryFn: ({ signal }) => apiFetch<Item>(path(id as string), { signal }),
    enabled: !!id,
    staleTime: 60_000,
    retry: false,
  });
}
