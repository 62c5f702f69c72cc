import { ListPage } from "../../../components/ListPage";
import { useListPage } from "../../../components/use-list-page";
import { useUsers } from "../../../api/users/list-users";
import { useCreateUser } from "../api/create-user";
import { useDeleteUser } from "../api/delete-user";
import type { UserProfile } from "../api/types";
import { useUpdateUser } from "../api/update-user";
import { UserForm } from "./UserForm";

const EMPTY = { username: "", password: "", full_name: "", email: "", role: "client" as const };

export function UsersPage() {
  const list = useListPage<UserProfile>();
  const users = useUsers({ search: list.search.trim(), page: list.page });
  const createUser = useCreateUser();
  const updateUser = useUpdateUser();
  const deleteUser = useDeleteUser();

  return (
    <ListPage
      title="Users"
      newLabel="New user"
      state={list}
      query={users}
      search={{ id: "user-search", placeholder: "part of a username" }}
      tableTestId="users-table"
      columns={[
        { header: "Username", cell: (user) => user.username },
        { header: "Full name", cell: (user) => user.full_name },
        { header: "E-mail", cell: (user) => user.email },
        { header: "Role", cell: (user) => <span className={`badge ${user.role}`}>{user.role}</span> },
      ]}
      name={(user) => user.username}
      rowData={(user) => ({ "data-username": user.username })}
      emptyText="No users match."
      create={{
        mutation: createUser,
        form: (dialog) => <UserForm {...dialog} initial={EMPTY} editing={false} />,
      }}
      edit={{
        mutation: updateUser,
        form: (user, dialog) => (
          <UserForm
            {...dialog}
            initial={{
              ...EMPTY,
              username: user.username,
              full_name: user.full_name,
              email: user.email,
              role: user.role,
            }}
            editing
            onSubmit={(changes) => dialog.onSubmit({ user, changes })}
          />
        ),
      }}
      remove={{
        mutation: deleteUser,
        title: "Delete user",
        message: (user) => `Delete ${user.username}? Their devices become unassigned. This cannot be undone.`,
        confirm: (user, close) => deleteUser.mutate(user.id, { onSuccess: close }),
      }}
    />
  );
}
