import type { ReactNode } from "react";
import { ConfirmDialog } from "./ConfirmDialog";
import { ErrorMessage, errorText } from "./ErrorMessage";
import type { FormDialog } from "./FormActions";
import { Loading } from "./Loading";
import { Modal } from "./Modal";
import { Pagination } from "./Pagination";
import type { ListPageState } from "./use-list-page";

const PAGE_SIZE = 50; // the services' DRF page size

export interface Column<T> {
  header: ReactNode;
  cell: (item: T) => ReactNode;
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
interface Mutation<V> extends MutationState {
  mutate(variables: V, options: { onSuccess: () => void }): void;
}

interface Props<T extends { id: string }, C, E> {
  title: string;
  /** The create button's text and the create dialog's title ("New user"). */
  newLabel: string;
  state: ListPageState<T>;
  query: ListQuery<T>;
  /** A search box above the table, bound to `state.search`. */
  search?: { id: string; placeholder: string };
  /** Shown above the table (an action's error). */
  notice?: ReactNode;
  tableTestId: string;
  columns: Column<T>[];
  /** The row's name in the buttons' labels and the edit dialog's title ("Edit alice"). */
  name: (item: T) => string;
  rowData: (item: T) => Record<`data-${string}`, string>;
  /** More buttons between Edit and Delete. */
  actions?: (item: T) => ReactNode;
  emptyText: string;
  create: { mutation: Mutation<C>; form: (dialog: FormDialog<C>) => ReactNode };
  edit: { mutation: Mutation<E>; form: (item: T, dialog: FormDialog<E>) => ReactNode };
  remove: {
    mutation: MutationState;
    title: string;
    message: (item: T) => string;
    confirm: (item: T, close: () => void) => void;
  };
  /** More dialogs the page opens itself. */
  children?: ReactNode;
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

/** An admin list page: search, table with edit and delete per row, pages, and their dialogs. */
export function ListPage<T extends { id: string }, C, E>(props: Props<T, C, E>) {
  const { state, query, search, columns, name, create, edit, remove } = props;
  const { editing, deleting } = state;
  /** Opens a dialog afresh: the error of its last try is not shown again. */
  const opener = (mutation: MutationState, open: () => void) => () => {
    mutation.reset();
    open();
  };
  function dialog<V>(mutation: Mutation<V>): FormDialog<V> {
    return {
      busy: mutation.isPending,
      error: mutation.error,
      onCancel: state.close,
      onSubmit: (variables) => mutation.mutate(variables, { onSuccess: state.close }),
    };
  }
  return (
    <section>
      <div className="page-head">
        <h1>{props.title}</h1>
        <button type="button" onClick={opener(create.mutation, state.openCreate)}>
          {props.newLabel}
        </button>
      </div>
      {search && (
        <div className="toolbar">
          <label htmlFor={search.id}>Search</label>
          <input
            id={search.id}
            type="search"
            placeholder={search.placeholder}
            value={state.search}
            onChange={(e) => state.setSearch(e.target.value)}
          />
        </div>
      )}
      {props.notice}
      {query.isPending && <Loading />}
      {query.isError && <ErrorMessage error={query.error} />}
      {query.data && (
        <>
          <div className="table-wrap">
            <table data-testid={props.tableTestId}>
              <thead>
                <tr>
                  {columns.map((column, index) => (
                    <th key={index} scope="col" className={column.className}>
                      {column.header}
                    </th>
                  ))}
                  <th scope="col">
                    <span className="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {query.data.results.map((item) => (
                  <tr key={item.id} {...props.rowData(item)}>
                    {columns.map((column, index) => (
                      <td key={index} className={column.className} data-testid={column.cellTestId}>
                        {column.cell(item)}
                      </td>
                    ))}
                    <td className="row-actions">
                      <RowButton
                        label="Edit"
                        name={name(item)}
                        onClick={opener(edit.mutation, () => state.openEdit(item))}
                      />
                      {props.actions?.(item)}
                      <RowButton
                        label="Delete"
                        name={name(item)}
                        className="danger"
                        onClick={opener(remove.mutation, () => state.openDelete(item))}
                      />
                    </td>
                  </tr>
                ))}
                {query.data.results.length === 0 && (
                  <tr>
                    <td colSpan={columns.length + 1} className="muted">
                      {props.emptyText}
                    </td>
                  </tr>
                )}
              </tbody>
            </table>
          </div>
          <Pagination page={state.page} count={query.data.count} pageSize={PAGE_SIZE} onPage={state.setPage} />
        </>
      )}

      {state.creating && (
        <Modal title={props.newLabel} onClose={state.close}>
          {create.form(dialog(create.mutation))}
        </Modal>
      )}
      {editing && (
        <Modal title={`Edit ${name(editing)}`} onClose={state.close}>
          {edit.form(editing, dialog(edit.mutation))}
        </Modal>
      )}
      {props.children}
      {deleting && (
        <ConfirmDialog
          title={remove.title}
          message={remove.message(deleting)}
          confirmLabel="Delete"
          busy={remove.mutation.isPending}
          error={remove.mutation.error ? errorText(remove.mutation.error) : null}
          onCancel={state.close}
          onConfirm={() => remove.confirm(deleting, state.close)}
        />
      )}
    </section>
  );
}
