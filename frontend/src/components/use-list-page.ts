import { useState } from "react";

type Dialog<T> = { kind: "create" } | { kind: "edit"; item: T } | { kind: "delete"; item: T } | null;

/** The state of an admin list page: its page, its search, and the one dialog open. */
export function useListPage<T>() {
  const [page, setPage] = useState(1);
  const [search, setSearchText] = useState("");
  const [dialog, setDialog] = useState<Dialog<T>>(null);
  return {
    page,
    setPage,
    search,
    /** A new search starts again from the first page. */
    setSearch(text: string) {
      setSearchText(text);
      setPage(1);
    },
    creating: dialog?.kind === "create",
    editing: dialog?.kind === "edit" ? dialog.item : null,
    deleting: dialog?.kind === "delete" ? dialog.item : null,
    openCreate: () => setDialog({ kind: "create" }),
    openEdit: (item: T) => setDialog({ kind: "edit", item }),
    openDelete: (item: T) => setDialog({ kind: "delete", item }),
    close: () => setDialog(null),
  };
}

export type ListPageState<T> = ReturnType<typeof useListPage<T>>;
