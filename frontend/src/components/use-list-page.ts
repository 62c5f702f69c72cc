import { useCallback, useState } from "react";
import { useSearchParams } from "react-router";
import { useDebouncedCallback } from "use-debounce";

/** How long typing pauses before the search is sent (and written to the address). */
export const SEARCH_DEBOUNCE_MS = 300;

type Dialog<T> = { kind: "create" } | { kind: "edit"; item: T } | { kind: "delete"; item: T } | null;

interface Options<F extends string> {
  /** The API's ordering when the address names none (shown as the sorted column). */
  defaultOrdering: string;
  /** The list's filters, each kept in the address under its API name (`assigned=false`). */
  filters?: readonly F[];
}

/** `name` ⇄ `-name`: the next ordering when a column's header is clicked. */
export function nextOrdering(current: string, field: string): string {
  return current === field ? `-${field}` : field;
}

/**
 * The state of a list page: its page, search, ordering and filters in the address (a reload or
 * a shared link shows the same rows, with the API's own parameter names), and the one dialog
 * open. The search box answers each key at once; the address and the query follow once typing
 * pauses.
 */
export function useListPage<T, F extends string = never>({ defaultOrdering, filters = [] }: Options<F>) {
  const [params, setParams] = useSearchParams();
  const [dialog, setDialog] = useState<Dialog<T>>(null);
  const search = params.get("search") ?? "";
  const [searchText, setSearchText] = useState(search);
  // The address's search changed under the box (back, a link): the box shows it.
  const [seenSearch, setSeenSearch] = useState(search);
  if (seenSearch !== search) {
    setSeenSearch(search);
    if (searchText.trim() !== search) setSearchText(search);
  }
  const page = Math.max(1, Number.parseInt(params.get("page") ?? "", 10) || 1);
  const ordering = params.get("ordering") || defaultOrdering;

  /** Changes to the address; anything but the page starts again from the first page. */
  const update = useCallback(
    (changes: Record<string, string | null>, replace = false) => {
      setParams(
        (current) => {
          const next = new URLSearchParams(current);
          for (const [key, value] of Object.entries(changes)) {
            if (value) next.set(key, value);
            else next.delete(key);
          }
          if (!("page" in changes)) next.delete("page");
          return next;
        },
        { replace },
      );
    },
    [setParams],
  );
  const sendSearch = useDebouncedCallback((text: string) => update({ search: text.trim() }, true), SEARCH_DEBOUNCE_MS);

  const filterValues = Object.fromEntries(filters.map((name) => [name, params.get(name) ?? ""])) as Record<F, string>;
  return {
    page,
    setPage: (next: number) => update({ page: next > 1 ? String(next) : null }),
    /** The search in force (the address's). */
    search,
    /** What the search box shows. */
    searchText,
    setSearchText(text: string) {
      setSearchText(text);
      sendSearch(text);
    },
    /** Searches at once (after a create: the new row's name). */
    searchNow(text: string) {
      sendSearch.cancel();
      setSearchText(text);
      update({ search: text.trim() });
    },
    ordering,
    isDefaultOrdering: ordering === defaultOrdering,
    sortBy: (field: string) => {
      const next = nextOrdering(ordering, field);
      update({ ordering: next === defaultOrdering ? null : next });
    },
    filters: filterValues,
    setFilter: (name: F, value: string | null) => update({ [name]: value }),
    /** What the list's API call is given: blank values are left out by the API client. */
    query: { page, search, ordering, ...filterValues },
    creating: dialog?.kind === "create",
    editing: dialog?.kind === "edit" ? dialog.item : null,
    deleting: dialog?.kind === "delete" ? dialog.item : null,
    openCreate: () => setDialog({ kind: "create" }),
    openEdit: (item: T) => setDialog({ kind: "edit", item }),
    openDelete: (item: T) => setDialog({ kind: "delete", item }),
    close: () => setDialog(null),
  };
}

/** What the ListPage scaffold uses of it (the filters are the page's own controls). */
export type ListPageState<T> = Omit<ReturnType<typeof useListPage<T>>, "filters" | "setFilter" | "query">;
