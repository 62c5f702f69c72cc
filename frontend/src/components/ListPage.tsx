import type { ReactNode } from "react";
import { ConfirmDialog } from "./ConfirmDialog";
import { ErrorMessage, errorText } from "./ErrorMessage";
import type { FormDialog } from "./FormActions";
import { Loading } from "./Loading";
import { Modal } from "./Modal";
import { Pagination } from "./Pagination";
import { showToast, Toaster } from "./Toast";
import type { ListPageState } from "./use-list-page";
import "./list.css";
import { TableBox } from "./TableBox";

export const PAGE_SIZE = 50; // the services' DRF page size

export interface Column<T> {
  header: ReactNode;
  cell: (item: T) => ReactNode;
  /** The API's ordering field: the header becomes a button sorting by it. */
  sort?: string;
  /** A long text cut to the column's width, the whole of it in a tooltip. */
  truncate?: (item: T) => string;
  /** On the header and the cells (`num` right-aligns a number). */
  className?: string;
  cellTestId?: string;
}

/** What the page needs of its list query (TanStack Query's result has it): a page of rows. */
interface ListQuery<T> {
  isPending: boolean;
  isError: boolean;
  error: unknown;
  data?: { count: number; results: T[] };
}

/** What the page's dialogs need of a mutation (TanStack Query's result has it). */
interface MutationState {
  isPending: boolean;
  error: unknown;
  reset: () => void;
}

/** A mutation the page runs itself: a create or edit dialog's. */
interface Mutation<V, R> extends MutationState {
  mutate(variables: V, options: { onSuccess: (result: R) => void }): void;
}

interface Props<T extends { id: string }, C, E, R> {
  title: string;
  state: ListPageState<T>;
  query: ListQuery<T>;
  /** A search box above the table, bound to `state.searchText`. */
  search?: { id: string; placeholder: string };
  /** More controls in the toolbar (filters). */
  filters?: ReactNode;
  /** Buttons beside the title ("Mark all read"); the create button comes last. */
  headActions?: ReactNode;
  /** Shown above the table (an action's error). */
  notice?: ReactNode;
  tableTestId: string;
  columns: Column<T>[];
  /** What a row is ("device"): the toasts name it ("Saved device lamp.") and so does the delete dialog's title. */
  noun: string;
  /** The row's name in the buttons' labels and the edit dialog's title ("Edit alice"). */
  name: (item: T) => string;
  rowData: (item: T) => Record<`data-${string}`, string>;
  rowClassName?: (item: T) => string | undefined;
  /** More buttons between Edit and Delete. */
  actions?: (item: T) => ReactNode;
  emptyText: string;
  create?: {
    /** The create button's text and the create dialog's title ("New user"). */
    label: string;
    mutation: Mutation<C, R>;
    form: (dialog: FormDialog<C>) => ReactNode;
    /** Runs once created (the page may show the new row); the toast's text ("Created user alice."). */
    done: (values: C, result: R) => string;
  };
  /** Toasts "Saved {noun} {name}." once saved. */
  edit?: {
    mutation: Mutation<E, unknown>;
    form: (item: T, dialog: FormDialog<E>) => ReactNode;
  };
  /** Deletes by the row's id once confirmed ("Delete {noun}"), then toasts "Deleted {noun} {name}.". */
  remove?: {
    mutation: Mutation<string, unknown>;
    message: (item: T) => string;
  };
  /** More dialogs the page opens itself. */
  children?: ReactNode;
}

/** An edit form's props over an `{ id, data }` update: the row to start from, "Save", and its id sent along. */
export function editForm<T extends { id: string }, V>(item: T, dialog: FormDialog<{ id: string; data: V }>) {
  return {
    ...dialog,
    initial: item,
    submitLabel: "Save",
    onSubmit: (data: V) => dialog.onSubmit({ id: item.id, data }),
  };
}

/** A button in a table row, named for the row ("Edit alice") for screen readers. */
export function RowButton(props: { label: string; name: string; className?: string; onClick: () => void }) {
  return (
    <button
      type="button"
      className={props.className ?? "secondary"}
      aria-label={`${props.label} ${props.name}`}
      onClick={props.onClick}
    >
      {props.label}
    </button>
  );
}

function SortHeader<T>({ column, state }: { column: Column<T>; state: ListPageState<T> }) {
  const field = column.sort as string;
  const direction = state.ordering === field ? "ascending" : state.ordering === `-${field}` ? "descending" : null;
  return (
    <th scope="col" className={column.className} aria-sort={direction ?? undefined}>
      <button type="button" className="sort-button" onClick={() => state.sortBy(field)}>
        {column.header}
        <span className="sort-mark" aria-hidden="true">
          {direction === "ascending" ? "▲" : direction === "descending" ? "▼" : "↕"}
        </span>
      </button>
    </th>
  );
}

