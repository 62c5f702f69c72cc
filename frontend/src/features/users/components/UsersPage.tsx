import { useState } from "react";
import { ConfirmDialog } from "../../../components/ConfirmDialog";
import { ErrorMessage, errorText } from "../../../components/ErrorMessage";
import { Loading } from "../../../components/Loading";
import { Modal } from "../../../components/Modal";
import { Pagination } from "../../../components/Pagination";
import { useCreateUser } from "../api/create-user";
import { useDeleteUser } from "../api/delete-user";
import { useUsers } from "../../../api/users/list-users";
import type { UserProfile } from "../api/types";
import { useUpdateUser } from "../api/update-user";
import { UserForm } from "./UserForm";

const PAGE_SIZE = 50; // the services' DRF page size

const EMPTY = { username: "", password: "", full_name: "", email: "", role: "client" as const };

export function UsersPage() {
  const [search, setSearch] = useState("");
  const [page, setPage] = useState(1);
  const users = useUsers({ search: search.trim(), page });
  const createUser = useCreateUser();
  const updateUser = useUpdateUser();
  const deleteUser = useDeleteUser();
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState<UserProfile | null>(null);
  const [deleting, setDeleting] = useState<UserProfile | null>(null);

  return (
    <section>
      <div className="page-head">
        <h1>Users</h1>
        <button
          type="button"
          onClick={() => {
            createUser.reset();
            setCreating(true);
          }}
        >
          New user
        </button>
      </div>
      <div className="toolbar">
        <label htmlFor="user-search">Search</label>
        <input
          id="user-search"
          type="search"
          placeholder="part of a username"
          value={search}
          onChange={(e) => {
            setSearch(e.target.value);
            setPage(1);
          }}
        />
      </div>
      {users.isPending && <Loading />}
      {users.isError && <ErrorMessage error={users.error} />}
      {users.data && (
        <>
          <div className="table-wrap">
            <table data-testid="users-table">
              <thead>
                <tr>
                  <th scope="col">Username</th>
                  <th scope="col">Full name</th>
                  <th scope="col">E-mail</th>
                  <th scope="col">Role</th>
                  <th scope="col">
                    <span className="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {users.data.results.map((user) => (
                  <tr key={user.id} data-username={user.username}>
                    <td>{user.username}</td>
                    <td>{user.full_name}</td>
                    <td>{user.email}</td>
                    <td>
                      <span className={`badge ${user.role}`}>{user.role}</span>
                    </td>
                    <td className="row-actions">
                      <button
                        type="button"
                        className="secondary"
                        aria-label={`Edit ${user.username}`}
                        onClick={() => {
                          updateUser.reset();
                          setEditing(user);
                        }}
                      >
                        Edit
                      </button>
                      <button
                        type="button"
                        className="danger"
                        aria-label={`Delete ${user.username}`}
                        onClick={() => {
                          deleteUser.reset();
                          setDeleting(user);
                        }}
                      >
                        Delete
                      </button>
                    </td>
                  </tr>
                ))}
                {users.data.results.length === 0 && (
                  <tr>
                    <td colSpan={5} className="muted">
                      No users match.
                    </td>
                  </tr>
                )}
              </tbody>
            </table>
          </div>
          <Pagination page={page} count={users.data.count} pageSize={PAGE_SIZE} onPage={setPage} />
        </>
      )}

      {creating && (
        <Modal title="New user" onClose={() => setCreating(false)}>
          <UserForm
            initial={EMPTY}
            editing={false}
            busy={createUser.isPending}
            error={createUser.error}
            onCancel={() => setCreating(false)}
            onSubmit={(values) => createUser.mutate(values, { onSuccess: () => setCreating(false) })}
          />
        </Modal>
      )}
      {editing && (
        <Modal title={`Edit ${editing.username}`} onClose={() => setEditing(null)}>
          <UserForm
            initial={{ ...EMPTY, ...editing, password: "" }}
            editing
            busy={updateUser.isPending}
            error={updateUser.error}
            onCancel={() => setEditing(null)}
            onSubmit={(values) =>
              updateUser.mutate({ user: editing, changes: values }, { onSuccess: () => setEditing(null) })
            }
          />
        </Modal>
      )}
      {deleting && (
        <ConfirmDialog
          title="Delete user"
          message={`Delete ${deleting.username}? Their devices become unassigned. This cannot be undone.`}
          confirmLabel="Delete"
          busy={deleteUser.isPending}
          error={deleteUser.error ? errorText(deleteUser.error) : null}
          onCancel={() => setDeleting(null)}
          onConfirm={() => deleteUser.mutate(deleting.id, { onSuccess: () => setDeleting(null) })}
        />
      )}
    </section>
  );
}