function Cell<T>({ column, item }: { column: Column<T>; item: T }) {
  const text = column.truncate?.(item);
  return (
    <td className={column.className} data-testid={column.cellTestId}>
      {text === undefined ? (
        column.cell(item)
      ) : (
        <span className="truncate cell-text" title={text}>
          {column.cell(item)}
        </span>
      )}
    </td>
  );
}

/**
 * A list page: search, filters, a table sorted by its headers with the row's actions, pages,
 * and the create / edit / delete dialogs, each completed one confirmed by a toast.
 */
export function ListPage<T extends { id: string }, C = never, E = never, R = unknown>(props: Props<T, C, E, R>) {
  const { state, query, search, columns, noun, name, create, edit, remove } = props;
  const { editing, deleting } = state;
  const hasActions = Boolean(edit || remove || props.actions);
  /** Opens a dialog afresh: the error of its last try is not shown again. */
  const opener = (mutation: MutationState, open: () => void) => () => {
    mutation.reset();
    open();
  };
  function dialog<V, Result>(mutation: Mutation<V, Result>, done: (values: V, result: Result) => void): FormDialog<V> {
    return {
      busy: mutation.isPending,
      error: mutation.error,
      onCancel: state.close,
      onSubmit: (values) =>
        mutation.mutate(values, {
          onSuccess: (result) => {
            state.close();
            done(values, result);
          },
        }),
    };
  }
  return (
    <section>
      <div className="page-head">
        <h1>{props.title}</h1>
        <div className="head-actions">
          {props.headActions}
          {create && (
            <button type="button" onClick={opener(create.mutation, state.openCreate)}>
              {create.label}
            </button>
          )}
        </div>
      </div>
      {(search || props.filters) && (
        <div className="toolbar list-toolbar">
          {search && (
            <div className="field inline search-field">
              <label htmlFor={search.id}>Search</label>
              <input
                id={search.id}
                type="search"
                placeholder={search.placeholder}
                value={state.searchText}
                onChange={(e) => state.setSearchText(e.target.value)}
              />
            </div>
          )}
          {props.filters}
        </div>
      )}
      {props.notice}
      {query.isPending && <Loading />}
      {query.isError && <ErrorMessage error={query.error} />}
      {query.data && (
        <>
          <TableBox label={props.title}>
            <table data-testid={props.tableTestId} className="list-table">
              <thead>
                <tr>
                  {columns.map((column, index) =>
                    column.sort ? (
                      <SortHeader key={index} column={column} state={state} />
                    ) : (
                      <th key={index} scope="col" className={column.className}>
                        {column.header}
                      </th>
                    ),
                  )}
                  {hasActions && (
                    <th scope="col" className="row-actions">
                      <span className="sr-only">Actions</span>
                    </th>
                  )}
                </tr>
              </thead>
              <tbody>
                {query.data.results.map((item) => (
                  <tr key={item.id} className={props.rowClassName?.(item)} {...props.rowData(item)}>
                    {columns.map((column, index) => (
                      <Cell key={index} column={column} item={item} />
                    ))}
                    {hasActions && (
                      <td className="row-actions">
                        <div className="row-buttons">
                          {edit && (
                            <RowButton
                              label="Edit"
                              name={name(item)}
                              onClick={opener(edit.mutation, () => state.openEdit(item))}
                            />
                          )}
                          {props.actions?.(item)}
                          {remove && (
                            <RowButton
                              label="Delete"
                              name={name(item)}
                              className="danger"
                              onClick={opener(remove.mutation, () => state.openDelete(item))}
                            />
                          )}
                        </div>
                      </td>
                    )}
                  </tr>
                ))}
                {query.data.results.length === 0 && (
                  <tr>
                    <td colSpan={columns.length + (hasActions ? 1 : 0)} className="muted" data-testid="list-empty">
                      {props.emptyText}
                    </td>
                  </tr>
                )}
              </tbody>
            </table>
          </TableBox>
          <Pagination page={state.page} count={query.data.count} pageSize={PAGE_SIZE} onPage={state.setPage} />
        </>
      )}

      {create && state.creating && (
        <Modal title={create.label} onClose={state.close}>
          {create.form(dialog(create.mutation, (values, result) => showToast(create.done(values, result))))}
        </Modal>
      )}
      {edit && editing && (
        <Modal title={`Edit ${name(editing)}`} onClose={state.close}>
          {edit.form(
            editing,
            dialog(edit.mutation, () => showToast(`Saved ${noun} ${name(editing)}.`)),
          )}
        </Modal>
      )}
      {props.children}
      {remove && deleting && (
        <ConfirmDialog
          title={`Delete ${noun}`}
          message={remove.message(deleting)}
          confirmLabel="Delete"
          busy={remove.mutation.isPending}
          error={remove.mutation.error ? errorText(remove.mutation.error) : null}
          onCancel={state.close}
          onConfirm={() =>
            remove.mutation.mutate(deleting.id, {
              onSuccess: () => {
                state.close();
                showToast(`Deleted ${noun} ${name(deleting)}.`);
              },
            })
          }
        />
      )}
      <Toaster />
    </section>
  );
}
